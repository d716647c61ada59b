"""The form of the credential check: a pasted credential, or a file."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import TextAreaField


class CheckForm(FlaskForm):
    credential = TextAreaField(
        "Paste a credential",
        description="The credential's JSON, as downloaded (it starts with “{”).",
        render_kw={"rows": 8, "spellcheck": "false", "autocomplete": "off"},
    )
    file = FileField(
        "Or choose a file",
        description="A credential as JSON, or a badge image (PNG or SVG) with its credential baked in.",
        render_kw={"accept": ".json,.jsonld,.png,.svg,application/json,image/png,image/svg+xml"},
    )

    def sent(self, limit: int) -> bytes:
        """What was sent, at most ``limit`` + 1 bytes: the file if one was chosen, else the pasted text."""
        upload = self.file.data
        if upload is not None and getattr(upload, "filename", None):
            return upload.stream.read(limit + 1)
        return (self.credential.data or "").encode()[: limit + 1]
