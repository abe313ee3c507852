"""Where the back office finds its files: the schemas, the school register and the store."""
import functools
import os
from pathlib import Path

# The repository root: forms/ and data/ ship beside the package (installed editable).
ROOT = Path(__file__).resolve().parent.parent
REGISTER_PATH = ROOT / "data" / "skolor.csv"
FORMS_ENV = "SIP_FORMS"


def forms_dir() -> Path:
    """The folder of form schemas: $SIP_FORMS, else forms/ in the repository (read at each call)."""
    return _folder(os.environ.get(FORMS_ENV) or "")


@functools.lru_cache(maxsize=16)
def _folder(override: str) -> Path:
    # A Path per value of the variable: asked for several times per request, built once.
    return Path(override) if override else ROOT / "forms"


# The folder as it was when the package was imported: what default arguments see. Code that must
# follow a later change of $SIP_FORMS calls forms_dir() instead.
FORMS_DIR = forms_dir()


def default_data_dir() -> Path:
    """The store used when no --data is given: $SIP_DATA, else var/store in the repository."""
    return Path(os.environ.get("SIP_DATA") or ROOT / "var" / "store")
