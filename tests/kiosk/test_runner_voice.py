"""The runner speaks each screen's prompt through its listener, and a kiosk that cannot play
sound serves its applicant all the same, with a warning in the technicians' checks."""

from __future__ import annotations

import dataclasses
import stat
from pathlib import Path

from kiosk import settings as settings_mod
from kiosk.diag.checks import WARN
from kiosk.flow.states import State
from kiosk.launch import open_journal
from kiosk.runner import Runner
from kiosk.voice.aplay import AplayPlayer
from kiosk.voice.options import VoiceSection
from kiosk.voice.player import NoSoundDevice
from kiosk.voice.prompts import CATALOGUE
from kiosk.voice.sim.recording_player import RecordingPlayer
from tests.conftest import write_config
from tests.kiosk import runner_fakes as f
from tests.kiosk.voice.voice_wavs import tone

DEADLINE_S = 5.0


def voiced_runner(tmp_path: Path, voice: VoiceSection) -> Runner:
    """f.runner's kiosk with the voice section under test."""
    cfg = settings_mod.load(write_config(tmp_path))
    cfg = dataclasses.replace(cfg, voice=voice, timeouts=f.unchecked(cfg.timeouts, attract_probe=0))
    return Runner(cfg, f.devices(), open_journal(cfg))


def recorded_prompts(tmp_path: Path) -> Path:
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    for prompt in CATALOGUE:  # every screen's prompt has a file: tts = "none" in these tests
        (prompts / f"{prompt}.zh_CN.wav").write_bytes(tone())
    return prompts


def test_each_screen_speaks_its_prompt(tmp_path: Path) -> None:
    prompts = recorded_prompts(tmp_path)
    r = voiced_runner(tmp_path, VoiceSection(mode="always", tts="none", prompts_dir=str(prompts),
                                             player="simulated"))
    assert r.voice is not None
    player = r.voice.worker.player
    assert isinstance(player, RecordingPlayer)
    try:
        r.start()
        f.pump_until(r, lambda: r.flow.view.ready, what="devices up")
        r.touch("start")
        f.pump_until(r, lambda: r.flow.state is State.CONSENT, what="consent")
        assert player.wait_played("consent.zh_CN", DEADLINE_S) is not None
        r.touch("accept")
        f.pump_until(r, lambda: r.flow.state in (State.CARD_WAIT, State.CARD_ACCESS), what="card screen")
        assert r.voice.worker.wait_idle(DEADLINE_S)
    finally:
        r.shutdown()
    assert "card_wait.zh_CN" in [p.key for p in player.played]


def test_no_sound_device_the_kiosk_goes_on_and_the_checks_warn(tmp_path: Path) -> None:
    program = tmp_path / "aplay"
    program.write_text("#!/bin/sh\ncat >/dev/null\nexit 1\n")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    r = voiced_runner(tmp_path, VoiceSection(mode="always", tts="none", prompts_dir=str(recorded_prompts(tmp_path)),
                                             player="aplay"))
    assert r.voice is not None
    r.voice.worker.player = AplayPlayer(program=str(program))
    try:
        f.to_card_read(r)
        assert r.flow.state not in (State.ATTRACT, State.CONSENT, State.OUT_OF_SERVICE)
        assert r.voice.worker.wait_idle(DEADLINE_S)
        assert r.voice.worker.fault == NoSoundDevice.code
        done = r.technician.run_checks()
    finally:
        r.shutdown()
    voice = [x for x in done.results if x.device == "voice"]
    assert [(x.status, x.reason) for x in voice] == [(WARN, NoSoundDevice.code)]


def test_the_default_kiosk_without_the_elderly_mode_says_nothing(tmp_path: Path) -> None:
    r = f.runner(tmp_path, f.devices())
    try:
        assert r.settings.voice.mode == "elderly" and r.voice is not None
        r.start()
        f.pump_until(r, lambda: r.flow.view.ready, what="devices up")
        r.touch("start")
        f.pump_until(r, lambda: r.flow.state is State.CONSENT, what="consent")
        assert r.voice.worker.wait_idle(0) and r.voice.worker._thread is None  # never asked to speak
    finally:
        r.shutdown()
