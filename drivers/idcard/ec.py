"""Elliptic-curve points for PACE generic mapping.

`cryptography` cannot multiply on a mapped generator, so the point arithmetic uses `ecdsa`
(pure Python, pinned 0.19.1), as the field notes measured.
"""

from __future__ import annotations

import secrets

import ecdsa
from ecdsa.ellipticcurve import INFINITY, PointJacobi

from drivers.errors import CardReadError, CardUnsupported
from drivers.idcard.card_access import CURVES


class Domain:
    def __init__(self, parameter_id: int) -> None:
        name = CURVES.get(parameter_id)
        if name is None:
            raise CardUnsupported(f"PACE domain parameters {parameter_id} unsupported")
        self.curve: ecdsa.curves.Curve = getattr(ecdsa, name)
        self.generator: PointJacobi = self.curve.generator
        self.order: int = self.curve.order
        self.size = (self.curve.curve.p().bit_length() + 7) // 8

    def random_scalar(self) -> int:
        return secrets.randbelow(self.order - 1) + 1

    def encode(self, point: PointJacobi) -> bytes:
        return b"\x04" + point.x().to_bytes(self.size, "big") + point.y().to_bytes(self.size, "big")

    def decode(self, data: bytes) -> PointJacobi:
        """Uncompressed point, validated: on the curve and not the point at infinity."""
        if len(data) != 1 + 2 * self.size or data[0] != 0x04:
            raise CardReadError("EC point encoding invalid")
        x = int.from_bytes(data[1:1 + self.size], "big")
        y = int.from_bytes(data[1 + self.size:], "big")
        p = self.curve.curve.p()
        if x >= p or y >= p or not self.curve.curve.contains_point(x, y):
            raise CardReadError("EC point is not on the curve")
        return PointJacobi(self.curve.curve, x, y, 1, self.order)

    def map_generator(self, nonce: bytes, shared: PointJacobi) -> PointJacobi:
        """Generic mapping: G' = s*G + H."""
        mapped = self.generator * int.from_bytes(nonce, "big") + shared
        if mapped == INFINITY:
            raise CardReadError("PACE mapping produced the point at infinity")
        return PointJacobi(self.curve.curve, mapped.x(), mapped.y(), 1, self.order)

    def multiply(self, point: PointJacobi, scalar: int) -> PointJacobi:
        result = point * scalar
        if result == INFINITY:
            raise CardReadError("EC multiplication produced the point at infinity")
        return result
