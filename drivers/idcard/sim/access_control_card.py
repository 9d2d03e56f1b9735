"""Card side of BAC and PACE (access control) for the virtual chip: answers as an ICAO chip does.

Status words follow ICAO 9303-11 / ISO 7816-4: 6300 failed authentication, 6983 blocked,
6A80 bad parameters, 6A88 unknown password reference, 6985 wrong sequence.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass

from drivers.idcard import bac, crypto, pace, tlv
from drivers.idcard.apdu import Command
from drivers.idcard.card_access import PaceInfo
from drivers.idcard.ec import Domain
from drivers.idcard.sm import SecureMessaging

Answer = tuple[bytes, int]
ChipKeySource = Callable[[str, Domain], int]


class AuthBlocked(Exception):
    pass


@dataclass
class PasswordState:
    """Shared failure counter (0 = unlimited tries, like MRZ/CAN on most chips)."""

    max_failures: int = 0
    failures: int = 0
    blocked: bool = False

    def fail(self) -> None:
        self.failures += 1
        if self.max_failures and self.failures >= self.max_failures:
            self.blocked = True

    def succeed(self) -> None:
        self.failures = 0


class ChipBac:
    def __init__(self, mrz_info: bytes, state: PasswordState,
                 random: Callable[[int], bytes] = os.urandom) -> None:
        self.k_enc, self.k_mac = bac.derive_keys(bac.key_seed(mrz_info))
        self.state = state
        self.random = random
        self.rnd_ic: bytes | None = None

    def get_challenge(self, cmd: Command) -> Answer:
        if cmd.ne != 8:
            return b"", 0x6700
        self.rnd_ic = self.random(8)
        return self.rnd_ic, 0x9000

    def external_authenticate(self, cmd: Command) -> tuple[Answer, SecureMessaging | None]:
        if self.state.blocked:
            return (b"", 0x6983), None
        if self.rnd_ic is None:
            return (b"", 0x6985), None
        rnd_ic, self.rnd_ic = self.rnd_ic, None
        if len(cmd.data) != 40:
            return (b"", 0x6700), None
        e_ifd, m_ifd = cmd.data[:32], cmd.data[32:]
        if not crypto.consteq(crypto.retail_mac(self.k_mac, crypto.pad(e_ifd, 8)), m_ifd):
            self.state.fail()
            return (b"", 0x6300), None
        s = crypto.des3_decrypt(self.k_enc, e_ifd)
        if s[8:16] != rnd_ic:
            self.state.fail()
            return (b"", 0x6300), None
        self.state.succeed()
        rnd_ifd, k_ifd = s[:8], s[16:32]
        k_ic = self.random(16)
        e_ic = crypto.des3_encrypt(self.k_enc, rnd_ic + rnd_ifd + k_ic)
        m_ic = crypto.retail_mac(self.k_mac, crypto.pad(e_ic, 8))
        seed = bytes(a ^ b for a, b in zip(k_ifd, k_ic, strict=True))
        ks_enc, ks_mac = bac.derive_keys(seed)
        return (e_ic + m_ic, 0x9000), SecureMessaging("3DES", ks_enc, ks_mac,
                                                       rnd_ic[4:] + rnd_ifd[4:])


class ChipPace:
    """One PACE run; created by MSE:Set AT, driven by GENERAL AUTHENTICATE."""

    def __init__(self, infos: list[PaceInfo], passwords: dict[int, bytes],
                 state: PasswordState, random: Callable[[int], bytes] = os.urandom,
                 key_source: ChipKeySource | None = None) -> None:
        self.infos, self.passwords, self.state = infos, passwords, state
        self.random = random
        self.key_source = key_source or (lambda step, d: d.random_scalar())
        self.info: PaceInfo | None = None
        self.step = 0

    def set_at(self, cmd: Command) -> Answer:
        try:
            fields = tlv.parse_dict(cmd.data)
        except Exception:
            return b"", 0x6A80
        oid_raw, ref_raw = fields.get(0x80), fields.get(0x83)
        if oid_raw is None or ref_raw is None or len(ref_raw) != 1:
            return b"", 0x6A80
        matches = [i for i in self.infos if i.oid_bytes == oid_raw]
        pid = fields.get(0x84)
        if pid is not None:
            matches = [i for i in matches if i.parameter_id == pid[0]]
        if not matches:
            return b"", 0x6A80
        if ref_raw[0] not in self.passwords:
            return b"", 0x6A88
        if self.state.blocked:
            return b"", 0x6983
        self.info, self.ref, self.step = matches[0], ref_raw[0], 1
        return b"", 0x9000

    def general_authenticate(self, cmd: Command) -> tuple[Answer, SecureMessaging | None]:
        info = self.info
        if info is None:
            return (b"", 0x6985), None
        last = not cmd.cla & 0x10
        try:
            inner = tlv.parse_dict(tlv.unwrap(cmd.data, 0x7C))
            return self._step(info, inner, last)
        except Exception:  # any malformed input ends the run, as on a real chip
            self.info = None
            return (b"", 0x6A80), None

    def _reply(self, tag: int, value: bytes) -> Answer:
        return tlv.encode(0x7C, tlv.encode(tag, value)), 0x9000

    def _step(self, info: PaceInfo, inner: dict[int, bytes],
              last: bool) -> tuple[Answer, SecureMessaging | None]:
        domain = Domain(info.parameter_id or 0)
        if self.step == 1 and not inner and not last:
            pi = self.passwords[self.ref]
            if self.ref == pace.PWD_MRZ:
                pi = hashlib.sha1(pi).digest()
            self.s = self.random(8 if info.cipher == "3DES" else 16)
            z = pace.encrypt_nonce(info, pace.nonce_key(info, pi), self.s)
            self.step = 2
            return self._reply(0x80, z), None
        if self.step == 2 and 0x81 in inner and not last:
            pcd_map = domain.decode(inner[0x81])
            sk = self.key_source("mapping", domain)
            pk = domain.encode(domain.generator * sk)
            self.g = domain.map_generator(self.s, domain.multiply(pcd_map, sk))
            self.step = 3
            return self._reply(0x82, pk), None
        if self.step == 3 and 0x83 in inner and not last:
            self.pcd_eph = inner[0x83]
            pcd_eph = domain.decode(self.pcd_eph)
            sk = self.key_source("agreement", domain)
            self.pk_eph = domain.encode(domain.multiply(self.g, sk))
            if self.pk_eph == self.pcd_eph:
                raise ValueError("identical ephemeral keys")
            k = domain.multiply(pcd_eph, sk).x().to_bytes(domain.size, "big")
            self.ks_enc, self.ks_mac = pace.session_keys(info, k)
            self.step = 4
            return self._reply(0x84, self.pk_eph), None
        if self.step == 4 and 0x85 in inner and last:
            self.info = None
            if not crypto.consteq(inner[0x85], pace.auth_token(info, self.ks_mac, self.pk_eph)):
                self.state.fail()
                return (b"", 0x6983 if self.state.blocked else 0x6300), None
            self.state.succeed()
            block = 8 if info.cipher == "3DES" else 16
            sm = SecureMessaging(info.cipher, self.ks_enc, self.ks_mac, bytes(block))
            return self._reply(0x86, pace.auth_token(info, self.ks_mac, self.pcd_eph)), sm
        self.info = None
        return (b"", 0x6985), None
