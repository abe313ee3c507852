"""Import a filled template or table into the store: validated like `validate`, appended all or nothing.

Every import is remembered in the store's import log (backoffice.store.import_log): the file's
SHA-256, the time, the rows, the form and the file's name. The same file imported again into the
same form is refused, naming the earlier import, unless the coordinator asks for it (`again`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from backoffice import config
from backoffice.errors import InvalidData, SipError
from backoffice.store import import_log
from backoffice.store.files import FileStore, Receipt


class UnusableSource(SipError):
    """The file cannot be read as a table for the form, or holds no rows (Swedish message)."""


class ImportRefused(InvalidData):
    """The table has problems, so nothing was appended; `problems` are validate's Problems.

    The message says so and then lists the problems, one line each with file, row and column.
    """

    def __init__(self, source, result):
        self.source = str(source)
        self.result = result
        self.problems = result.problems
        super().__init__("\n".join([
            f"{source}: {len(self.problems)} fel; ingenting har lagts in i lagret. Rätta felen och läs in filen igen.",
            *self.lines()]))

    def lines(self) -> list[str]:
        """The problems as `validate` reports them: file, row, column letter and name, then the message."""
        from backoffice.validation.report import problem_line

        return [problem_line(self.result, problem) for problem in self.problems]


@dataclass
class Imported:
    """What an import did: the receipts of the rows appended, its record in the import log, earlier imports."""

    receipts: list[Receipt]
    record: dict
    earlier: list[dict]

    def __len__(self) -> int:
        return len(self.receipts)

    def __iter__(self):
        return iter(self.receipts)


def _digest(source) -> tuple[str, str]:
    """The name and SHA-256 a source is remembered by (a Google Sheet: its address, no digest)."""
    path = Path(str(source))
    if path.is_file():
        return path.name, import_log.file_digest(path)
    return str(source), ""


def import_table(source, form_id: str, *, data_dir=None, store=None, sheet: str | None = None,
                 register: dict | None = None, credentials: str | None = None, again: bool = False,
                 how_again: str = "lägg till --igen") -> Imported:
    """Validate `source` against the form and append every row to the store in one write.

    Raises ImportRefused (nothing appended) when any row has a problem; AlreadyImported when the
    same file was imported into the form before and `again` is false; a SipError (exit status 2)
    when the input, the form, the register or the store cannot be used. An empty table is refused
    too: importing nothing is surely a mistake. `how_again` ends the AlreadyImported message (the
    command's --igen, or the page's checkbox). The import log lives in `data_dir` (the file
    store's own folder by default).
    """
    from backoffice.validation.table import validate_table

    store = store if store is not None else FileStore(data_dir if data_dir is not None else config.default_data_dir())
    log_dir = Path(data_dir) if data_dir is not None else getattr(store, "data_dir", config.default_data_dir())
    name, sha256 = _digest(source)
    if sha256 and not again:
        import_log.refuse_repeat(log_dir, form_id, sha256, name, how_again)  # at once, before a long validation
    try:
        result = validate_table(source, form_id, sheet=sheet, register=register, credentials=credentials)
    except OSError as error:
        raise UnusableSource(f"{source} går inte att läsa ({error.strerror or error}).") from None
    if result.problems:
        raise ImportRefused(source, result)
    if not result.valid_rows:
        raise UnusableSource(f"{source} har inga rader att läsa in (bara rubrikraden).")
    earlier = import_log.earlier(log_dir, form_id, sha256) if sha256 else []
    batch = import_log.new_record(form_id, name, sha256, len(result.valid_rows), again)
    if isinstance(store, FileStore) and store.data_dir == log_dir:
        receipts, record = store.import_rows(form_id, result.valid_rows, batch)
    else:
        # Another store (a Google Sheet) applies an append whole; the log records it afterwards.
        receipts = store.append(form_id, result.valid_rows, kanal="import")
        record = import_log.import_log(log_dir).append({**batch, "kvitton": [receipts[0].kvitto, receipts[-1].kvitto]})
    return Imported(receipts, record, earlier)
