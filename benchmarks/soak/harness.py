"""The headless soak: N applicants through the kiosk child, faults from the schedule, the
technician's part, and the invariants after every applicant.

Layout of a run directory: ``var/`` is the kiosk's var dir (it persists across kills; the
registration service's SQLite database and keys are in ``var/registry`` as in the embedded demo);
everything the harness writes itself (config, kiosk stderr, report) is beside it, never in var/.
The registration service runs in this process (the embedded service module, on loopback) so that
killing the kiosk does not kill the authority, and the kiosk reaches it through the fault proxy
with the production HTTP client.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.soak import faults as faults_mod
from benchmarks.soak import invariants, pii, records, resources
from benchmarks.soak.applicants import Applicant, generate
from benchmarks.soak.kiosk_child import TECHNICIAN_PIN
from benchmarks.soak.paper import Tray
from benchmarks.soak.proxy import FaultProxy
from registry_service.limits import RateLimits

ROOT = Path(__file__).resolve().parents[2]
KIOSK_ID = "soak-kiosk-01"
READ_TIMEOUT_S = 2.0


@dataclass
class Options:
    applicants: int = 1000
    fault_rate: float = 0.10
    seed: int = 1
    out: Path = Path("/tmp/kiosk-soak")
    face_full_every: int = 10  # every Nth applicant gets the shipped face settings, the rest the fast ones
    sample_every: int = 50
    pii_sweep_every: int = 50  # all applicants' texts over every file (each applicant: their own, changed files)
    faults: dict[str, int] | None = None
    journey_limit_s: float = 180.0
    technician_first: bool = False  # after a kill: the technician reprints before the applicant decides
    trim_printer_memory: bool = False  # drop the virtual printer's in-memory printouts before each applicant
    reaction_s: float = 0.4  # the scripted applicant's reaction to each face-check prompt
    verbose: bool = False


@dataclass
class Stats:
    outcomes: Counter[str] = field(default_factory=Counter)
    faults_planned: Counter[str] = field(default_factory=Counter)
    faults_fired: Counter[str] = field(default_factory=Counter)
    violations: dict[tuple[str, str], int | None] = field(default_factory=dict)
    samples: list[resources.Sample] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    seconds_by_face: dict[str, list[float]] = field(default_factory=dict)
    check_seconds: float = 0.0
    restarts: int = 0
    recovered: Counter[str] = field(default_factory=Counter)
    technician: Counter[str] = field(default_factory=Counter)
    out_of_service: Counter[str] = field(default_factory=Counter)


# The smallest decision pause the config allows (it must be above 0): the 2.5 s pause is for people
DECISION_PAUSE_S = 0.01
# Per-kiosk limits for the soak's own authority: one kiosk here serves an applicant every few
# seconds, not every few minutes, and crash-recovery replays come on top. The shipped defaults
# (registry_service.limits.RateLimits) stay as they are.
SOAK_RATE_LIMITS = RateLimits(submit_per_minute=600, submit_burst=100, request_per_minute=6000, request_burst=600)


def kiosk_config(var: Path, registry_url: str, public_key: Path, reaction_s: float = 0.4) -> str:
    from kiosk.diag.pin import hash_pin

    return f"""# written by benchmarks/soak: the embedded demo's simulators, artificial delays removed
[kiosk]
id = "{KIOSK_ID}"
var_dir = "{var}"

[timeouts]
decision_auto_advance = {DECISION_PAUSE_S}
done = 3
out_of_service_probe = 1     # the technician is quick

[diagnostics]
metrics_port = 0
pin_hash = "{hash_pin(TECHNICIAN_PIN)}"

[reader]
kind = "virtual"
portrait = "camera"
insert_after_s = 0.05        # the applicant places the card at once

[camera]
kind = "simulated"
reaction_s = {reaction_s}     # the scripted applicant's reaction to each prompt

[printer]
kind = "virtual"
keep_files = 100000          # the most allowed: every printout of a run stays, so the paper can be checked

[registry]
kind = "http"                # the production client, through the fault proxy, to the embedded service
base_url = "{registry_url}"
kiosk_id = "{KIOSK_ID}"
authority_public_key = "{public_key}"
connect_timeout = 1.0
read_timeout = {READ_TIMEOUT_S}
max_attempts = 4
"""


def _size(root: Path, pattern: str) -> int:
    return sum(p.stat().st_size for p in root.glob(pattern) if p.is_file())


def _action(text: str) -> str:
    """'reprint:licence:confirmed' -> 'reprint:confirmed' (the counters' key)."""
    parts = text.split(":")
    return parts[0] if len(parts) == 1 else f"{parts[0]}:{parts[-1]}"


class KioskProcess:
    """The child: JSON lines in and out, killed by process group (its face worker too)."""

    def __init__(self, config: Path, stderr_path: Path) -> None:
        self.stderr = stderr_path.open("a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.soak.kiosk_child", str(config)], cwd=ROOT,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, text=True, start_new_session=True,
            env=dict(os.environ, PYTHONPATH=str(ROOT)))
        self.events: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True, name="soak-child-out").start()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("{"):
                with contextlib.suppress(ValueError):
                    self.events.put(json.loads(line))
        self.events.put(None)

    def send(self, **cmd: Any) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(cmd, ensure_ascii=False) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass

    def next(self, timeout: float) -> dict[str, Any] | None:
        """The next event; {"ev": "timeout"} if none came; None once the process has gone."""
        try:
            return self.events.get(timeout=timeout)
        except queue.Empty:
            return {"ev": "timeout"}

    def wait_for(self, ev: str, timeout: float) -> dict[str, Any] | None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            msg = self.next(max(0.01, end - time.monotonic()))
            if msg is None:
                return None
            if msg.get("ev") == ev:
                return msg
        return {"ev": "timeout"}

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.stderr.close()

    def quit(self) -> int:
        self.send(cmd="quit")
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
            return -9
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.stderr.close()


class Soak:
    def __init__(self, opts: Options) -> None:
        self.o = opts
        self.run_dir = opts.out
        self.var = self.run_dir / "var"
        self.var.mkdir(parents=True, exist_ok=False)
        self.people = generate(opts.applicants, opts.seed)
        self.plan = faults_mod.schedule(opts.applicants, opts.fault_rate, opts.seed, opts.faults)
        self.stats = Stats()
        self.ledger: dict[int, set[str]] = {}
        self.needles = pii.Needles()
        self.changed = pii.ChangedFiles(self.var)
        self.tray = Tray(self.var / "prints")
        self.log = (self.run_dir / "soak-events.jsonl").open("w")
        self.kiosk: KioskProcess | None = None

    # --- set-up --------------------------------------------------------------------------------
    def _start_service(self) -> None:
        from registry_service import embedded
        from registry_service.app import ServiceSettings

        reg = self.var / "registry"
        reg.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{reg / 'registry.db'}"
        settings = ServiceSettings(database_url=url, key_dir=reg / "keys", rate_limits=SOAK_RATE_LIMITS)
        self.service = embedded.start(url, reg / "keys", settings=settings)
        host, _, port = self.service.url.rpartition(":")
        self.proxy = FaultProxy(host.split("//")[1], int(port), late_s=READ_TIMEOUT_S + 1.0)
        self.config = self.run_dir / "kiosk.toml"
        self.config.write_text(kiosk_config(self.var, self.proxy.url, self.service.public_key_path,
                                                  self.o.reaction_s), encoding="utf-8")

    def _start_kiosk(self) -> dict[str, Any]:
        self.kiosk = KioskProcess(self.config, self.run_dir / "kiosk-stderr.log")
        msg = self.kiosk.wait_for("ready", 180)
        if msg is None or msg.get("ev") != "ready":
            raise SystemExit(f"the kiosk did not start: {msg}; see {self.run_dir / 'kiosk-stderr.log'}")
        for outcome in (msg.get("recovered") or {}).values():
            self.stats.recovered[outcome] += 1
        return msg

    def _restart(self, why: str) -> dict[str, Any]:
        assert self.kiosk is not None
        self.kiosk.kill()
        self.stats.restarts += 1
        self._event(event="restart", why=why)
        return self._start_kiosk()

    def _event(self, **data: Any) -> None:
        self.log.write(json.dumps(data, ensure_ascii=True) + "\n")
        self.log.flush()

    # --- one applicant -------------------------------------------------------------------------
    def _violation(self, v: invariants.Violation, at: int) -> None:
        key = (v.kind, v.detail)
        if key not in self.stats.violations:
            self.stats.violations[key] = at if v.applicant is None else v.applicant
            self._event(event="violation", kind=v.kind, detail=v.detail, applicant=self.stats.violations[key])
            if self.o.verbose:
                print(f"  VIOLATION at applicant {self.stats.violations[key]}: {v.kind}: {v.detail}", flush=True)

    def serve(self, a: Applicant, fault: dict[str, Any]) -> dict[str, Any]:
        assert self.kiosk is not None
        kind = fault.get("kind", "")
        face = "full" if self.o.face_full_every and a.index % self.o.face_full_every == 0 else "fast"
        arming = faults_mod.proxy_arming(fault)
        if arming:
            self.proxy.arm(arming[0], arming[1], "" if arming[0] == "outage" else faults_mod.APPLICATION_POST)
        txns = self.ledger.setdefault(a.index, set())
        applied_before = self.proxy.applied.total()
        self.kiosk.send(cmd="applicant", applicant=a.to_json(), fault=fault, face=face, limit=self.o.journey_limit_s,
                        trim_printer_memory=self.o.trim_printer_memory)
        killed = False
        while True:
            msg = self.kiosk.next(self.o.journey_limit_s + 60)
            if msg is None or msg.get("ev") == "timeout":
                self._violation(invariants.Violation(
                    "kiosk_died" if msg is None else "kiosk_unresponsive",
                    f"during applicant {a.index} ({kind or 'no fault'})"), a.index)
                self.proxy.clear()
                self._start_kiosk() if msg is None else self._restart("unresponsive")
                return {"outcome": "abandoned", "fault_fired": False, "face": face}
            ev = msg.get("ev")
            if ev == "state":
                if msg.get("txn"):
                    txns.add(msg["txn"])
                if kind == "kill" and not killed and msg.get("s") == fault["state"]:
                    time.sleep(float(fault.get("delay_s", 0)))
                    killed = True
                    return self._after_kill(a, fault, face)
            elif ev == "out_of_service":
                self.stats.out_of_service[msg.get("fault") or "unknown"] += 1
                if arming and self.proxy.armed():
                    time.sleep(0.3)  # the technician restores the connection to the authority
                    self.proxy.clear()
            elif ev == "result":
                self.proxy.clear()
                txns.update(msg.get("txns", []))
                for t in msg.get("technician", []):
                    self.stats.technician[_action(t)] += 1
                msg["face"] = face
                fired = msg.get("fault_fired") or self.proxy.applied.total() > applied_before
                msg["fault_fired"] = fired
                return msg

    def _after_kill(self, a: Applicant, fault: dict[str, Any], face: str) -> dict[str, Any]:
        """SIGKILL mid-journey, restart on the same var dir; the applicant gets their paper from
        the recovery, or starts again (once) if the kiosk had nothing of theirs."""
        assert self.kiosk is not None
        self.proxy.clear()
        self._restart(f"kill at {fault['state']}+{fault.get('delay_s')}s")
        txns = sorted(self.ledger[a.index])
        # applicant first (default): nobody is at the kiosk when it comes back; the applicant
        # looks in the tray and, finding nothing, starts again; the technician's pass comes after
        first = self.o.technician_first
        self.kiosk.send(cmd="after_restart", txns=txns, on_paper=sorted(self._txns_on_paper()), technician=first)
        msg = self.kiosk.wait_for("after_restart", 120) or {}
        if not first:
            result = self._applicant_after_restart(a, msg, face)
            txns = sorted(self.ledger[a.index])
            self.kiosk.send(cmd="after_restart", txns=txns, on_paper=sorted(self._txns_on_paper()), technician=True)
            for t in (self.kiosk.wait_for("after_restart", 120) or {}).get("technician", []):
                self.stats.technician[_action(t)] += 1
            if result.get("outcome") == "staff" and self._on_paper(self.ledger[a.index]):
                # the kiosk recognised the document at the card read and sent the applicant to
                # the counter, where staff printed the held licence
                result["outcome"] = "served_by_staff"
            return result
        return self._applicant_after_restart(a, msg, face)

    def _applicant_after_restart(self, a: Applicant, msg: dict[str, Any], face: str) -> dict[str, Any]:
        for t in msg.get("technician", []):
            self.stats.technician[_action(t)] += 1
        got = msg.get("got", "") or self._on_paper(self.ledger[a.index])
        if got:
            return {"outcome": "served" if got == "licence" else "referred", "fault_fired": True, "face": face,
                    "after_restart": True}
        rec = records.read_all(self.var)
        keys = {k for k, t in rec.txn_by_key().items() if t.txn_id in self.ledger[a.index]}
        decided = [app.outcome for app in rec.applications if app.idempotency_key in keys]
        if "rejected" in decided and len(set(decided)) == 1:
            return {"outcome": "rejected", "fault_fired": True, "face": face, "after_restart": True}
        if "approved" in decided or "manual_review" in decided:
            # issued, but neither printed nor in the tray: nothing on the screen tells the
            # applicant, who starts again like anyone whose session vanished
            self._event(event="owed_after_restart", i=a.index, decided=decided)
        retry = self.serve(a, {})
        retry["fault_fired"] = True
        retry["retried_after_kill"] = True
        return retry

    def _txns_on_paper(self) -> set[str]:
        """Transactions whose licence came out of the printer (its QR code read off a printout)."""
        rec = records.read_all(self.var, self.tray.update())
        key_of_app = {app.public_id: app.idempotency_key for app in rec.applications}
        by_key = rec.txn_by_key()
        found = set()
        for lic in rec.licences:
            txn = by_key.get(key_of_app.get(lic.application_id, ""))
            if txn is not None and rec.paper.get(lic.qr_payload):
                found.add(txn.txn_id)
        return found

    def _on_paper(self, txns: set[str]) -> str:
        """'licence' if one of these transactions' licences is in the printer's tray."""
        return "licence" if self._txns_on_paper() & txns else ""

    # --- checks --------------------------------------------------------------------------------
    def check(self, a: Applicant, final: bool = False) -> None:
        t0 = time.perf_counter()
        assert self.kiosk is not None
        self.kiosk.send(cmd="status")
        status = self.kiosk.wait_for("status", 30) or {}
        in_service = status.get("state") == "attract"
        if not in_service:
            self._event(event="check_out_of_service", i=a.index, state=status.get("state"), fault=status.get("fault"))
        paper = self.tray.update()
        rec = records.read_all(self.var, paper)
        for v in invariants.check_all(rec, self.ledger, KIOSK_ID, in_service):
            self._violation(v, a.index)
        # after each applicant: their own texts in what changed, except SQLite main files, whose
        # new pages arrive through the -wal file first (the periodic sweep reads the main files)
        changed = [p for p in self.changed() if p.suffix != ".db"]
        findings = [("personal_data_on_disk", f) for f in pii.exact(self.var, a.index, a.needles(), changed)]
        sweep = final or (self.o.pii_sweep_every and (a.index + 1) % self.o.pii_sweep_every == 0)
        if sweep:
            findings += [("personal_data_on_disk", f) for f in pii.scan(self.var, self.needles)]
        if final:  # the kiosk's stderr is its log stream too (journald on a kiosk)
            stderr = self.run_dir / "kiosk-stderr.log"
            findings += [("personal_data_in_stderr", f) for f in pii.scan(self.run_dir, self.needles, [stderr])]
        for kind, f in findings:
            self._violation(invariants.personal_data(kind, f.path, f.label, f.encoding, f.applicant), a.index)
        if sweep:
            for where in pii.open_to_others(self.var):
                self._violation(invariants.Violation("var_file_open_to_others", where, a.index), a.index)
        self.stats.check_seconds += time.perf_counter() - t0

    # --- the run -------------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        t_start = time.perf_counter()
        self._start_service()
        self._start_kiosk()
        assert self.kiosk is not None
        self.stats.samples.append(resources.sample(self.kiosk.pid, 0))
        for a, fault in zip(self.people, self.plan, strict=True):
            self.needles.add(a.index, a.needles())
            if fault:
                self.stats.faults_planned[fault["kind"]] += 1
            t0 = time.perf_counter()
            result = self.serve(a, fault)
            elapsed = time.perf_counter() - t0
            self.stats.seconds.append(elapsed)
            self.stats.seconds_by_face.setdefault(result.get("face", "?"), []).append(elapsed)
            outcome = result.get("outcome", "?")
            if outcome.startswith("stuck"):
                # the journey made no progress for journey_limit_s: a technician power-cycles it
                self._violation(invariants.Violation("kiosk_stuck", f"applicant {a.index} in state "
                                                     f"{outcome.partition(':')[2]} "
                                                     f"({fault.get('kind') or 'no fault'})"), a.index)
                self.proxy.clear()
                self._restart(f"stuck in {outcome}")
            self.stats.outcomes[outcome.split(":")[0]] += 1
            if fault and result.get("fault_fired"):
                self.stats.faults_fired[fault["kind"]] += 1
            self._event(event="applicant", i=a.index, outcome=outcome, fault=fault, seconds=round(elapsed, 3),
                        tags=a.tags, states=result.get("states", [])[-12:], oos=result.get("out_of_service", []),
                        technician=result.get("technician", []), decisions=result.get("decisions", []))
            if self.o.verbose:
                print(f"{a.index:5d} {outcome:10s} {elapsed:6.2f}s {fault.get('kind', '')} {' '.join(a.tags)}",
                      flush=True)
            self.check(a)
            if (a.index + 1) % self.o.sample_every == 0:
                self.stats.samples.append(resources.sample(self.kiosk.pid, a.index + 1))
        self.check(self.people[-1], final=True)
        wall = time.perf_counter() - t_start
        report = self.report(wall)
        self.kiosk.quit()
        self.proxy.close()
        self.service.stop()
        (self.run_dir / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
        return report

    def report(self, wall: float) -> dict[str, Any]:
        s = self.stats
        rec = records.read_all(self.var, self.tray.counts)
        authority = pii.scan(self.var / "registry", self.needles, pii.files_under(self.var / "registry", False))
        trends = {}
        warm = resources.after_warm_up(s.samples)
        for name in ("rss_kb", "children_rss_kb", "fds", "threads"):
            t = resources.trend(warm, name)
            trends[name] = None if t is None else {
                "slope_per_100": round(t.slope_per_100, 2), "stderr_per_100": round(t.stderr_per_100, 2),
                "mean": round(t.mean, 1), "flat_within_noise": t.flat, "points": t.points}
        secs = sorted(s.seconds)
        disk = {name: _size(self.var, pattern) for name, pattern in
                (("journal_db", "journal.db*"), ("logs", "logs/*"), ("prints", "prints/*"), ("registry", "registry/*"))}
        disk["var_total"] = _size(self.var, "**/*")
        by_face = {k: round(sum(v) / len(v), 2) for k, v in s.seconds_by_face.items() if v}
        return {
            "applicants": len(s.seconds),
            "wall_s": round(wall, 1),
            "per_applicant_s": {"mean": round(sum(secs) / len(secs), 2), "median": round(secs[len(secs) // 2], 2),
                                "p95": round(secs[int(len(secs) * 0.95)], 2), "max": round(secs[-1], 2),
                                "mean_by_face_mode": by_face},
            "check_s_total": round(s.check_seconds, 1),
            "outcomes": dict(s.outcomes),
            "faults_planned": dict(s.faults_planned),
            "faults_fired": dict(s.faults_fired),
            "proxy_faults_applied": dict(self.proxy.applied),
            "out_of_service": dict(s.out_of_service),
            "restarts": s.restarts,
            "recovered_on_restart": dict(s.recovered),
            "technician": dict(s.technician),
            "violations_by_kind": dict(Counter(k for k, _ in s.violations)),
            "violations": [{"kind": k, "detail": d, "first_at_applicant": i} for (k, d), i in s.violations.items()],
            "held_for_staff_at_end": len(invariants.held_jobs(rec)),
            "held_open_transactions_at_end": len(invariants.held_transactions(rec)),
            "disk_bytes_at_end": disk,
            "disk_bytes_per_100_applicants": {k: round(v * 100 / len(secs)) for k, v in disk.items()},
            "licences_issued": len(rec.licences),
            "licences_on_paper": sum(1 for lic in rec.licences if rec.paper.get(lic.qr_payload)),
            "printouts_torn": self.tray.torn,
            "authority_record": {"applicants_found": len({f.applicant for f in authority}),
                                 "files": sorted({f.path for f in authority})},
            "resources": {"samples": [vars(x) for x in s.samples], "trend": trends},
            "seed": self.o.seed, "fault_rate": self.o.fault_rate, "face_full_every": self.o.face_full_every,
            "trim_printer_memory": self.o.trim_printer_memory,
        }
