"""Serve ralph's learning record store (``ralph.api:app``) on HOST PORT, run by tests/helpers/ralph.py
with this folder's venv, its settings in the environment (RALPH_*).

ralph 5.1.0's file-system backend writes every batch of statements with ``operation_type`` CREATE,
which refuses to write to a file that exists: the first statement is stored, and every later one
fails with "Statement indexation failed". Its API passes no operation type, so here the backend's
default becomes APPEND, which adds each batch to the one statements file. Nothing else is changed.
"""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

if __name__ == "__main__":
    host, port = sys.argv[1], int(sys.argv[2])
    uvicorn.run("ralph.api:app", host=host, port=port, log_level="warning")
