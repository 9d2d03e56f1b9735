"""The speaker that says nothing: voice off, or recorded files only and none for a prompt."""

from __future__ import annotations

from kiosk.voice.prompts import Utterance


class NullSpeaker:
    def audio(self, utterance: Utterance) -> bytes | None:
        return None
