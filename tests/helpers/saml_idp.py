"""A real SAML 2.0 identity provider, pysaml2's ``saml2.server.Server``, with a key and certificate
made when the tests run (never stored), and signing in through it with the test client.

The test plays the browser: it follows the app's redirect to the identity provider's single
sign-on address, the identity provider reads the app's signed AuthnRequest (checking its
signature with the certificate of the app's metadata) and answers with a signed Response, which
the test posts to the app's assertion consumer service with the relay state, then follows the
redirect to the finishing step. ``answer`` lets a test change how the identity provider answers,
to check that the app refuses what it must.
"""

from __future__ import annotations

import base64
import datetime
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import flask
import werkzeug.serving
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_BASIC, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

IDP_ENTITY_ID = "http://idp.riverside.test/metadata"
IDP_SSO_URL = "http://idp.riverside.test/sso"


def key_and_certificate(folder: Path, name: str, common_name: str) -> tuple[Path, Path]:
    """A new RSA key and a self-signed certificate for it, written to ``folder`` (PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = folder / f"{name}.key", folder / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


@dataclass
class IdentityProvider:
    """The identity provider, and the app's service provider key and certificate (both made here)."""

    folder: Path
    key_file: Path
    cert_file: Path
    sp_key_file: Path
    sp_cert_file: Path
    sso_url: str = IDP_SSO_URL
    entity_id: str = IDP_ENTITY_ID
    server: Server | None = None
    people: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def config(self, sp_metadata: str | None = None) -> IdPConfig:
        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "key_file": str(self.key_file),
                "cert_file": str(self.cert_file),
                "xmlsec_binary": shutil.which("xmlsec1"),
                "metadata": {"inline": [sp_metadata]} if sp_metadata else {},
                "accepted_time_diff": 60,
                "service": {
                    "idp": {
                        "name": "Riverside ID",
                        "endpoints": {"single_sign_on_service": [(self.sso_url, BINDING_HTTP_REDIRECT)]},
                        "policy": {"default": {"lifetime": {"minutes": 5}, "name_form": NAME_FORMAT_BASIC}},
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                        "want_authn_requests_signed": True,
                        "signing_algorithm": SIG_RSA_SHA256,  # pysaml2's default is still SHA-1
                        "digest_algorithm": DIGEST_SHA256,
                    }
                },
            }
        )
        return config

    def metadata(self) -> str:
        """The identity provider's metadata, as an administrator would download it."""
        xml = create_metadata_string(None, config=self.config(), sign=False)
        return xml.decode() if isinstance(xml, bytes) else xml

    def settings(self, **changes: object) -> dict[str, object]:
        """The app's SAML_PROVIDERS entry for this identity provider."""
        return {
            "label": "Riverside ID",
            "metadata": self.metadata(),
            "email_attribute": "email",
            "vouches_for_emails": True,
            "domains": [],
            **changes,
        }

    def trust(self, sp_metadata: str) -> None:
        """Read the app's service provider metadata (as an administrator uploads it)."""
        self.server = Server(config=self.config(sp_metadata))

    def set_person(self, subject: str, email: str, name: str = "Ana Alvarez") -> None:
        self.people[subject] = {"email": [email], "displayName": [name]}

    def read_request(self, location: str) -> tuple[object, str]:
        """The app's AuthnRequest (its signature checked) and relay state, from the redirect."""
        assert self.server is not None
        assert location.startswith(self.sso_url + "?"), location
        return self.read_query({name: values[0] for name, values in parse_qs(urlsplit(location).query).items()})

    def read_query(self, query: dict[str, str]) -> tuple[object, str]:
        assert self.server is not None
        request = self.server.parse_authn_request(
            query["SAMLRequest"],
            BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"),
            sigalg=query.get("SigAlg"),
            signature=query.get("Signature"),
        )
        return request.message, query.get("RelayState", "")

    def answer(self, request, subject: str, *, sign_assertion: bool = True, sign_response: bool = False, **changes):
        """The identity provider's Response to ``request`` for ``subject``, as XML. ``changes``
        replaces arguments of the response (destination, sp_entity_id, in_response_to)."""
        assert self.server is not None
        arguments = self.server.response_args(request)
        arguments.pop("binding", None)
        arguments.update(changes)
        response = self.server.create_authn_response(
            identity=self.people[subject],
            userid=subject,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=subject),
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password", "authn_auth": self.entity_id},
            sign_assertion=sign_assertion,
            sign_response=sign_response,
            **arguments,
        )
        return str(response)


PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Riverside ID</title></head>
<body><main><h1>Riverside ID</h1>{body}</main></body></html>"""


@contextmanager
def serving(idp: IdentityProvider) -> Iterator[str]:
    """The identity provider's pages on a free port of ``localhost`` (another site than the app's
    127.0.0.1, so that its answer is a cross-site POST): a form to choose who signs in, then the
    page whose button posts the answer to the app, as an identity provider's page does (and
    ``/sso/again``, the last of those pages once more, to replay its answer). Yields the
    base address; set ``idp.sso_url`` from it before reading the metadata."""
    app = flask.Flask("riverside-id")
    waiting: dict[str, tuple[object, str]] = {}
    answered: list[str] = []

    @app.get("/sso")
    def sso():
        request, relay = idp.read_query(flask.request.args.to_dict())
        waiting[request.id] = (request, relay)
        form = (
            '<form method="post" action="/sso/answer">'
            f'<input type="hidden" name="request" value="{escape(request.id)}">'
            '<label for="subject">Who signs in</label> <input id="subject" name="subject">'
            '<button type="submit">Sign in</button></form>'
        )
        return PAGE.format(body=form)

    @app.post("/sso/answer")
    def answer():
        request, relay = waiting.pop(flask.request.form["request"])
        xml = idp.answer(request, flask.request.form["subject"])
        form = (
            f'<form method="post" action="{escape(request.assertion_consumer_service_url)}">'
            f'<input type="hidden" name="SAMLResponse" value="{escape(encoded(xml))}">'
            f'<input type="hidden" name="RelayState" value="{escape(relay)}">'
            '<button type="submit">Continue to Courseware</button></form>'
        )
        answered.append(PAGE.format(body=form))
        return answered[-1]

    @app.get("/sso/again")
    def again():
        """The last answer's page once more, as a replay would post it."""
        return answered[-1]

    server = werkzeug.serving.make_server("localhost", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def encoded(xml: str) -> str:
    return base64.b64encode(xml.encode()).decode()


@contextmanager
def identity_provider() -> Iterator[IdentityProvider]:
    """A new identity provider, and the app's key and certificate, in a folder removed afterwards."""
    if shutil.which("xmlsec1") is None:
        raise RuntimeError("xmlsec1 is not installed (scripts/install-system-packages test installs it)")
    with tempfile.TemporaryDirectory(prefix="courseware-saml-") as name:
        folder = Path(name)
        key_file, cert_file = key_and_certificate(folder, "idp", "Riverside ID (tests)")
        sp_key_file, sp_cert_file = key_and_certificate(folder, "sp", "Courseware (tests)")
        yield IdentityProvider(folder, key_file, cert_file, sp_key_file, sp_cert_file)


def start(client, key: str = "riverside", next_url: str | None = None):
    client.get("/sign-in")
    return client.get(f"/sign-in/saml/{key}", query_string={"next": next_url} if next_url else None)


def post_answer(client, xml: str, relay_state: str, key: str = "riverside"):
    """Post an answer to the app's assertion consumer service, as the identity provider's page does
    (a cross-site POST: the browser sends no session cookie with it)."""
    browser_without_cookies = client.application.test_client()
    return browser_without_cookies.post(
        f"/sign-in/saml/{key}/acs", data={"SAMLResponse": encoded(xml), "RelayState": relay_state}
    )


def sign_in_through(client, idp: IdentityProvider, subject: str, key: str = "riverside", **answer_changes):
    """The whole flow as a browser runs it: the app's answer at the end (the finishing step's, or
    the assertion consumer service's when it refuses)."""
    started = start(client, key)
    assert started.status_code == 302, started.get_data(as_text=True)[:2000]
    request, relay = idp.read_request(started.location)
    posted = post_answer(client, idp.answer(request, subject, **answer_changes), relay, key)
    if posted.status_code != 303:
        return posted
    return client.get(posted.location)
