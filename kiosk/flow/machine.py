"""The journey's transition table.

Hand-written rather than built on a state-machine library: every transition here also emits
commands (journal first, then the effect) and reads the clock for timeouts, and a plain
handler per state keeps each state's exits on one screen, readable as the state diagram in
docs/flow.md. What leaving a state stops is one table, ON_EXIT, applied on every transition.
"""

from __future__ import annotations

import re
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from drivers.idcard.base import AccessKey
from kiosk.flow import commands as c
from kiosk.flow import events as e
from kiosk.flow import form as form_rules
from kiosk.flow import rating as rating_rules
from kiosk.flow.states import BUSY_STATES, INPUT_STATES, TIMEOUT_FIELD, State
from kiosk.proof import Proof
from kiosk.session import ApplicantSession
from kiosk.settings import PolicySection, TimeoutSection
from licence_wire import rating as wire_rating

# Explicit ASCII classes, always fullmatch: \d, isdigit() and isalnum() also take full-width and
# Arabic-Indic digits, upper() turns 'ſ' and 'ı' into ASCII letters, '$' matches before a newline.
CAN = re.compile(r"[0-9]{6}")
YYMMDD = re.compile(r"[0-9]{6}")
DOCUMENT_NUMBER = re.compile(r"[A-Za-z0-9]{1,9}")
HISTORY_KEPT = 100
# Screens no applicant uses (out of order, technicians'): elderly mode is off there and cannot be
# switched on. The attract screen offers it, and entering it switches it off for the next applicant.
NO_ELDERLY_STATES = frozenset({State.OUT_OF_SERVICE, State.DIAG_PIN, State.DIAG})
STEP_START = {"card": State.CARD_WAIT, "face": State.FACE_CHECK, "form": State.FORM}
# Failures no retry can fix: the document itself needs a person's eyes. A chip that fails Passive
# Authentication, or whose portrait does not decode or shows no face, reads the same every time;
# so does a resident ID card whose photo cannot be decoded here, a card whose data do not hold
# together, and a reader that broke while holding the applicant's card (the others still serve).
# A document whose licence is already held for staff: a person hands it over (kiosk.held_documents).
STAFF_CODES = frozenset({"card_not_authentic", "portrait_unreadable", "portrait_no_face",
                         "resident_photo_unavailable", "resident_data_invalid", "reader_failed",
                         "document_already_issued"})
# An expired document is refused with its reason; the applicant may place another document.
EXPIRED_CODES = frozenset({"resident_card_expired", "document_expired"})
PIN_REFUSED = {"wrong": "pin_wrong", "locked": "pin_locked", "no_pin": "pin_no_pin"}  # PinChecked -> error
# What a state started that must stop when the flow leaves it, whichever way it leaves (done,
# cancel, staff, fault, timeout, diagnostics). _go collects these on every transition and
# dispatch emits them before the commands of the next state. States not listed start nothing
# that outlives them: a card read, a submission and a print always run to their end.
ON_EXIT: dict[State, tuple[object, ...]] = {
    State.CARD_WAIT: (c.CancelCardWait(),),  # the reader's wait for a card
    State.FACE_CHECK: (c.CancelFaceCheck(),),  # the camera check
}


@dataclass
class View:
    """What the screen shows, derived from the state. Screens render this and decide nothing."""

    state: State
    language: str
    countdown: float | None = None  # seconds left before the idle timeout, once it is near
    error: str = ""  # stable code of the last problem on this screen
    key_mode: str = "can"  # card access: "can" | "mrz"
    tries_left: int = 0  # card access: failed card steps still allowed before staff is called
    guidance: str = ""
    challenge: str | None = None
    challenge_step: int = 0  # face check: the challenge's place, from 1 (0: none or not known)
    challenge_steps: int = 0  # face check: how many challenges it asks for
    staff_called: bool = False
    retry_step: str = ""
    stopped_at: str = ""  # staff: the state the applicant was in when staff were called
    fault: str = ""
    pending_txn: bool = False  # a submitted application is kept for recovery
    document_held: bool = False  # its decided document was not printed: held for staff
    form_problems: list[str] = field(default_factory=list)
    reference: Any = None
    name_check: Any = None  # the service's NameCheck of the name as the form has it now
    name_check_state: str = ""  # "" (nothing to check), pending, checking, done, unavailable
    checks: list[Any] = field(default_factory=list)  # diagnostics: latest health check results
    documents: tuple[str, ...] = ()  # document families a working reader can read (card screen)
    documents_down: tuple[str, ...] = ()  # configured, but their reader is out of order
    take_card: bool = False  # the card just read is still on its reader: "you may take your card"
    confirm_name: bool = False  # review: ask the applicant to compare the name with the card
    ready: bool = False  # devices are up; until then the attract screen says "preparing"
    pin_checking: bool = False  # a technician's PIN is being checked: the next waits for its answer
    rating_level: str = ""  # rating: a bad level chosen, its reasons asked for
    rating_reasons: tuple[str, ...] = ()  # rating: the reasons picked so far
    rating_thanks: bool = False  # rating: given, "thank you" shown until the attract screen
    proof: Proof | None = None  # done: the outcome's public facts, kept after the session is wiped
    elderly: bool = False  # elderly mode (长辈模式): larger text, stronger contrast, more time


class Flow:
    def __init__(
        self,
        timeouts: TimeoutSection,
        policy: PolicySection,
        default_language: str,
        clock: Callable[[], float],
        languages: tuple[str, ...] = ("zh_CN", "en"),
        documents: tuple[str, ...] = ("passport",),
    ) -> None:
        self.timeouts, self.policy, self.clock = timeouts, policy, clock
        self.default_language, self.languages = default_language, languages
        self.state = State.ATTRACT
        self.session = ApplicantSession(language=default_language)
        self.session.wiped = True
        self.view = View(State.ATTRACT, default_language, documents=documents)
        self.entered_at = self.last_activity = clock()
        self.staff_return: State | None = None
        self.manual_oos = False  # put out of service by a technician: probes do not end it
        self.fault = ""  # the device fault the kiosk is out of service for; only a healthy probe ends it
        self.ready = False
        self.reference = None
        self.case: rating_rules.Case | None = None  # the case to rate, from its first real step
        self.documents_configured = documents
        self.documents = documents  # readable now: a reader that is down drops its family
        self.take_card = False
        self.watching_card = False  # a WatchCardRemoval is running
        self.elderly = False  # elderly mode, chosen by the applicant for their case
        self.staff_on_way = False  # staff were called for this applicant: every screen says so
        # (from, to, why) of the latest transitions, for tests and logs; bounded for months of running
        self.history: deque[tuple[State, State, str]] = deque(maxlen=HISTORY_KEPT)
        self._leaving: list[object] = []  # ON_EXIT commands of the states left in this dispatch
        # The name check: one request at a time, asked NAME_CHECK_DELAY_S after the last change;
        # every change (and every new applicant) numbers the name anew, and an answer for an
        # older number is dropped.
        self._name_seq = 0
        self._name_due: float | None = None
        self._name_asked = False

    # --- entry points ---------------------------------------------------------------------
    def dispatch(self, event: object) -> list[object]:
        cmds = self._handle(event)
        leaving, self._leaving = self._leaving, []
        return [*leaving, *cmds]

    def _handle(self, event: object) -> list[object]:
        if isinstance(event, e.Tick):
            return self._tick()
        if (isinstance(event, e.StepFailed) and event.step == "startup"
                and self.state in (State.DIAG_PIN, State.DIAG)):
            self.fault = event.code  # out of service once the technician leaves
            return [c.AlertTechnician(event.code)]
        if isinstance(event, e.CardRead) and self.state is not State.CARD_READ:
            event.identity.wipe()  # a read that ended after its state was left: nobody may keep it
            return []
        if isinstance(event, e.ReadersChanged):
            return self._readers_changed(event)
        if isinstance(event, e.CardLifted):
            self.take_card = self.view.take_card = self.watching_card = False
            return []
        if isinstance(event, e.NameChecked | e.NameCheckFailed):
            return self._on_name_answer(event)
        if isinstance(event, e.DevicesReady):
            self.ready = self.view.ready = True
            if self.state is State.ATTRACT and self.timeouts.attract_probe > 0:
                self.entered_at = self.clock()  # the idle checks count from here
                return [c.ProbeDevices(recover=False)]  # a kiosk booting without paper says so
            return []
        if isinstance(event, e.Touch):
            self.last_activity = self.clock()
            self.view.countdown = None
            if event.action == "language":
                if event.value in self.languages:
                    self.session.language = self.view.language = event.value
                return []
            if event.action == "elderly":
                if self.state not in NO_ELDERLY_STATES:
                    self.elderly = self.view.elderly = not self.elderly
                return []
            if event.action == "more_time":
                return []
            if event.action == "staff" and self.state not in (State.DIAG_PIN, State.DIAG):
                return self._staff("requested")
            if event.action == "diag_gesture":
                return self._enter_diagnostics()
        handler = getattr(self, f"_on_{self.state.value}")
        return handler(event)

    # --- helpers --------------------------------------------------------------------------
    def _go(self, state: State, why: str, **view: Any) -> None:
        self._leaving += ON_EXIT.get(self.state, ())
        self.history.append((self.state, state, why))
        if state in rating_rules.REAL_STEP_STATES and (self.case is None or self.case.txn_id != self.session.txn_id):
            self.case = rating_rules.Case(self.session.txn_id)
        self.state = state
        self.entered_at = self.last_activity = self.clock()
        if state in NO_ELDERLY_STATES or state is State.ATTRACT:  # the next applicant chooses again
            self.elderly = False
        if state is State.ATTRACT:
            self.staff_on_way = False  # the next applicant has called nobody
        keep = {"language": self.session.language, "staff_called": self.staff_on_way, "reference": self.reference,
                "ready": self.ready, "take_card": self.take_card, "elderly": self.elderly,
                **self._document_view()}
        self.view = View(state, **keep)
        for k, v in view.items():
            setattr(self.view, k, v)
        if state is State.FORM:  # however the form is entered (first time, edit, back from staff)
            self._name_changed()

    def _document_view(self) -> dict[str, tuple[str, ...]]:
        return {"documents": self.documents,
                "documents_down": tuple(d for d in self.documents_configured if d not in self.documents)}

    def _readers_changed(self, ev: e.ReadersChanged) -> list[object]:
        """A reader went down or came back: the card screen shows what can be read now."""
        self.documents = tuple(d for d in self.documents_configured if d in ev.documents)
        for k, v in self._document_view().items():
            setattr(self.view, k, v)
        return [c.AlertTechnician(ev.fault)] if ev.fault else []

    def _stop_card_watch(self) -> list[object]:
        """Nobody is told about the card any more (the kiosk is idle, broken or in diagnostics)."""
        self.take_card = self.view.take_card = False
        if not self.watching_card:
            return []
        self.watching_card = False
        return [c.CancelCardWatch()]

    def _wipe(self, keep_language: bool = False) -> list[object]:
        """Forget the applicant; the next one starts with a fresh session and language.
        ``keep_language``: the screens after the case (done, rating) stay in the applicant's
        language; the attract screen resets it."""
        txn = self.session.txn_id
        had_data = self.session.holds_personal_data()
        language = self.session.language if keep_language else self.default_language
        self.session.wipe()
        self.staff_on_way = False
        self._name_seq += 1
        self._name_due = None
        self.session = ApplicantSession(language=language)
        self.session.wiped = True
        self.view.language = language
        return [c.SessionWiped(txn)] if had_data or txn else []

    def _to_attract(self, why: str, outcome: str) -> list[object]:
        """The case ends: wiped, then rated when it had a real step and the applicant is here
        (an idle timeout means they left), else the attract screen."""
        cmds: list[object] = self._stop_card_watch()
        if not self.session.wiped:
            cmds.append(c.Record(self.session.txn_id, "closed", outcome))
        ending = rating_rules.ending(self.case, self.state, outcome)
        cmds += self._wipe(keep_language=True)
        if ending and self.policy.rating and why != "idle_timeout":
            assert self.case is not None
            self.case.ending = ending
            self._go(State.RATING, why)
            return cmds
        cmds += self._drop_case("absent")
        self.session.language = self.view.language = self.default_language
        self._go(State.ATTRACT, why)
        return cmds

    def _drop_case(self, why: str) -> list[object]:
        """The case ends without a rating (counted, when ratings are offered)."""
        case, self.case = self.case, None
        return [c.RatingNotGiven(why)] if case is not None and self.policy.rating else []

    def _fail(self, step: str, code: str) -> list[object]:
        """A failed attempt at a step: bounded retries, then staff."""
        n = self.session.attempts.get(step, 0) + 1
        self.session.attempts[step] = n
        if n >= self.policy.max_attempts:
            return self._staff(code, record=True)
        self._go(State.RETRY, f"{step}:{code}", retry_step=step, error=code)
        return [c.Record(self.session.txn_id, f"{step}_failed", code)]

    def _fault(self, code: str) -> list[object]:
        """The kiosk itself is broken: nobody can be served until a technician acts."""
        pending = self.session.idempotency_key is not None and self.session.decision is None
        cmds: list[object] = [c.AlertTechnician(code)]
        if not self.session.wiped:
            # a submitted but undecided application stays open in the journal for recovery
            cmds.insert(0, c.Record(self.session.txn_id, "fault" if pending else "closed", code))
        issued = self.state is State.PRINTING
        cmds += self._wipe() + self._stop_card_watch()
        cmds += self._drop_case("fault")
        self.fault = code
        self._go(State.OUT_OF_SERVICE, code, fault=code, pending_txn=pending or issued, document_held=issued)
        return cmds

    def _staff(self, reason: str, record: bool = False) -> list[object]:
        if self.state in (State.ATTRACT, State.OUT_OF_SERVICE, State.STAFF):
            if self.state is State.STAFF:
                self.view.staff_called = True
            return [c.AlertStaff(reason)] if self.state is not State.ATTRACT else []
        if reason == "requested" and (self._in_flight() or self.state is State.RATING):
            # never abandon an operation in flight: staff is called, the step completes
            self.view.staff_called = True
            self.staff_on_way = self.state is not State.RATING  # a rated case's applicant data are gone
            return [c.AlertStaff(reason)]
        cmds: list[object] = [c.AlertStaff(reason)]
        if record:
            cmds.insert(0, c.Record(self.session.txn_id, "staff", reason))
        self.staff_return = self.state if reason == "requested" else None
        self.staff_on_way = True
        self._go(State.STAFF, reason, error=reason, staff_called=True, stopped_at=self.state.value)
        return cmds

    def _in_flight(self) -> bool:
        """An operation that must run to its end: a chip read, a submission, a print, or a decision
        the authority has issued and the kiosk is about to print (the face check may be cancelled)."""
        d = self.session.decision
        return self.state in BUSY_STATES - {State.FACE_CHECK} or (
            self.state is State.DECISION and d is not None and d.outcome != "rejected")

    def _enter_step(self, state: State, why: str) -> list[object]:
        if state is State.CARD_WAIT:
            cmds = self._stop_card_watch()  # a new card is looked for on the same readers
            self._go(State.CARD_WAIT, why)
            return [*cmds, c.WaitForCard()]
        if state is State.FACE_CHECK:
            self._go(State.FACE_CHECK, why, guidance="face_camera")
            return [c.StartFaceCheck(self.session.face_reference)]
        if state is State.FORM:
            self._go(State.FORM, why)
            # every form asks (a 304 when nothing changed); the form only waits without a copy
            if self.reference is not None and self.session.identity is not None:
                form_rules.with_home_division(self.session.identity, self.session.form, self.reference)
            return [c.LoadReferenceData()]
        self._go(state, why)
        return []

    # --- the name check -------------------------------------------------------------------
    def _name_changed(self) -> None:
        """A part of the business name changed (or the form was entered again): check it once
        the applicant pauses."""
        self._name_seq += 1
        query = form_rules.name_query(self.session.form, self.reference)
        self.view.name_check = None
        self.view.name_check_state = "pending" if query else ""
        self._name_due = self.clock() + form_rules.NAME_CHECK_DELAY_S if query else None

    def _ask_name_check(self) -> list[object]:
        if self._name_due is None or self._name_asked or self.clock() < self._name_due:
            return []
        self._name_due = None
        query = form_rules.name_query(self.session.form, self.reference)
        if query is None:
            return []
        self._name_asked = True
        self.view.name_check_state = "checking"
        return [c.CheckName(self._name_seq, query)]

    def _on_name_answer(self, ev: e.NameChecked | e.NameCheckFailed) -> list[object]:
        self._name_asked = False
        if self.state is not State.FORM or ev.seq != self._name_seq:
            return []  # for a name changed since, or another applicant's: the next tick asks again
        if isinstance(ev, e.NameChecked):
            self.view.name_check, self.view.name_check_state = ev.result, "done"
        else:
            self.view.name_check, self.view.name_check_state = None, "unavailable"
        return []

    # --- timeouts -------------------------------------------------------------------------
    def _tick(self) -> list[object]:
        now = self.clock()
        if self.state is State.FORM:
            asked = self._ask_name_check()
            if asked:
                return asked
        if self.state is State.ATTRACT:
            every = self.timeouts.attract_probe
            if self.ready and every > 0 and now - self.entered_at >= every:
                self.entered_at = now
                return [c.ProbeDevices(recover=False)]
            return []
        if self.state is State.RATING and self.view.rating_thanks:
            thanks = self.timeouts.rating_thanks * self._patience()
            return self._end_rating("") if now - self.entered_at >= thanks else []
        d = self.session.decision
        if (self.state is State.DECISION and d is not None and d.outcome != "rejected"
                and now - self.entered_at >= self.timeouts.decision_auto_advance):
            return self._print_decision()
        limit = getattr(self.timeouts, TIMEOUT_FIELD[self.state])
        warning = self.timeouts.idle_warning
        if self.state in INPUT_STATES:  # a device's timeout is the device's, whoever waits on it
            limit, warning = limit * self._patience(), warning * self._patience()
        since = self.last_activity if self.state in INPUT_STATES else self.entered_at
        left = since + limit - now
        if self.state in INPUT_STATES and self.state is not State.DONE:
            self.view.countdown = left if left <= warning else None
        if left > 0:
            return []
        return self._timeout()

    def _patience(self) -> float:
        """How much longer the applicant's screens wait: elderly mode gives more time to read."""
        return self.timeouts.elderly_factor if self.elderly else 1.0

    def _timeout(self) -> list[object]:
        match self.state:
            case State.DONE:
                return self._to_attract("done", "completed")
            case State.OUT_OF_SERVICE:
                self.entered_at = self.clock()
                return [c.ProbeDevices()]
            case State.FACE_CHECK:
                return self._fail("face", "face_timeout")
            case State.CARD_READ:
                return self._fault("reader_timeout")
            case State.SUBMIT:
                return self._fault("service_timeout")
            case State.PRINTING:
                return self._fault("printer_timeout")
            case State.DIAG | State.DIAG_PIN:
                return [c.Audit("diagnostics_timeout"), *self._leave_diagnostics("diag_timeout")]
            case State.RATING:
                return self._end_rating("timeout")
            case _ if self.state in INPUT_STATES:
                return self._to_attract("idle_timeout", "idle_timeout")
        return []

    # --- one handler per state ------------------------------------------------------------
    def _on_attract(self, ev: object) -> list[object]:
        if isinstance(ev, e.StepFailed) and ev.fault:  # e.g. the face models failed to load at start
            return self._fault(ev.code)
        if isinstance(ev, e.DevicesProbed) and not ev.healthy:  # the idle check found a fault
            return self._fault(ev.code)
        if isinstance(ev, e.Touch) and ev.action == "start" and self.ready:
            self.session = ApplicantSession(language=self.session.language)
            self.case = None
            self._go(State.CONSENT, "start")
            return [c.Record(self.session.txn_id, "started")]
        return []

    def _on_consent(self, ev: object) -> list[object]:
        if isinstance(ev, e.Touch):
            if ev.action == "accept":
                return [c.Record(self.session.txn_id, "consented"),
                        *self._enter_step(State.CARD_WAIT, "consent")]
            if ev.action in ("decline", "cancel"):
                return self._to_attract(ev.action, "declined")
        return []

    def _on_card_wait(self, ev: object) -> list[object]:
        if isinstance(ev, e.CardInserted):
            if not ev.info.needs_access_key:  # a resident ID card: its reader's SAM authenticates it
                self._go(State.CARD_READ, "card_inserted")
                return [c.ReadCard(None)]
            mode = "can" if ev.info.accepts_can else "mrz"
            left = self.policy.max_attempts - self.session.attempts.get("card", 0)
            self._go(State.CARD_ACCESS, "card_inserted", key_mode=mode, tries_left=left)
            return []
        if isinstance(ev, e.StepFailed):
            return self._fault(ev.code) if ev.fault else self._fail("card", ev.code)
        if isinstance(ev, e.Touch) and ev.action == "cancel":
            return self._to_attract("cancel", "cancelled")
        return []

    def _on_card_access(self, ev: object) -> list[object]:
        if isinstance(ev, e.Touch):
            if ev.action == "key_mode" and ev.value in ("can", "mrz"):
                self.view.key_mode, self.view.error = ev.value, ""
            elif ev.action == "submit_key":
                key = self._parse_key(ev.value)
                if key is None:
                    self.view.error = "can_format" if self.view.key_mode == "can" else "mrz_format"
                    return []
                self.session.access_key = key
                self._go(State.CARD_READ, "key_entered")
                return [c.ReadCard(key)]
            elif ev.action == "cancel":
                return self._to_attract("cancel", "cancelled")
        elif isinstance(ev, e.StepFailed):
            return self._fault(ev.code) if ev.fault else self._fail("card", ev.code)
        return []

    def _parse_key(self, value: Any) -> AccessKey | None:
        if self.view.key_mode == "can":
            return AccessKey(can=value) if isinstance(value, str) and CAN.fullmatch(value) else None
        if not isinstance(value, tuple | list) or len(value) != 3:
            return None
        doc, birth, expiry = (str(v) for v in value)
        if not (DOCUMENT_NUMBER.fullmatch(doc) and YYMMDD.fullmatch(birth) and YYMMDD.fullmatch(expiry)):
            return None
        return AccessKey(document_number=doc.upper(), birth_date=birth, expiry_date=expiry)

    def _on_card_read(self, ev: object) -> list[object]:
        if isinstance(ev, e.CardRead):
            auth = ev.identity.authenticity
            self.session.access_key = None
            if not auth.verified and self.policy.refuse_unverified_chip:
                ev.identity.wipe()
                # a forged or altered chip is not a typo to retry: staff must look at the document
                return self._staff("card_not_authentic", record=True)
            watch: list[object] = []
            if ev.removal_tracked:
                self.take_card = self.watching_card = True
                watch = [c.WatchCardRemoval()]
            if form_rules.operator_document(ev.identity) is None:
                ev.identity.wipe()  # e.g. a foreign passport: no number the registration takes
                return [*watch, *self._staff("document_not_accepted", record=True)]
            if ev.name_check == "staff":
                ev.identity.wipe()  # a name the kiosk cannot pass on or show faithfully
                return [*watch, *self._staff("name_needs_staff", record=True)]
            self.session.identity = ev.identity
            self.session.face_reference = ev.face_reference
            self.session.form = form_rules.prefill(ev.identity)
            self.session.name_confirm = ev.name_check == "confirm"
            outcome = "verified" if auth.verified else auth.failure or "unverified"
            rec = c.Record(self.session.txn_id, "card_read", outcome)
            return [rec, *watch, *self._enter_step(State.FACE_CHECK, "card_read")]
        if isinstance(ev, e.StepFailed):
            self.session.access_key = None
            if ev.fault:
                return self._fault(ev.code)
            if ev.code in STAFF_CODES:
                return self._staff(ev.code, record=True)
            return self._fail("card", ev.code)
        return []

    def _on_face_check(self, ev: object) -> list[object]:
        if isinstance(ev, e.FaceGuidance):
            self.view.guidance, self.view.challenge = ev.guidance, ev.challenge
            self.view.challenge_step, self.view.challenge_steps = ev.step, ev.steps
            return []
        if isinstance(ev, e.FaceChecked):
            if ev.passed:
                self.session.face_reference = None  # no longer needed: drop the embedding now
                return [c.Record(self.session.txn_id, "face_passed"), *self._enter_step(State.FORM, "face")]
            return self._fail("face", ev.reason)
        if isinstance(ev, e.StepFailed):
            return self._fault(ev.code) if ev.fault else self._fail("face", ev.code)
        if isinstance(ev, e.Touch) and ev.action == "cancel":
            return self._to_attract("cancel", "cancelled")
        return []

    def _on_form(self, ev: object) -> list[object]:
        if isinstance(ev, e.ReferenceLoaded):
            if ev.data is not self.reference:  # the same copy again: nothing to redraw
                self.reference = self.view.reference = ev.data
            if self.session.identity is not None:
                form_rules.with_home_division(self.session.identity, self.session.form, ev.data)
            self._name_changed()
            return []
        if isinstance(ev, e.StepFailed):
            return self._fault(ev.code)
        if isinstance(ev, e.Touch):
            if ev.action == "form_set":
                key, value = ev.value
                if key == "trade_name":
                    value = str(value or "")[:form_rules.TRADE_NAME_MAX]
                elif key == "industry_term":
                    value = str(value or "")[:form_rules.INDUSTRY_TERM_MAX]
                changed = self.session.form.get(key) != value
                if changed and key == "industry_code":
                    # a wording of the old industry (拉面) would misname the new one (理发)
                    self.session.form.pop("industry_term", None)
                self.session.form[key] = value
                self.view.form_problems = []
                if changed and key in form_rules.NAME_FIELDS:
                    self._name_changed()
            elif ev.action == "form_done":
                found = self._form_problems()
                check = self.view.name_check
                if check is not None and check.outcome == "reject":
                    # the service's own rules refuse this name: the submission would, too
                    parts = {f.part for f in check.findings if f.severity == "reject"}
                    field = "industry_term" if parts == {"industry_term"} else "trade_name"
                    if f"invalid:{field}" not in found:
                        found.append(f"invalid:{field}")
                if found:
                    self.view.form_problems = found
                    return []
                self._go(State.REVIEW, "form_done", confirm_name=self.session.name_confirm)
            elif ev.action == "cancel":
                return self._to_attract("cancel", "cancelled")
        return []

    def _form_problems(self) -> list[str]:
        found = form_rules.problems(self.session.form)
        if "missing:scope_codes" not in found and form_rules.unknown_scope(self.session.form, self.reference):
            found.append("invalid:scope_codes")
        return found

    def _on_review(self, ev: object) -> list[object]:
        if isinstance(ev, e.Touch):
            if ev.action == "confirm":
                found = self._form_problems()
                if found:  # never submit what the review could not show whole: back to the form
                    self._go(State.FORM, "incomplete", form_problems=found)
                    return []
                assert self.session.identity is not None
                app = form_rules.to_application(self.session.identity, self.session.form, self.reference)
                if self.session.application != app or self.session.idempotency_key is None:
                    self.session.idempotency_key = uuid.uuid4().hex
                self.session.application = app
                self._go(State.SUBMIT, "confirm")
                key = self.session.idempotency_key
                ident = self.session.identity
                return [c.Record(self.session.txn_id, "submitting", key),
                        c.Submit(self.session.txn_id, key, app, (ident.issuing_state, ident.document_number))]
            if ev.action == "edit":
                self._go(State.FORM, "edit")
            elif ev.action == "cancel":
                return self._to_attract("cancel", "cancelled")
        return []

    def _on_submit(self, ev: object) -> list[object]:
        if isinstance(ev, e.Decided):
            d = ev.decision
            self.session.decision = d
            if self.case is not None:
                self.case.application_id, self.case.outcome = d.application_id, d.outcome
            staff = self.view.staff_called
            self._go(State.DECISION, d.outcome, staff_called=staff)
            return [c.Record(self.session.txn_id, "decided", d.outcome)]
        if isinstance(ev, e.StepFailed):
            return self._fault(ev.code)
        return []

    def _print_decision(self) -> list[object]:
        d = self.session.decision
        assert d is not None
        self._go(State.PRINTING, "print")
        if d.outcome == "approved" and d.licence is not None:
            return [c.Record(self.session.txn_id, "printing", "licence"),
                    c.PrintLicence(self.session.txn_id, d.licence)]
        return [c.Record(self.session.txn_id, "printing", "referral"),
                c.PrintReferral(self.session.txn_id, d)]

    def _on_decision(self, ev: object) -> list[object]:
        if not isinstance(ev, e.Touch) or self.session.decision is None:
            return []
        if self.session.decision.outcome != "rejected":
            return self._print_decision() if ev.action == "continue" else []
        if ev.action == "edit":
            self.session.decision = None
            self._go(State.FORM, "fix_rejection")
        elif ev.action == "cancel":
            return self._to_attract("cancel", "rejected")
        return []

    def _on_printing(self, ev: object) -> list[object]:
        if isinstance(ev, e.Printed):
            cmds: list[object] = [c.Record(self.session.txn_id, "closed", "printed")]
            d = self.session.decision
            tracking, outcome = (d.tracking_number, d.outcome) if d else ("", "")
            proof = Proof.of(d) if d else None
            cmds += self._wipe(keep_language=True)
            self._go(State.DONE, "printed", error=outcome, guidance=tracking, proof=proof)
            return cmds
        if isinstance(ev, e.StepFailed):
            # a job the printer is fine without (a layout the font cannot draw, a job the print
            # journal refuses): staff sees to this applicant, the next one can be served
            return self._fault(ev.code) if ev.fault else self._staff(ev.code, record=True)
        return []

    def _on_done(self, ev: object) -> list[object]:
        if isinstance(ev, e.Touch) and ev.action in ("finish", "start"):
            return self._to_attract("finish", "completed")
        return []

    def _on_rating(self, ev: object) -> list[object]:
        """Five levels; a bad one asks for at least one reason before it is sent. Skipping is
        always one tap away; nothing here holds personal data (the session is wiped)."""
        if not isinstance(ev, e.Touch):
            return []
        v = self.view
        if v.rating_thanks:
            return self._end_rating("") if ev.action == "finish" else []
        if ev.action in ("skip", "cancel"):
            return self._end_rating("skipped")
        if ev.action == "rate" and ev.value in wire_rating.LEVELS:
            if ev.value in wire_rating.BAD_LEVELS:
                v.rating_level, v.rating_reasons = ev.value, ()
                return []
            return self._rated(ev.value, ())
        if ev.action == "rate_reason" and v.rating_level and ev.value in wire_rating.REASONS:
            picked = set(v.rating_reasons) ^ {ev.value}
            v.rating_reasons = tuple(r for r in wire_rating.REASONS if r in picked)
        elif ev.action == "rate_send" and v.rating_level and v.rating_reasons:
            return self._rated(v.rating_level, v.rating_reasons)
        elif ev.action == "rate_change":
            v.rating_level, v.rating_reasons = "", ()
        return []

    def _rated(self, level: str, reasons: tuple[str, ...]) -> list[object]:
        case, self.case = self.case, None
        if case is None:  # rated already: a second tap in the same frame
            return []
        kind, number = case.number
        self._go(State.RATING, "rated", rating_thanks=True, rating_level=level)
        return [c.SendRating(kind, number, case.ending, level, reasons)]

    def _end_rating(self, why: str) -> list[object]:
        """Back to the attract screen; ``why`` a rating was not given ("" when it was)."""
        cmds = self._drop_case(why) if why else []
        self.session.language = self.default_language
        self._go(State.ATTRACT, why or "rated")
        return cmds

    def _on_retry(self, ev: object) -> list[object]:
        if isinstance(ev, e.Touch):
            if ev.action == "retry":
                return self._enter_step(STEP_START[self.view.retry_step], "retry")
            if ev.action == "cancel":
                return self._to_attract("cancel", "cancelled")
        return []

    def _on_staff(self, ev: object) -> list[object]:
        if isinstance(ev, e.Touch):
            if ev.action == "resume" and self.staff_return is not None:
                back, self.staff_return = self.staff_return, None
                if back in (State.CARD_ACCESS, State.CARD_READ):
                    back = State.CARD_WAIT
                return self._enter_step(back, "resume")
            if ev.action == "cancel":
                return self._to_attract("cancel", "staff")
        return []

    def _on_out_of_service(self, ev: object) -> list[object]:
        if isinstance(ev, e.DevicesProbed) and ev.healthy:
            self.fault = ""
            self.ready = True
            if not self.manual_oos:
                self._go(State.ATTRACT, "recovered")
        elif isinstance(ev, e.DevicesProbed) and not ev.healthy:
            self.fault = ev.code or self.fault
            self.view.fault = ev.code or self.view.fault
        return []

    # --- technicians ----------------------------------------------------------------------
    def _enter_diagnostics(self) -> list[object]:
        """Never while an operation is in flight; never with an applicant's data on screen."""
        if self.state in (State.DIAG_PIN, State.DIAG) or self._in_flight():
            return []
        cmds: list[object] = []
        if not self.session.wiped:
            cmds.append(c.Record(self.session.txn_id, "closed", "technician"))
        cmds += self._wipe() + self._stop_card_watch()
        cmds += self._drop_case("technician")
        self._go(State.DIAG_PIN, "gesture")
        return [*cmds, c.Audit("diagnostics_gesture")]

    def _leave_diagnostics(self, why: str) -> list[object]:
        """Back to what the kiosk was: out of service while a technician keeps it so or a device
        fault stands (probed at once, so a repaired kiosk is back within a probe), else attract."""
        if self.manual_oos:
            self._go(State.OUT_OF_SERVICE, why, fault="manual")
            return []
        if self.fault:
            self._go(State.OUT_OF_SERVICE, why, fault=self.fault)
            return [c.ProbeDevices()]
        self._go(State.ATTRACT, why)
        return []

    def _on_diag_pin(self, ev: object) -> list[object]:
        if isinstance(ev, e.Touch) and ev.action == "pin" and isinstance(ev.value, str):
            if self.view.pin_checking:
                return []  # one guess at a time: guesses never queue up behind a check
            self.view.pin_checking = True
            return [c.VerifyPin(ev.value)]
        if isinstance(ev, e.Touch) and ev.action == "diag_exit":
            return self._leave_diagnostics("diag_pin_cancel")
        if isinstance(ev, e.PinChecked) and self.view.pin_checking:  # an answer nobody waits for opens nothing
            self.view.pin_checking = False
            if ev.result == "ok":
                self._go(State.DIAG, "pin_ok", key_mode="overview")
                return [c.RunChecks()]
            self.view.error = PIN_REFUSED.get(ev.result, "pin_wrong")
        if isinstance(ev, e.StepFailed) and ev.step == "pin":  # e.g. the audit log cannot be written
            self.view.pin_checking = False
            self.view.error = "pin_check_failed"
        return []

    def _on_diag(self, ev: object) -> list[object]:
        if isinstance(ev, e.ChecksDone):
            self.view.checks = list(ev.results)
            return []
        if not isinstance(ev, e.Touch):
            return []
        match ev.action:
            case "diag_refresh":
                return [c.RunChecks(), c.Audit("run_checks")]
            case "diag_page" if ev.value in ("overview", "config", "log") or str(ev.value).startswith("device:"):
                self.view.key_mode = ev.value
                if str(ev.value).startswith("device:"):
                    return [c.RunChecks(), c.Audit("device_page", ev.value.partition(":")[2])]
            case "diag_out_of_service":
                self.manual_oos = True
                return [c.Audit("out_of_service_on")]
            case "diag_in_service":
                self.manual_oos = False
                return [c.Audit("out_of_service_off")]
            case "diag_test_page":
                action = "sheet_test_page" if ev.value == "sheet" else "test_page"
                return [c.DiagAction(action), c.Audit(action)]
            case "diag_test_read":
                return [c.DiagAction("test_read"), c.Audit("test_read")]
            case "diag_reprint" | "diag_confirm_printed" | "diag_void" if isinstance(ev.value, str):
                verb = ev.action.removeprefix("diag_")  # a held print job: staff's three choices
                return [c.DiagAction(f"{verb}:{ev.value}"), c.Audit(verb, ev.value)]
            case "diag_exit":
                return [c.Audit("diagnostics_left"), *self._leave_diagnostics("diag_exit")]
            case "diag_quit":
                return [c.Audit("application_quit"), c.QuitApp()]
        return []


assert not (INPUT_STATES & BUSY_STATES)
