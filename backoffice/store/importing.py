"""Import a filled template or table into the store: validated like `validate`, appended all or nothing."""
from __future__ import annotations

from backoffice import config
from backoffice.errors import InvalidData, SipError
from backoffice.store.files import FileStore, Receipt


class UnusableSource(SipError):
    """The file cannot be read as a table for the form, or holds no rows (Swedish message)."""


class ImportRefused(InvalidData):
    """The table has problems, so nothing was appended; `problems` are validate's Problems.

    The message says so and then lists the problems, one line each with file, row and column.
    """

    def __init__(self, source, problems):
        self.source = str(source)
        self.problems = problems
        super().__init__("\n".join([
            f"{source}: {len(problems)} fel; ingenting har lagts in i lagret. Rätta felen och läs in filen igen.",
            *self.lines()]))

    def lines(self) -> list[str]:
        """The problems as report lines: file, row and column, then the Swedish message."""
        out = []
        for problem in self.problems:
            where = [self.source]
            if problem.row is not None:
                where.append(f"rad {problem.row}")
            if problem.field:
                where.append(f"kolumn {problem.field}")
            out.append(f"{', '.join(where)}: {problem.message}")
        return out


def import_table(source, form_id: str, *, data_dir=None, store=None, sheet: str | None = None,
                 register: dict | None = None, credentials: str | None = None) -> list[Receipt]:
    """Validate `source` against the form and append every row to the store in one write.

    Raises ImportRefused (nothing appended) when any row has a problem; a SipError (exit status 2)
    when the input, the form, the register or the store cannot be used. An empty table is refused
    too: importing nothing is surely a mistake.
    """
    from backoffice.validation.table import validate_table

    try:
        result = validate_table(source, form_id, sheet=sheet, register=register, credentials=credentials)
    except OSError as error:
        raise UnusableSource(f"{source} går inte att läsa ({error.strerror or error}).") from None
    if result.problems:
        raise ImportRefused(source, result.problems)
    if not result.valid_rows:
        raise UnusableSource(f"{source} har inga rader att läsa in (bara rubrikraden).")
    store = store if store is not None else FileStore(data_dir if data_dir is not None else config.default_data_dir())
    return store.append(form_id, result.valid_rows, kanal="import")
