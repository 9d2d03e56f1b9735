"""Kept for the service's imports: the module lives in the shared package `refdata.model`."""

from refdata.model import *  # noqa: F403
