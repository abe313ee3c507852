"""The statistics pipeline: read the rows (the store or table files), compile a school year, lay out the sheets.

`compile_year` is what the command line, the bench and the coordinator's web page call; each then
writes what it needs (`workbook.write_workbook`, `aggregates.write_aggregates`,
`publish.publish_sheets`) from the one `Compilation`, whose sheets are laid out once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Mapping

from backoffice import config, schoolyear
from backoffice.errors import SipError
from backoffice.forms.schema import all_forms, form_ids, guess_form, load_form
from backoffice.statistics.compiler import compile_statistics, rows_needed
from backoffice.statistics.figures import ROWS, Statistics
from backoffice.statistics.layout import Sheet
from backoffice.statistics.sheets import build_sheets

Rows = dict[str, list[dict[str, str]]]


class UnusableInput(SipError):
    """Input an earlier stage could not use, with that stage's Swedish message (exit status 2)."""


@dataclass
class Loaded:
    """Rows per form, where they came from, the invalid rows left out and what to tell the user."""

    rows: Rows = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    left_out: int = 0
    problems: list[str] = field(default_factory=list)  # a line per problem, as `validate` prints them
    notes: list[str] = field(default_factory=list)


@dataclass
class Compilation:
    """A compiled school year: the figures, their sheets (laid out) and what happened on the way."""

    stats: Statistics
    sheets: list[Sheet]
    sources: list[str]
    left_out: int = 0  # invalid rows of table files, not counted
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The workbook's document title."""
        return f"SIP-uppföljning {self.stats.lasar}"

    @property
    def cells(self) -> int:
        """How many cells the sheets hold (the length of a progress bar)."""
        return sum(sheet.cells for sheet in self.sheets)

    def summary(self) -> str:
        """What was compiled, in a few Swedish sentences."""
        stats, t = self.stats, self.stats.total
        lines = [f"Läsår {stats.lasar}: {t.inskickade} av {t.skolor} skolor har skickat in, "
                 f"{t.sip_initierade} SIP-processer initierade, {stats.deviations.totalt} avvikelser, "
                 f"{stats.audit.dokument} granskade dokument, {stats.meetings.moten} rapporterade SIP-möten, "
                 f"{stats.survey.svar if stats.survey else 0} enkätsvar om delaktighet."]
        lines += [f"{counts.title}: {counts.total.values[ROWS.key]} svar." for counts in stats.other_forms]
        if self.left_out:
            lines.append(f"{self.left_out} ogiltiga rader lämnades utanför (se felen ovan). "
                         "Rätta raderna och kör kommandot igen för att få med dem.")
        skipped = sum(stats.outside_register.values())
        if skipped:
            lines.append(f"{skipped} rader gällde skolor som inte finns i skolregistret och räknades inte.")
        return "\n".join(lines)


def load_store(data_dir: str | Path, lasar: str, *, must_exist: bool = True) -> Loaded:
    """Every form's rows in the store, one form at a time, other school years cut to what the trend reads.

    A store that does not exist is an error when `must_exist`; else (the default store before the
    first answer) it has no rows, and a note says so.
    """
    data_dir = Path(data_dir)
    loaded = Loaded()
    if not data_dir.is_dir():
        if must_exist:
            raise UnusableInput(f"Lagret {data_dir} finns inte. Kontrollera lagrets katalog, eller sammanställ "
                                "från tabellfiler i stället.")
        loaded.notes.append(f"Obs: lagret {data_dir} finns inte ännu, så inga svar har kommit in. "
                            "Alla skolor redovisas som saknade.")
        loaded.sources.append("Lagret (tomt: inga svar ännu)")
        return loaded
    from backoffice.store.files import read_rows

    counts = []
    for form in all_forms():
        # Every version is read (compiling keeps the latest per key), one form at a time, and other
        # school years cut down at once: a national store then fits in far less memory.
        rows = read_rows(data_dir, form.id)
        counts.append(f"{form.id}: {len(rows)} rader")
        loaded.rows[form.id] = rows_needed(form, lasar, rows)
        del rows
    # Named "Lagret", never by its path: the workbook and the site must not show the server's folders.
    loaded.sources.append(f"Lagret ({', '.join(counts)})")
    return loaded


def load_files(paths: Iterable[str], register: Mapping[str, Any], *, form: str | None = None,
               credentials: str | None = None, progress: bool = False) -> Loaded:
    """The valid rows of table files (CSV, XLSX, `gsheet:KEY[/FLIK]`), each validated as `validate` does.

    A file's form is `form`, or recognised by its header. Rows with a problem are left out, counted
    and reported (`problems`); a problem with the whole table leaves out every row it concerns.
    """
    from backoffice.statistics.inputs import read_header
    from backoffice.validation.report import problem_line
    from backoffice.validation.table import validate_table

    if form is not None:
        load_form(form)  # an unknown form: its Swedish error, before any file is read
    loaded = Loaded()
    for path in paths:
        form_id = form or _recognise(read_header(path, credentials=credentials))
        if form_id is None:
            raise UnusableInput(f"{path}: rubrikraden passar ingen av blanketterna {', '.join(form_ids())}. "
                                "Kontrollera första raden, eller ange vilken blankett filen följer.")
        result = validate_table(path, form_id, register=register, progress=progress, credentials=credentials)
        loaded.problems += [problem_line(result, problem) for problem in result.problems]
        left_out = result.rows - len(result.valid_rows)
        loaded.left_out += left_out
        loaded.rows.setdefault(form_id, []).extend(result.valid_rows)
        loaded.sources.append(f"{_source_name(path)} ({form_id}: {len(result.valid_rows)} giltiga rader av {result.rows})")
        if left_out:
            loaded.problems.append(f"{path}: {left_out} av {result.rows} rader har fel och lämnas utanför "
                                   "sammanställningen.")
    return loaded


def _recognise(labels: list[str]) -> str | None:
    """The form a header belongs to: by field names (`guess_form`), else the one form whose every field
    has a column headed by its name or its question (a template's header asks the questions)."""
    from backoffice.validation.header import match_header

    found = guess_form(labels)
    if found is None:
        complete = [f.id for f in all_forms() if not match_header(labels, f).missing]
        found = complete[0] if len(complete) == 1 else None
    return found


def _source_name(path: str) -> str:
    """A table file named by its own name (its folders are this machine's business); a Google Sheet as given."""
    from backoffice.validation.sources import GSHEET_PREFIX

    return path if str(path).startswith(GSHEET_PREFIX) else Path(path).name


def lay_out(stats: Statistics) -> list[Sheet]:
    """The workbook's sheets with their cells laid out, once for every writer."""
    sheets = build_sheets(stats)
    for sheet in sheets:
        sheet.laid_out  # noqa: B018 - computed here, kept on the sheet
    return sheets


def _read_areas(path: str | Path, register: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
    """The area mapping file, and a note when it names schools that are not in the register."""
    from backoffice.statistics.inputs import read_areas

    areas = read_areas(path)
    unknown = sorted(set(areas) - set(register))
    notes = [f"Obs: {len(unknown)} skolenhetskoder i {path} finns inte i skolregistret och används inte "
             f"(till exempel {unknown[0]})."] if unknown else []
    return areas, notes


def compile_year(lasar: str, *, data_dir: str | Path | None = None, files: Iterable[str] = (),
                 form: str | None = None, areas: str | Path | None = None,
                 register: str | Path | None = None, credentials: str | None = None,
                 progress: bool = False, compiled_at: datetime | None = None) -> Compilation:
    """Compile `lasar` from table `files`, or else from the store at `data_dir` (default: the usual store).

    `areas` is a file mapping skolenhetskod → område; `form` names the form of every file (else
    each is recognised by its header); `progress` shows validation's progress bar on a terminal.
    Everything that cannot be used raises a SipError with a Swedish message.
    """
    lasar = schoolyear.parse(lasar)
    from backoffice.register import default_register_path, load_register

    register = Path(register) if register is not None else default_register_path()
    schools = load_register(register)
    mapping, notes = _read_areas(areas, schools) if areas else (None, [])
    files = list(files)
    if files:
        loaded = load_files(files, schools, form=form, credentials=credentials, progress=progress)
    else:
        loaded = load_store(data_dir or config.default_data_dir(), lasar, must_exist=data_dir is not None)
    stats = compile_statistics(lasar, schools, loaded.rows, areas=mapping, sources=loaded.sources,
                               compiled_at=compiled_at, register_file=Path(register).name)
    loaded.rows = {}  # the figures are compiled: let the rows go before the sheets are laid out
    return Compilation(stats, lay_out(stats), loaded.sources, loaded.left_out, loaded.problems,
                       notes + loaded.notes)
