"""Open Badges 3.0: each certificate as a signed OpenBadgeCredential, its issuer, revocation and checking."""

from __future__ import annotations

from flask import Flask

from courseware.badges import keys


def init_app(app: Flask) -> None:
    """Read the issuer's key, and tell every template whether credentials are offered."""
    keys.init_app(app)
    app.add_template_global(keys.offered, "badges_offered")
    app.add_template_global(keys.key_state, "badges_key_state")
