"""``imsmanifest.xml`` for a SCORM 1.2 package: one organization, one item, one SCO.

The whole course is one SCO whose launch page navigates between the course's pages itself, so the LMS
receives one lesson status and one score for the course, and its mastery score (the course's pass mark)
is compared with that score, as SCORM 1.2 intends.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

from courseware.courses import Course

IMSCP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
IMSMD = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATIONS = (
    f"{IMSCP} imscp_rootv1p1p2.xsd {IMSMD} imsmd_rootv1p2p1.xsd {ADLCP} adlcp_rootv1p2.xsd"
)  # fmt: skip
LAUNCH = "index.html"
TITLE_MAX = 200  # characters: LMSs show it in lists
_NOT_IN_ID = re.compile(r"[^A-Za-z0-9._-]+")

ET.register_namespace("", IMSCP)
ET.register_namespace("adlcp", ADLCP)
ET.register_namespace("xsi", XSI)


def package_id(course: Course) -> str:
    """The manifest's identifier (an XML ID: it may not start with a digit): the course, its track and
    its version, so that a district can tell two exports of the course apart."""
    parts = ["courseware", course.slug, course.track or "", _NOT_IN_ID.sub("-", course.version).strip("-")]
    return "-".join(part for part in parts if part)


def package_title(course: Course) -> str:
    track = course.track_named(course.track)
    title = f"{course.title} ({track.title})" if track else course.title
    return title[:TITLE_MAX]


def manifest_xml(course: Course, files: list[str], mastery_score: int | None) -> bytes:
    """The manifest listing ``files`` (paths inside the package, the launch page among them); the item
    carries ``mastery_score`` when the course has graded quizzes."""

    def sub(parent: ET.Element, tag: str, text: str | None = None, ns: str = IMSCP, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ns}}}{tag}", attributes)
        if text is not None:
            element.text = text
        return element

    manifest = ET.Element(
        f"{{{IMSCP}}}manifest",
        {"identifier": package_id(course), "version": "1.0", f"{{{XSI}}}schemaLocation": SCHEMA_LOCATIONS},
    )
    metadata = sub(manifest, "metadata")
    sub(metadata, "schema", "ADL SCORM")
    sub(metadata, "schemaversion", "1.2")
    organizations = sub(manifest, "organizations", default="ORG-COURSE")
    organization = sub(organizations, "organization", identifier="ORG-COURSE")
    sub(organization, "title", package_title(course))
    item = sub(organization, "item", identifier="ITEM-COURSE", identifierref="RES-COURSE", isvisible="true")
    sub(item, "title", package_title(course))
    if mastery_score is not None:
        sub(item, "masteryscore", str(mastery_score), ns=ADLCP)
    resources = sub(manifest, "resources")
    resource = sub(
        resources,
        "resource",
        identifier="RES-COURSE",
        type="webcontent",
        href=LAUNCH,
        **{f"{{{ADLCP}}}scormtype": "sco"},
    )
    for path in files:
        sub(resource, "file", href=path)
    ET.indent(manifest)
    return ET.tostring(manifest, encoding="utf-8", xml_declaration=True) + b"\n"
