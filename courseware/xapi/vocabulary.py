"""The registered IRIs Courseware's statements use: verbs and activity types (see docs/xapi.md).

ADL's verbs and activity types (http://adlnet.gov/expapi/...) are those of the xAPI specification's
own vocabulary; "earned" is the Tin Can registry's (http://id.tincanapi.com/verb/earned: "the actor
gained something, such as a badge or award"); a certificate is a credential of the Total Learning
Architecture's xAPI profile (https://w3id.org/xapi/tla/activity-types/credential: "an
authoritative statement that the recipient can perform a task").
"""

from __future__ import annotations

from dataclasses import dataclass

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
ADL_ACTIVITIES = "http://adlnet.gov/expapi/activities/"


@dataclass(frozen=True)
class Verb:
    id: str
    display: str

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "display": {"en-US": self.display}}


LAUNCHED = Verb(ADL_VERBS + "launched", "launched")
EXPERIENCED = Verb(ADL_VERBS + "experienced", "experienced")
ANSWERED = Verb(ADL_VERBS + "answered", "answered")
PASSED = Verb(ADL_VERBS + "passed", "passed")
FAILED = Verb(ADL_VERBS + "failed", "failed")
COMPLETED = Verb(ADL_VERBS + "completed", "completed")
EARNED = Verb("http://id.tincanapi.com/verb/earned", "earned")

COURSE = ADL_ACTIVITIES + "course"
MODULE = ADL_ACTIVITIES + "module"
LESSON = ADL_ACTIVITIES + "lesson"  # a page of a module
ASSESSMENT = ADL_ACTIVITIES + "assessment"  # a quiz
CREDENTIAL = "https://w3id.org/xapi/tla/activity-types/credential"  # a certificate

PLATFORM = "Courseware"
VERSION = "1.0.3"  # the X-Experience-API-Version the statements are sent with
