"""Kept for the service's imports: the module lives in the shared package `refdata.scope_text`."""

from refdata.scope_text import *  # noqa: F403
