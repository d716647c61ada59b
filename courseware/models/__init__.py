"""Database models, one module per area of the product."""

from courseware.models.progress import Enrolment, PageProgress, PageVisit
from courseware.models.user import PasswordReset, Role, User

__all__ = ["Enrolment", "PageProgress", "PageVisit", "PasswordReset", "Role", "User"]
