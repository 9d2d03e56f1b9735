"""A faithful stand-in for the ICAO master list, built by the test PKI.

The real list published through the ICAO PKD (520 CSCA certificates, 34 of them Chinese)
cannot be shipped with the project. This builds one with the same traits that
break naive loaders: RSA and EC keys on NIST and brainpool curves, explicit EC domain
parameters in keys and in signature AlgorithmIdentifiers (as Germany's, Austria's, the UAE's
and Japan's entries have), one curve matching no standard one, zero and negative serial
numbers, expired and not-yet-valid CSCAs, link certificates (a new key signed with the old one,
one of them whose old CSCA is absent), a damaged entry, and a CMS signature by a master-list
signer issued by a CSCA of the test PKI.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections import Counter
from dataclasses import dataclass, field

import ecdsa
from asn1crypto import core
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from drivers.idcard import cms_signature, master_list
from drivers.idcard.sim import cert_builder
from drivers.idcard.sim.cert_builder import PrivateKey
from drivers.idcard.sod import signing

COUNTRIES = ("AD AE AL AM AR AT AU AZ BA BD BE BG BH BJ BR BW BY CA CH CI CL CM CO CR CY CZ DE DK DZ EC EE "
             "EG ES FI FR GB GE GH GR HK HR HU ID IE IL IN IQ IR IS IT JM JO JP KE KG KR KW KZ LB LT LU "
             "LV MA MC MD ME MK MN MO MT MX MY NG NL NO NP NZ OM PA PE PH PK PL PT PY QA RO RS RU RW SA "
             "SC SE SG SI SK SN TH TJ TM TN TR TZ UA UG US UY UZ VN ZA ZW").split()
_EC_CURVES = (ec.SECP256R1, ec.SECP384R1, ec.SECP521R1, ec.BrainpoolP256R1, ec.BrainpoolP384R1,
              ec.BrainpoolP512R1)


@dataclass
class Manifest:
    """What the builder put in, for tests to compare the loader's findings against."""

    total: int = 0
    countries: Counter[str] = field(default_factory=Counter)
    explicit: list[str] = field(default_factory=list)  # country of each explicit-parameter entry
    unnamed_curve: int = 0
    expired: int = 0
    not_yet_valid: int = 0
    links: int = 0
    orphan_links: int = 0
    corrupt: int = 0
    zero_or_negative_serials: int = 0


@functools.lru_cache(maxsize=4)
def _rsa_key(bits: int, slot: int) -> rsa.RSAPrivateKey:
    """RSA generation takes 0.1-1 s: a few keys are shared by many test certificates."""
    return rsa.generate_private_key(65537, bits)


class _Builder:
    def __init__(self, now: dt.datetime, seed: int) -> None:
        self.now, self.rng = now, random.Random(seed)
        self.entries: list[bytes] = []
        self.manifest = Manifest()

    def csca(self, country: str, cn: str, key: PrivateKey, serial: int | None = None,
             explicit: bool = False, params_in_algorithm: bool = False, years: tuple[int, int] = (-2, 10),
             record: bool = True) -> bytes:
        spki = cert_builder.public_key_info(key, explicit)
        subject = cert_builder.name(cn, country, f"Government of {country}")
        serial = self.rng.randrange(1, 1 << 63) if serial is None else serial
        der = cert_builder.certificate(
            subject, subject, spki, key, spki, serial, self._at(years[0]), self._at(years[1]), True,
            algorithm_parameters=cert_builder.explicit_parameters(key) if params_in_algorithm else None)
        if record:
            self.add(der, country)
            if explicit:
                self.manifest.explicit.append(country)
            if serial <= 0:
                self.manifest.zero_or_negative_serials += 1
            if years[1] < 0:
                self.manifest.expired += 1
            if years[0] > 0:
                self.manifest.not_yet_valid += 1
        return der

    def link(self, country: str, cn: str, old: PrivateKey, new: PrivateKey, orphan: bool = False) -> None:
        subject = cert_builder.name(cn, country, f"Government of {country}")
        der = cert_builder.certificate(
            subject, subject, cert_builder.public_key_info(new), old, cert_builder.public_key_info(old),
            self.rng.randrange(1, 1 << 31), self._at(-1), self._at(9), True)
        self.add(der, country)
        self.manifest.links += 1
        self.manifest.orphan_links += orphan

    def add(self, der: bytes, country: str) -> None:
        self.entries.append(der)
        self.manifest.total += 1
        self.manifest.countries[country] += 1

    def _at(self, years: float) -> dt.datetime:
        return self.now + dt.timedelta(days=365 * years + self.rng.randrange(0, 200))

    def ec_key(self) -> ec.EllipticCurvePrivateKey:
        return ec.generate_private_key(self.rng.choice(_EC_CURVES)())


def build(signer_key: PrivateKey, signer_cert_der: bytes, include: list[bytes] | None = None,
          total: int = 520, now: dt.datetime | None = None, seed: int = 9303,
          corrupt_signature: bool = False) -> tuple[bytes, Manifest]:
    """A master list of ``total`` entries, or of the ~25 special ones when ``total`` is smaller
    (``include`` first: the test PKI's own CSCAs)."""
    now = now or dt.datetime.now(dt.UTC)
    b = _Builder(now, seed)
    for der in include or []:
        b.add(der, "CN")
    # entries with explicit EC parameters, as the real list has them
    b.csca("DE", "csca-germany", ec.generate_private_key(ec.BrainpoolP256R1()), explicit=True,
           params_in_algorithm=True)
    b.csca("AT", "CSCA-AUSTRIA", ec.generate_private_key(ec.BrainpoolP384R1()), explicit=True,
           params_in_algorithm=True)
    b.csca("AT", "CSCA-AUSTRIA", ec.generate_private_key(ec.BrainpoolP384R1()), explicit=True,
           years=(-12, -1))
    b.csca("AE", "UAE CSCA", ec.generate_private_key(ec.SECP256R1()), explicit=True, params_in_algorithm=True)
    for curve in (ec.SECP256R1, ec.BrainpoolP512R1, ec.SECP521R1):
        b.csca("JP", "e-passportCSCA", ec.generate_private_key(curve()), explicit=True, params_in_algorithm=True)
    b.csca("DE", "csca-germany", ecdsa.SigningKey.generate(ecdsa.BRAINPOOLP320r1), explicit=True)
    b.csca("ZW", "CSCA", ecdsa.SigningKey.generate(cert_builder.unnamed_curve()), explicit=True)
    b.manifest.unnamed_curve += 1
    # zero and negative serial numbers
    b.csca("KZ", "CSCA-KZ", b.ec_key(), serial=0)
    b.csca("NL", "CSCA NL", b.ec_key(), serial=-0x7A2B)
    # link certificates: old CSCA, the link (new key signed by the old one), the new CSCA
    for country in ("GB", "FR", "HU"):
        old, new = b.ec_key(), b.ec_key()
        b.csca(country, f"CSCA {country}", old, years=(-9, 3))
        b.link(country, f"CSCA {country}", old, new)
        b.csca(country, f"CSCA {country}", new)
    b.link("PL", "CSCA PL", b.ec_key(), b.ec_key(), orphan=True)  # its old CSCA is not listed
    # expired and not yet valid
    b.csca("US", "U.S. Department of State MRTD CA", _rsa_key(2048, 0), years=(-15, -3))
    b.csca("SG", "Singapore Passport CA", b.ec_key(), years=(1, 11))
    # a damaged entry: a well-formed outer SEQUENCE around bytes that are no certificate
    b.entries.append(b"\x30\x82\x00\x20" + bytes(b.rng.randrange(256) for _ in range(32)))
    b.manifest.total += 1
    b.manifest.corrupt += 1
    # the bulk: ordinary CSCAs (34 Chinese in all, as in the real list)
    rsa_keys = [_rsa_key(2048, 1), _rsa_key(3072, 2)]
    while b.manifest.total < total:
        country = "CN" if b.manifest.countries["CN"] < 34 else b.rng.choice(COUNTRIES)
        key = b.rng.choice(rsa_keys) if b.rng.random() < 0.35 else b.ec_key()
        b.csca(country, f"CSCA {country} {b.manifest.countries[country] + 1}", key)
    econtent = master_list.CscaMasterList({"version": 0,
                                           "cert_list": [core.Any.load(e) for e in b.entries]}).dump()
    raw = cms_signature.build(econtent, master_list.CSCA_MASTER_LIST_OID, signing(signer_key),
                              signer_cert_der)
    if corrupt_signature:
        raw = _flip_signature(raw)
    return raw, b.manifest


def _flip_signature(raw: bytes) -> bytes:
    from asn1crypto import cms

    info = cms.ContentInfo.load(raw)
    si = info["content"]["signer_infos"][0]
    sig = bytearray(si["signature"].native)
    sig[len(sig) // 2] ^= 0x01
    si["signature"] = bytes(sig)
    return info.dump(force=True)
