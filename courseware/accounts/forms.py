from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from courseware.accounts.passwords import MAX_LENGTH, password_problem
from courseware.text import CleanText


def _clean_name(form, field) -> None:
    if not field.data:
        raise ValidationError("Enter your name as it should appear on your certificates.")


def _strong_password(form, field) -> None:
    inputs = [getattr(form, "email", None) and form.email.data, getattr(form, "name", None) and form.name.data]
    inputs += getattr(form, "extra_inputs", [])
    problem = password_problem(field.data or "", [i for i in inputs if i])
    if problem:
        raise ValidationError(problem)


def email_field(label: str = "Email") -> EmailField:
    return EmailField(
        label,
        validators=[
            CleanText(),
            DataRequired("Enter your email address."),
            Length(max=254, message="An email address has at most 254 characters."),
            Email("Enter an email address like name@school.org.", check_deliverability=False),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


def name_field() -> StringField:
    return StringField(
        "Full name",
        validators=[CleanText(), _clean_name, Length(max=300, message="Use at most 300 characters.")],
        description="As it should appear on your certificates.",
        render_kw={"autocomplete": "name"},
    )


def new_password_field(label: str = "Password") -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired("Choose a password."), _strong_password],
        description="At least 12 characters. A few unrelated words make a strong, memorable password.",
        render_kw={"autocomplete": "new-password", "maxlength": MAX_LENGTH},
    )


def confirm_field(target: str) -> PasswordField:
    return PasswordField(
        "Repeat the password",
        validators=[DataRequired("Repeat the password."), EqualTo(target, "The two passwords do not match.")],
        render_kw={"autocomplete": "new-password"},
    )


class SignUpForm(FlaskForm):
    name = name_field()
    email = email_field()
    password = new_password_field()
    confirm = confirm_field("password")


class SignInForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        "Password", validators=[DataRequired("Enter your password.")], render_kw={"autocomplete": "current-password"}
    )
    remember = BooleanField("Keep me signed in on this device")


class ForgotPasswordForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password = new_password_field("New password")
    confirm = confirm_field("password")


class ProfileForm(FlaskForm):
    name = name_field()
    email = email_field()
    current = PasswordField(
        "Current password",
        description="Needed only to change your email address.",
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )
    password = new_password_field("New password")
    confirm = confirm_field("password")
