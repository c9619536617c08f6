"""Development and `make demo`: SQLite under var/, mail written to var/mail, no Redis needed."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", False)
WEBHOOK_ALLOW_PRIVATE_NETWORKS = env_bool("WEBHOOK_ALLOW_PRIVATE_NETWORKS", True)
METRICS_OPEN_WITHOUT_TOKEN = True  # /metrics without METRICS_TOKEN: development only
