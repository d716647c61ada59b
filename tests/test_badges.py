"""Open Badges 3.0 credentials: issued with each certificate, signed, baked, revoked and checked."""

from __future__ import annotations

import copy
import hashlib
import io
import json
import stat
import struct
import time
import zlib
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image
from sqlalchemy import update

from courseware.badges import baking, checks, credentials, keys, proofs, status
from courseware.extensions import db
from courseware.models import Certificate, User
from courseware.models.base import utcnow
from tests.helpers import factories
from tests.helpers.client import sign_in_directly
from tests.helpers.html import parse


@pytest.fixture
def certificate(app, learner):
    return factories.certificate(
        learner, credit_profile="iacet-ceu", credit_name="IACET CEUs", credit_amount=0.1, credit_unit="CEUs"
    )


def credential_of(client, certificate: Certificate, kind: str = "json"):
    """The certificate's credential, downloaded by its learner (the client signs in as them)."""
    sign_in_directly(client, db.session.get(User, certificate.user_id))
    return client.get(f"/badges/credentials/{certificate.code}.{kind}")


def check(client, text: str | None = None, upload: tuple[bytes, str] | None = None):
    """POST the check form: pasted text, or a file; the page's text."""
    data: dict = {"credential": text or ""}
    if upload is not None:
        data["file"] = (io.BytesIO(upload[0]), upload[1])
    response = client.submit("/verify", data, page="/verify", content_type="multipart/form-data")
    assert response.status_code == 200
    return " ".join(parse(response).select_one("main").get_text(" ").split())


def revoke(certificate: Certificate, reason: str = "Issued in error") -> None:
    db.session.execute(
        update(Certificate).where(Certificate.id == certificate.id).values(revoked_at=utcnow(), revoked_reason=reason)
    )
    db.session.commit()


# --- the credential ---------------------------------------------------------------------------------


def test_the_credential_describes_the_certificate(client, issuer_key, certificate, learner):
    response = credential_of(client, certificate)
    assert response.status_code == 200 and response.content_type == "application/ld+json"
    assert "attachment" in response.headers["Content-Disposition"]
    credential = response.get_json()
    assert credential["@context"] == [proofs.CREDENTIALS_V2, proofs.OPEN_BADGES_V3]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"] == f"http://localhost/badges/credentials/{certificate.code}.json"
    assert credential["issuer"] == {
        "id": "http://localhost/badges/issuer",
        "type": ["Profile"],
        "name": "Courseware",
        "url": "http://localhost/",
    }
    subject = credential["credentialSubject"]
    provider = subject["achievement"]["creator"]
    assert provider["id"].startswith("urn:uuid:") and provider["type"] == ["Profile"]
    assert provider["name"] == certificate.provider_name == "Northfield Teacher Learning Center"
    assert provider["otherIdentifier"][0]["identifier"] == "NTLC-0001"
    assert certificate.provider_contact in provider["description"]
    assert subject["creditsEarned"] == 1 and subject["achievement"]["creditsAvailable"] == 1
    assert subject["achievement"]["name"] == "Example course"
    assert subject["achievement"]["achievementType"] == "Course"
    assert "every page of every module" in subject["achievement"]["criteria"]["narrative"]
    assert subject["achievement"]["resultDescription"][0]["name"] == "IACET CEUs"
    assert subject["result"][0]["value"] == "0.1 CEUs"
    email, name = subject["identifier"]
    salted = hashlib.sha256((learner.email + email["salt"]).encode()).hexdigest()
    assert email["identityHash"] == f"sha256${salted}" and email["hashed"] is True
    assert name == {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": "Jordan Rivera"}
    assert credential["validFrom"].endswith("Z") and "validUntil" not in credential
    assert credential["credentialStatus"]["statusListIndex"] == str(certificate.id)
    proof = credential["proof"]
    assert (proof["type"], proof["cryptosuite"], proof["proofPurpose"]) == (
        "DataIntegrityProof",
        "eddsa-rdfc-2022",
        "assertionMethod",
    )
    assert proof["verificationMethod"] == "http://localhost/badges/issuer/keys/1"
    assert proof["proofValue"].startswith("z") and len(proofs.base58_decode(proof["proofValue"][1:])) == 64


def test_an_expiring_certificate_gives_valid_until(client, issuer_key, learner):
    expires = utcnow() + timedelta(days=365)
    certificate = factories.certificate(learner, expires_at=expires)
    credential = credential_of(client, certificate).get_json()
    assert credential["validUntil"] == expires.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def test_the_same_certificate_gives_the_same_credential(client, issuer_key, certificate):
    assert credential_of(client, certificate).data == credential_of(client, certificate).data


def test_the_issuer_and_its_key_are_published(client, issuer_key):
    key = client.get("/badges/issuer/keys/1")
    assert key.status_code == 200 and key.content_type == "application/ld+json"
    method = key.get_json()
    assert method["type"] == "Multikey" and method["controller"] == "http://localhost/badges/issuer"
    assert method["publicKeyMultibase"].startswith("z6Mk")
    issuer = client.get("/badges/issuer").get_json()
    assert issuer["assertionMethod"] == ["http://localhost/badges/issuer/keys/1"]
    assert issuer["verificationMethod"][0]["publicKeyMultibase"] == method["publicKeyMultibase"]
    assert client.get("/badges/issuer/keys/2").status_code == 404


def test_without_a_key_the_site_works_and_offers_no_credentials(client, certificate, learner, sign_in):
    assert credential_of(client, certificate).status_code == 404
    assert client.get("/badges/issuer/keys/1").status_code == 404
    assert client.get("/badges/status/0").status_code == 404
    assert "assertionMethod" not in client.get("/badges/issuer").get_json()
    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Open Badges" not in page
    assert "issues no Open Badges credentials" in client.get("/verify").get_data(as_text=True)
    sign_in(client, learner)
    assert "badge" not in client.get("/courses/example-course").get_data(as_text=True).lower()


def test_the_learners_course_page_links_to_the_credential_and_the_public_page_does_not(
    client, issuer_key, certificate, learner, sign_in
):
    links = {a["href"] for a in parse(client.get(f"/verify/{certificate.code}")).select("a")}
    assert "/verify" in links and not [link for link in links if link.startswith("/badges/credentials/")]
    sign_in(client, learner)
    factories.enrolment(learner, pages=None)
    links = {a["href"] for a in parse(client.get("/courses/example-course")).select("a")}
    assert {f"/badges/credentials/{certificate.code}.{kind}" for kind in ("json", "png", "svg")} <= links


@pytest.mark.parametrize("kind", ["json", "png", "svg"])
def test_only_the_learner_or_an_admin_downloads_a_credential(client, issuer_key, certificate, make_user, kind):
    """It carries the learner's email hash and its salt: the printed code alone does not give it."""
    url = f"/badges/credentials/{certificate.code}.{kind}"
    assert client.get(url).status_code in (302, 401)
    sign_in_directly(client, make_user(email="other@example.org"))
    assert client.get(url).status_code == 404
    sign_in_directly(client, make_user(email="ada@example.org", role="admin"))
    response = client.get(url)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="badge-example-course-{certificate.code[:8].lower()}.{kind}"'
    )
    assert credential_of(client, certificate, kind).data == response.data  # the learner's own


# --- proofs, keys and status lists ------------------------------------------------------------------


def test_a_proof_covers_every_value_and_names_its_key():
    key = Ed25519PrivateKey.generate()
    document = {"@context": [proofs.CREDENTIALS_V2], "type": ["VerifiableCredential"], "issuer": "https://a.test/i",
                "credentialSubject": {"id": "https://a.test/s"}}  # fmt: skip
    signed = proofs.sign(document, key, "https://a.test/k", "2026-01-01T00:00:00Z")
    assert proofs.verify(signed, {"https://a.test/k": key.public_key()}).verification_method == "https://a.test/k"
    changed = json.loads(json.dumps(signed))
    changed["issuer"] = "https://b.test/i"
    with pytest.raises(proofs.ProofProblem, match="does not match its content"):
        proofs.verify(changed, {"https://a.test/k": key.public_key()})
    with pytest.raises(proofs.ProofProblem, match="key this site does not hold"):
        proofs.verify(signed, {"https://a.test/other": key.public_key()})
    with pytest.raises(proofs.ProofProblem, match="does not match"):
        proofs.verify(signed, {"https://a.test/k": Ed25519PrivateKey.generate().public_key()})


def test_only_the_bundled_contexts_are_loaded():
    with pytest.raises(proofs.ProofProblem, match="context this site does not know"):
        proofs.canonical({"@context": "https://evil.test/context.json", "name": "x"})
    with pytest.raises(Exception, match="not one this site knows"):
        proofs.load_document("https://www.w3.org/2018/credentials/v1")
    scoped = {
        "@context": [proofs.CREDENTIALS_V2, {"x": {"@id": "https://evil.test/x", "@context": "https://evil.test/c"}}]
    }
    with pytest.raises(proofs.ProofProblem):
        proofs.canonical({**scoped, "x": {"a": 1}})


def test_base58_and_multikey_round_trip():
    for data in (b"", b"\0\0\1", bytes(range(40))):
        assert proofs.base58_decode(proofs.base58_encode(data)) == data
    public = Ed25519PrivateKey.generate().public_key()
    text = proofs.public_key_multibase(public)
    assert text.startswith("z6Mk") and proofs.public_key_from_multibase(text) == public


def test_generate_key_writes_a_private_file_and_never_overwrites(tmp_path, runner):
    path = tmp_path / "issuer.key"
    result = runner.invoke(args=["badges", "generate-key", str(path)])
    assert result.exit_code == 0 and "z6Mk" in result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    before = path.read_bytes()
    result = runner.invoke(args=["badges", "generate-key", str(path)])
    assert result.exit_code != 0 and "never overwritten" in result.output and path.read_bytes() == before
    result = runner.invoke(args=["badges", "generate-key", "--if-missing", str(path)])
    assert result.exit_code == 0 and path.read_bytes() == before
    assert keys.read_key(str(path)).key is not None


def test_check_says_whether_credentials_are_offered(runner, app, tmp_path):
    result = runner.invoke(args=["badges", "check"])
    assert result.exit_code != 0 and "BADGES_KEY_FILE" in result.output
    (tmp_path / "bad.key").write_text("not a key")
    assert "not an unencrypted PEM private key" in (keys.read_key(str(tmp_path / "bad.key")).problem or "")
    assert "cannot be read" in (keys.read_key(str(tmp_path / "missing.key")).problem or "")


def test_the_check_command_names_the_key(runner, issuer_key):
    result = runner.invoke(args=["badges", "check"])
    assert result.exit_code == 0 and "z6Mk" in result.output


def test_the_status_list_sets_the_bit_of_each_revoked_certificate(client, issuer_key, learner):
    first, second = factories.certificate(learner), factories.certificate(learner, cycle=2)
    revoke(second)
    response = client.get("/badges/status/0")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache"
    document = response.get_json()
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    encoded = document["credentialSubject"]["encodedList"]
    assert not status.is_set(encoded, first.id) and status.is_set(encoded, second.id)
    public = keys.read_key(str(issuer_key)).public_key
    assert proofs.verify(document, {"http://localhost/badges/issuer/keys/1": public})
    assert client.get(f"/badges/status/{status.LAST_LIST + 1}").status_code == 404


# --- baked images -----------------------------------------------------------------------------------


def test_the_badge_images_carry_the_credential(client, issuer_key, certificate):
    credential = credential_of(client, certificate).get_json()
    png = credential_of(client, certificate, "png")
    assert png.content_type == "image/png"
    image = Image.open(io.BytesIO(png.data))
    image.load()
    assert image.size == (400, 400) and json.loads(image.text["openbadgecredential"]) == credential
    assert json.loads(baking.from_png(png.data)) == credential
    svg = credential_of(client, certificate, "svg")
    assert svg.content_type == "image/svg+xml"
    assert b"<openbadges:credential>" in svg.data
    assert b'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in svg.data
    assert json.loads(baking.from_svg(svg.data.decode())) == credential


def test_a_closing_cdata_in_a_name_cannot_break_the_svg(client, issuer_key, learner):
    certificate = factories.certificate(learner, learner_name="Ana ]]> <b>Alvarez</b>")
    svg = credential_of(client, certificate, "svg").data.decode()
    assert json.loads(baking.from_svg(svg)) == credential_of(client, certificate).get_json()


# --- checking a credential --------------------------------------------------------------------------


def test_a_pasted_credential_is_genuine(client, issuer_key, certificate):
    text = check(client, credential_of(client, certificate).get_data(as_text=True))
    assert "Genuine" in text and "Signed with this site's key" in text and "Jordan Rivera" in text
    assert certificate.display_code in text


def test_an_uploaded_badge_image_is_checked(client, issuer_key, certificate):
    for kind in ("png", "svg"):
        text = check(client, upload=(credential_of(client, certificate, kind).data, f"badge.{kind}"))
        assert "Genuine" in text, kind


def test_a_tampered_credential_is_not_genuine(client, issuer_key, certificate):
    credential = credential_of(client, certificate).get_json()
    credential["credentialSubject"]["creditsEarned"] = 40
    text = check(client, json.dumps(credential))
    assert "Not genuine" in text and "changed since it was issued" in text
    assert "Hours" not in text  # nothing from a credential that fails is shown as a fact


def test_dates_and_revocation_come_from_the_certificate_not_the_submitted_json(client, issuer_key, learner):
    """Moving validUntil into an @included node keeps the canonical form; the check never reads it."""
    past = utcnow() - timedelta(days=800)
    expired = factories.certificate(learner, at=past, expires_at=past + timedelta(days=365))
    credential = credential_of(client, expired).get_json()
    moved = copy.deepcopy(credential)
    moved["@included"] = [{"id": moved["id"], "type": "VerifiableCredential", "validUntil": moved.pop("validUntil")}]
    text = check(client, json.dumps(moved))
    assert "Genuine" not in text and "JSON-LD keyword “@included”" in text
    dropped = {k: v for k, v in credential.items() if k != "validUntil"}
    assert "Genuine" not in check(client, json.dumps(dropped))
    later = {**credential, "validUntil": "2999-01-01T00:00:00Z"}
    assert "Genuine" not in check(client, json.dumps(later))


def test_submitted_json_ld_is_never_canonicalized(client, issuer_key, certificate, monkeypatch):
    """The signature is checked over the credential this site builds, so a crafted document (here blank
    nodes that take pyld minutes to canonicalize) costs nothing."""
    credential = credential_of(client, certificate).get_json()
    canonicalized = []
    real = proofs.canonical
    monkeypatch.setattr(proofs, "canonical", lambda document: canonicalized.append(document) or real(document))
    nodes = [{"id": f"_:b{i}", "https://example.org/p": [{"id": f"_:b{j}"} for j in range(7) if j != i]}
             for i in range(7)]  # fmt: skip
    crafted = copy.deepcopy(credential)
    crafted["credentialSubject"]["https://example.org/q"] = nodes
    started = time.monotonic()
    text = check(client, json.dumps(crafted))
    assert "changed since it was issued" in text and time.monotonic() - started < 5
    assert canonicalized == []
    assert "Genuine" in check(client, json.dumps(credential))
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    assert canonicalized and all(d == unsigned or "verificationMethod" in d for d in canonicalized)


def test_a_revoked_replacement_revokes_the_credential_it_replaced(client, issuer_key, learner):
    """A corrected name keeps the first credential valid; revoking the correction revokes both."""
    first = factories.certificate(learner)
    text = credential_of(client, first).get_data(as_text=True)
    second = factories.certificate(learner, generation=1, learner_name="Jordan A. Rivera")
    third = factories.certificate(learner, generation=2, learner_name="Jordan B. Rivera")
    links = [(second, first), (third, second)]
    for new, old in links:
        db.session.execute(update(Certificate).where(Certificate.id == new.id).values(replaces_id=old.id))
        db.session.execute(update(Certificate).where(Certificate.id == old.id).values(replaced_by_id=new.id))
    db.session.commit()
    db.session.expire_all()
    assert "Genuine" in check(client, text) and "replaced by a corrected one" in check(client, text)
    assert status.revoked_indexes(0) == []
    revoke(third, "Attendance not verified")
    assert status.revoked_indexes(0) == [first.id, second.id, third.id]
    verdict = check(client, text)
    assert "Revoked" in verdict and "Attendance not verified" in verdict and third.display_code in verdict
    encoded = client.get("/badges/status/0").get_json()["credentialSubject"]["encodedList"]
    assert status.is_set(encoded, first.id) and status.is_set(encoded, second.id)
    other = factories.certificate(learner, cycle=2)
    assert not status.is_set(encoded, other.id)


def test_the_credential_is_built_the_same_way_as_before(app, issuer_key, certificate, learner):
    """The check compares a submission with the credential as built now: changing what is built makes
    every credential downloaded before fail the check. If this fails, the change must be deliberate and
    documented in docs/badges.md (What a verifier checks)."""

    def paths(value, prefix=""):
        if isinstance(value, dict):
            return {p for key, item in value.items() for p in paths(item, f"{prefix}/{key}")}
        if isinstance(value, list):
            return {p for item in value for p in paths(item, f"{prefix}[]")}
        return {prefix}

    with app.test_request_context():
        built = credentials.unsigned_credential(certificate, learner)
    subject, achievement = "/credentialSubject", "/credentialSubject/achievement"
    assert paths(built) == {
        "/@context[]", "/id", "/type[]", "/name", "/description", "/validFrom",
        "/issuer/id", "/issuer/type[]", "/issuer/name", "/issuer/url",
        *(f"/credentialStatus/{k}" for k in ("id", "type", "statusPurpose", "statusListIndex", "statusListCredential")),
        f"{subject}/type[]", f"{subject}/activityEndDate", f"{subject}/creditsEarned",
        *(f"{subject}/identifier[]/{k}" for k in ("type", "identityType", "hashed", "identityHash", "salt")),
        *(f"{subject}/result[]/{k}" for k in ("type[]", "resultDescription", "value")),
        *(f"{achievement}/{k}" for k in ("id", "type[]", "achievementType", "name", "description",
                                         "criteria/narrative", "creditsAvailable", "humanCode", "version")),
        *(f"{achievement}/resultDescription[]/{k}" for k in ("id", "type[]", "name", "resultType")),
        *(f"{achievement}/creator/{k}" for k in ("id", "type[]", "name", "description")),
        *(f"{achievement}/creator/otherIdentifier[]/{k}" for k in ("type", "identifier", "identifierType")),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ("{not json", "Not JSON"),
        ("[1, 2]", "A credential is a JSON object"),
        ('{"type": ["VerifiableCredential"]}', "not an Open Badges credential"),
        ("", "Nothing to check"),
        ("x" * (checks.MAX_BYTES + 10), "Too large"),
        ('{"type": ["VerifiableCredential", {}]}', "not an Open Badges credential"),
        ('{"type": [["VerifiableCredential"]], "id": 1}', "not an Open Badges credential"),
        ('"a credential"', "A credential is a JSON object"),
        ("12", "A credential is a JSON object"),
        ("null", "A credential is a JSON object"),
        ('{"id": ' + "9" * 5000 + "}", "a number far longer"),
        ('{"x": 1e999999, "type": ["VerifiableCredential", "OpenBadgeCredential"]}', "names no credential issued"),
        ('{"a": ' + "[" * 600 + "]" * 600 + "}", "nested far deeper"),
        ('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested far deeper"),
        ('{"a": {"@id": "x"}, "type": ["VerifiableCredential", "OpenBadgeCredential"]}', "keyword “@id”"),
    ],
)
def test_bad_input_gets_a_clear_message(client, issuer_key, sent, expected):
    assert expected in check(client, sent)


def test_a_credential_reshaped_by_hand_gets_a_clear_message(client, issuer_key, certificate):
    """Each of these raised an error (a 500) before: the check reads nothing it did not build itself."""
    credential = credential_of(client, certificate).get_json()
    as_list = copy.deepcopy(credential)
    as_list["credentialSubject"] = [as_list["credentialSubject"]]
    achievement_list = copy.deepcopy(credential)
    achievement_list["credentialSubject"]["achievement"] = [achievement_list["credentialSubject"]["achievement"]]
    deep = copy.deepcopy(credential)
    nested: object = "leaf"
    for _ in range(600):
        nested = {"achievement": nested}
    deep["credentialSubject"]["https://example.org/deep"] = nested
    for sent in (as_list, achievement_list):
        assert "changed since it was issued" in check(client, json.dumps(sent))
    assert "nested far deeper" in check(client, json.dumps(deep))
    odd_proof = {**credential, "proof": {**credential["proof"], "nonce": {"id": "_:b0"}}}
    assert "fields that this site's proofs never have" in check(client, json.dumps(odd_proof))
    assert "Genuine" in check(client, json.dumps({**credential, "proof": [credential["proof"]]}))


def test_a_png_that_inflates_beyond_the_limit_is_refused():
    text = baking.PNG_KEYWORD + b"\0\1\0\0\0" + zlib.compress(b" " * (baking.MAX_BYTES + 1))
    chunk = struct.pack(">I", len(text)) + b"iTXt" + text + struct.pack(">I", zlib.crc32(b"iTXt" + text))
    with pytest.raises(baking.NotBaked, match="too large"):
        baking.from_png(baking.PNG_SIGNATURE + chunk)
    text = baking.PNG_KEYWORD + b"\0\1\0\0\0" + zlib.compress(b"{}")
    chunk = struct.pack(">I", len(text)) + b"iTXt" + text + struct.pack(">I", zlib.crc32(b"iTXt" + text))
    assert baking.from_png(baking.PNG_SIGNATURE + chunk) == "{}"


def test_a_credential_from_another_key_or_with_a_bad_proof_is_refused(client, issuer_key, certificate):
    credential = credential_of(client, certificate).get_json()
    other = proofs.sign({k: v for k, v in credential.items() if k != "proof"}, Ed25519PrivateKey.generate(),
                        "https://elsewhere.test/key", "2026-01-01T00:00:00Z")  # fmt: skip
    assert "key this site does not hold" in check(client, json.dumps(other))
    credential["proof"]["proofValue"] = "z0OIl"
    assert "not valid base58" in check(client, json.dumps(credential))
    del credential["proof"]
    assert "It has no proof" in check(client, json.dumps(credential))


def test_a_revoked_or_expired_credential_says_so(client, issuer_key, learner):
    revoked = factories.certificate(learner)
    text = credential_of(client, revoked).get_data(as_text=True)
    revoke(revoked, "Attendance not verified")
    assert "Revoked" in check(client, text) and "Attendance not verified" in check(client, text)
    past = utcnow() - timedelta(days=800)
    expired = factories.certificate(learner, cycle=2, at=past, expires_at=past + timedelta(days=365))
    assert "Expired" in check(client, credential_of(client, expired).get_data(as_text=True))


def test_the_check_is_rate_limited(make_app, tmp_path, learner):
    path = tmp_path / "issuer.key"
    keys.generate_key_file(path)
    app = make_app(VERIFY_RATE_LIMIT="2 per minute", BADGES_KEY_FILE=str(path))
    with app.app_context():
        client = app.test_client()
        token = client.csrf_token("/verify")
        codes = [client.post("/verify", data={"csrf_token": token, "credential": "{}"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


@pytest.mark.parametrize("role", [None, "learner", "leader", "admin"])
def test_the_check_page_is_open_to_everyone(client, issuer_key, make_user, sign_in, role):
    if role:
        sign_in(client, make_user(email=f"{role}@example.org", role=role))
    response = client.get("/verify")
    assert response.status_code == 200 and "Check a credential" in response.get_data(as_text=True)


def test_the_admin_certificates_page_says_whether_credentials_are_offered(app, client, make_user, sign_in, tmp_path):
    sign_in(client, make_user(email="ada@example.org", role="admin"))
    assert "credentials are not offered" in client.get("/admin/certificates").get_data(as_text=True)
    path = tmp_path / "issuer.key"
    keys.generate_key_file(path)
    before = app.extensions[keys.EXTENSION]
    app.config["BADGES_KEY_FILE"] = str(path)
    keys.init_app(app)
    try:
        page = client.get("/admin/certificates").get_data(as_text=True)
    finally:
        app.extensions[keys.EXTENSION] = before
    assert "credentials are offered with every certificate" in page and keys.read_key(str(path)).multibase in page
