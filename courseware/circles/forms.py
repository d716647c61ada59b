from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from courseware.circles.render import BODY_MAX
from courseware.text import CleanText

LONG_POST = f"A post can be at most {BODY_MAX:,} characters long; shorten it, or split it into two posts."


def _body_field(label: str) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            CleanText(multiline=True),
            DataRequired("Write something before you post."),
            Length(max=BODY_MAX, message=LONG_POST),
        ],
        description="Blank lines separate paragraphs; **bold**, *italic* and [links](https://example.org) work.",
    )


class PostForm(FlaskForm):
    """A new thread, or (with ``parent``) a reply to one."""

    body = _body_field("Your post")
    parent = HiddenField()


class EditForm(FlaskForm):
    body = _body_field("Your post")


class HideForm(FlaskForm):
    reason = StringField(
        "Reason",
        validators=[
            CleanText(),
            DataRequired("Say why the post is hidden: its author reads it."),
            Length(max=500, message="Use at most 500 characters."),
        ],
        description="Its author and the cohort's leaders see it.",
    )


class ReportForm(FlaskForm):
    note = StringField(
        "What is wrong with it (optional)",
        validators=[CleanText(), Optional(), Length(max=1000, message="Use at most 1,000 characters.")],
    )


class ConfirmForm(FlaskForm):
    """A button with nothing to fill in: deleting, unhiding, locking, the digest setting."""
