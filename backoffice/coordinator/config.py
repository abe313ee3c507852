"""Who may sign in on the coordinator's side, and through which identity provider.

From the edition's `sign_in` section, overridden by the environment (the client secret only ever
from there):

    sign_in:
      issuer: https://login.microsoftonline.com/<tenant>/v2.0   # SIP_OIDC_ISSUER
      client_id: 00000000-…                                      # SIP_OIDC_CLIENT_ID
      coordinators: [sip-samordnare@example.se]                  # SIP_SAMORDNARE (comma separated)
      group: SIP-samordnare                                      # a value of the group claim
      group_claim: groups
                                                                 # SIP_OIDC_CLIENT_SECRET (environment only)
Without an issuer there is no identity provider: coordinators sign in with one-time links made by
`sip-backoffice samordnare bjud-in`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Mapping

from backoffice.errors import SipError


@dataclass(frozen=True)
class SignInConfig:
    issuer: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    coordinators: frozenset[str] = frozenset()
    group: str | None = None
    group_claim: str = "groups"
    # Seconds of clock difference tolerated between the identity provider and this server.
    leeway: int = 60

    @classmethod
    def from_edition(cls, section: Mapping[str, Any], environ=os.environ) -> "SignInConfig":
        listed = environ.get("SIP_SAMORDNARE")
        coordinators = listed.split(",") if listed else list(section.get("coordinators") or [])
        config = cls(
            issuer=(environ.get("SIP_OIDC_ISSUER") or section.get("issuer") or "").rstrip("/") or None,
            client_id=environ.get("SIP_OIDC_CLIENT_ID") or section.get("client_id") or None,
            client_secret=environ.get("SIP_OIDC_CLIENT_SECRET") or None,
            coordinators=frozenset(c.strip().casefold() for c in coordinators if c.strip()),
            group=environ.get("SIP_SAMORDNARE_GRUPP") or section.get("group") or None,
            group_claim=str(section.get("group_claim") or "groups"),
            leeway=int(environ.get("SIP_OIDC_LEEWAY") or section.get("leeway") or 60),
        )
        if config.issuer and not (config.client_id and config.client_secret):
            raise SipError("Inloggningen via identitetsleverantören behöver SIP_OIDC_CLIENT_ID och "
                           "SIP_OIDC_CLIENT_SECRET (klient-id och klienthemlighet från registreringen).")
        if config.issuer and not (config.coordinators or config.group):
            raise SipError("Ange vilka som får logga in som samordnare: sign_in.coordinators (e-postadresser) eller "
                           "sign_in.group i utgåvans fil, eller SIP_SAMORDNARE.")
        return config

    @property
    def identity_provider(self) -> bool:
        return bool(self.issuer)

    def allows(self, person: str, claims: Mapping[str, Any]) -> bool:
        """Whether a signed-in person is one of the coordinators (by address or by group)."""
        if person and person.casefold() in self.coordinators:
            return True
        if self.group:
            groups = claims.get(self.group_claim) or []
            return self.group in (groups if isinstance(groups, list) else [groups])
        return False


def person_of(claims: Mapping[str, Any]) -> str:
    """The person's e-mail address from the ID token (Entra ID may give only preferred_username)."""
    for name in ("email", "preferred_username", "upn"):
        value = str(claims.get(name) or "").strip()
        if "@" in value:
            return value
    return ""
