"""The admin's form for a platform registration: what the platform's administrator gives when they
register Courseware (docs/lti.md says where each value is found in Canvas, Schoology and Moodle)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from courseware.text import CleanText

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
MAX_DEPLOYMENTS = 50
LONG_URL = "Use at most 1000 characters."


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def secure_url(form, field) -> None:
    """An https address (plain http only on this machine, for a platform under test)."""
    value = field.data or ""
    parts = urlsplit(value)
    if not parts.netloc or " " in value:
        raise ValidationError("Enter a full web address, such as https://canvas.instructure.com.")
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS):
        raise ValidationError("Use an https:// address: LTI messages must travel encrypted.")


def deployment_lines(form, field) -> None:
    lines = [line.strip() for line in (field.data or "").splitlines() if line.strip()]
    if not lines:
        raise ValidationError("Enter at least one deployment id, one a line.")
    if len(lines) > MAX_DEPLOYMENTS:
        raise ValidationError(f"List at most {MAX_DEPLOYMENTS} deployment ids.")
    too_long = next((line for line in lines if len(line) > 255), None)
    if too_long is not None:
        raise ValidationError(f"“{too_long[:40]}…” is longer than 255 characters: is it really a deployment id?")


def _url(label: str, description: str, required: str) -> StringField:
    return StringField(
        label,
        validators=[CleanText(), DataRequired(required), Length(max=1000, message=LONG_URL), secure_url],
        filters=[_stripped],
        description=description,
    )


class RegistrationForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[CleanText(), DataRequired("Name the platform, such as Riverside Canvas."), Length(max=200)],
        filters=[_stripped],
        description="Shown to people who launch from it (“Signed in with Riverside Canvas”).",
    )
    issuer = _url(
        "Issuer",
        "The platform's issuer (iss), such as https://canvas.instructure.com.",
        "Enter the platform's issuer.",
    )
    client_id = StringField(
        "Client id",
        validators=[CleanText(), DataRequired("Enter the client id the platform gave Courseware."), Length(max=255)],
        filters=[_stripped],
        description="The id the platform gave Courseware when it was registered there.",
    )
    deployment_ids = TextAreaField(
        "Deployment ids",
        validators=[CleanText(multiline=True), deployment_lines],
        description="One a line. A launch from any other deployment of the platform is refused.",
    )
    key_set_url = _url(
        "Key set URL",
        "Where the platform publishes its public keys (JWKS).",
        "Enter the address of the platform's key set.",
    )
    auth_login_url = _url(
        "Authentication request URL",
        "The platform's OpenID Connect authorization endpoint.",
        "Enter the platform's authentication request URL.",
    )
    access_token_url = _url(
        "Access token URL",
        "Where Courseware gets a token to send grades and read rosters.",
        "Enter the platform's access token URL.",
    )
    organisation_id = SelectField(
        "Organisation",
        coerce=str,
        description="The school or district whose staff launch from this platform. Their addresses in its domains "
        "may link to, or create, Courseware accounts as its sign-in settings allow. Without one, nobody can be "
        "signed in by a launch.",
    )
