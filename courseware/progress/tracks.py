"""Role tracks: the course as a learner's enrolment takes it.

A course with tracks (course.yml ``tracks``) is a shared core plus pages and blocks for each track. The
learner's enrolment names their track; everything that counts for completion (pages to read, quizzes,
worksheets, module minutes, hours) is that track's view of the course, ``Course.for_track``. Work done
on another track's pages stays recorded, and counts again if the learner goes back to it.
"""

from __future__ import annotations

from courseware.courses import Course
from courseware.courses.model import Track
from courseware.models import Enrolment


def chosen_track(course: Course, enrolment: Enrolment | None) -> Track | None:
    """The track the enrolment names, if the course (still) has it."""
    if enrolment is None or not enrolment.track:
        return None
    return course.whole.track_named(enrolment.track)


def needs_track(course: Course, enrolment: Enrolment | None) -> bool:
    """The course has tracks and the learner has not chosen one (or theirs is no longer in the course)."""
    return bool(course.whole.tracks) and chosen_track(course, enrolment) is None


def course_on_track(course: Course, enrolment: Enrolment | None) -> Course:
    """The course as this enrolment takes it: its track's view, or the whole course when it has no
    tracks or no track is chosen yet (nothing is complete then: see ``settle``)."""
    track = chosen_track(course, enrolment)
    return course.whole.for_track(track.id) if track is not None else course.whole
