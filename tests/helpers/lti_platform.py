"""A learning platform built on an independent LTI 1.3 implementation (lti1p3platform, from PyPI),
served on a local port: its key set, its OpenID Connect authentication endpoint (which answers
with the launch it would post), its access token endpoint, a line item's scores endpoint and a
context's memberships endpoint. It checks what Courseware signs with the tool's published key set,
as a real platform does."""

from __future__ import annotations

import html
import json
import threading
import traceback
import typing as t
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

CLIENT_ID = "courseware-client"
DEPLOYMENT_ID = "deployment-1"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


def _pem_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


class _Conf(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs: t.Any) -> None:
        self._registration = kwargs["registration"]

    def get_registration_by_params(self, **kwargs: t.Any) -> Registration:
        return self._registration


class _Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs: t.Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> str:
        return url


class _Launch(LTIAdvantageMessageLaunchAbstract):
    def render_launch_form(self, launch_data: dict[str, t.Any], **kwargs: t.Any) -> dict[str, t.Any]:
        return launch_data


class _Request:
    """The authentication request, as the library reads a request."""

    def __init__(self, params: dict[str, str]) -> None:
        self.get_data = params
        self.form_data: dict[str, str] = {}


@dataclass
class Person:
    sub: str
    email: str
    name: str
    roles: list[str] = field(default_factory=lambda: [LEARNER])


@dataclass
class LocalPlatform:
    """The platform; ``url("/path")`` is an address on it."""

    base: str
    private_key: str
    public_key: str
    tool_key_set: dict[str, t.Any] | None = None
    scores: list[dict[str, t.Any]] = field(default_factory=list)
    score_status: int = 200
    members: list[dict[str, t.Any]] = field(default_factory=list)
    deep_link_answers: list[list[dict[str, t.Any]]] = field(default_factory=list)
    tokens_issued: list[str] = field(default_factory=list)
    next_launch: dict[str, t.Any] = field(default_factory=dict)  # what /auth puts in the coming launch
    issuer: str = ""

    def url(self, path: str) -> str:
        return self.base + path

    def registration(self, tool_login_url: str = "", tool_launch_url: str = "") -> Registration:
        registration = (
            Registration()
            .set_iss(self.issuer)
            .set_client_id(CLIENT_ID)
            .set_deployment_id(DEPLOYMENT_ID)
            .set_oidc_login_url(tool_login_url or "http://localhost/lti/login")
            .set_launch_url(tool_launch_url or "http://localhost/lti/launch")
            .set_deeplink_launch_url(tool_launch_url or "http://localhost/lti/launch")
            .set_platform_public_key(self.public_key)
            .set_platform_private_key(self.private_key)
        )
        if self.tool_key_set is not None:
            registration.set_tool_key_set(self.tool_key_set)
        return registration

    def login_initiation(self, tool_login_url: str, tool_launch_url: str, person: Person, hint: str = "link-1") -> str:
        """The address the platform sends the browser to, to start a launch of the tool."""
        login = _Login(None, _Conf(registration=self.registration(tool_login_url, tool_launch_url)))
        login.set_lti_message_hint(hint=hint)
        self.next_launch["person"] = person
        return login.initiate_login(person.sub)

    # --- the platform's endpoints ------------------------------------------------------------------

    def authenticate(self, params: dict[str, str]) -> dict[str, t.Any]:
        """The platform's answer to the tool's authentication request: the launch it posts back."""
        conf = _Conf(registration=self.registration(tool_launch_url=params.get("redirect_uri", "")))
        launch = _Launch(_Request(params), conf)
        person: Person = self.next_launch["person"]
        launch.set_user_data(person.sub, person.roles, full_name=person.name, email_address=person.email)
        launch.set_launch_context_claim("context-1", context_title="Riverside staff PD")
        launch.set_resource_link_claim(self.next_launch.get("resource_link", "link-1"))
        custom = self.next_launch.get("custom")
        if custom:
            launch.set_custom_parameters_claim(custom)
        if self.next_launch.get("deep_linking"):
            launch.set_dl(self.url("/deep-link-return"), title="Add content", accept_types={"ltiResourceLink"})
        else:
            launch.set_ags(
                lineitems_url=self.url("/lineitems"),
                lineitem_url=self.url("/lineitems/1/lineitem"),
                allow_creating_lineitems=False,
            )
        launch.set_nrps(self.url("/memberships"))
        extra = self.next_launch.get("claims")
        if extra:
            launch.set_extra_claims(extra)
        return launch.lti_launch()

    def wsgi(self, environ, start_response):
        request = Request(environ)
        try:
            response = self._route(request)
        except Exception:  # shown to the test, which fails with the platform's own traceback
            response = Response(traceback.format_exc(), status=500)
        return response(environ, start_response)

    def _conf(self) -> _Conf:
        return _Conf(registration=self.registration())

    def _route(self, request: Request) -> Response:
        path = request.path
        if path == "/jwks":
            return _json({"keys": self.registration().get_jwks()})
        if path == "/auth":
            return _json(self.authenticate(dict(request.args)))
        if path == "/auth-form":  # as a browser meets it: a page that posts the launch to the tool at once
            launch = self.authenticate(dict(request.args))
            return Response(_auto_post(launch), mimetype="text/html")
        if path == "/course-page":  # the platform's course page, showing the tool in a frame
            start = html.escape(request.args["start"], quote=True)
            page = f'<!doctype html><html lang="en"><title>Course</title><iframe title="Courseware" src="{start}"'
            return Response(page + ' width="900" height="600"></iframe></html>', mimetype="text/html")
        if path == "/token":
            try:
                answer = self._conf().get_access_token(dict(request.form))
            except Exception as error:  # the library raises several kinds for a refused assertion
                return _json({"error": "invalid_client", "error_description": str(error)}, 401)
            self.tokens_issued.append(answer["scope"])
            return _json(dict(answer))
        if path == "/lineitems/1/lineitem/scores" and request.method == "POST":
            if not self._authorized(request, "https://purl.imsglobal.org/spec/lti-ags/scope/score"):
                return _json({"error": "unauthorized"}, 401)
            if request.content_type != "application/vnd.ims.lis.v1.score+json":
                return _json({"error": "wrong content type"}, 415)
            if self.score_status != 200:
                return _json({"error": "refused by the test"}, self.score_status)
            self.scores.append(json.loads(request.get_data()))
            return Response(status=204)
        if path == "/memberships":
            scope = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
            if not self._authorized(request, scope):
                return _json({"error": "unauthorized"}, 401)
            return _json({"id": self.url("/memberships"), "context": {"id": "context-1"}, "members": self.members})
        if path == "/deep-link-return" and request.method == "POST":
            items = self._conf().validate_deeplinking_resp(dict(request.form))
            self.deep_link_answers.append(items)
            return Response("added", status=200)
        return Response("not found", status=404)

    def _authorized(self, request: Request, scope: str) -> bool:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return False
        try:
            return self._conf().validate_token(header.removeprefix("Bearer "), allowed_scopes=[scope])
        except Exception:  # a token the platform did not issue
            return False


def _auto_post(launch: dict[str, t.Any]) -> str:
    fields = "".join(
        f'<input type="hidden" name="{name}" value="{html.escape(str(launch[name]), quote=True)}">'
        for name in ("state", "id_token")
    )
    action = html.escape(launch["launch_url"], quote=True)
    return (
        f'<!doctype html><html lang="en"><title>Launching</title><form method="post" action="{action}">{fields}'
        "</form><script>document.forms[0].submit()</script></html>"
    )


def _json(body: dict[str, t.Any], status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


class RunningPlatform:
    """A LocalPlatform served on 127.0.0.1 in a thread, for the length of a ``with`` block."""

    def __enter__(self) -> LocalPlatform:
        private, public = _pem_pair()
        self.platform = LocalPlatform(base="", private_key=private, public_key=public)
        self.server = make_server("127.0.0.1", 0, self.platform.wsgi, threaded=True)
        self.platform.base = f"http://127.0.0.1:{self.server.server_port}"
        self.platform.issuer = self.platform.base
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self.platform

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)
