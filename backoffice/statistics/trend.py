"""The trend: the administration's totals school year by school year, as far back as the store goes.

Each form's statistic gives its own figures per school year (the annual follow-up its answers,
the deviations their number, the audit its documents); this puts them side by side.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Mapping

from backoffice import schoolyear
from backoffice.statistics.figures import TrendRow


def trend(schools: int, figures: Iterable[Mapping[str, Mapping[str, int]]]) -> list[TrendRow]:
    """One row per school year any form has rows for, oldest first; `figures` are per form: year → figures.

    `schools` is today's register, for every year: the register of earlier years is not kept.
    """
    per_year: dict[str, dict[str, int]] = defaultdict(dict)
    for form_figures in figures:
        for year, values in form_figures.items():
            per_year[year].update(values)
    return [TrendRow(lasar=year, skolor=schools, **per_year[year])
            for year in sorted(per_year) if schoolyear.is_valid(year)]
