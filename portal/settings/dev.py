"""The embedded default used by `make run`: no environment needed."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# Browsers should not keep stale pages while developing.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=0)
# SQLite (the `make run` default) cannot enforce the ranked sub-partner table's NULLS NOT DISTINCT constraint;
# PostgreSQL, where the portal runs in production and in the tests, does. Not a newcomer's concern on every command.
SILENCED_SYSTEM_CHECKS = ["models.W047"]
