"""Where the face check's reference photo comes from when the document's own cannot be used.

A resident ID card's photo is WLT, which only the reader vendor's licensed library decodes; a
kiosk without that library (or a card whose photo fails to decode) has no photo to compare the
live face with. The national registration systems answer this with an online real-person check
(the ID number, the name and a live capture checked against the public-security photo). This
kiosk keeps that service behind ``PhotoFallback`` and ships one implementation, ``StaffCheck``:
the applicant goes to a member of staff, who compares them with the document. The face check
never runs against an empty reference, so it can never pass without one.
"""

from __future__ import annotations

from typing import Protocol

from drivers.idcard.base import ChipIdentity
from drivers.residentid.errors import ResidentPhotoUnavailable
from kiosk.face.errors import PortraitUnreadable


class PhotoFallback(Protocol):
    name: str

    def reference_photo(self, identity: ChipIdentity) -> bytes:
        """An encoded image (JPEG, PNG or BMP) of the document's holder to check the live face
        against. Raises a DeviceError whose code routes the applicant when there is none."""
        ...


class StaffCheck:
    """No online service: a person checks the applicant against the document."""

    name = "staff"

    def reference_photo(self, identity: ChipIdentity) -> bytes:
        photo = getattr(identity, "photo", None)  # a resident ID card says why it has no photo
        if photo is not None:
            raise ResidentPhotoUnavailable(f"card photo {photo.status}; staff compare the applicant with the card",
                                           reason=photo.status)
        raise PortraitUnreadable("the document has no portrait; staff compare the applicant with it")
