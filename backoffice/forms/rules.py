"""Cross-field rules declared in a form's `sip:form.rules`: data, so no check branches on a form's id.

Two kinds, each with the Swedish `message` a person reads (what is wrong and what to do, never
the value) and an optional `code` for machine-readable reports:

    rules:
      - if: {avvikelse_utredd: ja}            # when every field listed has that answer …
        then: {avvikelser_utredda: {minimum: 1}}   # … the field must meet the condition
        message: Antalet utredda avvikelser måste vara minst 1 när …
        code: conditional-count
      - not_after_today: datum                # a date that may not lie in the future
        message: Datumet ligger i framtiden. Skriv …

Conditions: `minimum: N` (filled in and at least N), `maximum: N` (empty or at most N),
`equals: V`, `not: V`. The error is reported at the field the condition is about.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

CONDITIONS = ("minimum", "maximum", "equals", "not")
DEFAULT_CODE = "rule"


@dataclass(frozen=True)
class Rule:
    """One declared rule. `when` is empty and `not_after_today` set for a date rule."""

    field: str
    message: str
    code: str = DEFAULT_CODE
    when: tuple[tuple[str, str], ...] = ()
    condition: tuple[str, Any] | None = None
    not_after_today: bool = False

    def applies(self, values: Mapping[str, Any]) -> bool:
        """Whether the `if` part holds for parsed row values (text compared case-blind)."""
        return all(_same(values.get(name), wanted) for name, wanted in self.when)

    def holds(self, value: Any, filled: bool) -> bool:
        """Whether the field's parsed value (and whether its cell was filled) meets the condition."""
        kind, limit = self.condition
        if kind == "minimum":
            return filled and value is not None and value >= limit
        if kind == "maximum":
            return not filled or value is None or value <= limit
        if kind == "equals":
            return _same(value, limit)
        return not _same(value, limit)


def _same(value: Any, wanted: Any) -> bool:
    if isinstance(value, str) or isinstance(wanted, str):
        return str(value if value is not None else "").strip().casefold() == str(wanted).strip().casefold()
    return value == wanted


class RuleDefinitionError(ValueError):
    """A rule that cannot be used; raised as the form's definition error by the schema reader."""


def parse_rules(declared: list, field_names: list[str], where: str) -> tuple[Rule, ...]:
    """The rules of a schema, checked against its fields; FormDefinitionError naming the rule otherwise."""
    from backoffice.forms.schema import FormDefinitionError

    rules = []
    for number, item in enumerate(declared, start=1):
        try:
            rules.append(_parse_rule(item, field_names))
        except RuleDefinitionError as error:
            raise FormDefinitionError(f"{where}.rules, regel {number}: {error}") from None
    return tuple(rules)


def _parse_rule(item: Any, field_names: list[str]) -> Rule:
    if not isinstance(item, dict) or not str(item.get("message") or "").strip():
        raise RuleDefinitionError("varje regel behöver ett meddelande (message) på svenska.")
    message, code = str(item["message"]).strip(), str(item.get("code") or DEFAULT_CODE)

    def known(name: str) -> str:
        if name not in field_names:
            raise RuleDefinitionError(f"fältet {name!r} finns inte i schemat.")
        return name

    if "not_after_today" in item:
        return Rule(known(item["not_after_today"]), message, code, not_after_today=True)
    when, then = item.get("if"), item.get("then")
    if not isinstance(when, dict) or not isinstance(then, dict) or len(then) != 1:
        raise RuleDefinitionError("en regel har antingen not_after_today, eller if och then med ett fält.")
    (target, condition), = then.items()
    if not isinstance(condition, dict) or len(condition) != 1 or next(iter(condition)) not in CONDITIONS:
        raise RuleDefinitionError(f"villkoret för {target!r} ska vara ett av {', '.join(CONDITIONS)}.")
    (kind, limit), = condition.items()
    return Rule(known(target), message, code, when=tuple((known(k), v) for k, v in when.items()),
                condition=(kind, limit))
