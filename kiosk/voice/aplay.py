"""Playback through ALSA's ``aplay`` program (Debian's alsa-utils).

A separate process rather than a sound library in the kiosk: it needs no audio stack in the
Python process, a new prompt stops the old one by ending the process, and a kiosk without a sound
card gets an exit code instead of a library that hangs or crashes the UI.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path

from kiosk.voice.player import Audio, NoSoundDevice

PROGRAM = "aplay"
SOUND_DEVICES = Path("/dev/snd")
POLL_S = 0.05  # how often a playing prompt checks whether it was interrupted


def sound_device_present(program: str = PROGRAM, devices: Path = SOUND_DEVICES) -> bool:
    return shutil.which(program) is not None and devices.is_dir()


class AplayPlayer:
    def __init__(self, program: str = PROGRAM, device: str = "") -> None:
        self.program, self.device = program, device

    def play(self, audio: Audio, stop: threading.Event) -> bool:
        cmd = [self.program, "-q", *(["-D", self.device] if self.device else []), "-"]
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE)
        except OSError as exc:
            raise NoSoundDevice(f"{self.program}: {exc.strerror}") from None
        writer = threading.Thread(target=_feed, args=(proc, audio.wav), name="voice-feed", daemon=True)
        writer.start()
        while proc.poll() is None:
            if stop.wait(POLL_S):
                proc.terminate()
                proc.wait()
                writer.join()
                return False
        writer.join()
        if proc.returncode != 0:
            err = proc.stderr.read().decode("utf-8", "replace").strip().splitlines() if proc.stderr else []
            raise NoSoundDevice(f"{self.program} exit {proc.returncode}: {err[-1][:160] if err else ''}")
        return True


def _feed(proc: subprocess.Popen[bytes], wav: bytes) -> None:
    """aplay reads the WAV from its stdin as it plays; a closed pipe means it stopped early."""
    assert proc.stdin is not None
    try:
        proc.stdin.write(wav)
        proc.stdin.close()
    except (BrokenPipeError, ValueError):
        pass
