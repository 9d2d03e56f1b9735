"""Passive Authentication (ICAO 9303-11 5.1): is the chip's data signed by a trusted state?

Never raises for a bad chip: the outcome is a PassiveAuthResult with a stable failure code
(``sod_malformed``, ``sod_no_signer``, ``sod_algorithm``, ``sod_content_type``,
``sod_message_digest``, ``sod_signature``, ``csca_unknown``, ``signer_chain``,
``signer_not_yet_valid``, ``signer_expired``, ``csca_expired``, ``crl_invalid``, ``crl_stale``,
``signer_revoked``, ``dg_hash:DGn``, ``dg_not_covered:DGn``).

`SodCheck` checks the signature and the certificate chain once, so that a reader can trust
DG14 (Chip Authentication) before reading the rest, and check every data group's hash later.
Document signer and CSCA keys may use explicit EC domain parameters (`public_keys`).
"""

from __future__ import annotations

import datetime as dt
import hmac

from drivers.errors import CardReadError
from drivers.idcard import cms_signature
from drivers.idcard.base import PassiveAuthResult
from drivers.idcard.certificates import Certificate
from drivers.idcard.sod import HASHES, LDS_SECURITY_OBJECT_OID, Sod, parse_sod
from drivers.idcard.trust_store import Anchor, TrustStore


class _Fail(Exception):
    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code, self.detail = code, detail


class SodCheck:
    """EF.SOD parsed, its signature and certificate chain checked once (never raises)."""

    def __init__(self, sod_bytes: bytes, trust: TrustStore, now: dt.datetime | None = None) -> None:
        self.now = now or dt.datetime.now(dt.UTC)
        self.sod: Sod | None = None
        self.signer: Certificate | None = None
        self.failure: _Fail | None = None
        self.notes: list[str] = []
        try:
            try:
                self.sod = parse_sod(sod_bytes)
            except CardReadError as exc:
                raise _Fail("sod_malformed", exc.detail) from exc
            self.signer = _check_signature(self.sod)
            _check_chain(self.signer, trust, self.now, self.notes)
        except _Fail as fail:
            self.failure = fail
        except Exception as exc:  # forged input can break any parser below us: never raise
            self.failure = _Fail("sod_malformed", f"unexpected {type(exc).__name__}")

    def covers(self, number: int, content: bytes) -> bool:
        """True when the signature and chain hold and EF.SOD's hash for DG``number`` matches."""
        if self.failure is not None or self.sod is None:
            return False
        try:
            _check_hashes(self.sod, {number: content})
        except _Fail:
            return False
        return True

    def result(self, files: dict[int, bytes]) -> PassiveAuthResult:
        """``files`` maps data-group number -> the complete file as read from the chip."""
        if self.sod is None:
            assert self.failure is not None
            return PassiveAuthResult(False, self.failure.code, self.failure.detail)
        try:
            _check_hashes(self.sod, files)
        except _Fail as fail:
            return PassiveAuthResult(False, fail.code, fail.detail)
        if self.failure is not None:
            return PassiveAuthResult(False, self.failure.code, self.failure.detail)
        assert self.signer is not None
        covered = ",".join(f"DG{n}" for n in sorted(files))
        detail = "; ".join([f"{covered} signed by {self.signer.short_subject}", *self.notes])
        return PassiveAuthResult(True, None, detail)


def verify(sod_bytes: bytes, files: dict[int, bytes], trust: TrustStore,
           now: dt.datetime | None = None) -> PassiveAuthResult:
    """``files`` maps data-group number -> the complete file as read from the chip."""
    return SodCheck(sod_bytes, trust, now).result(files)


def _check_hashes(sod: Sod, files: dict[int, bytes]) -> None:
    h = HASHES[sod.hash_algorithm]
    for number, content in sorted(files.items()):
        expected = sod.dg_hashes.get(number)
        if expected is None:
            raise _Fail(f"dg_not_covered:DG{number}", "EF.SOD has no hash for a read data group")
        if not hmac.compare_digest(h(content).digest(), expected):
            raise _Fail(f"dg_hash:DG{number}", f"DG{number} hash differs from EF.SOD")


def _check_signature(sod: Sod) -> Certificate:
    try:
        return cms_signature.verify(sod.signed_data, sod.econtent, LDS_SECURITY_OBJECT_OID)
    except cms_signature.CmsFailure as exc:
        code = {"no_signer": "sod_no_signer", "algorithm": "sod_algorithm",
                "content_type": "sod_content_type", "message_digest": "sod_message_digest",
                "signature": "sod_signature"}.get(exc.code, "sod_malformed")
        if exc.code == "no_signer" and sod.certificate is not None:
            code, detail = "sod_malformed", "document signer certificate unreadable"
        else:
            detail = "EF.SOD signature does not verify" if code == "sod_signature" else exc.detail
        raise _Fail(code, detail) from exc


def _check_chain(signer: Certificate, trust: TrustStore, now: dt.datetime, notes: list[str]) -> None:
    candidates = trust.candidates_for(signer, now)
    if not candidates:
        raise _Fail("csca_unknown", f"no CSCA for {signer.issuer.human_friendly} in {trust.source}")
    csca: Anchor | None = next((c for c in candidates if signer.verify_signed_by(c.key)), None)
    if csca is None:
        raise _Fail("signer_chain", "document signer not signed by any matching CSCA")
    if now < signer.not_before:
        raise _Fail("signer_not_yet_valid", "document signer certificate not yet valid")
    if now > signer.not_after:
        raise _Fail("signer_expired", "document signer certificate expired")
    if not csca.cert.valid_at(now):
        raise _Fail("csca_expired", "CSCA certificate outside its validity")
    if csca.kind == "link":
        notes.append(f"CSCA key from link certificate {csca.source}")
    for crl in trust.crls_for(csca.cert):
        if not crl.signature_ok:
            raise _Fail("crl_invalid", f"CRL {crl.source} does not verify under its CSCA")
        if crl.stale(now):
            when = crl.next_update.date().isoformat() if crl.next_update else "?"
            if trust.refuse_stale_crls:
                raise _Fail("crl_stale", f"CRL {crl.source} past its next update ({when})")
            notes.append(f"CRL {crl.source} past its next update ({when})")
        if signer.serial in crl.revoked:
            raise _Fail("signer_revoked", "document signer certificate is revoked")
