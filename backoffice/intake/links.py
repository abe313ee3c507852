"""Signed links: a token binds form, school (or organisation) and school year, and expires.

Survey links (the child and guardian survey after a meeting) bind the school or organisation and
the meeting's date only, never a person, plus a random part so two meetings on one day get two
links, and the number of answers the link takes.

Tokens are made with itsdangerous (HMAC-SHA1 over a compact JSON payload) and a salt per purpose
and form, so a link for one form never opens another and a CSRF token is never a link. The secret
comes from the environment variable SIP_SECRET_KEY or, if that is unset, from the file
`secret.key` beside the data directory (`<data dir>/../secret.key`, i.e. `var/secret.key` for the
default store), created on first use with mode 600 so it never travels with the data package.
"""
from __future__ import annotations

import csv
import hashlib
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

SECRET_ENV = "SIP_SECRET_KEY"
SECRET_FILE = "secret.key"
DEFAULT_VALID_DAYS = 120
# A survey link: a child and up to three guardians answer, within two months of the meeting.
DEFAULT_SURVEY_ANSWERS = 4
SURVEY_VALID_DAYS = 60
SURVEY_FORM = "delaktighet"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TOKEN_PARAM = "lank"
_LASAR = re.compile(r"^(\d{4})/(\d{2})$")
_CSRF_MAX_AGE = 8 * 3600


class LinkError(Exception):
    """A link that may not be used; `reason` says why and the message is Swedish."""

    MESSAGES = {
        "saknas": "Sidan öppnades utan en personlig länk. Använd länken du fick från SIP-samordnaren.",
        "ogiltig": "Länken är inte giltig: den har ändrats eller är inte utfärdad av SIP-samordnaren. "
                   "Kopiera hela länken från meddelandet du fick, eller be om en ny.",
        "utgangen": "Länken har slutat gälla. Be SIP-samordnaren om en ny länk.",
        "fel_blankett": "Länken hör till en annan blankett. Använd länken du fick för just den här blanketten.",
        "fel_skola": "Uppgifterna gäller en annan skola eller ett annat läsår än länken. "
                     "Inget har sparats. Använd länken för den skola du svarar för.",
        "okand_skola": "Skolan i länken finns inte i skolregistret. Be SIP-samordnaren om en ny länk.",
        "okand_organisation": "Organisationen i länken är inte en av blankettens organisationer. "
                              "Be SIP-samordnaren om en ny länk.",
        "fullt": "Den här länken har redan tagit emot alla svar den kan ta. Inget har sparats. "
                 "Har du inte svarat än? Be den som kallade till mötet om en ny länk.",
    }

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(self.MESSAGES[reason])


@dataclass(frozen=True)
class LinkClaims:
    """What a valid link says: which form, for which school and school year, valid until when."""

    form_id: str
    skolenhetskod: str
    lasar: str
    expires: int
    # For links that are not a school's: the organisation outside school.
    organisation: str = ""
    # Survey links only: the meeting's date and how many answers the link takes.
    datum: str = ""
    max_answers: int = 0


def secret_path(data_dir) -> Path:
    """Where the secret is kept when SIP_SECRET_KEY is not set: beside the data directory."""
    return Path(data_dir).resolve().parent / SECRET_FILE


class SecretError(ValueError):
    """The signing secret is unusable (too short); the message is Swedish."""


def load_secret(data_dir) -> str:
    """The signing secret: $SIP_SECRET_KEY, else the secret file (created with mode 600 if missing)."""
    from_env = os.environ.get(SECRET_ENV)
    if from_env:
        if len(from_env) < 32:
            # A short key can be guessed, and with it every school's link forged.
            raise SecretError(f"Nyckeln i {SECRET_ENV} är för kort (minst 32 tecken krävs). Skapa en med "
                              "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'.")
        return from_env
    path = secret_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two processes starting at once must not each write their own secret.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    secret = path.read_text(encoding="ascii").strip()
    if len(secret) < 32:
        raise SecretError(f"Hemligheten i {path} är för kort (minst 32 tecken krävs). Ta bort filen så "
                          "skapas en ny; länkar som redan skickats ut slutar då att gälla.")
    return secret


def check_lasar(lasar: str) -> str:
    """Return `lasar` if written like 2025/26 with the second year following the first, else raise."""
    match = _LASAR.match(lasar or "")
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(f"Läsåret ”{lasar}” ska skrivas som 2025/26, där andra året följer på det första.")
    return lasar


class LinkSigner:
    """Makes and checks link tokens and the CSRF tokens that go with them."""

    def __init__(self, secret: str):
        self._secret = secret

    def _serializer(self, form_id: str) -> URLSafeSerializer:
        return URLSafeSerializer(self._secret, salt=f"sip-handboken/lank/{form_id}")

    def make_token(self, form_id: str, skolenhetskod: str, lasar: str, *,
                   valid_days: int = DEFAULT_VALID_DAYS, now: float | None = None, organisation: str = "") -> str:
        """A token for one school's (or, with `organisation` and no school, one organisation's) link."""
        expires = int((now if now is not None else time.time()) + valid_days * 86400)
        payload = {"f": form_id, "s": skolenhetskod, "l": lasar, "e": expires}
        if organisation:
            payload["o"] = organisation
        return self._serializer(form_id).dumps(payload)

    def make_survey_token(self, datum: str, *, skolenhetskod: str = "", organisation: str = "",
                          max_answers: int = DEFAULT_SURVEY_ANSWERS, valid_days: int = SURVEY_VALID_DAYS,
                          nonce: str | None = None, now: float | None = None) -> str:
        """A survey link's token: school or organisation, meeting date, answers it takes; no identity.

        The nonce only tells two meetings on one day apart; give one derived from the meeting
        report (see `survey_nonce`) to get the same link every time for the same meeting.
        """
        if bool(skolenhetskod) == bool(organisation):
            raise ValueError("Ange skolenhetskod eller organisation, inte båda.")
        lasar = lasar_of_date(datum)
        if max_answers < 1:
            raise ValueError("En enkätlänk måste kunna ta emot minst ett svar.")
        expires = int((now if now is not None else time.time()) + valid_days * 86400)
        payload = {"f": SURVEY_FORM, "s": skolenhetskod, "l": lasar, "d": datum, "m": int(max_answers),
                   "n": nonce or secrets.token_urlsafe(6), "e": expires}
        if organisation:
            payload["o"] = organisation
        return self._serializer(SURVEY_FORM).dumps(payload)

    def survey_nonce(self, kvitto: str) -> str:
        """A stable nonce for the survey link of one reported meeting (its receipt number)."""
        return hashlib.sha256(f"{self._secret}/enkat/{kvitto}".encode()).hexdigest()[:10]

    def check_token(self, form_id: str, token: str | None, *, now: float | None = None) -> LinkClaims:
        """The claims of a valid token for this form; raises LinkError (Swedish) otherwise."""
        if not token:
            raise LinkError("saknas")
        if len(token) > 512:
            raise LinkError("ogiltig")
        try:
            data = self._serializer(form_id).loads(token)
        except BadSignature:
            raise LinkError("ogiltig") from None
        if not isinstance(data, dict) or data.get("f") != form_id:
            raise LinkError("fel_blankett")
        try:
            claims = LinkClaims(form_id, str(data["s"]), str(data["l"]), int(data["e"]),
                                organisation=str(data.get("o", "")), datum=str(data.get("d", "")),
                                max_answers=int(data.get("m", 0)))
        except (KeyError, TypeError, ValueError):
            raise LinkError("ogiltig") from None
        if claims.expires < (now if now is not None else time.time()):
            raise LinkError("utgangen")
        return claims

    def _csrf_serializer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self._secret, salt="sip-handboken/csrf")

    def make_csrf(self, token: str) -> str:
        """A CSRF token tied to one link token, valid for a working day."""
        return self._csrf_serializer().dumps(hashlib.sha256(token.encode()).hexdigest()[:32])

    def check_csrf(self, token: str, csrf: str | None) -> bool:
        """True when `csrf` was issued by this server for this link token within the last hours."""
        if not csrf or len(csrf) > 512:
            return False
        try:
            bound = self._csrf_serializer().loads(csrf, max_age=_CSRF_MAX_AGE)
        except (BadSignature, SignatureExpired):
            return False
        return secrets.compare_digest(str(bound), hashlib.sha256(token.encode()).hexdigest()[:32])


def lasar_of_date(datum: str) -> str:
    """The school year (from 1 July) of a date written YYYY-MM-DD; raises ValueError otherwise."""
    import datetime as dt

    if not _DATE.match(datum or ""):
        raise ValueError(f"Datumet ”{datum}” ska skrivas ÅÅÅÅ-MM-DD, till exempel 2025-11-14.")
    day = dt.date.fromisoformat(datum)
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def answer_key(token: str) -> str:
    """The key a survey link's answer count is kept under: a hash, so the counter holds no link."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:32]


def form_url(base_url: str, form_id: str, token: str) -> str:
    """The address of a form page with the token, as it goes into the mail merge."""
    return f"{base_url.rstrip('/')}/blanketter/{form_id}/?{urlencode({TOKEN_PARAM: token})}"


def school_links(signer: LinkSigner, register: dict, form_id: str, lasar: str, base_url: str,
                 *, valid_days: int = DEFAULT_VALID_DAYS, now: float | None = None) -> list[dict]:
    """One row (skolenhetskod, skolnamn, lank) per school in the register, sorted by school name."""
    check_lasar(lasar)
    rows = []
    for school in sorted(register.values(), key=lambda s: (s.skolnamn, s.skolenhetskod)):
        token = signer.make_token(form_id, school.skolenhetskod, lasar, valid_days=valid_days, now=now)
        rows.append({"skolenhetskod": school.skolenhetskod, "skolnamn": school.skolnamn,
                     "lank": form_url(base_url, form_id, token)})
    return rows


def organisation_links(signer: LinkSigner, organisations: list[str], form_id: str, lasar: str, base_url: str,
                       *, valid_days: int = DEFAULT_VALID_DAYS, now: float | None = None) -> list[dict]:
    """One row per organisation outside school (empty school code, the organisation as name)."""
    check_lasar(lasar)
    return [{"skolenhetskod": "", "skolnamn": organisation,
             "lank": form_url(base_url, form_id, signer.make_token(form_id, "", lasar, valid_days=valid_days,
                                                                   now=now, organisation=organisation))}
            for organisation in organisations]


def write_links_csv(rows: list[dict], out) -> None:
    """Write links for a mail merge in Excel or Word.

    UTF-8 with BOM, `;` and CRLF: a Swedish Excel opens that with one column per field and the
    letters å ä ö intact (without the BOM it guesses Windows-1252, and `,` is its decimal mark).
    """
    with open(out, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["skolenhetskod", "skolnamn", "lank"],
                                delimiter=";", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
