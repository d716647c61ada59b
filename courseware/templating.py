"""Template filters shared by every blueprint."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from markupsafe import Markup, escape

from courseware.text import isolated, plain_line


def duration(minutes: int) -> str:
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" if not rest else f"{hours} h {rest} min"


def seat_time(seconds: int) -> str:
    return duration(round(seconds / 60))


def number(value: float) -> str:
    return f"{value:g}"


def datetime_filter(value: datetime | None) -> Markup:
    """A moment as a ``<time>`` element: written in UTC by the server, and shown in the reader's own
    time zone by ``static/js/local-time.js`` once the page has loaded."""
    if value is None:
        return Markup("")
    moment = value.astimezone(UTC)
    text = moment.strftime("%-d %b %Y, %H:%M UTC")
    return Markup('<time datetime="{}" data-local-time>{}</time>').format(
        moment.isoformat(timespec="seconds"), escape(text)
    )


def date_filter(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%-d %B %Y") if value else ""


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def init_templating(app: Flask) -> None:
    app.add_template_filter(datetime_filter, "datetime")
    app.add_template_filter(date_filter, "date")
    app.add_template_global(now_iso)
    app.add_template_global(lambda: datetime.now(UTC), "now")
    app.add_template_global(lambda: datetime.now(UTC).date(), "today")
    app.add_template_filter(duration)
    app.add_template_filter(seat_time)
    app.add_template_filter(number)
    app.add_template_filter(isolated, "bdi")  # user-provided short text, isolated in HTML
    app.add_template_filter(plain_line, "plain")  # the same where markup cannot go: PDFs, titles, options
