"""Shared helpers of the resident ID reader tests (a plain module: conftest is not importable)."""

from __future__ import annotations

import datetime as dt

from drivers.residentid.link import SerialLink
from drivers.residentid.reader import ResidentIdReader
from drivers.residentid.sam_client import Timeouts
from drivers.residentid.sim.not_wlt_codec import NotWltTestCodec

TODAY = dt.date(2026, 3, 1)
# short deadlines keep fault tests fast; the simulated SAM answers instantly unless a test slows it
FAST = Timeouts(sam_s=0.3, card_s=0.3, read_s=0.5)


def make_reader(path: str, **kwargs) -> ResidentIdReader:
    link = SerialLink(path, poll_s=0.01, reconnect_timeout_s=kwargs.pop("reconnect_timeout_s", 2.0))
    kwargs.setdefault("decoder", NotWltTestCodec())
    kwargs.setdefault("timeouts", FAST)
    kwargs.setdefault("poll_interval_s", 0.02)
    return ResidentIdReader(link, today=lambda: TODAY, **kwargs)
