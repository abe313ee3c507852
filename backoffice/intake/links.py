"""Signed links: a token binds form, school (or organisation) and school year, and expires.

A form's schema says how it is linked (`sip:form.link`). School links go out once per school and
school year in a mail merge. Meeting links (for a form answered after one meeting, such as a
survey for the child and guardians) bind the school or organisation and the meeting's date only,
never a person, plus a random part so two meetings on one day get two links, and the number of
answers the link takes. Defaults for both come from the form.

Tokens are made with itsdangerous (HMAC-SHA1 over a compact JSON payload) and a salt per purpose
and form, so a link for one form never opens another and a CSRF token is never a link. The secret
comes from the environment variable SIP_SECRET_KEY or, if that is unset, from the file
`secret.key` beside the data directory (`<data dir>/../secret.key`, i.e. `var/secret.key` for the
default store), created on first use with mode 600 so it never travels with the data package.
"""
from __future__ import annotations

import csv
import io
import datetime as dt
import hashlib
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from backoffice import schoolyear
from backoffice.errors import SipError
from backoffice.forms.schema import SCHOOL, all_forms, load_form

SECRET_ENV = "SIP_SECRET_KEY"
SECRET_FILE = "secret.key"
# The query parameter (and hidden field) that carries a link's token.
TOKEN_PARAM = "lank"
# Every form page lives under this path of the built site.
FORMS_PREFIX = "/blanketter"
DEMO_VALID_DAYS = 30
_CSRF_MAX_AGE = 8 * 3600
_LINK_COLUMNS = ["skolenhetskod", "skolnamn", "lank"]


class LinkError(SipError):
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


class SecretError(SipError, ValueError):
    """The signing secret is unusable (too short); the message is Swedish."""


class LinkRequestError(SipError):
    """Links asked for something they cannot bind (an unknown school, a meeting not yet held)."""


@dataclass(frozen=True)
class LinkClaims:
    """What a valid link says: which form, for which school and school year, valid until when."""

    form_id: str
    skolenhetskod: str
    lasar: str
    expires: int
    # For links that are not a school's: the organisation outside school.
    organisation: str = ""
    # Meeting links only: the meeting's date and how many answers the link takes.
    datum: str = ""
    max_answers: int = 0


def secret_path(data_dir) -> Path:
    """Where the secret is kept when SIP_SECRET_KEY is not set: beside the data directory."""
    return Path(data_dir).resolve().parent / SECRET_FILE


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


def _expiry(valid_days: int, now: float | None) -> int:
    return int((now if now is not None else time.time()) + valid_days * 86400)


class LinkSigner:
    """Makes and checks link tokens and the CSRF tokens that go with them."""

    def __init__(self, secret: str):
        self._secret = secret

    def _serializer(self, form_id: str) -> URLSafeSerializer:
        return URLSafeSerializer(self._secret, salt=f"sip-handboken/lank/{form_id}")

    def make_token(self, form_id: str, skolenhetskod: str, lasar: str, *, valid_days: int | None = None,
                   now: float | None = None, organisation: str = "") -> str:
        """A token for one school's (or, with `organisation` and no school, one organisation's) link.

        Valid for the form's `link_valid_days` unless `valid_days` says otherwise.
        """
        days = valid_days if valid_days is not None else load_form(form_id).link_valid_days
        payload = {"f": form_id, "s": skolenhetskod, "l": lasar, "e": _expiry(days, now)}
        if organisation:
            payload["o"] = organisation
        return self._serializer(form_id).dumps(payload)

    def make_meeting_token(self, form_id: str, datum: str, *, skolenhetskod: str = "", organisation: str = "",
                           max_answers: int | None = None, valid_days: int | None = None,
                           nonce: str | None = None, now: float | None = None) -> str:
        """A meeting link's token: school or organisation, meeting date, answers it takes; no identity.

        The answers and the validity default to the form's `answers_per_link` and `link_valid_days`.
        The nonce only tells two meetings on one day apart; give one derived from the meeting
        report (see `meeting_nonce`) to get the same link every time for the same meeting.
        """
        form = load_form(form_id)
        if not form.meeting_link:
            raise ValueError(f"{form_id} is not answered through meeting links")
        if bool(skolenhetskod) == bool(organisation):
            raise ValueError("Ange skolenhetskod eller organisation, inte båda.")
        answers = max_answers if max_answers is not None else form.answers_per_link
        if answers < 1:
            raise ValueError("En möteslänk måste kunna ta emot minst ett svar.")
        days = valid_days if valid_days is not None else form.link_valid_days
        payload = {"f": form_id, "s": skolenhetskod, "l": schoolyear.of_date(datum), "d": datum,
                   "m": int(answers), "n": nonce or secrets.token_urlsafe(6), "e": _expiry(days, now)}
        if organisation:
            payload["o"] = organisation
        return self._serializer(form_id).dumps(payload)

    def meeting_nonce(self, kvitto: str) -> str:
        """A stable nonce for the meeting link of one reported meeting (its receipt number)."""
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


def answer_key(token: str) -> str:
    """The key a meeting link's answer count is kept under: a hash, so the counter holds no link."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:32]


def form_path(form_id: str) -> str:
    """The path of a form's page on the site."""
    return f"{FORMS_PREFIX}/{form_id}/"


def form_url(base_url: str, form_id: str, token: str) -> str:
    """The address of a form page with the token, as it goes into the mail merge."""
    return f"{base_url.rstrip('/')}{form_path(form_id)}?{urlencode({TOKEN_PARAM: token})}"


def link_rows(signer: LinkSigner, register: dict, form_id: str, lasar: str, base_url: str,
              *, valid_days: int | None = None, now: float | None = None) -> list[dict]:
    """The mail merge of a school-link form: one row (skolenhetskod, skolnamn, lank) per school in the
    register, sorted by name, then one per organisation outside school the form takes (no school code).
    """
    form = load_form(form_id)
    lasar = schoolyear.parse(lasar)

    def row(code: str, name: str, organisation: str = "") -> dict:
        token = signer.make_token(form_id, code, lasar, valid_days=valid_days, now=now, organisation=organisation)
        return {"skolenhetskod": code, "skolnamn": name, "lank": form_url(base_url, form_id, token)}

    schools = sorted(register.values(), key=lambda s: (s.skolnamn, s.skolenhetskod)) if form.has(SCHOOL) else []
    return ([row(s.skolenhetskod, s.skolnamn) for s in schools]
            + [row("", organisation, organisation) for organisation in form.organisations])


def meeting_links(signer: LinkSigner, register: dict, form_id: str, base_url: str, datum: str, *,
                  skolenhetskod: str = "", organisation: str = "", count: int = 1, max_answers: int | None = None,
                  valid_days: int | None = None, today: dt.date | None = None) -> list[str]:
    """`count` links to a meeting-link form for one meeting held by a school or an organisation.

    Raises a Swedish SipError for a date that is not a day or lies ahead, an unknown school, or an
    organisation the form does not take.
    """
    form = load_form(form_id)
    if schoolyear.parse_date(datum) > (today or dt.date.today()):
        raise LinkRequestError(f"Mötesdatumet {datum} ligger i framtiden. Skriv dagen då mötet hölls.")
    if skolenhetskod and skolenhetskod not in register:
        raise LinkRequestError(f"Skolenhetskoden {skolenhetskod} finns inte i skolregistret.")
    if organisation and organisation not in form.organisations:
        raise LinkRequestError(f"Organisationen ”{organisation}” finns inte. Välj en av: "
                               f"{', '.join(form.organisations) or '(blanketten tar inga organisationer)'}.")
    return [form_url(base_url, form_id, signer.make_meeting_token(
                form_id, datum, skolenhetskod=skolenhetskod, organisation=organisation,
                max_answers=max_answers, valid_days=valid_days))
            for _ in range(count)]


def demo_links(signer: LinkSigner, register: dict, base_url: str, lasar: str,
               today: dt.date | None = None) -> list[tuple[str, str]]:
    """Links for trying the forms out: one per school-link form (each for another real school in the
    register), and one per meeting-link form for a meeting held yesterday at the first school.
    """
    schools = sorted(register.values(), key=lambda s: s.skolenhetskod)
    if not schools:
        return []
    yesterday = ((today or dt.date.today()) - dt.timedelta(days=1)).isoformat()
    found = []
    school_forms = [f for f in all_forms() if not f.meeting_link and f.has(SCHOOL)]
    for i, form in enumerate(school_forms):
        school = schools[i % len(schools)]
        token = signer.make_token(form.id, school.skolenhetskod, lasar, valid_days=DEMO_VALID_DAYS)
        found.append((f"{form.title} – {school.skolnamn}", form_url(base_url, form.id, token)))
    for form in (f for f in all_forms() if f.meeting_link and f.has(SCHOOL)):
        token = signer.make_meeting_token(form.id, yesterday, skolenhetskod=schools[0].skolenhetskod,
                                          valid_days=DEMO_VALID_DAYS)
        found.append((f"{form.title} – {schools[0].skolnamn} (möte {yesterday})", form_url(base_url, form.id, token)))
    return found


def meeting_forms() -> list[str]:
    """The ids of the forms answered through meeting links."""
    return [form.id for form in all_forms() if form.meeting_link]


def links_csv(rows: list[dict]) -> bytes:
    """Links for a mail merge in Excel or Word, as the bytes of a CSV file.

    UTF-8 with BOM, `;` and CRLF: a Swedish Excel opens that with one column per field and the
    letters å ä ö intact (without the BOM it guesses Windows-1252, and `,` is its decimal mark).
    """
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=_LINK_COLUMNS, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def write_links_csv(rows: list[dict], out) -> None:
    """Write the links file (see `links_csv`) to `out`."""
    try:
        with open(out, "wb") as handle:
            handle.write(links_csv(rows))
    except OSError as error:
        raise LinkRequestError(f"Kunde inte skriva {out} ({error.strerror or error}).") from None
