"""Forms of the admin pages: a credit provider's details, and its signature and logo."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from courseware.courses.course_yml import PROVIDER_KEY_RE, placeholder
from courseware.credit import Profile
from courseware.credit.images import MAX_BYTES, size_text
from courseware.text import CleanText


def _one_line(value: Any) -> Any:
    return " ".join(value.split()) if isinstance(value, str) else value


def _no_placeholder(form, field) -> None:
    found = placeholder(field.data or "")
    if found:
        raise ValidationError(
            f"“{found}” reads like a placeholder: this is printed on certificates, write the real details."
        )


def _text(label: str, limit: int, description: str = "", required: str = "") -> StringField:
    validators: list[Any] = [CleanText(), DataRequired(required) if required else Optional()]
    validators += [Length(max=limit, message=f"Use at most {limit} characters."), _no_placeholder]
    return StringField(label, validators=validators, filters=[_one_line], description=description)


class ProviderForm(FlaskForm):
    key = StringField(
        "Key",
        validators=[
            CleanText(),
            DataRequired("Give the provider a key, such as riverside-pd."),
            Length(max=50, message="Use at most 50 characters."),
            Regexp(
                PROVIDER_KEY_RE, message="Use lowercase letters, digits and hyphens, starting with a letter or digit."
            ),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        description="Courses name the provider with it: provider: riverside-pd in course.yml. It cannot change later.",
    )
    name = _text("Name", 300, "As printed on certificates.", required="Enter the provider's name.")
    contact = _text(
        "Contact", 300, "An email address, phone number or web address where a verifier can reach the provider."
    )
    signatory_name = _text("Signatory's name", 200, "The person who signs the certificates.")
    signatory_title = _text("Signatory's title", 200, "Such as Director of Professional Learning.")

    number_fields: list[tuple[Profile, str]]  # (profile, field name), set by provider_form

    def numbers(self) -> dict[str, str]:
        return {profile.key: (getattr(self, name).data or "") for profile, name in self.number_fields}


def number_field_name(profile_key: str) -> str:
    return "number_" + profile_key.replace("-", "_")


def provider_form(profiles: list[Profile], creating: bool, **kwargs: Any) -> ProviderForm:
    """The provider form with one number field for each credit profile that has numbers."""
    attributes: dict[str, Any] = {}
    fields = []
    for profile in profiles:
        if profile.number_label:
            name = number_field_name(profile.key)
            required = " Required for this profile." if "number" in profile.requires else ""
            attributes[name] = _text(f"{profile.title}: {profile.number_label}", 100, description=required.strip())
            fields.append((profile, name))
    form_class = type("ProviderDetailsForm", (ProviderForm,), attributes)
    form = form_class(**kwargs)
    form.number_fields = fields
    if not creating:
        del form.key
    return form


class AssetForm(FlaskForm):
    file = FileField(
        "Image (PNG or SVG)",
        validators=[FileRequired("Choose a PNG or SVG image to upload.")],
        description=f"At most {size_text(MAX_BYTES)}. PNG files are re-encoded without their metadata; an SVG file "
        "may not refer to anything outside itself.",
        render_kw={"accept": ".png,.svg,image/png,image/svg+xml"},
    )
