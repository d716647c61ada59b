"""Template filters shared by every blueprint."""

from __future__ import annotations

from flask import Flask


def duration(minutes: int) -> str:
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" if not rest else f"{hours} h {rest} min"


def seat_time(seconds: int) -> str:
    return duration(round(seconds / 60))


def number(value: float) -> str:
    return f"{value:g}"


def init_templating(app: Flask) -> None:
    app.add_template_filter(duration)
    app.add_template_filter(seat_time)
    app.add_template_filter(number)
