"""The compiled course: plain, immutable objects built from Markdown and YAML."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from courseware.courses.problems import Problem
from courseware.courses.quiz import QuizSettings


@dataclass(frozen=True)
class HtmlSegment:
    """Sanitised HTML rendered from the author's Markdown."""

    html: str
    kind: str = "html"


@dataclass(frozen=True)
class Track:
    """A role track (``tracks`` in course.yml): the shared core of the course plus the pages and blocks
    marked for it. ``staff_roles`` are the roster roles whose members start on it."""

    id: str
    title: str
    staff_roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skill:
    """A skill the course's pre-check and growth check both measure (``growth.skills`` in course.yml)."""

    id: str
    title: str
    line: int = 0  # where course.yml lists it


@dataclass
class Page:
    slug: str
    title: str
    segments: list[Any]
    line: int
    module: Module = field(repr=False, compare=False)
    tracks: frozenset[str] | None = None  # None: the shared core, in every track
    # The tracks of the blocks marked for some tracks, by their place in ``segments``.
    segment_tracks: dict[int, frozenset[str]] = field(default_factory=dict, repr=False)

    @property
    def key(self) -> str:
        """Stable id of the page within its course, used to record progress."""
        return f"{self.module.slug}/{self.slug}"

    def blocks(self, kind: str) -> list[Any]:
        return [s for s in self.segments if s.kind == kind]

    def has_blocks(self, kind: str) -> bool:
        return any(s.kind == kind for s in self.segments)


@dataclass
class Module:
    slug: str
    number: int
    title: str
    minutes: int
    objectives: list[str]
    source: Path
    pages: list[Page] = field(default_factory=list)
    minutes_line: int = 1  # where the front matter states the minutes, for the time check
    tracks: frozenset[str] | None = None  # None: the shared core, in every track
    track_minutes: dict[str, int] = field(default_factory=dict)  # minutes stated per track, where they differ

    def minutes_for(self, track: str) -> int:
        return self.track_minutes.get(track, self.minutes)


@dataclass(frozen=True)
class Credit:
    hours: float
    credit_type: str
    ceu: float
    profiles: tuple[str, ...] = ()  # the credit profiles offered (credit_profiles/<key>.yml); the first is the default
    learner_chooses: bool = False  # each learner picks one of them on the course's home page

    @property
    def default_profile(self) -> str:
        return self.profiles[0] if self.profiles else ""


@dataclass(frozen=True)
class Provider:
    """Who awards the credit: a provider an admin set up (``key``), or the details written in course.yml."""

    name: str = ""
    approval_number: str = ""  # the number for any profile without one of its own in ``numbers``
    contact: str = ""
    key: str = ""
    signatory: str = ""
    signatory_title: str = ""
    numbers: tuple[tuple[str, str], ...] = ()  # (profile key, number) pairs
    file: str = "course.yml"  # where course.yml says it, for problems found later (a missing provider)
    line: int = 1

    def number(self, profile: str) -> str:
        return dict(self.numbers).get(profile, self.approval_number)


@dataclass(frozen=True)
class CompletionRules:
    pass_mark: int = 80
    worksheets_required: bool = False
    case_studies_required: bool = False  # each case study responded to and self-scored
    min_seat_minutes: int = 0
    # Active time each module requires, as a percentage of its stated minutes (0: none, only
    # for a course that offers no credit). Seat time on its pages and logged practice count.
    active_time: int = 80


# The five points every evaluation statement is rated on, from 1 to 5.
LIKERT_SCALE = ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree")


@dataclass(frozen=True)
class EvaluationItem:
    """A statement the learner rates on the five-point scale, from strongly disagree (1) to strongly agree (5)."""

    id: str
    text: str


@dataclass(frozen=True)
class CommentQuestion:
    """An open question of the evaluation; answering it is optional."""

    id: str
    text: str


@dataclass(frozen=True)
class Evaluation:
    """The end-of-course evaluation and the statement the learner attests, asked before completion."""

    items: tuple[EvaluationItem, ...]
    comments: tuple[CommentQuestion, ...]
    attestation: str


@dataclass(frozen=True)
class TeamPlanSection:
    """A section of a team's action plan for the course: its items are written under ``prompt``."""

    id: str
    title: str
    prompt: str = ""


# The sections of a team's action plan when course.yml has no ``team_plan`` (listed in docs/authoring.md).
DEFAULT_TEAM_PLAN = (
    TeamPlanSection("priorities", "Priorities", "What matters most for our school this year?"),
    TeamPlanSection("actions", "Actions", "What will we do, step by step?"),
    TeamPlanSection("owners", "Owners and supports", "Who leads each action, and who helps?"),
    TeamPlanSection("measures", "Measures of progress", "How will we know it is working?"),
    TeamPlanSection("supports", "Supports needed", "What do we need: time, training, materials, people?"),
)


@dataclass
class Guide:
    """The course's facilitator and leader guide (``guide.md``), for the leaders of cohorts taking it."""

    title: str
    html: str
    sections: list[tuple[str, str]] = field(default_factory=list)  # (id, title), for the contents


@dataclass
class Course:
    slug: str
    path: Path
    title: str
    summary: str = ""
    audience: str = ""
    version: str = "1"
    published: bool = True
    credit: Credit = field(default_factory=lambda: Credit(0, "contact hours", 0))
    provider: Provider = field(default_factory=Provider)
    completion: CompletionRules = field(default_factory=CompletionRules)
    quizzes: QuizSettings = field(default_factory=QuizSettings)
    certificate_design: str = "classic"
    validity_months: int | None = None
    evaluation: Evaluation | None = None  # always set for a course that offers credit
    team_plan: tuple[TeamPlanSection, ...] = DEFAULT_TEAM_PLAN  # the sections of a team's action plan
    modules: list[Module] = field(default_factory=list)
    guide: Guide | None = None
    tracks: list[Track] = field(default_factory=list)  # role tracks; none: every learner takes every page
    track: str | None = None  # the track this view of the course holds (see ``for_track``); None: all of it
    skills: tuple[Skill, ...] = ()  # growth.skills: what the pre-check and the growth check measure
    problems: list[Problem] = field(default_factory=list)  # mistakes: the course is not served
    credit_problems: list[Problem] = field(default_factory=list)  # served, but no certificate is issued
    warnings: list[Problem] = field(default_factory=list)  # worth a look; nothing is held back

    @property
    def is_broken(self) -> bool:
        return bool(self.problems)

    @property
    def offers_credit(self) -> bool:
        return self.credit.hours > 0

    @property
    def credit_ready(self) -> bool:
        """A certificate may be issued: the course offers credit and nothing about it is in doubt."""
        return self.offers_credit and not self.credit_problems

    @property
    def pages(self) -> list[Page]:
        return [page for module in self.modules for page in module.pages]

    @property
    def minutes(self) -> int:
        """The modules' minutes; for the whole of a course with tracks, those of a track (each track adds up
        to the course's hours, or the course has a mistake), not every track's together."""
        if self.tracks and "_whole" not in self.__dict__:
            return self.for_track(self.tracks[0].id).minutes
        return sum(module.minutes for module in self.modules)

    def track_named(self, track_id: str | None) -> Track | None:
        return next((t for t in self.tracks if t.id == track_id), None)

    def track_for_role(self, staff_role: str) -> Track | None:
        """The track whose ``staff_roles`` name this roster role (case aside), or None."""
        role = staff_role.strip().casefold()
        return next((t for t in self.tracks if role and role in {r.casefold() for r in t.staff_roles}), None)

    def for_track(self, track_id: str | None) -> Course:
        """The course as a learner on this track takes it: the shared core plus the track's modules, pages
        and blocks, each module with the minutes it states for the track. A course without tracks is itself.

        ``None`` gives the shared core alone (a learner who has not chosen yet). The views are built once
        per compiled course and share its blocks.
        """
        whole = self.__dict__.get("_whole", self)
        if not whole.tracks:
            return whole
        views = whole.__dict__.setdefault("_views", {})
        if track_id not in views:
            views[track_id] = _track_view(whole, track_id)
        return views[track_id]

    @property
    def whole(self) -> Course:
        """Every page of every track (the course itself, for a course without tracks)."""
        return self.__dict__.get("_whole", self)

    def page(self, module_slug: str, page_slug: str) -> Page | None:
        return self.page_by_key(f"{module_slug}/{page_slug}")

    def page_by_key(self, key: str) -> Page | None:
        return self._page_index().get(key)

    def has_blocks(self, kind: str) -> bool:
        return any(page.blocks(kind) for page in self.pages)

    @property
    def district_blanks(self) -> list[tuple[Page, Any]]:
        """The blanks each district fills in (``[DISTRICT: key | what]``), with their pages, in the course's
        order, across every track; a blank written without a key is not among them (no district can answer it)."""
        return [
            (page, blank)
            for page in self.whole.pages
            for seg in page.blocks("district")
            for blank in seg.blanks
            if blank.key
        ]

    def find_block(self, kind: str, block_id: str) -> tuple[Page, Any] | None:
        """The page holding the block of this kind and id (quizzes and worksheets have ids)."""
        index = self.__dict__.setdefault("_blocks", {})
        if kind not in index:
            index[kind] = {getattr(seg, kind).id: (page, seg) for page in self.pages for seg in page.blocks(kind)}
        return index[kind].get(block_id)

    def growth_checks(self) -> tuple[Any, Any] | None:
        """The quiz segments of the pre-check and the growth check, or None in a course without them."""
        if "_growth" not in self.__dict__:
            found = {seg.quiz.growth: seg for page in self.pages for seg in page.blocks("quiz") if seg.quiz.growth}
            pair = (found["before"], found["after"]) if "before" in found and "after" in found else None
            self.__dict__["_growth"] = pair
        return self.__dict__["_growth"]

    def skill_named(self, skill_id: str) -> Skill | None:
        return next((s for s in self.skills if s.id == skill_id), None)

    def module(self, slug: str) -> Module | None:
        return next((m for m in self.modules if m.slug == slug), None)

    def neighbours(self, page: Page) -> tuple[Page | None, Page | None]:
        pages = self.pages
        i = pages.index(page)
        return (pages[i - 1] if i > 0 else None, pages[i + 1] if i + 1 < len(pages) else None)

    def _page_index(self) -> dict[str, Page]:
        index = self.__dict__.get("_index")
        if index is None:
            index = {p.key: p for p in self.pages}
            self.__dict__["_index"] = index
        return index


def _in_track(tracks: frozenset[str] | None, track_id: str | None) -> bool:
    return tracks is None or track_id in tracks


def _track_view(whole: Course, track_id: str | None) -> Course:
    modules = []
    for module in whole.modules:
        if not _in_track(module.tracks, track_id):
            continue
        minutes = module.minutes_for(track_id) if track_id else module.minutes
        copy = replace(module, pages=[], minutes=minutes)
        for page in module.pages:
            if not _in_track(page.tracks, track_id):
                continue
            segments = [s for i, s in enumerate(page.segments) if _in_track(page.segment_tracks.get(i), track_id)]
            copy.pages.append(replace(page, segments=segments, module=copy, segment_tracks={}))
        if copy.pages:
            modules.append(copy)
    view = replace(whole, modules=modules, track=track_id)
    view.__dict__["_whole"] = whole
    return view
