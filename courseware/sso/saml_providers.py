"""The SAML 2.0 identity providers set in the configuration (SAML_PROVIDERS, read by config.py from
the environment), and Courseware as their service provider: its entity id and addresses, built
from PUBLIC_URL, its key and certificate, and a pysaml2 client for each identity provider.

The client signs its authentication requests with Courseware's key, and accepts an answer only
when the assertion, or the response holding it, is signed with a key of the identity provider's
metadata (saml.py says what else is checked).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, SAMLError
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import entity_descriptor, metadata_tostring_fix
from saml2.sigver import SigverError

from config import ProviderSettingProblem
from courseware.urls import external_url

CLIENTS = "courseware.sso.saml_clients"
LEEWAY_SECONDS = 120  # clock skew allowed, either way, on an assertion's time window
# The signature and digest algorithms accepted in an answer, and listed in Courseware's metadata.
STRONG_ALGORITHMS = frozenset(
    {
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
        "http://www.w3.org/2001/04/xmlenc#sha256",
        "http://www.w3.org/2001/04/xmldsig-more#sha384",
        "http://www.w3.org/2001/04/xmlenc#sha512",
    }
)
APT_COMMAND = "sudo apt-get update && sudo apt-get install -y --no-install-recommends xmlsec1"


@dataclass(frozen=True)
class IdentityProvider:
    key: str  # in addresses: /sign-in/saml/<key>/acs
    label: str  # on its button: "Sign in with <label>"
    metadata: str  # the identity provider's metadata XML
    email_attribute: str  # the attribute holding the person's address
    vouches_for_emails: bool  # its addresses count as verified
    domains: tuple[str, ...]  # the email domains accepted from it; empty: any

    start_endpoint = "saml.start"  # the sign-in button's address

    @property
    def identity_provider(self) -> str:
        return f"saml:{self.key}"

    def accepts(self, email: str) -> bool:
        return not self.domains or email.rpartition("@")[2].lower() in self.domains


class NobodyKept:
    """Stands in for the client's record of the people it has read (``Saml2Client.users``), which
    pysaml2 keeps in memory for attribute queries and single logout, neither of which Courseware
    makes: no one's attributes stay in the process after their sign-in."""

    def add_information_about_person(self, session_info: object) -> None:
        return None


@dataclass(frozen=True)
class Kept:
    """A client, with what it was made from: a change to any of them makes a new one."""

    provider: IdentityProvider
    public_url: str
    key_file: str
    cert_file: str
    client: Saml2Client
    idp_entity_id: str


def configured() -> list[IdentityProvider]:
    """The identity providers, in the order of their buttons (after the OpenID Connect ones)."""
    return [
        IdentityProvider(
            key=key,
            label=str(settings["label"]),
            metadata=str(settings["metadata"]),
            email_attribute=str(settings.get("email_attribute") or "email"),
            vouches_for_emails=bool(settings.get("vouches_for_emails")),
            domains=tuple(settings.get("domains") or ()),
        )
        for key, settings in current_app.config["SAML_PROVIDERS"].items()
    ]


def find(key: str) -> IdentityProvider | None:
    return next((provider for provider in configured() if provider.key == key), None)


def entity_id(provider: IdentityProvider) -> str:
    """Courseware's entity id for this identity provider: the address of its metadata."""
    return external_url("saml.metadata", provider=provider.key)


def acs_url(provider: IdentityProvider) -> str:
    """Where the identity provider posts its answer (the assertion consumer service)."""
    return external_url("saml.acs", provider=provider.key)


def client_for(provider: IdentityProvider) -> tuple[Saml2Client, str]:
    """The provider's client and the identity provider's entity id, kept by the app so that the
    metadata is read once. Raises ProviderSettingProblem when the settings cannot work."""
    clients: dict[str, Kept] = current_app.extensions.setdefault(CLIENTS, {})
    public_url = str(current_app.config.get("PUBLIC_URL") or "")
    key_file, cert_file = current_app.config["SAML_SP_KEY_FILE"], current_app.config["SAML_SP_CERT_FILE"]
    kept = clients.get(provider.key)
    if kept is not None and (kept.provider, kept.public_url, kept.key_file, kept.cert_file) == (
        provider,
        public_url,
        key_file,
        cert_file,
    ):
        return kept.client, kept.idp_entity_id
    client, idp = _client(provider, key_file, cert_file)
    clients[provider.key] = Kept(provider, public_url, key_file, cert_file, client, idp)
    return client, idp


def _client(provider: IdentityProvider, key_file: str, cert_file: str) -> tuple[Saml2Client, str]:
    name = f"SAML_{provider.key.upper().replace('-', '_')}_METADATA"
    xmlsec = shutil.which("xmlsec1")
    if xmlsec is None:
        raise ProviderSettingProblem(
            f"{name} is set, and SAML needs the xmlsec1 program to check signatures: install it "
            f"(scripts/install-system-packages run, or: {APT_COMMAND})"
        )
    for path, setting in ((key_file, "SAML_SP_KEY_FILE"), (cert_file, "SAML_SP_CERT_FILE")):
        if not Path(path).is_file():
            raise ProviderSettingProblem(
                f"{name} is set, and SAML needs Courseware's own key and certificate: {setting} ({path}) is not a "
                "file. docs/sign-in.md shows how to make them with openssl"
            )
    settings = {
        "entityid": entity_id(provider),
        "key_file": key_file,
        "cert_file": cert_file,
        "xmlsec_binary": xmlsec,
        "metadata": {"inline": [provider.metadata]},
        "accepted_time_diff": LEEWAY_SECONDS,
        "allow_unknown_attributes": True,
        "service": {
            "sp": {
                "name": "Courseware",
                "endpoints": {"assertion_consumer_service": [(acs_url(provider), BINDING_HTTP_POST)]},
                "allow_unsolicited": False,
                "authn_requests_signed": True,
                "want_response_signed": False,
                "want_assertions_signed": False,
                "want_assertions_or_response_signed": True,
                "only_use_keys_in_metadata": True,
                "name_id_format_allow_create": True,
            }
        },
    }
    try:
        config = SPConfig()
        config.load(settings)
        client = Saml2Client(config=config)
        client.users = NobodyKept()
    except (SAMLError, SigverError, OSError, ValueError, TypeError, KeyError, SyntaxError) as error:
        raise ProviderSettingProblem(
            f"{name}: its metadata, or Courseware's key or certificate, cannot be used: {error}"
        ) from None
    idps = list(client.metadata.identity_providers())
    if len(idps) != 1:
        raise ProviderSettingProblem(
            f"{name} must describe exactly one identity provider (an IDPSSODescriptor); it describes {len(idps)}"
        )
    if not client.metadata.single_sign_on_service(idps[0], BINDING_HTTP_REDIRECT):
        raise ProviderSettingProblem(f"{name}: the identity provider offers no single sign-on by HTTP-Redirect")
    if not client.metadata.certs(idps[0], "idpsso", use="signing"):
        raise ProviderSettingProblem(f"{name}: the identity provider's metadata has no signing certificate")
    return client, idps[0]


def metadata_xml(provider: IdentityProvider) -> str:
    """Courseware's service provider metadata for this identity provider, signed by nothing (it is
    fetched over HTTPS from the entity id itself). It lists the SHA-2 algorithms only, the ones
    Courseware accepts (saml.py)."""
    client, _ = client_for(provider)
    descriptor = entity_descriptor(client.config)
    if descriptor.extensions is not None:
        descriptor.extensions.extension_elements = [
            element
            for element in descriptor.extensions.extension_elements
            if element.attributes.get("Algorithm") in STRONG_ALGORITHMS
        ]
    xml = metadata_tostring_fix(descriptor, {"xs": "http://www.w3.org/2001/XMLSchema"})
    return xml.decode() if isinstance(xml, bytes) else xml


def check(app: Flask) -> None:
    """At start: every identity provider's settings can work (raises ProviderSettingProblem)."""
    with app.app_context():
        for provider in configured():
            client_for(provider)


def init_app(app: Flask) -> None:
    check(app)
