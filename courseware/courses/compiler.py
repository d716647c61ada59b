"""Compiling a course folder (course.yml + NN-module.md files + media/) into a Course."""

from __future__ import annotations

import re
from pathlib import Path

from courseware.courses.blocks import SLUG_RE, BlockContext, registry, slugify

# The quiz, worksheet, reflection, practice, case study, discussion and district blocks register as they are imported.
from courseware.courses.case_study_block import CaseStudyBlock  # noqa: F401
from courseware.courses.course_yml import key_lines, read_course_yml
from courseware.courses.discussion_block import DiscussionBlock  # noqa: F401
from courseware.courses.district_block import DistrictBlock  # noqa: F401
from courseware.courses.growth import check_growth
from courseware.courses.guide import GUIDE_FILE, compile_guide
from courseware.courses.model import Course, HtmlSegment, Module, Page
from courseware.courses.practice_block import PracticeBlock  # noqa: F401
from courseware.courses.problems import ProblemList
from courseware.courses.quiz_block import QuizBlock  # noqa: F401
from courseware.courses.render import MarkdownRenderer, empty_header_cells, find_images, media_file
from courseware.courses.source import RawBlock, split_front_matter, split_pages, split_tracks
from courseware.courses.time_model import course_time
from courseware.courses.worksheet_block import ReflectionBlock, WorksheetBlock  # noqa: F401

MODULE_FILE_RE = re.compile(r"^(\d+)-([a-z0-9][a-z0-9-]*)\.md$")
MODULE_KEYS = {"title", "minutes", "objectives", "id", "tracks"}
TRACK_BLOCK = "track"  # "/// track | classroom, support": prose for those tracks only


def compile_course(
    course_dir: Path, root: Path | None = None, designs: list[str] | None = None, profiles: list[str] | None = None
) -> Course:
    """Compile one course folder. Mistakes are collected in ``course.problems``, never raised.

    ``designs`` lists the certificate designs that exist, and ``profiles`` the credit profiles; when
    given, course.yml must name one of them.
    """
    problems = ProblemList(root or course_dir.parent)
    course, order = read_course_yml(course_dir, problems, profiles)
    if designs is not None and course.credit.hours and course.certificate_design not in designs:
        yml = course_dir / "course.yml"
        line = key_lines(yml.read_text(encoding="utf-8")).get(("certificate", "design"), 1) if yml.exists() else 1
        known = ", ".join(designs) or "none"
        problems.add(yml, line, f"certificate design '{course.certificate_design}' does not exist (designs: {known})")
    if (
        profiles is not None
        and course.credit.hours
        and not course.credit.profiles
        and (course_dir / "course.yml").exists()
    ):
        yml = course_dir / "course.yml"
        line = key_lines(yml.read_text(encoding="utf-8")).get(("credit",), 1)
        problems.add_credit(
            yml,
            line,
            f"no credit profile is offered: list them in 'credit.profiles' (profiles: {', '.join(sorted(profiles))})",
        )
    renderer = MarkdownRenderer(media_url=f"/courses/{course.slug}/media/")
    ids: dict[str, tuple[str, int]] = {}

    modules: list[Module] = []
    unreadable = False
    for path in sorted(course_dir.glob("*.md")):
        match = MODULE_FILE_RE.match(path.name)
        if not match:
            if path.name.lower() not in {"readme.md", GUIDE_FILE}:
                problems.add(path, 1, "a module file is named like '01-module-name.md' (number, hyphen, lowercase id)")
            continue
        module = _compile_module(path, int(match.group(1)), match.group(2), course, renderer, problems, ids)
        if module is not None:
            modules.append(module)
        else:
            unreadable = True

    course.modules = _order_modules(modules, order, course_dir, problems)
    course.guide = compile_guide(course_dir, renderer, problems)
    check_growth(course, problems)
    if not course.modules and (course_dir / "course.yml").exists():
        problems.add(course_dir / "course.yml", 1, "the course has no modules (add a file such as '01-welcome.md')")
    if not unreadable:  # with a module missing, the hours cannot add up: say nothing more
        _check_hours(course, problems)
    if not problems.items:  # a block with a mistake is left out, so the time is judged once there are none
        _check_time(course, problems)
    course.problems = problems.sorted()
    course.credit_problems = problems.sorted("credit")
    course.warnings = problems.sorted("warnings")
    return course


def _compile_module(path, number, file_slug, course, renderer, problems, ids) -> Module | None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.add(path, 1, "the file must be saved as UTF-8")
        return None
    meta, body, errors = split_front_matter(text)
    for error in errors:
        problems.add(path, error.line, error.message)
    if errors and not meta:
        return None
    meta_lines = {key[0]: line for key, line in key_lines(_front_matter_text(text)).items() if len(key) == 1}

    def meta_error(key: str, message: str) -> None:
        problems.add(path, meta_lines.get(key, 1), message)

    for key in meta:
        if key not in MODULE_KEYS:
            meta_error(key, f"unknown front matter key '{key}' (expected one of: {', '.join(sorted(MODULE_KEYS))})")
    title = str(meta.get("title") or "").strip()
    if not title:
        meta_error("title", "the module needs a 'title' in its front matter")
    module_tracks = _tracks(meta.get("tracks"), course, lambda m: meta_error("tracks", m)) if "tracks" in meta else None
    minutes = meta.get("minutes")
    track_minutes: dict[str, int] = {}
    if isinstance(minutes, dict) and course.tracks:
        track_minutes = _track_minutes(minutes, course, module_tracks, lambda m: meta_error("minutes", m))
        minutes = max(track_minutes.values(), default=0)
    elif isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
        meta_error(
            "minutes", "'minutes' must be a whole number of minutes greater than 0 (the estimated learning time)"
        )
        minutes = 0
    objectives = meta.get("objectives") or []
    if not isinstance(objectives, list) or not all(isinstance(o, str) and o.strip() for o in objectives):
        meta_error("objectives", "'objectives' must be a list of sentences, one per '- ' line")
        objectives = []
    slug = str(meta.get("id") or file_slug)
    if not SLUG_RE.match(slug):
        meta_error("id", f"module id '{slug}' must use lowercase letters, digits and hyphens")
    _claim(ids, problems, path, 1, "module", slug)

    module = Module(slug, number, title or file_slug, minutes, [o.strip() for o in objectives], path)
    module.minutes_line = meta_lines.get("minutes", 1)
    module.tracks, module.track_minutes = module_tracks, track_minutes
    raw_pages, errors = split_pages(body)
    for error in errors:
        problems.add(path, error.line, error.message)
    if not raw_pages:
        problems.add(path, 1, "the module has no pages: start each page with a '## Page title' line")

    page_ids: set[str] = set()
    for raw in raw_pages:
        page_slug = raw.explicit_id or slugify(raw.title)
        if not SLUG_RE.match(page_slug):
            problems.add(path, raw.line, f"page id '{page_slug}' must use lowercase letters, digits and hyphens")
        if page_slug in page_ids:
            problems.add(
                path,
                raw.line,
                f"two pages in this module have the id '{page_slug}' (add '{{#another-id}}' after one title)",
            )
        page_ids.add(page_slug)
        page = Page(page_slug, raw.title, [], raw.line, module)
        if raw.tracks is not None:
            page.tracks = _tracks(raw.tracks, course, lambda m, line=raw.line: problems.add(path, line, m))
            _within(page.tracks, module.tracks, "module", lambda m, line=raw.line: problems.add(path, line, m))
            if page.tracks is not None and module.tracks is not None and not page.tracks <= module.tracks:
                page.tracks = page.tracks & module.tracks
        outer = page.tracks or module.tracks
        page.segments, page.segment_tracks = _compile_parts(raw, path, course, renderer, problems, ids, outer)
        if not page.segments and not any(isinstance(part, RawBlock) for part in raw.parts):
            problems.add(path, raw.line, f"the page '{raw.title}' has no content")
        module.pages.append(page)
    return module


def _front_matter_text(text: str) -> str:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return ""
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in {"---", "..."}), len(lines))
    return "\n".join(["", *lines[1:end]])  # keep line numbers aligned with the file (minus one)


def _compile_parts(raw, path, course, renderer, problems, ids, outer=None) -> tuple[list, dict[int, frozenset[str]]]:
    """The page's segments, and the tracks of those marked for some tracks (by their place)."""
    course_dir = course.path
    segments: list = []
    tracked: dict[int, frozenset[str]] = {}

    def report(line: int, message: str) -> None:
        problems.add(path, line, message)

    def claim_id(kind: str, value: str, line: int) -> bool:
        return _claim(ids, problems, path, line, kind, value)

    def render(text: str) -> str:
        return renderer.render(text)

    def warn(line: int, message: str) -> None:
        problems.warn(path, line, message)

    ctx = BlockContext(render, report, claim_id, course, warn, problems.shown(path))
    for part in raw.parts:
        if isinstance(part, RawBlock) and part.name == TRACK_BLOCK:
            tracks = _tracks(split_tracks(part.title), course, lambda m, line=part.line: report(line, m))
            text = "\n".join(line.text for line in part.body)
            if part.options:
                report(part.line, "a track block takes no options: name its tracks after '|'")
            if not text.strip():
                report(part.line, "the track block is empty")
                continue
            _check_images(part.body, path, course_dir, problems)
            _check_tables(part.body, path, problems)
            if tracks is not None:
                _within(tracks, outer, "page", lambda m, line=part.line: report(line, m))
                tracked[len(segments)] = tracks
            segments.append(HtmlSegment(render(text)))
            continue
        if isinstance(part, RawBlock):
            block_tracks = None
            if "tracks" in part.options:
                line = part.options.get("__lines__", {}).get("tracks", part.line)
                value = part.options.pop("tracks")
                block_tracks = _tracks(value, course, lambda m, line=line: report(line, m))
                _within(block_tracks, outer, "page", lambda m, line=line: report(line, m))
            block_type = registry().get(part.name)
            if block_type is None:
                known = ", ".join(sorted([*registry(), TRACK_BLOCK]))
                report(part.line, f"unknown block '{part.name}' (known blocks: {known})")
                continue
            _check_images(part.body, path, course_dir, problems)
            _check_tables(part.body, path, problems)
            options = block_type.parse_options(part, ctx)
            if options is not None:
                segment = block_type.build(part, options, ctx)
                if segment is not None:
                    if block_tracks is not None:
                        tracked[len(segments)] = block_tracks
                    segments.append(segment)
            continue
        text = "\n".join(line.text for line in part)
        if not text.strip():
            continue
        _check_images(part, path, course_dir, problems)
        _check_tables(part, path, problems)
        segments.append(HtmlSegment(render(text)))
    return segments, tracked


def _tracks(value, course: Course, report) -> frozenset[str] | None:
    """Track ids written as a list or as 'a, b': each must be one of course.yml's tracks."""
    if isinstance(value, str):
        value = split_tracks(value)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        report("'tracks' names one or more track ids, such as 'tracks: classroom, support'")
        return None
    if not course.tracks:
        report("the course has no tracks: name them in course.yml ('tracks') before marking pages and blocks")
        return None
    known = {t.id for t in course.tracks}
    unknown = [v for v in value if v.strip() not in known]
    if unknown:
        report(f"unknown track '{unknown[0]}' (tracks: {', '.join(t.id for t in course.tracks)})")
        return None
    return frozenset(v.strip() for v in value)


def _within(tracks, outer, where: str, report) -> None:
    """A page's or block's tracks must be among those of the module or page holding it."""
    if tracks is None or outer is None:
        return
    outside = sorted(tracks - outer)
    if outside:
        report(f"marked for the track '{outside[0]}', but its {where} is only for: {', '.join(sorted(outer))}")


def _track_minutes(value: dict, course: Course, module_tracks, report) -> dict[str, int]:
    """``minutes`` per track: a whole number for every track the module is in."""
    known = {t.id for t in course.tracks}
    wanted = module_tracks or known
    found: dict[str, int] = {}
    for key, minutes in value.items():
        if key not in known:
            report(f"unknown track '{key}' in 'minutes' (tracks: {', '.join(t.id for t in course.tracks)})")
        elif key not in wanted:
            report(f"'minutes' names the track '{key}', but the module is not in it")
        elif isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
            report(f"'minutes' for the track '{key}' must be a whole number of minutes greater than 0")
        else:
            found[key] = minutes
    missing = [t.id for t in course.tracks if t.id in wanted and t.id not in value]
    if missing:
        report(f"'minutes' gives no minutes for the track '{missing[0]}': give every track of the module its minutes")
    return found


def _check_images(lines, path, course_dir, problems) -> None:
    if not lines:
        return
    first = lines[0].number
    for offset, alt, src in find_images("\n".join(line.text for line in lines)):
        line = first + offset
        if not alt:
            problems.add(path, line, f"image '{src}' needs alt text: ![what the image shows]({src})")
        target = media_file(course_dir, src)
        if target is None:
            problems.add(
                path, line, f"image '{src}' must be a file in the course's media/ folder, such as media/diagram.svg"
            )
        elif not target.is_file():
            problems.add(path, line, f"image '{src}' was not found in {course_dir.name}/media/")


def _check_tables(lines, path, problems) -> None:
    if not lines:
        return
    first = lines[0].number
    for offset, column in empty_header_cells("\n".join(line.text for line in lines)):
        problems.warn(
            path,
            first + offset,
            f"the table's header row has an empty cell (column {column}): give every column a heading, "
            "so that a screen reader can say what each cell is",
        )


def _claim(ids, problems, path, line, kind, value) -> bool:
    key = f"{kind}:{value}"
    if key in ids:
        other_file, other_line = ids[key]
        problems.add(path, line, f"duplicate {kind} id '{value}' (already used at {other_file}:{other_line})")
        return False
    ids[key] = (path.name, line)
    return True


def _order_modules(modules, order, course_dir, problems) -> list[Module]:
    if order is None:
        numbers: dict[int, Module] = {}
        for module in modules:
            if module.number in numbers:
                problems.add(module.source, 1, f"two module files start with the number {module.number:02d}")
            numbers[module.number] = module
        return sorted(modules, key=lambda m: (m.number, m.slug))
    by_slug = {m.slug: m for m in modules}
    yml = course_dir / "course.yml"
    line = key_lines(yml.read_text(encoding="utf-8")).get(("modules",), 1)
    for slug in order:
        if slug not in by_slug:
            problems.add(yml, line, f"'modules' lists '{slug}', but no module has that id")
    for module in modules:
        if module.slug not in order:
            problems.add(yml, line, f"module '{module.slug}' ({module.source.name}) is missing from the 'modules' list")
    return [by_slug[s] for s in order if s in by_slug] + [m for m in modules if m.slug not in order]


def hours(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{text} hour" if text == "1" else f"{text} hours"


def _check_hours(course: Course, problems: ProblemList) -> None:
    if not course.modules or any(m.minutes == 0 for m in course.modules) or not course.credit.hours:
        return  # a course that offers no credit has no hours to add up
    offered = course.credit.hours * 60
    yml = course.path / "course.yml"
    for view, label in _views(course):
        if abs(view.minutes - offered) > 0.5:
            line = key_lines(yml.read_text(encoding="utf-8")).get(("credit", "hours"), 1)
            problems.add(
                yml,
                line,
                f"credit is {hours(course.credit.hours)} ({offered:g} minutes), but the modules' minutes "
                f"{label}add up to {view.minutes} ({hours(view.minutes / 60)})",
            )


def _views(course: Course) -> list[tuple[Course, str]]:
    """The course as each track takes it (every track must be a full course), or the course itself."""
    if not course.tracks:
        return [(course, "")]
    return [(course.for_track(track.id), f"on the track '{track.id}' ") for track in course.tracks]


def _check_time(course: Course, problems: ProblemList) -> None:
    """A module's stated minutes against the estimate of its work: a credit problem where credit is offered."""
    report = problems.add_credit if course.offers_credit else problems.warn
    for view, label in _views(course):
        for module, time in zip(view.modules, course_time(view).modules, strict=True):
            if time.fits:
                continue
            where = f"{label.strip()}: " if label else ""
            report(
                module.source,
                module.minutes_line,
                f"{where}the module states {time.stated} minutes, but its work is estimated at {time.estimated} "
                f"(reading {time.reading}, activities {time.activity_minutes}); declare the minutes of its "
                "activities or correct the module's minutes",
            )
