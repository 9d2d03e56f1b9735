"""Named virtual-chip variants: the documents and faults the kiosk must handle."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import ecdsa
from asn1crypto import keys
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from drivers.idcard import card_access, chip_authentication, dg14, holder
from drivers.idcard.sim import cert_builder, lds_builder
from drivers.idcard.sim.access_control_card import ChipKeySource
from drivers.idcard.sim.chip_authentication_card import ChipCa
from drivers.idcard.sim.test_pki import TestPki
from drivers.idcard.sim.virtual_chip import ChipProfile, VirtualChip


def _pace(param_id: int = 13, cipher: str = "AES", key_length: int = 16) -> tuple[
        card_access.PaceInfo, ...]:
    return (card_access.PaceInfo(card_access.pace_oid("ECDH-GM", cipher, key_length), 2,
                                 param_id),)


@dataclass(frozen=True)
class CaSpec:
    """A Chip Authentication key and protocol: ``curve`` is an ecdsa curve name or "dh1024"."""

    curve: str
    cipher: str = "AES"
    key_length: int = 16
    explicit: bool = True  # EC domain parameters written out in DG14, as many states do
    info: bool = True  # False: DG14 has only the key (the 3DES protocol is implied)
    key_id: int | None = None

    @property
    def agreement(self) -> str:
        return "DH" if self.curve.startswith("dh") else "ECDH"


CA_SPECS = {
    "ecdh_aes128": CaSpec("BRAINPOOLP256r1"),
    "ecdh_3des_bp224": CaSpec("BRAINPOOLP224r1", "3DES"),
    "ecdh_aes256_p384": CaSpec("NIST384p", "AES", 32, explicit=False, key_id=1),
    "dh_aes128": CaSpec("dh1024"),
    "dh_3des": CaSpec("dh1024", "3DES", info=False),
}
# RFC 5114 2.1: 1024-bit MODP group with a 160-bit prime order subgroup (ICAO standardized
# domain parameters 0)
_DH_P = int("B10B8F96A080E01DDE92DE5EAE5D54EC52C99FBCFB06A3C69A6A9DCA52D23B616073E28675A23D189838EF1E2EE652C0"
            "13ECB4AEA906112324975C3CD49B83BFACCBDD7D90C4BD7098488E9C219A73724EFFD6FAE5644738FAA31A4FF55BCCC0"
            "A151AF5F0DC8B4BD45BF37DF365C1A65E68CFDA76D4DA708DF1FB2BC2E4A4371", 16)
_DH_G = int("A4D1CBD5C3FD34126765A442EFB99905F8104DD258AC507FD6406CFF14266D31266FEA1E5C41564B777E690F5504F213"
            "160217B4B01B886A5E91547F9E2749F4D7FBD7D3B9A92EE1909D0D2263F80A76A6A24C087A091F531DBF0A0169B6A28A"
            "D662A4D18E73AFA32D779D5918D08BC8858F4DCEF97C2A24855E6EEB22B3B2E5", 16)
_DH_Q = int("F518AA8781A8DF278ABA4E7D64B7CB9D49462353", 16)


@dataclass(frozen=True)
class Variant:
    profile: ChipProfile = field(default_factory=ChipProfile)
    signer: str = "valid"
    tamper_dg: int = 0
    portrait_bytes: int = 20_000
    aa: str = "ecdsa"  # Active Authentication key: "ecdsa", "rsa" or "" (none)
    cloned: bool = False  # DG15 copied from a genuine chip, private key unknown
    ca: str = ""  # Chip Authentication: a key of CA_SPECS, or "" (none)
    ca_cloned: bool = False  # DG14 copied from a genuine chip, private key unknown
    summary: str = ""


@functools.lru_cache(maxsize=4)
def _aa_key(kind: str, slot: int) -> ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey:
    """Chip keys, generated once per process (RSA-2048 generation takes ~0.1 s)."""
    if kind == "rsa":
        return rsa.generate_private_key(65537, 2048)
    return ec.generate_private_key(ec.SECP256R1())


VARIANTS: dict[str, Variant] = {
    "pace": Variant(summary="PACE (brainpoolP256r1, AES-128) and BAC, extended length"),
    "bac": Variant(ChipProfile(pace=False), aa="rsa",
                   summary="BAC only, no EF.CardAccess, RSA Active Authentication"),
    "no_aa": Variant(aa="", summary="PACE, no Active Authentication (a copy is undetectable)"),
    "cloned": Variant(cloned=True, summary="genuine data copied to a chip without the AA key"),
    "pace_only": Variant(ChipProfile(bac=False), summary="PACE only: BAC refused"),
    "pace_nist_p256": Variant(ChipProfile(pace_infos=_pace(12)), summary="PACE on NIST P-256"),
    "pace_p384_aes192": Variant(ChipProfile(pace_infos=_pace(15, "AES", 24)),
                                summary="PACE on NIST P-384, AES-192"),
    "pace_bp384_aes256": Variant(ChipProfile(pace_infos=_pace(16, "AES", 32)),
                                 summary="PACE on brainpoolP384r1, AES-256"),
    "pace_3des": Variant(ChipProfile(pace_infos=_pace(13, "3DES", 16)),
                         summary="PACE with 3DES session keys"),
    "pace_unsupported": Variant(ChipProfile(bac=False, pace_infos=(card_access.PaceInfo(
        card_access.pace_oid("ECDH-IM", "AES", 16), 2, 13),)),
        summary="PACE integrated mapping only: nothing this kiosk speaks"),
    "no_extended": Variant(ChipProfile(extended_length=False), summary="short APDUs only"),
    "plain_atr": Variant(ChipProfile(atr="type_b"),
                         summary="extended length, but a Type B ATR that does not say so and no EF.ATR/INFO"),
    "atr_info": Variant(ChipProfile(atr="type_b", atr_info=True),
                        summary="Type B ATR; EF.ATR/INFO announces extended length"),
    "plain_atr_short": Variant(ChipProfile(atr="type_b", extended_length=False, extended_apdu="6700"),
                               summary="Type B ATR, short APDUs only: an extended Le gets 6700 under SM"),
    "plain_atr_short_drop": Variant(ChipProfile(atr="type_b", extended_length=False),
                                    summary="Type B ATR, short APDUs only: an extended APDU ends SM"),
    "small_le": Variant(ChipProfile(extended_length=False, max_le=112),
                        summary="short APDUs, Le above 112 answered 6700"),
    "small_le_6c": Variant(ChipProfile(extended_length=False, max_le=100, short_le_error="6C"),
                           summary="short APDUs, Le above 100 answered 6C64"),
    "dg2_large": Variant(ChipProfile(extended_length=False), portrait_bytes=45_000,
                         summary="DG2 over 32 KB on a short-APDU chip (needs READ BINARY B1)"),
    "dg2_large_extended": Variant(portrait_bytes=45_000, summary="DG2 over 32 KB, extended"),
    "tampered_dg": Variant(tamper_dg=2, summary="DG2 altered after signing"),
    "revoked_signer": Variant(signer="revoked", summary="document signer on the CSCA's CRL"),
    "expired_signer": Variant(signer="expired", summary="document signer certificate expired"),
    "unknown_csca": Variant(signer="unknown_csca", summary="signed under a CSCA not trusted"),
    "explicit_csca": Variant(signer="explicit", summary="document signer (brainpoolP256r1) and CSCA "
                             "(brainpoolP384r1) keys written with explicit EC domain parameters"),
    "link_csca": Variant(signer="link", summary="signed under a CSCA key the store knows only through "
                         "a link certificate"),
    "ca_only": Variant(aa="", ca="ecdh_aes128", summary="Chip Authentication only (ECDH brainpoolP256r1 with "
                       "explicit parameters in DG14, AES-128), no Active Authentication"),
    "ca_cloned": Variant(aa="", ca="ecdh_aes128", ca_cloned=True,
                         summary="genuine data and DG14 copied to a chip without the CA private key"),
    "ca_3des": Variant(aa="", ca="ecdh_3des_bp224", summary="Chip Authentication ECDH brainpoolP224r1, 3DES "
                       "(MSE:Set KAT)"),
    "ca_p384_aes256": Variant(aa="", ca="ecdh_aes256_p384", summary="Chip Authentication ECDH P-384, AES-256, "
                              "key identifier"),
    "ca_dh": Variant(aa="", ca="dh_aes128", summary="Chip Authentication DH (RFC 5114 1024-bit group), AES-128"),
    "ca_dh_3des": Variant(aa="", ca="dh_3des", summary="Chip Authentication DH, 3DES implied (DG14 holds only "
                          "the key)"),
    "ca_and_aa": Variant(ca="ecdh_aes128", summary="Chip and Active Authentication both offered"),
    "pulled": Variant(ChipProfile(pull_after=12), summary="card leaves the field after 12 APDUs"),
    "blocked": Variant(ChipProfile(blocked=True), summary="access password blocked"),
    "lockout": Variant(ChipProfile(max_failures=3), summary="blocks after 3 wrong passwords"),
}


def ca_key(spec: CaSpec) -> tuple[keys.PublicKeyInfo, chip_authentication.EcdhGroup | chip_authentication.DhGroup,
                                   Any]:
    """A chip's static CA key: its SubjectPublicKeyInfo for DG14, the group, the private half."""
    if spec.agreement == "DH":
        group = chip_authentication.DhGroup(_DH_P, _DH_G, _DH_Q)
        private, public = group.keypair()
        spki = keys.PublicKeyInfo({"algorithm": {"algorithm": "dh", "parameters": {"p": _DH_P, "g": _DH_G,
                                                                                   "q": _DH_Q}},
                                   "public_key": int.from_bytes(public, "big")})
        return spki, group, private
    sk = ecdsa.SigningKey.generate(getattr(ecdsa, spec.curve))
    spki = cert_builder.public_key_info(sk, spec.explicit)
    group, _ = chip_authentication.group_of(spki)
    assert isinstance(group, chip_authentication.EcdhGroup)
    if group.curve is not None:  # cryptography does this curve: hand it the same scalar
        private: Any = ec.derive_private_key(sk.privkey.secret_multiplier, group.curve)
    else:
        private = sk.privkey.secret_multiplier
    return spki, group, private


def make_chip(variant: str, pki: TestPki, holder_data: holder.Holder | None = None,
              can: str | None = "123456", portrait: str | bytes = "", pull_after: int = 0,
              random: Callable[[int], bytes] = os.urandom,
              key_source: ChipKeySource | None = None, dg14_file: bytes | None = None) -> VirtualChip:
    """``dg14_file``: another document's DG14 (e.g. a published one) in place of the variant's
    own, signed into this chip's SOD; with ``ca`` set, the chip answers CA with its own key."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown virtual chip variant {variant!r}; known: {', '.join(VARIANTS)}")
    spec = VARIANTS[variant]
    profile = spec.profile
    if pull_after:
        profile = replace(profile, pull_after=pull_after)
    if isinstance(portrait, bytes):  # an image handed over in memory (the demo applicant's face)
        image, width, height = holder.portrait_from_bytes(portrait)
    else:
        image, width, height = holder.load_portrait(portrait, spec.portrait_bytes)
    aa_key = _aa_key(spec.aa, 0) if spec.aa else None
    ca_chip: ChipCa | None = None
    ca_dg14 = None
    if spec.ca:
        ca_spec = CA_SPECS[spec.ca]
        spki, group, private = ca_key(ca_spec)
        info = dg14.ChipAuthInfo(dg14.ca_oid(ca_spec.agreement, ca_spec.cipher, ca_spec.key_length), 1,
                                 ca_spec.key_id)
        ca_dg14 = (spki, ca_spec.agreement, info if ca_spec.info else None)
        if spec.ca_cloned:  # the copy answers with a key of its own
            _, _, private = ca_key(ca_spec)
        ca_chip = ChipCa(group, private, info)
    doc = lds_builder.build(holder_data or holder.Holder(), image, width, height,
                            pki.signers[spec.signer],
                            profile.pace_infos if profile.pace else (), spec.tamper_dg,
                            aa_key.public_key() if aa_key is not None else None, ca_dg14, dg14_file)
    chip_key = _aa_key(spec.aa, 1) if spec.cloned else aa_key
    return VirtualChip(doc.files, doc.mrz_info, can if profile.pace else None, profile,
                       random, key_source, chip_key, ca_chip)
