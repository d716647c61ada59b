"""Database models, one module per area of the product."""

from courseware.models.kept import KeptSubmission
from courseware.models.progress import Enrolment, PageProgress, PageVisit
from courseware.models.quiz import QuizAttempt, QuizVersion
from courseware.models.user import PasswordReset, Role, User

__all__ = [
    "Enrolment",
    "KeptSubmission",
    "PageProgress",
    "PageVisit",
    "PasswordReset",
    "QuizAttempt",
    "QuizVersion",
    "Role",
    "User",
]
