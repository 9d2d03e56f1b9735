"""Chip Authentication (ICAO 9303-11 6.2, BSI TR-03110 v1): the chip proves it holds the
private key of DG14 by agreeing new secure-messaging keys with an ephemeral key of ours.

A copied chip has DG14 (signed, so Passive Authentication accepts it) but not the private
key: it derives other keys, and the first command under the new keys fails. The caller
therefore trusts DG14's key only once EF.SOD covers it, switches secure messaging to the keys
returned here, and counts Chip Authentication as passed when the next protected exchange works.

Key agreement: ECDH with `cryptography` on the curves it knows and `ecdsa` point arithmetic on
the others (DG14 keys often come with explicit domain parameters, e.g. brainpoolP224r1); DH by
two modular exponentiations in Python, because `cryptography` 50 deprecates finite-field DH.
3DES uses MSE:Set KAT; AES uses MSE:Set AT then GENERAL AUTHENTICATE. New keys come from the
ICAO KDF over the shared secret, with the send sequence counter reset to zero.
"""

from __future__ import annotations

import secrets
from typing import Any

from asn1crypto import core, keys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from ecdsa.ellipticcurve import INFINITY, PointJacobi

from drivers.errors import CardReadError
from drivers.idcard import card_access, crypto, ec_curves, tlv
from drivers.idcard.apdu import Command
from drivers.idcard.channel import ApduChannel
from drivers.idcard.dg14 import ChipAuthentication, ChipAuthInfo
from drivers.idcard.sm import SecureMessaging

MIN_DH_BITS = 1024


class CaFailed(Exception):
    """The chip answered, but not as the holder of the DG14 key would (a copy)."""


class CaUnsupported(ValueError):
    """A DG14 key or group this kiosk cannot run Chip Authentication with."""


class EcdhGroup:
    def __init__(self, domain: ec_curves.EcDomain) -> None:
        self.domain = domain
        self.curve = domain.crypto_curve  # None: ecdsa arithmetic

    def keypair(self) -> tuple[Any, bytes]:
        if self.curve is not None:
            private = ec.generate_private_key(self.curve)
            return private, private.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        d = secrets.randbelow(self.domain.curve.order - 1) + 1
        return d, self._encode(self.domain.curve.generator * d)

    def shared(self, private: Any, peer: bytes) -> bytes:
        """x coordinate of private * peer; ValueError when ``peer`` is not a point of the group."""
        if self.curve is not None:
            if not isinstance(private, ec.EllipticCurvePrivateKey):
                raise TypeError("private key of another group")
            peer_key = ec.EllipticCurvePublicKey.from_encoded_point(self.curve, peer)
            return private.exchange(ec.ECDH(), peer_key)
        point = self._decode(peer)
        product = point * private
        if product == INFINITY:
            raise ValueError("ECDH produced the point at infinity")
        return product.x().to_bytes(self.domain.size, "big")

    def _encode(self, point: PointJacobi) -> bytes:
        size = self.domain.size
        return b"\x04" + point.x().to_bytes(size, "big") + point.y().to_bytes(size, "big")

    def _decode(self, data: bytes) -> PointJacobi:
        size, fp = self.domain.size, self.domain.curve.curve
        if len(data) != 1 + 2 * size or data[0] != 0x04:
            raise ValueError("EC point encoding invalid")
        x, y = int.from_bytes(data[1:1 + size], "big"), int.from_bytes(data[1 + size:], "big")
        if x >= fp.p() or y >= fp.p() or not fp.contains_point(x, y):
            raise ValueError("EC point is not on the curve")
        point = PointJacobi(fp, x, y, 1, self.domain.curve.order)
        if fp.cofactor() not in (None, 1) and point * self.domain.curve.order != INFINITY:
            raise ValueError("EC point outside the prime-order subgroup")
        return point


class DhGroup:
    def __init__(self, p: int, g: int, q: int | None) -> None:
        if p.bit_length() < MIN_DH_BITS or not 1 < g < p - 1:
            raise CaUnsupported(f"DH group of {p.bit_length()} bits is not usable")
        self.p, self.g, self.q = p, g, q
        self.size = (p.bit_length() + 7) // 8

    def keypair(self) -> tuple[int, bytes]:
        bound = self.q if self.q else self.p - 1
        x = secrets.randbelow(bound - 2) + 2
        return x, pow(self.g, x, self.p).to_bytes(self.size, "big")

    def shared(self, private: int, peer: bytes) -> bytes:
        y = int.from_bytes(peer, "big")
        if not 1 < y < self.p - 1 or (self.q and pow(y, self.q, self.p) != 1):
            raise ValueError("DH public value outside the group")
        return pow(y, private, self.p).to_bytes(self.size, "big")


def group_of(spki: keys.PublicKeyInfo) -> tuple[EcdhGroup | DhGroup, bytes]:
    """The key agreement group of a DG14 key and the chip's public value in it."""
    algo = spki["algorithm"]["algorithm"].dotted
    params = spki["algorithm"]["parameters"]
    try:
        if algo in ("1.2.840.10045.2.1", "0.4.0.127.0.7.2.2.1.2"):  # ecPublicKey, id-PK-ECDH
            ec_params = params if isinstance(params, keys.ECDomainParameters) \
                else keys.ECDomainParameters.load(params.dump())
            return EcdhGroup(ec_curves.from_parameters(ec_params)), bytes(spki["public_key"])
        if algo in ("1.2.840.10046.2.1", "0.4.0.127.0.7.2.2.1.1"):  # dhpublicnumber, id-PK-DH
            dh = params if isinstance(params, keys.DomainParameters) else keys.DomainParameters.load(params.dump())
            group = DhGroup(dh["p"].native, dh["g"].native, dh["q"].native)
            y = spki["public_key"].native
            if not isinstance(y, int):
                y = core.Integer.load(bytes(spki["public_key"])).native
            if not 0 < y < group.p:
                raise ValueError("DH public value out of range")
            return group, int(y).to_bytes(group.size, "big")
    except ec_curves.CurveUnsupported as exc:
        raise CaUnsupported(str(exc)) from exc
    except (ValueError, TypeError, KeyError) as exc:
        raise CaUnsupported(f"DG14 key unreadable ({type(exc).__name__})") from exc
    raise CaUnsupported(f"DG14 key algorithm {algo} unsupported")


def session_keys(info: ChipAuthInfo, shared: bytes) -> SecureMessaging:
    cipher, length = info.cipher, info.key_length
    block = 8 if cipher == "3DES" else 16
    return SecureMessaging(cipher, crypto.kdf(shared, crypto.KDF_ENC, cipher, length),
                           crypto.kdf(shared, crypto.KDF_MAC, cipher, length), bytes(block))


def key_reference(key_id: int | None) -> bytes:
    if key_id is None:
        return b""
    return tlv.encode(0x84, key_id.to_bytes(max(1, (key_id.bit_length() + 7) // 8), "big"))


def authenticate(channel: ApduChannel, ca: ChipAuthentication) -> SecureMessaging:
    """Run CA under the current secure messaging; returns the new session (not yet proven).

    Raises CaUnsupported (nothing was sent), CaFailed (the chip refused), CardReadError /
    CardRemoved (the exchange itself broke).
    """
    info = ca.info
    if not info.supported:
        raise CaUnsupported(f"{info.oid} is not a Chip Authentication protocol this kiosk speaks")
    group, chip_public = group_of(ca.key.spki)
    private, public = group.keypair()
    try:
        shared = group.shared(private, chip_public)
    except ValueError as exc:
        raise CaFailed(f"DG14 public key invalid: {exc}") from exc
    if info.cipher == "3DES":
        resp = channel.exchange(Command(0x00, 0x22, 0x41, 0xA6,
                                        tlv.encode(0x91, public) + key_reference(info.key_id)))
        if not resp.ok:
            raise CaFailed(f"chip refused MSE:Set KAT ({resp.sw:04X})")
    else:
        mse = tlv.encode(0x80, card_access.oid_to_bytes(info.oid)) + key_reference(info.key_id)
        resp = channel.exchange(Command(0x00, 0x22, 0x41, 0xA4, mse))
        if not resp.ok:
            raise CaFailed(f"chip refused MSE:Set AT for Chip Authentication ({resp.sw:04X})")
        resp = channel.exchange(Command(0x00, 0x86, 0x00, 0x00, tlv.encode(0x7C, tlv.encode(0x80, public)),
                                        ne=256))
        if not resp.ok:
            raise CaFailed(f"chip refused GENERAL AUTHENTICATE ({resp.sw:04X})")
        if resp.data:
            try:
                tlv.unwrap(resp.data, 0x7C)
            except CardReadError as exc:
                raise CaFailed("GENERAL AUTHENTICATE answer malformed") from exc
    return session_keys(info, shared)
