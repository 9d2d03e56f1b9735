"""Builds the voice from the ``[voice]`` section: speaker, player and worker."""

from __future__ import annotations

import logging
from pathlib import Path

from kiosk.voice.announcer import Announcer
from kiosk.voice.aplay import AplayPlayer, sound_device_present
from kiosk.voice.espeak import EspeakSpeaker
from kiosk.voice.null import NullSpeaker
from kiosk.voice.options import VoiceSection
from kiosk.voice.player import NoSoundDevice, Player, SilentPlayer
from kiosk.voice.recorded import RecordedSpeaker
from kiosk.voice.sim.recording_player import RecordingPlayer
from kiosk.voice.speaker import Speaker
from kiosk.voice.worker import VoiceWorker

log = logging.getLogger(__name__)


def speaker(options: VoiceSection, root: Path) -> Speaker:
    tts: Speaker = EspeakSpeaker(options.rate) if options.tts == "espeak-ng" else NullSpeaker()
    if not options.prompts_dir:
        return tts
    directory = Path(options.prompts_dir)
    return RecordedSpeaker(directory if directory.is_absolute() else root / directory, tts)


def player(options: VoiceSection) -> Player:
    match options.player:
        case "aplay":
            return AplayPlayer()
        case "simulated":
            return RecordingPlayer()
        case "silent":
            return SilentPlayer()
    if sound_device_present():
        return AplayPlayer()
    log.warning("no sound device: voice prompts off", extra={"code": NoSoundDevice.code})
    return SilentPlayer(NoSoundDevice.code)


def announcer(options: VoiceSection, root: Path) -> Announcer | None:
    """None when the voice is off: no worker, no listener."""
    if options.mode == "off":
        return None
    return Announcer(options, VoiceWorker(speaker(options, root), player(options), options.volume))
