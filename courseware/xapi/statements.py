"""xAPI 1.0.3 statements about what a learner did, built from the events that tell it.

Each statement's id is a UUID determined by what it is about (the learner, the course, the round,
the page, quiz attempt, module or certificate, and the verb): the same event told twice, or a
retried request, makes the same statement, which a learning record store keeps once.
Functions here read the compiled course only, never the database.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from courseware import events
from courseware.courses import Course
from courseware.xapi import vocabulary as v
from courseware.xapi.site import Site

Statement = dict[str, Any]


def timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC, to the millisecond (a moment stored without a zone is UTC)."""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _path(*parts: str) -> str:
    return "/".join(quote(part, safe="") for part in parts)


def _activity(iri: str, kind: str, name: str, site: Site) -> dict[str, Any]:
    return {"objectType": "Activity", "id": iri, "definition": {"name": {site.language: name}, "type": kind}}


class Activities:
    """The activities of one course, with ids under the site's address (those of its pages are the pages'
    own addresses)."""

    def __init__(self, site: Site, course_slug: str, course: Course | None) -> None:
        self.site = site
        self.slug = course_slug
        self.course = course
        self.iri = f"{site.base}/courses/{_path(course_slug)}"

    def course_activity(self) -> dict[str, Any]:
        title = self.course.title if self.course is not None else self.slug
        return _activity(self.iri, v.COURSE, title, self.site)

    def module(self, module_slug: str) -> dict[str, Any]:
        module = self.course.module(module_slug) if self.course is not None else None
        title = module.title if module is not None else module_slug
        return _activity(f"{self.iri}/{_path(module_slug)}", v.MODULE, title, self.site)

    def page(self, page_key: str) -> dict[str, Any]:
        module_slug, _, page_slug = page_key.partition("/")
        page = self.course.page_by_key(page_key) if self.course is not None else None
        title = page.title if page is not None else page_key
        return _activity(f"{self.iri}/{_path(module_slug, page_slug)}", v.LESSON, title, self.site)

    def quiz(self, quiz_id: str) -> tuple[dict[str, Any], str | None]:
        """The quiz, and the slug of the module it is in (None when the course no longer has it)."""
        found = self.course.find_block("quiz", quiz_id) if self.course is not None else None
        title, module_slug = (found[1].quiz.title or quiz_id, found[0].module.slug) if found else (quiz_id, None)
        return _activity(f"{self.iri}/quizzes/{_path(quiz_id)}", v.ASSESSMENT, title, self.site), module_slug

    def certificate(self) -> dict[str, Any]:
        """The course's certificate as a credential: one activity for every learner's, so that nothing
        in it leads to the holder (a certificate's own /verify page shows their name)."""
        title = self.course.title if self.course is not None else self.slug
        return _activity(f"{self.iri}/certificate", v.CREDENTIAL, f"Certificate: {title}", self.site)


def _statement(
    acts: Activities,
    actor: dict[str, Any],
    event: events.Event,
    verb: v.Verb,
    target: dict[str, Any],
    identity: tuple[object, ...],
    parent: dict[str, Any] | None = None,
    result: dict[str, Any] | None = None,
) -> Statement:
    site = acts.site
    context: dict[str, Any] = {
        "registration": site.registration(event.user_id, event.course_slug, event.cycle),
        "platform": v.PLATFORM,
        "language": site.language,
    }
    # The course is the parent of a module and a certificate, and groups its pages and quizzes.
    course = acts.course_activity()
    if parent is not None:
        context["contextActivities"] = {"parent": [parent]}
        if parent["id"] != course["id"]:
            context["contextActivities"]["grouping"] = [course]
    elif target["id"] != course["id"]:
        context["contextActivities"] = {"grouping": [course]}
    statement: Statement = {
        "id": site.uuid(
            "statement", verb.display, site.account_name(event.user_id), event.course_slug, event.cycle, *identity
        ),
        "actor": actor,
        "verb": verb.as_json(),
        "object": target,
        "context": context,
        "timestamp": timestamp(event.at),
    }
    if result is not None:
        statement["result"] = result
    return statement


def launched(acts: Activities, actor: dict[str, Any], event: events.CourseStarted) -> Statement:
    return _statement(acts, actor, event, v.LAUNCHED, acts.course_activity(), ("course",))


def experienced(acts: Activities, actor: dict[str, Any], event: events.PageRead) -> Statement:
    module = acts.module(event.page_key.partition("/")[0])
    page = acts.page(event.page_key)
    return _statement(acts, actor, event, v.EXPERIENCED, page, ("page", event.page_key), parent=module)


def quiz_graded(acts: Activities, actor: dict[str, Any], event: events.QuizSubmitted) -> list[Statement]:
    """ "answered" with the attempt's result, then "passed" or "failed"."""
    quiz, module_slug = acts.quiz(event.quiz_id)
    parent = acts.module(module_slug) if module_slug else None
    result = {
        "score": {"scaled": round(event.score / 100, 4), "raw": event.score, "min": 0, "max": 100},
        "success": event.passed,
        "completion": True,
    }
    identity = ("quiz", event.quiz_id, event.number)
    answered = _statement(acts, actor, event, v.ANSWERED, quiz, identity, parent=parent, result=result)
    verdict = v.PASSED if event.passed else v.FAILED
    judged = _statement(acts, actor, event, verdict, quiz, identity, parent=parent, result=result)
    return [answered, judged]


def module_completed(acts: Activities, actor: dict[str, Any], event: events.ModuleCompleted) -> Statement:
    module = acts.module(event.module_slug)
    result = {"completion": True, "success": True}
    identity = ("module", event.module_slug)
    return _statement(acts, actor, event, v.COMPLETED, module, identity, parent=acts.course_activity(), result=result)


def course_completed(acts: Activities, actor: dict[str, Any], event: events.CourseCompleted) -> Statement:
    result = {"completion": True, "success": True}
    return _statement(acts, actor, event, v.COMPLETED, acts.course_activity(), ("course",), result=result)


def earned(acts: Activities, actor: dict[str, Any], event: events.CertificateIssued) -> Statement:
    certificate = acts.certificate()
    identity = ("certificate", event.certificate_id)
    return _statement(acts, actor, event, v.EARNED, certificate, identity, parent=acts.course_activity())
