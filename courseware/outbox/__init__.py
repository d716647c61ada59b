"""The email outbox: mail is queued in the database and sent by ``flask outbox deliver``."""

from courseware.outbox.services import DeliveryReport, OutboxStatus, deliver, enqueue, enqueue_many

__all__ = ["DeliveryReport", "OutboxStatus", "deliver", "enqueue", "enqueue_many"]
