"""Database models, one module per area of the product."""

from courseware.models.case_study import CaseStudyResponse
from courseware.models.certificate import Certificate
from courseware.models.circle import Circle, CircleDigest, CircleDigestOptOut, CirclePost, CircleReport
from courseware.models.cohort import (
    Assignment,
    Cohort,
    CohortMember,
    DistrictAnswer,
    LeaderGrant,
    Organisation,
    RosterUpload,
)
from courseware.models.credit import CreditProvider, ProviderAsset
from courseware.models.evaluation import (
    Attestation,
    EvaluationComment,
    EvaluationRating,
    EvaluationResponse,
    EvaluationResponseCohort,
    EvaluationResponseOrganisation,
)
from courseware.models.job import DeliveryState, EmailDelivery, Job, JobStatus
from courseware.models.kept import KeptSubmission
from courseware.models.lti import LtiLaunch, LtiRegistration, LtiTicket
from courseware.models.pacing import CalendarToken, CourseSession, ModuleDate, PacingPlan
from courseware.models.practice import PracticeEntry
from courseware.models.progress import Enrolment, PageProgress, PageVisit
from courseware.models.quiz import QuizAttempt, QuizShown, QuizVersion
from courseware.models.sign_in import OrganisationDomain, OrganisationSignIn, SamlAssertion, SignInIdentity
from courseware.models.team import Team, TeamMember, TeamPlanChange, TeamPlanComment, TeamPlanItem
from courseware.models.user import EmailChange, PasswordReset, Role, SignUpRequest, User
from courseware.models.worksheet import AnswerConflict, WorksheetAnswer, WorksheetEntry

__all__ = [
    "AnswerConflict",
    "Assignment",
    "Attestation",
    "CalendarToken",
    "CaseStudyResponse",
    "Certificate",
    "Circle",
    "CircleDigest",
    "CircleDigestOptOut",
    "CirclePost",
    "CircleReport",
    "Cohort",
    "CohortMember",
    "CourseSession",
    "CreditProvider",
    "DeliveryState",
    "DistrictAnswer",
    "EmailChange",
    "EmailDelivery",
    "Enrolment",
    "EvaluationComment",
    "EvaluationRating",
    "EvaluationResponse",
    "EvaluationResponseCohort",
    "EvaluationResponseOrganisation",
    "Job",
    "JobStatus",
    "KeptSubmission",
    "LeaderGrant",
    "LtiLaunch",
    "LtiRegistration",
    "LtiTicket",
    "ModuleDate",
    "Organisation",
    "OrganisationDomain",
    "OrganisationSignIn",
    "PacingPlan",
    "PageProgress",
    "PageVisit",
    "PasswordReset",
    "PracticeEntry",
    "ProviderAsset",
    "QuizAttempt",
    "QuizShown",
    "QuizVersion",
    "Role",
    "RosterUpload",
    "SamlAssertion",
    "SignInIdentity",
    "SignUpRequest",
    "Team",
    "TeamMember",
    "TeamPlanChange",
    "TeamPlanComment",
    "TeamPlanItem",
    "User",
    "WorksheetAnswer",
    "WorksheetEntry",
]
