"""One-time sign-in links for installations without an identity provider (and for the demo).

`sip-backoffice samordnare bjud-in --epost NAMN@example.se` prints a link valid 15 minutes,
signed with the service's secret. It works once: its id is written to the audit log when it is
used, and a used id is refused. Opening the link shows a button; only pressing it signs in, so
a mail program that fetches links to scan them cannot use the link up.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from backoffice.coordinator.audit import audit_log
from backoffice.errors import SipError

VALID_MINUTES = 15
SIGN_IN_PATH = "/samordnare/inloggning"
USED = "inloggning"


class InviteError(SipError):
    """A sign-in link that cannot be used; the message is Swedish."""


@dataclass(frozen=True)
class Invite:
    person: str
    id: str


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="sip-handboken/samordnare/inbjudan")


def make_invite(secret: str, person: str) -> str:
    """A signed one-time token for `person` (an e-mail address)."""
    return _serializer(secret).dumps({"p": person, "j": secrets.token_urlsafe(12)})


def invite_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{SIGN_IN_PATH}?{urlencode({'lank': token})}"


def check_invite(secret: str, token: str | None, data_dir: Path, max_minutes: int = VALID_MINUTES) -> Invite:
    """The invite in a token if it is genuine, not expired and not used; InviteError otherwise."""
    if not token or len(token) > 512:
        raise InviteError("Inloggningslänken saknas eller är ofullständig. Kopiera hela länken.")
    try:
        data = _serializer(secret).loads(token, max_age=max_minutes * 60)
        invite = Invite(str(data["p"]), str(data["j"]))
    except SignatureExpired:
        raise InviteError(f"Inloggningslänken har slutat gälla (den gäller i {max_minutes} minuter). "
                          "Be om en ny länk.") from None
    except (BadSignature, KeyError, TypeError):
        raise InviteError("Inloggningslänken är inte giltig. Kopiera hela länken, eller be om en ny.") from None
    if any(_used(invite)(r) for r in audit_log(data_dir).records()):
        raise InviteError(ALREADY_USED)
    return invite


ALREADY_USED = "Inloggningslänken har redan använts. En länk fungerar bara en gång: be om en ny."


def _used(invite: Invite):
    return lambda r: r.get("handling") == USED and r.get("inbjudan") == invite.id


def use_invite(secret: str, token: str | None, data_dir: Path) -> Invite:
    """Check an invite and mark it used, in one step under the audit log's lock; InviteError if it cannot be."""
    invite = check_invite(secret, token, data_dir)
    entry = {"vem": invite.person, "handling": USED, "via": "engångslänk", "inbjudan": invite.id}
    if not audit_log(data_dir).append_once(entry, _used(invite)):
        raise InviteError(ALREADY_USED)
    return invite
