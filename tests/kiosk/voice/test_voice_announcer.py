"""Which prompt the flow's screens get, in which mode, and once per screen."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from kiosk.diag.checks import OK, WARN
from kiosk.flow.states import State
from kiosk.voice.announcer import Announcer
from kiosk.voice.options import VoiceSection
from kiosk.voice.player import SilentPlayer
from kiosk.voice.prompts import Utterance


@dataclass
class View:
    language: str = "zh_CN"
    countdown: float | None = None
    error: str = ""


@dataclass
class ElderlyView(View):
    elderly: bool = True


@dataclass
class Flow:
    state: State = State.CARD_WAIT
    view: Any = field(default_factory=View)
    session: Any = None


class Worker:
    def __init__(self) -> None:
        self.said: list[Utterance | None] = []
        self.fault = ""
        self.player: Any = SilentPlayer()

    def say(self, utterance: Utterance | None) -> None:
        self.said.append(utterance)


def announcer(mode: str) -> tuple[Announcer, Worker]:
    worker = Worker()
    return Announcer(VoiceSection(mode=mode), worker), worker  # type: ignore[arg-type]


def test_elderly_mode_speaks_only_for_a_view_in_elderly_mode() -> None:
    a, worker = announcer("elderly")
    a.on_flow(Flow(view=View()), [])
    assert worker.said == []  # a view without the field (before the elderly mode exists) is silent
    a.on_flow(Flow(view=ElderlyView()), [])
    assert worker.said == [Utterance("card_wait", "zh_CN")]
    a.on_flow(Flow(view=ElderlyView(elderly=False)), [])
    assert worker.said[-1] is None  # leaving the elderly mode stops the prompt


@pytest.mark.parametrize(("mode", "expected"), [("always", [Utterance("card_wait", "en")]), ("off", [])])
def test_always_and_off(mode: str, expected: list[Utterance]) -> None:
    a, worker = announcer(mode)
    a.on_flow(Flow(view=View(language="en")), [])
    assert worker.said == expected


def test_a_screen_is_announced_once_and_again_in_a_new_language() -> None:
    a, worker = announcer("always")
    flow = Flow(state=State.CONSENT)
    a.on_flow(flow, [])
    a.on_flow(flow, [])  # a tick, a touch that changed nothing visible
    flow.view.language = "en"
    a.on_flow(flow, [])
    assert worker.said == [Utterance("consent", "zh_CN"), Utterance("consent", "en")]


def test_the_idle_countdown_is_announced_once_with_its_seconds() -> None:
    a, worker = announcer("always")
    flow = Flow(state=State.FORM)
    a.on_flow(flow, [])
    for left in (14.9, 13.2, 9.0):  # the countdown ticks: it is not re-announced
        flow.view.countdown = left
        a.on_flow(flow, [])
    flow.view.countdown = None  # "more time": the screen's prompt again
    a.on_flow(flow, [])
    assert worker.said == [Utterance("form", "zh_CN"), Utterance("idle_countdown", "zh_CN", 15),
                           Utterance("form", "zh_CN")]


def test_a_silent_screen_stops_the_previous_prompt() -> None:
    a, worker = announcer("always")
    a.on_flow(Flow(state=State.OUT_OF_SERVICE), [])
    a.on_flow(Flow(state=State.DIAG_PIN), [])
    assert worker.said == [Utterance("out_of_service", "zh_CN"), None]


def test_the_check_is_a_warning_once_the_kiosk_cannot_play() -> None:
    a, worker = announcer("always")
    assert a.check().status == OK
    worker.fault = "voice_no_sound_device"
    result = a.check()
    assert (result.device, result.status, result.reason) == ("voice", WARN, "voice_no_sound_device")
