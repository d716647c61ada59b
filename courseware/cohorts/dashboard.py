"""The leaders' view of an assignment: every member's status, in a fixed number of queries.

Nothing here reads what learners wrote, except the titles of entries they chose to share: of practice
logs, only the minutes that count; of discussions, only how many posts each member wrote; of case
studies, only which are done and the scores learners gave themselves, never their responses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, case, func, select

from courseware.courses import Course
from courseware.courses.case_study import CaseStudy, score_of
from courseware.courses.quiz import Quiz
from courseware.extensions import db
from courseware.growth import CohortGrowth, cohort_growth
from courseware.models import (
    Assignment,
    CaseStudyResponse,
    Certificate,
    Circle,
    CirclePost,
    CohortMember,
    Enrolment,
    Organisation,
    PageProgress,
    PracticeEntry,
    QuizAttempt,
    User,
    WorksheetEntry,
)
from courseware.models.base import utcnow
from courseware.progress import completion_lapsed

STATUSES = ("not-started", "in-progress", "completed", "revoked", "overdue")
LABELS = {
    "not-started": "Not started",
    "in-progress": "In progress",
    "completed": "Completed",
    "revoked": "Certificate revoked",
    "overdue": "Overdue",
}
SORTS = ("name", "status", "progress", "activity", "role", "school")


@dataclass
class MemberRow:
    member_id: int
    user_id: int
    name: str
    email: str
    staff_role: str
    school: str
    active: bool
    email_confirmed: bool = True  # False: never confirmed (an unused invitation, or an account from before)
    status: str = "not-started"
    track: str = ""  # the title of the member's role track, in a course with tracks ("" before they choose)
    track_id: str = ""
    pages: int = 0
    seconds: int = 0
    practice_minutes: int = 0  # logged practice that counts: each block's log up to its cap
    percent: int = 0
    hours: float = 0
    last_activity: datetime | None = None
    completed_at: datetime | None = None
    certificate_code: str | None = None
    certificate_cycle: int = 0
    revoked: bool = False  # the current cycle's certificate was revoked: the completion earns no credit
    scores: dict[str, int] = field(default_factory=dict)
    shared: list[tuple[int, str]] = field(default_factory=list)
    posts: dict[str, int] = field(default_factory=dict)  # module slug -> posts in the cohort's discussion of it
    before: int | None = None  # the pre-check's score in the current round, where the course has one
    after: int | None = None  # the first try at the growth check
    case_studies: int = 0  # the case studies of the member's track in the course
    case_scores: list[int] = field(default_factory=list)  # the self-score, in percent, of each one done

    @property
    def post_total(self) -> int:
        return sum(self.posts.values())

    @property
    def case_studies_done(self) -> int:
        return len(self.case_scores)

    @property
    def case_score_average(self) -> int | None:
        """The average self-score of the case studies done, in percent; None before any is done."""
        return round(sum(self.case_scores) / len(self.case_scores)) if self.case_scores else None


@dataclass
class Dashboard:
    rows: list[MemberRow]
    counts: dict[str, int]
    roles: list[str]
    schools: list[str]
    inactive: int
    growth: CohortGrowth | None = None  # the active members' scores before and after, in a course measuring growth

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def build(assignment: Assignment, course: Course, now: datetime | None = None) -> Dashboard:
    now = now or utcnow()
    today = now.date()
    cohort_users = select(CohortMember.user_id).where(CohortMember.cohort_id == assignment.cohort_id)
    rows: dict[int, MemberRow] = {}
    cycles: dict[int, int] = {}
    tracks: dict[int, str | None] = {}
    for (member_id, user_id, name, email, verified_at, role, school, active,
         cycle, pages, seconds, completed_at, activity, track) in db.session.execute(
        select(CohortMember.id, CohortMember.user_id, User.name, User.email, User.email_verified_at,
               CohortMember.staff_role, Organisation.name, CohortMember.active, Enrolment.cycle,
               Enrolment.pages_visited, Enrolment.seconds, Enrolment.completed_at, Enrolment.last_activity_at,
               Enrolment.track)
        .join(User, User.id == CohortMember.user_id)
        .outerjoin(Organisation, Organisation.id == CohortMember.school_id)
        .outerjoin(Enrolment, (Enrolment.user_id == CohortMember.user_id) & (Enrolment.course_slug == course.slug))
        .where(CohortMember.cohort_id == assignment.cohort_id)
    ).all():  # fmt: skip
        row = rows.get(user_id)
        if row is None:
            row = rows[user_id] = MemberRow(
                member_id, user_id, name, email, role or "", school or "", active, verified_at is not None
            )
        if cycle is not None and cycle > cycles.get(user_id, 0):  # the current renewal cycle counts
            cycles[user_id] = cycle
            row.pages, row.seconds, row.completed_at, row.last_activity = pages, seconds, completed_at, activity
            tracks[user_id] = track

    for user_id, quiz_id, best in db.session.execute(
        select(QuizAttempt.user_id, QuizAttempt.quiz_id, func.max(QuizAttempt.score))
        .where(QuizAttempt.course_slug == course.slug, QuizAttempt.user_id.in_(cohort_users))
        .group_by(QuizAttempt.user_id, QuizAttempt.quiz_id)
    ).all():
        rows[user_id].scores[quiz_id] = best

    for user_id, code, hours, cycle, revoked_at in db.session.execute(
        select(Certificate.user_id, Certificate.code, Certificate.hours, Certificate.cycle, Certificate.revoked_at)
        .where(Certificate.course_slug == course.slug, Certificate.user_id.in_(cohort_users))
        .where(Certificate.replaced_by_id.is_(None))
        .order_by(Certificate.cycle)
    ).all():  # the latest cycle's certificate, revoked or not, is the one that counts
        row = rows[user_id]
        row.certificate_code, row.certificate_cycle = code, cycle
        row.revoked = revoked_at is not None
        row.hours = 0 if row.revoked else hours

    for entry_id, user_id, title in db.session.execute(
        select(WorksheetEntry.id, WorksheetEntry.user_id, WorksheetEntry.title)
        .where(WorksheetEntry.course_slug == course.slug, WorksheetEntry.shared.is_(True))
        .where(WorksheetEntry.user_id.in_(cohort_users))
        .order_by(WorksheetEntry.id)
    ).all():
        rows[user_id].shared.append((entry_id, title))

    _count_practice(course, rows, cycles, cohort_users)
    _count_case_studies(course, rows, cycles, tracks, cohort_users)
    _count_posts(assignment, course, rows)
    growth = cohort_growth(course, cohort_users, cycles)
    if growth is not None:
        for user_id, (before, after) in growth.scores.items():
            rows[user_id].before, rows[user_id].after = before, after

    total_pages = len(course.pages) or 1
    # In a course with tracks, each member's progress is of their track's pages (no query: compiled views).
    track_pages = {t.id: len(course.for_track(t.id).pages) or 1 for t in course.tracks}
    # The rule the learner's own course page follows, for this assignment's renewal period.
    months = min((m for m in (course.validity_months, assignment.renewal_months) if m), default=None)
    for row in rows.values():
        if completion_lapsed(row.completed_at, months, now):  # the new round of the course has not been started
            row.pages, row.practice_minutes, row.completed_at = 0, 0, None
            row.case_scores, row.before, row.after = [], None, None
        if row.certificate_cycle and row.certificate_cycle < cycles.get(row.user_id, 0):
            row.revoked = False  # revoked in an earlier cycle; the learner is taking the course again
        chosen = course.track_named(tracks.get(row.user_id))
        row.track, row.track_id = (chosen.title, chosen.id) if chosen is not None else ("", "")
        row.percent = min(100, round(100 * row.pages / track_pages.get(chosen.id if chosen else "", total_pages)))
        if row.percent == 100 and row.completed_at is None:
            row.percent = 99  # every page read, but not every requirement met
        row.status = _status(row, assignment, today)

    current = [r for r in rows.values() if r.active]
    if growth is not None:  # the summary is of the members shown
        growth = CohortGrowth({r.user_id: (r.before, r.after) for r in current})
    counts = dict.fromkeys(STATUSES, 0)
    for row in current:
        counts[row.status] += 1
    return Dashboard(
        rows=current,
        counts=counts,
        roles=sorted({r.staff_role for r in current if r.staff_role}, key=str.lower),
        schools=sorted({r.school for r in current if r.school}, key=str.lower),
        inactive=len(rows) - len(current),
        growth=growth,
    )


def _count_practice(course: Course, rows: dict[int, MemberRow], cycles: dict[int, int], cohort_users: Select) -> None:
    """Each member's practice minutes in their current cycle, as the progress rules count them: the
    log of each block up to the block's cap (nothing for a block no longer in the course)."""
    caps = {seg.practice.id: seg.practice.cap for page in course.pages for seg in page.blocks("practice")}
    if not caps:
        return
    for user_id, cycle, practice_id, minutes in db.session.execute(
        select(PracticeEntry.user_id, PracticeEntry.cycle, PracticeEntry.practice_id, func.sum(PracticeEntry.minutes))
        .where(PracticeEntry.course_slug == course.slug, PracticeEntry.user_id.in_(cohort_users))
        .group_by(PracticeEntry.user_id, PracticeEntry.cycle, PracticeEntry.practice_id)
    ).all():
        if cycle == cycles.get(user_id):
            rows[user_id].practice_minutes += min(int(minutes), caps.get(practice_id, 0))


def _count_case_studies(
    course: Course,
    rows: dict[int, MemberRow],
    cycles: dict[int, int],
    tracks: dict[int, str | None],
    cohort_users: Select,
) -> None:
    """Each member's case studies done in their current cycle (responded to and self-scored against the rubric as
    it stands), of those on their track, and the score of each (one query; never the responses)."""
    if not course.has_blocks("case_study"):
        return
    whole = _case_studies(course)
    on_track = {t.id: _case_studies(course.for_track(t.id)) for t in course.tracks}
    for row in rows.values():
        row.case_studies = len(on_track.get(tracks.get(row.user_id) or "", whole))
    for user_id, cycle, case_id, scores in db.session.execute(
        select(CaseStudyResponse.user_id, CaseStudyResponse.cycle, CaseStudyResponse.case_study_id,
               CaseStudyResponse.scores)
        .where(CaseStudyResponse.course_slug == course.slug, CaseStudyResponse.user_id.in_(cohort_users))
        .where(CaseStudyResponse.scored_revision > 0)
    ).all():  # fmt: skip
        case = on_track.get(tracks.get(user_id) or "", whole).get(case_id)
        if case is None or cycle != cycles.get(user_id):
            continue
        score = score_of(case, scores)
        if score.complete:
            rows[user_id].case_scores.append(score.percent)


def _case_studies(course: Course) -> dict[str, CaseStudy]:
    return {seg.case_study.id: seg.case_study for page in course.pages for seg in page.blocks("case_study")}


def _count_posts(assignment: Assignment, course: Course, rows: dict[int, MemberRow]) -> None:
    """How many posts and replies each member wrote in the discussions of each module: the cohort's and its
    teams' (a team's circle belongs to the cohort too; one query; a post its author deleted does not count, a
    hidden one does). Never the text."""
    if not course.has_blocks("discussion"):
        return
    for user_id, module, count in db.session.execute(
        select(CirclePost.author_id, Circle.module_slug, func.count(CirclePost.id))
        .join(Circle, Circle.id == CirclePost.circle_id)
        .where(Circle.cohort_id == assignment.cohort_id, Circle.course_slug == course.slug)
        .where(CirclePost.deleted_at.is_(None))
        .group_by(CirclePost.author_id, Circle.module_slug)
    ).all():
        if user_id in rows:  # a leader's posts are not a member's
            rows[user_id].posts[module] = int(count)


def discussion_modules(course: Course) -> list:
    """The modules of the course with a discussion block, in order."""
    return [m for m in course.modules if any(p.has_blocks("discussion") for p in m.pages)]


def quiz_labels(course: Course) -> list[tuple[Quiz, str]]:
    """Each quiz of the course with the name leaders know it by: its module, and its title where a
    module has more than one quiz ("Module 2", "Module 3: Warm-up"). The pre-check, which has no pass
    mark, is left out: its score is shown as the growth's "before"."""
    found = [
        (m, seg.quiz)
        for m in course.modules
        for page in m.pages
        for seg in page.blocks("quiz")
        if not seg.quiz.is_pre_check
    ]
    per_module: dict[str, int] = {}
    for module, _ in found:
        per_module[module.slug] = per_module.get(module.slug, 0) + 1
    labels = []
    for module, quiz in found:
        label = f"Module {course.modules.index(module) + 1}"
        labels.append((quiz, f"{label}: {quiz.title}" if per_module[module.slug] > 1 else label))
    return labels


def module_seconds(assignment: Assignment, course: Course) -> dict[int, dict[str, int]]:
    """Seat time by member and module in the current cycle: {user id: {module slug: seconds}}.

    One query whatever the cohort's size: the database adds up the page rows, module by module.
    """
    modules = [m for m in course.modules if m.pages]
    if not modules:
        return {}
    module_of = case(
        *[(PageProgress.page_key.in_([p.key for p in m.pages]), m.slug) for m in modules], else_=None
    ).label("module")
    latest = (
        select(Enrolment.user_id, func.max(Enrolment.cycle).label("cycle"))
        .where(Enrolment.course_slug == course.slug)
        .where(
            Enrolment.user_id.in_(select(CohortMember.user_id).where(CohortMember.cohort_id == assignment.cohort_id))
        )
        .group_by(Enrolment.user_id)
        .subquery()
    )
    found: dict[int, dict[str, int]] = {}
    for user_id, module, seconds in db.session.execute(
        select(Enrolment.user_id, module_of, func.sum(PageProgress.seconds))
        .join(PageProgress, PageProgress.enrolment_id == Enrolment.id)
        .join(latest, (latest.c.user_id == Enrolment.user_id) & (latest.c.cycle == Enrolment.cycle))
        .where(Enrolment.course_slug == course.slug)
        .group_by(Enrolment.user_id, module_of)
    ).all():
        if module is not None:
            found.setdefault(user_id, {})[module] = int(seconds or 0)
    return found


def _status(row: MemberRow, assignment: Assignment, today: date) -> str:
    if row.revoked:
        return "revoked"
    if row.completed_at is not None:
        return "completed"
    if today > assignment.due_on:
        return "overdue"
    return "in-progress" if row.pages else "not-started"


def select_rows(
    dashboard: Dashboard, status: str, role: str, school: str, sort: str, descending: bool
) -> list[MemberRow]:
    def wanted(r: MemberRow) -> bool:
        return (
            (not status or r.status == status)
            and (not role or r.staff_role == role)
            and (not school or r.school == school)
        )

    rows = [r for r in dashboard.rows if wanted(r)]
    keys = {
        "name": lambda r: r.name.lower(),
        "status": lambda r: (STATUSES.index(r.status), r.name.lower()),
        "progress": lambda r: (r.percent, r.name.lower()),
        "activity": lambda r: (r.last_activity or datetime.min.replace(tzinfo=utcnow().tzinfo), r.name.lower()),
        "role": lambda r: (r.staff_role.lower(), r.name.lower()),
        "school": lambda r: (r.school.lower(), r.name.lower()),
    }
    return sorted(rows, key=keys.get(sort, keys["name"]), reverse=descending)
