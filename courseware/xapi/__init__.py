"""xAPI: statements about what learners do, sent to a learning record store (see docs/xapi.md).

Importing the package registers the listeners of ``courseware.events`` (``listeners``), which turn
each event into xAPI 1.0.3 statements (``statements``, with the IRIs of ``vocabulary``) and queue
them as an "xapi.send" job in the learner's own transaction, and the job's handler (``sending``),
which stores each statement in the record store under its own id, so none is lost or kept twice.
"""

from courseware.xapi import listeners, sending
from courseware.xapi.cli import xapi_cli
from courseware.xapi.sending import SEND, describe
from courseware.xapi.status import Status, status

__all__ = ["SEND", "Status", "describe", "listeners", "sending", "status", "xapi_cli"]
