"""Reports of validation results: Swedish text for people and JSON for programs, with the same errors."""
from __future__ import annotations

import json
import re

from backoffice.validation.problems import UNUSABLE_CODES, Problem, TableResult


def unusable(path: str, form_id: str, message: str) -> TableResult:
    """A table that could not be read at all, as a result holding one problem without row or column."""
    # Source errors name their file (and the row that stopped the reading) for callers that print
    # them alone; the report names the file already, and the row as a problem's row.
    row = None
    at_row = re.match(re.escape(path) + r", rad (\d+): ", message)
    if at_row:
        row, message = int(at_row.group(1)), message[at_row.end():]
    message = message.removeprefix(f"{path}: ")
    return TableResult(path=path, form=form_id, rows=0, problems=[Problem(row, None, "source-error", message)],
                       valid_rows=[])


def exit_status(results: list[TableResult]) -> int:
    """2 when a table could not be used, 1 when one has errors, else 0."""
    if any(p.code in UNUSABLE_CODES for r in results for p in r.problems):
        return 2
    return 1 if any(r.problems for r in results) else 0


def location(result: TableResult, problem: Problem) -> str:
    """Where a problem is: file, row as a spreadsheet shows it, column letter and column name."""
    parts = [result.path]
    if problem.row is not None:
        parts.append(f"rad {problem.row}")
    if problem.field is not None:
        letter = result.columns.get(problem.field)
        parts.append(f"kolumn {letter} ({problem.field})" if letter else f"kolumn {problem.field}")
    return ", ".join(parts)


def problem_line(result: TableResult, problem: Problem) -> str:
    """One line of the human report: location, then what is wrong and what to do."""
    return f"{location(result, problem)}: {problem.message}"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def human_report(results: list[TableResult]) -> str:
    """The Swedish report: one line per error, a line per valid table, then a summary line."""
    lines = []
    for result in results:
        if result.problems:
            lines.extend(problem_line(result, problem) for problem in result.problems)
        else:
            lines.append(f"{result.path}: inga fel ({_plural(result.rows, 'rad', 'rader')}, blanketten {result.form}).")
    lines.append(summary_line(results))
    return "\n".join(lines)


def summary_line(results: list[TableResult]) -> str:
    """The closing line: how many tables and rows were checked and how many errors were found."""
    tables = len(results)
    rows = sum(r.rows for r in results)
    errors = sum(len(r.problems) for r in results)
    with_errors = sum(1 for r in results if r.problems)
    checked = f"{_plural(tables, 'tabell', 'tabeller')} med {_plural(rows, 'rad', 'rader')} kontrollerade"
    if not errors:
        return f"Sammanfattning: {checked}, inga fel."
    return (f"Sammanfattning: {checked}, {_plural(errors, 'fel', 'fel')} i "
            f"{with_errors} av {_plural(tables, 'tabell', 'tabeller')}. Rätta felen och kontrollera igen.")


def json_report(results: list[TableResult]) -> dict:
    """The report as {"valid", "tables": [{"path", "form", "rows", "errors": [...]}]}: each error's row,
    field, column letter (as the spreadsheet shows it), code and message, as the text report has them."""
    return {
        "valid": all(not r.problems for r in results),
        "tables": [
            {
                "path": r.path,
                "form": r.form,
                "rows": r.rows,
                "errors": [{"row": p.row, "field": p.field, "column": r.columns.get(p.field) if p.field else None,
                            "code": p.code, "message": p.message}
                           for p in r.problems],
            }
            for r in results
        ],
    }


def json_text(results: list[TableResult]) -> str:
    """The JSON report as text (UTF-8 letters kept readable)."""
    return json.dumps(json_report(results), ensure_ascii=False, indent=2)
