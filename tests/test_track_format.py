"""Role tracks in the course format: course.yml's tracks, pages, blocks and modules marked for some of them,
the course as each track takes it, and the mistakes, each at its file and line."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from courseware.courses import compile_course
from courseware.courses.time_model import course_time
from tests.conftest import EXAMPLE_COURSES
from tests.test_compiler import make_course, snapshot

GOLDEN = Path(__file__).parent / "golden" / "tracks-course.json"
COURSE = EXAMPLE_COURSES / "tracks-course"

TRACKS_YML = """\
title: Demo
tracks:
  - id: classroom
    title: Classroom staff
    staff_roles: [Teacher, Aide]
  - id: support
    title: Support staff
    staff_roles: [Bus driver]
"""


def track_snapshot(course) -> dict:
    """The whole course as compiled, with what is marked for which track, and each track's view of it."""
    whole = snapshot(course)
    for module, shown in zip(course.modules, whole["modules"], strict=True):
        shown["tracks"] = sorted(module.tracks) if module.tracks is not None else None
        shown["track_minutes"] = module.track_minutes
        for page, shown_page in zip(module.pages, shown["pages"], strict=True):
            shown_page["tracks"] = sorted(page.tracks) if page.tracks is not None else None
            shown_page["segment_tracks"] = {str(i): sorted(t) for i, t in page.segment_tracks.items()}
    whole["tracks"] = [asdict(track) for track in course.tracks]
    whole["views"] = {
        track.id: {
            "minutes": view.minutes,
            "modules": [(m.slug, m.minutes) for m in view.modules],
            "pages": [[p.key, [s.kind for s in p.segments]] for p in view.pages],
        }
        for track in course.tracks
        for view in [course.for_track(track.id)]
    }
    return json.loads(json.dumps(whole))


def test_the_tracks_course_compiles_to_the_golden_output():
    course = compile_course(COURSE)
    assert course.problems == [] and course.credit_problems == [] and course.warnings == []
    assert track_snapshot(course) == json.loads(GOLDEN.read_text()), "regenerate tests/golden/ if intended"


def test_each_track_takes_the_core_and_its_own_pages_and_blocks():
    course = compile_course(COURSE)
    classroom, support = course.for_track("classroom"), course.for_track("support")
    assert [p.key for p in classroom.pages] == ["core/why-every-adult-matters", "core/classroom-routines",
                                                "classroom/a-calm-start"]  # fmt: skip
    assert [p.key for p in support.pages] == ["core/why-every-adult-matters", "core/support-routines",
                                              "support/a-warm-greeting"]  # fmt: skip
    first = classroom.pages[0].segments
    assert "In the classroom" in first[1].html and not any("On the bus" in getattr(s, "html", "") for s in first)
    assert [s.kind for s in support.pages[0].segments] == ["html", "html", "callout", "callout"]
    assert classroom.find_block("quiz", "support-check") is None and support.find_block("quiz", "support-check")
    # each track is a full course of the stated hours, module by module as the track states it
    assert (classroom.minutes, support.minutes) == (60, 60)
    assert course.minutes == 60  # the whole course is as long as one track, not as all of them together
    assert [m.minutes for m in support.modules] == [25, 35]
    assert all(m.fits for view in (classroom, support) for m in course_time(view).modules)
    # a view of a view is the same view; the core alone is what no track adds to
    assert support.for_track("classroom") is classroom and course.for_track(None).pages[0].segments[0]
    assert [p.key for p in course.for_track(None).pages] == ["core/why-every-adult-matters"]


def test_a_course_without_tracks_is_its_own_view():
    course = compile_course(EXAMPLE_COURSES / "example-course")
    assert course.tracks == [] and course.for_track("classroom") is course and course.for_track(None) is course


def test_staff_roles_preset_a_track_whatever_their_case():
    course = compile_course(COURSE)
    assert course.track_for_role(" teacher ").id == "classroom"
    assert course.track_for_role("Bus Driver").id == "support"
    assert course.track_for_role("Principal") is None and course.track_for_role("") is None


def compile_problems(tmp_path, course_yml: str, modules: dict[str, str]) -> list[str]:
    folder = make_course(tmp_path, course_yml, modules)
    course = compile_course(folder, tmp_path)
    return [str(p) for p in course.problems + course.credit_problems + course.warnings]


MODULE = """
---
title: One
minutes: 1
---

## First page

Text.
{extra}
"""


@pytest.mark.parametrize(
    ("yml", "expected"),
    [
        ("tracks:\n  - id: a\n    title: A\n    colour: red\n  - id: b\n    title: B\n",
         "demo/course.yml:5: unknown setting 'colour' in a track (expected one of: id, staff_roles, title)"),
        ("tracks:\n  - id: a\n    title: A\n  - id: a\n    title: Again\n",
         "demo/course.yml:5: two tracks have the id 'a'"),
        ("tracks:\n  - id: Big Track\n    title: A\n  - id: b\n    title: B\n",
         "demo/course.yml:3: track id 'Big Track' must use lowercase letters, digits and hyphens"),
        ("tracks:\n  - title: A\n  - id: b\n    title: B\n", "demo/course.yml:3: a track needs an 'id'"),
        ("tracks:\n  - id: a\n  - id: b\n    title: B\n", "demo/course.yml:3: the track 'a' needs a 'title'"),
        ("tracks: classroom\n", "demo/course.yml:2: 'tracks' must be a list of tracks"),
        ("tracks:\n  - id: a\n    title: A\n", "demo/course.yml:2: a course with tracks names at least two"),
        ("tracks:\n  - id: a\n    title: A\n    staff_roles: [Aide]\n"
         "  - id: b\n    title: B\n    staff_roles: [aide]\n",
         "demo/course.yml:8: the staff role 'aide' is in two tracks: 'a' and 'b'"),
        ("tracks:\n  - id: a\n    title: A\n    staff_roles: Aide\n  - id: b\n    title: B\n",
         "demo/course.yml:5: 'staff_roles' must be a list of roster staff roles"),
    ],
)  # fmt: skip
def test_mistakes_in_course_yml_tracks_point_at_their_line(tmp_path, yml, expected):
    found = compile_problems(tmp_path, "title: Demo\n" + yml, {"01-one.md": MODULE.format(extra="")})
    assert any(expected in p for p in found), found


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("## Other {tracks: teachers}\n\nMore.",
         "demo/01-one.md:9: unknown track 'teachers' (tracks: classroom, support)"),
        ("/// tip\n    tracks: classroom, bus\n\nA tip.\n///", "demo/01-one.md:10: unknown track 'bus'"),
        ("/// track | nobody\nProse.\n///", "demo/01-one.md:9: unknown track 'nobody'"),
        ("/// track | classroom\n///", "demo/01-one.md:9: the track block is empty"),
        ("/// track |\nProse.\n///", "demo/01-one.md:9: 'tracks' names one or more track ids"),
        ("## Other {#other tracks: support}\n\n/// note\n    tracks: classroom\n\nA note.\n///",
         "demo/01-one.md:12: marked for the track 'classroom', but its page is only for: support"),
    ],
)  # fmt: skip
def test_marks_naming_unknown_tracks_point_at_their_line(tmp_path, extra, expected):
    found = compile_problems(tmp_path, TRACKS_YML, {"01-one.md": MODULE.format(extra=extra)})
    assert any(expected in p for p in found), found


def test_marking_tracks_in_a_course_without_them_is_a_mistake(tmp_path):
    found = compile_problems(tmp_path, "title: Demo\n", {"01-one.md": MODULE.format(extra="## B {tracks: a}\n\nX.")})
    assert "demo/01-one.md:9: the course has no tracks: name them in course.yml ('tracks') before marking pages " \
           "and blocks" in found  # fmt: skip


def test_module_minutes_per_track_name_every_track_of_the_module(tmp_path):
    module = "---\ntitle: One\ntracks: [classroom]\nminutes:\n  classroom: 5\n  support: 4\n---\n\n## P\n\nText.\n"
    found = compile_problems(tmp_path, TRACKS_YML, {"01-one.md": module})
    assert "demo/01-one.md:4: 'minutes' names the track 'support', but the module is not in it" in found
    module = "---\ntitle: One\nminutes:\n  classroom: 5\n---\n\n## P\n\nText.\n"
    found = compile_problems(tmp_path / "two", TRACKS_YML, {"01-one.md": module})
    assert "demo/01-one.md:3: 'minutes' gives no minutes for the track 'support': give every track of the module " \
           "its minutes" in found  # fmt: skip


def test_each_track_must_add_up_to_the_credit_and_fit_its_estimate(tmp_path):
    yml = TRACKS_YML + "credit:\n  hours: 0.5\nprovider:\n  name: Northfield\n  contact: t@northfield.test\n"
    core = "---\ntitle: Core\nminutes: 20\n---\n\n## Core\n\n/// try-this | Do\n    minutes: 19\n\nDo it.\n///\n"
    extra = "---\ntitle: Extra\nminutes: 10\ntracks: [classroom]\n---\n\n## More\n\n" + "word " * 600 + "\n"
    found = compile_problems(tmp_path, yml, {"01-core.md": core, "02-extra.md": extra})
    assert (
        "demo/course.yml:10: credit is 0.5 hours (30 minutes), but the modules' minutes on the track 'support' "
        "add up to 20 (0.33 hours)" in found
    ), found
    assert not any("on the track 'classroom' add up" in p for p in found)
    fits = "---\ntitle: Support\nminutes: 10\ntracks: [support]\n---\n\n## S\n\n"
    fits += "/// try-this | Do\n    minutes: 9\n\nDo.\n///\n"
    found = compile_problems(tmp_path / "two", yml, {"01-core.md": core, "02-extra.md": extra, "03-s.md": fits})
    assert any(
        p.startswith("demo/02-extra.md:3: on the track 'classroom': the module states 10 minutes") for p in found
    )


def test_the_reference_course_has_a_track_for_each_group_of_staff():
    course = compile_course(Path(__file__).resolve().parent.parent / "modules" / "compassionate-schools")
    assert course.problems == []
    assert [track.id for track in course.tracks] == ["classroom", "specialists", "support", "leaders"]
    for track in course.tracks:
        assert sum(module.minutes_for(track.id) for module in course.for_track(track.id).modules) == 720


def regenerate_golden() -> None:  # pragma: no cover - run by hand when the output changes on purpose
    GOLDEN.write_text(json.dumps(track_snapshot(compile_course(COURSE)), indent=2) + "\n")


if __name__ == "__main__":  # pragma: no cover
    regenerate_golden()
