"""Database models, one module per area of the product."""

from courseware.models.certificate import Certificate
from courseware.models.kept import KeptSubmission
from courseware.models.progress import Enrolment, PageProgress, PageVisit
from courseware.models.quiz import QuizAttempt, QuizVersion
from courseware.models.user import PasswordReset, Role, User
from courseware.models.worksheet import AnswerConflict, WorksheetAnswer, WorksheetEntry

__all__ = [
    "AnswerConflict",
    "Certificate",
    "Enrolment",
    "KeptSubmission",
    "PageProgress",
    "PageVisit",
    "PasswordReset",
    "QuizAttempt",
    "QuizVersion",
    "Role",
    "User",
    "WorksheetAnswer",
    "WorksheetEntry",
]
