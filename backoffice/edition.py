"""The edition: which organisation this installation serves, read from `data/editions/<id>.yaml`.

The handbook is built for one edition (`SIP_EDITION`, default goteborg-gsf) and the back office
serves the same one: its mailboxes, its school register, its coordinators and its e-mail. Secrets
(the SMTP password, the identity provider's client secret) never live in the file: they come from
the environment.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from backoffice import config
from backoffice.errors import SipError

EDITION_ENV = "SIP_EDITION"
DEFAULT_EDITION = "goteborg-gsf"
# Another register than the edition's (an installation's own copy, or a test's).
REGISTER_ENV = "SIP_REGISTER"
# The contact roles that answer for the follow-up, in the order they are looked for.
COORDINATOR_ROLES = ("central-samordnare", "delregional-samordnare")


class EditionError(SipError):
    """An edition file that is missing or cannot be used; the message is Swedish."""


@dataclass(frozen=True)
class Edition:
    """One organisation's edition: the parsed file plus what the back office asks of it."""

    id: str
    path: Path
    data: dict = field(repr=False)

    @property
    def name(self) -> str:
        return str(self.data.get("name") or self.id)

    def mailbox(self, role: str) -> str | None:
        """The mailbox of a contact role (central-samordnare, webbplats, …), or None."""
        for contact in self.data.get("contacts") or []:
            if contact.get("role") == role and contact.get("mailbox"):
                return str(contact["mailbox"])
        return None

    @property
    def coordinator_mailbox(self) -> str | None:
        """The mailbox of whoever answers for the follow-up (the central SIP coordinator)."""
        declared = (self.data.get("coordinator") or {}).get("mailbox")
        return declared or next((m for m in map(self.mailbox, COORDINATOR_ROLES) if m), None)

    @property
    def register_path(self) -> Path:
        """This edition's school register: $SIP_REGISTER, else the file's `register` (relative to the
        repository root), else data/skolor.csv."""
        override = os.environ.get(REGISTER_ENV)
        if override:
            return Path(override)
        declared = self.data.get("register")
        return (config.ROOT / declared) if declared else config.REGISTER_PATH

    def section(self, name: str) -> dict[str, Any]:
        """A mapping section of the file (mail, sign_in, …), empty when absent."""
        value = self.data.get(name) or {}
        return dict(value) if isinstance(value, dict) else {}


EDITIONS_DIR = config.ROOT / "data" / "editions"


def editions_dir() -> Path:
    return EDITIONS_DIR


def edition_id() -> str:
    """The edition this process serves: $SIP_EDITION, else the default."""
    return os.environ.get(EDITION_ENV) or DEFAULT_EDITION


def load_edition(edition: str | None = None) -> Edition:
    """The edition (by id, default $SIP_EDITION); EditionError naming the known ones when missing."""
    edition = edition or edition_id()
    path = editions_dir() / f"{edition}.yaml"
    try:
        stamp = path.stat().st_mtime_ns
    except (FileNotFoundError, NotADirectoryError):
        known = ", ".join(sorted(p.stem for p in editions_dir().glob("*.yaml"))) or "inga"
        raise EditionError(f"Utgåvan ”{edition}” finns inte: {path.name} saknas i data/editions. "
                           f"Ange en av {known} i {EDITION_ENV}.") from None
    return _load(path, stamp)


@lru_cache(maxsize=8)
def _load(path: Path, _mtime: int) -> Edition:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise EditionError(f"{path.name}: filen är inte giltig YAML ({error}).") from None
    if not isinstance(data, dict):
        raise EditionError(f"{path.name}: utgåvan ska vara en mappning med nycklar som id och name.")
    return Edition(id=str(data.get("id") or path.stem), path=path, data=data)
