"""The soak's invariant checkers: silent on consistent records, and each one catches the
violation planted in otherwise consistent records."""

from __future__ import annotations

import dataclasses
from collections import Counter

from benchmarks.soak import invariants as inv
from benchmarks.soak.records import PrintJob, Records, RegApplication, RegLicence, Txn

KIOSK = "soak-kiosk-01"


def _clean() -> tuple[Records, dict[int, set[str]]]:
    """Two applicants, both served: every record agrees with every other."""
    rec = Records()
    ledger: dict[int, set[str]] = {}
    for i in range(2):
        txn, key, app = f"txn{i:029d}", f"key{i:029d}", f"app-{i}"
        rec.applications.append(RegApplication(app, KIOSK, key, "approved"))
        rec.licences.append(RegLicence(f"USCC{i}", app, f"LK1:{i}"))
        rec.txns.append(Txn(txn, "closed", "printed", key, app, True, False))
        rec.steps[txn] = [("started", ""), ("submitting", key), ("decided", "approved"), ("printing", "licence"),
                          ("closed", "printed")]
        rec.jobs.append(PrintJob(f"job{i}", txn, "licence", "confirmed", 1, "", "", float(i)))
        rec.paper[f"LK1:{i}"] = 1
        ledger[i] = {txn}
    return rec, ledger


def _kinds(violations: list[inv.Violation]) -> set[str]:
    return {v.kind for v in violations}


def test_consistent_records_have_no_violation() -> None:
    rec, ledger = _clean()
    assert inv.check_all(rec, ledger, KIOSK, in_service=True) == []


def test_a_second_licence_for_the_same_applicant_is_caught() -> None:
    rec, ledger = _clean()
    # applicant 0 started again and got a licence under a new key in a second transaction
    rec.applications.append(RegApplication("app-x", KIOSK, "key-x" * 6, "approved"))
    rec.licences.append(RegLicence("USCCX", "app-x", "LK1:x"))
    rec.txns.append(Txn("txn-x", "closed", "printed", "key-x" * 6, "app-x", True, False))
    rec.steps["txn-x"] = [("submitting", "key-x" * 6), ("decided", "approved"), ("closed", "printed")]
    rec.jobs.append(PrintJob("job-x", "txn-x", "licence", "confirmed", 1, "", "", 9.0))
    rec.paper["LK1:x"] = 1
    ledger[0].add("txn-x")
    found = inv.double_issue(rec, ledger)
    assert [(v.kind, v.applicant) for v in found] == [("licence_twice_per_applicant", 0)]


def test_a_licence_printed_twice_on_paper_is_caught() -> None:
    rec, ledger = _clean()
    rec.paper["LK1:1"] = 2
    assert _kinds(inv.double_issue(rec, ledger)) == {"licence_printed_twice"}


def test_two_applications_under_one_key_are_caught() -> None:
    rec, ledger = _clean()
    rec.applications.append(dataclasses.replace(rec.applications[0], public_id="app-dup"))
    assert _kinds(inv.double_issue(rec, ledger)) == {"application_twice_per_key"}


def test_two_licences_for_one_application_are_caught() -> None:
    rec, ledger = _clean()
    rec.licences.append(RegLicence("USCC0B", "app-0", "LK1:0b"))
    assert "licence_twice_per_application" in _kinds(inv.double_issue(rec, ledger))


def test_a_licence_with_no_print_job_is_caught() -> None:
    rec, _ = _clean()
    rec.jobs = [j for j in rec.jobs if j.txn_id != rec.txns[1].txn_id]
    assert _kinds(inv.issued_not_delivered(rec)) == {"licence_neither_printed_nor_held"}


def test_a_held_licence_is_owed_not_lost() -> None:
    rec, _ = _clean()
    rec.jobs[1] = dataclasses.replace(rec.jobs[1], state="sent", flag="outcome_unknown")
    rec.paper = Counter({"LK1:0": 1})
    assert inv.issued_not_delivered(rec) == []
    assert inv.held_jobs(rec) == ["job1"]


def test_a_confirmed_job_missing_from_the_paper_is_caught() -> None:
    rec, _ = _clean()
    del rec.paper["LK1:1"]
    assert _kinds(inv.issued_not_delivered(rec)) == {"licence_confirmed_not_on_paper"}
    assert inv.issued_not_delivered(rec, check_paper=False) == []


def test_a_held_job_the_technicians_screen_no_longer_lists_is_caught() -> None:
    rec, _ = _clean()
    rec.jobs[0] = dataclasses.replace(rec.jobs[0], state="failed", error="printer_paper_out", created=-1.0)
    assert inv.held_off_screen(rec) == []
    rec.jobs += [PrintJob(f"later{n}", f"t{n}", "licence", "confirmed", 1, "", "", 10.0 + n) for n in range(20)]
    assert _kinds(inv.held_off_screen(rec)) == {"held_job_off_screen"}


def test_an_application_closed_without_its_decision_is_caught() -> None:
    rec, _ = _clean()
    txn = rec.txns[1].txn_id
    rec.steps[txn] = [("started", ""), ("submitting", rec.txns[1].idempotency_key or ""),
                      ("closed", "abandoned_on_restart")]
    found = inv.application_lost(rec, KIOSK)
    assert _kinds(found) == {"application_lost"}


def test_a_decision_learned_through_recovery_is_not_lost() -> None:
    rec, _ = _clean()
    txn = rec.txns[1].txn_id
    rec.steps[txn] = [("submitting", rec.txns[1].idempotency_key or ""), ("fault", "service_unreachable"),
                      ("printing", "licence_after_restart"), ("closed", "recovered:approved")]
    assert inv.application_lost(rec, KIOSK) == []


def test_an_earlier_key_of_a_resubmitted_transaction_still_maps_to_it() -> None:
    rec, ledger = _clean()
    # applicant 1's first submission was rejected (name taken); the txn row keeps only the second key
    rec.applications.append(RegApplication("app-r", KIOSK, "first-key-1", "rejected"))
    txn = rec.txns[1].txn_id
    rec.steps[txn] = [("submitting", "first-key-1"), ("decided", "rejected"),
                      *rec.steps[txn][1:]]
    assert inv.check_all(rec, ledger, KIOSK, in_service=True) == []


def test_an_undecided_application_is_caught() -> None:
    rec, _ = _clean()
    rec.applications[0] = dataclasses.replace(rec.applications[0], outcome=None)
    assert _kinds(inv.application_lost(rec, KIOSK)) == {"application_undecided"}


def test_an_application_the_kiosk_never_journaled_is_caught() -> None:
    rec, _ = _clean()
    rec.applications.append(RegApplication("app-ghost", KIOSK, "ghost-key", "approved"))
    assert _kinds(inv.application_lost(rec, KIOSK)) == {"application_without_transaction"}


def test_a_transaction_left_open_in_service_is_caught() -> None:
    rec, _ = _clean()
    rec.txns[0] = dataclasses.replace(rec.txns[0], closed=False, step="face_passed")
    assert _kinds(inv.open_transactions(rec, in_service=True)) == {"transaction_left_open"}
    assert inv.open_transactions(rec, in_service=False) == []


def test_an_open_transaction_whose_paper_is_held_is_not_a_violation() -> None:
    rec, _ = _clean()
    rec.txns[0] = dataclasses.replace(rec.txns[0], closed=False, step="printing")
    rec.jobs[0] = dataclasses.replace(rec.jobs[0], state="sent", flag="outcome_unknown")
    assert inv.open_transactions(rec, in_service=True) == []
    assert inv.held_transactions(rec) == [rec.txns[0].txn_id]


def test_a_print_job_stuck_in_flight_is_caught() -> None:
    rec, _ = _clean()
    rec.jobs[1] = dataclasses.replace(rec.jobs[1], state="sending")
    assert "print_job_in_flight" in _kinds(inv.open_transactions(rec, in_service=True))


def test_a_closed_transaction_keeping_its_sealed_application_is_caught() -> None:
    rec, _ = _clean()
    rec.txns[1] = dataclasses.replace(rec.txns[1], sealed=True)
    assert _kinds(inv.open_transactions(rec, in_service=True)) == {"sealed_application_kept"}


def test_each_applicant_with_two_licences_is_a_violation_of_its_own() -> None:
    """The harness reports each distinct (kind, detail) once: two applicants must not share one."""
    rec, ledger = _clean()
    for who in (0, 1):
        txn, key, app = f"again{who}", f"again-key-{who}", f"app-again-{who}"
        rec.applications.append(RegApplication(app, KIOSK, key, "approved"))
        rec.licences.append(RegLicence(f"USCC-again-{who}", app, f"LK1:again{who}"))
        rec.txns.append(Txn(txn, "closed", "printed", key, app, True, False))
        ledger[who].add(txn)
    found = [v for v in inv.double_issue(rec, ledger) if v.kind == "licence_twice_per_applicant"]
    assert sorted(v.applicant for v in found) == [0, 1]
    assert len({v.detail for v in found}) == 2


def test_personal_data_findings_of_two_applicants_stay_apart() -> None:
    a = inv.personal_data("personal_data_on_disk", "journal.db-wal", "name", "utf-8", 3)
    b = inv.personal_data("personal_data_on_disk", "journal.db-wal", "name", "utf-8", 4)
    assert a.detail != b.detail and (a.applicant, b.applicant) == (3, 4)
