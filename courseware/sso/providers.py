"""The single sign-on providers set in the configuration (OIDC_PROVIDERS, read by config.py from
the environment), and an Authlib client for each.

Each client runs the authorization code flow with PKCE (S256); Authlib keeps the state, the nonce
and the code verifier in the signed session cookie between the redirect and the callback, and
reads the provider's endpoints and keys from its discovery document, fetched once per process.
"""

from __future__ import annotations

from dataclasses import dataclass

from authlib.integrations.flask_client import FlaskIntegration, FlaskOAuth2App
from flask import Flask, current_app

from courseware.sso import saml_providers

SCOPES = "openid email profile"
CLIENTS = "courseware.sso.clients"


@dataclass(frozen=True)
class Provider:
    key: str  # in addresses: /sign-in/oidc/<key>/callback
    label: str  # on its button: "Sign in with <label>"
    discovery_url: str
    client_id: str
    client_secret: str
    domains: tuple[str, ...]  # the email domains accepted from it; empty: any

    start_endpoint = "sso.start"  # the sign-in button's address

    @property
    def identity_provider(self) -> str:
        return self.key

    def accepts(self, email: str) -> bool:
        return not self.domains or email.rpartition("@")[2].lower() in self.domains


def configured() -> list[Provider]:
    """The providers, in the order of their buttons."""
    return [
        Provider(
            key=key,
            label=str(settings["label"]),
            discovery_url=str(settings["discovery_url"]),
            client_id=str(settings["client_id"]),
            client_secret=str(settings["client_secret"]),
            domains=tuple(settings.get("domains") or ()),
        )
        for key, settings in current_app.config["OIDC_PROVIDERS"].items()
    ]


def find(key: str) -> Provider | None:
    return next((provider for provider in configured() if provider.key == key), None)


def client_for(provider: Provider) -> FlaskOAuth2App:
    """The provider's Authlib client, kept by the app so that its discovery document and keys are
    fetched once (a client made for other settings of the same key is replaced)."""
    clients: dict[str, tuple[Provider, FlaskOAuth2App]] = current_app.extensions.setdefault(CLIENTS, {})
    kept = clients.get(provider.key)
    if kept is not None and kept[0] == provider:
        return kept[1]
    client = FlaskOAuth2App(
        FlaskIntegration(f"sso-{provider.key}"),
        name=f"sso-{provider.key}",
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        server_metadata_url=provider.discovery_url,
        client_kwargs={
            "scope": SCOPES,
            "code_challenge_method": "S256",
            "default_timeout": current_app.config["OIDC_TIMEOUT_SECONDS"],
        },
    )
    clients[provider.key] = (provider, client)
    return client


def init_app(app: Flask) -> None:
    """Pages outside this package (the sign-in page, the answer to a password form for a domain
    whose passwords are off) show the providers' buttons through ``sign_in_providers()``."""
    app.add_template_global(everyone, "sign_in_providers")


def everyone() -> list[Provider | saml_providers.IdentityProvider]:
    """Every provider's button: the OpenID Connect ones, then the SAML ones."""
    return [*configured(), *saml_providers.configured()]
