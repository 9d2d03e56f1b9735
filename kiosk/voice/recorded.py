"""Recorded prompts: WAV files a bureau provides, played instead of synthesised speech.

A file is named by the utterance's key, ``<prompt>.<language>.wav`` (``attract.zh_CN.wav``,
``idle_countdown-15.en.wav``); a prompt without a file falls back to the next speaker.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.voice.prompts import Utterance
from kiosk.voice.speaker import Speaker


class RecordedSpeaker:
    def __init__(self, directory: Path, fallback: Speaker) -> None:
        self.directory, self.fallback = directory, fallback

    def path(self, utterance: Utterance) -> Path:
        return self.directory / f"{utterance.key}.wav"

    def audio(self, utterance: Utterance) -> bytes | None:
        try:
            return self.path(utterance).read_bytes()
        except OSError:  # no file (or an unreadable one): the synthesiser says it
            return self.fallback.audio(utterance)
