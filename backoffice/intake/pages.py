"""The pages the service writes itself: any page in the site's shell, and its Swedish error pages.

`render_page(title, body)` is the one way a view answers with a page of its own; the error
handlers make sure a person never sees a traceback or an English server page.
"""
from __future__ import annotations

import logging
from html import escape

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from backoffice.intake.links import LinkError
from backoffice.intake.service import current_intake

log = logging.getLogger("sip.intake")

ERROR_PAGES = {
    400: ("Felaktigt anrop", "<p>Anropet gick inte att läsa. Inget har sparats. Öppna länken igen och försök "
                             "på nytt.</p>"),
    404: ("Sidan finns inte", "<p>Sidan du söker finns inte här. Kontrollera adressen eller "
                              'gå till <a href="/">startsidan</a>.</p>'),
    405: ("Det går inte att göra så här", "<p>Sidan tar inte emot den här sortens anrop. "
                                          'Gå till <a href="/">startsidan</a>.</p>'),
    413: ("För mycket text", "<p>Det du skickade var större än blanketten tillåter. Inget har "
                             "sparats. Korta ner de långa svaren och skicka igen.</p>"),
    429: ("För många försök", "<p>Det har kommit för många svar på kort tid. Inget har sparats.</p>"
                              "<p>Vänta en stund, till exempel tio minuter, och försök igen.</p>"),
    500: ("Något gick fel", "<p>Ett fel uppstod hos oss. Om du skickade in ett svar har det inte "
                            "sparats. Försök igen om en stund. Kvarstår felet, kontakta "
                            "SIP-samordnaren.</p>"),  # error_page adds the mailbox
}


def html_response(html: str, status: int = 200) -> Response:
    """A page of the service: never cached (it may show a link's answers)."""
    response = Response(html, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def render_page(title: str, body: str, status: int = 200, *, form_id: str | None = None) -> Response:
    """A page with heading `title` and HTML `body` in the site's frame (a form's page, else the 404 page)."""
    return html_response(current_intake().shell.message_page(title, body, form_id=form_id), status)


def error_page(status: int) -> Response:
    """The Swedish page for an HTTP error status (500's page for one without its own)."""
    title, body = ERROR_PAGES.get(status, ERROR_PAGES[500])
    status = status if status in ERROR_PAGES else 500
    if status == 500:
        body += f"<p>{contact('Du når SIP-samordnaren')}</p>"
    return render_page(title, body, status)


def refused(error: LinkError, form_id: str | None = None) -> Response:
    """A link that may not be used: why, that nothing was stored (said once), and whom to ask."""
    text = str(error)
    body = f"<p>{escape(text)}</p>" + ("" if "Inget har sparats" in text else "<p>Inget har sparats.</p>")
    return render_page("Länken kan inte användas",
                       body + f"<p>{contact('Frågor om länkar besvaras av SIP-samordnaren')}</p>", 403, form_id=form_id)


def contact(lead: str) -> str:
    """`lead` and, when the edition has one, the coordinator's mailbox as a link (HTML, escaped)."""
    from backoffice.edition import EditionError, load_edition

    try:
        mailbox = load_edition().coordinator_mailbox
    except EditionError:
        mailbox = None
    if not mailbox:
        return f"{escape(lead)}."
    return f'{escape(lead)}: <a href="mailto:{escape(mailbox)}">{escape(mailbox)}</a>.'


def too_many() -> Response:
    """Over a rate limit: try again when the window has passed."""
    response = error_page(429)
    response.headers["Retry-After"] = str(int(current_intake().per_client.window))
    return response


def cross_site(form_id: str) -> Response:
    """A post from another site's page (a CSRF attempt, or a copy of the form elsewhere)."""
    body = ("<p>Formuläret kunde inte tas emot: det skickades från en annan webbplats.</p>"
            "<p>Inget har sparats. Öppna din personliga länk och skicka in därifrån.</p>")
    return render_page("Formuläret kunde inte tas emot", body, 403, form_id=form_id)


def _http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error  # a redirect werkzeug raised (a missing trailing slash): not an error
    return error_page(error.code if error.code in ERROR_PAGES else (400 if error.code < 500 else 500))


def _unexpected(error: Exception) -> Response:
    # The person gets a plain Swedish page; the traceback goes to the server log only.
    log.exception("unexpected error")
    return error_page(500)


def add_error_pages(app: Flask) -> None:
    """Answer every error of `app` with a Swedish page in the site's frame."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
