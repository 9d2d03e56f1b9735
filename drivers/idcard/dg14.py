"""DG14 SecurityInfos for Chip Authentication (ICAO 9303-11 6.2 and 9.2, BSI TR-03110).

ChipAuthenticationInfo names the protocol (DH or ECDH, 3DES or AES with its key length) and
its version; ChipAuthenticationPublicKeyInfo carries the chip's static key as a
SubjectPublicKeyInfo (EC keys often with explicit domain parameters, DH keys with their group).
A document with only the public key info uses the 3DES protocol implied by the key (ICAO 9303-11
9.2.5). The SET OF SecurityInfo is walked with the LDS TLV parser (entries of other protocols
are skipped); public keys are parsed with asn1crypto.
"""

from __future__ import annotations

from dataclasses import dataclass

from asn1crypto import core, keys

from drivers.errors import CardReadError
from drivers.idcard import card_access, tlv

ID_PK = "0.4.0.127.0.7.2.2.1"
ID_CA = "0.4.0.127.0.7.2.2.3"
PK_AGREEMENT = {f"{ID_PK}.1": "DH", f"{ID_PK}.2": "ECDH"}
_AGREEMENT_ARC = {"DH": "1", "ECDH": "2"}
_CIPHER_ARC = {"1": ("3DES", 16), "2": ("AES", 16), "3": ("AES", 24), "4": ("AES", 32)}


@dataclass(frozen=True)
class ChipAuthInfo:
    oid: str
    version: int
    key_id: int | None = None

    @property
    def agreement(self) -> str:
        return {"1": "DH", "2": "ECDH"}.get(self.oid.split(".")[-2], "unknown")

    @property
    def cipher(self) -> str:
        return _CIPHER_ARC.get(self.oid.split(".")[-1], ("unknown", 0))[0]

    @property
    def key_length(self) -> int:
        return _CIPHER_ARC.get(self.oid.split(".")[-1], ("unknown", 0))[1]

    @property
    def supported(self) -> bool:
        return (self.oid.startswith(ID_CA + ".") and self.agreement != "unknown" and self.key_length > 0
                and self.version in (1, 2))

    @property
    def name(self) -> str:
        suffix = "3DES" if self.cipher == "3DES" else f"AES-{self.key_length * 8}"
        return f"CA-{self.agreement}-{suffix}"


@dataclass(frozen=True)
class ChipAuthKey:
    agreement: str  # "DH" or "ECDH"
    spki: keys.PublicKeyInfo
    key_id: int | None = None


@dataclass(frozen=True)
class ChipAuthentication:
    """The protocol and key a reader runs Chip Authentication with."""

    info: ChipAuthInfo
    key: ChipAuthKey


def ca_oid(agreement: str, cipher: str = "AES", key_length: int = 16) -> str:
    arc = {v: k for k, v in _CIPHER_ARC.items()}[(cipher, key_length)]
    return f"{ID_CA}.{_AGREEMENT_ARC[agreement]}.{arc}"


def parse(data: bytes) -> tuple[list[ChipAuthInfo], list[ChipAuthKey]]:
    """Chip Authentication entries of DG14 (CardReadError when DG14 is malformed)."""
    infos: list[ChipAuthInfo] = []
    pubkeys: list[ChipAuthKey] = []
    for tag, value in tlv.iterate(tlv.unwrap(tlv.unwrap(data, 0x6E), 0x31)):
        if tag != 0x30:
            raise CardReadError("DG14 SecurityInfo is not a SEQUENCE")
        parts = list(tlv.iterate(value))
        if not parts or parts[0][0] != 0x06:
            raise CardReadError("DG14 SecurityInfo has no protocol identifier")
        oid = card_access.oid_from_bytes(parts[0][1])
        if oid in PK_AGREEMENT:
            if len(parts) < 2 or parts[1][0] != 0x30:
                raise CardReadError("DG14 Chip Authentication public key missing")
            spki = _spki(tlv.encode(0x30, parts[1][1]))
            key_id = _integer(parts[2][1]) if len(parts) > 2 and parts[2][0] == 0x02 else None
            pubkeys.append(ChipAuthKey(PK_AGREEMENT[oid], spki, key_id))
        elif oid.startswith(ID_CA + ".") and oid.count(".") == ID_CA.count(".") + 2:
            ints = [_integer(v) for t, v in parts[1:] if t == 0x02]
            if not ints:
                raise CardReadError("ChipAuthenticationInfo has no version")
            infos.append(ChipAuthInfo(oid, ints[0], ints[1] if len(ints) > 1 else None))
    return infos, pubkeys


def _spki(raw: bytes) -> keys.PublicKeyInfo:
    try:
        spki = keys.PublicKeyInfo.load(raw, strict=True)
        spki["algorithm"]["algorithm"].dotted  # noqa: B018 - force the lazy parse
        spki["public_key"].native  # noqa: B018
    except (ValueError, TypeError, KeyError) as exc:
        raise CardReadError("DG14 Chip Authentication public key unreadable") from exc
    return spki


def _integer(raw: bytes) -> int:
    if not raw or len(raw) > 4:
        raise CardReadError("bad INTEGER in DG14")
    return int.from_bytes(raw, "big", signed=True)


def choose(infos: list[ChipAuthInfo], pubkeys: list[ChipAuthKey]) -> ChipAuthentication | None:
    """The first supported protocol with its key (matched by keyId, else by agreement);
    with keys but no ChipAuthenticationInfo, the 3DES protocol of the key's agreement."""
    for info in infos:
        if not info.supported:
            continue
        for key in pubkeys:
            if key.agreement == info.agreement and (info.key_id is None or key.key_id == info.key_id):
                return ChipAuthentication(info, key)
    if not infos:
        for key in pubkeys:
            return ChipAuthentication(ChipAuthInfo(ca_oid(key.agreement, "3DES"), 1, key.key_id), key)
    return None


def build(pubkey_spki: keys.PublicKeyInfo, agreement: str, info: ChipAuthInfo | None,
          extra: bytes = b"") -> bytes:
    """Card side: DG14 with the chip's CA key and protocol (``extra``: further SecurityInfos,
    e.g. the ActiveAuthenticationInfo, already encoded)."""
    pk_oid = {v: k for k, v in PK_AGREEMENT.items()}[agreement]
    key_id = core.Integer(info.key_id).dump() if info is not None and info.key_id is not None else b""
    body = tlv.encode(0x30, core.ObjectIdentifier(pk_oid).dump() + pubkey_spki.dump() + key_id)
    if info is not None:
        fields = core.ObjectIdentifier(info.oid).dump() + core.Integer(info.version).dump()
        if info.key_id is not None:
            fields += core.Integer(info.key_id).dump()
        body += tlv.encode(0x30, fields)
    return tlv.encode(0x6E, tlv.encode(0x31, body + extra))
