"""The reference course in modules/: well-formed, fully explained, and completable to a certificate."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from sqlalchemy import select

from courseware import progress
from courseware.courses import catalog, compile_course
from courseware.demo import demo_provider
from courseware.extensions import db
from courseware.models import Certificate
from courseware.models.base import utcnow
from tests.helpers.evaluation import finish_course
from tests.helpers.html import one, parse, text_of
from tests.helpers.seat_time import spend_minutes

MODULES = Path(__file__).resolve().parent.parent / "modules"
SLUG = "compassionate-schools"


@pytest.fixture(scope="module")
def course():
    return compile_course(MODULES / SLUG)


def test_it_passes_the_check_and_adds_up_to_twelve_hours(course):
    assert course.problems == []
    assert course.minutes == 720 and course.credit.hours == 12 and course.credit.ceu == 1.2
    assert 5 <= len(course.modules) <= 7
    assert all(4 <= len(m.pages) <= 8 and m.objectives for m in course.modules)
    assert course.completion.pass_mark == 80 and course.completion.worksheets_required


def test_every_module_has_a_quiz_a_reflection_and_a_worksheet(course):
    for module in course.modules:
        blocks = [seg for page in module.pages for seg in page.segments]
        quizzes = [b.quiz for b in blocks if b.kind == "quiz"]
        worksheets = [b.worksheet for b in blocks if b.kind == "worksheet"]
        assert len(quizzes) == 1 and 5 <= len(quizzes[0].questions) <= 10, module.slug
        assert any(w.is_reflection for w in worksheets), module.slug
        assert any(not w.is_reflection for w in worksheets), module.slug


def test_every_activity_declares_the_minutes_it_takes(course):
    """The defaults are a floor; the reference course says what a careful learner needs."""
    for page in course.pages:
        for segment in page.segments:
            if segment.kind in ("quiz", "worksheet") or getattr(segment, "style", "") == "try-this":
                assert segment.minutes, f"{page.key}: a {segment.kind} without minutes"


TRACKS = ["classroom", "specialists", "support", "leaders"]


@pytest.mark.parametrize("track", TRACKS)
def test_every_module_has_one_practice_in_school_for_each_track(course, track):
    for module in course.for_track(track).modules:
        practices = [seg.practice for page in module.pages for seg in page.blocks("practice")]
        assert len(practices) == 1, (track, module.slug)
        practice = practices[0]
        assert 30 <= practice.minutes <= 60 and 1 <= practice.entry_max <= practice.minutes, module.slug
        assert "<strong>Try this.</strong>" in practice.instructions_html, module.slug
        assert "<strong>Notice this.</strong>" in practice.instructions_html, module.slug


def test_every_question_has_feedback_and_an_explanation(course):
    for page in course.pages:
        for segment in page.blocks("quiz"):
            for question in segment.quiz.questions:
                assert question.explanation_html, f"{segment.quiz.id}/{question.id}"
                for choice in question.choices:
                    assert choice.feedback_html, f"{segment.quiz.id}/{question.id}/{choice.id}"


@pytest.mark.parametrize("track", TRACKS)
def test_a_learner_walks_each_track_through_every_page_quiz_and_worksheet_to_a_certificate(
    make_app, make_user, sign_in, track
):
    app = make_app(COURSES_DIR=MODULES)
    with app.app_context():
        demo_provider()  # the provider the course names
        client = app.test_client()
        user = make_user(name="Casey Morgan")
        sign_in(client, user)
        # The first page sends the learner to choose a track; the choice decides what is left to do.
        first = client.get(f"/courses/{SLUG}/understanding-trauma/welcome")
        assert first.status_code == 302 and first.location.endswith(f"/courses/{SLUG}/track")
        assert client.submit(f"/courses/{SLUG}/track", {"track": track}).status_code == 302
        course = catalog().get(SLUG).for_track(track)
        for page in course.pages:
            url = f"/courses/{SLUG}/{page.module.slug}/{page.slug}"
            html = client.get(url).get_data(as_text=True)
            assert page.title.replace("'", "&#39;") in html, url
            for segment in page.blocks("worksheet"):
                for field in segment.worksheet.fields:
                    value = {
                        "short-text": "A short answer",
                        "long-text": "A considered answer about my school.",
                        "checklist": [field.options[0].id] if field.options else [],
                        "choice": field.options[0].id if field.options else "",
                        "date": "2027-01-15",
                        "table": [["First step"] + ["Me"] * (len(field.columns) - 1)],
                    }[field.type]
                    response = client.post_json(
                        f"/courses/{SLUG}/worksheets/{segment.worksheet.id}/fields/{field.id}",
                        {"value": value},
                        page=url,
                    )
                    assert response.status_code == 200, (segment.worksheet.id, field.id, response.json)
            for segment in page.blocks("quiz"):
                quiz = segment.quiz
                token = client.csrf_token(url)
                form = {"csrf_token": token, "version": quiz.version, "number": "1"}
                for question in quiz.questions:
                    key = f"q-{question.id}"
                    form[key] = (
                        question.answers[0] if not question.is_choice else [c.id for c in question.choices if c.correct]
                    )
                response = client.post(f"/courses/{SLUG}/quizzes/{quiz.id}", data=form)
                assert response.status_code == 302 and response.location.endswith("/attempts/1"), quiz.id
                assert "You passed" in client.get(response.location).get_data(as_text=True)
        # Clicking through is not enough: the time each module requires has not been spent.
        assert db.session.scalar(select(Certificate)) is None
        home = client.get(f"/courses/{SLUG}").get_data(as_text=True)
        assert "Still to do before the course is complete" in home and "100%" not in home
        for module in course.modules:
            required = math.ceil(module.minutes_for(track) * course.completion.active_time / 100)
            assert f"{module.title}: {required} more minutes of active time (0 of {required} recorded)" in home
        # Spending it: the practice in school, logged past its cap (only the cap counts), then the rest
        # minute by minute, through the heartbeats a learner's open page sends.
        for module in course.modules:
            required = math.ceil(module.minutes_for(track) * course.completion.active_time / 100)
            ((page, segment),) = [(p, seg) for p in module.pages for seg in p.blocks("practice")]
            practice = segment.practice
            url = f"/courses/{SLUG}/{module.slug}/{page.slug}"
            logged = 0
            while logged <= practice.minutes:
                entry = {
                    "done_on": utcnow().date().isoformat(),
                    "minutes": str(practice.entry_max),
                    "tried": "I tried the activity with the students I see each morning.",
                    "noticed": "Two students who rarely speak answered me.",
                    "attested": "yes",
                }
                response = client.submit(f"/courses/{SLUG}/practice/{practice.id}", entry, page=url)
                assert response.status_code == 302, response.get_data(as_text=True)
                logged += practice.entry_max
            state = progress.progress_for(user, course)
            assert state.module_practice_minutes(module) == practice.minutes < logged
            assert state.module_minutes(module) == practice.minutes and not state.module_done(module)
            spend_minutes(client, f"/courses/{SLUG}/{module.slug}/{module.pages[0].slug}", required - practice.minutes)
            assert progress.progress_for(user, course).module_done(module), module.slug
        # The last step: the evaluation and the attestation.
        assert db.session.scalar(select(Certificate)) is None
        home = client.get(f"/courses/{SLUG}").get_data(as_text=True)
        assert "Finish the course" in home and "the course evaluation and your attestation" in home
        assert finish_course(client, SLUG, rating=5).status_code == 302
        certificate = db.session.scalar(select(Certificate))
        assert certificate is not None, "no certificate after every page, quiz, worksheet, the time and the evaluation"
        assert (certificate.learner_name, certificate.hours, certificate.ceu) == ("Casey Morgan", 12, 1.2)
        assert certificate.track_title == course.whole.track_named(track).title
        plan = client.get(f"/courses/{SLUG}/action-plan").get_data(as_text=True)
        assert "A considered answer about my school." in plan and "Not answered yet" not in plan
        assert client.get(f"/certificates/{certificate.code}.pdf").status_code == 200


def test_safety_law_and_your_role_is_in_the_core_for_every_learner(course):
    module = course.modules[0]
    page = module.pages[1]
    assert (page.slug, page.title) == ("safety-law-role", "Safety, law and your role")
    assert page.tracks is None and module.tracks is None and not page.segment_tracks
    assert page in course.for_track(None).pages
    note, *_ = page.segments
    assert note.kind == "callout" and note.title == "Content note" and "988" in note.html
    (district,) = page.blocks("district")
    assert district.placeholders == 5
    assert [blank.key for blank in district.blanks] == [
        "cps-hotline",
        "homeless-liaison",
        "crisis-team",
        "suicide-referral",
        "restraint-seclusion-policy",
    ]
    assert [blank.key for _, blank in course.district_blanks] == [blank.key for blank in district.blanks]
    text = " ".join(getattr(s, "html", "") for s in page.segments)
    for topic in (
        "mandated reporters",
        "disclosure",
        "988",
        "McKinney-Vento",
        "Restraint",
        "share situations, not names",
    ):
        assert topic in text, topic


def test_the_safety_page_shows_the_district_box(make_app, make_user, sign_in):
    app = make_app(COURSES_DIR=MODULES)
    with app.app_context():
        client = app.test_client()
        sign_in(client, make_user())
        assert client.submit(f"/courses/{SLUG}/track", {"track": TRACKS[0]}).status_code == 302
        response = client.get(f"/courses/{SLUG}/understanding-trauma/safety-law-role")
    assert response.status_code == 200
    page = parse(response.get_data(as_text=True))
    assert text_of(page, "h1") == "Safety, law and your role"
    box = one(page, "section.district")
    assert text_of(box, "h2") == "Your district's procedures: Who to contact in our district"
    # No district: a neutral line in place of each blank, never the bracketed blank itself.
    blanks = box.select(".district__blank")
    assert len(blanks) == 5 and all("ask your principal or counselor" in b.get_text() for b in blanks)
    assert "[DISTRICT" not in box.get_text() and "district's leaders fill in this box" in text_of(box, "p")
