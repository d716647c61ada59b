"""Deep linking: the published courses and their modules an instructor may link, and the signed
answer that gives the chosen ones to the platform."""

from __future__ import annotations

from dataclasses import dataclass

from courseware.courses import catalog
from courseware.extensions import db
from courseware.lti import protocol, registrations, tickets
from courseware.lti.protocol import LinkItem
from courseware.urls import external_url


@dataclass(frozen=True)
class Choice:
    value: str  # "course" or "course/module", as the picker's checkboxes send it
    title: str
    course_title: str
    is_module: bool


def choices() -> list[Choice]:
    """Every published course, each followed by its modules."""
    found: list[Choice] = []
    for course in catalog().published():
        found.append(Choice(course.slug, course.title, course.title, False))
        found += [
            Choice(f"{course.slug}/{module.slug}", f"Module {module.number}: {module.title}", course.title, True)
            for module in course.modules
        ]
    return found


@dataclass(frozen=True)
class Answer:
    return_url: str
    jwt: str


class NothingChosen(Exception):
    pass


def request_of(token: str):
    """The deep linking request waiting for a choice, or None."""
    return tickets.peek(tickets.DEEP_LINK, token)


def answer(token: str, chosen: list[str]) -> Answer | None:
    """The signed deep linking response for the chosen courses and modules, spending the request;
    None when it expired or was answered already; NothingChosen when nothing known was chosen.
    Commits."""
    ticket = tickets.peek(tickets.DEEP_LINK, token)
    if ticket is None:
        return None
    known = {choice.value: choice for choice in choices()}
    picked = [known[value] for value in dict.fromkeys(chosen) if value in known]
    if not ticket.payload.get("accept_multiple", True):
        picked = picked[:1]
    if not picked:
        raise NothingChosen
    spent = tickets.spend(tickets.DEEP_LINK, token)
    db.session.commit()
    registration = registrations.find(spent.registration_id) if spent else None
    if spent is None or registration is None:
        return None
    launch_url = external_url("lti.launch")
    items = []
    for choice in picked:
        slug, _, module = choice.value.partition("/")
        custom = {"course": slug, **({"module": module} if module else {})}
        title = f"{choice.course_title}: {choice.title}" if choice.is_module else choice.title
        items.append(LinkItem(title=title[:250], url=launch_url, custom=custom, score_maximum=100, label=title[:250]))
    jwt = protocol.deep_linking_response(
        registrations.platform_of(registration), spent.payload["deployment_id"], spent.payload.get("data"), items
    )
    return Answer(spent.payload["return_url"], jwt)
