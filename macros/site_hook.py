"""MkDocs hook (under `hooks:` in mkdocs.yml): checks the data, then makes the pages it calls for.

- `on_config` stops the build when the handbook data or the edition being built has an error, and
  adds every page made from an entry (a step, role group, checklist, routine page or form) to its
  section of the menu, in the order of the data.
- `on_files` generates each such page that nobody has written by hand in docs/, from its template
  in data/handbook/templates/ filled in with the entry's id; a hand-written page in such a section
  that no entry calls for stops the build (a step removed from steps.yaml leaves no stray page).
- An edition shows only its own forms (its `forms:`) and leaves out the entries its `omit:` names:
  their pages, hand-written or not, are not built for it and leave its menu.
- `on_serve` makes `mkdocs serve` rebuild when data/ or forms/ change, not only docs/.
"""
import sys
from pathlib import Path

# MkDocs loads a hook by its path, outside any package: make the repository root importable, so the
# hook and mkdocs-macros share one `macros` package (and one cache of the data).
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from mkdocs.structure.files import File  # noqa: E402

from backoffice import config as backoffice_config  # noqa: E402
from backoffice.forms import schema as schemas  # noqa: E402
from macros import pages  # noqa: E402
from macros.handbook_checks import check_handbook  # noqa: E402
from macros.handbook_data import HandbookDataError, for_edition, load_edition, load_handbook  # noqa: E402

TEMPLATES = "handbook/templates"


def _data_dir(config) -> Path:
    return Path(config.config_file_path).parent / "data"


def _edition(config) -> dict:
    return load_edition(config.extra["edition"], _data_dir(config))


def _all_form_ids() -> list[str]:
    """Every form in the forms folder, whether the edition uses it or not."""
    return sorted(p.name[: -len(schemas.SUFFIX)] for p in backoffice_config.forms_dir().glob("*" + schemas.SUFFIX))


def _planned(config) -> list:
    """The pages this edition shows: its forms, and the entries it does not omit."""
    handbook = for_edition(load_handbook(_data_dir(config)), _edition(config))
    return pages.planned_pages(handbook, schemas.form_ids())


def _left_out(config) -> set[str]:
    """The pages of entries and forms that exist but that this edition does not show."""
    every = pages.planned_pages(load_handbook(_data_dir(config)), _all_form_ids())
    return {page.src_uri for page in every} - {page.src_uri for page in _planned(config)}


def on_config(config):
    """Check the data and the edition; put every page made from an entry in the menu."""
    data_dir = _data_dir(config)
    edition_id = config.extra["edition"]
    check_handbook(load_handbook(data_dir), {f"{edition_id}.yaml": load_edition(edition_id, data_dir)})
    if config.nav is not None:
        pages.remove_from_nav(config.nav, _left_out(config))
        pages.add_to_nav(config.nav, _planned(config))
    return config


def on_files(files, config):
    """Generate the pages made from entries that have no hand-written page in docs/."""
    planned = _planned(config)
    wanted = {page.src_uri for page in planned}
    left_out = _left_out(config)
    for file in list(files.documentation_pages()):
        section = pages.section_of(file.src_uri)
        if section is None or file.src_uri in wanted:
            continue
        if file.src_uri not in left_out:
            raise HandbookDataError(pages.orphan_problem(section, file.src_uri))
        files.remove(file)  # another edition's page: not built for this one
    for page in planned:
        if files.get_file_from_path(page.src_uri) is None:
            files.append(File.generated(config, page.src_uri, content=page_source(config, page)))
    return files


def page_source(config, page) -> str:
    """A generated page's Markdown: its template, told which entry it shows (`entry`)."""
    template = _data_dir(config) / TEMPLATES / f"{page.section.template}.md"
    if not template.exists():
        raise HandbookDataError(
            f"data/{TEMPLATES}/{template.name} saknas, så sidan {page.src_uri} kan inte göras. "
            f"Lägg tillbaka mallen eller skriv sidan själv i docs/{page.src_uri}."
        )
    return f"---\nentry: {page.entry}\n---\n\n{template.read_text(encoding='utf-8')}"


def on_serve(server, config, builder):
    """`mkdocs serve` rebuilds when the data, the page templates or a form's schema change, too."""
    root = Path(config.config_file_path).parent
    for folder in ("data", "forms"):
        server.watch(str(root / folder))
    return server
