"""Listens to the flow and says each screen's prompt once, when the screen (or its language) changes.

Runs on the pump thread as one of the runner's listeners: it only compares and hands over, the
worker does the rest. Reads the elderly mode with getattr so that it works whichever view it gets.
"""

from __future__ import annotations

import math
from typing import Any

from kiosk.diag.checks import OK, WARN, CheckResult
from kiosk.flow.states import INPUT_STATES
from kiosk.voice.options import VoiceSection
from kiosk.voice.prompts import COUNTDOWN, Utterance, prompt_for
from kiosk.voice.worker import VoiceWorker


class Announcer:
    def __init__(self, options: VoiceSection, worker: VoiceWorker) -> None:
        self.options, self.worker = options, worker
        self._last: Utterance | None = None

    def wanted(self, view: Any) -> bool:
        return self.options.mode == "always" or (self.options.mode == "elderly"
                                                 and bool(getattr(view, "elderly", False)))

    def utterance(self, flow: Any) -> Utterance | None:
        """What this screen says now: its prompt, or the idle countdown once that shows (its seconds
        fixed when it appears, so that the ticking countdown is not re-announced)."""
        view = flow.view
        if not self.wanted(view):
            return None
        if view.countdown is not None and flow.state in INPUT_STATES:
            last = self._last
            if last is not None and last.prompt == COUNTDOWN and last.language == view.language:
                return last
            return Utterance(COUNTDOWN, view.language, max(1, math.ceil(view.countdown)))
        prompt = prompt_for(flow.state, view, getattr(flow, "session", None))
        return Utterance(prompt, view.language) if prompt is not None else None

    def on_flow(self, flow: Any, _cmds: list[object]) -> None:
        utterance = self.utterance(flow)
        if utterance != self._last:
            self._last = utterance
            self.worker.say(utterance)  # None: the screen has nothing to say, the old prompt stops

    def check(self) -> CheckResult:
        """For the technicians' checks: a kiosk that should speak but cannot is a warning."""
        if self.worker.fault:
            return CheckResult("voice", WARN, self.worker.fault, {"mode": self.options.mode})
        return CheckResult("voice", OK, details={"mode": self.options.mode, "tts": self.options.tts,
                                                 "player": type(self.worker.player).__name__})

    def close(self) -> None:
        self.worker.close()
