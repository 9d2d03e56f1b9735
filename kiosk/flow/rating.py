"""Which case a rating is about, and how the case ended: the flow's part of the rating (好差评).

The rating is offered once per case, after the applicant's personal data has been wiped, and
only for a case with a real step: the kiosk began reading the applicant's ID card. Before that
(declining consent, leaving at the card prompt) nothing was served, so nothing is rated.

The case number (办件编号) is the authority's application id once the application was
submitted, else the kiosk's transaction id (for a case that ended before any submission; the
authority scopes it by the kiosk id). Neither is personal data.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.flow.states import State
from licence_wire import rating as wire

# Entering any of these means the case has had a real step: the card is being read or was.
REAL_STEP_STATES = frozenset({
    State.CARD_READ, State.FACE_CHECK, State.FORM, State.REVIEW, State.SUBMIT, State.DECISION,
    State.PRINTING,
})
# Why a case with a real step ended without a rating (the tally's no_rating:<why>).
NOT_GIVEN = ("skipped", "timeout", "absent", "fault", "technician")


@dataclass
class Case:
    """What a rating is filed under. Codes and ids only: it outlives the session's wipe."""

    txn_id: str
    application_id: str = ""  # the authority's id of the latest submission
    outcome: str = ""  # the authority's latest decision: approved | manual_review | rejected
    ending: str = ""  # set when the case ends (licence_wire.rating.ENDINGS)

    @property
    def number(self) -> tuple[str, str]:
        """(case_kind, case_id)."""
        if wire.valid_case_id("application", self.application_id):
            return "application", self.application_id
        return "kiosk_transaction", self.txn_id


def ending(case: Case | None, state: State, outcome: str) -> str:
    """How a case ends when the flow leaves ``state`` for the attract screen with ``outcome`` (the
    journal's closing outcome); "" when there is no case to rate."""
    if case is None:
        return ""
    if state is State.DONE:
        return "referred" if case.outcome == "manual_review" else "issued"
    if outcome == "staff":
        return "staff"
    if case.outcome == "rejected":
        return "refused"
    return "abandoned"
