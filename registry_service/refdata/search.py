"""Kept for the service's imports: the module lives in the shared package `refdata.search`."""

from refdata.search import *  # noqa: F403
