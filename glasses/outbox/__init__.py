"""The glasses' durable outbox (SQLite) and its delivery loop.

- :class:`glasses.outbox.store.Outbox`: ``add(kind, payload) -> Record``,
  ``pending(limit)``, ``acknowledge(ids)`` (and ``a*`` async twins)
- :func:`glasses.outbox.deliver.deliver`: the task the link runs while connected
"""

from glasses.outbox.config import OutboxConfig
from glasses.outbox.deliver import deliver
from glasses.outbox.ids import new_ulid
from glasses.outbox.store import Outbox, OutboxError

__all__ = ["Outbox", "OutboxConfig", "OutboxError", "deliver", "new_ulid"]
