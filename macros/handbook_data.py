"""Load the handbook's YAML content and the chosen edition once, as plain dicts and lists."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError

# The repository root: data/ sits beside the macros package.
ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"

# Files holding a list of entries with ids; children.yaml is a single mapping.
LIST_FILES = ("sources", "role_groups", "roles", "steps", "checklists", "glossary", "routines", "forms",
              "material")
# The kinds of entry an edition may leave out altogether (its `omit:`), beyond labelling them.
OMITTABLE = ("routines", "checklists", "roles", "material")


class HandbookDataError(PluginError):
    """A data file is missing something the page asked for (MkDocs prints it without a traceback)."""


@dataclass
class Handbook:
    """All handbook content, indexed by id for quick lookup."""

    sources: list = field(default_factory=list)
    role_groups: list = field(default_factory=list)
    roles: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    checklists: list = field(default_factory=list)
    glossary: list = field(default_factory=list)
    routines: list = field(default_factory=list)
    forms: list = field(default_factory=list)
    material: list = field(default_factory=list)
    children: dict = field(default_factory=dict)

    def by_id(self, kind: str) -> dict:
        """Entries of one file keyed by their id."""
        return {entry["id"]: entry for entry in getattr(self, kind) if "id" in entry}

    def get(self, kind: str, entry_id: str) -> dict:
        """One entry, or a Swedish error naming the file and the id when it is missing."""
        try:
            return self.by_id(kind)[entry_id]
        except KeyError:
            known = ", ".join(sorted(self.by_id(kind))) or "inga"
            raise HandbookDataError(
                f"data/handbook/{kind}.yaml saknar id '{entry_id}'. Kända id: {known}."
            ) from None


def _read_yaml(path: Path, default):
    # A missing file reads as empty: the page that needs one of its entries then stops the build with
    # HandbookDataError naming the file and the id, which says more than "file not found".
    if not path.exists():
        return default
    try:
        with path.open(encoding="utf-8") as handle:
            value = yaml.safe_load(handle)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f", rad {mark.line + 1}, kolumn {mark.column + 1}" if mark else ""
        raise HandbookDataError(
            f"{path}{where}: filen är inte giltig YAML ({getattr(error, 'problem', None) or error}). "
            "Kontrollera indrag och citattecken."
        ) from None
    return default if value is None else value


def _stamp(directory: Path) -> tuple:
    # Modification times of the YAML files: `mkdocs serve` picks up edits, a build reads them once.
    return tuple(sorted((p.name, p.stat().st_mtime_ns) for p in Path(directory).glob("*.yaml")))


def load_handbook(data_dir: Path = DATA_DIR) -> Handbook:
    """Read every data/handbook/*.yaml file (once, until one of them changes)."""
    handbook_dir = Path(data_dir) / "handbook"
    return _load_handbook(handbook_dir, _stamp(handbook_dir))


@functools.lru_cache(maxsize=8)
def _load_handbook(handbook_dir: Path, _stamp: tuple) -> Handbook:
    parts = {name: _read_yaml(handbook_dir / f"{name}.yaml", []) for name in LIST_FILES}
    parts["children"] = _read_yaml(handbook_dir / "children.yaml", {})
    return Handbook(**parts)


def omitted(edition: dict, kind: str) -> set[str]:
    """The ids of one kind of entry (routines, checklists, …) the edition leaves out (its `omit:`)."""
    return set((edition.get("omit") or {}).get(kind) or ())


def for_edition(handbook: Handbook, edition: dict) -> Handbook:
    """The handbook as one edition shows it: the entries its `omit:` names are gone, and so are the
    references to them (a step's checklists and roles), so no page of that edition links to them."""
    gone = {kind: omitted(edition, kind) for kind in OMITTABLE}
    if not any(gone.values()):
        return handbook
    kept = {kind: [e for e in getattr(handbook, kind) if e.get("id") not in gone[kind]] for kind in OMITTABLE}
    steps = [dict(step, checklists=[c for c in step.get("checklists") or [] if c not in gone["checklists"]],
                  who=[r for r in step.get("who") or [] if r not in gone["roles"]])
             for step in handbook.steps]
    return Handbook(**{**vars(handbook), **kept, "steps": steps})


def load_edition(edition_id: str, data_dir: Path = DATA_DIR) -> dict:
    """Read data/editions/<edition_id>.yaml; a missing file is a clear Swedish error."""
    path = Path(data_dir) / "editions" / f"{edition_id}.yaml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in path.parent.glob("*.yaml"))) or "inga"
        raise HandbookDataError(
            f"Utgåvan '{edition_id}' finns inte: {path} saknas. "
            f"Ange en befintlig utgåva i SIP_EDITION ({known})."
        )
    return _load_edition(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _load_edition(path: Path, _mtime: int) -> dict:
    edition = _read_yaml(path, {})
    edition.setdefault("id", path.stem)
    return edition
