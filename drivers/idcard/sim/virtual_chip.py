"""The project's own virtual eMRTD chip: an ISO 7816-4 card application answering raw APDUs.

It serves an LDS (built by `lds_builder`), runs BAC and PACE (`access_control_card`), Active
and Chip Authentication (`chip_authentication_card`), enforces secure messaging for every LDS
file, and reproduces the behaviours readers trip over: no extended length (said in the ATR,
in EF.ATR/INFO, or not at all), a small maximum Le (6700 or 6Cxx), 6282 at end of file, 6B00
past it, files over 32 KB that need READ BINARY B1, and a card pulled after N APDUs.
Reachable in-process (`transport.InProcessTransport`) or through pcscd (`vpcd_card`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric import ec, rsa

from drivers.idcard import active_auth, card_access, tlv
from drivers.idcard import atr as atr_mod
from drivers.idcard.apdu import Command
from drivers.idcard.lds import EMRTD_AID
from drivers.idcard.sim.access_control_card import ChipBac, ChipKeySource, ChipPace, PasswordState
from drivers.idcard.sim.chip_authentication_card import ChipCa
from drivers.idcard.sm import SecureMessaging, SmError

MF_FID = 0x3F00
ATR_INFO_FID = 0x2F01
#: short file identifiers of the master file's EFs (the application's are 01xx -> xx)
MF_SFI = {0x1C: 0x011C, 0x1D: 0x011D, 0x01: ATR_INFO_FID}


@dataclass(frozen=True)
class ChipProfile:
    bac: bool = True
    pace: bool = True
    pace_infos: tuple[card_access.PaceInfo, ...] = (
        card_access.PaceInfo(card_access.pace_oid("ECDH-GM", "AES", 16), 2, 13),)
    extended_length: bool = True
    atr: str = "capabilities"  # "capabilities": the ATR says whether extended length works;
    # "type_b": the ATR a reader synthesises for ISO 14443 Type B, which says nothing
    atr_info: bool = False  # EF.ATR/INFO (2F01) with the extended length information object
    extended_apdu: str = "drop_sm"  # a chip without extended length, sent one: "drop_sm" (cannot
    # parse it: plain 6700, session lost) or "6700" (parses it, refuses the length under SM)
    max_le: int = 65536  # largest READ BINARY Le honoured (plaintext bytes)
    short_le_error: str = "6700"  # answer to a too-large Le: "6700" or "6C" (6Cxx)
    pull_after: int = 0  # the card leaves the field after this many APDUs (0 = never)
    max_failures: int = 0
    blocked: bool = False


@dataclass
class Files:
    mf: dict[int, bytes] = field(default_factory=dict)
    app: dict[int, bytes] = field(default_factory=dict)


class VirtualChip:
    def __init__(self, files: Files, mrz_info: bytes, can: str | None,
                 profile: ChipProfile | None = None,
                 random: Callable[[int], bytes] = os.urandom,
                 key_source: ChipKeySource | None = None,
                 aa_key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | None = None,
                 ca: ChipCa | None = None) -> None:
        profile = profile or ChipProfile()
        self.aa_key = aa_key
        self.ca = ca
        self.files, self.profile = files, profile
        self.mrz_info, self.can = mrz_info, can
        self.random, self.key_source = random, key_source
        self.atr = atr_mod.build_type_b() if profile.atr == "type_b" else atr_mod.build(profile.extended_length)
        if profile.atr_info:
            files.mf.setdefault(ATR_INFO_FID, atr_mod.build_atr_info(*((65535, 65536) if profile.extended_length
                                                                       else (261, 258))))
        self.password_state = PasswordState(profile.max_failures, 0, profile.blocked)
        self.apdu_count = 0
        self.removed = False
        self.power_on()

    # --- power and state --------------------------------------------------------------------
    def power_on(self) -> None:
        """Cold reset: security state and selection are lost, the password counter is not."""
        self.sm: SecureMessaging | None = None
        self._next_sm: SecureMessaging | None = None  # Chip Authentication: after this answer
        self.in_app = False
        self.current: int | None = None
        self.bac = ChipBac(self.mrz_info, self.password_state, self.random) \
            if self.profile.bac else None
        self.pace: ChipPace | None = None

    def power_off(self) -> None:
        self.sm = None

    # --- APDU processing --------------------------------------------------------------------
    def process(self, raw: bytes) -> bytes:
        if self.removed:
            return b""
        self.apdu_count += 1
        if self.profile.pull_after and self.apdu_count >= self.profile.pull_after:
            self.removed = True
            return b""
        try:
            cmd = Command.decode(raw)
        except ValueError:
            self._drop_sm()
            return b"\x67\x00"
        if (cmd.needs_extended() and not self.profile.extended_length
                and self.profile.extended_apdu == "drop_sm"):
            self._drop_sm()  # a chip that cannot parse the APDU cannot keep SM in step
            return b"\x67\x00"
        if self.sm is not None and cmd.cla & 0x0C:
            sm = self.sm
            try:
                plain = sm.unprotect_command(cmd)
            except (SmError, ValueError):
                self._drop_sm()
                return b"\x69\x88"
            data, sw = self._dispatch(plain, secure=True)
            if self.sm is not sm:  # re-authenticated inside the session: answer in plain
                return data + sw.to_bytes(2, "big")
            answer = sm.protect_response(data, sw, odd_ins=bool(plain.ins & 1))
            if self._next_sm is not None:  # Chip Authentication: new keys from the next command on
                self.sm, self._next_sm = self._next_sm, None
            return answer
        if cmd.cla & 0x0C:
            return b"\x69\x88"  # protected command without a session
        if self.sm is not None:
            self._drop_sm()  # a plain command ends the session (9303-11 9.8.6)
        data, sw = self._dispatch(cmd, secure=False)
        return data + sw.to_bytes(2, "big")

    def _drop_sm(self) -> None:
        self.sm = None

    def _dispatch(self, cmd: Command, secure: bool) -> tuple[bytes, int]:
        if cmd.cla & 0xE0 and cmd.cla not in (0x10,):
            return b"", 0x6E00
        ins = cmd.ins
        if ins == 0xA4:
            return self._select(cmd, secure)
        if ins in (0xB0, 0xB1):
            return self._read_binary(cmd, secure)
        if ins == 0x88:
            return self._internal_authenticate(cmd, secure)
        if secure and ins in (0x22, 0x86):
            return self._chip_authentication(cmd)
        if ins == 0x84 and self.bac is not None and not secure:
            return self.bac.get_challenge(cmd)
        if ins == 0x82 and self.bac is not None and not secure:
            if not self.in_app:
                return b"", 0x6985
            answer, sm = self.bac.external_authenticate(cmd)
            self.sm = sm
            return answer
        if ins == 0x22 and self.profile.pace and not secure:
            if (cmd.p1, cmd.p2) != (0xC1, 0xA4):
                return b"", 0x6A86
            passwords = {1: self.mrz_info}
            if self.can:
                passwords[2] = self.can.encode("ascii")
            self.pace = ChipPace(list(self.profile.pace_infos), passwords, self.password_state,
                                 self.random, self.key_source)
            return self.pace.set_at(cmd)
        if ins == 0x86 and self.pace is not None and not secure:
            answer, sm = self.pace.general_authenticate(cmd)
            if sm is not None:
                self.sm = sm
            return answer
        return b"", 0x6D00

    def _chip_authentication(self, cmd: Command) -> tuple[bytes, int]:
        if self.ca is None or not self.in_app:
            return b"", 0x6D00 if cmd.ins == 0x86 else 0x6A86
        if cmd.ins == 0x22 and (cmd.p1, cmd.p2) == (0x41, 0xA6):
            (data, sw), self._next_sm = self.ca.set_kat(cmd)
            return data, sw
        if cmd.ins == 0x22 and (cmd.p1, cmd.p2) == (0x41, 0xA4):
            return self.ca.set_at(cmd)
        if cmd.ins == 0x86:
            (data, sw), self._next_sm = self.ca.general_authenticate(cmd)
            return data, sw
        return b"", 0x6A86

    def _internal_authenticate(self, cmd: Command, secure: bool) -> tuple[bytes, int]:
        if self.aa_key is None:
            return b"", 0x6D00
        if not (secure and self.in_app):
            return b"", 0x6982
        if len(cmd.data) != 8:
            return b"", 0x6700
        if isinstance(self.aa_key, ec.EllipticCurvePrivateKey):
            return active_auth.sign_ecdsa(self.aa_key, cmd.data, "sha256"), 0x9000
        return active_auth.sign_rsa(self.aa_key, cmd.data, self.random), 0x9000

    def _select(self, cmd: Command, secure: bool) -> tuple[bytes, int]:
        if cmd.p1 == 0x04:
            if cmd.data != EMRTD_AID:
                return b"", 0x6A82
            self.in_app, self.current = True, None
            return b"", 0x9000
        if cmd.p1 in (0x00, 0x02) and len(cmd.data) == 2:
            fid = int.from_bytes(cmd.data, "big")
            if fid == MF_FID:
                self.in_app, self.current = False, None
                return b"", 0x9000
            if fid not in self._df():
                return b"", 0x6A82
            self.current = fid
            if cmd.p2 & 0x0C == 0x0C:
                return b"", 0x9000
            fcp = tlv.encode(0x62, tlv.encode(0x80, len(self._df()[fid]).to_bytes(2, "big"))
                             + tlv.encode(0x83, cmd.data))
            return fcp, 0x9000
        return b"", 0x6A86

    def _df(self) -> dict[int, bytes]:
        return self.files.app if self.in_app else self.files.mf

    def _read_binary(self, cmd: Command, secure: bool) -> tuple[bytes, int]:
        odd = cmd.ins == 0xB1
        if odd:
            if (cmd.p1, cmd.p2) != (0, 0):
                return b"", 0x6A86
            try:
                tag, value, _ = tlv.parse_one(cmd.data)
            except Exception:
                return b"", 0x6A80
            if tag != 0x54 or not 1 <= len(value) <= 3:
                return b"", 0x6A80
            offset = int.from_bytes(value, "big")
        elif cmd.p1 & 0x80:
            sfi = cmd.p1 & 0x1F
            fid = 0x0100 | sfi if self.in_app else MF_SFI.get(sfi)
            if fid not in self._df():
                return b"", 0x6A82
            self.current, offset = fid, cmd.p2
        else:
            offset = (cmd.p1 << 8) | cmd.p2
        if self.current is None:
            return b"", 0x6986
        if self.in_app and not secure:
            return b"", 0x6982
        content = self._df()[self.current]
        if cmd.ne is None:
            return b"", 0x6700
        limit = self._limit(cmd, secure, odd)
        if cmd.ne > limit:
            if self.profile.short_le_error == "6C" and limit <= 256:
                return b"", 0x6C00 | (limit & 0xFF)
            return b"", 0x6700
        if offset >= len(content):
            return b"", 0x6B00
        want = cmd.ne - 4 if odd else cmd.ne  # B1 answers carry a 4-byte DO53 header
        chunk = content[offset:offset + want]
        sw = 0x9000 if len(chunk) == want else 0x6282
        if odd:
            chunk = tlv.encode(0x53, chunk)
        return chunk, sw

    def _limit(self, cmd: Command, secure: bool, odd: bool) -> int:
        """Largest Le this chip honours for ``cmd``: its own maximum, and what fits in a short
        response once secure messaging has wrapped it."""
        limit = self.profile.max_le
        if not cmd.needs_extended() or not self.profile.extended_length:
            limit = min(limit, 256)
            if secure and self.sm is not None:
                # DO87 (tag, 2-byte length, indicator) + DO99 (4) + DO8E (10) in 256 bytes
                block = self.sm.block
                room = (256 - 4 - 10 - 4) // block * block - 1
                limit = min(limit, room)  # B1: DO85 has no indicator byte, DO53 counts in Le
        return limit
