"""An ICAO document past its expiry date is refused with that reason; a resident ID card's own
reader has applied its configured policy already."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from kiosk.services import document_validity
from kiosk.services.document_validity import DocumentExpired
from tests.kiosk.flow import builders as b


def test_a_passport_valid_through_today_passes_and_one_a_day_past_it_is_refused() -> None:
    chip = b.identity()
    document_validity.check(chip, chip.expiry_date)  # valid through its last day
    with pytest.raises(DocumentExpired) as info:
        document_validity.check(chip, chip.expiry_date + dt.timedelta(days=1))
    assert (info.value.code, info.value.fault) == ("document_expired", False)


def test_a_resident_card_is_left_to_its_readers_policy() -> None:
    """``expired_policy = "accept"`` hands an expired card over: the kiosk does not refuse it again."""
    card = dataclasses.replace(b.resident_identity(), valid_to=dt.date(2020, 1, 1), expiry_date=dt.date(2020, 1, 1))
    document_validity.check(card, dt.date(2026, 1, 1))
