"""What a player backend does: play WAV bytes to the end or until told to stop."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Protocol

from drivers.errors import DeviceError


class NoSoundDevice(DeviceError):
    """Playback is impossible on this kiosk (no player program, no sound card): it goes on silent."""

    code = "voice_no_sound_device"
    fault = False


@dataclass(frozen=True)
class Audio:
    key: str  # the utterance's key: a prompt id and a language, never personal data
    wav: bytes


class Player(Protocol):
    def play(self, audio: Audio, stop: threading.Event) -> bool:
        """Play to the end (True) or until ``stop`` is set (False). Blocks: called on the voice
        worker only. Raises NoSoundDevice."""
        ...


class SilentPlayer:
    """Plays nothing. ``reason``: why the kiosk is silent ("" when chosen in the config)."""

    def __init__(self, reason: str = "") -> None:
        self.reason = reason

    def play(self, audio: Audio, stop: threading.Event) -> bool:
        return True
