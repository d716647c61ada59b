"""Seed the throwaway database with learners and their progress, in bulk, inside an app context.

``seed`` returns plain JSON that every workload sees as ``ctx.seed``; later data (a cohort,
quizzes, certificates) is one more function here and one more key in that dict.
"""

from __future__ import annotations

import random
import secrets
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, url_for
from sqlalchemy import func, insert, select
from werkzeug.security import generate_password_hash

from courseware import credit
from courseware.cohorts.pacing import SCHOOL_YEAR, plan_dates
from courseware.courses import Course, catalog
from courseware.demo import demo_provider
from courseware.extensions import db
from courseware.models import (
    Assignment,
    Certificate,
    Circle,
    CirclePost,
    Cohort,
    CohortMember,
    Enrolment,
    LeaderGrant,
    ModuleDate,
    Organisation,
    PacingPlan,
    PageProgress,
    PageVisit,
    QuizShown,
    QuizVersion,
    Role,
    Team,
    TeamMember,
    TeamPlanChange,
    TeamPlanItem,
    User,
)
from courseware.models.base import utcnow
from courseware.models.certificate import new_code
from courseware.quizzes.services import remember_version

PASSWORD = "bench-lantern-harbor-copper-42"
HISTORY_DAYS = 60
CERTIFICATES = 2000  # more than the first-download workload can use up in its run


def seed(app: Flask, learners: int, rng: random.Random) -> dict[str, Any]:
    with app.app_context():
        courses = catalog().published()
        if not courses:
            raise RuntimeError(f"no published course in {app.config['COURSES_DIR']}")
        emails = _learners(learners)
        _progress(courses, rng)
        admin = _admin()
        codes = _certificates(courses, CERTIFICATES)
        cohort = _cohort(courses, rng)
        _quiz_showings(courses, emails[:CLIENT_LEARNERS] + emails[-1:])
        team = _team(courses, cohort, emails[:CLIENT_LEARNERS] + emails[-1:])
        db.session.commit()
        counts = {
            model.__tablename__: _count(model) for model in (User, Enrolment, PageProgress, PageVisit, Certificate)
        }
        with app.test_request_context():
            pages = [
                url_for("learning.page", slug=course.slug, module=page.module.slug, page=page.slug)
                for course in courses
                for page in course.pages
            ]
            quizzes = [_quiz(course, page, segment.quiz) for course in courses for page in course.pages
                       for segment in page.blocks("quiz")
                       if segment.quiz.attempts is None and segment.quiz.draw is None]  # fmt: skip
            fields = [_field(course, page, segment.worksheet) for course in courses for page in course.pages
                      for segment in page.blocks("worksheet")]  # fmt: skip
    return {
        "password": PASSWORD,
        "emails": emails,
        "courses": [c.slug for c in courses],
        "pages": pages,
        "quizzes": quizzes,
        "fields": [f for f in fields if f],
        "admin": admin,
        "certificates": codes,
        "cohort": cohort,
        "team": team,
        "rows": counts,
    }


def _cohort(courses: list[Course], rng: random.Random) -> dict[str, Any]:
    """Every learner in one district cohort, with the first credit course assigned to it."""
    course = next((c for c in courses if c.credit.hours), courses[0])
    now = utcnow()
    district = Organisation(name="Bench Unified School District")
    db.session.add(district)
    db.session.flush()
    schools = [Organisation(name=f"Bench School {i}", parent_id=district.id) for i in range(1, 11)]
    cohort = Cohort(organisation_id=district.id, name="All staff", join_code="bench-join-code")
    db.session.add_all([*schools, cohort])
    db.session.flush()
    roles = ["Teacher", "Paraprofessional", "Bus driver", "Cafeteria staff", "Custodian", "Counselor", "Office staff"]
    user_ids = db.session.scalars(select(User.id).where(User.role == Role.LEARNER.value).order_by(User.id)).all()
    db.session.execute(insert(CohortMember), [
        {"cohort_id": cohort.id, "user_id": user_id, "staff_role": rng.choice(roles),
         "school_id": rng.choice(schools).id, "active": True, "added_at": now}
        for user_id in user_ids
    ])  # fmt: skip
    assignment = Assignment(cohort_id=cohort.id, course_slug=course.slug, due_on=now.date() + timedelta(days=30))
    leader = User(email="bench-leader@example.org", name="Bench Leader", role="leader",
                  password_hash=generate_password_hash(PASSWORD))  # fmt: skip
    db.session.add_all([assignment, leader])
    db.session.flush()
    db.session.add(LeaderGrant(user_id=leader.id, organisation_id=district.id))
    # Paced over a school year that started two months ago: two modules are past their due date.
    start = now.date() - timedelta(days=61)
    dates = plan_dates(SCHOOL_YEAR, start, [m.slug for m in course.modules], opening=False)  # learners read on
    db.session.add(PacingPlan(assignment_id=assignment.id, plan=SCHOOL_YEAR, starts_on=start))
    db.session.add_all(
        ModuleDate(assignment_id=assignment.id, module=d.module, opens_on=d.opens_on, due_on=d.due_on) for d in dates
    )
    assignment.due_on = dates[-1].due_on
    module = _discussion(cohort, course, user_ids, rng)
    with current_app.test_request_context():
        dashboard = url_for("cohorts.assignment", cohort_id=cohort.id, assignment_id=assignment.id)
        export = url_for("cohorts.export", cohort_id=cohort.id, assignment_id=assignment.id)
        discussion = url_for("circles.discussion", cohort_id=cohort.id, slug=course.slug, module=module)
    return {"id": cohort.id, "leader": leader.email, "dashboard": dashboard, "export": export, "members": len(user_ids),
            "discussion": discussion}  # fmt: skip


DISCUSSION_POSTS = 200  # half of them threads, half replies


def _discussion(cohort: Cohort, course: Course, user_ids: list[int], rng: random.Random) -> str:
    """The cohort's discussion of the course's first module: DISCUSSION_POSTS posts by its members."""
    module = course.modules[0].slug
    now = utcnow()
    circle = Circle(cohort_id=cohort.id, course_slug=course.slug, module_slug=module, created_at=now)
    db.session.add(circle)
    db.session.flush()
    threads = DISCUSSION_POSTS // 2
    body = "We tried **greeting every student** at the door this week.\n\nThe first minutes of class were calmer."
    db.session.execute(insert(CirclePost), [
        {"circle_id": circle.id, "author_id": rng.choice(user_ids), "body": body,
         "created_at": now - timedelta(hours=i), "activity_at": now - timedelta(hours=i)}
        for i in range(threads)
    ])  # fmt: skip
    thread_ids = db.session.scalars(select(CirclePost.id).where(CirclePost.circle_id == circle.id)).all()
    db.session.execute(insert(CirclePost), [
        {"circle_id": circle.id, "parent_id": rng.choice(thread_ids), "author_id": rng.choice(user_ids),
         "body": "Same here: the quiet ones *answered first*.", "created_at": now, "activity_at": now}
        for _ in range(DISCUSSION_POSTS - threads)
    ])  # fmt: skip
    return module


TEAM_ITEMS = 40  # items of the team's plan besides each member's own


def _team(courses: list[Course], cohort: dict[str, Any], emails: list[str]) -> dict[str, Any]:
    """A team of the cohort with the load clients' learners in it, and its plan for the assigned course:
    one item per member (the one their client edits, so that no two clients edit the same item) among
    others, each with a line of history."""
    course = next((c for c in courses if c.credit.hours), courses[0])
    now = utcnow()
    team = Team(cohort_id=cohort["id"], name="Bench implementation team", join_code="BENCHTEA")
    db.session.add(team)
    db.session.flush()
    people = db.session.execute(select(User.id, User.email).where(User.email.in_(emails))).all()
    db.session.execute(insert(TeamMember), [{"team_id": team.id, "user_id": user_id, "facilitator": False,
                                             "added_at": now} for user_id, _ in people])  # fmt: skip
    sections = [s.id for s in course.team_plan]
    owners = [(user_id, email) for user_id, email in people] + [(people[0][0], None)] * TEAM_ITEMS
    items: dict[str, str] = {}
    for n, (user_id, email) in enumerate(owners):
        item = TeamPlanItem(
            team_id=team.id, course_slug=course.slug, section_id=sections[n % len(sections)],
            text=f"Greet every student at the door, step {n + 1}", owner_id=user_id, owner_text="",
            status="not-started", version=1, created_by=user_id, created_at=now, updated_by=user_id, updated_at=now,
        )  # fmt: skip
        db.session.add(item)
        db.session.flush()
        db.session.add(TeamPlanChange(team_id=team.id, course_slug=course.slug, item_id=item.id, user_id=user_id,
                                      action="added", summary=f"Added “{item.text}”.", at=now))  # fmt: skip
        if email is not None:
            with current_app.test_request_context():
                items[email] = url_for("teams.item", team_id=team.id, slug=course.slug, item_id=item.id)
    return {"id": team.id, "items": items}


def _admin() -> str:
    email = "bench-admin@example.org"
    db.session.execute(
        insert(User),
        [{"email": email, "name": "Bench Admin", "password_hash": generate_password_hash(PASSWORD), "role": "admin"}],
    )
    return email


def _certificates(courses: list[Course], count: int) -> list[str]:
    """Issued certificates whose PDF is not rendered yet, spread over learners and renewal cycles, with
    what the app prints on them now: the demo provider's details, logo and signature, and the course's
    first credit profile."""
    course = next((c for c in courses if c.credit.hours), None)
    if course is None:
        return []
    demo_provider()
    provider = credit.provider_for(course)
    profile = credit.all_profiles()[course.credit.profiles[0]] if course.credit.profiles else None
    user_ids = db.session.scalars(select(User.id).where(User.role == Role.LEARNER.value).order_by(User.id)).all()
    now = utcnow()
    printed = credit.printed(profile, provider, course, now) if profile and provider else None
    snapshot: dict[str, Any] = {
        "provider_name": course.provider.name, "approval_number": course.provider.approval_number,
        "provider_contact": course.provider.contact,
    }  # fmt: skip
    if printed is not None:
        snapshot = {
            "provider_name": printed.provider_name, "approval_number": printed.provider_number,
            "provider_contact": printed.provider_contact, "credit_profile": printed.profile,
            "credit_name": printed.credit_name, "credit_amount": printed.amount, "credit_unit": printed.unit,
            "statement": printed.statement, "printed_lines": [list(line) for line in printed.lines],
            "signatory_name": printed.signatory_name, "signatory_title": printed.signatory_title,
            "signature_asset_id": printed.signature_asset_id, "logo_asset_id": printed.logo_asset_id,
        }  # fmt: skip
    rows = []
    for i in range(count):
        user_id, cycle = user_ids[i % len(user_ids)], 1 + i // len(user_ids)
        rows.append({
            "code": new_code(), "user_id": user_id, "course_slug": course.slug, "cycle": cycle, "generation": 0,
            "learner_name": f"Bench Learner {user_id}", "course_title": course.title, "course_version": course.version,
            "hours": course.credit.hours, "credit_type": course.credit.credit_type, "ceu": course.credit.ceu,
            "design": course.certificate_design, "completed_at": now, "issued_at": now, **snapshot,
        })  # fmt: skip
    db.session.execute(insert(Certificate), rows)
    return [row["code"] for row in rows]


def _page_url(course: Course, page) -> str:
    return url_for("learning.page", slug=course.slug, module=page.module.slug, page=page.slug)


CLIENT_LEARNERS = 64  # the learners the load clients sign in as (one each), and then some
SHOWN_ATTEMPTS = 400  # attempts per client and quiz the quiz-submit workload may reach


def _quiz_showings(courses: list[Course], emails: list[str]) -> None:
    """The quiz page shown for each attempt the quiz-submit workload sends: an attempt may only be graded
    against the version shown for it, and the workload posts one attempt after another without
    opening the page in between (one request per call)."""
    user_ids = db.session.scalars(select(User.id).where(User.email.in_(emails))).all()
    rows = []
    for course in courses:
        for page in course.pages:
            for segment in page.blocks("quiz"):
                quiz = segment.quiz
                remember_version(course, quiz)
                db.session.flush()
                version_id = db.session.scalar(
                    select(QuizVersion.id).filter_by(course_slug=course.slug, quiz_id=quiz.id, version=quiz.version)
                )
                rows += [
                    {"user_id": user_id, "course_slug": course.slug, "quiz_id": quiz.id, "cycle": 1, "number": number,
                     "quiz_version_id": version_id}
                    for user_id in user_ids
                    for number in range(1, SHOWN_ATTEMPTS + 1)
                ]  # fmt: skip
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(QuizShown), rows[start : start + 5000])


def _quiz(course: Course, page, quiz) -> dict[str, Any]:
    """Where a quiz is and a right answer to each question, as a browser would post them."""
    answers: dict[str, Any] = {}
    for question in quiz.questions:
        if question.is_choice:
            answers[f"q-{question.id}"] = [c.id for c in question.choices if c.correct]
        else:
            answers[f"q-{question.id}"] = question.answers[0]
    return {
        "page": _page_url(course, page),
        "submit": url_for("quizzes.submit", slug=course.slug, quiz_id=quiz.id),
        "answers": answers,
    }


def _field(course: Course, page, worksheet) -> dict[str, Any] | None:
    """The first long-text field of a worksheet: the one learners type the most into."""
    field = next((f for f in worksheet.fields if f.type == "long-text"), None)
    if field is None:
        return None
    return {
        "page": _page_url(course, page),
        "url": url_for("worksheets.autosave", slug=course.slug, worksheet_id=worksheet.id, field_id=field.id),
    }


def _learners(n: int) -> list[str]:
    """``n`` learner accounts sharing one password hash (hashing is slow on purpose)."""
    password_hash = generate_password_hash(PASSWORD)
    emails = [f"bench-learner-{i:05d}@example.org" for i in range(1, n + 1)]
    rows = [
        {"email": email, "name": f"Bench Learner {i}", "password_hash": password_hash, "role": Role.LEARNER.value}
        for i, email in enumerate(emails, start=1)
    ]
    db.session.execute(insert(User), rows)
    return emails


def _progress(courses: list[Course], rng: random.Random) -> None:
    """Each learner is enrolled in every course and has read a prefix of it: from nothing to everything."""
    now = utcnow()
    user_ids = db.session.scalars(select(User.id).where(User.role == Role.LEARNER.value).order_by(User.id)).all()
    for course in courses:
        keys = [page.key for page in course.pages]
        read = {user_id: rng.randint(0, len(keys)) for user_id in user_ids}
        started = {user_id: now - timedelta(days=rng.uniform(1, HISTORY_DAYS)) for user_id in user_ids}
        db.session.execute(
            insert(Enrolment),
            [
                {
                    "user_id": user_id,
                    "course_slug": course.slug,
                    "enrolled_at": started[user_id],
                    "last_page_key": keys[read[user_id] - 1] if read[user_id] else None,
                    "pages_visited": read[user_id],
                    "last_activity_at": started[user_id] + timedelta(minutes=20 * read[user_id]),
                }
                for user_id in user_ids
            ],
        )
        enrolments = db.session.execute(
            select(Enrolment.user_id, Enrolment.id).where(Enrolment.course_slug == course.slug)
        ).all()
        pages = [
            {
                "enrolment_id": enrolment_id,
                "page_key": key,
                "first_visited_at": started[user_id] + timedelta(minutes=20 * i),
                "last_visited_at": started[user_id] + timedelta(minutes=20 * i + 5),
                "seconds": rng.randint(30, 900),
            }
            for user_id, enrolment_id in enrolments
            for i, key in enumerate(keys[: read[user_id]])
        ]
        if not pages:
            continue
        db.session.execute(insert(PageProgress), pages)
        progress = db.session.execute(
            select(PageProgress.id, PageProgress.seconds, PageProgress.first_visited_at)
            .join(Enrolment)
            .where(Enrolment.course_slug == course.slug)
        ).all()
        db.session.execute(insert(PageVisit), [visit for row in progress for visit in _visits(*row, rng)])


def _visits(progress_id: int, seconds: int, started, rng: random.Random) -> list[dict[str, Any]]:
    """One to three visits that add up to the page's seat time."""
    count = rng.randint(1, 3)
    shares = [seconds // count + (1 if i < seconds % count else 0) for i in range(count)]
    visits = []
    for i, share in enumerate(shares):
        at = started + timedelta(hours=i)
        visits.append(
            {
                "token": secrets.token_urlsafe(16),
                "page_progress_id": progress_id,
                "started_at": at,
                "last_beat_at": at + timedelta(seconds=share),
                "seconds": share,
            }
        )
    return visits


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))
