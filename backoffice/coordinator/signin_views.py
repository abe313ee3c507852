"""Signing in and out: the sign-in page, one-time links, the identity provider's round trip."""
from __future__ import annotations

from flask import Response, redirect, request

from backoffice.coordinator import session as sessions
from backoffice.coordinator.audit import record
from backoffice.coordinator.console import PREFIX, base_url, blueprint, current_console, log_action, page
from backoffice.coordinator.invites import InviteError, check_invite, use_invite
from backoffice.coordinator.oidc import SignInRefused

HOME = f"{PREFIX}/"
OIDC_ANSWER_PATH = f"{PREFIX}/oidc/svar"


def sign_in_page(status: int = 200, message: str = "") -> Response:
    """The way in: the organisation's sign-in when there is one; what a one-time link is otherwise."""
    console = current_console()
    return page("Logga in som SIP-samordnare", "logga_in.html", status, message=message,
                provider=console.provider is not None)


@blueprint.get("/logga-in", endpoint="sign_in_page")
def sign_in_page_view():
    return sign_in_page()


@blueprint.get("/inloggning")
def invite_page():
    """A one-time link opened: a button to press (a mail program fetching the link uses nothing up)."""
    token = request.args.get("lank")
    try:
        invite = check_invite(_secret(), token, current_console().data_dir)
    except InviteError as error:
        return sign_in_page(403, str(error))
    return page("Logga in som SIP-samordnare", "inbjudan.html", person=invite.person, token=token)


@blueprint.post("/inloggning")
def invite_use():
    """The button pressed: the link is used up and the session begins."""
    from backoffice.intake.security import same_origin

    if not same_origin(request.headers, [request.host_url, current_console().public_url]):
        return sign_in_page(403, "Inloggningen kom från en annan webbplats och godtogs inte.")
    try:
        invite = use_invite(_secret(), request.form.get("lank"), current_console().data_dir)
    except InviteError as error:
        return sign_in_page(403, str(error))
    _begin(invite.person, "engångslänk", logged=True)
    return redirect(HOME, code=303)


@blueprint.get("/oidc/start")
def oidc_start():
    """Send the browser to the organisation's sign-in page."""
    console = current_console()
    if console.provider is None:
        return sign_in_page(404, "Den här webbplatsen loggar inte in via en identitetsleverantör. Använd en "
                                 "inloggningslänk från den som sköter servern.")
    if not base_url():
        return sign_in_page(500, "Servern vet inte sin offentliga adress, så inloggningen kan inte skicka dig "
                                 "tillbaka hit. Den som sköter servern startar den med --base-url.")
    try:
        return console.provider.start(base_url() + OIDC_ANSWER_PATH)
    except SignInRefused as refused:
        return sign_in_page(502, str(refused))


@blueprint.get("/oidc/svar")
def oidc_answer():
    """The provider's answer: checked, then a page that continues to the overview.

    The answer is a navigation from the provider's site, so the browser would not send the new
    SameSite=Strict cookie on a redirect from here; a page of our own that moves on does."""
    console = current_console()
    if console.provider is None:
        return sign_in_page(404)
    try:
        who, _claims = console.provider.finish()
    except SignInRefused as refused:
        record(console.data_dir, "(okänd)", "inloggning nekad", via="identitetsleverantör", orsak=refused.reason)
        return sign_in_page(403, str(refused))
    _begin(who, "identitetsleverantör", logged=False)
    response = page("Du är inloggad", "inloggad.html", person=who)
    response.headers["Refresh"] = f"0; url={HOME}"
    return response


@blueprint.post("/logga-ut")
def sign_out():
    log_action("utloggning", session=sessions.session.get(sessions.SID))
    console = current_console()
    with console.lock:
        console.revoked.add(sessions.sign_out())
    return sign_in_page(200, "Du är utloggad.")


def _begin(who: str, via: str, logged: bool) -> None:
    sessions.sign_in(who, via, current_console().clock)
    if not logged:  # a one-time link's sign-in is logged when the link is used up
        record(current_console().data_dir, who, "inloggning", via=via)


def _secret() -> str:
    return current_console().secret
