"""Elderly mode (长辈模式): one tap on any applicant screen, kept for the case, off for the next
applicant, and more time on every screen that waits for the applicant."""

from __future__ import annotations

import dataclasses

import pytest

from kiosk.flow import events as e
from kiosk.flow.states import State
from licence_wire import rating as wire_rating
from tests.kiosk.flow import builders as b
from tests.kiosk.flow.test_machine import T, advance_to, make_flow

GOOD = next(level for level in wire_rating.LEVELS if level not in wire_rating.BAD_LEVELS)


def test_toggle_is_kept_for_the_case_across_screens() -> None:
    flow, _ = make_flow()
    flow.dispatch(e.Touch("start"))
    assert flow.view.elderly is False
    assert flow.dispatch(e.Touch("elderly")) == []
    assert flow.view.elderly is True and flow.state is State.CONSENT
    advance_to(flow, State.REVIEW)  # consent -> card -> chip -> face -> form -> review
    assert flow.view.elderly is True
    flow.dispatch(e.Touch("elderly"))
    assert flow.view.elderly is False, "the same button switches it off"


def test_chosen_on_the_attract_screen_it_carries_into_the_case() -> None:
    flow, _ = make_flow()
    flow.dispatch(e.Touch("elderly"))
    assert flow.view.elderly is True and flow.state is State.ATTRACT
    flow.dispatch(e.Touch("start"))
    assert flow.state is State.CONSENT and flow.view.elderly is True


@pytest.mark.parametrize("leave", ["cancel", "idle", "diagnostics"])
def test_the_next_applicant_starts_with_it_off(leave: str) -> None:
    flow, clock = make_flow()
    flow.dispatch(e.Touch("start"))
    flow.dispatch(e.Touch("elderly"))
    if leave == "cancel":
        flow.dispatch(e.Touch("decline"))
    elif leave == "idle":
        clock.advance(T.consent * T.elderly_factor + 1)
        flow.dispatch(e.Tick())
    else:
        flow.dispatch(e.Touch("diag_gesture"))
        assert flow.state is State.DIAG_PIN and flow.view.elderly is False
        flow.dispatch(e.Touch("diag_exit"))
    assert flow.state is State.ATTRACT
    assert flow.view.elderly is False and flow.elderly is False


def test_kept_through_the_rating_after_a_case_with_a_longer_thank_you_then_off() -> None:
    flow, clock = make_flow()
    flow.dispatch(e.Touch("start"))
    flow.dispatch(e.Touch("elderly"))
    advance_to(flow, State.FORM)
    flow.dispatch(e.Touch("cancel"))
    assert flow.state is State.RATING and flow.view.elderly is True, "the rating is still their screen"
    flow.dispatch(e.Touch("rate", GOOD))
    assert flow.view.rating_thanks and flow.view.elderly is True
    clock.advance(T.rating_thanks * T.elderly_factor - 0.1)
    flow.dispatch(e.Tick())
    assert flow.state is State.RATING, "the thank you stays longer too"
    clock.advance(0.2)
    flow.dispatch(e.Tick())
    assert flow.state is State.ATTRACT and flow.view.elderly is False


def test_cannot_be_switched_on_out_of_service() -> None:
    flow, _ = make_flow()
    flow.dispatch(e.StepFailed("startup", "printer_offline", fault=True))
    assert flow.state is State.OUT_OF_SERVICE
    flow.dispatch(e.Touch("elderly"))
    assert flow.view.elderly is False


@pytest.mark.parametrize("elderly", [False, True])
def test_applicant_screens_and_their_countdown_wait_longer(elderly: bool) -> None:
    flow, clock = make_flow()
    flow.dispatch(e.Touch("start"))
    if elderly:
        flow.dispatch(e.Touch("elderly"))
    factor = T.elderly_factor if elderly else 1.0
    limit, warning = T.consent * factor, T.idle_warning * factor
    clock.advance(limit - warning - 0.5)
    flow.dispatch(e.Tick())
    assert flow.view.countdown is None
    clock.advance(1)
    flow.dispatch(e.Tick())
    assert flow.view.countdown == pytest.approx(warning - 0.5)
    clock.advance(warning - 0.6)
    flow.dispatch(e.Tick())
    assert flow.state is State.CONSENT
    clock.advance(0.2)
    flow.dispatch(e.Tick())
    assert flow.state is State.ATTRACT


def test_a_device_timeout_is_not_lengthened() -> None:
    flow, clock = make_flow()
    flow.dispatch(e.Touch("start"))
    flow.dispatch(e.Touch("elderly"))
    advance_to(flow, State.CARD_READ)
    clock.advance(T.card_read + 0.1)
    flow.dispatch(e.Tick())
    assert flow.state is State.OUT_OF_SERVICE, "a reader that hangs is a fault, whoever waits"


def test_the_factor_is_configured() -> None:
    from kiosk.flow.machine import Flow
    from kiosk.settings import PolicySection

    clock = b.FakeClock()
    flow = Flow(dataclasses.replace(T, elderly_factor=3), PolicySection(), "zh_CN", clock)
    flow.dispatch(e.DevicesReady())
    flow.dispatch(e.Touch("start"))
    flow.dispatch(e.Touch("elderly"))
    clock.advance(T.consent * 3 - 1)
    flow.dispatch(e.Tick())
    assert flow.state is State.CONSENT
    clock.advance(2)
    flow.dispatch(e.Tick())
    assert flow.state is State.ATTRACT
