"""The runner enrols the document photo as the kind of reference the document carries, so the
face check later decides at that kind's threshold."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from drivers.idcard.base import ChipIdentity
from drivers.residentid.identity import ResidentIdentity
from kiosk.face.reference_kind import ReferenceKind
from tests.kiosk import runner_fakes as f
from tests.kiosk.flow import builders as b


def resident_card() -> ResidentIdentity:
    chip = b.identity()
    return ResidentIdentity(**{x.name: getattr(chip, x.name) for x in dataclasses.fields(ChipIdentity)})


@pytest.mark.parametrize(("make", "kind"), [(b.identity, ReferenceKind.ICAO_DG2),
                                            (resident_card, ReferenceKind.RESIDENT_CARD)])
def test_the_enrolment_gets_the_reference_kind_of_the_document_read(tmp_path: Path, make, kind) -> None:
    devs = f.devices()
    devs.reader.make_identity = make
    r = f.runner(tmp_path, devs)
    try:
        f.to_card_read(r)
        f.pump_until(r, lambda: devs.face.kinds, what="the portrait enrolled")
        assert devs.face.kinds == [kind]
    finally:
        r.shutdown()
