"""What a resident ID read hands to the kiosk: a ``ChipIdentity`` with the card's own fields.

``ResidentIdentity`` is a ``drivers.idcard.base.ChipIdentity``, so the kiosk's session, form
prefill, face enrolment and wipe work on it unchanged:

* ``name_national``: the Chinese name; ``surname``: the English name of a foreign permanent
  resident (the card does not split it into surname and given names), else empty;
* ``personal_number`` and ``document_number``: the card's number (18 digits; 15 characters on
  a 2017 foreigner card);
* ``expiry_date``: the last valid day, ``date.max`` for 长期;
* ``portrait``: the decoded photo as a BMP (``portrait_format`` "bmp"), empty when
  ``photo.status`` is not ``decoded``;
* ``authenticity``: verified by the SAM's mutual authentication with the card (a card that
  fails it never gets this far: status 31/32/33 is ``card_not_authentic``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from drivers.idcard.base import ChipIdentity, PassiveAuthResult, ReadStats
from drivers.residentid import codes
from drivers.residentid.photo import PhotoOutcome
from drivers.residentid.text_block import CardKind, TextFields
from drivers.residentid.validation import hmt_region

ACCESS_PROTOCOL = "SAM (GA/T 467)"
SAM_VERIFIED = PassiveAuthResult(verified=True, detail="card and SAM authenticated each other (GA/T 467)")


@dataclass(eq=False)
class ResidentIdentity(ChipIdentity):
    card_kind: CardKind = CardKind.RESIDENT
    nation_code: str | None = None  # GB/T 3304
    issuing_authority: str = ""
    valid_from: dt.date = dt.date.min
    valid_to: dt.date | None = None  # None: 长期
    english_name: str = ""
    address_on_card: str = ""  # ``address`` is the appended (newer) one when the card has it
    pass_number: str = ""
    issue_count: str = ""
    card_version: str = ""
    renewal_count: str = ""
    previous_number_link: str = ""
    region: str = ""  # HK / MO / TW for a residence permit
    photo: PhotoOutcome = field(default_factory=lambda: PhotoOutcome("no_decoder"))
    wlt_photo: bytearray = field(default_factory=bytearray)  # the card's encoded photo
    fingerprints: bytearray = field(default_factory=bytearray)
    warnings: tuple[str, ...] = ()  # text_block.W_* codes (e.g. a name staff should confirm)
    sam_id: str = ""

    def __repr__(self) -> str:
        return f"ResidentIdentity(<redacted>, kind={self.card_kind.value}, photo={self.photo.status})"

    @property
    def long_term(self) -> bool:
        return self.valid_to is None

    @property
    def sex_name(self) -> codes.Name | None:
        return codes.sex({"M": "1", "F": "2"}.get(self.sex, "9"))

    @property
    def nation(self) -> codes.Name | None:
        return codes.nation(self.nation_code) if self.nation_code else None

    def age_on(self, day: dt.date) -> int:
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))

    def wipe(self) -> None:
        for buf in (self.wlt_photo, self.fingerprints, self.photo.image):
            buf[:] = bytes(len(buf))
        self.wlt_photo, self.fingerprints = bytearray(), bytearray()
        self.photo.image = bytearray()
        super().wipe()
        for name in ("issuing_authority", "english_name", "address_on_card", "pass_number",
                     "issue_count", "previous_number_link"):
            setattr(self, name, "")
        self.nation_code = None
        self.valid_from, self.valid_to = dt.date.min, None


def build(fields: TextFields, new_address: str | None, photo: PhotoOutcome, wlt: bytearray,
          fingerprints: bytearray, stats: ReadStats, sam_id: str = "") -> ResidentIdentity:
    foreign = fields.kind in (CardKind.FOREIGN_PERMANENT_2017, CardKind.FOREIGN_PERMANENT_2023)
    address = new_address or fields.address or ""
    return ResidentIdentity(
        document_type=fields.kind.value,
        issuing_state="CHN",
        document_number=fields.number,
        surname=fields.name_en or "",
        given_names="",
        nationality=(fields.nationality or "") if foreign else "CHN",
        birth_date=fields.birth,
        sex=codes.SEX_ICAO.get(fields.sex, "X"),
        expiry_date=fields.valid_to or dt.date.max,
        portrait=photo.image if photo.usable else bytearray(),
        portrait_format="bmp" if photo.usable else "",
        authenticity=SAM_VERIFIED,
        access_protocol=ACCESS_PROTOCOL,
        name_national=fields.name_zh,
        personal_number=fields.number,
        address=address or None,
        stats=stats,
        card_kind=fields.kind,
        nation_code=fields.nation,
        issuing_authority=fields.authority or "",
        valid_from=fields.valid_from,
        valid_to=fields.valid_to,
        english_name=fields.name_en or "",
        address_on_card=fields.address or "",
        pass_number=fields.pass_number or "",
        issue_count=fields.issue_count or "",
        card_version=fields.card_version or "",
        renewal_count=fields.renewal_count or "",
        previous_number_link=fields.previous_number_link or "",
        region=(hmt_region(fields.number) or "") if fields.kind is CardKind.HMT_RESIDENCE else "",
        photo=photo,
        wlt_photo=wlt,
        fingerprints=fingerprints,
        warnings=fields.warnings,
        sam_id=sam_id,
    )
