"""Shared helpers for the validation tests: where the fixture tables are."""
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "validate"


def fixture(name: str) -> Path:
    return FIXTURES / name
