"""The embedded default used by `make run`: no environment needed."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# Browsers should not keep stale pages while developing.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=0)
# SQLite (the `make run` default) cannot enforce the ranked sub-partner table's NULLS NOT DISTINCT constraint;
# PostgreSQL, where the portal runs in production and in the tests, does. Not a newcomer's concern on every command.
SILENCED_SYSTEM_CHECKS = ["models.W047"]
# The portal's own bilingual 404 and 500 pages, as partners see them (portal/error_pages.py); set
# DEBUG_TECHNICAL_ERRORS=1 for Django's technical pages with the URL patterns and the traceback.
DEBUG_TECHNICAL_ERRORS = env.bool("DEBUG_TECHNICAL_ERRORS", default=False)
MIDDLEWARE = [*MIDDLEWARE, "portal.error_pages.FriendlyErrorPagesMiddleware"]  # noqa: F405
