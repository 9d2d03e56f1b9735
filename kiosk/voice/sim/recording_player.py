"""A player that records what it would have played, for tests and demos without sound.

``hold``: each prompt "plays" until it is interrupted or ``release()`` is called, so a test can
interrupt a prompt mid-play deterministically; otherwise it finishes at once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from kiosk.voice.player import Audio

KEPT = 100  # a simulated kiosk runs for days: the record stays bounded


@dataclass(frozen=True)
class Played:
    key: str
    wav: bytes
    finished: bool  # False: interrupted by the next prompt


class RecordingPlayer:
    def __init__(self, hold: bool = False) -> None:
        self.hold = hold
        self.played: list[Played] = []
        self.started: list[str] = []
        self._changed = threading.Condition()
        self._release = threading.Event()

    def play(self, audio: Audio, stop: threading.Event) -> bool:
        with self._changed:
            self.started = [*self.started[-KEPT + 1:], audio.key]
            self._changed.notify_all()
        finished = True
        if self.hold:
            while not stop.wait(0.01):
                if self._release.is_set():
                    self._release.clear()
                    break
            finished = not stop.is_set()
        with self._changed:
            self.played = [*self.played[-KEPT + 1:], Played(audio.key, audio.wav, finished)]
            self._changed.notify_all()
        return finished

    def release(self) -> None:
        """Let a held prompt finish."""
        self._release.set()

    def wait_started(self, key: str, timeout: float = 5.0) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: key in self.started, timeout)

    def wait_played(self, key: str, timeout: float = 5.0) -> Played | None:
        with self._changed:
            self._changed.wait_for(lambda: any(p.key == key for p in self.played), timeout)
            return next((p for p in self.played if p.key == key), None)
