"""EC domain parameters as ICAO documents write them: by name, or spelled out in full.

Several states write their CSCA, document signer and Chip Authentication keys with explicit
domain parameters (prime, a, b, generator, order, cofactor) instead of a curve OID; the
`cryptography` X.509 parser refuses such certificates outright. `ecdsa` decodes explicit
parameters and recognises the standard curves among them, so it does the decoding here;
`cryptography` then does the arithmetic wherever it supports the curve (it is ~50x faster),
and `ecdsa` does it for the rest (brainpoolP192/224/320r1, twisted or unnamed curves).

Only the checks `ecdsa` leaves out are written here: that explicit parameters claimed to be a
standard curve carry that curve's order and cofactor, and that an unnamed curve is a sound
group (prime field, non-singular, generator of the stated prime order), and that no curve is
smaller than 192 bits (the smallest ICAO 9303 allows).
"""

from __future__ import annotations

from dataclasses import dataclass

import ecdsa
from asn1crypto import keys
from cryptography.hazmat.primitives.asymmetric import ec
from ecdsa import numbertheory
from ecdsa.ellipticcurve import INFINITY

#: ecdsa curve name -> cryptography curve class (the curves OpenSSL implements)
_CRYPTOGRAPHY = {
    "NIST192p": ec.SECP192R1, "NIST224p": ec.SECP224R1, "NIST256p": ec.SECP256R1,
    "NIST384p": ec.SECP384R1, "NIST521p": ec.SECP521R1, "SECP256k1": ec.SECP256K1,
    "BRAINPOOLP256r1": ec.BrainpoolP256R1, "BRAINPOOLP384r1": ec.BrainpoolP384R1,
    "BRAINPOOLP512r1": ec.BrainpoolP512R1,
}
#: ecdsa curve name -> the name technicians know (RFC 5639 / SEC 2 / FIPS 186)
_DISPLAY = {
    "NIST192p": "P-192", "NIST224p": "P-224", "NIST256p": "P-256", "NIST384p": "P-384",
    "NIST521p": "P-521", "SECP256k1": "secp256k1",
}
MIN_FIELD_BITS = 192


class CurveUnsupported(ValueError):
    """Domain parameters that are malformed, insecure or of a kind this kiosk cannot use."""


@dataclass(frozen=True)
class EcDomain:
    curve: ecdsa.curves.Curve
    explicit: bool  # the parameters were written out rather than named by OID

    @property
    def named(self) -> bool:
        return self.curve.name != "unknown"

    @property
    def name(self) -> str:
        if not self.named:
            return f"unnamed {self.bits}-bit curve"
        raw = self.curve.name
        return _DISPLAY.get(raw, raw.replace("BRAINPOOLP", "brainpoolP"))

    @property
    def bits(self) -> int:
        return self.curve.curve.p().bit_length()

    @property
    def size(self) -> int:
        """Bytes of one field element (coordinate / shared secret length)."""
        return (self.bits + 7) // 8

    @property
    def crypto_curve(self) -> ec.EllipticCurve | None:
        cls = _CRYPTOGRAPHY.get(self.curve.name) if self.named else None
        return cls() if cls is not None else None

    def describe(self) -> str:
        return f"{self.name} (explicit parameters)" if self.explicit else self.name


def from_parameters(params: keys.ECDomainParameters) -> EcDomain:
    """Decode ECParameters (named curve OID or specified parameters); CurveUnsupported if
    they are malformed, implicit, binary-field, or an unsound unnamed group."""
    if params.name == "implicit_ca":
        raise CurveUnsupported("implicitly-CA EC parameters are not usable")
    try:
        curve = ecdsa.curves.Curve.from_der(params.dump())
    except (ecdsa.curves.UnknownCurveError, ecdsa.der.UnexpectedDER, ecdsa.errors.MalformedPointError,
            ValueError, AssertionError) as exc:
        raise CurveUnsupported(f"EC parameters not usable: {exc}") from exc
    bits = curve.curve.p().bit_length()
    if bits < MIN_FIELD_BITS:
        raise CurveUnsupported(f"{bits}-bit EC curve is too small")
    explicit = params.name == "specified"
    if explicit:
        _check_explicit(curve, params.chosen)
    return EcDomain(curve, explicit)


def _check_explicit(curve: ecdsa.curves.Curve, spec: keys.SpecifiedECDomain) -> None:
    try:
        order = spec["order"].native
        cofactor = spec["cofactor"].native
    except (ValueError, TypeError) as exc:
        raise CurveUnsupported("explicit EC parameters malformed") from exc
    if curve.name != "unknown":
        # ecdsa matched prime, a, b and the generator; the stated order and cofactor must agree
        if order != curve.order or cofactor not in (None, curve.curve.cofactor() or 1):
            raise CurveUnsupported(f"explicit parameters of {curve.name} with a wrong order or cofactor")
        return
    fp = curve.curve
    p, a, b = fp.p(), fp.a(), fp.b()
    if not numbertheory.is_prime(p) or not numbertheory.is_prime(order):
        raise CurveUnsupported("unnamed curve: field size or order is not prime")
    if (4 * a * a * a + 27 * b * b) % p == 0:
        raise CurveUnsupported("unnamed curve is singular")
    if order.bit_length() < MIN_FIELD_BITS - 1 or curve.generator * order != INFINITY:
        raise CurveUnsupported("unnamed curve: the generator does not have the stated order")


def named(name: str) -> EcDomain:
    """A standard curve by its ecdsa name (e.g. "BRAINPOOLP256r1")."""
    return EcDomain(getattr(ecdsa, name), explicit=False)
