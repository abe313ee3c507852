"""Write an output file (the workbook, the aggregates) whole or not at all, with a Swedish error when it cannot be."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from backoffice.errors import SipError


class OutputError(SipError):
    """An output file that could not be written; the message names it and says why."""


def write_whole(path: str | Path, write: Callable[[Path], None], what: str) -> Path:
    """Call `write` with a temporary file beside `path`, then put it in place: a reader never sees half a file.

    `what` names the file in the message ("Arbetsboken", "JSON-filen").
    """
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(temporary)
        temporary.replace(path)
    except OSError as error:
        raise OutputError(f"{what} {path} kunde inte skrivas ({error.strerror or error}).") from None
    finally:
        if temporary.exists():
            temporary.unlink()
    return path
