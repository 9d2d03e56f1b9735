"""Power cuts at every journal step and while printing: the restarted kiosk neither loses nor
double-issues anything, and never prints a licence into a tray nobody may be watching: it holds
it for staff, who print it from `diag printer` (or the diagnostics screen)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from drivers.registry.models import Decision
from kiosk.recovery import recover
from tests.conftest import ROOT, write_config
from tests.kiosk.flow import builders as b


def journey(config: Path, *args: str) -> tuple[int, dict]:
    """Run the kiosk process; when it ends, end its whole process group too, as a power cut would
    (worker processes of the face pipeline would otherwise outlive a killed parent)."""
    out, err = config.parent / "journey.out", config.parent / "journey.err"
    with out.open("w") as fo, err.open("w") as fe:
        proc = subprocess.Popen([sys.executable, "-m", "tests.kiosk.journey", str(config), *args], cwd=ROOT,
                                stdout=fo, stderr=fe, env=dict(os.environ), start_new_session=True)
        try:
            rc = proc.wait(timeout=240)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
    lines = [line for line in out.read_text().splitlines() if line.startswith("{")]
    return rc, (json.loads(lines[-1]) if lines else {"stderr": err.read_text()[-3000:]})


def licences(var: Path) -> int:
    db = next(var.glob("registry/*.db"))
    return sqlite3.connect(db).execute("SELECT count(*) FROM licences").fetchone()[0]


def printed_licences(var: Path) -> int:
    db = sqlite3.connect(var / "journal.db")
    return db.execute("SELECT count(*) FROM print_jobs WHERE kind='licence' AND state='confirmed'").fetchone()[0]


def held_licences(var: Path) -> list[tuple[str, str]]:
    """(job id, why) of every licence waiting for staff."""
    db = sqlite3.connect(var / "journal.db")
    return db.execute("SELECT job_id, flag FROM print_jobs WHERE kind='licence' AND state='held'").fetchall()


def main(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=180, env=dict(os.environ))


@pytest.mark.parametrize(
    ("step", "issued_after"),
    [("started", 0), ("card_read", 0), ("face_passed", 0),
     ("submitting", 0),  # journaled, not yet sent: closed, the applicant simply starts again
     ("answered", 1),  # the authority issued, the kiosk died before journaling: replay, no second licence
     ("decided", 1), ("printing", 1)],
)
def test_crash_after_each_step(tmp_path: Path, step: str, issued_after: int) -> None:
    config = write_config(tmp_path)
    rc, first = journey(config, "--crash-after", step)
    assert rc == 137, first
    rc, second = journey(config, "--recover-only")
    assert rc == 0, second
    assert second["open"] == [], "every unfinished transaction was resumed or closed"
    assert licences(tmp_path) == issued_after
    assert printed_licences(tmp_path) == 0, "nobody may be at the kiosk: nothing goes into the tray"
    assert [flag for _, flag in held_licences(tmp_path)] == ["not_printed"] * issued_after, "held, not lost"
    assert set(second["recovered"].values()) <= {"closed", "held_for_staff:licence"}
    rc, third = journey(config, "--recover-only")
    assert third["recovered"] == {} and licences(tmp_path) == issued_after == len(held_licences(tmp_path))


@pytest.mark.parametrize("stage", ["sending", "sent"])
def test_crash_while_printing_holds_the_licence_until_staff_act(tmp_path: Path, stage: str) -> None:
    """Killed mid-print: the licence may be in the printer, whole or torn. It is held with the
    reason, its transaction closes, `diag` reports a fault, and staff settle it over the CLI."""
    config = write_config(tmp_path)
    rc, first = journey(config, "--crash-in-print", stage)
    assert rc == 137, first
    rc, second = journey(config, "--recover-only")
    assert rc == 0 and second["open"] == [], second
    assert list(second["recovered"].values()) == ["held_for_staff:licence"]
    ((job, flag),) = held_licences(tmp_path)
    assert flag == "outcome_unknown" and licences(tmp_path) == 1 and printed_licences(tmp_path) == 0
    if stage == "sending":
        return
    diag = main("--config", str(config), "diag", "--json")
    assert diag.returncode == 1, diag.stderr[-2000:]
    printer = next(c for c in json.loads(diag.stdout.splitlines()[-1])["checks"] if c["device"] == "printer")
    assert (printer["status"], printer["reason"], printer["details"]["held_jobs"]) == ("fault", "printer_jobs_held", 1)
    reprint = main("--config", str(config), "diag", "printer", "--reprint", job[:8], "--json")
    assert reprint.returncode == 0, reprint.stdout + reprint.stderr[-2000:]
    assert json.loads(reprint.stdout)["action"] == {"reprint": job, "result": "confirmed"}
    assert held_licences(tmp_path) == [] and printed_licences(tmp_path) == 1 == licences(tmp_path)
    again = main("--config", str(config), "diag", "printer", "--reprint", job, "--json")
    assert again.returncode == 2 and json.loads(again.stdout)["error"] == "printer_job_error", "never a second copy"
    assert printed_licences(tmp_path) == 1
    audit = (tmp_path / "logs" / "audit.log").read_text(encoding="utf-8")
    assert f'"event": "reprint", "detail": "{job}", "source": "diag printer"' in audit


def test_policy_print_prints_a_recent_licence_on_recovery(tmp_path: Path) -> None:
    """A bureau whose staff watch the printer's tray may have the kiosk print on recovery."""
    config = write_config(tmp_path, replace={"max_attempts = 3": 'max_attempts = 3\nrecovered_print = "print"'})
    rc, first = journey(config, "--crash-after", "decided")
    assert rc == 137, first
    rc, second = journey(config, "--recover-only")
    assert rc == 0 and second["open"] == [] and list(second["recovered"].values()) == ["recovered:printed"]
    assert licences(tmp_path) == 1 == printed_licences(tmp_path) and held_licences(tmp_path) == []


def test_a_full_journey_then_a_restart_changes_nothing(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    rc, result = journey(config)
    assert rc == 0 and result["journey"] == "done" and result["issued"] == 1, result
    metrics = result["metrics"]  # scraped over HTTP from the kiosk's Prometheus endpoint
    for line in ('kiosk_transactions_total{event="started"} 1.0', 'kiosk_transactions_total{event="issued"} 1.0',
                 'kiosk_transactions_total{event="closed_printed"} 1.0', 'kiosk_step_seconds_count{step="submit"} 1.0',
                 'kiosk_step_seconds_count{step="print"} 1.0', 'kiosk_device_up{device="printer"} 1.0'):
        assert line in metrics, line
    assert "110105" not in metrics and "张伟" not in metrics and "ZHANG" not in metrics
    rc, again = journey(config, "--recover-only")
    assert again["recovered"] == {} and licences(tmp_path) == 1 == printed_licences(tmp_path)


def test_print_fails_with_the_applicant_there_then_the_kiosk_recovers(tmp_path: Path) -> None:
    """The printer fails mid-journey and is fixed a moment later: the out-of-service screen sends
    the applicant to staff, the healthy probe puts the kiosk back in service without printing the
    licence into the tray, the held licence shows as a printer fault that does not stop service,
    and the staff's reprint from diagnostics prints it once."""
    import time

    from prometheus_client import generate_latest

    from kiosk import settings as settings_mod
    from kiosk.flow.states import State
    from kiosk.launch import open_journal
    from kiosk.runner import Runner
    from kiosk.services import devices as devices_mod
    from tests.kiosk.journey import drive

    cfg = settings_mod.load(write_config(tmp_path, extra="\n[timeouts]\nout_of_service_probe = 1\n"))
    devices = devices_mod.build(cfg)
    vp = devices.printer.virtual
    print_licence = devices.print_service.print_licence

    def cover_opens_first(txn_id: str, licence: object) -> str:
        vp.open_cover()
        return print_licence(txn_id, licence)  # type: ignore[arg-type]

    devices.print_service.print_licence = cover_opens_first  # type: ignore[method-assign]
    runner = Runner(cfg, devices, open_journal(cfg))
    runner.start()
    try:
        assert drive(runner, getattr(cfg.reader.options, "can", "123456")) == "out_of_service:printer_cover_open"
        assert runner.flow.view.document_held, "the screen tells the applicant to ask staff"
        ((job, flag),) = held_licences(tmp_path)
        assert flag == "not_printed" and licences(tmp_path) == 1
        vp.open_cover(False)
        deadline = time.monotonic() + 30
        while runner.flow.state is not State.ATTRACT and time.monotonic() < deadline:
            runner.pump()
            time.sleep(0.02)
        assert runner.flow.state is State.ATTRACT, "a working printer serves the next applicant"
        assert held_licences(tmp_path) == [(job, flag)] and vp.printouts == [], "not printed into the tray"
        exposed = generate_latest(runner.metrics.registry).decode()
        assert 'kiosk_device_check{device="printer",reason="printer_jobs_held",status="fault"} 1.0' in exposed
        assert "kiosk_out_of_service 0.0" in exposed
        done = runner.technician.diag_action(f"reprint:{job}")  # the staff's button on the printer page
        printer = next(r for r in done.results if r.device == "printer")  # type: ignore[attr-defined]
        assert (printer.status, printer.details["held_jobs"]) == ("ok", 0)
        assert held_licences(tmp_path) == [] and printed_licences(tmp_path) == 1 and len(vp.printouts) == 1
    finally:
        runner.shutdown()


class FakeRegistry:
    """The authority as recovery sees it: decisions by application id, idempotent replays."""

    def __init__(self, decision: Decision | Exception) -> None:
        self.answer, self.calls = decision, []

    def decision(self, application_id: str) -> Decision:
        self.calls.append(("decision", application_id))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    def submit(self, application: object, key: str) -> Decision:
        self.calls.append(("submit", key))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[SimpleNamespace]:
    """Journal, print service on the virtual printer and a scripted authority, in this process."""
    from drivers.printer.factory import VirtualPrinterOptions, create_virtual
    from kiosk.journal import Journal
    from kiosk.printing.service import PrintService
    from kiosk.sealing import Sealer

    printer = create_virtual(VirtualPrinterOptions(confirm_wait_s=0.0), tmp_path)
    svc = PrintService(printer, tmp_path / "journal.db", poll_interval_s=0.01)
    journal = Journal(tmp_path / "journal.db", Sealer(tmp_path / "keys" / "journal.key"))
    k = SimpleNamespace(journal=journal, svc=svc, printer=printer, registry=FakeRegistry(b.decision()))
    k.devices = SimpleNamespace(print_service=svc, registry=k.registry)
    yield k
    journal.close()
    svc.close()
    printer.close()


def decided(k: SimpleNamespace, txn: str, last_step: str = "printing") -> None:
    """A transaction whose decision arrived; the power went after ``last_step``."""
    steps = ["started", "submitting", "decided", "printing"]
    for step in steps[: steps.index(last_step) + 1]:
        k.journal.record(txn, step)
    k.journal.store_application_id(txn, "app-1")


def test_a_licence_printed_before_the_crash_closes_without_asking_the_authority(kiosk: SimpleNamespace) -> None:
    decided(kiosk, "T1")
    kiosk.svc.print_licence("T1", b.LICENCE)  # confirmed; the power went before "closed"
    assert recover(kiosk.journal, kiosk.devices) == {"T1": "recovered:printed"}
    assert kiosk.registry.calls == [] and len(kiosk.printer.virtual.printouts) == 1
    assert kiosk.journal.open_transactions() == []


def test_a_licence_cut_off_while_sent_is_held_and_its_transaction_closed(kiosk: SimpleNamespace) -> None:
    decided(kiosk, "T1")
    job = kiosk.svc.store_licence("T1", b.LICENCE)
    kiosk.svc.journal.set_state(job, "sent")  # every byte left, then the power went
    assert recover(kiosk.journal, kiosk.devices) == {"T1": "held_for_staff:licence"}
    info = kiosk.svc.journal.get(job)
    assert (info.state, info.flag) == ("held", "outcome_unknown") and kiosk.registry.calls == []
    assert kiosk.journal.open_transactions() == [] and kiosk.printer.virtual.printouts == []
    assert kiosk.journal.steps("T1")[-1] == ("closed", "held_for_staff:licence")
    assert recover(kiosk.journal, kiosk.devices) == {}, "settled once: nothing left to do at the next probe"


@pytest.mark.parametrize("referral", [False, True])
def test_a_decided_transaction_is_fetched_once_and_its_document_held(kiosk: SimpleNamespace, referral: bool) -> None:
    kiosk.registry.answer = b.decision("manual_review" if referral else "approved")
    decided(kiosk, "T1", last_step="decided")
    kind = "referral" if referral else "licence"
    assert recover(kiosk.journal, kiosk.devices) == {"T1": f"held_for_staff:{kind}"}
    assert kiosk.registry.calls == [("decision", "app-1")]
    ((job, flag),) = [(j.job_id, j.flag) for j in kiosk.svc.held_jobs()]
    assert flag == "not_printed" and kiosk.svc.journal.get(job).kind == kind
    assert kiosk.printer.virtual.printouts == []
    assert recover(kiosk.journal, kiosk.devices) == {} and kiosk.registry.calls == [("decision", "app-1")]


def test_an_unanswered_submission_is_replayed_with_its_key(kiosk: SimpleNamespace) -> None:
    from kiosk.flow.form import to_application

    kiosk.journal.record("T1", "started")
    kiosk.journal.record("T1", "submitting", "key-1")
    kiosk.journal.store_submission("T1", "key-1", to_application(b.identity(), dict(b.COMPLETE_FORM)))
    assert recover(kiosk.journal, kiosk.devices) == {"T1": "held_for_staff:licence"}
    assert kiosk.registry.calls == [("submit", "key-1")]
    assert [s for s, _ in kiosk.journal.steps("T1")][-2:] == ["decided", "closed"]
    assert kiosk.journal.load_application("T1") is None, "the sealed application is dropped on closing"


def test_a_rejection_closes_and_an_unreachable_authority_postpones(kiosk: SimpleNamespace) -> None:
    from drivers.errors import ServiceUnreachable

    kiosk.registry.answer = ServiceUnreachable("down")
    decided(kiosk, "T1", last_step="decided")
    assert recover(kiosk.journal, kiosk.devices) == {"T1": "postponed:service_unreachable"}
    assert [t.txn_id for t in kiosk.journal.open_transactions()] == ["T1"]
    kiosk.registry.answer = b.decision("rejected")
    assert recover(kiosk.journal, kiosk.devices) == {"T1": "recovered:rejected"}
    assert kiosk.svc.journal.jobs() == [] and kiosk.journal.open_transactions() == []
