"""The prompt catalogue: a decision for every state, both languages, no personal data."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from kiosk.flow.states import State
from kiosk.voice.prompts import CATALOGUE, COUNTDOWN, STATE_PROMPTS, Utterance, prompt_for

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_state_has_a_decision_derived_from_the_enum() -> None:
    missing = set(State) - set(STATE_PROMPTS)
    assert not missing, f"states without a voice decision (a prompt id or None): {sorted(missing)}"


def test_every_prompt_a_state_names_is_in_the_catalogue() -> None:
    named = {p for p in STATE_PROMPTS.values() if p is not None}
    assert named <= set(CATALOGUE)


@pytest.mark.parametrize("prompt", sorted(CATALOGUE))
def test_each_prompt_has_mandarin_and_english_text(prompt: str) -> None:
    p = CATALOGUE[prompt]
    assert CJK.search(p.zh), f"{prompt}: the Mandarin text has no Chinese characters"
    assert p.en.isascii() and p.en.strip() and not CJK.search(p.en)


@pytest.mark.parametrize("prompt", sorted(CATALOGUE))
def test_no_prompt_carries_a_number_of_its_own(prompt: str) -> None:
    """Fixed texts only: the countdown's seconds are the one value, and they come from the config."""
    p = CATALOGUE[prompt]
    for text in (p.zh, p.en):
        assert not re.search(r"\d", text.replace("{seconds}", "")), text
        assert set(re.findall(r"{(\w*)}", text)) <= ({"seconds"} if prompt == COUNTDOWN else set())


def test_every_applicant_step_named_in_the_product_brief_is_spoken() -> None:
    for prompt in ("attract", "consent", "card_wait", "face_check", "form", "review", "submitting",
                   "printing", "done", "referral", "staff", COUNTDOWN):
        assert prompt in CATALOGUE


def test_the_decision_and_done_screens_speak_their_outcome() -> None:
    view = SimpleNamespace(error="")
    assert prompt_for(State.DECISION, view, SimpleNamespace(decision=SimpleNamespace(outcome="approved"))) == "approved"
    assert prompt_for(State.DECISION, view,
                      SimpleNamespace(decision=SimpleNamespace(outcome="manual_review"))) == "referral"
    assert prompt_for(State.DECISION, view, SimpleNamespace(decision=SimpleNamespace(outcome="rejected"))) == "rejected"
    assert prompt_for(State.DECISION, view, SimpleNamespace(decision=None)) is None
    assert prompt_for(State.DONE, SimpleNamespace(error="manual_review")) == "referral"
    assert prompt_for(State.DONE, SimpleNamespace(error="approved")) == "done"
    assert prompt_for(State.DIAG, view) is None


def test_utterance_keys_name_the_recorded_files() -> None:
    assert Utterance("card_wait", "zh_CN").key == "card_wait.zh_CN"
    assert Utterance(COUNTDOWN, "en", 15).key == "idle_countdown-15.en"
    assert Utterance(COUNTDOWN, "en", 15).text == ("Need more time? Touch the screen. The screen will be cleared "
                                                   "in 15 seconds.")
    assert Utterance("card_wait", "fr").text is None
