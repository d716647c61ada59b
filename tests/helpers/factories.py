"""Rows inserted directly, to set up what a test is not about without driving the app over HTTP.

Every function needs an app context (the ``app`` fixture gives one), adds its rows, commits and
returns what it made. Defaults describe the example course in tests/courses::

    lee = factories.user(name="Lee Leader")
    district = factories.organisation("Riverside District")
    cohort = factories.cohort(district, "All staff")
    factories.leader(lee, cohort=cohort)
    factories.member(cohort, ian, staff_role="Teacher", school=school)
    factories.enrolment(ian, pages=["welcome/getting-started"])      # one page read, just now
    factories.quiz_attempt(ian, score=75)                             # practice-check, attempt 1
    factories.worksheet_answers(ian, "my-plan", {"plan-title": "Calmer mornings"}, shared=True)
    factories.practice_entry(ian, minutes=15)                         # greet-at-the-door, done today
    factories.case_study_response(ian, scores="met")                  # noisy-morning, every criterion "Met"
    certificate = factories.completed(cal)                            # every rule met, certificate issued
    factories.evaluation_response(ratings=5, cohorts=[cohort])        # an anonymous evaluation, "Strongly agree"
    factories.assignment(cohort, due_on=date(2030, 1, 31))

``completed`` records the facts that meet every completion rule of the course and then lets the
app's own ``courseware.progress.settle`` complete the enrolment and issue the certificate, so the
rows are the ones a learner's last action would leave, the queued job that renders the PDF among
them. When the course asks for an evaluation (every course with credit does), that last action is
finishing it: the app's own ``courseware.evaluations.services.finish`` records the attestation and
an evaluation rating every statement "Agree" (4), with no comments. The certificate carries STUB_PDF
as its kept PDF (which that job then leaves alone) unless ``pdf=None`` is passed: then ``jobs.work()``,
or the first download, renders the real one.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from courseware import progress
from courseware.cohorts.services import new_join_code
from courseware.courses import Course, catalog
from courseware.evaluations.answers import Answers
from courseware.evaluations.services import finish
from courseware.extensions import db
from courseware.models import (
    Assignment,
    CaseStudyResponse,
    Certificate,
    Cohort,
    CohortMember,
    Enrolment,
    EvaluationComment,
    EvaluationRating,
    EvaluationResponse,
    EvaluationResponseCohort,
    EvaluationResponseOrganisation,
    LeaderGrant,
    Organisation,
    PageProgress,
    PracticeEntry,
    QuizAttempt,
    QuizVersion,
    Role,
    User,
    WorksheetAnswer,
    WorksheetEntry,
)
from courseware.models.base import utcnow
from courseware.models.certificate import new_code
from courseware.models.evaluation import new_response_id
from courseware.progress.rules import add_months
from tests.helpers.client import PASSWORD

COURSE = "example-course"
STUB_PDF = b"%PDF-1.4\n% a stand-in for a rendered certificate, where the PDF is not under test\n%%EOF\n"
_numbers = itertools.count(1)


def course_of(course: Course | str = COURSE) -> Course:
    found = catalog().get(course) if isinstance(course, str) else course
    assert found is not None, f"no course {course!r} in {current_app.config['COURSES_DIR']}"
    return found


@lru_cache(maxsize=8)
def _password_hash(password: str, method: str) -> str:
    """One hash per password and method: hashing is the slow part of making people."""
    return generate_password_hash(password, method=method)


# --- people and places ---------------------------------------------------------------------------


def user(
    name: str | None = None,
    email: str | None = None,
    password: str = PASSWORD,
    role: str = Role.LEARNER,
    active: bool = True,
) -> User:
    """An account that signs in with ``password``; name and email are made up when not given."""
    n = next(_numbers)
    person = User(
        name=(name if name is not None else f"Learner {n}").strip(),
        email=(email or f"learner{n}@example.org").strip().lower(),
        role=role,
        is_active_account=active,
        password_hash=_password_hash(password, current_app.config["PASSWORD_HASH_METHOD"]),
    )
    db.session.add(person)
    db.session.commit()
    return person


def organisation(name: str, parent: Organisation | None = None) -> Organisation:
    """A district, or a school when ``parent`` is its district."""
    place = Organisation(name=name, parent_id=parent.id if parent else None)
    db.session.add(place)
    db.session.commit()
    return place


def cohort(organisation: Organisation, name: str = "All staff", join_enabled: bool = True) -> Cohort:
    group = Cohort(organisation_id=organisation.id, name=name, join_code=new_join_code(), join_enabled=join_enabled)
    db.session.add(group)
    db.session.commit()
    return group


def leader(person: User, organisation: Organisation | None = None, cohort: Cohort | None = None) -> LeaderGrant:
    """Leadership of a cohort or of an organisation; a learner becomes a leader, as a grant makes them."""
    assert (organisation is None) != (cohort is None), "a grant is of an organisation or of a cohort"
    grant = LeaderGrant(
        user_id=person.id,
        organisation_id=organisation.id if organisation else None,
        cohort_id=cohort.id if cohort else None,
    )
    if person.role == Role.LEARNER:
        person.role = Role.LEADER
    db.session.add(grant)
    db.session.commit()
    return grant


def member(
    cohort: Cohort,
    person: User,
    staff_role: str = "",
    school: Organisation | None = None,
    active: bool = True,
) -> CohortMember:
    row = CohortMember(
        cohort_id=cohort.id,
        user_id=person.id,
        staff_role=staff_role,
        school_id=school.id if school else None,
        active=active,
        deactivated_at=None if active else utcnow(),
    )
    db.session.add(row)
    db.session.commit()
    return row


def assignment(
    cohort: Cohort, course: str = COURSE, due_on: date | None = None, renewal_months: int | None = None
) -> Assignment:
    """The course assigned to the cohort, due in 30 days unless ``due_on`` says otherwise."""
    row = Assignment(
        cohort_id=cohort.id,
        course_slug=course,
        due_on=due_on or utcnow().date() + timedelta(days=30),
        renewal_months=renewal_months,
    )
    db.session.add(row)
    db.session.commit()
    return row


# --- what learners have done ---------------------------------------------------------------------


def enrolment(
    person: User,
    course: Course | str = COURSE,
    pages: Iterable[str] | None = (),
    seconds: int | dict[str, int] = 0,
    cycle: int = 1,
    at: datetime | None = None,
    last_page: str | None = None,
) -> Enrolment:
    """An enrolment with ``pages`` read (page keys like "welcome/getting-started"; None: every page)
    and ``seconds`` of seat time spread over them (or given page by page, as {page key: seconds}),
    the last of them read at ``at`` (now)."""
    compiled = course_of(course)
    at = at or utcnow()
    keys = [p.key for p in compiled.pages] if pages is None else list(pages)
    for key in keys:
        assert compiled.page_by_key(key) is not None, f"{compiled.slug} has no page {key!r}"
    if isinstance(seconds, dict):
        by_page, seconds = seconds, sum(seconds.values())
    else:
        shares = [seconds // len(keys)] * len(keys) if keys else []
        if shares:
            shares[-1] += seconds - sum(shares)
        by_page = dict(zip(keys, shares, strict=True))
    row = Enrolment(
        user_id=person.id,
        course_slug=compiled.slug,
        cycle=cycle,
        enrolled_at=at,
        last_activity_at=at,
        last_page_key=last_page or (keys[-1] if keys else None),
        pages_visited=len(keys),
        seconds=seconds,
    )
    db.session.add(row)
    db.session.flush()
    for key in keys:
        db.session.add(
            PageProgress(
                enrolment_id=row.id, page_key=key, first_visited_at=at, last_visited_at=at, seconds=by_page.get(key, 0)
            )
        )
    db.session.commit()
    return row


def quiz_version(course: Course | str = COURSE, quiz: str = "practice-check") -> QuizVersion:
    """The stored version of the quiz as the course has it now (as a page view stores it)."""
    compiled = course_of(course)
    found = compiled.find_block("quiz", quiz)
    assert found is not None, f"{compiled.slug} has no quiz {quiz!r}"
    compiled_quiz = found[1].quiz
    row = db.session.scalar(
        select(QuizVersion).filter_by(course_slug=compiled.slug, quiz_id=quiz, version=compiled_quiz.version)
    )
    if row is None:
        row = QuizVersion(
            course_slug=compiled.slug, quiz_id=quiz, version=compiled_quiz.version, content=compiled_quiz.content()
        )
        db.session.add(row)
        db.session.commit()
    return row


def quiz_attempt(
    person: User,
    quiz: str = "practice-check",
    score: int = 100,
    course: Course | str = COURSE,
    passed: bool | None = None,
    cycle: int = 1,
    at: datetime | None = None,
) -> QuizAttempt:
    """The learner's next attempt at the quiz with ``score``; passed when it reaches the pass mark.

    The answers are recorded as empty: a test that reads them back should answer through the app.
    """
    compiled = course_of(course)
    version = quiz_version(compiled, quiz)
    pass_mark = compiled.find_block("quiz", quiz)[1].quiz.pass_mark
    number = 1 + db.session.scalar(
        select(func.count(QuizAttempt.id)).filter_by(
            user_id=person.id, course_slug=compiled.slug, quiz_id=quiz, cycle=cycle
        )
    )
    row = QuizAttempt(
        user_id=person.id,
        course_slug=compiled.slug,
        quiz_id=quiz,
        cycle=cycle,
        number=number,
        quiz_version_id=version.id,
        answers={},
        results={},
        score=score,
        passed=score >= pass_mark if passed is None else passed,
        submitted_at=at or utcnow(),
    )
    db.session.add(row)
    db.session.commit()
    return row


def worksheet_answers(
    person: User,
    worksheet: str = "my-plan",
    values: dict[str, object] | None = None,
    course: Course | str = COURSE,
    shared: bool = False,
) -> WorksheetEntry:
    """The learner's entry in the worksheet with ``values`` (field id -> value) saved once each."""
    compiled = course_of(course)
    found = compiled.find_block("worksheet", worksheet)
    assert found is not None, f"{compiled.slug} has no worksheet {worksheet!r}"
    sheet = found[1].worksheet
    now = utcnow()
    entry = WorksheetEntry(
        user_id=person.id,
        course_slug=compiled.slug,
        worksheet_id=sheet.id,
        title=sheet.title,
        shared=shared,
        created_at=now,
        updated_at=now,
    )
    db.session.add(entry)
    db.session.flush()
    for field_id, value in (values or {}).items():
        field = sheet.field(field_id)
        assert field is not None, f"worksheet {worksheet!r} has no field {field_id!r}"
        db.session.add(
            WorksheetAnswer(entry_id=entry.id, field_id=field_id, prompt=field.prompt, value=value, updated_at=now)
        )
    db.session.commit()
    return entry


def practice_entry(
    person: User,
    practice: str = "greet-at-the-door",
    minutes: int = 15,
    course: Course | str = COURSE,
    cycle: int = 1,
    done_on: date | None = None,
    tried: str = "Greeted each student by name at the door.",
    noticed: str = "Mornings started more calmly.",
) -> PracticeEntry:
    """One attested entry in the learner's practice log for the block, done on ``done_on`` (today)."""
    compiled = course_of(course)
    assert compiled.find_block("practice", practice) is not None, f"{compiled.slug} has no practice {practice!r}"
    now = utcnow()
    row = PracticeEntry(
        user_id=person.id,
        course_slug=compiled.slug,
        cycle=cycle,
        practice_id=practice,
        done_on=done_on or now.date(),
        minutes=minutes,
        tried=tried,
        noticed=noticed,
        attested_at=now,
        form_key=f"entry-{next(_numbers):010d}",
        created_at=now,
    )
    db.session.add(row)
    db.session.commit()
    return row


def case_study_response(
    person: User,
    case_study: str = "noisy-morning",
    scores: str | dict[str, str] | None = None,
    course: Course | str = COURSE,
    cycle: int = 1,
    response: str = "I would greet him by name and give him a moment.",
) -> CaseStudyResponse:
    """The learner's response to a case study; ``scores`` (one level for every criterion, or a level by
    criterion id) scores it, None leaves it unscored."""
    compiled = course_of(course)
    found = compiled.find_block("case_study", case_study)
    assert found is not None, f"{compiled.slug} has no case study {case_study!r}"
    levels = {c.id: scores for c in found[1].case_study.criteria} if isinstance(scores, str) else (scores or {})
    now = utcnow()
    row = CaseStudyResponse(
        user_id=person.id,
        course_slug=compiled.slug,
        cycle=cycle,
        case_study_id=case_study,
        response=response,
        scores=levels,
        scored_revision=1 if levels else 0,
        scored_at=now if levels else None,
        created_at=now,
        updated_at=now,
    )
    db.session.add(row)
    db.session.commit()
    return row


FILLED = {
    "short-text": "An answer",
    "long-text": "A considered answer.",
    "date": "2030-01-31",
}


def _filled_value(field) -> object:
    if field.type in FILLED:
        return FILLED[field.type]
    if field.type == "checklist":
        return [field.options[0].id]
    if field.type == "choice":
        return field.options[0].id
    if field.type == "table":
        return [["A step"] + ["Me"] * (len(field.columns) - 1)]
    raise AssertionError(f"no made-up value for a {field.type} field")


def time_spent(compiled: Course) -> dict[str, int]:
    """Seat time, page by page, that meets every module's required active time and the course's minimum."""
    by_page: dict[str, int] = {}
    for module in compiled.modules:
        needed = progress.required_minutes(module, compiled.completion.active_time) * 60
        share = -(-needed // len(module.pages))
        by_page.update({page.key: share for page in module.pages})
    short = compiled.completion.min_seat_minutes * 60 - sum(by_page.values())
    if short > 0 and by_page:
        last = compiled.pages[-1].key
        by_page[last] += short
    return by_page


def seat_time(person: User | None, course: Course | str = COURSE) -> None:
    """Give the pages already read the seat time every module requires, as if the learner had spent it
    (their current enrolment; ``person`` None: every enrolment in the course, for tests with one learner).
    The next learner action then settles the course. Modules with no page read get nothing."""
    compiled = course_of(course)
    query = select(Enrolment).where(Enrolment.course_slug == compiled.slug, Enrolment.completed_at.is_(None))
    if person is not None:
        query = query.where(Enrolment.user_id == person.id)
    wanted = time_spent(compiled)
    for row in db.session.scalars(query):
        read = {p.page_key: p for p in row.pages}
        for module in compiled.modules:
            keys = [page.key for page in module.pages if page.key in read]
            needed = sum(wanted[page.key] for page in module.pages)
            for key in keys:
                read[key].seconds = max(read[key].seconds, -(-needed // len(keys)))
        row.seconds = sum(p.seconds for p in row.pages)
    db.session.commit()


EVALUATION_RATING = 4  # "Agree": what ``completed`` answers to every statement of an evaluation


def completed(
    person: User,
    course: Course | str = COURSE,
    at: datetime | None = None,
    pdf: bytes | None = STUB_PDF,
) -> Certificate | None:
    """Every completion rule met at ``at`` (now): all pages read with the seat time required, every
    quiz passed (100%), the required fields of every worksheet filled and every case study answered and
    scored when the course requires them,
    and, when the course asks for one, the evaluation and attestation (every statement rated 4).
    The app then completes the enrolment and issues the certificate (None for a course without credit).
    """
    compiled = course_of(course)
    at = at or utcnow()
    row = enrolment(person, compiled, pages=None, seconds=time_spent(compiled), at=at)
    for page in compiled.pages:
        for segment in page.blocks("quiz"):
            quiz_attempt(person, segment.quiz.id, 100, compiled, at=at)
        if compiled.completion.worksheets_required:
            for segment in page.blocks("worksheet"):
                required = {f.id: _filled_value(f) for f in segment.worksheet.fields if f.required}
                worksheet_answers(person, segment.worksheet.id, required, compiled)
        if compiled.completion.case_studies_required:
            for segment in page.blocks("case_study"):
                case_study_response(person, segment.case_study.id, "met", compiled, cycle=row.cycle)
    if compiled.evaluation is not None:
        ratings = {item.id: EVALUATION_RATING for item in compiled.evaluation.items}
        outcome = finish(person, compiled, Answers(ratings, {}, attested=True), now=at).outcome
    else:
        outcome = progress.settle(person, compiled, row, now=at)
    assert outcome.completed, f"the facts recorded do not complete {compiled.slug}"
    if outcome.certificate is not None and pdf is not None:
        outcome.certificate.pdf = pdf
        outcome.certificate.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    db.session.commit()
    return outcome.certificate


def certificate(
    person: User,
    course: Course | str = COURSE,
    cycle: int = 1,
    at: datetime | None = None,
    pdf: bytes | None = STUB_PDF,
    **fields,
) -> Certificate:
    """A certificate row alone, as issued for the course at ``at`` (now); ``fields`` override columns."""
    compiled = course_of(course)
    at = at or utcnow()
    values = {
        "code": new_code(),
        "user_id": person.id,
        "course_slug": compiled.slug,
        "cycle": cycle,
        "generation": 0,
        "learner_name": person.name,
        "course_title": compiled.title,
        "course_version": compiled.version,
        "hours": compiled.credit.hours,
        "credit_type": compiled.credit.credit_type,
        "ceu": compiled.credit.ceu,
        "provider_name": compiled.provider.name,
        "approval_number": compiled.provider.approval_number,
        "provider_contact": compiled.provider.contact,
        "design": compiled.certificate_design,
        "completed_at": at,
        "issued_at": at,
        "expires_at": add_months(at, compiled.validity_months) if compiled.validity_months else None,
        "pdf": pdf,
        "pdf_sha256": hashlib.sha256(pdf).hexdigest() if pdf is not None else None,
    }
    values.update(fields)
    row = Certificate(**values)
    db.session.add(row)
    db.session.commit()
    return row


def evaluation_response(
    course: Course | str = COURSE,
    ratings: int | dict[str, int] = 4,
    comments: dict[str, str] | None = None,
    cohorts: Iterable[Cohort] = (),
    on: date | None = None,
    version: str | None = None,
) -> EvaluationResponse:
    """An anonymous evaluation of the course, as finishing it stores one: ``ratings`` is one rating for
    every statement or {item id: rating}; ``comments`` {question id: text}; linked to ``cohorts`` and
    their organisations; submitted ``on`` (today), for ``version`` (the course's own)."""
    compiled = course_of(course)
    assert compiled.evaluation is not None, f"{compiled.slug} asks for no evaluation"
    items = {item.id: item.text for item in compiled.evaluation.items}
    given = dict.fromkeys(items, ratings) if isinstance(ratings, int) else ratings
    questions = {question.id: question.text for question in compiled.evaluation.comments}
    response = EvaluationResponse(
        id=new_response_id(),
        course_slug=compiled.slug,
        course_version=version or compiled.version,
        submitted_on=on or utcnow().date(),
    )
    db.session.add(response)
    db.session.flush()
    for item_id, rating in given.items():
        db.session.add(
            EvaluationRating(response_id=response.id, item_id=item_id, statement=items[item_id], rating=rating)
        )
    for question_id, text in (comments or {}).items():
        db.session.add(
            EvaluationComment(
                response_id=response.id, question_id=question_id, question=questions[question_id], text=text
            )
        )
    groups = list(cohorts)
    for group in groups:
        db.session.add(EvaluationResponseCohort(response_id=response.id, cohort_id=group.id))
    for organisation_id in {group.organisation_id for group in groups}:
        db.session.add(EvaluationResponseOrganisation(response_id=response.id, organisation_id=organisation_id))
    db.session.commit()
    return response
