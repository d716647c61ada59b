"""What a case study on a page shows the learner: the situation and prompt, their own response, and once it is
sent, the model response and the rubric to score it against."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import request

from courseware import kept
from courseware.case_studies.services import responses_for
from courseware.case_studies.values import RESPONSE, SCORE_PREFIX
from courseware.courses import Course, Page
from courseware.courses.case_study import LEVELS, CaseStudy, Criterion, Score, score_of
from courseware.models import CaseStudyResponse, User
from courseware.pages import BlockView, register_block_view
from courseware.progress import find_enrolment

KEPT_NOTICE = "What you sent was kept while you signed in again. Check it and send it again."


@dataclass
class CaseStudyForm:
    case_study: CaseStudy
    row: CaseStudyResponse | None
    closed: bool = False  # the course is completed in this round: the response stays as it counted
    typed: dict[str, str] = field(default_factory=dict)  # "response" and criterion ids: values shown again
    errors: dict[str, str] = field(default_factory=dict)
    notice: str = ""
    levels: tuple = LEVELS

    @property
    def response(self) -> str:
        """The text in the response box: what was typed and not stored, else the stored response."""
        if RESPONSE in self.typed:
            return self.typed[RESPONSE]
        return self.row.response if self.row else ""

    @property
    def sent(self) -> bool:
        return self.row is not None

    @property
    def revising(self) -> bool:
        """A revision typed but not stored (an error, an expired form): the revision box opens."""
        return self.sent and (
            RESPONSE in self.errors or (RESPONSE in self.typed and self.typed[RESPONSE] != self.response_saved)
        )

    @property
    def response_saved(self) -> str:
        return self.row.response if self.row else ""

    @property
    def score(self) -> Score:
        return score_of(self.case_study, self.row.scores if self.row else {})

    @property
    def scored(self) -> bool:
        return self.row is not None and self.row.scored_revision > 0 and self.score.complete

    @property
    def score_out_of_date(self) -> bool:
        """The response was revised after it was scored."""
        return self.scored and self.row is not None and self.row.scored_revision != self.row.revision

    def level(self, criterion: Criterion) -> str:
        """The level shown as chosen: as sent with a score that was not saved, else as stored."""
        if self.score_errors or any(c.id in self.typed for c in self.case_study.criteria):
            return self.typed.get(criterion.id, "")
        scores = self.row.scores if self.row and isinstance(self.row.scores, dict) else {}
        value = scores.get(criterion.id)
        return value if isinstance(value, str) else ""

    @property
    def score_errors(self) -> dict[str, str]:
        return {k: v for k, v in self.errors.items() if k != RESPONSE}


def case_study_forms(
    user: User, course: Course, page: Page, overrides: dict[str, tuple[dict, dict]] | None = None
) -> dict[str, CaseStudyForm]:
    """A CaseStudyForm for each case study on the page (``overrides``: typed values and errors by block id)."""
    cases = [segment.case_study for segment in page.blocks("case_study")]
    if not cases:
        return {}
    enrolment = find_enrolment(user.id, course.slug)
    rows = (
        {r.case_study_id: r for r in responses_for(user, course, [c.id for c in cases], enrolment)} if enrolment else {}
    )
    closed = bool(enrolment and enrolment.completed_at)
    payload = kept.take("case-study", request.path) or {}
    forms = {}
    for case in cases:
        form = CaseStudyForm(case, rows.get(case.id), closed)
        if overrides and case.id in overrides:
            form.typed, form.errors = overrides[case.id]
        elif payload.get("case-study") == case.id:
            sent = payload.get("form", {})
            if RESPONSE in sent:
                form.typed = {RESPONSE: (sent.get(RESPONSE) or [""])[0]}
            else:
                form.typed = {c.id: (sent.get(f"{SCORE_PREFIX}{c.id}") or [""])[0] for c in case.criteria}
            form.notice = KEPT_NOTICE
        forms[case.id] = form
    return forms


register_block_view(BlockView("case_study", case_study_forms))
