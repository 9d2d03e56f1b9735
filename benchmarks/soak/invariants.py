"""The promises the kiosk makes, checked against its durable records after every applicant.

Each checker is a pure function of the records (and of which transactions belong to which
applicant, as the harness saw it), so each can be proved on records with one planted violation
(tests/benchmarks/). Violations carry ids and codes only, never personal data.

"Held for staff" means the print journal keeps the job unconfirmed (failed, or flagged), which the
technician's screen lists: the licence is owed, not lost. Whether it is still on that screen is
checked separately (the screen lists only the newest jobs).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from benchmarks.soak.records import Records

HELD_STATES = ("failed", "sent", "queued", "sending")
SCREEN_JOBS = 20  # the diagnostics screen lists the newest 20 jobs (kiosk/ui/app.py)


@dataclass(frozen=True)
class Violation:
    kind: str
    detail: str
    applicant: int | None = None


def personal_data(kind: str, path: str, label: str, encoding: str, applicant: int) -> Violation:
    """A finding of the personal-data sweep (the text itself is never repeated)."""
    return Violation(kind, f"applicant {applicant}: {label} ({encoding}) in {path}", applicant)


def _owner(ledger: Mapping[int, set[str]]) -> dict[str, int]:
    return {txn: who for who, txns in ledger.items() for txn in txns}


def double_issue(rec: Records, ledger: Mapping[int, set[str]]) -> list[Violation]:
    """No licence twice: per application, per idempotency key, per applicant, and on paper."""
    out: list[Violation] = []
    for app, n in Counter(lic.application_id for lic in rec.licences).items():
        if n > 1:
            out.append(Violation("licence_twice_per_application", f"application {app}: {n} licences"))
    for key, n in Counter((a.kiosk_id, a.idempotency_key) for a in rec.applications).items():
        if n > 1:
            out.append(Violation("application_twice_per_key", f"key {key[1]}: {n} applications"))
    key_of_app = {a.public_id: a.idempotency_key for a in rec.applications}
    txn_of_key = {key: t.txn_id for key, t in rec.txn_by_key().items()}
    owner = _owner(ledger)
    per_applicant: Counter[int] = Counter()
    for lic in rec.licences:
        txn = txn_of_key.get(key_of_app.get(lic.application_id, ""))
        if txn is not None and txn in owner:
            per_applicant[owner[txn]] += 1
    for who, n in per_applicant.items():
        if n > 1:
            out.append(Violation("licence_twice_per_applicant", f"applicant {who}: {n} licences", who))
    for lic in rec.licences:
        if rec.paper.get(lic.qr_payload, 0) > 1:
            out.append(Violation("licence_printed_twice", f"licence {lic.uscc}: {rec.paper[lic.qr_payload]} "
                                 "complete printouts"))
    return out


def issued_not_delivered(rec: Records, check_paper: bool = True) -> list[Violation]:
    """Every licence the authority issued is printed (on paper, when the paper is checked) or held."""
    out: list[Violation] = []
    key_of_app = {a.public_id: a.idempotency_key for a in rec.applications}
    txns = rec.txn_by_key()
    for lic in rec.licences:
        txn = txns.get(key_of_app.get(lic.application_id, ""))
        if txn is None:
            out.append(Violation("licence_without_transaction", f"licence {lic.uscc}"))
            continue
        job = rec.job(txn.txn_id, "licence")
        if job is None:
            out.append(Violation("licence_neither_printed_nor_held", f"licence {lic.uscc} txn {txn.txn_id[:12]} "
                                 f"(journal: {txn.step}/{txn.outcome})"))
        elif job.state == "voided":
            out.append(Violation("licence_voided", f"licence {lic.uscc} job {job.job_id[:12]}"))
        elif job.state == "confirmed" and check_paper and rec.paper.get(lic.qr_payload, 0) == 0:
            out.append(Violation("licence_confirmed_not_on_paper", f"licence {lic.uscc} job {job.job_id[:12]}"))
    return out


def held_jobs(rec: Records) -> list[str]:
    """Licence and referral jobs that are owed to someone (not violations by themselves)."""
    return [j.job_id for j in rec.jobs if j.kind in ("licence", "referral") and j.state in HELD_STATES]


def held_off_screen(rec: Records) -> list[Violation]:
    """A held job the technician's screen no longer lists is owed to someone nobody will find."""
    newest = {j.job_id for j in sorted(rec.jobs, key=lambda j: j.created, reverse=True)[:SCREEN_JOBS]}
    return [Violation("held_job_off_screen", f"{j.kind} job {j.job_id[:12]} ({j.state} {j.flag or j.error})")
            for j in rec.jobs
            if j.kind in ("licence", "referral") and j.state in HELD_STATES and j.job_id not in newest]


def application_lost(rec: Records, kiosk_id: str) -> list[Violation]:
    """Every application that reached the authority is decided, and the kiosk learned the
    decision (journaled 'decided', or closed after recovery) or holds it for staff."""
    out: list[Violation] = []
    txns = rec.txn_by_key()
    learned = rec.learned_keys()
    for app in rec.applications:
        if app.kiosk_id != kiosk_id:
            continue
        if app.outcome is None:
            out.append(Violation("application_undecided", f"application {app.public_id}"))
            continue
        txn = txns.get(app.idempotency_key)
        if txn is None:
            out.append(Violation("application_without_transaction", f"application {app.public_id}"))
            continue
        if app.idempotency_key not in learned and txn.closed:
            out.append(Violation("application_lost", f"application {app.public_id} ({app.outcome}) txn "
                                 f"{txn.txn_id[:12]} closed as {txn.outcome!r} without its decision"))
            continue
        if app.outcome == "manual_review":
            job = rec.job(txn.txn_id, "referral")
            if job is None and txn.closed:
                out.append(Violation("referral_neither_printed_nor_held", f"application {app.public_id}"))
    return out


def _held(rec: Records, txn_id: str) -> bool:
    return any(j.txn_id == txn_id and j.kind in ("licence", "referral") and j.state in HELD_STATES for j in rec.jobs)


def held_transactions(rec: Records) -> list[str]:
    """Open transactions whose paper is held for staff (the product keeps them open)."""
    return [t.txn_id for t in rec.txns if not t.closed and _held(rec, t.txn_id)]


def open_transactions(rec: Records, in_service: bool) -> list[Violation]:
    """With the kiosk idle and in service, every transaction is closed (or its paper held for
    staff) and no job is in flight."""
    out: list[Violation] = []
    if in_service:
        for t in rec.txns:
            if not t.closed and not _held(rec, t.txn_id):
                out.append(Violation("transaction_left_open", f"txn {t.txn_id[:12]} at {t.step}/{t.outcome}"))
        for j in rec.jobs:
            if j.state in ("queued", "sending") or (j.state == "sent" and not j.flag):
                out.append(Violation("print_job_in_flight", f"{j.kind} job {j.job_id[:12]} {j.state}"))
    for t in rec.txns:
        if t.closed and t.sealed:
            out.append(Violation("sealed_application_kept", f"txn {t.txn_id[:12]} closed with its sealed copy"))
    return out


def check_all(rec: Records, ledger: Mapping[int, set[str]], kiosk_id: str, in_service: bool,
              check_paper: bool = True) -> list[Violation]:
    return [*double_issue(rec, ledger), *issued_not_delivered(rec, check_paper), *application_lost(rec, kiosk_id),
            *open_transactions(rec, in_service), *held_off_screen(rec)]
