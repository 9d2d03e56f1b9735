"""EF.CardAccess SecurityInfos (ICAO 9303-11 9.2): which PACE variants the chip offers."""

from __future__ import annotations

from dataclasses import dataclass

from asn1crypto import core

from drivers.errors import CardReadError
from drivers.idcard import tlv

ID_PACE = "0.4.0.127.0.7.2.2.4"
MAPPINGS = {"1": "DH-GM", "2": "ECDH-GM", "3": "DH-IM", "4": "ECDH-IM", "6": "ECDH-CAM"}
CIPHERS = {"1": ("3DES", 16), "2": ("AES", 16), "3": ("AES", 24), "4": ("AES", 32)}
# Standardized domain parameters (ICAO 9303-11 9.5.1): id -> ecdsa curve name
CURVES = {8: "NIST192p", 9: "BRAINPOOLP192r1", 10: "NIST224p", 11: "BRAINPOOLP224r1",
          12: "NIST256p", 13: "BRAINPOOLP256r1", 14: "BRAINPOOLP320r1", 15: "NIST384p",
          16: "BRAINPOOLP384r1", 17: "BRAINPOOLP512r1", 18: "NIST521p"}


@dataclass(frozen=True)
class PaceInfo:
    oid: str
    version: int
    parameter_id: int | None

    @property
    def mapping(self) -> str:
        return MAPPINGS.get(self.oid.rsplit(".", 2)[-2], "unknown")

    @property
    def cipher(self) -> str:
        return CIPHERS.get(self.oid.rsplit(".", 1)[-1], ("unknown", 0))[0]

    @property
    def key_length(self) -> int:
        return CIPHERS.get(self.oid.rsplit(".", 1)[-1], ("unknown", 0))[1]

    @property
    def supported(self) -> bool:
        """What this kiosk speaks: ECDH generic mapping on a standardized curve."""
        return (self.mapping == "ECDH-GM" and self.key_length > 0 and self.version == 2
                and self.parameter_id in CURVES)

    @property
    def name(self) -> str:
        suffix = "3DES" if self.cipher == "3DES" else f"AES-{self.key_length * 8}"
        return f"PACE-{self.mapping}-{suffix}"

    @property
    def oid_bytes(self) -> bytes:
        return oid_to_bytes(self.oid)


def oid_to_bytes(dotted: str) -> bytes:
    return core.ObjectIdentifier(dotted).dump()[2:]


def oid_from_bytes(raw: bytes) -> str:
    try:
        return core.ObjectIdentifier.load(tlv.encode(0x06, raw)).dotted
    except ValueError as exc:
        raise CardReadError("malformed object identifier") from exc


def parse_card_access(data: bytes) -> list[PaceInfo]:
    """PACEInfos of EF.CardAccess in the chip's order; other SecurityInfos are skipped."""
    infos = []
    for tag, value in tlv.iterate(tlv.unwrap(data, 0x31)):
        if tag != 0x30:
            raise CardReadError("SecurityInfo is not a SEQUENCE")
        parts = list(tlv.iterate(value))
        if not parts or parts[0][0] != 0x06:
            raise CardReadError("SecurityInfo has no protocol identifier")
        oid = oid_from_bytes(parts[0][1])
        if not oid.startswith(ID_PACE + ".") or oid.count(".") != ID_PACE.count(".") + 2:
            continue
        ints = [_int(v) for t, v in parts[1:] if t == 0x02]
        if not ints:
            raise CardReadError("PACEInfo has no version")
        infos.append(PaceInfo(oid, ints[0], ints[1] if len(ints) > 1 else None))
    return infos


def _int(raw: bytes) -> int:
    if not raw or len(raw) > 4:
        raise CardReadError("bad INTEGER in SecurityInfo")
    return int.from_bytes(raw, "big", signed=True)


def build_card_access(infos: list[PaceInfo]) -> bytes:
    body = b""
    for info in infos:
        inner = tlv.encode(0x06, info.oid_bytes) + tlv.encode(0x02, bytes([info.version]))
        if info.parameter_id is not None:
            inner += tlv.encode(0x02, bytes([info.parameter_id]))
        body += tlv.encode(0x30, inner)
    return tlv.encode(0x31, body)


def pace_oid(mapping: str = "ECDH-GM", cipher: str = "AES", key_length: int = 16) -> str:
    m = {v: k for k, v in MAPPINGS.items()}[mapping]
    c = {v: k for k, v in CIPHERS.items()}[(cipher, key_length)]
    return f"{ID_PACE}.{m}.{c}"
