"""Plays prompts on a thread of their own, newest first.

The UI thread only hands an utterance over and returns. Only the newest prompt matters (the
applicant has moved on), so the queue holds one: a new prompt replaces one not yet started and
interrupts the one playing. A kiosk that cannot play sound logs it once and goes on silent.
"""

from __future__ import annotations

import logging
import threading

from drivers.errors import DeviceError
from kiosk.voice.gain import scaled
from kiosk.voice.player import Audio, NoSoundDevice, Player, SilentPlayer
from kiosk.voice.prompts import Utterance
from kiosk.voice.speaker import Speaker

log = logging.getLogger(__name__)
JOIN_S = 2.0


class VoiceWorker:
    def __init__(self, speaker: Speaker, player: Player, volume: int = 100) -> None:
        self.speaker, self.player, self.volume = speaker, player, volume
        self.fault = getattr(player, "reason", "")  # why the kiosk is silent ("" while it can speak)
        self._wake = threading.Condition()
        self._pending: Utterance | None = None
        self._stop = threading.Event()  # interrupts the utterance being synthesised or played
        self._closed = False
        self._thread: threading.Thread | None = None
        self._logged: set[str] = set()
        self._busy = False  # an utterance taken off the queue is being synthesised or played

    def say(self, utterance: Utterance | None) -> None:
        """Speak ``utterance`` next, interrupting whatever is playing; None only interrupts."""
        with self._wake:
            if self._closed:
                return
            self._pending = utterance
            self._stop.set()
            if self._thread is None and utterance is not None:  # no thread until the first prompt
                self._thread = threading.Thread(target=self._run, name="voice", daemon=True)
                self._thread.start()
            self._wake.notify_all()

    def close(self) -> None:
        with self._wake:
            self._closed, self._pending = True, None
            self._stop.set()
            self._wake.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(JOIN_S)

    def _next(self) -> tuple[Utterance, threading.Event] | None:
        with self._wake:
            while self._pending is None and not self._closed:
                self._wake.wait()
            if self._closed:
                return None
            utterance, self._pending = self._pending, None
            self._stop = threading.Event()
            self._busy = True
            return utterance, self._stop

    def wait_idle(self, timeout: float) -> bool:
        """Until nothing is queued or playing (tests, benchmarks, shutdown); False on timeout."""
        with self._wake:
            return self._wake.wait_for(lambda: self._pending is None and not self._busy, timeout)

    def _run(self) -> None:
        while (job := self._next()) is not None:
            try:
                self._speak(*job)
            except Exception:  # a bug in a backend must not end the voice for the day
                log.exception("voice prompt failed")
            with self._wake:
                self._busy = False
                self._wake.notify_all()

    def _speak(self, utterance: Utterance, stop: threading.Event) -> None:
        if isinstance(self.player, SilentPlayer):
            return  # nothing would be heard: spare the synthesiser
        try:
            wav = self.speaker.audio(utterance)
        except DeviceError as exc:
            self._once(exc, "voice prompt not synthesised")
            return
        if wav is None or stop.is_set():
            return
        try:
            self.player.play(Audio(utterance.key, scaled(wav, self.volume)), stop)
        except NoSoundDevice as exc:
            self._once(exc, "no sound device: voice prompts off")
            self.fault, self.player = exc.code, SilentPlayer(exc.code)

    def _once(self, exc: DeviceError, message: str) -> None:
        """One log line per kind of failure (a kiosk without sound would log every screen)."""
        if exc.code not in self._logged:
            self._logged.add(exc.code)
            log.warning(message, extra={"code": exc.code, "detail": exc.detail})
