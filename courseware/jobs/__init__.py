"""Jobs: slow or fallible work taken off the request path (see docs/jobs.md).

    from courseware import jobs

    @jobs.handler("certificates.render", max_attempts=5, timeout=120)
    def render(payload: dict) -> None: ...

    jobs.enqueue("certificates.render", {"certificate_id": 42}, key="certificates.render:42")
    db.session.commit()  # the job exists if, and only if, this commit succeeds

``flask jobs work`` (or, in development, a thread of the web server) runs what is due.
"""

from courseware.jobs.core import (
    GiveUp,
    Handler,
    RetryResult,
    WorkReport,
    backoff,
    counts,
    current_job_id,
    enqueue,
    enqueue_many,
    enqueue_unless_held,
    find,
    handler,
    jobs_in,
    keys_since,
    new_worker_id,
    purge_done,
    registered,
    retry,
    work,
)
from courseware.jobs.emails import (
    EMAIL_SEND,
    email_payload,
    enqueue_email,
    enqueue_email_unless_held,
    enqueue_emails,
)
from courseware.models.job import Job, JobStatus

__all__ = [
    "EMAIL_SEND",
    "GiveUp",
    "Handler",
    "Job",
    "JobStatus",
    "RetryResult",
    "WorkReport",
    "backoff",
    "counts",
    "current_job_id",
    "email_payload",
    "enqueue",
    "enqueue_email",
    "enqueue_email_unless_held",
    "enqueue_emails",
    "enqueue_many",
    "enqueue_unless_held",
    "find",
    "handler",
    "jobs_in",
    "keys_since",
    "new_worker_id",
    "purge_done",
    "registered",
    "retry",
    "work",
]
