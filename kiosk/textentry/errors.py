"""Typed text-entry failures, each with a stable ``code`` the UI maps to a translated message.

An engine that cannot start (library or data missing) is not a kiosk fault: the text-entry
widget drops that input mode and keeps the other, so only both missing stops Chinese entry.
"""

from __future__ import annotations

from drivers.errors import DeviceError


class TextEntryError(DeviceError):
    """Base class. ``detail`` is for technicians' logs: never the applicant's input. A device
    error like every coded failure of the kiosk, but never a fault: the form carries on."""

    code = "textentry_error"
    fault = False

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.code)
        self.detail = detail


class PinyinUnavailable(TextEntryError):
    """The configured pinyin engine (its shared library or its dictionary) is not installed."""

    code = "textentry_pinyin_unavailable"


class HandwritingUnavailable(TextEntryError):
    """The handwriting engine or its model file is not installed or does not load."""

    code = "textentry_handwriting_unavailable"


class NoInputMethod(TextEntryError):
    """Neither pinyin nor handwriting could be started: Chinese text cannot be entered here."""

    code = "textentry_unavailable"


class EngineFailed(TextEntryError):
    """A loaded engine refused a call it accepted before (a library fault, not bad input)."""

    code = "textentry_engine_failed"
