"""What kind of document photo a face reference was enrolled from.

The matcher's threshold depends on it (``FaceOptions.threshold_for``): a resident card's
102 x 126 photo, compressed into 1 KB, moves genuine and impostor distances differently from a
full-size ICAO portrait, and is calibrated on its own (config/face-card-photo-report.md). The
enrolment takes the kind from the identity that was read, so the flow never sees a threshold.
"""

from __future__ import annotations

from enum import Enum

from drivers.idcard.base import ChipIdentity


class ReferenceKind(str, Enum):
    ICAO_DG2 = "icao_dg2"  # passport/ID chip portrait (DG2): JPEG or JPEG 2000, typically 15-45 KB
    RESIDENT_CARD = "resident_card"  # GA/T 467 card photo: 102 x 126, 1 KB of WLT


def kind_of(identity: ChipIdentity) -> ReferenceKind:
    """Every card read through a GA/T 467 reader (resident ID, foreign permanent resident card,
    HK/Macao/Taiwan residence permit) carries the same 102 x 126 WLT photo."""
    from drivers.residentid.identity import ResidentIdentity

    if isinstance(identity, ResidentIdentity):
        return ReferenceKind.RESIDENT_CARD
    return ReferenceKind.ICAO_DG2
