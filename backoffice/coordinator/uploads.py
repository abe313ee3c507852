"""Files the coordinator uploads (addresses, areas, a filled template): saved for the length of the
request only, under a name the pages can show. What is kept is written by the library, checked."""
from __future__ import annotations

import re
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


def table_suffix(filename: str) -> str:
    """.xlsx for an Excel workbook, else .csv: how a table upload is read."""
    return ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"


def display_name(filename: str) -> str:
    """The uploaded file's own name, as the coordinator knows it, without any folder or control
    characters (it is shown on the page and kept in the import log), short enough to be saved as a
    file (60 characters of at most 4 bytes each, under the file system's 255 bytes)."""
    name = re.sub(r"[\x00-\x1f\x7f]", "", filename.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    suffix = Path(name).suffix[:8]
    stem = name[: len(name) - len(Path(name).suffix)]
    return stem[:60] + suffix if stem else f"fil{suffix}"


@contextmanager
def saved_upload(upload, name: str) -> Iterator[Path]:
    """The upload saved as `name` in a scratch folder, removed when the block ends."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / name
        upload.save(path)
        yield path
