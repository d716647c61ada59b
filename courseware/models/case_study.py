from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from courseware.extensions import Model
from courseware.models.base import UTCDateTime, utcnow


class CaseStudyResponse(Model):
    """A learner's response to one case study in one round of the course, and how they scored it.

    Private: only its author reads the response; leaders see whether it is done and the self-score.
    ``cycle`` is the renewal cycle of the learner's enrolment, so a new round starts with an empty
    response. ``scores`` holds the level the learner gave each criterion of the rubric, by the
    criterion's id ("met", "partly", "not-yet"); ``scored_revision`` is the ``revision`` of the
    response they scored (a revised response keeps its scores until they score it again).
    """

    __tablename__ = "case_study_responses"
    __table_args__ = (UniqueConstraint("user_id", "course_slug", "cycle", "case_study_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_slug: Mapped[str] = mapped_column(String(100))
    cycle: Mapped[int]
    case_study_id: Mapped[str] = mapped_column(String(100))
    response: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(default=1)
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    scored_revision: Mapped[int] = mapped_column(default=0)  # 0: not scored yet
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    scored_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
