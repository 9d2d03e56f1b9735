"""Configuration of the ID reader: which device, with which options (validated by kiosk.settings
against these frozen dataclasses), and the factories that build it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field
from pydantic.dataclasses import dataclass

from drivers.idcard import resident_id
from drivers.idcard.base import IdReader
from drivers.idcard.holder import DEMO_BIRTH_YYMMDD, DEMO_PERSONAL_NUMBER, Holder
from drivers.option_fields import STRICT, OptionError, Text, rule

Variant = Literal[  # drivers/idcard/sim/chip_variants.py VARIANTS, kept in step by a test
    "pace", "bac", "no_aa", "cloned", "pace_only", "pace_nist_p256", "pace_p384_aes192", "pace_bp384_aes256",
    "pace_3des", "pace_unsupported", "no_extended", "plain_atr", "atr_info", "plain_atr_short",
    "plain_atr_short_drop", "small_le", "small_le_6c", "dg2_large", "dg2_large_extended", "tampered_dg",
    "revoked_signer", "expired_signer", "unknown_csca", "explicit_csca", "link_csca", "ca_only", "ca_cloned",
    "ca_3des", "ca_p384_aes256", "ca_dh", "ca_dh_3des", "ca_and_aa", "pulled", "blocked", "lockout",
]
MrzName = Annotated[str, rule(lambda s: bool(s) and all(c == " " or "A" <= c <= "Z" for c in s),
                              "capital letters A-Z and spaces, as printed in the MRZ")]
YyMmDd = Annotated[str, rule(lambda s: len(s) == 6 and s.isascii() and s.isdigit(), "a date as 6 digits YYMMDD")]


@dataclass(frozen=True, config=STRICT)
class VirtualReaderOptions:
    """A simulated reader with a virtual chip (embedded demo, tests)."""

    variant: Variant = "pace"  # the chip's protocols and faults (docs/identity.md)
    # printed on the card
    can: Annotated[str, rule(lambda s: len(s) == 6 and s.isascii() and s.isdigit(), "6 digits")] = "123456"
    # the card appears this long after wait_for_card starts; negative: never
    insert_after_s: Annotated[float, Field(ge=-1, le=3600)] = 1.0
    # image file; empty => generated placeholder (JPEG 2000, ~20 KB); "camera" => the simulated
    # camera's applicant, handed over in memory by the kiosk's device wiring
    portrait: str = ""
    pull_after: Annotated[int, Field(ge=0, le=1_000_000)] = 0  # card leaves after N APDUs (0 = never)
    reader_name: Text = "Virtual eMRTD reader"
    trust_store: str = ""  # empty => <var_dir>/test-pki/trust
    stale_crl: Literal["warn", "refuse"] = "warn"  # a CRL past its next update fails Passive Authentication on "refuse"
    unproven_chip: Literal["refuse", "accept"] = "refuse"  # a chip with neither Chip nor Active Authentication
    document_number: Annotated[str, rule(lambda s: 1 <= len(s) <= 9 and s.isascii() and s.isalnum() and s.isupper(),
                                         "1 to 9 capital letters and digits")] = "E90000001"
    surname: MrzName = "ZHANG"
    given_names: MrzName = "WEI"
    name_national: Text = "张伟"
    personal_number: str = DEMO_PERSONAL_NUMBER  # GB 11643 valid; birth date and sex must agree with it
    birth_date: YyMmDd = DEMO_BIRTH_YYMMDD
    sex: Literal["M", "F"] = "M"
    nationality: Annotated[str, rule(lambda s: len(s) == 3 and s.isascii() and s.isalpha() and s.isupper(),
                                     "a 3-letter ICAO country code such as CHN")] = "CHN"
    expiry_date: YyMmDd = "360630"
    address: Text = "北京市朝阳区建国路88号"

    def __post_init__(self) -> None:
        _validate_holder(self)

    def __repr__(self) -> str:
        return f"VirtualReaderOptions(variant={self.variant!r}, <holder redacted>)"

    def holder(self) -> Holder:
        return Holder(document_number=self.document_number, surname=self.surname,
                      given_names=self.given_names, name_national=self.name_national,
                      nationality=self.nationality, birth_date=self.birth_date, sex=self.sex,
                      expiry_date=self.expiry_date, personal_number=self.personal_number,
                      address=self.address)


@dataclass(frozen=True, config=STRICT)
class PcscReaderOptions:
    """A real PC/SC reader (through pcscd)."""

    reader: str = ""  # substring of the reader name; empty => first reader that has a card
    trust_store: str = ""  # CSCA directory (PEM/DER/CRL/master lists); empty => <var_dir>/trust
    extended_length: bool = True  # set False for readers that mangle extended APDUs
    exclusive: bool = True  # no other process may talk to the card during a read
    poll_interval_s: Annotated[float, Field(gt=0, le=10)] = 0.25  # how often a card is looked for
    stale_crl: Literal["warn", "refuse"] = "warn"  # a CRL past its next update fails Passive Authentication on "refuse"
    unproven_chip: Literal["refuse", "accept"] = "refuse"  # a chip with neither Chip nor Active Authentication
    master_list_signers: str = ""  # trust anchors for master-list signatures (diag trust-store --import)


def _validate_holder(o: VirtualReaderOptions) -> None:
    """The simulated holder's data must be self-consistent, as a real document's is (messages never
    repeat the values: they are a person's data, even when made up)."""
    if not resident_id.is_valid(o.personal_number):
        raise OptionError("personal_number", "not a valid GB 11643 resident ID number")
    if resident_id.birth_date(o.personal_number).strftime("%y%m%d") != o.birth_date:
        raise OptionError("birth_date", "does not match the resident ID number")
    if resident_id.is_male(o.personal_number) != (o.sex == "M"):
        raise OptionError("sex", "does not match the resident ID number")
    try:
        expiry = dt.datetime.strptime(o.expiry_date, "%y%m%d").date()
    except ValueError:
        raise OptionError("expiry_date", "not a calendar date (YYMMDD)") from None
    if expiry <= dt.date.today():
        raise OptionError("expiry_date", "must lie in the future")


def create_virtual(options: VirtualReaderOptions, var_dir: Path, portrait_data: bytes | None = None) -> IdReader:
    """``portrait_data`` (encoded image bytes) overrides ``options.portrait``: the demo chip then
    carries the face the simulated camera shows, without a face image ever touching the disk."""
    from drivers.idcard import clone_check, trust_store
    from drivers.idcard.sim import chip_variants, test_pki
    from drivers.idcard.sim.virtual_reader import VirtualIdReader

    pki = test_pki.ensure(Path(var_dir) / "test-pki")
    trust_dir = Path(options.trust_store) if options.trust_store else pki.trust_dir
    holder = options.holder()

    def chip():
        portrait: str | bytes = portrait_data if portrait_data is not None else options.portrait
        return chip_variants.make_chip(options.variant, pki, holder, options.can, portrait, options.pull_after)

    clone_check.check_policy(options.unproven_chip)
    return VirtualIdReader(chip, trust_store.load_directory(trust_dir, options.stale_crl), options.insert_after_s,
                           options.reader_name, unproven_chip=options.unproven_chip)


def create_pcsc(options: PcscReaderOptions, var_dir: Path) -> IdReader:
    from drivers.idcard import clone_check, trust_store
    from drivers.idcard.pcsc_reader import PcscIdReader

    clone_check.check_policy(options.unproven_chip)
    trust_dir = Path(options.trust_store) if options.trust_store else Path(var_dir) / "trust"
    return PcscIdReader(options, trust_store.load_directory(trust_dir, options.stale_crl))


def create(options: VirtualReaderOptions | PcscReaderOptions, var_dir: Path) -> IdReader:
    if isinstance(options, VirtualReaderOptions):
        return create_virtual(options, var_dir)
    return create_pcsc(options, var_dir)
