"""Import a filled template or table into the store: validated like `validate`, appended all or nothing."""
from __future__ import annotations

from backoffice import config
from backoffice.forms import schema as schemas
from backoffice.validation import sources
from backoffice.register import RegisterError
from backoffice.store.files import FileStore, Receipt, StoreError


class UnusableSource(Exception):
    """The file cannot be read as a table for the form (Swedish message)."""


class ImportRefused(Exception):
    """The table has problems, so nothing was appended; `problems` are validate's Problems."""

    def __init__(self, source, problems):
        self.source = str(source)
        self.problems = problems
        super().__init__(f"{len(problems)} fel i {source}")

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

    Raises ImportRefused (nothing appended) when any row has a problem, UnusableSource when the
    input cannot be read. An empty table is refused too: importing nothing is surely a mistake.
    """
    from backoffice.validation.table import validate_table

    try:
        result = validate_table(source, form_id, sheet=sheet, register=register, credentials=credentials)
    except (sources.SourceError, schemas.UnknownFormError, RegisterError) as error:
        raise UnusableSource(str(error)) from None
    except OSError as error:
        raise UnusableSource(f"{source} går inte att läsa ({error.strerror or error}).") from None
    if result.problems:
        raise ImportRefused(source, result.problems)
    if not result.valid_rows:
        raise UnusableSource(f"{source} har inga rader att läsa in (bara rubrikraden).")
    store = store if store is not None else FileStore(data_dir if data_dir is not None else config.default_data_dir())
    from backoffice.gsheets import GSheetError

    try:
        return store.append(form_id, result.valid_rows, kanal="import")
    except (StoreError, GSheetError) as error:
        raise UnusableSource(str(error)) from None
