"""Kept for the service's imports: the module lives in the shared package `refdata.loader`."""

from refdata.loader import *  # noqa: F403
