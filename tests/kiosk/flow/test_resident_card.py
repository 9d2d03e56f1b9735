"""The identity step with a resident ID card: no access number, refusals with their reason, staff
where the card needs a person's eyes, "you may take your card", and readers that go down."""

from __future__ import annotations

import pytest

from drivers.registry.models import Division, ReferenceData
from kiosk.flow import commands as c
from kiosk.flow import events as e
from kiosk.flow.machine import Flow
from kiosk.flow.states import State
from kiosk.settings import PolicySection, TimeoutSection
from tests.kiosk.flow import builders as b

DOCUMENTS = ("resident_card", "passport")


def make_flow() -> Flow:
    flow = Flow(TimeoutSection(), PolicySection(), "zh_CN", b.FakeClock(), documents=DOCUMENTS)
    flow.dispatch(e.DevicesReady())
    flow.dispatch(e.Touch("start"))
    flow.dispatch(e.Touch("accept"))
    assert flow.state is State.CARD_WAIT
    return flow


def read(flow: Flow, identity: object = None, **event: object) -> list[object]:
    cmds = flow.dispatch(e.CardInserted(b.sam_card_info()))
    assert flow.state is State.CARD_READ, "no access-number screen for a resident ID card"
    assert cmds == [c.CancelCardWait(), c.ReadCard(None)]
    return flow.dispatch(e.CardRead(identity or b.resident_identity(), object(), **event))  # type: ignore[arg-type]


def test_a_resident_card_is_read_without_an_access_number_and_goes_to_the_face_check() -> None:
    flow = make_flow()
    cmds = read(flow, removal_tracked=True)
    assert flow.state is State.FACE_CHECK
    assert [type(x) for x in cmds] == [c.Record, c.WatchCardRemoval, c.StartFaceCheck]
    assert flow.view.take_card, "read: the applicant may take the card now"
    flow.dispatch(e.CardLifted())
    assert not flow.view.take_card and not flow.take_card


def test_an_icao_chip_still_asks_for_its_access_number() -> None:
    flow = make_flow()
    flow.dispatch(e.CardInserted(b.card_info()))
    assert flow.state is State.CARD_ACCESS and flow.view.key_mode == "can"


@pytest.mark.parametrize("code", ["resident_card_expired", "document_expired"])
def test_an_expired_document_is_refused_with_its_reason_and_another_may_be_placed(code: str) -> None:
    flow = make_flow()
    flow.dispatch(e.CardInserted(b.sam_card_info()))
    cmds = flow.dispatch(e.StepFailed("card", code, False))
    assert flow.state is State.RETRY and flow.view.error == code and flow.view.retry_step == "card"
    assert c.Record(flow.session.txn_id, "card_failed", code) in cmds
    assert isinstance(flow.dispatch(e.Touch("retry"))[-1], c.WaitForCard) and flow.state is State.CARD_WAIT


@pytest.mark.parametrize("code", ["resident_read_failed", "resident_select_failed", "resident_unknown_card_type",
                                  "card_removed", "resident_link_reset", "resident_status_error"])
def test_a_card_that_cannot_be_read_gets_its_message_and_a_retry(code: str) -> None:
    flow = make_flow()
    flow.dispatch(e.CardInserted(b.sam_card_info()))
    flow.dispatch(e.StepFailed("card", code, False))
    assert flow.state is State.RETRY and flow.view.error == code


@pytest.mark.parametrize("code", ["resident_photo_unavailable", "resident_data_invalid", "reader_failed"])
def test_what_a_retry_cannot_fix_goes_to_staff(code: str) -> None:
    flow = make_flow()
    flow.dispatch(e.CardInserted(b.sam_card_info()))
    cmds = flow.dispatch(e.StepFailed("card", code, False))
    assert flow.state is State.STAFF and flow.view.error == code and c.AlertStaff(code) in cmds


def test_a_reader_fault_during_the_read_takes_the_kiosk_out_of_service() -> None:
    flow = make_flow()
    flow.dispatch(e.CardInserted(b.sam_card_info()))
    flow.dispatch(e.StepFailed("card", "resident_no_reply", True))
    assert flow.state is State.OUT_OF_SERVICE and flow.view.fault == "resident_no_reply"


def test_a_name_the_kiosk_cannot_pass_on_goes_to_staff_and_the_card_data_is_wiped() -> None:
    flow = make_flow()
    identity = b.resident_identity(warnings=("name_private_use",))
    cmds = read(flow, identity, name_check="staff", removal_tracked=True)
    assert flow.state is State.STAFF and flow.view.error == "name_needs_staff"
    assert identity.name_national == "" and flow.session.identity is None
    assert c.WatchCardRemoval() in cmds and flow.view.take_card, "staff see the card: it is taken off"


def test_a_name_to_confirm_is_pointed_out_on_the_review_screen() -> None:
    flow = make_flow()
    read(flow, b.resident_identity(warnings=("name_field_full",)), name_check="confirm")
    flow.dispatch(e.FaceChecked(True, "match"))
    for key, value in b.COMPLETE_FORM.items():
        flow.dispatch(e.Touch("form_set", (key, value)))
    flow.dispatch(e.Touch("form_done"))
    assert flow.state is State.REVIEW and flow.view.confirm_name


def test_a_plain_name_is_not_pointed_out() -> None:
    flow = make_flow()
    read(flow)
    flow.dispatch(e.FaceChecked(True, "match"))
    for key, value in b.COMPLETE_FORM.items():
        flow.dispatch(e.Touch("form_set", (key, value)))
    flow.dispatch(e.Touch("form_done"))
    assert flow.state is State.REVIEW and not flow.view.confirm_name


def test_a_document_without_a_number_the_registration_takes_goes_to_staff() -> None:
    flow = make_flow()
    flow.dispatch(e.CardInserted(b.card_info()))
    flow.dispatch(e.Touch("submit_key", "123456"))
    foreign_passport = b.identity()
    foreign_passport.personal_number = None
    flow.dispatch(e.CardRead(foreign_passport, object()))
    assert flow.state is State.STAFF and flow.view.error == "document_not_accepted"


@pytest.mark.parametrize(("kind", "number", "expected"), [
    ("resident", "110105198503121234", "resident_id"),
    ("hmt_residence", "810000199001011514", "hmt_residence_permit"),
    ("foreign_permanent_2017", "USA110085031201", "foreign_permanent_residence"),
    ("foreign_permanent_2023", "91184019900704012X", "foreign_permanent_residence"),
])
def test_the_application_carries_the_document_kind_and_number(kind: str, number: str, expected: str) -> None:
    flow = make_flow()
    read(flow, b.resident_identity(kind, number=number))
    flow.dispatch(e.FaceChecked(True, "match"))
    for key, value in b.COMPLETE_FORM.items():
        flow.dispatch(e.Touch("form_set", (key, value)))
    flow.dispatch(e.Touch("form_done"))
    submit = flow.dispatch(e.Touch("confirm"))[-1]
    assert isinstance(submit, c.Submit)
    app = submit.application
    assert (app.operator_id_type, app.operator_id_number, app.operator_name) == (expected, number, "张伟")


def test_the_district_of_the_card_address_is_picked_in_advance() -> None:
    flow = make_flow()
    read(flow, b.resident_identity(address="广东省深圳市南山区南山大道1001号"))
    flow.dispatch(e.FaceChecked(True, "match"))
    ref = ReferenceData("t", (), ("店",), (), (Division("440305", "深圳市南山区", "Nanshan"),
                                              Division("440304", "深圳市福田区", "Futian")), ())
    flow.dispatch(e.ReferenceLoaded(ref))
    assert flow.session.form["division_code"] == "440305"
    flow2 = make_flow()
    read(flow2)  # 北京市朝阳区: not on this form
    flow2.dispatch(e.FaceChecked(True, "match"))
    flow2.dispatch(e.ReferenceLoaded(ref))
    assert "division_code" not in flow2.session.form


def test_the_card_left_on_the_reader_is_mentioned_until_it_is_lifted_and_no_longer_watched_when_idle() -> None:
    flow = make_flow()
    read(flow, removal_tracked=True)
    cmds = flow.dispatch(e.Touch("cancel"))
    # a case with a real step is rated before the attract screen; the card is forgotten either way
    assert flow.state is State.RATING and c.CancelCardWatch() in cmds and not flow.view.take_card


def test_a_face_retry_keeps_watching_the_card_it_read() -> None:
    flow = make_flow()
    flow.dispatch(e.CardInserted(b.sam_card_info()))
    flow.dispatch(e.CardRead(b.resident_identity(), object(), removal_tracked=True))
    flow.dispatch(e.FaceChecked(False, "mismatch"))
    assert flow.state is State.RETRY and flow.view.take_card
    cmds = flow.dispatch(e.Touch("retry"))
    assert flow.state is State.FACE_CHECK and c.CancelCardWatch() not in cmds  # the face again, same card


def test_a_reader_going_down_changes_the_documents_shown_and_alerts_the_technician() -> None:
    flow = make_flow()
    cmds = flow.dispatch(e.ReadersChanged(("resident_card",), "reader_unavailable"))
    assert cmds == [c.AlertTechnician("reader_unavailable")]
    assert flow.view.documents == ("resident_card",) and flow.view.documents_down == ("passport",)
    assert flow.state is State.CARD_WAIT, "the kiosk still serves with the reader that works"
    flow.dispatch(e.Touch("cancel"))
    assert flow.view.documents_down == ("passport",), "kept across screens"
    assert flow.dispatch(e.ReadersChanged(DOCUMENTS)) == []
    assert flow.view.documents == DOCUMENTS and flow.view.documents_down == ()
