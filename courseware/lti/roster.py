"""A course's roster in the platform (Names and Role Provisioning Services), for admins: the
platform's contexts Courseware has been launched from, and their members with their roles, read
from the platform when the page is opened (nothing is stored or changed)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from courseware.extensions import db
from courseware.lti import protocol, registrations
from courseware.models import LtiLaunch, LtiRegistration

ROLE_NAMES = {
    "Instructor": "Instructor",
    "TeachingAssistant": "Teaching assistant",
    "ContentDeveloper": "Content developer",
    "Learner": "Learner",
    "Mentor": "Mentor",
    "Administrator": "Administrator",
}
STAFF = {"Instructor", "Teaching assistant", "Content developer", "Administrator"}


def contexts(registration: LtiRegistration) -> list[LtiLaunch]:
    """One launch per context of the platform with a roster service (the latest), newest first."""
    latest = (
        select(func.max(LtiLaunch.id))
        .where(LtiLaunch.registration_id == registration.id, LtiLaunch.memberships_url.is_not(None))
        .group_by(LtiLaunch.context_id)
    )
    query = select(LtiLaunch).where(LtiLaunch.id.in_(latest)).order_by(LtiLaunch.launched_at.desc())
    return list(db.session.scalars(query))


def context_launch(registration: LtiRegistration, launch_id: int) -> LtiLaunch | None:
    launch = db.session.get(LtiLaunch, launch_id)
    if launch is None or launch.registration_id != registration.id or launch.memberships_url is None:
        return None
    return launch


@dataclass(frozen=True)
class Member:
    name: str
    email: str
    roles: list[str]
    active: bool


def role_names(roles: tuple[str, ...]) -> list[str]:
    """The roles in words ("Instructor"), from their URIs; sub-roles and unknown ones left out."""
    names = []
    for role in roles:
        last = role.rpartition("#")[2].rpartition("/")[2]
        if last in ROLE_NAMES and ROLE_NAMES[last] not in names:
            names.append(ROLE_NAMES[last])
    return names


def read(registration: LtiRegistration, launch: LtiLaunch) -> tuple[list[Member], str | None]:
    """The context's members, staff first, or a sentence saying why they could not be read."""
    assert launch.memberships_url is not None
    try:
        found = protocol.read_members(registrations.platform_of(registration), launch.memberships_url)
    except (protocol.PlatformError, protocol.KeyMissing) as error:
        return [], f"The roster could not be read from {registration.name}: {error}."
    members = [
        Member(m.name or "(no name given)", m.email, role_names(m.roles), m.status.lower() == "active") for m in found
    ]
    members.sort(key=lambda m: (not STAFF.intersection(m.roles), m.name.lower()))
    return members, None
