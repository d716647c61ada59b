"""SCORM 1.2 export: a course as a package that a district's own learning management system runs.

``flask courses export-scorm COURSE`` writes a zip holding ``imsmanifest.xml`` (one SCO for the whole
course), the course's pages as one static HTML document with its stylesheet and images, and a small
runtime (``assets/sco.js``) that reports the pages read, the quiz score and the result to the LMS through
the SCORM 1.2 API. Nothing in the package calls Courseware: it works offline, and grades its quizzes in
the browser (so their answers are in the package). See docs/scorm.md.
"""

from courseware.scorm.export import ExportRefused, course_to_export, write_package

__all__ = ["ExportRefused", "course_to_export", "write_package"]
