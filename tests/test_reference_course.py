"""The reference course in modules/: well-formed, fully explained, and completable to a certificate."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from sqlalchemy import select

from courseware import progress
from courseware.courses import catalog, compile_course
from courseware.courses.render import plain_text
from courseware.courses.time_model import count_words, segment_words
from courseware.demo import demo_provider
from courseware.extensions import db
from courseware.models import Certificate
from courseware.models.base import utcnow
from tests.helpers.evaluation import finish_course
from tests.helpers.html import one, parse, text_of
from tests.helpers.seat_time import spend_minutes

MODULES = Path(__file__).resolve().parent.parent / "modules"
SLUG = "compassionate-schools"
TRACKS = ["classroom", "specialists", "support", "leaders"]


@pytest.fixture(scope="module")
def course():
    return compile_course(MODULES / SLUG)


def test_it_passes_the_check_and_adds_up_to_twelve_hours(course):
    assert course.problems == []
    assert course.minutes == 720 and course.credit.hours == 12 and course.credit.ceu == 1.2
    assert 5 <= len(course.modules) <= 7
    assert all(m.objectives for m in course.modules)
    # Each learner sees the shared core and one track: a module of two hours stays a handful of pages.
    for track in TRACKS:
        assert all(4 <= len(m.pages) <= 12 for m in course.for_track(track).modules), track
    assert course.completion.pass_mark == 80 and course.completion.worksheets_required
    assert course.completion.case_studies_required


def test_every_module_has_a_quiz_a_reflection_and_a_worksheet(course):
    for module in course.modules:
        blocks = [seg for page in module.pages for seg in page.segments]
        quizzes = [b.quiz for b in blocks if b.kind == "quiz" and not b.quiz.growth]  # the module's own check
        worksheets = [b.worksheet for b in blocks if b.kind == "worksheet"]
        assert len(quizzes) == 1 and 5 <= len(quizzes[0].questions) <= 10, module.slug
        assert any(w.is_reflection for w in worksheets), module.slug
        assert any(not w.is_reflection for w in worksheets), module.slug


def test_a_pre_check_opens_the_course_and_a_growth_check_asks_the_same_skills_at_the_end(course):
    before, after = course.growth_checks()
    assert course.find_block("quiz", before.quiz.id)[0].key == "understanding-trauma/welcome"
    growth_page = course.find_block("quiz", after.quiz.id)[0]
    assert growth_page.key == "partnering-and-leading/growth-check"
    last = course.module("partnering-and-leading").pages
    assert [p.slug for p in last[last.index(growth_page) + 1 :][:2]] == [
        "m6-case-study",
        "check",
    ]  # then the case, the check
    skills = [s.id for s in course.skills]
    assert 4 <= len(skills) <= 5
    for segment in (before, after):
        quiz = segment.quiz
        assert 8 <= len(quiz.questions) <= 10 and 8 <= segment.minutes <= 12, quiz.id
        assert sorted({q.skill for q in quiz.questions}) == sorted(skills), quiz.id
        assert all(sum(q.skill == s for q in quiz.questions) >= 1 for s in skills), quiz.id
    # parallel, not the same: no question is asked twice
    assert not {q.prompt_html for q in before.quiz.questions} & {q.prompt_html for q in after.quiz.questions}
    # both belong to the shared core: every track takes them
    for track in TRACKS:
        assert course.for_track(track).growth_checks() is not None, track


def test_every_activity_declares_the_minutes_it_takes(course):
    """The defaults are a floor; the reference course says what a careful learner needs."""
    for page in course.pages:
        for segment in page.segments:
            if segment.kind in ("quiz", "worksheet") or getattr(segment, "style", "") == "try-this":
                assert segment.minutes, f"{page.key}: a {segment.kind} without minutes"


@pytest.mark.parametrize("track", TRACKS)
def test_every_module_has_one_practice_in_school_for_each_track(course, track):
    for module in course.for_track(track).modules:
        practices = [seg.practice for page in module.pages for seg in page.blocks("practice")]
        assert len(practices) == 1, (track, module.slug)
        practice = practices[0]
        assert 30 <= practice.minutes <= 60 and 1 <= practice.entry_max <= practice.minutes, module.slug
        assert "<strong>Try this.</strong>" in practice.instructions_html, module.slug
        assert "<strong>Notice this.</strong>" in practice.instructions_html, module.slug


@pytest.mark.parametrize("track", TRACKS)
def test_every_module_has_a_page_for_each_track_holding_its_practice(course, track):
    """Each module speaks to the learner's job: a page of 450 to 800 words written for the track, before
    the module's quiz, holding the track's own practice in school with a debrief. Every module is checked
    and every one that falls short is named."""
    short = []
    for module in course.for_track(track).modules:
        pages = [page for page in module.pages if page.tracks == frozenset({track})]
        if len(pages) != 1:
            short.append(f"{module.slug}: {len(pages)} pages for the track")
            continue
        (page,) = pages
        quiz_page = next(i for i, p in enumerate(module.pages) if any(not s.quiz.growth for s in p.blocks("quiz")))
        words = count_words(page.title) + sum(segment_words(s) for s in page.segments)
        practices = [seg.practice for seg in page.blocks("practice")]
        if module.pages.index(page) > quiz_page:
            short.append(f"{module.slug}: the track's page comes after the quiz")
        if not 450 <= words <= 800:
            short.append(f"{module.slug}: the track's page has {words} words")
        if len(practices) != 1 or "<strong>Debrief.</strong>" not in practices[0].instructions_html:
            short.append(f"{module.slug}: the track's page has no practice with a debrief")
    assert short == [], short


def test_every_module_has_one_shared_case_study_just_before_its_knowledge_check(course):
    for number, module in enumerate(course.modules, start=1):
        found = [(i, page, seg) for i, page in enumerate(module.pages) for seg in page.blocks("case_study")]
        assert len(found) == 1, module.slug
        ((index, page, segment),) = found
        assert page.slug == f"m{number}-case-study" and page.title.startswith("Case study: ")
        assert module.pages[index + 1].slug == "check" and page.tracks is None and not page.segment_tracks
        study = segment.case_study
        assert segment.declared and study.minutes == 12
        assert 4 <= len(study.criteria) <= 5, study.id
        assert 200 <= count_words(plain_text(study.situation_html)) <= 350, study.id
        assert 150 <= count_words(plain_text(study.model_html)) <= 300, study.id
        assert "your own role" in plain_text(study.prompt_html) or "your role" in plain_text(study.prompt_html)


def test_every_question_has_feedback_and_an_explanation(course):
    for page in course.pages:
        for segment in page.blocks("quiz"):
            for question in segment.quiz.questions:
                assert question.explanation_html, f"{segment.quiz.id}/{question.id}"
                for choice in question.choices:
                    assert choice.feedback_html, f"{segment.quiz.id}/{question.id}/{choice.id}"


@pytest.mark.parametrize("track", TRACKS)
def test_a_learner_walks_each_track_through_every_page_quiz_worksheet_and_case_study_to_a_certificate(
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
            for segment in page.blocks("case_study"):
                study = segment.case_study
                base = f"/courses/{SLUG}/case-studies/{study.id}"
                response = client.submit(base, {"response": "From my role, I would steady myself first."}, page=url)
                assert response.status_code == 302, (study.id, response.get_data(as_text=True)[:2000])
                levels = {f"score-{c.id}": ("met", "partly", "not-yet")[i % 3] for i, c in enumerate(study.criteria)}
                response = client.submit(f"{base}/score", levels, page=url)
                assert response.status_code == 302, study.id
                assert "Your score is saved" in client.get(url).get_data(as_text=True), study.id
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
                heading = "Pre-check done" if quiz.is_pre_check else "You passed"
                assert heading in client.get(response.location).get_data(as_text=True), quiz.id
        # Clicking through is not enough: the time each module requires has not been spent.
        assert db.session.scalar(select(Certificate)) is None
        home = client.get(f"/courses/{SLUG}").get_data(as_text=True)
        assert "Still to do before the course is complete" in home and "100%" not in text_of(home, ".course-hero")
        # Every answer right, at the start and at the end: the growth panel says so, skill by skill.
        assert "Your growth" in text_of(home, ".growth") and "0 points" in text_of(home, ".growth")
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
        assert certificate is not None, (
            "no certificate after every page, quiz, worksheet, case study, the time and the evaluation"
        )
        assert (certificate.learner_name, certificate.hours, certificate.ceu) == ("Casey Morgan", 12, 1.2)
        assert certificate.track_title == course.whole.track_named(track).title
        plan = client.get(f"/courses/{SLUG}/action-plan").get_data(as_text=True)
        assert "A considered answer about my school." in plan and "Not answered yet" not in plan
        assert "I would steady myself first" not in plan  # case study responses are not part of the plan
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
