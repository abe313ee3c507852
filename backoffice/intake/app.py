"""The intake service: serves the built site and takes in form posts from signed links (Flask app).

`create_app(site_dir, data_dir)` returns a WSGI app that `sip-backoffice serve` runs under waitress.
A GET of a form page with a valid link shows the form bound to that school; a POST is checked
(link, CSRF token, size, then the same validation as `sip-backoffice validate`) and either shown
again with the errors and the values entered, or stored and answered with a receipt page. Every
page the service writes is the built site's own page with its article swapped, so it looks like
the handbook; every response carries security headers and a CSP derived from the built site.
"""
from __future__ import annotations

import base64
import hashlib
import logging
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field as dc_field
from functools import lru_cache
from datetime import datetime, timedelta, timezone
from html import escape
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, Response, redirect, request, send_from_directory
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.security import safe_join

from backoffice import config
from backoffice.forms import schema as schemas
from backoffice.intake.links import (DEFAULT_SURVEY_ANSWERS, SURVEY_FORM, SURVEY_VALID_DAYS, TOKEN_PARAM, LinkError,
                              LinkSigner, answer_key, form_url, load_secret)
from backoffice.store.files import AnswerCounter, AnswerLimitReached, FileStore, Receipt, StoreError, key_fields
from backoffice.forms.webform import BOUND_FIELDS, END, START, Binding, FieldError, FormState, render_form

log = logging.getLogger("sip.intake")

MAX_BODY = 64 * 1024
# Survey posts (anonymous links handed to families) are rate-limited: (posts, seconds) per client
# address and per link. A family of four on one network stays far below either.
SURVEY_RATE_PER_CLIENT = (30, 600)
SURVEY_RATE_PER_LINK = (10, 600)
# The form a meeting report's receipt offers survey links for.
MEETING_FORM = "motesrapport"
# No answer in any form is longer than 2000 characters; far longer means a misuse, not a typo.
HARD_FIELD_LIMIT = 8000
_ARTICLE = re.compile(r'(<article class="md-content__inner md-typeset">)(.*?)(</article>)', re.S)
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)
_SKIP = re.compile(r'<a href="#([^"]+)" class="md-skip">')
_STOCKHOLM = None


def inline_script_hashes(site_dir) -> list[str]:
    """CSP hash sources for every inline script in the built site (Material ships a few)."""
    found = set()
    for page in Path(site_dir).rglob("*.html"):
        for match in _INLINE_SCRIPT.finditer(page.read_text(encoding="utf-8")):
            attrs = match.group("attrs")
            # External scripts and JSON data blocks (Material's config) are not inline code.
            if "src=" in attrs or "application/json" in attrs or not match.group("body"):
                continue
            digest = hashlib.sha256(match.group("body").encode("utf-8")).digest()
            found.add("'sha256-" + base64.b64encode(digest).decode("ascii") + "'")
    return sorted(found)


def content_security_policy(site_dir) -> str:
    """The CSP for the site: only its own files, plus the exact inline scripts it was built with."""
    scripts = " ".join(["'self'"] + inline_script_hashes(site_dir))
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self'",
        # Material's stylesheet draws its icons from data: URIs.
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # The links carry tokens: never send the address on to another page or site.
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _local_time(stamp: str) -> str:
    global _STOCKHOLM
    moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    try:
        if _STOCKHOLM is None:
            from zoneinfo import ZoneInfo

            _STOCKHOLM = ZoneInfo("Europe/Stockholm")
        return moment.astimezone(_STOCKHOLM).strftime("%Y-%m-%d kl. %H.%M (svensk tid)")
    except Exception:  # no time zone data installed: UTC is still right, just less friendly
        return moment.strftime("%Y-%m-%d kl. %H.%M (UTC)")


class Shell:
    """The built site's pages, used as the frame for every page the service writes."""

    def __init__(self, site_dir: Path):
        self.site_dir = site_dir
        self._cache: dict[str, str] = {}

    def page(self, relative: str) -> str:
        """The HTML of one built page (cached; the site does not change while serving)."""
        if relative not in self._cache:
            self._cache[relative] = (self.site_dir / relative).read_text(encoding="utf-8")
        return self._cache[relative]

    def form_page(self, form_id: str) -> str:
        return self.page(f"blanketter/{form_id}/index.html")

    @staticmethod
    def with_form(html: str, form_id: str, form_html: str) -> str:
        """The page with the form between the markers replaced."""
        start = START.format(form_id=form_id)
        before, _, rest = html.partition(start)
        _, _, after = rest.partition(END)
        return f"{before}{start}\n{form_html}\n{END}{after}"

    @staticmethod
    def with_article(html: str, title: str, body: str) -> str:
        """The page with its title and article content replaced."""
        site_title = _TITLE.search(html).group(1).rsplit(" - ", 1)[-1]
        html = _TITLE.sub(lambda _: f"<title>{escape(title)} - {site_title}</title>", html, count=1)
        return _ARTICLE.sub(lambda m: m.group(1) + body + m.group(3), html, count=1)

    def message_page(self, title: str, body: str, *, form_id: str | None = None) -> str:
        """A page with a heading and body in the site's frame (the form's page or the 404 page)."""
        base = self.form_page(form_id) if form_id else self.page("404.html")
        # Keep the theme's "skip to content" link pointing at something: the new heading.
        skip = _SKIP.search(base)
        anchor = f' id="{skip.group(1)}"' if skip else ""
        return self.with_article(base, title, f"<h1{anchor}>{escape(title)}</h1>{body}")


class RateLimiter:
    """At most `limit` events per key within `window` seconds (a sliding window, in memory).

    In memory is enough: one waitress process serves the forms. Keys are client addresses and
    hashes of links; the oldest keys are dropped when there are very many, so memory stays small.
    """

    MAX_KEYS = 20_000

    def __init__(self, limit: int, window: float, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._events: dict[str, deque] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count one event for `key`; False (and not counted) when the key is over its limit."""
        now = self.clock()
        with self._lock:
            events = self._events.pop(key, None) or deque()
            while events and events[0] <= now - self.window:
                events.popleft()
            allowed = len(events) < self.limit
            if allowed:
                events.append(now)
            self._events[key] = events  # re-inserted: the dict's order is least recently used first
            if len(self._events) > self.MAX_KEYS:
                del self._events[next(iter(self._events))]
            return allowed


@dataclass
class Intake:
    """Everything the request handlers share: site frame, signer, store, register, survey limits."""

    shell: Shell
    signer: LinkSigner
    store: object
    register: dict
    forms: list[str]
    data_dir: Path | None = None
    per_client: RateLimiter | None = None
    per_link: RateLimiter | None = None
    counter_lock: object = dc_field(default=None)

    def school_binding(self, form_id: str, claims) -> Binding:
        if form_id == SURVEY_FORM and not (claims.datum and claims.max_answers >= 1):
            raise LinkError("ogiltig")  # a survey is answered only through a survey link
        if claims.organisation and not claims.skolenhetskod:
            allowed = [str(v) for v in _field_enum(form_id, "organisation")]
            if claims.organisation not in allowed:
                raise LinkError("okand_organisation")
            name = claims.organisation[:1].upper() + claims.organisation[1:]
            return Binding("", name, claims.lasar, organisation=claims.organisation, datum=claims.datum)
        school = self.register.get(claims.skolenhetskod)
        if school is None:
            raise LinkError("okand_skola")
        return Binding(claims.skolenhetskod, school.skolnamn, claims.lasar, datum=claims.datum)

    def answers_left(self, claims, token: str) -> int:
        """How many more answers a survey link takes."""
        return max(0, claims.max_answers - AnswerCounter(self.data_dir).used(answer_key(token)))

    def append_counted(self, form_id: str, record: dict, claims, token: str) -> Receipt:
        """Store one survey answer if its link still takes one (AnswerLimitReached otherwise)."""
        counter = (answer_key(token), claims.max_answers)
        if isinstance(self.store, FileStore):
            (receipt,) = self.store.append(form_id, [record], kanal="webb", counter=counter)
            return receipt
        # Another store (a Google Sheet): the count is kept on disk beside it under its own lock.
        with self.counter_lock:
            AnswerCounter(self.data_dir).take(*counter)
            (receipt,) = self.store.append(form_id, [record], kanal="webb")
        return receipt


def _field_enum(form_id: str, name: str) -> list:
    for f in _fields(form_id):
        if f.name == name:
            return list(f.constraints.get("enum") or [])
    return []


@lru_cache(maxsize=None)
def _fields(form_id: str) -> tuple:
    # Building a Frictionless schema costs milliseconds; the schemas do not change while serving.
    return tuple(schemas.load_schema(form_id).fields)


class FieldTooLong(Exception):
    """A posted value far beyond any field's limit."""


def record_from_post(form_id: str, post, binding: Binding) -> dict:
    """The row a post describes: typed answers plus the school (and year) from the link."""
    record = {}
    for field in _fields(form_id):
        name = field.name
        if name in BOUND_FIELDS:
            sent = post.get(name)
            bound = binding.bound_value(name)
            # Only the link decides the school; a post naming another one is refused, not fixed.
            if sent is not None and sent.strip() != bound:
                raise LinkError("fel_skola")
            record[name] = bound
            continue
        values = post.getlist(name)
        if any(len(v) > HARD_FIELD_LIMIT for v in values):
            raise FieldTooLong(name)
        if schemas.list_spec(field):
            record[name] = ", ".join(v.strip() for v in values if v.strip())
        else:
            value = values[0] if values else ""
            value = value.replace("\r\n", "\n").replace("\r", "\n")
            widget = schemas.ui_hints(field).get("widget")
            record[name] = value if widget == "textarea" else value.strip()
    return record


def _problems(form_id: str, record: dict, register: dict) -> list[FieldError]:
    from backoffice.validation.table import validate_records

    problems = validate_records(form_id, [record], register=register)
    return [FieldError(p.field, p.message) for p in problems]


def _receipt_body(form_id: str, receipt, binding: Binding, token: str, extra: str = "") -> str:
    rows = []
    for field in _fields(form_id):
        value = receipt.row.get(field.name, "")
        if field.name in ("skolenhetskod", "organisation") and not value:
            continue  # a meeting is held by a school or an organisation: show the one it has
        label = "Skola" if field.name == "skolenhetskod" else (field.title or field.name)
        shown = (f"{binding.skolnamn} ({value})" if field.name == "skolenhetskod"
                 else value or "(inget svar)")
        rows.append(f"<dt>{escape(label)}</dt><dd>{escape(shown)}</dd>")
    keyed = bool(key_fields(form_id))
    again = escape("./?" + urlencode({TOKEN_PARAM: token}))
    if keyed:
        correct = (
            "<p>Vill du ändra något? Öppna samma länk igen och skicka in på nytt. Det nya svaret "
            "sparas som en ny version och räknas i stället för det här; alla versioner sparas.</p>"
            f'<p><a href="{again}">Öppna blanketten igen för att rätta svaret</a></p>'
        )
        version = f"<p>Version {receipt.version} av svaret.</p>"
    else:
        what = "ett till möte" if form_id == MEETING_FORM else "en till avvikelse"
        correct = (
            "<p>Varje inskickad rapport sparas som en egen rapport. Har något blivit fel, kontakta "
            f"SIP-samordnaren och uppge kvittonumret. Vill du rapportera {what} kan du "
            f'använda samma länk igen.</p><p><a href="{again}">Rapportera {what}</a></p>'
        )
        version = ""
    return extra + (
        '<div class="sip-receipt" role="status">'
        "<p>Kvittonummer</p>"
        f'<p class="sip-kvitto">{escape(receipt.kvitto)}</p>'
        f"<p>Mottaget {escape(_local_time(receipt.mottagen))}.</p>{version}</div>"
        "<p>Spara kvittonumret. Du behöver det om du vill fråga något om ditt svar.</p>"
        "<h2>Det här tog vi emot</h2>"
        f'<dl class="sip-kvitto-svar">{"".join(rows)}</dl>'
        "<h2>Om något blev fel</h2>" + correct
    )


def _survey_section(intake: Intake, row: dict, base_url: str) -> str:
    """The meeting report's receipt: the survey link for this meeting, to give the child and guardians."""
    try:
        # Nonce and validity both come from the stored report, so the link is the same on every
        # view of the receipt (and so is its answer count): valid 60 days from the report.
        received = datetime.strptime(row["mottagen"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        token = intake.signer.make_survey_token(
            row["datum"], skolenhetskod=row.get("skolenhetskod", ""), organisation=row.get("organisation", ""),
            nonce=intake.signer.survey_nonce(row["kvitto"]), now=received.timestamp())
    except (KeyError, ValueError):
        return ""
    heading = ('<section class="sip-enkatlank" aria-labelledby="enkatlank-rubrik">'
               '<h2 id="enkatlank-rubrik">Enkät till barnet och vårdnadshavarna</h2>')
    until = received + timedelta(days=SURVEY_VALID_DAYS)
    if until < datetime.now(timezone.utc):
        # An old receipt opened again: its link no longer opens the survey, so do not hand it out.
        return (heading + f"<p>Enkätlänken för det här mötet gällde till och med {until:%Y-%m-%d} och "
                "har slutat gälla.</p></section>")
    url = form_url(base_url, SURVEY_FORM, token)
    return (
        heading
        + "<p>Ge barnet eller den unga och vårdnadshavarna den här länken efter mötet, till exempel i "
        "ett sms eller på en lapp. Enkäten är anonym: länken säger bara vilken skola eller "
        f"verksamhet och vilket datum mötet gällde. Länken tar emot {DEFAULT_SURVEY_ANSWERS} svar (barnet "
        f"och upp till tre vårdnadshavare) och gäller i {SURVEY_VALID_DAYS} dagar från rapporten.</p>"
        f'<p class="sip-lank"><a href="{escape(url)}">{escape(url)}</a></p>'
        "<p>Samma kvitto visar alltid samma länk.</p></section>"
    )


def _survey_thanks() -> str:
    """The survey's receipt: plain words, and no answer shown again (the device may be shared)."""
    return ('<div class="sip-receipt" role="status"><p>Vi har fått dina svar. Tack för att du svarade!</p></div>'
            "<p>Dina svar hjälper oss att göra mötena bättre för barn och familjer. Ingen kan se vad "
            "just du har svarat.</p><p>Du kan stänga sidan nu.</p>")


def _previous_answer(intake: Intake, form_id: str, binding: Binding) -> dict | None:
    keys = key_fields(form_id)
    # Only when the link alone identifies the answer (school and year) can it be shown again.
    if not keys or not set(keys) <= set(BOUND_FIELDS):
        return None
    wanted = {"skolenhetskod": binding.skolenhetskod, "lasar": binding.lasar}
    latest = None
    for row in intake.store.read_rows(form_id):
        if all(row.get(k) == wanted[k] for k in keys):
            latest = row
    return latest


def _same_origin(headers, origins: list[str | None]) -> bool:
    """Whether a post comes from a page of this site (a CSRF defence beside the token)."""
    fetch_site = headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        # Every current browser says where a post comes from, whatever proxy sits in between.
        return fetch_site in ("same-origin", "none")
    origin = headers.get("Origin")
    # "null" is what browsers send under our Referrer-Policy: no-referrer.
    return origin in (None, "null") or origin.rstrip("/") in {o.rstrip("/") for o in origins if o}


def create_app(site_dir, data_dir=None, *, store=None, register=None, secret: str | None = None,
               max_body: int = MAX_BODY, survey_rate_per_client: tuple[int, float] = SURVEY_RATE_PER_CLIENT,
               survey_rate_per_link: tuple[int, float] = SURVEY_RATE_PER_LINK, public_url: str | None = None) -> Flask:
    """The intake service as a Flask app: the built site plus the form pages and their posts.

    `public_url` is the address people use (https://sip.example.se behind a proxy); links the
    service writes, such as the survey link on a meeting report's receipt, start with it.
    """
    site_dir = Path(site_dir).resolve()
    if not (site_dir / "index.html").exists():
        raise FileNotFoundError(f"Webbplatsen är inte byggd: {site_dir / 'index.html'} saknas. Kör `mkdocs build`.")
    data_dir = Path(data_dir) if data_dir is not None else config.default_data_dir()
    if register is None:
        from backoffice.register import load_register

        register = load_register()
    forms = [f for f in schemas.form_ids() if (site_dir / "blanketter" / f / "index.html").exists()]
    intake = Intake(
        shell=Shell(site_dir),
        signer=LinkSigner(secret or load_secret(data_dir)),
        store=store if store is not None else FileStore(data_dir),
        register=register,
        forms=forms,
        data_dir=data_dir,
        per_client=RateLimiter(*survey_rate_per_client),
        per_link=RateLimiter(*survey_rate_per_link),
        counter_lock=threading.Lock(),
    )
    csp = content_security_policy(site_dir)
    app = Flask(__name__, static_folder=None)
    app.config.update(MAX_CONTENT_LENGTH=max_body, MAX_FORM_MEMORY_SIZE=max_body, MAX_FORM_PARTS=200)
    app.extensions["sip_intake"] = intake

    def page(html: str, status: int = 200) -> Response:
        response = Response(html, status=status, mimetype="text/html")
        response.headers["Cache-Control"] = "no-store"
        return response

    def refused(error: LinkError, form_id: str | None) -> Response:
        body = (f"<p>{escape(str(error))}</p><p>Inget har sparats.</p>"
                '<p>Frågor om länkar besvaras av SIP-samordnaren.</p>')
        return page(intake.shell.message_page("Länken kan inte användas", body, form_id=form_id), 403)

    def bound_form(form_id: str, binding: Binding, token: str, values=None, errors=(), notice="") -> str:
        state = FormState(values=values or {}, errors=list(errors), binding=binding, token=token,
                          csrf=intake.signer.make_csrf(token), action="./")
        html = intake.shell.form_page(form_id)
        form_html = render_form(form_id, state)
        if notice:
            form_html = f'<div class="sip-notice">{notice}</div>{form_html}'
        if errors:
            title = _TITLE.search(html).group(1)
            html = _TITLE.sub(lambda _: f"<title>Fel i formuläret: {escape(title)}</title>", html, count=1)
        return intake.shell.with_form(html, form_id, form_html)

    form_rule = "/blanketter/<any({}):form_id>/".format(", ".join(forms) or "ingen")

    @app.route(form_rule, methods=["GET", "POST"])
    def form_page(form_id):
        if request.method == "GET":
            token = request.args.get(TOKEN_PARAM)
            if token is None:
                return static_file(f"blanketter/{form_id}/")
            try:
                claims = intake.signer.check_token(form_id, token)
                binding = intake.school_binding(form_id, claims)
            except LinkError as error:
                return refused(error, form_id)
            if form_id == SURVEY_FORM and request.args.get("tack"):
                return page(intake.shell.message_page("Tack för dina svar!", _survey_thanks(), form_id=form_id))
            if request.args.get("kvitto") and form_id != SURVEY_FORM:
                return receipt_page(form_id, binding, token, request.args["kvitto"])
            values, notice = {}, ""
            if form_id == SURVEY_FORM:
                if intake.answers_left(claims, token) < 1:
                    return refused(LinkError("fullt"), form_id)
                # ?vem=barn or ?vem=vuxen chooses who answers (and so the wording) in advance.
                chosen = {"barn": "barn/ung", "vuxen": "vårdnadshavare"}.get(request.args.get("vem", ""))
                if chosen:
                    values["svarande"] = chosen
            previous = _previous_answer(intake, form_id, binding)
            if previous:
                values = previous
                notice = (f"<p>Skolan har redan svarat (version {escape(previous['version'])}, kvitto "
                          f"{escape(previous['kvitto'])}). Svaret visas nedan. Skickar du in igen sparas "
                          "ett nytt svar som räknas i stället; det gamla finns kvar.</p>")
            return page(bound_form(form_id, binding, token, values, notice=notice))
        return receive(form_id)

    def too_many() -> Response:
        body = ("<p>Det har kommit för många svar på kort tid. Inget har sparats.</p>"
                "<p>Vänta en stund, till exempel tio minuter, och försök igen.</p>")
        response = page(intake.shell.message_page("För många försök", body), 429)
        response.headers["Retry-After"] = str(int(intake.per_client.window))
        return response

    def receive(form_id: str) -> Response:
        post = request.form  # parsing may raise 413 for an oversized body
        token = post.get(TOKEN_PARAM) or request.args.get(TOKEN_PARAM)
        if form_id == SURVEY_FORM:
            # Both limits are counted on every survey post, valid or not, before any other work.
            client_ok = intake.per_client.allow(request.remote_addr or "okänd")
            link_ok = intake.per_link.allow(answer_key(token or ""))
            if not (client_ok and link_ok):
                log.info("rate limit for %s", form_id)
                return too_many()
        try:
            claims = intake.signer.check_token(form_id, token)
            binding = intake.school_binding(form_id, claims)
        except LinkError as error:
            log.info("refused post to %s: %s", form_id, error.reason)
            return refused(error, form_id)
        if not _same_origin(request.headers, [request.host_url, public_url]):
            body = ("<p>Formuläret kunde inte tas emot: det skickades från en annan webbplats.</p>"
                    "<p>Inget har sparats. Öppna din personliga länk och skicka in därifrån.</p>")
            return page(intake.shell.message_page("Formuläret kunde inte tas emot", body,
                                                  form_id=form_id), 403)
        try:
            record = record_from_post(form_id, post, binding)
        except LinkError as error:
            return refused(error, form_id)
        except FieldTooLong:
            return too_large(None)
        if not intake.signer.check_csrf(token, post.get("csrf")):
            # Most often a page left open for hours: give the answers back with a fresh code
            # (same-origin posts only, checked above) rather than lose what the person wrote.
            notice = ("<p><strong>Formuläret kunde inte tas emot:</strong> säkerhetskoden saknas eller har "
                      "gått ut, till exempel för att sidan har stått öppen länge. Inget har sparats. Dina "
                      "svar finns kvar nedan; kontrollera dem och skicka in igen.</p>")
            return page(bound_form(form_id, binding, token, record, notice=notice), 403)
        errors = _problems(form_id, record, intake.register)
        if errors:
            return page(bound_form(form_id, binding, token, record, errors), 422)
        from backoffice.validation.table import normalise_records

        # Stored as batch validation would store it: ja/nej lowercase, list values as the schema writes them.
        (record,) = normalise_records(form_id, [record])
        try:
            if form_id == SURVEY_FORM:
                receipt = intake.append_counted(form_id, record, claims, token)
            else:
                (receipt,) = intake.store.append(form_id, [record], kanal="webb")
        except AnswerLimitReached:
            return refused(LinkError("fullt"), form_id)
        except StoreError:
            log.exception("store refused an append")
            raise
        # Post/redirect/get: reloading the receipt must not send the answer a second time. A survey
        # answer's receipt number stays out of the address, so a shared device's history cannot
        # point anyone to that answer in the store.
        done = {"tack": "1"} if form_id == SURVEY_FORM else {"kvitto": receipt.kvitto}
        query = urlencode({TOKEN_PARAM: token, **done})
        return redirect(f"/blanketter/{form_id}/?{query}", code=303)

    def receipt_page(form_id: str, binding: Binding, token: str, kvitto: str) -> Response:
        # Only a receipt for the link's own school is shown: a link never reveals another's answer.
        rows = intake.store.read_rows(form_id)
        found = [row for row in rows
                 if row["kvitto"] == kvitto and row["skolenhetskod"] == binding.skolenhetskod
                 and row.get("organisation", "") == binding.organisation]
        if not found:
            body = ("<p>Det finns inget svar med det kvittonumret för den här skolan. Kontrollera "
                    f'numret, eller <a href="./?{escape(urlencode({TOKEN_PARAM: token}))}">öppna '
                    "blanketten</a>.</p>")
            return page(intake.shell.message_page("Kvittot finns inte", body, form_id=form_id), 404)
        row = found[0]
        receipt = Receipt(form_id, row["kvitto"], int(row["version"]), row["mottagen"], row)
        extra = _survey_section(intake, row, public_url or request.host_url) if form_id == MEETING_FORM else ""
        keys = key_fields(form_id)
        newest = max((int(r["version"]) for r in rows if keys and all(r[k] == row[k] for k in keys)), default=0)
        if newest > receipt.version:
            # An old receipt opened again (a bookmark, the history): say which answer counts now.
            extra = (f'<div class="sip-notice"><p>Det här svaret har ersatts: version {newest} har skickats '
                     "in senare och är den som räknas.</p></div>") + extra
        return page(intake.shell.message_page("Tack! Ditt svar är mottaget",
                                              _receipt_body(form_id, receipt, binding, token, extra), form_id=form_id))

    @app.route("/", defaults={"path": ""})
    @app.route("/<path:path>")
    def static_file(path):
        # safe_join refuses absolute paths and "..": "//tmp" must not become a redirect to http://tmp/.
        target = safe_join(str(site_dir), path)
        if target is None:
            raise NotFound()
        if path and not path.endswith("/") and Path(target).is_dir():
            query = request.query_string.decode("latin-1")
            return redirect("/" + path + "/" + (f"?{query}" if query else ""), code=308)
        if path == "" or path.endswith("/"):
            path += "index.html"
        return send_from_directory(site_dir, path, max_age=300)

    messages = {
        404: ("Sidan finns inte", "<p>Sidan du söker finns inte här. Kontrollera adressen eller "
                                  'gå till <a href="/">startsidan</a>.</p>'),
        405: ("Det går inte att göra så här", "<p>Sidan tar inte emot den här sortens anrop. "
                                              'Gå till <a href="/">startsidan</a>.</p>'),
        413: ("För mycket text", "<p>Det du skickade var större än blanketten tillåter. Inget har "
                                 "sparats. Korta ner de långa svaren och skicka igen.</p>"),
        500: ("Något gick fel", "<p>Ett fel uppstod hos oss. Om du skickade in ett svar har det inte "
                                "sparats. Försök igen om en stund. Kvarstår felet, kontakta "
                                "SIP-samordnaren.</p>"),
    }

    def error_page(status: int) -> Response:
        title, body = messages.get(status, messages[500])
        return page(intake.shell.message_page(title, body), status)

    def too_large(_error):
        return error_page(413)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code in (301, 302, 308) or error.code is None or error.code < 400:
            return error
        status = error.code if error.code in messages else (400 if error.code < 500 else 500)
        if error.code == 400:
            body = "<p>Anropet gick inte att läsa. Inget har sparats. Öppna länken igen och försök på nytt.</p>"
            return page(intake.shell.message_page("Felaktigt anrop", body), 400)
        return error_page(status)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        # The person gets a plain Swedish page; the traceback goes to the server log only.
        log.exception("unexpected error")
        return error_page(500)

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = csp
        for name, value in SECURITY_HEADERS.items():
            response.headers[name] = value
        return response

    return app


def serve(app: Flask, host: str = "127.0.0.1", port: int = 8000, threads: int = 8) -> None:
    """Run the app under waitress until interrupted."""
    import waitress

    waitress.serve(app, host=host, port=port, threads=threads, ident="sip-backoffice",
                   max_request_body_size=MAX_BODY * 2, clear_untrusted_proxy_headers=True)
