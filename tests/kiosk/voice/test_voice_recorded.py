"""Recorded prompt files win over the synthesiser; a prompt without one falls back to it."""

from __future__ import annotations

from pathlib import Path

from kiosk.voice.prompts import Utterance
from kiosk.voice.recorded import RecordedSpeaker
from tests.kiosk.voice.voice_wavs import tone


class Synth:
    def __init__(self) -> None:
        self.asked: list[str] = []

    def audio(self, utterance: Utterance) -> bytes:
        self.asked.append(utterance.key)
        return b"synthesised"


def test_a_recorded_file_replaces_the_synthesiser(tmp_path: Path) -> None:
    recorded = tone()
    (tmp_path / "card_wait.zh_CN.wav").write_bytes(recorded)
    synth = Synth()
    speaker = RecordedSpeaker(tmp_path, synth)
    assert speaker.audio(Utterance("card_wait", "zh_CN")) == recorded
    assert synth.asked == []


def test_a_prompt_without_a_file_is_synthesised(tmp_path: Path) -> None:
    (tmp_path / "card_wait.zh_CN.wav").write_bytes(tone())
    synth = Synth()
    speaker = RecordedSpeaker(tmp_path, synth)
    assert speaker.audio(Utterance("card_wait", "en")) == b"synthesised"
    assert speaker.audio(Utterance("idle_countdown", "zh_CN", 15)) == b"synthesised"
    assert synth.asked == ["card_wait.en", "idle_countdown-15.zh_CN"]


def test_a_missing_directory_falls_back_too(tmp_path: Path) -> None:
    speaker = RecordedSpeaker(tmp_path / "absent", Synth())
    assert speaker.audio(Utterance("done", "en")) == b"synthesised"
