"""Loading what a learner has done in a course: pages read, time, quizzes passed, worksheets done, practice
logged, and whether they have finished it with the evaluation and attestation."""

from __future__ import annotations

from sqlalchemy import func, select

from courseware.courses import Course
from courseware.courses.case_study import is_done
from courseware.courses.worksheet import is_filled
from courseware.extensions import db
from courseware.models import (
    Assignment,
    Attestation,
    CaseStudyResponse,
    Circle,
    CirclePost,
    CohortMember,
    Enrolment,
    PageProgress,
    PracticeEntry,
    QuizAttempt,
    User,
    WorksheetAnswer,
    WorksheetEntry,
)
from courseware.progress.enrolments import find_enrolment
from courseware.progress.rules import CourseProgress
from courseware.progress.tracks import course_on_track


def progress_for(user: User | None, course: Course, enrolment: Enrolment | None = None) -> CourseProgress:
    """The learner's progress in their current cycle; empty for someone signed out or not enrolled."""
    if user is None or not user.is_authenticated:
        return CourseProgress(course, None)
    enrolment = enrolment or find_enrolment(user.id, course.slug)
    if enrolment is None:
        return CourseProgress(course, None)
    course = course_on_track(course, enrolment)  # what counts is what the learner's track holds
    rows = db.session.execute(
        select(PageProgress.page_key, PageProgress.seconds).where(PageProgress.enrolment_id == enrolment.id)
    ).all()
    passed = passed_quiz_ids(user.id, course.slug, enrolment.cycle) if course.has_blocks("quiz") else set()
    worksheets = None
    if course.completion.worksheets_required and course.has_blocks("worksheet"):
        worksheets = done_worksheets(course, user.id)
    case_studies = None
    if course.completion.case_studies_required and course.has_blocks("case_study"):
        case_studies = done_case_studies(course, user.id, enrolment.cycle)
    practice = practice_minutes(user.id, course.slug, enrolment.cycle) if course.has_blocks("practice") else {}
    discussed = discussed_modules(user.id, course) if _requires_discussion(course) else None
    return CourseProgress(
        course,
        enrolment,
        {key for key, _ in rows},
        sum(seconds for _, seconds in rows),
        passed_quizzes=passed,
        done_worksheets=worksheets,
        done_case_studies=case_studies,
        page_seconds={row.page_key: row.seconds for row in rows},
        practice_minutes=practice,
        finished=finished(course, enrolment),
        discussed=discussed,
    )


def finished(course: Course, enrolment: Enrolment) -> bool | None:
    """Whether the learner has attested this cycle (and so evaluated the course); None when the course
    asks for neither. A cycle completed already counts as finished: its completion stands."""
    if course.evaluation is None:
        return None
    if enrolment.completed_at is not None:
        return True
    attested = select(Attestation.id).filter_by(
        user_id=enrolment.user_id, course_slug=enrolment.course_slug, cycle=enrolment.cycle
    )
    return db.session.scalar(attested.limit(1)) is not None


def passed_quiz_ids(user_id: int, course_slug: str, cycle: int) -> set[str]:
    query = select(QuizAttempt.quiz_id).filter_by(user_id=user_id, course_slug=course_slug, cycle=cycle, passed=True)
    return set(db.session.scalars(query.distinct()))


def practice_minutes(user_id: int, course_slug: str, cycle: int) -> dict[str, int]:
    """Minutes logged in each practice block of the course in this cycle (before any cap)."""
    rows = db.session.execute(
        select(PracticeEntry.practice_id, func.sum(PracticeEntry.minutes))
        .where(PracticeEntry.user_id == user_id, PracticeEntry.course_slug == course_slug)
        .where(PracticeEntry.cycle == cycle)
        .group_by(PracticeEntry.practice_id)
    ).all()
    return {practice_id: int(minutes) for practice_id, minutes in rows}


def done_worksheets(course: Course, user_id: int) -> set[str]:
    """Ids of the worksheets this learner has completed: every required field filled. A worksheet
    without required fields never holds a learner back."""
    rows = db.session.execute(
        select(WorksheetEntry.worksheet_id, WorksheetAnswer.field_id, WorksheetAnswer.value)
        .join(WorksheetAnswer, WorksheetAnswer.entry_id == WorksheetEntry.id)
        .where(WorksheetEntry.user_id == user_id, WorksheetEntry.course_slug == course.slug)
    ).all()
    filled: dict[str, set[str]] = {}
    for worksheet_id, field_id, value in rows:
        if is_filled(value):
            filled.setdefault(worksheet_id, set()).add(field_id)
    done = set()
    for page in course.pages:
        for segment in page.blocks("worksheet"):
            required = {f.id for f in segment.worksheet.fields if f.required}
            if required <= filled.get(segment.worksheet.id, set()):
                done.add(segment.worksheet.id)
    return done


def done_case_studies(course: Course, user_id: int, cycle: int) -> set[str]:
    """Ids of the case studies of the course this learner has responded to and self-scored in this cycle,
    against each rubric as it stands."""
    rows = db.session.execute(
        select(CaseStudyResponse.case_study_id, CaseStudyResponse.response, CaseStudyResponse.scores).where(
            CaseStudyResponse.user_id == user_id,
            CaseStudyResponse.course_slug == course.slug,
            CaseStudyResponse.cycle == cycle,
        )
    ).all()
    found = {case_id: (response, scores) for case_id, response, scores in rows}
    done = set()
    for page in course.pages:
        for segment in page.blocks("case_study"):
            case = segment.case_study
            if case.id in found and is_done(case, *found[case.id]):
                done.add(case.id)
    return done


def _requires_discussion(course: Course) -> bool:
    return any(seg.discussion.required for page in course.pages for seg in page.blocks("discussion"))


def discussed_modules(user_id: int, course: Course) -> set[str] | None:
    """The modules of the course in whose circle the learner has posted (a post they deleted does not
    count), in the cohorts they are an active member of that have the course assigned: the cohort's circle
    or one of its teams' (a team's circle belongs to its cohort too, so one query asks both); None when they
    are in no such cohort: they take the course alone, and have no circle to post in."""
    cohorts = select(CohortMember.cohort_id).where(CohortMember.user_id == user_id, CohortMember.active.is_(True))
    assigned = select(Assignment.cohort_id).where(
        Assignment.course_slug == course.slug, Assignment.cohort_id.in_(cohorts)
    )
    if db.session.scalar(assigned.limit(1)) is None:
        return None
    return set(
        db.session.scalars(
            select(Circle.module_slug)
            .join(CirclePost, CirclePost.circle_id == Circle.id)
            .where(Circle.course_slug == course.slug, Circle.cohort_id.in_(assigned))
            .where(CirclePost.author_id == user_id, CirclePost.deleted_at.is_(None))
            .distinct()
        )
    )
