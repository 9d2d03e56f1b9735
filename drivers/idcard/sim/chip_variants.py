"""Named virtual-chip variants: the documents and faults the kiosk must handle."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from cryptography.hazmat.primitives.asymmetric import ec, rsa

from drivers.idcard import card_access, holder
from drivers.idcard.sim import lds_builder
from drivers.idcard.sim.access_control_card import ChipKeySource
from drivers.idcard.sim.test_pki import TestPki
from drivers.idcard.sim.virtual_chip import ChipProfile, VirtualChip


def _pace(param_id: int = 13, cipher: str = "AES", key_length: int = 16) -> tuple[
        card_access.PaceInfo, ...]:
    return (card_access.PaceInfo(card_access.pace_oid("ECDH-GM", cipher, key_length), 2,
                                 param_id),)


@dataclass(frozen=True)
class Variant:
    profile: ChipProfile = field(default_factory=ChipProfile)
    signer: str = "valid"
    tamper_dg: int = 0
    portrait_bytes: int = 20_000
    aa: str = "ecdsa"  # Active Authentication key: "ecdsa", "rsa" or "" (none)
    cloned: bool = False  # DG15 copied from a genuine chip, private key unknown
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
    "pulled": Variant(ChipProfile(pull_after=12), summary="card leaves the field after 12 APDUs"),
    "blocked": Variant(ChipProfile(blocked=True), summary="access password blocked"),
    "lockout": Variant(ChipProfile(max_failures=3), summary="blocks after 3 wrong passwords"),
}


def make_chip(variant: str, pki: TestPki, holder_data: holder.Holder | None = None,
              can: str | None = "123456", portrait: str | bytes = "", pull_after: int = 0,
              random: Callable[[int], bytes] = os.urandom,
              key_source: ChipKeySource | None = None) -> VirtualChip:
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
    doc = lds_builder.build(holder_data or holder.Holder(), image, width, height,
                            pki.signers[spec.signer],
                            profile.pace_infos if profile.pace else (), spec.tamper_dg,
                            aa_key.public_key() if aa_key is not None else None)
    chip_key = _aa_key(spec.aa, 1) if spec.cloned else aa_key
    return VirtualChip(doc.files, doc.mrz_info, can if profile.pace else None, profile,
                       random, key_source, chip_key)
