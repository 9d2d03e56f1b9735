"""One chip read, as production runs it on any transport: probe, access control, secure
messaging, file reading, parsing and Passive Authentication."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
from dataclasses import dataclass

from drivers.errors import CardAccessDenied, CardReadError, CardUnsupported, DeviceError
from drivers.idcard import bac, card_access, clone_check, dg2, dg11, extended_length, lds, pace, passive_auth
from drivers.idcard.apdu import Command
from drivers.idcard.base import AccessKey, CardInfo, ChipIdentity, ProgressCallback, ReadStats
from drivers.idcard.card_access import PaceInfo
from drivers.idcard.channel import ApduChannel
from drivers.idcard.file_reader import FileNotFound, FileReader
from drivers.idcard.mrz import mrz_information, yymmdd_to_date
from drivers.idcard.transport import Transport
from drivers.idcard.trust_store import TrustStore

log = logging.getLogger(__name__)

_WEIGHTS = {"EF.COM": 0.03, "DG1": 0.05, "DG2": 0.68, "DG11": 0.04, "DG14": 0.01,
            "DG15": 0.01, "EF.SOD": 0.12}


@dataclass
class ReadReport:
    """Figures for technicians and the benchmark (no personal data)."""

    protocol: str = ""
    access_apdus: int = 0
    read_apdus: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    extended_length: bool = False
    extended_source: str = ""  # how that was decided: reader, remembered, atr, ef_atr_info, probe
    block: int = 0
    active_auth: str = ""  # algorithm used, "failed", "absent" or "skipped"
    chip_auth: str = ""  # protocol used (e.g. CA-ECDH-AES-128), "failed", "absent", ...
    files: dict[str, int] | None = None


def read_card_access(channel: ApduChannel) -> list[PaceInfo]:
    """PACEInfos from EF.CardAccess (empty when the chip has none: a BAC document).

    Selects the master file first: after an earlier session the chip may still have the
    eMRTD application selected, where EF.CardAccess does not exist. Chips without an
    addressable MF refuse the SELECT, which is harmless.
    """
    channel.send(Command(0x00, 0xA4, 0x00, 0x0C, b"\x3f\x00"))
    try:
        raw = FileReader(channel, extended=False).read(lds.CARD_ACCESS)
    except FileNotFound:
        return []
    except CardReadError as exc:
        log.info("EF.CardAccess unreadable (%s): treating the chip as BAC-only", exc.detail)
        return []
    return card_access.parse_card_access(raw)


def probe(transport: Transport, reader: str) -> CardInfo:
    infos = read_card_access(ApduChannel(transport))
    protocols = ("PACE", "BAC") if any(i.supported for i in infos) else ("BAC",)
    return CardInfo(reader, transport.atr, protocols)


def _check_key(key: AccessKey) -> None:
    """A malformed key cannot open any chip: say so before talking to the card."""
    if key.can is not None:
        if not (key.can.isascii() and key.can.isdigit() and 4 <= len(key.can) <= 10):
            raise CardAccessDenied("CAN must be digits")
        return
    try:
        mrz_information(key.document_number or "", key.birth_date or "", key.expiry_date or "")
    except ValueError as exc:
        raise CardAccessDenied(f"MRZ access key malformed: {exc}") from exc
    if not key.document_number:
        raise CardAccessDenied("MRZ access key lacks the document number")


class _ChipAuthLost(Exception):
    """Secure messaging broke on the first command under the Chip Authentication keys."""


class ChipSession:
    def __init__(self, transport: Transport, trust: TrustStore,
                 use_extended: bool = True, unproven_chip: str = "refuse") -> None:
        self.transport = transport
        self.trust = trust
        self.use_extended = use_extended
        self.unproven_chip = clone_check.check_policy(unproven_chip)
        self.report = ReadReport()

    def read(self, key: AccessKey, progress: ProgressCallback | None = None,
             now: dt.datetime | None = None) -> ChipIdentity:
        _check_key(key)
        try:
            return self._read(key, progress, now)
        except DeviceError:
            raise
        except Exception as exc:  # the chip is untrusted input: nothing else may escape
            log.warning("chip read failed on unexpected %s", type(exc).__name__, exc_info=True)
            raise CardReadError(f"unexpected {type(exc).__name__} while reading the chip") \
                from exc

    # --- access control ---------------------------------------------------------------------
    def _access(self, channel: ApduChannel, key: AccessKey, infos: list[PaceInfo]) -> str:
        supported = [i for i in infos if i.supported]
        if supported:
            info = supported[0]
            try:
                channel.sm = pace.authenticate(channel, info, key)
            except CardUnsupported:
                if key.can:
                    raise
                log.info("PACE unsupported by this chip: falling back to BAC")
            else:
                resp = channel.exchange(Command(0x00, 0xA4, 0x04, 0x0C, lds.EMRTD_AID))
                if not resp.ok:
                    raise CardUnsupported(f"no eMRTD application ({resp.sw:04X})")
                return info.name
        elif infos:
            if key.can:
                raise CardUnsupported("chip offers only PACE variants this kiosk lacks")
        if key.can:
            raise CardUnsupported("the chip has no PACE: it needs the MRZ data, not a CAN")
        resp = channel.send(Command(0x00, 0xA4, 0x04, 0x0C, lds.EMRTD_AID))
        if not resp.ok:
            raise CardUnsupported(f"no eMRTD application ({resp.sw:04X})")
        if not (key.document_number and key.birth_date and key.expiry_date):
            raise CardAccessDenied("incomplete MRZ access key")
        info_bytes = mrz_information(key.document_number, key.birth_date, key.expiry_date)
        channel.sm = bac.authenticate(channel, info_bytes)
        return "BAC"

    # --- the read ---------------------------------------------------------------------------
    def _read(self, key: AccessKey, progress: ProgressCallback | None,
              now: dt.datetime | None) -> ChipIdentity:
        wall, cpu = time.perf_counter(), time.process_time()
        channel = ApduChannel(self.transport)
        infos = read_card_access(channel)
        plan = extended_length.plan(channel, self.transport, self.use_extended)
        protocol = self._access(channel, key, infos)
        self.report.protocol = protocol
        self.report.access_apdus = channel.apdus

        ca = clone_check.ChipAuthRun()

        def reauthenticate() -> None:
            if ca.state == "unconfirmed":  # a copy's answer under the keys it could not derive
                raise _ChipAuthLost("the chip dropped secure messaging under the new keys")
            log.info("secure messaging lost mid-read: authenticating again")
            self._access(channel, key, infos)

        reader = FileReader(channel, plan.extended, reauthenticate, plan.probing, plan.max_block)
        self.report.extended_source = plan.source
        done = 0.0
        files: dict[str, bytes] = {}

        def read_file(ef: lds.EF) -> bytes:
            """The first read after Chip Authentication is its proof: if the chip rejects
            secure messaging with the new keys (a plain 6987/6988, or dropping it), it is a
            copy; read on under the old keys. An answer that fails our MAC check is a garbled
            exchange, as anywhere else: read again, not a verdict."""
            try:
                data = reader.read(ef)
            except FileNotFound:
                ca.confirm()  # a protected "not found" under the new keys proves them too
                raise
            except (CardReadError, _ChipAuthLost) as exc:
                if ca.state != "unconfirmed" or channel.sm is not None:
                    raise
                ca.fail(f"secure messaging with the new keys failed ({getattr(exc, 'detail', exc)})")
                self._access(channel, key, infos)
                data = reader.read(ef)
            ca.confirm()
            return data

        def step(ef: lds.EF, optional: bool = False) -> bytes | None:
            nonlocal done
            weight = _WEIGHTS.get(ef.name, 0.05)
            if progress:
                reader.on_bytes = lambda got, total: progress(
                    min(0.99, done + weight * got / max(total, 1)))
            try:
                data = read_file(ef)
            except FileNotFound:
                if optional:
                    return None
                raise
            files[ef.name] = data
            done += weight
            if progress:
                progress(min(0.99, done))
            return data

        com = lds.parse_com(step(lds.COM) or b"")
        for needed in (1, 2):
            if needed not in com.data_groups:
                raise CardReadError(f"EF.COM does not list DG{needed}")
        # DG14 and EF.SOD first: Chip Authentication needs DG14's key, covered by EF.SOD
        dg14_raw = step(lds.dg(14), optional=True) if 14 in com.data_groups else None
        sod_raw = step(lds.SOD) or b""
        sod_check = passive_auth.SodCheck(sod_raw, self.trust, now)
        clone_check.run_chip_auth(channel, dg14_raw, sod_check, ca)
        if channel.sm is None:  # the chip refused Chip Authentication with a plain error
            self._access(channel, key, infos)
        dg1_raw = step(lds.dg(1)) or b""
        dg2_raw = step(lds.dg(2)) or b""
        dg11_raw = step(lds.dg(11), optional=True) if 11 in com.data_groups else None
        dg15_raw = step(lds.dg(15), optional=True) if 15 in com.data_groups else None
        self.report.block = reader.block
        self.report.extended_length = reader.extended
        extended_length.remember(self.transport, plan, reader)
        aa_state, aa_name, aa_note = clone_check.run_active_auth(channel, dg15_raw, dg14_raw, ca)
        self.report.active_auth = aa_name or aa_state
        self.report.chip_auth = ca.name if ca.state == "passed" else ca.state

        mrz = lds.parse_dg1(dg1_raw)
        portrait = dg2.parse_dg2(dg2_raw)
        extra = dg11.parse_dg11(dg11_raw) if dg11_raw else None
        groups = {1: dg1_raw, 2: dg2_raw}
        for number, raw in ((11, dg11_raw), (14, dg14_raw), (15, dg15_raw)):
            if raw:
                groups[number] = raw
        pa = clone_check.verdict(sod_check.result(groups), aa_state, aa_note, ca, self.unproven_chip)

        birth = mrz.birth()
        if extra and extra.full_birth_date and len(extra.full_birth_date) == 8:
            with contextlib.suppress(ValueError):
                birth = dt.date(int(extra.full_birth_date[:4]), int(extra.full_birth_date[4:6]),
                                int(extra.full_birth_date[6:]))
        seconds = time.perf_counter() - wall
        self.report.read_apdus = channel.apdus - self.report.access_apdus
        self.report.bytes_in, self.report.bytes_out = channel.bytes_in, channel.bytes_out
        self.report.seconds = seconds
        self.report.cpu_seconds = time.process_time() - cpu
        self.report.files = {name: len(data) for name, data in files.items()}
        if progress:
            progress(1.0)
        return ChipIdentity(
            document_type=mrz.document_code, issuing_state=mrz.issuing_state,
            document_number=mrz.document_number, surname=mrz.surname,
            given_names=mrz.given_names, nationality=mrz.nationality, birth_date=birth,
            sex=mrz.sex, expiry_date=yymmdd_to_date(mrz.expiry_date, past=False),
            portrait=portrait.image, portrait_format=portrait.format, authenticity=pa,
            access_protocol=protocol,
            name_national=extra.full_name if extra else None,
            personal_number=extra.personal_number if extra else None,
            address=extra.address if extra else None,
            stats=ReadStats(channel.apdus, channel.bytes_in, channel.bytes_out, seconds),
        )
