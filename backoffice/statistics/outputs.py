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


# The statistics page's figures: written by `compile --aggregates` (and the coordinator's page)
# beside the store, never into the repository, whose data/statistik.json holds demo figures.
FIGURES_ENV = "SIP_STATISTIK"
FIGURES_NAME = "statistik.json"


def site_figures_path() -> Path:
    """Where compiled figures for the statistics page are written: $SIP_STATISTIK, else statistik.json
    beside the default store (var/statistik.json in a checkout), a file git does not track."""
    from backoffice import config

    override = os.environ.get(FIGURES_ENV)
    return Path(override) if override else config.default_data_dir().parent / FIGURES_NAME


def page_figures_path(configured: str | None = None) -> Path:
    """The figures the statistics page shows: $SIP_STATISTIK (or `configured`), else the written ones
    when there are any, else the repository's demo figures (data/statistik.json, marked as demo)."""
    from backoffice import config

    chosen = os.environ.get(FIGURES_ENV) or configured
    if chosen:
        path = Path(chosen)
        return path if path.is_absolute() else config.ROOT / path
    written = site_figures_path()
    return written if written.exists() else config.ROOT / "data" / FIGURES_NAME
