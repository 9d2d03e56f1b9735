"""What a speaker backend does: turn an utterance into WAV bytes, or into nothing."""

from __future__ import annotations

from typing import Protocol

from drivers.errors import DeviceError
from kiosk.voice.prompts import Utterance


class SpeechFailed(DeviceError):
    """The synthesiser is missing or failed on a prompt: that prompt stays silent."""

    code = "voice_tts_failed"
    fault = False


class Speaker(Protocol):
    def audio(self, utterance: Utterance) -> bytes | None:
        """WAV bytes to play, or None when this backend has nothing to say for it.
        Raises SpeechFailed."""
        ...
