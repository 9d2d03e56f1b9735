"""Kept for the service's imports: the module lives in the shared package `refdata.integrity`."""

from refdata.integrity import *  # noqa: F403
