"""Grades sent back to the platform (Assignment and Grade Services): a course link's line item gets
100 of 100 when the course is completed; a module link's gets the module's score after each graded
quiz of it: the learner's best percentage at each of the module's graded quizzes (every quiz but the
pre-check, which has no pass mark), averaged over them, a quiz not yet taken counting 0. The
listeners only queue a job per launch, in the learner's transaction; the job
posts the score, retried by the job table, and gives up at once when the platform refuses it in a
way that another try cannot change (a 4xx other than 401, 408 and 429), with the platform's answer
as the job's error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, cast, func, select

from courseware import events, jobs
from courseware.courses import catalog
from courseware.extensions import db
from courseware.lti import protocol, registrations
from courseware.models import LtiLaunch, QuizAttempt, SignInIdentity

POST_SCORE = "lti.post_score"


def _launches(user_id: int, course_slug: str) -> list[LtiLaunch]:
    """The person's launches of links to the course that can take a score: by each LTI identity of
    theirs, whichever platform it is at."""
    identities = db.session.execute(
        select(SignInIdentity.provider, SignInIdentity.subject).where(
            SignInIdentity.user_id == user_id, SignInIdentity.provider.like("lti:%")
        )
    ).all()
    found: list[LtiLaunch] = []
    for provider, subject in identities:
        registration_id = provider.removeprefix("lti:")
        if not registration_id.isdigit():
            continue
        found += db.session.scalars(
            select(LtiLaunch).where(
                LtiLaunch.registration_id == int(registration_id),
                LtiLaunch.sub == subject,
                LtiLaunch.course_slug == course_slug,
                LtiLaunch.lineitem_url.is_not(None),
            )
        )
    return [launch for launch in found if protocol.SCORE_SCOPE in (launch.ags_scopes or [])]


def _queue(launch: LtiLaunch, given: float, activity: str, grading: str, at: datetime) -> None:
    jobs.enqueue(
        POST_SCORE,
        {
            "launch_id": launch.id,
            "given": given,
            "maximum": 100,
            "activity_progress": activity,
            "grading_progress": grading,
            "timestamp": at.isoformat(),
        },
    )


@events.listener(events.CourseCompleted)
def course_completed(event: events.CourseCompleted) -> None:
    for launch in _launches(event.user_id, event.course_slug):
        if launch.module_key is None:
            _queue(launch, 100, "Completed", "FullyGraded", event.at)


@dataclass(frozen=True)
class ModuleScore:
    given: float  # 0 to 100
    activity: str  # Completed: every graded quiz passed; Submitted: each taken; InProgress: some not yet
    grading: str  # FullyGraded, or Pending while some quiz is not yet taken


def module_score(user_id: int, course_slug: str, cycle: int, quiz_ids: list[str]) -> ModuleScore:
    """The learner's score at a module whose graded quizzes are ``quiz_ids`` in this round (cycle):
    the best score at each, averaged over them all. One query."""
    best = {
        quiz_id: (score, bool(passed))
        for quiz_id, score, passed in db.session.execute(
            select(QuizAttempt.quiz_id, func.max(QuizAttempt.score), func.max(cast(QuizAttempt.passed, Integer)))
            .where(
                QuizAttempt.user_id == user_id,
                QuizAttempt.course_slug == course_slug,
                QuizAttempt.cycle == cycle,
                QuizAttempt.quiz_id.in_(quiz_ids),
            )
            .group_by(QuizAttempt.quiz_id)
        )
    }
    given = round(sum(best[quiz_id][0] for quiz_id in best) / len(quiz_ids), 2) if quiz_ids else 0.0
    if quiz_ids and all(best.get(quiz_id, (0, False))[1] for quiz_id in quiz_ids):
        return ModuleScore(given, "Completed", "FullyGraded")
    if all(quiz_id in best for quiz_id in quiz_ids):
        return ModuleScore(given, "Submitted", "FullyGraded")
    return ModuleScore(given, "InProgress", "Pending")


@events.listener(events.QuizSubmitted)
def quiz_graded(event: events.QuizSubmitted) -> None:
    launches = [launch for launch in _launches(event.user_id, event.course_slug) if launch.module_key is not None]
    if not launches:
        return
    course = catalog().get(event.course_slug)
    found = course.find_block("quiz", event.quiz_id) if course is not None else None
    if found is None or found[1].quiz.is_pre_check:
        return  # the pre-check has no pass mark: it measures where the learner starts
    module = found[0].module
    graded = [seg.quiz.id for page in module.pages for seg in page.blocks("quiz") if not seg.quiz.is_pre_check]
    linked = [launch for launch in launches if launch.module_key == module.slug]
    if not linked:
        return
    db.session.flush()  # the attempt just graded counts
    score = module_score(event.user_id, event.course_slug, event.cycle, graded)
    for launch in linked:
        _queue(launch, score.given, score.activity, score.grading, event.at)


@jobs.handler(POST_SCORE, max_attempts=8, timeout=60)
def post_score(payload: dict[str, Any]) -> None:
    launch = db.session.get(LtiLaunch, payload["launch_id"])
    if launch is None or launch.lineitem_url is None:
        return  # the registration was removed meanwhile: there is nowhere to post
    score = protocol.Score(
        user_sub=launch.sub,
        given=float(payload["given"]),
        maximum=float(payload["maximum"]),
        activity_progress=payload["activity_progress"],
        grading_progress=payload["grading_progress"],
        timestamp=payload["timestamp"],
    )
    platform = registrations.platform_of(launch.registration)
    try:
        protocol.post_score(platform, launch.lineitem_url, score)
    except protocol.KeyMissing as missing:
        raise jobs.GiveUp(f"the tool's key is missing: {missing}") from None
    except protocol.PlatformError as error:
        if error.permanent:
            raise jobs.GiveUp(f"{launch.registration.name} refused the score: {error}") from None
        raise
