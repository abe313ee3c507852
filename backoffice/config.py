"""Where the back office finds its files: the schemas, the school register and the store."""
import os
from pathlib import Path

# The repository root: forms/ and data/ ship beside the package (installed editable).
ROOT = Path(__file__).resolve().parent.parent
# $SIP_FORMS points every stage at another forms directory (an organisation's own forms, a test's).
FORMS_DIR = Path(os.environ.get("SIP_FORMS") or ROOT / "forms")
REGISTER_PATH = ROOT / "data" / "skolor.csv"


def default_data_dir() -> Path:
    """The store used when no --data is given: $SIP_DATA, else var/store in the repository."""
    return Path(os.environ.get("SIP_DATA") or ROOT / "var" / "store")
