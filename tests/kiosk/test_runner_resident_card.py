"""A resident ID card through the real runner and the production reader on a pty: no access-number
screen, and without the vendor's photo decoder the applicant goes to staff, never to a face check."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.residentid import factory
from drivers.residentid.sim import cards
from drivers.residentid.sim.pty_reader import VirtualResidentReader
from kiosk.flow.states import State
from kiosk.services.readers import Member, ReaderGroup
from tests.kiosk import runner_fakes as f


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[VirtualResidentReader]:
    with VirtualResidentReader(tmp_path) as reader:
        yield reader


def resident_devices(sim: VirtualResidentReader, **options: object) -> f.Devices:
    """The fakes, with a production resident ID reader (no WLT decoder configured) on ``sim``."""
    reader = factory.create(factory.ResidentReaderOptions(port=sim.path, **options))  # type: ignore[arg-type]
    fakes = f.devices()
    group = ReaderGroup([Member(reader, "resident_id", "resident_card")])
    return dataclasses.replace(fakes, reader=group, reader_group=group)


@pytest.mark.parametrize("photo_required", [True, False])
def test_no_photo_decoder_sends_the_applicant_to_staff(tmp_path: Path, sim: VirtualResidentReader,
                                                       photo_required: bool) -> None:
    """Whether the reader refuses a card without a decoded photo itself (photo_required) or hands
    it over without one, the face check never runs against no reference."""
    devs = resident_devices(sim, photo_required=photo_required)
    r = f.runner(tmp_path, devs)
    r.start()
    try:
        f.pump_until(r, lambda: r.flow.view.ready, what="devices up")
        r.touch("start")
        r.touch("accept")
        f.pump_until(r, lambda: r.flow.state is State.CARD_WAIT, what="card screen")
        sim.place_card(cards.make("resident"))
        f.pump_until(r, lambda: r.flow.state not in (State.CARD_WAIT, State.CARD_READ), what="read done")
        seen = [to for _, to, _ in r.flow.history]
        assert State.CARD_ACCESS not in seen, "a resident ID card needs no access number"
        assert r.flow.state is State.STAFF and r.flow.view.error == "resident_photo_unavailable"
        assert State.FACE_CHECK not in seen and devs.face.references == []
        assert ("staff", "resident_photo_unavailable") in r.alerts
        assert not r.flow.session.holds_personal_data()
    finally:
        r.shutdown()
