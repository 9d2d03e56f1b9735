"""Adding a master list, a CSCA / link certificate or a CRL to a trust store directory.

A master list is imported only when its own signature verifies under a configured master-list
signer trust anchor, unless the technician explicitly accepts an unverified list. Whatever the
source, only what the store would use is written: certificates that end up as anchors (checked
together with what the store already holds, so links to existing CSCAs are followed) and CRLs
that verify under a CSCA of the store. Everything else is reported with its reason. Files are
named by country and fingerprint and written atomically; importing twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from drivers.errors import DeviceError
from drivers.idcard import master_list, trust_store
from drivers.idcard.certificates import Certificate
from drivers.idcard.trust_store import Problem, TrustStore


class TrustImportUnreadable(DeviceError):
    """The file to import is neither a certificate, a CRL nor a CSCA master list."""

    code = "trust_import_unreadable"
    fault = False


class MasterListUnverified(DeviceError):
    """The master list's signature does not verify under a configured master-list signer."""

    code = "master_list_unverified"
    fault = False


class TrustImportRejected(DeviceError):
    """A certificate or CRL that the trust store could not use (the detail says why)."""

    code = "trust_import_rejected"
    fault = False


@dataclass
class ImportResult:
    kind: str  # "master_list", "certificates" or "crl"
    entries: int = 0
    added: list[str] = field(default_factory=list)  # file names written
    already_present: int = 0
    rejected: list[Problem] = field(default_factory=list)
    signature: master_list.SignerCheck | None = None
    store: TrustStore | None = None  # the store as it is after the import


def import_file(raw: bytes, name: str, directory: Path, ml_signers: list[Certificate],
                allow_unverified: bool = False, stale_crl: str = "warn",
                now: dt.datetime | None = None) -> ImportResult:
    """Verify ``raw`` and write what the store can use into ``directory``.

    Raises TrustImportUnreadable, MasterListUnverified (unless ``allow_unverified``) and
    TrustImportRejected (a single certificate or CRL the store cannot use).
    """
    now = now or dt.datetime.now(dt.UTC)
    new = trust_store.Items()
    trust_store.collect(name, raw, new)
    if not new.certs and not new.crls and not new.master_lists:
        reason = new.problems[0].reason if new.problems else "empty file"
        raise TrustImportUnreadable(f"{name}: {reason}")
    result = ImportResult("master_list" if new.master_lists else "crl" if new.crls and not new.certs
                          else "certificates", entries=len(new.certs) + len(new.crls))
    if new.master_lists:
        _, ml = new.master_lists[0]
        result.signature = master_list.check_signature(ml, ml_signers, now)
        if not result.signature.verified and not allow_unverified:
            raise MasterListUnverified(f"{name}: {result.signature.describe()}")
    existing = trust_store.Items()
    if directory.is_dir():
        trust_store.read_directory(directory, existing)
    known = {hashlib.sha256(der).hexdigest() for _, der in existing.certs}
    known_crls = {der for _, der in existing.crls}
    # the new entries first, so that a certificate already in the store is counted as present
    store = trust_store.build(trust_store.Items(certs=new.certs + existing.certs, crls=new.crls + existing.crls,
                                                problems=existing.problems), str(directory), stale_crl, now=now)
    new_sources = {source for source, _ in new.certs} | {source for source, _ in new.crls}
    writes: dict[str, bytes] = {}
    kept_anchors = []
    for anchor in store.anchors:
        if anchor.source in new_sources:
            if anchor.cert.fingerprint in known:
                result.already_present += 1
                continue
            anchor.source = trust_store.store_name(anchor.cert, "csca" if anchor.kind == "self-signed" else "link")
            writes[anchor.source] = anchor.cert.der
        kept_anchors.append(anchor)
    kept_crls = []
    for crl in store.crls:
        if crl.source in new_sources:
            if crl.der in known_crls:
                result.already_present += 1
                continue
            if not crl.signature_ok:
                why = "no CSCA of its issuer in the store" if crl.signature_ok is None \
                    else "its signature does not verify under the issuer's CSCA"
                result.rejected.append(Problem(crl.source, f"CRL not imported: {why}", crl.issuer_name))
                continue
            crl.source = trust_store.crl_name(crl)
            writes[crl.source] = crl.der
        kept_crls.append(crl)
    result.rejected.extend(p for p in new.problems)
    result.rejected.extend(p for p in store.problems if p.source in new_sources)
    if not writes and result.kind != "master_list" and result.rejected and not result.already_present:
        raise TrustImportRejected(f"{result.rejected[0].source}: {result.rejected[0].reason}")
    directory.mkdir(parents=True, exist_ok=True)
    for file_name, der in sorted(writes.items()):
        _write_atomic(directory / file_name, der)
        result.added.append(file_name)
    # the store as the directory now holds it (what was rejected was not written)
    store.anchors, store.crls = kept_anchors, kept_crls
    store.problems = [p for p in store.problems if p.source not in new_sources]
    result.store = store
    return result


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".import-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
