"""Configuration of the ID reader: which device, with which options (validated by kiosk.settings
against these frozen dataclasses), and the factories that build it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from drivers.idcard import resident_id
from drivers.idcard.base import IdReader
from drivers.idcard.holder import DEMO_BIRTH_YYMMDD, DEMO_PERSONAL_NUMBER, Holder


@dataclass(frozen=True)
class VirtualReaderOptions:
    """A simulated reader with a virtual chip (embedded demo, tests)."""

    variant: str = "pace"  # see drivers.idcard.sim.chip_variants.VARIANTS
    can: str = "123456"
    insert_after_s: float = 1.0  # card appears this long after wait_for_card starts (<0: never)
    portrait: str = ""  # image file; empty => generated placeholder (JPEG 2000, ~20 KB);
    # "camera" => the simulated camera's applicant, handed over in memory by the kiosk's device wiring
    pull_after: int = 0  # card leaves after N APDUs (0 = never)
    reader_name: str = "Virtual eMRTD reader"
    trust_store: str = ""  # empty => <var_dir>/test-pki/trust
    stale_crl: str = "warn"  # a CRL past its next update: "warn" or "refuse" (Passive Authentication fails)
    unproven_chip: str = "refuse"  # a chip with neither Chip nor Active Authentication: "refuse" or "accept"
    document_number: str = "E90000001"
    surname: str = "ZHANG"
    given_names: str = "WEI"
    name_national: str = "张伟"
    personal_number: str = DEMO_PERSONAL_NUMBER  # GB 11643 valid; birth date and sex must agree with it
    birth_date: str = DEMO_BIRTH_YYMMDD
    sex: str = "M"
    nationality: str = "CHN"
    expiry_date: str = "360630"
    address: str = "北京市朝阳区建国路88号"

    def __repr__(self) -> str:
        return f"VirtualReaderOptions(variant={self.variant!r}, <holder redacted>)"

    def holder(self) -> Holder:
        return Holder(document_number=self.document_number, surname=self.surname,
                      given_names=self.given_names, name_national=self.name_national,
                      nationality=self.nationality, birth_date=self.birth_date, sex=self.sex,
                      expiry_date=self.expiry_date, personal_number=self.personal_number,
                      address=self.address)


@dataclass(frozen=True)
class PcscReaderOptions:
    """A real PC/SC reader (through pcscd)."""

    reader: str = ""  # substring of the reader name; empty => first reader that has a card
    trust_store: str = ""  # CSCA directory (PEM/DER/CRL/master lists); empty => <var_dir>/trust
    extended_length: bool = True  # set False for readers that mangle extended APDUs
    exclusive: bool = True
    poll_interval_s: float = 0.25
    stale_crl: str = "warn"  # a CRL past its next update: "warn" or "refuse" (Passive Authentication fails)
    unproven_chip: str = "refuse"  # a chip with neither Chip nor Active Authentication: "refuse" or "accept"
    master_list_signers: str = ""  # trust anchors for master-list signatures (diag trust-store --import)


def _validate_holder(o: VirtualReaderOptions) -> None:
    if not resident_id.is_valid(o.personal_number):
        raise ValueError("personal_number is not a valid GB 11643 resident ID number")
    if resident_id.birth_date(o.personal_number).strftime("%y%m%d") != o.birth_date:
        raise ValueError("birth_date does not match the resident ID number")
    if resident_id.is_male(o.personal_number) != (o.sex == "M"):
        raise ValueError("sex does not match the resident ID number")
    if dt.datetime.strptime(o.expiry_date, "%y%m%d").date() <= dt.date.today():
        raise ValueError("expiry_date must lie in the future")
    if not (o.can.isdigit() and len(o.can) == 6):
        raise ValueError("can must be 6 digits")


def create_virtual(options: VirtualReaderOptions, var_dir: Path, portrait_data: bytes | None = None) -> IdReader:
    """``portrait_data`` (encoded image bytes) overrides ``options.portrait``: the demo chip then
    carries the face the simulated camera shows, without a face image ever touching the disk."""
    from drivers.idcard import clone_check, trust_store
    from drivers.idcard.sim import chip_variants, test_pki
    from drivers.idcard.sim.virtual_reader import VirtualIdReader

    if options.variant not in chip_variants.VARIANTS:
        raise ValueError(f"unknown variant {options.variant!r}")
    _validate_holder(options)
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
