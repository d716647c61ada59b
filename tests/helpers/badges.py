"""Open Badges test setup shared by the credential tests and the independent verifier's."""

from __future__ import annotations

import pytest

from courseware.badges import keys


@pytest.fixture
def issuer_key(app, tmp_path):
    """The app with an issuer key of its own for the test."""
    path = tmp_path / "issuer.key"
    keys.generate_key_file(path)
    before = app.extensions[keys.EXTENSION]
    app.config["BADGES_KEY_FILE"] = str(path)
    keys.init_app(app)
    yield path
    app.extensions[keys.EXTENSION] = before
