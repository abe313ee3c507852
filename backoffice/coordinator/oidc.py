"""Sign-in through the organisation's identity provider (OpenID Connect), with Authlib's Flask client.

The authorization code flow with PKCE: `start` sends the browser to the provider; `finish`
exchanges the code and lets Authlib check the ID token (signature against the provider's keys,
issuer, audience, expiry, nonce). The provider must call itself what it was configured as: a
discovery document naming another issuer is refused before anyone is sent there.
"""
from __future__ import annotations

from typing import Any

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask
from joserfc import errors as token_errors

from backoffice.coordinator.config import SignInConfig, person_of
from backoffice.errors import SipError

CLIENT = "idp"


class SignInRefused(SipError):
    """A sign-in that did not succeed; `reason` names why and the message is Swedish."""

    MESSAGES = {
        "fel_utfardare": "Inloggningstjänsten svarade med en annan utfärdare än den som är inställd. Ingen "
                         "har loggats in. Kontakta den som sköter servern (inställningen SIP_OIDC_ISSUER).",
        "ogiltig_signatur": "Inloggningen kunde inte bekräftas: svaret från inloggningstjänsten var inte "
                            "korrekt signerat. Ingen har loggats in. Försök igen; kvarstår felet, kontakta IT.",
        "utgangen": "Inloggningen tog för lång tid och svaret från inloggningstjänsten hann gå ut. "
                    "Logga in igen.",
        "ogiltig": "Svaret från inloggningstjänsten gick inte att godta. Ingen har loggats in. Logga in igen.",
        "tillstand": "Inloggningen gick inte att slutföra, till exempel för att den påbörjades i en annan "
                     "flik eller för länge sedan. Börja om från inloggningssidan.",
        "avbruten": "Inloggningen avbröts hos inloggningstjänsten. Ingen har loggats in.",
        "ej_nabar": "Inloggningstjänsten gick inte att nå. Försök igen om en stund; kvarstår felet, kontakta IT.",
        "ej_behorig": "Du är inloggad hos organisationen men finns inte bland SIP-samordnarna för den här "
                      "webbplatsen. Be den som sköter webbplatsen att lägga till dig.",
    }

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(self.MESSAGES[reason])


class IdentityProvider:
    """The configured provider, registered on the Flask app once."""

    def __init__(self, app: Flask, config: SignInConfig):
        self.config = config
        self._client = OAuth(app).register(
            CLIENT, client_id=config.client_id, client_secret=config.client_secret,
            server_metadata_url=f"{config.issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"})

    def _userinfo(self, token: dict, subject) -> dict[str, Any]:
        try:
            info = dict(self._client.userinfo(token=token))
        except (requests.RequestException, ValueError, KeyError):
            raise SignInRefused("ej_nabar") from None
        if info.get("sub") != subject:
            raise SignInRefused("ogiltig")
        return info

    def _check_issuer(self) -> None:
        try:
            metadata = self._client.load_server_metadata()
        except (requests.RequestException, ValueError):
            raise SignInRefused("ej_nabar") from None
        if str(metadata.get("issuer") or "").rstrip("/") != self.config.issuer:
            # OpenID Connect Discovery 4.3: the document must name the issuer it was fetched for.
            self._client.server_metadata.clear()
            raise SignInRefused("fel_utfardare")

    def start(self, redirect_uri: str):
        """The redirect that sends the browser to the provider's sign-in page."""
        self._check_issuer()
        return self._client.authorize_redirect(redirect_uri)

    def finish(self) -> tuple[str, dict[str, Any]]:
        """(the person's address, the ID token's claims) after the provider's answer; SignInRefused otherwise."""
        self._check_issuer()
        try:
            token = self._client.authorize_access_token(
                claims_options={"iss": {"essential": True, "value": self.config.issuer}},
                leeway=self.config.leeway)
        except MismatchingStateError:
            raise SignInRefused("tillstand") from None
        except OAuthError as error:
            raise SignInRefused("tillstand" if error.error in ("mismatching_state", "missing_state")
                                else "avbruten") from None
        except token_errors.BadSignatureError:
            raise SignInRefused("ogiltig_signatur") from None
        except token_errors.ExpiredTokenError:
            raise SignInRefused("utgangen") from None
        except token_errors.InvalidClaimError as error:
            raise SignInRefused("fel_utfardare" if error.claim == "iss" else "ogiltig") from None
        except (token_errors.JoseError, KeyError, ValueError):
            raise SignInRefused("ogiltig") from None
        except requests.RequestException:
            raise SignInRefused("ej_nabar") from None
        claims = dict(token.get("userinfo") or {})
        if not person_of(claims):
            # Providers that keep ID tokens small (OpenID's "conform" mode) give the address only
            # from the userinfo endpoint, for the same subject.
            claims.update(self._userinfo(token, claims.get("sub")))
        person = person_of(claims)
        if not self.config.allows(person, claims):
            raise SignInRefused("ej_behorig")
        return person, claims
