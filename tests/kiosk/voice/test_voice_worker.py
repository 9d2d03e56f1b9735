"""The voice worker: off the caller's thread, newest prompt first, silent without a sound device."""

from __future__ import annotations

import logging
import stat
import threading
from pathlib import Path

import pytest

from kiosk.voice.aplay import AplayPlayer, sound_device_present
from kiosk.voice.gain import scaled
from kiosk.voice.player import NoSoundDevice, SilentPlayer
from kiosk.voice.prompts import Utterance
from kiosk.voice.sim.recording_player import RecordingPlayer
from kiosk.voice.worker import VoiceWorker
from tests.kiosk.voice.voice_wavs import measure, tone

DEADLINE_S = 5.0


class ToneSpeaker:
    """A tone per prompt; ``gate``: synthesis waits for it (a slow synthesiser)."""

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.gate = gate
        self.asked: list[str] = []

    def audio(self, utterance: Utterance) -> bytes:
        self.asked.append(utterance.key)
        if self.gate is not None:
            assert self.gate.wait(DEADLINE_S)
        return tone()


def failing_program(tmp_path: Path) -> str:
    """A stand-in for aplay on a kiosk without a sound card: it exits 1 with ALSA's complaint."""
    path = tmp_path / "aplay"
    path.write_text("#!/bin/sh\ncat >/dev/null\necho 'aplay: main:831: audio open error: No such file or directory' >&2"
                    "\nexit 1\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_a_new_prompt_interrupts_the_one_playing() -> None:
    player = RecordingPlayer(hold=True)
    worker = VoiceWorker(ToneSpeaker(), player)
    try:
        worker.say(Utterance("card_wait", "zh_CN"))
        assert player.wait_started("card_wait.zh_CN", DEADLINE_S)
        worker.say(Utterance("card_read", "zh_CN"))
        assert player.wait_started("card_read.zh_CN", DEADLINE_S)
        player.release()
        finished = player.wait_played("card_read.zh_CN", DEADLINE_S)
        assert finished is not None and finished.finished
        assert [(p.key, p.finished) for p in player.played] == [("card_wait.zh_CN", False),
                                                                ("card_read.zh_CN", True)]
    finally:
        worker.close()


def test_a_prompt_overtaken_while_it_is_synthesised_is_never_played() -> None:
    gate = threading.Event()
    speaker, player = ToneSpeaker(gate), RecordingPlayer()
    worker = VoiceWorker(speaker, player)
    try:
        worker.say(Utterance("card_wait", "en"))
        worker.say(Utterance("face_check", "en"))  # before the first one's synthesis ends
        gate.set()
        assert worker.wait_idle(DEADLINE_S)
        assert [p.key for p in player.played] == ["face_check.en"]
    finally:
        worker.close()


def test_say_returns_at_once_while_synthesis_is_slow() -> None:
    gate = threading.Event()
    worker = VoiceWorker(ToneSpeaker(gate), RecordingPlayer())
    try:
        worker.say(Utterance("form", "en"))
        worker.say(Utterance("review", "en"))  # the caller (the UI thread) is not held
        assert not worker.wait_idle(0)
    finally:
        gate.set()
        worker.close()


def test_none_stops_the_prompt_playing() -> None:
    player = RecordingPlayer(hold=True)
    worker = VoiceWorker(ToneSpeaker(), player)
    try:
        worker.say(Utterance("printing", "en"))
        assert player.wait_started("printing.en", DEADLINE_S)
        worker.say(None)
        assert worker.wait_idle(DEADLINE_S)
        assert [(p.key, p.finished) for p in player.played] == [("printing.en", False)]
    finally:
        worker.close()


def test_no_sound_device_goes_silent_logs_once_and_keeps_taking_prompts(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    speaker = ToneSpeaker()
    worker = VoiceWorker(speaker, AplayPlayer(program=failing_program(tmp_path)))
    caplog.set_level(logging.WARNING, logger="kiosk.voice.worker")
    try:
        worker.say(Utterance("card_wait", "zh_CN"))
        assert worker.wait_idle(DEADLINE_S)
        assert worker.fault == NoSoundDevice.code
        assert isinstance(worker.player, SilentPlayer)
        worker.say(Utterance("card_read", "zh_CN"))
        worker.say(Utterance("face_check", "zh_CN"))
        assert worker.wait_idle(DEADLINE_S)
    finally:
        worker.close()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and warnings[0].code == NoSoundDevice.code
    assert speaker.asked == ["card_wait.zh_CN"], "a silent kiosk still ran the synthesiser"


def test_a_missing_player_program_is_no_sound_device(tmp_path: Path) -> None:
    worker = VoiceWorker(ToneSpeaker(), AplayPlayer(program=str(tmp_path / "no-such-aplay")))
    try:
        worker.say(Utterance("done", "en"))
        assert worker.wait_idle(DEADLINE_S)
        assert worker.fault == NoSoundDevice.code
    finally:
        worker.close()


@pytest.mark.skipif(sound_device_present(), reason="this machine has a sound device: aplay would play")
def test_this_machine_without_a_sound_card_is_silent_with_the_real_aplay() -> None:
    worker = VoiceWorker(ToneSpeaker(), AplayPlayer())
    try:
        worker.say(Utterance("done", "en"))
        assert worker.wait_idle(DEADLINE_S)
        assert worker.fault == NoSoundDevice.code
    finally:
        worker.close()


def test_the_volume_scales_every_prompt() -> None:
    player = RecordingPlayer()
    worker = VoiceWorker(ToneSpeaker(), player, volume=50)
    try:
        worker.say(Utterance("done", "en"))
        played = player.wait_played("done.en", DEADLINE_S)
    finally:
        worker.close()
    assert played is not None
    _, full_peak, _ = measure(tone())
    _, peak, _ = measure(played.wav)
    assert abs(peak - full_peak / 2) <= 1


def test_volume_leaves_a_file_it_cannot_read_as_it_is() -> None:
    assert scaled(b"not a wav", 50) == b"not a wav"
