"""The voice built from the [voice] section."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.voice import setup
from kiosk.voice.aplay import AplayPlayer
from kiosk.voice.espeak import EspeakSpeaker
from kiosk.voice.null import NullSpeaker
from kiosk.voice.options import VoiceSection
from kiosk.voice.player import NoSoundDevice, SilentPlayer
from kiosk.voice.recorded import RecordedSpeaker
from kiosk.voice.sim.recording_player import RecordingPlayer


def test_off_builds_nothing(tmp_path: Path) -> None:
    assert setup.announcer(VoiceSection(mode="off"), tmp_path) is None


def test_auto_is_silent_without_a_sound_device_and_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(setup, "sound_device_present", lambda: False)
    player = setup.player(VoiceSection())
    assert isinstance(player, SilentPlayer) and player.reason == NoSoundDevice.code
    monkeypatch.setattr(setup, "sound_device_present", lambda: True)
    assert isinstance(setup.player(VoiceSection()), AplayPlayer)


def test_chosen_players() -> None:
    assert isinstance(setup.player(VoiceSection(player="simulated")), RecordingPlayer)
    silent = setup.player(VoiceSection(player="silent"))
    assert isinstance(silent, SilentPlayer) and silent.reason == ""


def test_recorded_prompts_sit_in_front_of_the_synthesiser(tmp_path: Path) -> None:
    speaker = setup.speaker(VoiceSection(prompts_dir="prompts"), tmp_path)
    assert isinstance(speaker, RecordedSpeaker) and speaker.directory == tmp_path / "prompts"
    assert isinstance(speaker.fallback, EspeakSpeaker)
    assert isinstance(setup.speaker(VoiceSection(tts="none"), tmp_path), NullSpeaker)


@pytest.mark.parametrize(("key", "value"), [("rate", 79), ("rate", 301), ("volume", 9), ("volume", 101),
                                            ("mode", "on"), ("player", "pulse")])
def test_out_of_range_values_are_refused(key: str, value: object) -> None:
    with pytest.raises(ValueError):
        VoiceSection(**{key: value})
