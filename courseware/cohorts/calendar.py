"""Sessions as an iCalendar file (RFC 5545): CRLF line endings, lines folded at 75 octets, text escaped,
times in UTC, one stable UID per session and a SEQUENCE raised by every change."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from courseware.models import CourseSession

LINE_OCTETS = 75


@dataclass(frozen=True)
class Event:
    session: CourseSession
    course_title: str
    module_title: str
    url: str  # the course's home page


def escape(text: str) -> str:
    """A TEXT value: backslash, semicolon, comma and line breaks escaped."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line, folded so that no line is longer than 75 octets, never inside a character."""
    out: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > LINE_OCTETS:
            out.append("".join(current))
            current, size = [" "], 1
        current.append(char)
        size += width
    out.append("".join(current))
    return "\r\n".join(out) + "\r\n"


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(events: Iterable[Event], name: str, host: str, now: datetime) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Courseware//Sessions//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for event in events:
        session = event.session
        about = [event.course_title]
        if event.module_title:
            about.append(f"Module: {event.module_title}")
        if session.link:
            about.append(f"Join: {session.link}")
        about.append(f"Course: {event.url}")
        lines += [
            "BEGIN:VEVENT",
            f"UID:session-{session.id}@{host}",
            f"DTSTAMP:{stamp(now)}",
            f"DTSTART:{stamp(session.starts_at)}",
            f"DTEND:{stamp(session.ends_at)}",
            f"SEQUENCE:{session.sequence}",
            f"LAST-MODIFIED:{stamp(session.changed_at)}",
            f"SUMMARY:{escape(session.title)}",
        ]
        if session.place or session.link:
            lines.append(f"LOCATION:{escape(session.place or session.link)}")
        if session.link:
            lines.append(f"URL:{session.link}")
        lines += [f"DESCRIPTION:{escape(chr(10).join(about))}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines)
