"""The states of the journey and how each one times out."""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    ATTRACT = "attract"
    CONSENT = "consent"  # language choice + separate consent for ID and face data
    CARD_WAIT = "card_wait"  # "place your ID card on the reader"
    CARD_ACCESS = "card_access"  # CAN keypad, or MRZ data as a fallback
    CARD_READ = "card_read"  # access control, reading, Passive Authentication
    FACE_CHECK = "face_check"
    FORM = "form"
    REVIEW = "review"
    SUBMIT = "submit"
    DECISION = "decision"
    PRINTING = "printing"
    DONE = "done"
    RATING = "rating"  # the service rating (好差评) after a case, the session already wiped
    RETRY = "retry"  # a step failed for this applicant; bounded attempts
    STAFF = "staff"  # a member of staff has been called
    OUT_OF_SERVICE = "out_of_service"  # a device fault: nobody can be served
    DIAG_PIN = "diag_pin"  # technicians: PIN keypad after the hidden gesture
    DIAG = "diag"  # technicians' diagnostics


# States where the kiosk waits for the applicant: idling here wipes the session (with a visible
# "need more time?" countdown first).
INPUT_STATES = frozenset({
    State.CONSENT, State.CARD_WAIT, State.CARD_ACCESS, State.FORM, State.REVIEW,
    State.DECISION, State.RETRY, State.STAFF, State.DONE, State.RATING, State.DIAG_PIN, State.DIAG,
})
# States where the kiosk waits for a device: a timeout here is a device fault or a failed attempt.
BUSY_STATES = frozenset({State.CARD_READ, State.FACE_CHECK, State.SUBMIT, State.PRINTING})

TIMEOUT_FIELD = {
    State.CONSENT: "consent",
    State.CARD_WAIT: "card_wait",
    State.CARD_ACCESS: "card_access",
    State.CARD_READ: "card_read",
    State.FACE_CHECK: "face_check",
    State.FORM: "form",
    State.REVIEW: "review",
    State.SUBMIT: "submit",
    State.DECISION: "decision",
    State.PRINTING: "printing",
    State.DONE: "done",
    State.RATING: "rating",
    State.RETRY: "retry",
    State.STAFF: "staff",
    State.OUT_OF_SERVICE: "out_of_service_probe",
    State.DIAG_PIN: "diag_pin",
    State.DIAG: "diag",
}
