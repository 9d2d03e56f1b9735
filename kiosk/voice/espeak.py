"""Speech synthesis with espeak-ng, run as a separate program.

espeak-ng is GPL-3: the kiosk only runs the program (`espeak-ng --stdout`) and reads the WAV it
writes, never links to it, which is fine for a commercial product that ships Debian's package.
It is offline, small and starts in milliseconds; its Mandarin is understandable but robotic
(docs/voice.md), which is why recorded files replace it wherever a bureau provides them.
"""

from __future__ import annotations

import shutil
import subprocess
import threading

from kiosk.voice.prompts import Utterance
from kiosk.voice.speaker import SpeechFailed

PROGRAM = "espeak-ng"
# Debian 12's espeak-ng 1.51: "cmn" reads the pinyin its dictionary yields as English words
# ("ni three hao three"); "cmn-latn-pinyin" reads it as Mandarin syllables with their tones.
VOICES = {"zh_CN": "cmn-latn-pinyin", "en": "en"}
TIMEOUT_S = 10.0
CACHE_ENTRIES = 64  # every prompt in both languages, with room for a few countdown lengths


class EspeakSpeaker:
    def __init__(self, rate: int = 140, program: str = PROGRAM) -> None:
        self.rate, self.program = rate, program
        # prompts are fixed texts: each is synthesised once and replayed from memory
        self._cache: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def available(self) -> bool:
        return shutil.which(self.program) is not None

    def audio(self, utterance: Utterance) -> bytes | None:
        voice, text = VOICES.get(utterance.language), utterance.text
        if voice is None or text is None:
            return None
        with self._lock:
            cached = self._cache.get(utterance.key)
        if cached is not None:
            return cached
        wav = self.render(voice, text)
        with self._lock:
            if len(self._cache) >= CACHE_ENTRIES:
                self._cache.clear()
            self._cache[utterance.key] = wav
        return wav

    def render(self, voice: str, text: str) -> bytes:
        """The WAV espeak-ng writes for ``text``; the text goes on stdin, never on a command line
        another process could read."""
        try:
            done = subprocess.run([self.program, "-v", voice, "-s", str(self.rate), "--stdout"],
                                  input=text.encode("utf-8"), capture_output=True, timeout=TIMEOUT_S,
                                  check=False)
        except FileNotFoundError:
            raise SpeechFailed(f"{self.program} not installed") from None
        except subprocess.TimeoutExpired:
            raise SpeechFailed(f"{self.program} took over {TIMEOUT_S:g} s") from None
        if done.returncode != 0 or not done.stdout.startswith(b"RIFF"):
            raise SpeechFailed(f"{self.program} exit {done.returncode}")
        return done.stdout
