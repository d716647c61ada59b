"""Spending time on a page through the real heartbeat endpoint, with the clock moved instead of waited for."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from courseware.extensions import db
from courseware.models import Enrolment, PageVisit
from courseware.models.base import utcnow
from tests.helpers.html import attribute

BEAT = 60  # seconds between heartbeats: within the gap a heartbeat may credit (2 intervals and some slack)


def spend_minutes(client, page_url: str, minutes: int) -> None:
    """Open ``page_url`` and send one heartbeat per minute of ``minutes``, each as if a minute had passed.

    The visit's last heartbeat, the course's last activity and its last credited moment are moved a
    minute back before each beat, so the server credits it exactly as a learner's tab would have earned
    it. A visit earns at most the seat-time cap, so the page is opened again when the cap would be reached.
    """
    cap = client.application.config["SEAT_TIME_CAP_SECONDS"] // BEAT
    left = minutes
    while left > 0:
        token = attribute(client.get(page_url), "[data-visit]", "data-visit")
        for _ in range(min(left, cap)):
            earlier = utcnow() - timedelta(seconds=BEAT)
            db.session.execute(update(PageVisit).where(PageVisit.token == token).values(last_beat_at=earlier))
            db.session.execute(update(Enrolment).values(last_activity_at=earlier, credited_until=earlier))
            db.session.commit()
            # (the CSRF token comes from the catalog: opening a course page again would open a new visit)
            response = client.post_json("/learning/heartbeat", {"visit": token})
            assert response.status_code == 200, response.get_data(as_text=True)
            left -= 1
