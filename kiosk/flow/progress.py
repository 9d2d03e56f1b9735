"""Where the applicant stands in the five steps, and roughly how long is left.

The model of the progress strip above every applicant screen. Pure data and no Kivy, so the
mapping and the estimate are unit-tested with the flow; the strip (kiosk/ui/progress_strip.py)
only draws what this returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kiosk.flow.states import State


class Step(StrEnum):
    """The steps the applicant is shown, in order (读证 -> 人脸核验 -> 填写 -> 确认 -> 领照)."""

    READ_ID = "read_id"
    FACE_CHECK = "face_check"
    FILL_IN = "fill_in"
    CONFIRM = "confirm"
    COLLECT = "collect"


STEPS: tuple[Step, ...] = tuple(Step)

# The step a retry screen belongs to: the one it retries (View.retry_step).
RETRIED = "retried"

# Every state, decided explicitly (the tests derive the keys from State: a new state without a
# decision fails). None: no strip. Attract and consent come before the journey (nothing begun,
# nothing to count down); staff, out of service, the technicians' screens and the rating are not
# steps of an application, and a strip there would suggest that the case goes on.
STEP_OF: dict[State, Step | str | None] = {
    State.ATTRACT: None,
    State.CONSENT: None,
    State.CARD_WAIT: Step.READ_ID,
    State.CARD_ACCESS: Step.READ_ID,
    State.CARD_READ: Step.READ_ID,
    State.FACE_CHECK: Step.FACE_CHECK,
    State.FORM: Step.FILL_IN,
    State.REVIEW: Step.CONFIRM,
    State.SUBMIT: Step.CONFIRM,  # sending what was confirmed
    State.DECISION: Step.CONFIRM,  # the authority's answer to it (a rejection goes back to the form)
    State.PRINTING: Step.COLLECT,
    State.DONE: Step.COLLECT,  # "please take your document": still the applicant's to do
    State.RATING: None,
    State.RETRY: RETRIED,
    State.STAFF: None,
    State.OUT_OF_SERVICE: None,
    State.DIAG_PIN: None,
    State.DIAG: None,
}

# View.retry_step -> the step retried, and the state the retry starts again from.
RETRY_STEP = {"card": Step.READ_ID, "face": Step.FACE_CHECK, "form": Step.FILL_IN}
RETRY_FROM = {"card": State.CARD_WAIT, "face": State.FACE_CHECK, "form": State.FORM}

# Typical seconds a first-time applicant spends in each state of the happy path. ESTIMATES, not
# measurements: the soak (docs/soak.md) drives the screens at machine speed (47.5 s per applicant
# in UI mode, mostly start-up and device waits), so it bounds only the device states (chip read,
# face check, submission, the 2.5 s decision screen, printing); the input states are design
# figures for an unhurried reader, well inside the idle timeouts (config [timeouts]: form 240 s,
# review 120 s, card access 90 s). Adjust them from the journal's step times once kiosks serve.
CARD_WAIT_S = 20.0  # find the card, place it on the reader
CARD_ACCESS_S = 30.0  # type the 6-digit card access number (passports; resident ID cards skip it)
CARD_READ_S = 8.0  # chip read and Passive Authentication
FACE_CHECK_S = 20.0  # look at the camera, one liveness challenge
FORM_S = 150.0  # trade name, industry, scope, premises, optional phone
REVIEW_S = 40.0  # read the summary, compare the name with the card
SUBMIT_S = 5.0  # the authority's answer
DECISION_S = 3.0  # the decision screen moves on by itself after 2.5 s
PRINTING_S = 25.0  # print and tear off the licence

HAPPY_PATH: tuple[tuple[State, float], ...] = (
    (State.CARD_WAIT, CARD_WAIT_S),
    (State.CARD_ACCESS, CARD_ACCESS_S),
    (State.CARD_READ, CARD_READ_S),
    (State.FACE_CHECK, FACE_CHECK_S),
    (State.FORM, FORM_S),
    (State.REVIEW, REVIEW_S),
    (State.SUBMIT, SUBMIT_S),
    (State.DECISION, DECISION_S),
    (State.PRINTING, PRINTING_S),
    (State.DONE, 0.0),
)
_ORDER = [state for state, _ in HAPPY_PATH]


@dataclass(frozen=True)
class TimeLeft:
    """An estimate of the time left, as the strip words it."""

    seconds: float

    @property
    def minutes(self) -> int:
        """Whole minutes, to the nearest; 0 means "less than a minute" (never "0 minutes")."""
        return 0 if self.seconds < 60 else int(self.seconds / 60 + 0.5)


@dataclass(frozen=True)
class Progress:
    current: Step
    time_left: TimeLeft | None  # None: nothing left to wait for (the done screen)

    @property
    def index(self) -> int:
        return STEPS.index(self.current)

    def status(self, step: Step) -> str:
        """done | current | todo, for one step of the strip."""
        i = STEPS.index(step)
        return "done" if i < self.index else "current" if i == self.index else "todo"


def time_left(state: State) -> TimeLeft | None:
    """The typical time from entering ``state`` to the end of the happy path."""
    if state not in _ORDER:
        return None
    seconds = sum(s for _, s in HAPPY_PATH[_ORDER.index(state):])
    return TimeLeft(seconds) if seconds > 0 else None


def progress(state: State, retry_step: str = "", rejected: bool = False) -> Progress | None:
    """The strip for a screen, or None where no strip is shown. ``rejected``: the decision screen
    refuses the application, which goes back to the form: the time left counts from there."""
    step = STEP_OF[state]
    if step is None:
        return None
    if state is State.DECISION and rejected:
        return Progress(Step.CONFIRM, time_left(State.FORM))
    if step == RETRIED:
        if retry_step not in RETRY_STEP:
            return None  # a retry of nothing the applicant knows as a step: no strip rather than a wrong one
        return Progress(RETRY_STEP[retry_step], time_left(RETRY_FROM[retry_step]))
    return Progress(Step(step), time_left(state))
