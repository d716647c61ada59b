"""Completion, hours and certificates: issued once, stored, verifiable, replaced, revoked, renewed."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import threading
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, update

from courseware import jobs, progress
from courseware.courses import catalog
from courseware.extensions import db
from courseware.models import Certificate, Enrolment, Job, User
from courseware.models.base import utcnow
from tests.conftest import EXAMPLE_COURSES
from tests.helpers import factories
from tests.helpers.evaluation import finish_course, finished
from tests.helpers.html import table_rows
from tests.helpers.seat_time import spend_minutes
from tests.test_quizzes import RIGHT, answer
from tests.test_worksheets import Listener, autosave

COURSE = "/courses/example-course"


def complete(client, course=None) -> None:
    """Read every page, spend the time each module requires, pass the quiz and, when the course asks for
    them, finish it with the evaluation and attestation, over HTTP as a learner does (the seat time is
    written directly: tests/test_seat_time.py feeds it through heartbeats). Where completing the course is
    not what a test is about, ``factories.completed(user)`` sets up the same rows without requests."""
    course = course or catalog().get("example-course")
    for page in course.pages:
        client.get(f"{COURSE}/{page.module.slug}/{page.slug}")
    factories.seat_time(None, course)
    answer(client, RIGHT)
    if course.evaluation is not None and not finished(client, course.slug):
        assert finish_course(client, course.slug).status_code == 302


def certificates() -> list[Certificate]:
    return list(db.session.scalars(select(Certificate).order_by(Certificate.id)))


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def add_setting(folder, text: str) -> None:
    yml = folder / "course.yml"
    yml.write_text(yml.read_text() + text)


# --- completion rules ------------------------------------------------------------------------------


def test_reading_every_page_is_not_enough_while_a_quiz_is_unpassed(learner_client):
    for page in catalog().get("example-course").pages:
        learner_client.get(f"{COURSE}/{page.module.slug}/{page.slug}")
    assert certificates() == []
    answer(learner_client, {**RIGHT, "q-sky": "green", "q-boiling": "false"})  # 50%: not passed
    assert certificates() == []


def test_the_certificate_is_issued_at_the_moment_the_rules_are_met(learner_client, learner):
    complete(learner_client)
    (certificate,) = certificates()
    assert certificate.user_id == learner.id and certificate.learner_name == "Jordan Rivera"
    assert (certificate.course_title, certificate.course_version) == ("Example course", "1.0")
    assert (certificate.hours, certificate.credit_type, certificate.ceu) == (1, "contact hours", 0.1)
    assert (certificate.provider_name, certificate.approval_number) == (
        "Northfield Teacher Learning Center",
        "NTLC-0001",
    )
    assert certificate.expires_at is None
    assert certificate.pdf_sha256 is None  # rendered by a job, not in the request that completed the course
    assert jobs.work().done == 1
    db.session.refresh(certificate)
    assert certificate.pdf_sha256
    assert db.session.scalar(select(Enrolment.completed_at)) is not None
    home = learner_client.get(COURSE).get_data(as_text=True)
    assert "Download my certificate" in home


def test_the_last_page_read_leaves_only_the_evaluation_and_finishing_issues_the_certificate(learner_client):
    course = catalog().get("example-course")
    answer(learner_client, RIGHT)  # the quiz is on the course's last page
    for page in course.pages[1:]:
        learner_client.get(f"{COURSE}/{page.module.slug}/{page.slug}")
    factories.seat_time(None, course)
    assert certificates() == []
    last = course.pages[0]
    html = learner_client.get(f"{COURSE}/{last.module.slug}/{last.slug}").get_data(as_text=True)
    assert certificates() == [] and "Congratulations" not in html  # every rule is met but the last step
    response = finish_course(learner_client)
    assert response.status_code == 302 and response.location == COURSE
    assert len(certificates()) == 1 and "Congratulations" in learner_client.get(COURSE).get_data(as_text=True)


def test_required_worksheets_active_time_and_seat_time(editable, make_user, sign_in):
    app, folder = editable
    add_setting(folder, "  worksheets_required: true\n  active_time: 5\n  min_seat_minutes: 4\n")
    client = app.test_client()
    user = make_user()
    sign_in(client, user)
    for page in catalog().get("example-course").pages:
        client.get(f"{COURSE}/{page.module.slug}/{page.slug}")
    answer(client, RIGHT)
    assert certificates() == []  # worksheets and time are missing
    autosave(client, "plan-title", "Calmer mornings")
    autosave(client, "response", "I will slow down.", worksheet="looking-back")
    assert certificates() == []  # each module's active time is still missing: 1 and 2 minutes
    spend_minutes(client, f"{COURSE}/welcome/getting-started", 1)
    spend_minutes(client, f"{COURSE}/practice/check", 2)
    assert certificates() == []  # both modules' time is spent; the course asks for 4 minutes in all
    spend_minutes(client, f"{COURSE}/practice/check", 1)
    assert certificates() == []  # every rule is met: the evaluation and attestation remain
    finish_course(client)
    (certificate,) = certificates()
    assert certificate.user_id == user.id


def test_a_course_without_credit_completes_without_a_certificate(editable, make_user, sign_in):
    app, folder = editable
    yml = folder / "course.yml"
    yml.write_text(yml.read_text().replace("hours: 1", "hours: 0"))
    client = app.test_client()
    sign_in(client, make_user())
    complete(client)
    assert certificates() == []
    assert db.session.scalar(select(Enrolment.completed_at)) is not None


def test_hours_earned_per_module(learner_client, learner):
    progress_for = progress.progress_for
    course = catalog().get("example-course")
    for page in course.module("welcome").pages:
        learner_client.get(f"{COURSE}/welcome/{page.slug}")
    assert progress_for(learner, course).minutes_earned == 0  # read, but its time is not spent
    factories.seat_time(learner, course)
    assert progress_for(learner, course).minutes_earned == 20
    complete(learner_client)
    assert progress_for(learner, course).minutes_earned == 60
    html = learner_client.get("/transcript").get_data(as_text=True)
    assert ">1</span> hour earned in 1 completed course" in html and "Example course" in html


# --- exactly once ---------------------------------------------------------------------------------


def test_completing_again_issues_nothing_more(learner_client):
    complete(learner_client)
    complete(learner_client)
    assert len(certificates()) == 1


@pytest.mark.postgres_only
def test_concurrent_completions_issue_exactly_one_certificate(app, learner, sign_in):
    """Eight requests complete the course at the same moment; the database keeps one certificate."""
    client = app.test_client()
    sign_in(client, learner)
    complete(client)
    db.session.execute(update(Enrolment).values(completed_at=None))
    db.session.execute(Certificate.__table__.delete())
    db.session.commit()
    barrier = threading.Barrier(8)
    results = []

    def finish():
        with app.app_context():
            from courseware.models import User

            user = db.session.get(User, learner.id)
            barrier.wait()
            outcome = progress.settle(user, catalog().get("example-course"))
            db.session.commit()
            results.append(outcome.certificate)
            db.session.remove()

    threads = [threading.Thread(target=finish) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r is not None for r in results) == 1
    assert db.session.scalar(select(func.count(Certificate.id))) == 1


# --- the PDF ------------------------------------------------------------------------------------


def test_the_pdf_says_what_it_certifies(learner_client, learner):
    factories.completed(learner, pdf=None)  # rendered at the download
    (certificate,) = certificates()
    response = learner_client.get(f"/certificates/{certificate.code}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for expected in [
        "Jordan Rivera",
        "Example course",
        "1 contact hour",
        "Northfield Teacher Learning Center",
    ]:
        assert expected in text, expected
    compact = text.replace(" ", "")
    assert certificate.display_code in compact and f"/verify/{certificate.code}" in compact
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert width > height  # landscape
    assert reader.metadata.title == "Certificate: Example course"
    assert reader.metadata.author == "Northfield Teacher Learning Center"
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_a_redownload_is_byte_identical_after_the_design_changes(editable, make_user, sign_in, tmp_path):
    app, folder = editable
    designs = tmp_path / "designs"
    shutil.copytree(app.config["CERTIFICATES_DIR"], designs)
    app.config["CERTIFICATES_DIR"] = designs
    client = app.test_client()
    user = make_user()
    sign_in(client, user)
    factories.completed(user, pdf=None)
    (certificate,) = certificates()
    first = client.get(f"/certificates/{certificate.code}.pdf").data
    template = designs / "classic" / "template.html"
    template.write_text(template.read_text().replace("Certificate of completion", "A changed design"))
    user.name = "Someone Else"
    db.session.commit()
    (folder / "course.yml").write_text((folder / "course.yml").read_text().replace("Example course", "Renamed course"))
    again = client.get(f"/certificates/{certificate.code}.pdf").data
    assert again == first
    assert "achangeddesign" not in pdf_text(again).replace(" ", "").lower()  # printed in capitals, spaced out


def test_only_the_owner_and_admins_download_a_certificate(app, learner_client, learner, make_user, sign_in):
    certificate = factories.completed(learner)
    assert learner_client.get(f"/certificates/{certificate.code}.pdf").data == factories.STUB_PDF
    other = app.test_client()
    sign_in(other, make_user())
    assert other.get(f"/certificates/{certificate.code}.pdf").status_code == 404
    admin = app.test_client()
    sign_in(admin, make_user(role="admin"))
    assert admin.get(f"/certificates/{certificate.code}.pdf").status_code == 200


HOSTILE = '<img src="http://127.0.0.1:{port}/x"> <a rel="attachment" href="file:///etc/passwd">x</a>'


def test_a_malicious_name_prints_as_text_and_fetches_nothing(app, make_user, sign_in, listener):
    name = HOSTILE.format(port=listener.port)
    user = make_user(name=name)
    client = app.test_client()
    sign_in(client, user)
    factories.completed(user, pdf=None)
    (certificate,) = certificates()
    data = client.get(f"/certificates/{certificate.code}.pdf").data
    text = pdf_text(data)
    assert f"http://127.0.0.1:{listener.port}/x" in text and "file:///etc/passwd" in text
    assert listener.hits == 0
    reader = PdfReader(io.BytesIO(data))
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
    assert b"/EmbeddedFile" not in data


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


@pytest.mark.parametrize(
    "name",
    ["Zoë Ångström-Núñez", "山田 太郎", "محمد عبد الله", "דנה לוי", "A" * 40 + " " + "Very-Long-Name " * 17],
)
def test_names_in_any_script_and_of_any_length_fit_one_page(app, make_user, sign_in, name):
    user = make_user(name=name[:300])
    client = app.test_client()
    sign_in(client, user)
    factories.completed(user, pdf=None)
    (certificate,) = certificates()
    data = client.get(f"/certificates/{certificate.code}.pdf").data
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = pdf_text(data)
    if name.isascii():
        assert name.split()[0] in text
    fonts = set()
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        fonts.add(str(font.get_object()["/BaseFont"]))
    assert not any("Times" in f or "Helvetica" in f for f in fonts), fonts  # bundled fonts only


def test_the_second_design_is_chosen_in_course_yml(editable, make_user, sign_in):
    app, folder = editable
    add_setting(folder, "certificate:\n  design: district\n")
    client = app.test_client()
    user = make_user()
    sign_in(client, user)
    factories.completed(user, pdf=None)
    (certificate,) = certificates()
    assert certificate.design == "district"
    data = client.get(f"/certificates/{certificate.code}.pdf").data
    assert "continuing education" in pdf_text(data).lower()
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert round(float(box.width)) == 842  # A4 landscape


def test_an_unknown_design_is_a_check_error(runner, tmp_path):
    course = tmp_path / "demo"
    shutil.copytree(EXAMPLE_COURSES / "example-course", course)
    add_setting(course, "certificate:\n  design: fancy\n")
    result = runner.invoke(args=["courses", "check", str(course)])
    assert (
        result.exit_code == 1
        and "certificate design 'fancy' does not exist (designs: classic, district)" in result.output
    )


# --- verification ----------------------------------------------------------------------------------


def verify(client, code: str):
    page = client.get(f"/verify/{code}")
    data = client.get(f"/verify/{code}.json")
    return page, data


def test_verify_a_valid_certificate_without_signing_in(app, learner):
    certificate = factories.completed(learner)
    anonymous = app.test_client()
    page, data = verify(anonymous, certificate.code)
    assert page.status_code == 200 and "this certificate is genuine" in page.get_data(as_text=True)
    assert data.json["status"] == "valid" and data.json["name"] == "Jordan Rivera"
    assert data.json["hours"] == 1 and data.json["provider"]["approval_number"] == "NTLC-0001"
    # Codes are accepted as printed, in groups and in any case.
    assert anonymous.get(f"/verify/{certificate.display_code.lower()}").status_code == 200


def test_verify_an_expired_certificate(editable, make_user, sign_in):
    app, folder = editable
    add_setting(folder, "certificate:\n  validity_months: 12\n")
    client = app.test_client()
    user = make_user()
    sign_in(client, user)
    factories.completed(user)
    (certificate,) = certificates()
    assert certificate.expires_at.year == certificate.issued_at.year + 1
    assert verify(client, certificate.code)[1].json["status"] == "valid"
    db.session.execute(update(Certificate).values(expires_at=utcnow() - timedelta(days=1)))
    db.session.commit()
    page, data = verify(client, certificate.code)
    assert data.json["status"] == "expired" and "expired on" in page.get_data(as_text=True)


def test_a_corrected_name_gives_a_replacement(learner_client, learner):
    factories.completed(learner)
    (old,) = certificates()
    response = learner_client.submit(
        "/account", {"form": "profile", "profile-name": "Jordan A. Rivera", "profile-email": learner.email}
    )
    assert response.status_code == 302
    assert len(certificates()) == 1  # the replacement is issued by a job, moments later
    jobs.work()
    db.session.expire_all()
    old, new = certificates()
    assert new.learner_name == "Jordan A. Rivera" and new.replaces_id == old.id and old.replaced_by_id == new.id
    assert new.code != old.code and new.completed_at == old.completed_at
    _, data = verify(learner_client, old.code)
    assert data.json["status"] == "replaced" and data.json["replaced_by"] == new.display_code
    assert verify(learner_client, new.code)[1].json["status"] == "valid"
    text = pdf_text(learner_client.get(f"/certificates/{new.code}.pdf").data)
    assert "Replacement" in text and old.display_code in text and "Jordan A. Rivera" in text


@pytest.mark.postgres_only
def test_concurrent_name_changes_leave_one_current_certificate(app, learner_client, learner):
    """Eight name changes arrive at once and their replacements are issued by workers running at once:
    no request fails, one certificate per course and cycle stays current, the transcript counts it once."""
    factories.completed(learner)
    html = learner_client.get("/account").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    cookie = learner_client.get_cookie("session").value
    barrier = threading.Barrier(8)
    statuses: list[int] = []

    def rename(n: int) -> None:
        with app.app_context():
            client = app.test_client()
            client.set_cookie("session", cookie)
            form = {"form": "profile", "profile-name": f"Jordan Rivera {n}", "profile-email": learner.email}
            barrier.wait()
            statuses.append(client.post("/account", data={**form, "csrf_token": token}).status_code)
            db.session.remove()

    threads = [threading.Thread(target=rename, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [302] * 8
    workers = threading.Barrier(4)
    failures: list[BaseException] = []

    def work() -> None:
        try:
            with app.app_context():
                workers.wait()
                while jobs.work(limit=1).processed:
                    pass
                db.session.remove()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Job.id)).where(Job.status != "done")) == 0
    current = db.session.scalars(select(Certificate).where(Certificate.replaced_by_id.is_(None))).all()
    (certificate,) = current
    assert certificate.learner_name == db.session.get(User, learner.id).name
    chain = {c.replaces_id for c in certificates() if c.replaces_id}
    assert len(chain) == len(certificates()) - 1  # each replacement replaces a different certificate
    transcript = learner_client.get("/transcript").get_data(as_text=True)
    summary = f">{certificate.hours:g}</span> hour{'s' if certificate.hours != 1 else ''} earned in 1 completed course<"
    assert summary in transcript


def test_an_admin_revokes_a_certificate_with_a_reason(app, learner_client, learner, make_user, sign_in):
    factories.completed(learner)
    (certificate,) = certificates()
    admin = app.test_client()
    sign_in(admin, make_user(role="admin"))
    page = admin.get(f"/admin/certificates?q={certificate.display_code}").get_data(as_text=True)
    assert "Jordan Rivera" in page
    response = admin.submit(f"/admin/certificates/{certificate.id}/revoke", {"reason": ""}, page="/admin/certificates")
    assert db.session.get(Certificate, certificate.id).revoked_at is None
    response = admin.submit(
        f"/admin/certificates/{certificate.id}/revoke", {"reason": "Issued in error"}, page="/admin/certificates"
    )
    assert db.session.get(Certificate, certificate.id).revoked_at is None  # not confirmed: nothing changes
    assert "revoking cannot be undone" in admin.get(response.location).get_data(as_text=True)
    response = admin.submit(
        f"/admin/certificates/{certificate.id}/revoke",
        {"reason": "Issued in error", "confirm": "yes"},
        page="/admin/certificates",
    )
    assert response.status_code == 302
    page, data = verify(admin, certificate.code)
    assert data.json["status"] == "revoked" and data.json["revoked_reason"] == "Issued in error"
    assert "Issued in error" in page.get_data(as_text=True)
    assert (
        learner_client.submit(f"/admin/certificates/{certificate.id}/revoke", {"reason": "x"}, page="/").status_code
        == 403
    )


def test_a_revoked_certificate_shows_as_revoked_to_the_learner(learner_client, learner):
    factories.completed(learner)
    (certificate,) = certificates()
    from courseware.certificates import services as certificate_services

    certificate_services.revoke(certificate, "Issued in error")
    home = learner_client.get(COURSE).get_data(as_text=True)
    assert "Your certificate was revoked" in home and "Issued in error" in home
    assert "Download my certificate" not in home and "Course completed" not in home
    transcript = learner_client.get("/transcript").get_data(as_text=True)
    assert "Revoked" in transcript and ">0</span> hours earned in 0 completed courses" in transcript


def test_an_unknown_code_is_a_friendly_404(client):
    page, data = verify(client, "AAAA-BBBB")
    assert page.status_code == 404 and "No certificate has this code" in page.get_data(as_text=True)
    assert data.status_code == 404 and data.json["error"]
    assert client.get("/verify/" + "A" * 32).status_code == 404


def test_verification_is_rate_limited(make_app):
    app = make_app(VERIFY_RATE_LIMIT="3 per minute")
    with app.app_context():
        client = app.test_client()
        codes = [client.get("/verify/" + "B" * 32).status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]


# --- transcript and renewal ------------------------------------------------------------------------------


def test_transcript_csv_and_pdf(learner_client, learner):
    factories.completed(learner)
    (certificate,) = certificates()
    csv = learner_client.get("/transcript.csv")
    assert csv.data.startswith("\ufeff".encode())
    text = csv.data.decode("utf-8-sig")
    assert "Example course" in text and certificate.display_code in text and ",1,contact hours,0.1," in text
    text = pdf_text(learner_client.get("/transcript.pdf").data)
    assert "Example course" in text and certificate.display_code in text.replace(" ", "")


def test_renewal_opens_a_new_cycle_and_keeps_the_history(editable, make_user, sign_in):
    app, folder = editable
    add_setting(folder, "certificate:\n  validity_months: 12\n")
    client = app.test_client()
    user = make_user()
    sign_in(client, user)
    factories.completed(user)
    assert client.submit(f"{COURSE}/renew", page=COURSE).status_code == 302
    assert db.session.scalar(select(func.count(Enrolment.id))) == 1  # not yet: the certificate is current
    a_year_ago = utcnow() - timedelta(days=367)  # the clock moves on: the completion has lapsed
    db.session.execute(update(Enrolment).values(completed_at=a_year_ago))
    db.session.execute(update(Certificate).values(completed_at=a_year_ago, expires_at=utcnow() - timedelta(days=1)))
    db.session.commit()
    assert "Renew" in client.get(COURSE).get_data(as_text=True)
    client.submit(f"{COURSE}/renew", page=COURSE)
    assert sorted(db.session.scalars(select(Enrolment.cycle))) == [1, 2]
    home = client.get(COURSE).get_data(as_text=True)
    assert "0 of 5 pages read" in home or "Start the course" in home
    complete(client)
    first, second = certificates()
    assert (first.cycle, second.cycle) == (1, 2)
    transcript = client.get("/transcript").get_data(as_text=True)
    assert "cycle 2" in transcript and ">2</span> hours earned" in transcript


def test_pdf_page_renders_to_png(learner_client, learner, tmp_path):
    """pdftoppm turns page 1 into a picture (kept out of the repo) for a person to look at."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    factories.completed(learner, pdf=None)
    (certificate,) = certificates()
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(learner_client.get(f"/certificates/{certificate.code}.pdf").data)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    assert (tmp_path / "page-1.png").stat().st_size > 10_000


# --- the hours ledger --------------------------------------------------------------------------------


def test_the_transcript_holds_an_hours_ledger_module_by_module(learner_client, learner):
    course = catalog().get("example-course")
    for page in course.module("welcome").pages:
        learner_client.get(f"{COURSE}/welcome/{page.slug}")
    factories.seat_time(learner, course)  # 16 minutes on the two pages of text of the welcome module
    html = learner_client.get("/transcript").get_data(as_text=True)
    assert "Hours ledger" in html and "In progress." in html
    assert "0.33 of 1 hour of credit earned" in html
    rows = {row[0]: row for row in table_rows(html, "Hours ledger of Example course, module by module")}
    assert rows["Welcome"] == ["Welcome", "20 min", "16 min", "16 min", "0 min", "0 min", "16 min", "0.33 h Done"]
    assert rows["Practice"][1:3] == ["40 min", "32 min"] and rows["Practice"][6] == "0 min (32 to go)"
    data = learner_client.get("/transcript/ledger.csv").get_data(as_text=True).lstrip("\ufeff")
    header, *lines = list(csv.reader(io.StringIO(data)))
    welcome = dict(zip(header, lines[0], strict=True))
    assert welcome["Module"] == "Welcome" and welcome["Minutes recorded"] == "16"
    assert welcome["Credit earned (hours)"] == "0.33" and welcome["Module done"] == "yes"
    assert pdf_text(learner_client.get("/transcript.pdf").data).count("Welcome") == 1


def test_the_ledger_is_the_learners_own(app, learner_client, learner, make_user, sign_in):
    factories.completed(learner)
    other = app.test_client()
    sign_in(other, make_user(name="Sam Other"))
    html = other.get("/transcript").get_data(as_text=True)
    assert "You have not started a course yet." in html and "Example course" not in html
    assert "Jordan" not in other.get("/transcript/ledger.csv").get_data(as_text=True)
    assert learner_client.get("/transcript/ledger.csv").status_code == 200
    assert app.test_client().get("/transcript/ledger.csv").status_code == 302  # signed out: sign in first
