"""Every transition and timeout of the journey, in milliseconds and without a window."""

from __future__ import annotations

import pytest

from kiosk.flow import commands as c
from kiosk.flow import events as e
from kiosk.flow.machine import Flow
from kiosk.flow.rating import REAL_STEP_STATES
from kiosk.flow.states import INPUT_STATES, State
from kiosk.proof import Proof
from kiosk.settings import PolicySection, TimeoutSection
from tests.kiosk.flow import builders as b

T = TimeoutSection()


def make_flow(**policy: object) -> tuple[Flow, b.FakeClock]:
    clock = b.FakeClock()
    flow = Flow(T, PolicySection(**policy), "zh_CN", clock)
    flow.dispatch(e.DevicesReady())
    return flow, clock


def kinds(cmds: list[object]) -> list[type]:
    return [type(x) for x in cmds]


def steps(cmds: list[object]) -> list[str]:
    return [x.step for x in cmds if isinstance(x, c.Record)]


def advance_to(flow: Flow, target: State) -> list[object]:
    """Drive the happy path up to ``target`` and return the last commands."""
    path = [
        (State.CONSENT, e.Touch("start")),
        (State.CARD_WAIT, e.Touch("accept")),
        (State.CARD_ACCESS, e.CardInserted(b.card_info())),
        (State.CARD_READ, e.Touch("submit_key", "123456")),
        (State.FACE_CHECK, e.CardRead(b.identity(), object())),
        (State.FORM, e.FaceChecked(True, "match")),
    ]
    cmds: list[object] = []
    for state, event in path:
        cmds = flow.dispatch(event)
        assert flow.state is state, (state, flow.state)
        if state is target:
            return cmds
    for key, value in b.COMPLETE_FORM.items():
        flow.dispatch(e.Touch("form_set", (key, value)))
    cmds = flow.dispatch(e.Touch("form_done"))
    assert flow.state is State.REVIEW
    if target is State.REVIEW:
        return cmds
    cmds = flow.dispatch(e.Touch("confirm"))
    assert flow.state is State.SUBMIT
    if target is State.SUBMIT:
        return cmds
    cmds = flow.dispatch(e.Decided(b.decision()))
    assert flow.state is State.DECISION
    if target is State.DECISION:
        return cmds
    cmds = flow.dispatch(e.Touch("continue"))
    assert flow.state is State.PRINTING
    return cmds


def test_happy_path_records_each_step_before_its_effect() -> None:
    flow, _ = make_flow()
    all_cmds: list[object] = []
    all_cmds += flow.dispatch(e.Touch("start"))
    all_cmds += flow.dispatch(e.Touch("accept"))
    assert isinstance(all_cmds[-1], c.WaitForCard)
    flow.dispatch(e.CardInserted(b.card_info()))
    read = flow.dispatch(e.Touch("submit_key", "123456"))
    assert isinstance(read[0], c.ReadCard) and read[0].key.can == "123456"
    all_cmds += flow.dispatch(e.CardRead(b.identity(), object()))
    assert isinstance(all_cmds[-1], c.StartFaceCheck)
    form_cmds = flow.dispatch(e.FaceChecked(True, "match"))
    assert isinstance(form_cmds[-1], c.LoadReferenceData)
    assert flow.session.face_reference is None, "the embedding is dropped once the check passed"
    for key, value in b.COMPLETE_FORM.items():
        flow.dispatch(e.Touch("form_set", (key, value)))
    flow.dispatch(e.Touch("form_done"))
    submit = flow.dispatch(e.Touch("confirm"))
    assert kinds(submit) == [c.Record, c.Submit]
    assert submit[0].step == "submitting" and submit[0].outcome == submit[1].idempotency_key
    assert submit[1].application.operator_name == "张伟"
    assert submit[1].application.premises == "科技园路1号"
    flow.dispatch(e.Decided(b.decision()))
    printing = flow.dispatch(e.Touch("continue"))
    assert kinds(printing) == [c.Record, c.PrintLicence]
    identity = flow.session.identity
    done = flow.dispatch(e.Printed("job-1"))
    assert flow.state is State.DONE
    assert steps(done) == ["closed"] and done[0].outcome == "printed"
    assert any(isinstance(x, c.SessionWiped) for x in done)
    assert not flow.session.holds_personal_data()
    assert identity is not None and set(identity.portrait) <= {0} and identity.name_national == ""
    assert steps(all_cmds) == ["started", "consented", "card_read"]


def test_decision_auto_advances_to_printing() -> None:
    flow, clock = make_flow()
    advance_to(flow, State.DECISION)
    clock.advance(T.decision_auto_advance - 0.1)
    assert flow.dispatch(e.Tick()) == [] and flow.state is State.DECISION
    clock.advance(0.2)
    cmds = flow.dispatch(e.Tick())
    assert flow.state is State.PRINTING and isinstance(cmds[-1], c.PrintLicence)


def test_manual_review_prints_a_referral_with_tracking_number() -> None:
    flow, _ = make_flow()
    advance_to(flow, State.SUBMIT)
    flow.dispatch(e.Decided(b.decision("manual_review")))
    cmds = flow.dispatch(e.Touch("continue"))
    assert isinstance(cmds[-1], c.PrintReferral) and cmds[-1].decision.tracking_number == "T-0001"
    flow.dispatch(e.Printed("job-2"))
    assert flow.state is State.DONE and flow.view.guidance == "T-0001"


@pytest.mark.parametrize("outcome", ["approved", "manual_review"])
def test_the_done_screen_keeps_the_public_facts_after_the_wipe(outcome: str) -> None:
    flow, _ = make_flow()
    advance_to(flow, State.SUBMIT)
    d = b.decision(outcome)
    flow.dispatch(e.Decided(d))
    flow.dispatch(e.Touch("continue"))
    flow.dispatch(e.Printed("job-1"))
    assert flow.state is State.DONE and not flow.session.holds_personal_data()
    assert flow.view.proof == Proof.of(d)
    assert (flow.view.proof.uscc, flow.view.proof.tracking_number) == (
        (d.licence.uscc, "") if d.licence else ("", "T-0001"))
    flow.dispatch(e.Touch("finish"))
    assert flow.view.proof is None, "the next screen forgets them"


def test_rejection_lets_the_applicant_fix_the_form_with_a_new_idempotency_key() -> None:
    flow, clock = make_flow()
    first = advance_to(flow, State.SUBMIT)
    flow.dispatch(e.Decided(b.decision("rejected")))
    assert flow.state is State.DECISION
    clock.advance(T.decision_auto_advance + 1)
    assert flow.dispatch(e.Tick()) == [] and flow.state is State.DECISION, "a rejection never prints"
    flow.dispatch(e.Touch("edit"))
    assert flow.state is State.FORM
    flow.dispatch(e.Touch("form_set", ("trade_name", "伟记")))
    flow.dispatch(e.Touch("form_done"))
    second = flow.dispatch(e.Touch("confirm"))
    assert second[1].idempotency_key != first[1].idempotency_key


def test_resubmitting_the_same_application_reuses_the_key() -> None:
    flow, _ = make_flow()
    first = advance_to(flow, State.SUBMIT)
    flow.state = State.REVIEW  # e.g. the applicant went back and confirmed the same data
    again = flow.dispatch(e.Touch("confirm"))
    assert again[1].idempotency_key == first[1].idempotency_key


def test_bac_only_card_asks_for_mrz_data() -> None:
    flow, _ = make_flow()
    flow.dispatch(e.Touch("start"))
    flow.dispatch(e.Touch("accept"))
    flow.dispatch(e.CardInserted(b.card_info(("BAC",))))
    assert flow.view.key_mode == "mrz"
    assert flow.dispatch(e.Touch("submit_key", ("E1234", "9003", "350101"))) == []
    assert flow.view.error == "mrz_format"
    cmds = flow.dispatch(e.Touch("submit_key", ("e12345678", "900307", "350101")))
    assert flow.state is State.CARD_READ and cmds[0].key.document_number == "E12345678"
    assert "E12345678" not in repr(cmds[0].key), "access keys never show in logs"


@pytest.mark.parametrize("bad", ["12345", "1234567", "12a456", None, ""])
def test_malformed_can_stays_on_the_keypad(bad: object) -> None:
    flow, _ = make_flow()
    advance_to(flow, State.CARD_ACCESS)
    assert flow.dispatch(e.Touch("submit_key", bad)) == []
    assert flow.state is State.CARD_ACCESS and flow.view.error == "can_format"


def test_key_mode_switch() -> None:
    flow, _ = make_flow()
    advance_to(flow, State.CARD_ACCESS)
    flow.dispatch(e.Touch("key_mode", "mrz"))
    assert flow.view.key_mode == "mrz"
    flow.dispatch(e.Touch("key_mode", "bogus"))
    assert flow.view.key_mode == "mrz"


@pytest.mark.parametrize("code", ["card_removed", "card_access_denied", "card_read_error", "card_blocked"])
def test_card_failures_retry_then_staff(code: str) -> None:
    flow, _ = make_flow(max_attempts=3)
    advance_to(flow, State.CARD_READ)
    for attempt in range(1, 3):
        cmds = flow.dispatch(e.StepFailed("card", code, False))
        assert flow.state is State.RETRY and flow.view.error == code and flow.view.retry_step == "card"
        assert steps(cmds) == ["card_failed"]
        cmds = flow.dispatch(e.Touch("retry"))
        assert flow.state is State.CARD_WAIT and isinstance(cmds[-1], c.WaitForCard), attempt
        flow.dispatch(e.CardInserted(b.card_info()))
        flow.dispatch(e.Touch("submit_key", "123456"))
    cmds = flow.dispatch(e.StepFailed("card", code, False))
    assert flow.state is State.STAFF and flow.view.error == code
    assert any(isinstance(x, c.AlertStaff) for x in cmds)


def test_unverified_chip_is_refused_by_default_and_wiped() -> None:
    flow, _ = make_flow()
    advance_to(flow, State.CARD_READ)
    forged = b.identity(verified=False)
    cmds = flow.dispatch(e.CardRead(forged, object()))
    assert flow.state is State.STAFF and flow.view.error == "card_not_authentic"
    assert flow.session.identity is None and forged.name_national == ""
    assert steps(cmds) == ["staff"]


def test_unverified_chip_accepted_when_policy_allows() -> None:
    flow, _ = make_flow(refuse_unverified_chip=False)
    advance_to(flow, State.CARD_READ)
    cmds = flow.dispatch(e.CardRead(b.identity(verified=False), object()))
    assert flow.state is State.FACE_CHECK
    assert [x.outcome for x in cmds if isinstance(x, c.Record)] == ["sod_signature"]


def test_not_authentic_error_from_driver_goes_to_staff() -> None:
    flow, _ = make_flow()
    advance_to(flow, State.CARD_READ)
    flow.dispatch(e.StepFailed("card", "card_not_authentic", False))
    assert flow.state is State.STAFF


def test_face_mismatch_three_times_offers_staff() -> None:
    flow, _ = make_flow()
    advance_to(flow, State.FACE_CHECK)
    flow.dispatch(e.FaceGuidance("blink", "blink"))
    assert flow.view.guidance == "blink" and flow.view.challenge == "blink"
    for _ in range(2):
        flow.dispatch(e.FaceChecked(False, "mismatch"))
        assert flow.state is State.RETRY and flow.view.error == "mismatch"
        cmds = flow.dispatch(e.Touch("retry"))
        assert flow.state is State.FACE_CHECK and isinstance(cmds[-1], c.StartFaceCheck)
    flow.dispatch(e.FaceChecked(False, "liveness_failed"))
    assert flow.state is State.STAFF


@pytest.mark.parametrize(
    ("state", "event"),
    [
        (State.CARD_WAIT, e.StepFailed("card", "reader_unavailable", True)),
        (State.CARD_READ, e.StepFailed("card", "reader_unavailable", True)),
        (State.FACE_CHECK, e.StepFailed("face", "camera_lost", True)),
        (State.FORM, e.StepFailed("reference", "service_unreachable", True)),
        (State.SUBMIT, e.StepFailed("submit", "service_unreachable", True)),
        (State.PRINTING, e.StepFailed("print", "printer_paper_out", True)),
    ],
)
def test_device_faults_go_out_of_service_and_wipe(state: State, event: object) -> None:
    flow, _ = make_flow()
    advance_to(flow, state)
    cmds = flow.dispatch(event)
    assert flow.state is State.OUT_OF_SERVICE and flow.view.fault == event.code
    assert any(isinstance(x, c.AlertTechnician) for x in cmds)
    assert not flow.session.holds_personal_data()
    if state is State.FACE_CHECK:
        assert c.CancelFaceCheck in kinds(cmds)
    if state in (State.SUBMIT, State.PRINTING):
        assert flow.view.pending_txn, "a submitted application is kept for recovery"
        assert flow.view.document_held is (state is State.PRINTING), "the screen sends them to staff"
        if state is State.SUBMIT:
            assert steps(cmds) == ["fault"]
    else:
        assert not flow.view.pending_txn and steps(cmds) == ["closed"]


def test_out_of_service_probes_until_healthy() -> None:
    flow, clock = make_flow()
    advance_to(flow, State.CARD_WAIT)
    flow.dispatch(e.StepFailed("card", "reader_unavailable", True))
    assert flow.dispatch(e.Touch("start")) == [] and flow.state is State.OUT_OF_SERVICE
    clock.advance(T.out_of_service_probe + 0.1)
    assert kinds(flow.dispatch(e.Tick())) == [c.ProbeDevices]
    assert flow.dispatch(e.Tick()) == [], "the probe interval restarts after each probe"
    flow.dispatch(e.DevicesProbed(False, "printer_paper_out"))
    assert flow.state is State.OUT_OF_SERVICE and flow.view.fault == "printer_paper_out"
    flow.dispatch(e.DevicesProbed(True))
    assert flow.state is State.ATTRACT


@pytest.mark.parametrize(
    "state", sorted(INPUT_STATES - {State.DONE, State.RATING, State.DECISION, State.DIAG, State.DIAG_PIN}, key=str)
)
def test_idle_timeout_wipes_and_returns_to_attract(state: State) -> None:
    flow, clock = make_flow()
    if state is State.RETRY:
        advance_to(flow, State.CARD_READ)
        flow.dispatch(e.StepFailed("card", "card_removed", False))
    elif state is State.STAFF:
        advance_to(flow, State.FORM)
        flow.dispatch(e.Touch("staff"))
    else:
        advance_to(flow, state)
    assert flow.state is state
    limit = getattr(T, {State.CARD_WAIT: "card_wait", State.CARD_ACCESS: "card_access"}.get(state, state.value))
    clock.advance(limit - T.idle_warning - 1)
    flow.dispatch(e.Tick())
    assert flow.view.countdown is None
    clock.advance(2)
    flow.dispatch(e.Tick())
    assert flow.view.countdown is not None and 0 < flow.view.countdown <= T.idle_warning
    flow.dispatch(e.Touch("more_time"))
    assert flow.view.countdown is None and flow.state is state, "more time restarts the countdown"
    clock.advance(limit + 0.1)
    cmds = flow.dispatch(e.Tick())
    assert flow.state is State.ATTRACT
    assert steps(cmds) == ["closed"] and cmds[[type(x) for x in cmds].index(c.Record)].outcome == "idle_timeout"
    assert not flow.session.holds_personal_data() and flow.view.language == "zh_CN"
    if state is State.CARD_WAIT:  # on the CAN keypad the wait already ended when the card came
        assert isinstance(cmds[0], c.CancelCardWait)


def test_rejected_decision_idles_out() -> None:
    flow, clock = make_flow()
    advance_to(flow, State.SUBMIT)
    flow.dispatch(e.Decided(b.decision("rejected")))
    clock.advance(T.decision + 1)
    flow.dispatch(e.Tick())
    assert flow.state is State.ATTRACT


@pytest.mark.parametrize(
    ("state", "fault"),
    [(State.CARD_READ, "reader_timeout"), (State.SUBMIT, "service_timeout"), (State.PRINTING, "printer_timeout")],
)
def test_busy_state_timeouts_are_device_faults(state: State, fault: str) -> None:
    flow, clock = make_flow()
    advance_to(flow, state)
    clock.advance(getattr(T, {State.CARD_READ: "card_read"}.get(state, state.value)) + 0.1)
    flow.dispatch(e.Tick())
    assert flow.state is State.OUT_OF_SERVICE and flow.view.fault == fault


def test_face_check_timeout_is_a_failed_attempt() -> None:
    flow, clock = make_flow()
    advance_to(flow, State.FACE_CHECK)
    clock.advance(T.face_check + 0.1)
    cmds = flow.dispatch(e.Tick())
    assert isinstance(cmds[0], c.CancelFaceCheck) and flow.state is State.RETRY
    assert flow.view.error == "face_timeout"


def test_busy_states_show_no_idle_countdown() -> None:
    flow, clock = make_flow()
    advance_to(flow, State.SUBMIT)
    clock.advance(T.submit - 1)
    flow.dispatch(e.Tick())
    assert flow.view.countdown is None


def test_done_goes_to_the_rating_after_its_timeout_or_a_touch() -> None:
    flow, clock = make_flow()
    advance_to(flow, State.PRINTING)
    flow.dispatch(e.Printed("j"))
    clock.advance(T.done + 0.1)
    flow.dispatch(e.Tick())
    assert flow.state is State.RATING
    flow2, _ = make_flow()
    advance_to(flow2, State.PRINTING)
    flow2.dispatch(e.Printed("j"))
    flow2.dispatch(e.Touch("finish"))
    assert flow2.state is State.RATING


@pytest.mark.parametrize("state", [State.CONSENT, State.CARD_WAIT, State.CARD_ACCESS, State.FACE_CHECK,
                                   State.FORM, State.REVIEW])
def test_staff_from_an_input_state_and_resume(state: State) -> None:
    flow, _ = make_flow()
    advance_to(flow, state)
    cmds = flow.dispatch(e.Touch("staff"))
    assert flow.state is State.STAFF and any(isinstance(x, c.AlertStaff) for x in cmds)
    if state is State.FACE_CHECK:
        assert isinstance(cmds[0], c.CancelFaceCheck)
    cmds = flow.dispatch(e.Touch("resume"))
    expected = State.CARD_WAIT if state is State.CARD_ACCESS else state
    assert flow.state is expected
    if expected is State.CARD_WAIT:
        assert isinstance(cmds[-1], c.WaitForCard)
    if expected is State.FACE_CHECK:
        assert isinstance(cmds[-1], c.StartFaceCheck)


@pytest.mark.parametrize("state", [State.CARD_READ, State.SUBMIT, State.PRINTING])
def test_staff_during_an_operation_in_flight_does_not_abandon_it(state: State) -> None:
    flow, _ = make_flow()
    advance_to(flow, state)
    cmds = flow.dispatch(e.Touch("staff"))
    assert flow.state is state and flow.view.staff_called
    assert kinds(cmds) == [c.AlertStaff]


def test_staff_after_failures_cannot_resume_only_cancel() -> None:
    flow, _ = make_flow(max_attempts=1)
    advance_to(flow, State.FACE_CHECK)
    flow.dispatch(e.FaceChecked(False, "mismatch"))
    assert flow.state is State.STAFF
    assert flow.dispatch(e.Touch("resume")) == [] and flow.state is State.STAFF
    flow.dispatch(e.Touch("cancel"))
    assert flow.state is State.RATING and not flow.session.holds_personal_data()


def test_staff_on_attract_does_nothing_and_on_staff_repeats_alert() -> None:
    flow, _ = make_flow()
    assert flow.dispatch(e.Touch("staff")) == []
    advance_to(flow, State.FORM)
    flow.dispatch(e.Touch("staff"))
    assert kinds(flow.dispatch(e.Touch("staff"))) == [c.AlertStaff]


@pytest.mark.parametrize("state", [State.CONSENT, State.CARD_WAIT, State.CARD_ACCESS, State.FACE_CHECK,
                                   State.FORM, State.REVIEW])
def test_cancel_wipes_from_input_states(state: State) -> None:
    flow, _ = make_flow()
    advance_to(flow, state)
    cmds = flow.dispatch(e.Touch("cancel" if state is not State.CONSENT else "decline"))
    # after a real step (the card was read) the case is rated first
    assert flow.state is (State.RATING if state in REAL_STEP_STATES else State.ATTRACT) and steps(cmds) == ["closed"]
    assert not flow.session.holds_personal_data()


def test_language_switches_anywhere_and_resets_after_wipe() -> None:
    flow, _ = make_flow()
    flow.dispatch(e.Touch("language", "en"))
    assert flow.view.language == "en"
    advance_to(flow, State.FORM)
    assert flow.view.language == "en", "the choice carries into the session"
    flow.dispatch(e.Touch("language", "fr"))
    assert flow.view.language == "en"
    flow.dispatch(e.Touch("cancel"))
    assert flow.state is State.RATING and flow.view.language == "en", "the rating in the applicant's language"
    flow.dispatch(e.Touch("skip"))
    assert flow.state is State.ATTRACT and flow.view.language == "zh_CN"


def test_form_problems_block_review() -> None:
    flow, _ = make_flow()
    advance_to(flow, State.FORM)
    flow.dispatch(e.Touch("form_set", ("house_number", "12a")))
    flow.dispatch(e.Touch("form_done"))
    assert flow.state is State.FORM
    assert "invalid:house_number" in flow.view.form_problems and "missing:industry_code" in flow.view.form_problems


def test_reference_data_is_asked_for_at_every_form_which_never_waits_for_a_copy_it_has() -> None:
    flow, _ = make_flow()
    cmds = advance_to(flow, State.FORM)
    assert isinstance(cmds[-1], c.LoadReferenceData)
    from drivers.registry.models import ReferenceData

    marker = ReferenceData("v", (), (), (), (), ())
    flow.dispatch(e.ReferenceLoaded(marker))
    assert flow.view.reference is marker
    flow.dispatch(e.Touch("cancel"))
    flow.dispatch(e.Touch("skip"))  # the rating screen of the cancelled case
    assert advance_to(flow, State.FORM)[-1:] == [c.LoadReferenceData()]  # a new version, if any
    assert flow.view.reference is marker  # shown meanwhile
    newer = ReferenceData("v2", (), (), (), (), ())
    flow.dispatch(e.ReferenceLoaded(newer))
    assert flow.view.reference is newer


def test_review_edit_goes_back_to_form() -> None:
    flow, _ = make_flow()
    advance_to(flow, State.REVIEW)
    flow.dispatch(e.Touch("edit"))
    assert flow.state is State.FORM and flow.session.form["trade_name"] == "张伟"


def test_events_for_other_states_are_ignored() -> None:
    flow, _ = make_flow()
    assert flow.dispatch(e.Printed("x")) == [] and flow.state is State.ATTRACT
    advance_to(flow, State.FORM)
    assert flow.dispatch(e.CardInserted(b.card_info())) == [] and flow.state is State.FORM
    assert flow.dispatch(e.Decided(b.decision())) == [] and flow.state is State.FORM


def test_a_fault_reported_while_idle_takes_the_kiosk_out_of_service() -> None:
    flow, _ = make_flow()
    cmds = flow.dispatch(e.StepFailed("face", "face_models_unavailable", True))
    assert flow.state is State.OUT_OF_SERVICE and c.AlertTechnician("face_models_unavailable") in cmds
    assert flow.dispatch(e.StepFailed("card", "card_removed", False)) == []


def test_start_waits_for_the_devices() -> None:
    clock = b.FakeClock()
    flow = Flow(T, PolicySection(), "zh_CN", clock)
    assert not flow.view.ready and flow.dispatch(e.Touch("start")) == [] and flow.state is State.ATTRACT
    flow.dispatch(e.DevicesReady())
    assert flow.view.ready and flow.dispatch(e.Touch("start")) and flow.state is State.CONSENT
    assert flow.view.ready, "readiness survives state changes"


def test_a_failed_start_up_goes_out_of_service_and_a_healthy_probe_brings_it_back() -> None:
    clock = b.FakeClock()
    flow = Flow(T, PolicySection(), "zh_CN", clock)
    flow.dispatch(e.StepFailed("startup", "camera_lost", True))
    assert flow.state is State.OUT_OF_SERVICE and flow.view.fault == "camera_lost"
    flow.dispatch(e.DevicesProbed(True))
    assert flow.state is State.ATTRACT and flow.view.ready


@pytest.mark.parametrize("code", ["portrait_unreadable", "portrait_no_face"])
def test_a_chip_portrait_the_kiosk_cannot_use_goes_to_staff_not_retry(code: str) -> None:
    """The portrait reads the same every time: a retry cannot help, staff checks the document."""
    flow, _ = make_flow()
    advance_to(flow, State.CARD_READ)
    cmds = flow.dispatch(e.StepFailed("card", code, False))
    assert flow.state is State.STAFF and flow.view.error == code
    assert steps(cmds) == ["staff"] and c.AlertStaff(code) in cmds
    assert flow.dispatch(e.Touch("resume")) == [] and flow.state is State.STAFF


def test_a_card_read_arriving_after_its_state_was_left_is_wiped_and_ignored() -> None:
    flow, clock = make_flow()
    advance_to(flow, State.CARD_READ)
    clock.advance(T.card_read + 0.1)
    flow.dispatch(e.Tick())
    assert flow.state is State.OUT_OF_SERVICE
    late = b.identity()
    assert flow.dispatch(e.CardRead(late, object())) == [] and flow.state is State.OUT_OF_SERVICE
    assert set(late.portrait) <= {0} and late.name_national == "" and flow.session.identity is None


def test_the_face_check_command_carries_the_reference() -> None:
    """The runner's worker gets what it needs in the command and never reads the session."""
    flow, _ = make_flow()
    advance_to(flow, State.CARD_READ)
    reference = object()
    cmds = flow.dispatch(e.CardRead(b.identity(), reference))
    assert cmds[-1] == c.StartFaceCheck(reference) and repr(reference) not in repr(cmds[-1])
    flow.dispatch(e.Touch("staff"))
    assert flow.dispatch(e.Touch("resume"))[-1] == c.StartFaceCheck(reference), "resuming checks again"


# Only ASCII counts as a digit or a letter: str.isdigit/isalnum and \d also take full-width,
# Arabic-Indic and other scripts' digits, upper() turns 'ſ' and 'ı' into ASCII, and '$' matches
# before a trailing newline.
NOT_ASCII_DIGITS = ["１２３４５６", "١٢٣٤٥٦", "۱۲۳۴۵۶", "12345６", "123456\n", "\n123456"]


@pytest.mark.parametrize("bad", NOT_ASCII_DIGITS)
def test_a_can_is_six_ascii_digits(bad: str) -> None:
    flow, _ = make_flow()
    advance_to(flow, State.CARD_ACCESS)
    assert flow.dispatch(e.Touch("submit_key", bad)) == []
    assert flow.state is State.CARD_ACCESS and flow.view.error == "can_format"


@pytest.mark.parametrize("key", [
    ("E１２３４５６７", "900307", "350101"), ("١٢٣٤٥", "900307", "350101"), ("ſ1234567", "900307", "350101"),
    ("ı1234567", "900307", "350101"), ("E12345678\n", "900307", "350101"), ("E1234567", "900307\n", "350101"),
    ("E1234567", "９００３０７", "350101"), ("E1234567", "900307", "٣٥٠١٠١"), ("E1234-567", "900307", "350101"),
])
def test_mrz_data_is_ascii(key: tuple[str, str, str]) -> None:
    flow, _ = make_flow()
    advance_to(flow, State.CARD_ACCESS)
    flow.dispatch(e.Touch("key_mode", "mrz"))
    assert flow.dispatch(e.Touch("submit_key", key)) == [] and flow.view.error == "mrz_format"


@pytest.mark.parametrize("outcome", ["approved", "manual_review"])
def test_a_decision_about_to_print_is_an_operation_in_flight(outcome: str) -> None:
    """The authority has issued: neither the staff button nor the technicians' gesture may leave
    the licence (or referral) unprinted. Before, STAFF's idle timeout then wiped it unprinted."""
    flow, clock = make_flow()
    advance_to(flow, State.SUBMIT)
    flow.dispatch(e.Decided(b.decision(outcome)))
    assert flow.dispatch(e.Touch("staff")) == [c.AlertStaff("requested")]
    assert flow.state is State.DECISION and flow.view.staff_called
    assert flow.dispatch(e.Touch("diag_gesture")) == [] and flow.state is State.DECISION
    clock.advance(T.decision_auto_advance + 0.1)
    cmds = flow.dispatch(e.Tick())
    assert flow.state is State.PRINTING and isinstance(cmds[-1], c.PrintLicence | c.PrintReferral)


def test_a_rejection_is_an_input_state_where_staff_can_come() -> None:
    flow, _ = make_flow()
    advance_to(flow, State.SUBMIT)
    flow.dispatch(e.Decided(b.decision("rejected")))
    flow.dispatch(e.Touch("staff"))
    assert flow.state is State.STAFF


def test_the_transition_history_does_not_grow_for_months() -> None:
    flow, _ = make_flow()
    for _ in range(1000):
        flow.dispatch(e.Touch("start"))
        flow.dispatch(e.Touch("decline"))
    assert flow.state is State.ATTRACT
    assert len(flow.history) <= 100 and flow.history[-1] == (State.CONSENT, State.ATTRACT, "decline")


@pytest.mark.parametrize("code", ["printer_layout_error", "printer_job_error"])
def test_a_print_job_problem_that_is_no_device_fault_calls_staff_and_keeps_the_kiosk_in_service(code: str) -> None:
    """E.g. the font lacks a rare character of the applicant's name: the printer is fine, the next
    applicant can be served; this one needs staff (the print journal keeps the job for a reprint)."""
    flow, _ = make_flow()
    advance_to(flow, State.PRINTING)
    cmds = flow.dispatch(e.StepFailed("print", code, False))
    assert flow.state is State.STAFF and flow.view.error == code
    assert c.AlertStaff(code) in cmds and steps(cmds) == ["staff"]
    assert not any(isinstance(x, c.AlertTechnician) for x in cmds)
    flow.dispatch(e.Touch("cancel"))
    assert flow.state is State.RATING and not flow.session.holds_personal_data()
