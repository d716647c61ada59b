"""State changes for cohorts: organisations, leaders, rosters, joining, assignments and reminders."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from courseware.cohorts import access, roster_files
from courseware.cohorts.domains import owner_of
from courseware.cohorts.pacing import Pacing
from courseware.cohorts.roster import ParsedRoster, RosterRow
from courseware.credit.services import queue_issue_waiting
from courseware.database import affected
from courseware.extensions import db
from courseware.jobs import enqueue_email_unless_held, enqueue_emails, keys_since
from courseware.models import (
    Assignment,
    Cohort,
    CohortMember,
    LeaderGrant,
    ModuleDate,
    Organisation,
    OrganisationDomain,
    OrganisationSignIn,
    PacingPlan,
    PasswordReset,
    Role,
    RosterUpload,
    User,
)
from courseware.models.base import utcnow
from courseware.models.user import new_session_token
from courseware.urls import external_url

INVITATION_DAYS = 14
UNCHOSEN_HASH = "!"  # the password hash of an account whose owner has not chosen a password yet
REMINDER_INTERVAL = timedelta(hours=24)  # a member gets at most one reminder per assignment in this time


def create_organisation(name: str, parent: Organisation | None = None) -> Organisation:
    organisation = Organisation(name=one_line(name, 200), parent_id=parent.id if parent else None)
    db.session.add(organisation)
    db.session.commit()
    return organisation


def set_credit_profile(organisation: Organisation, profile_key: str | None) -> None:
    """The credit profile the organisation's staff receive where a course offers it (None: a school
    follows its district). Certificates held back may now be issued with it. Commits."""
    organisation.credit_profile = profile_key
    queue_issue_waiting()
    db.session.commit()


class DomainTaken(Exception):
    """Another organisation owns this email domain."""

    def __init__(self, domain: str, owner: str) -> None:
        super().__init__(domain)
        self.domain, self.owner = domain, owner


def set_sign_in(
    organisation: Organisation,
    domain_names: list[str],
    create_accounts: bool,
    passwords_off: bool,
    new_staff_cohort: Cohort | None,
) -> None:
    """The email domains the organisation owns, and how their addresses sign in (cohorts.domains).
    Raises DomainTaken, changing nothing, when another organisation owns one of the domains.
    Commits."""
    for domain in domain_names:
        owner = owner_of(domain)
        if owner is not None and owner.id != organisation.id:
            raise DomainTaken(domain, owner.name)
    db.session.execute(
        delete(OrganisationDomain).where(
            OrganisationDomain.organisation_id == organisation.id, OrganisationDomain.domain.not_in(domain_names)
        )
    )
    owned = select(OrganisationDomain.domain).where(OrganisationDomain.organisation_id == organisation.id)
    kept = set(db.session.scalars(owned))
    db.session.add_all(
        OrganisationDomain(organisation_id=organisation.id, domain=domain)
        for domain in domain_names
        if domain not in kept
    )
    settings = db.session.get(OrganisationSignIn, organisation.id)
    if settings is None:
        settings = OrganisationSignIn(organisation_id=organisation.id)
        db.session.add(settings)
    settings.create_accounts = create_accounts
    settings.passwords_off = passwords_off
    settings.new_staff_cohort_id = new_staff_cohort.id if new_staff_cohort else None
    try:
        db.session.commit()
    except IntegrityError:  # another organisation took one of the domains meanwhile
        db.session.rollback()
        for domain in domain_names:
            owner = owner_of(domain)
            if owner is not None and owner.id != organisation.id:
                raise DomainTaken(domain, owner.name) from None
        raise


def grant_leader(user: User, organisation: Organisation | None = None, cohort: Cohort | None = None) -> LeaderGrant:
    grant = LeaderGrant(
        user_id=user.id,
        organisation_id=organisation.id if organisation else None,
        cohort_id=cohort.id if cohort else None,
    )
    if user.role == Role.LEARNER:
        user.role = Role.LEADER
    db.session.add(grant)
    db.session.commit()
    return grant


def one_line(text: str, limit: int = 300) -> str:
    """Text for an email subject: on one line, and shortened with an ellipsis when too long."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def create_cohort(organisation: Organisation, name: str) -> Cohort:
    cohort = Cohort(organisation_id=organisation.id, name=one_line(name, 200), join_code=new_join_code())
    db.session.add(cohort)
    db.session.commit()
    return cohort


def new_join_code() -> str:
    return secrets.token_urlsafe(9)


def rotate_join_code(cohort: Cohort) -> None:
    cohort.join_code = new_join_code()
    cohort.join_enabled = True
    db.session.commit()


def set_join_enabled(cohort: Cohort, enabled: bool) -> None:
    cohort.join_enabled = enabled
    db.session.commit()


def cohort_for_join_code(code: str) -> Cohort | None:
    return db.session.scalar(select(Cohort).where(Cohort.join_code == code))


def join(cohort: Cohort, user: User) -> CohortMember:
    member = db.session.scalar(select(CohortMember).filter_by(cohort_id=cohort.id, user_id=user.id))
    if member is None:
        member = CohortMember(cohort_id=cohort.id, user_id=user.id)
        db.session.add(member)
    member.active, member.deactivated_at = True, None
    try:
        db.session.commit()
    except IntegrityError:  # joined twice at once: the other request's membership stands
        db.session.rollback()
        joined = db.session.scalar(select(CohortMember).filter_by(cohort_id=cohort.id, user_id=user.id))
        if joined is None:
            raise
        member = joined
    return member


def schools_of(cohort: Cohort) -> dict[str, int]:
    """Lowercase school names a roster may name: the cohort's organisation, its schools, and its district's."""
    organisation = cohort.organisation
    root = organisation.parent_id or organisation.id
    rows = db.session.execute(
        select(Organisation.name, Organisation.id).where((Organisation.id == root) | (Organisation.parent_id == root))
    ).all()
    return {name.lower(): id_ for name, id_ in rows}


# --- rosters -----------------------------------------------------------------------------------


@dataclass
class RosterPlan:
    roster: ParsedRoster
    new: list[RosterRow] = field(default_factory=list)  # not yet in the cohort (account or not)
    updated: list[tuple[RosterRow, CohortMember]] = field(default_factory=list)
    unchanged: list[RosterRow] = field(default_factory=list)
    to_deactivate: list[tuple[CohortMember, str, str]] = field(default_factory=list)  # member, name, email
    accounts: dict[str, int] = field(default_factory=dict)  # email -> existing user id

    @property
    def new_accounts(self) -> list[RosterRow]:
        return [row for row in self.new if row.email not in self.accounts]


def plan_roster(cohort: Cohort, text: str, leader: User | None = None) -> RosterPlan:
    """What applying the roster would do, without doing it. Raises RosterUnreadable.

    ``text`` is a stored roster: a CSV's text, or a OneRoster staff list (``roster_files``).
    ``leader`` is who uploads it: the roster may link only accounts of people they already lead
    (None: an operator at the command line, limited to the cohort's organisation)."""
    roster = roster_files.read(text, schools_of(cohort))
    plan = RosterPlan(roster)
    members = {
        email: (member, name)
        for member, email, name in db.session.execute(
            select(CohortMember, User.email, User.name).join(User).where(CohortMember.cohort_id == cohort.id)
        ).all()
    }
    listed = {row.email for row in roster.rows if row.email}
    emails = [row.email for row in roster.valid if row.email not in members]
    for chunk in range(0, len(emails), 900):
        part = emails[chunk : chunk + 900]
        plan.accounts.update(db.session.execute(select(User.email, User.id).where(User.email.in_(part))).all())
    _refuse_outsiders(cohort, roster, plan.accounts, leader)
    for row in roster.valid:
        found = members.get(row.email)
        if found is None:
            plan.new.append(row)
            continue
        member = found[0]
        if member.active and member.staff_role == row.staff_role and member.school_id == row.school_id:
            plan.unchanged.append(row)
        else:
            plan.updated.append((row, member))
    for email, (member, name) in members.items():
        if member.active and email not in listed:
            plan.to_deactivate.append((member, name, email))
    plan.to_deactivate.sort(key=lambda m: m[1].lower())
    return plan


def _refuse_outsiders(cohort: Cohort, roster: ParsedRoster, accounts: dict[str, int], leader: User | None) -> None:
    """A roster may link existing accounts only of people its uploader could already see: members of
    cohorts they lead (for an admin, or at the command line, anyone in the cohort's organisation).
    Anyone else chooses for themselves, through the join link, whether these leaders may follow
    their progress: a roster must never be a way to read a colleague's staff."""
    if not accounts:
        return
    if leader is not None and not leader.is_admin:
        led = [c.id for c in access.visible_cohorts(leader)]
        where = CohortMember.cohort_id.in_(led or [-1])
        refusal = "already has an account, in a cohort you do not lead: send them the join link instead"
    else:
        organisation = cohort.organisation
        root = organisation.parent_id or organisation.id
        tree = select(Organisation.id).where((Organisation.id == root) | (Organisation.parent_id == root))
        where = CohortMember.cohort_id.in_(select(Cohort.id).where(Cohort.organisation_id.in_(tree)))
        refusal = "already has an account outside this organisation: send them the join link instead"
    insiders = set(
        db.session.scalars(select(CohortMember.user_id).where(where, CohortMember.user_id.in_(list(accounts.values()))))
    )
    for row in roster.valid:
        user_id = accounts.get(row.email)
        if user_id is not None and user_id not in insiders:
            row.problem = refusal
            del accounts[row.email]


@dataclass
class RosterResult:
    added: int
    updated: int
    unchanged: int
    deactivated: int
    invited: int
    skipped: int


class RosterConflict(Exception):
    """Another roster added some of the same people at the same moment: nothing of this one was applied."""


def apply_roster(
    cohort: Cohort, text: str, deactivate_missing: bool, invited_by: User | None, progress=None
) -> RosterResult:
    """Apply a roster in one transaction: new people get an account and an invitation, existing
    accounts are linked, changed rows are updated and, when asked, people missing from the file are
    deactivated (never deleted). Applying the same file again changes nothing. When another roster
    adds some of the same people at the same moment, everything is rolled back and RosterConflict
    raised: applying it again then links the accounts the other one created. Commits."""
    plan = plan_roster(cohort, text, invited_by)
    try:
        return _apply_plan(cohort, plan, deactivate_missing, invited_by, progress)
    except IntegrityError:
        db.session.rollback()
        raise RosterConflict from None


def _apply_plan(
    cohort: Cohort, plan: RosterPlan, deactivate_missing: bool, invited_by: User | None, progress
) -> RosterResult:
    now = utcnow()
    tick = progress or (lambda n: None)
    created = _create_accounts(plan.new_accounts, now)
    ids = {**plan.accounts, **created}
    if plan.new:
        db.session.execute(insert(CohortMember), [
            {"cohort_id": cohort.id, "user_id": ids[row.email], "staff_role": row.staff_role,
             "school_id": row.school_id, "active": True, "added_at": now}
            for row in plan.new
        ])  # fmt: skip
    tick(len(plan.new))
    if plan.updated:
        db.session.execute(update(CohortMember), [
            {"id": member.id, "staff_role": row.staff_role, "school_id": row.school_id, "active": True,
             "deactivated_at": None}
            for row, member in plan.updated
        ])  # fmt: skip
    tick(len(plan.updated) + len(plan.unchanged))
    deactivated = 0
    if deactivate_missing and plan.to_deactivate:
        ids_out = [member.id for member, _, _ in plan.to_deactivate]
        db.session.execute(
            update(CohortMember).where(CohortMember.id.in_(ids_out)).values(active=False, deactivated_at=now)
        )
        deactivated = len(ids_out)
    invited = _invite([row for row in plan.new if row.email in created], created, cohort, invited_by, now)
    db.session.commit()
    return RosterResult(
        len(plan.new), len(plan.updated), len(plan.unchanged), deactivated, invited, len(plan.roster.problems)
    )


def _create_accounts(rows: list[RosterRow], now) -> dict[str, int]:
    """Accounts for people new to Courseware; they choose a password from their invitation."""
    if not rows:
        return {}
    db.session.execute(insert(User), [
        {"email": row.email, "name": row.name, "password_hash": UNCHOSEN_HASH, "role": Role.LEARNER.value,
         "session_token": new_session_token(), "is_active_account": True, "created_at": now}
        for row in rows
    ])  # fmt: skip
    emails = [row.email for row in rows]
    created: dict[str, int] = {}
    for chunk in range(0, len(emails), 900):
        created.update(
            db.session.execute(select(User.email, User.id).where(User.email.in_(emails[chunk : chunk + 900]))).all()
        )
    return created


def _invite(rows: list[RosterRow], ids: dict[str, int], cohort: Cohort, invited_by: User | None, now) -> int:
    if not rows:
        return 0
    tokens = {row.email: secrets.token_urlsafe(32) for row in rows}
    expires = now + timedelta(days=INVITATION_DAYS)
    db.session.execute(insert(PasswordReset), [
        {"user_id": ids[row.email], "token_hash": hashlib.sha256(tokens[row.email].encode()).hexdigest(),
         "created_at": now, "expires_at": expires}
        for row in rows
    ])  # fmt: skip
    inviter = invited_by.name if invited_by else cohort.organisation.name
    messages = []
    for row in rows:
        link = external_url("accounts.reset_password", token=tokens[row.email])
        body = (
            f"Hello {row.name},\n\n{inviter} has added you to “{cohort.name}” on Courseware, where your school's "
            f"professional learning courses are.\n\nTo choose your password and sign in, open:\n\n{link}\n\n"
            f"The link works once and expires in {INVITATION_DAYS} days. Your email address is your sign-in name.\n"
        )
        messages.append((row.email, one_line(f"You're invited to {cohort.name} on Courseware"), body, "invitation"))
    enqueue_emails(messages)
    return len(rows)


def store_upload(cohort: Cohort, user: User, filename: str, text: str) -> RosterUpload:
    upload = RosterUpload(cohort_id=cohort.id, uploaded_by=user.id, filename=filename[:255], content=text)
    db.session.add(upload)
    db.session.commit()
    return upload


# --- assignments and reminders ----------------------------------------------------------------


def assign(
    cohort: Cohort, course_slug: str, due_on: date, renewal_months: int | None, pacing: Pacing | None = None
) -> Assignment:
    """Assign the course to the cohort, or change its assignment: the due date, the renewal and, with
    ``pacing``, the plan and each module's dates (without: one due date, and no module dates). Commits."""
    assignment = db.session.scalar(select(Assignment).filter_by(cohort_id=cohort.id, course_slug=course_slug))
    if assignment is None:
        assignment = Assignment(cohort_id=cohort.id, course_slug=course_slug, due_on=due_on)
        db.session.add(assignment)
    assignment.due_on, assignment.renewal_months = due_on, renewal_months
    db.session.flush()
    db.session.execute(delete(ModuleDate).where(ModuleDate.assignment_id == assignment.id))
    db.session.execute(delete(PacingPlan).where(PacingPlan.assignment_id == assignment.id))
    if pacing is not None:
        db.session.add(PacingPlan(assignment_id=assignment.id, plan=pacing.plan, starts_on=pacing.starts_on))
        db.session.add_all(
            ModuleDate(assignment_id=assignment.id, module=d.module, opens_on=d.opens_on, due_on=d.due_on)
            for d in pacing.dates
        )
    db.session.commit()
    return assignment


@dataclass(frozen=True)
class ReminderPlan:
    """Who a reminder sent now would go to: the active members not done, less those reminded about
    the assignment in the last REMINDER_INTERVAL."""

    rows: list = field(default_factory=list)  # dashboard rows, by user id
    reminded_recently: int = 0
    without_password: frozenset[int] = frozenset()  # user ids of those who never chose a password

    @property
    def count(self) -> int:
        return len(self.rows)


def reminder_key(assignment_id: int, user_id: int) -> str:
    return f"reminder:{assignment_id}:{user_id}"


def reminder_plan(assignment: Assignment, rows, now=None) -> ReminderPlan:
    """What a reminder would do now (reads only: the leader confirms it before ``remind``)."""
    now = now or utcnow()
    not_done = sorted(
        (row for row in rows if row.active and row.status not in ("completed", "revoked")), key=lambda r: r.user_id
    )
    recent = keys_since(f"reminder:{assignment.id}:", now - REMINDER_INTERVAL)
    due = [row for row in not_done if reminder_key(assignment.id, row.user_id) not in recent]
    return ReminderPlan(due, len(not_done) - len(due), frozenset(passwordless([row.user_id for row in due])))


def passwordless(ids: list[int]) -> set[int]:
    """Those of these people who never chose a password."""
    unset: set[int] = set()
    for chunk in range(0, len(ids), 900):
        unset.update(
            db.session.scalars(
                select(User.id).where(User.id.in_(ids[chunk : chunk + 900]), User.password_hash == UNCHOSEN_HASH)
            )
        )
    return unset


def remind(assignment: Assignment, course_title: str, rows, leader: User, now=None) -> int:
    """Queue one reminder email to each active member not done who has not had one about the assignment
    in the last REMINDER_INTERVAL; the job worker sends them. Commits; returns how many were queued.

    Each reminder's job has the key ``reminder:<assignment>:<user>``, so presses at the same moment
    queue it once. A member who never chose a password gets a link to choose one (valid
    INVITATION_DAYS), not a link to a course they cannot sign in to.
    """
    now = now or utcnow()
    plan = reminder_plan(assignment, rows, now)
    due = assignment.due_on.strftime("%-d %B %Y")
    queued = queue_reminders(
        plan,
        assignment,
        subject=one_line(f"Reminder: “{course_title}” is due {due}"),
        news=f"{leader.name} is reminding everyone in “{assignment.cohort.name}” that the course "
        f"“{course_title}” is due on {due}.",
        key_of=lambda user_id: reminder_key(assignment.id, user_id),
        now=now,
    )
    db.session.commit()
    return queued


def queue_reminders(
    plan: ReminderPlan, assignment: Assignment, subject: str, news: str, key_of: Callable[[int], str], now
) -> int:
    """Queue a reminder to each person of ``plan``: ``news``, then a link to the course, or, for someone
    who never chose a password, a link to choose one (valid INVITATION_DAYS, stored only if the mail is
    queued). ``key_of(user_id)`` keys each mail's job, so a reminder already queued is not queued again.
    Part of the caller's transaction; returns how many were queued."""
    link = external_url("learning.course_home", slug=assignment.course_slug)
    resets = []
    queued = 0
    for row in plan.rows:
        token = secrets.token_urlsafe(32) if row.user_id in plan.without_password else None
        if token:
            action = (
                "You have not chosen a password yet. To choose one and sign in, open:\n\n"
                f"{external_url('accounts.reset_password', token=token)}\n\n"
                f"The link works once and expires in {INVITATION_DAYS} days. Your email address is your sign-in name.\n"
            )
        else:
            action = f"Pick up where you left off:\n\n{link}\n"
        body = f"Hello {row.name},\n\n{news}\n\n{action}"
        if enqueue_email_unless_held(row.email, subject, body, "reminder", key=key_of(row.user_id)):
            queued += 1
            if token:
                resets.append({
                    "user_id": row.user_id, "token_hash": hashlib.sha256(token.encode()).hexdigest(),
                    "created_at": now, "expires_at": now + timedelta(days=INVITATION_DAYS),
                })  # fmt: skip
    if resets:
        db.session.execute(insert(PasswordReset), resets)
    return queued


def apply_upload(cohort: Cohort, upload: RosterUpload, deactivate_missing: bool, leader: User) -> RosterResult | None:
    """Apply an uploaded roster once: claimed in the same transaction, so that a second click or a
    replay finds it applied (None). RosterConflict leaves it unapplied. Commits."""
    claimed = affected(
        db.session.execute(
            update(RosterUpload)
            .where(RosterUpload.id == upload.id, RosterUpload.applied_at.is_(None))
            .values(applied_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    )
    if not claimed:
        db.session.rollback()
        return None
    return apply_roster(cohort, upload.content, deactivate_missing, leader)


def revoke_grant(grant_id: int) -> LeaderGrant | None:
    """Remove a leader's grant; a leader left with none leads nothing and becomes a learner. Commits."""
    grant = db.session.get(LeaderGrant, grant_id)
    if grant is None:
        return None
    user = db.session.get(User, grant.user_id)
    db.session.delete(grant)
    db.session.flush()
    remaining = db.session.scalar(select(LeaderGrant.id).where(LeaderGrant.user_id == grant.user_id).limit(1))
    if remaining is None and user is not None and user.role == Role.LEADER:
        user.role = Role.LEARNER
    db.session.commit()
    return grant
