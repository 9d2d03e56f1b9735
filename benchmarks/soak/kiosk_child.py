"""The kiosk under soak: the production runner, flow and simulators in a process the harness
controls (and kills), driven by an applicant who taps like the UI autopilot does.

    python -m benchmarks.soak.kiosk_child CONFIG

It starts the way ``kiosk.launch`` does without the window (instance lock, JSON logs in
var/logs, devices behind the attract screen, recovery of what a crash left), then takes one JSON
command per line on stdin and answers with JSON lines on stdout. The pump runs on the main thread
like Kivy's clock would run it. Device faults are injected through the simulators' own knobs; the
harness plays the technician who clears them. Nothing personal is printed: results carry
transaction ids, idempotency keys, application ids and outcomes only.
"""

from __future__ import annotations

import dataclasses
import json
import queue
import random
import sys
import threading
import time
import traceback
import types
from collections.abc import Callable
from typing import Any

from benchmarks.soak.applicants import Applicant
from drivers.idcard.holder import Holder
from kiosk import logs, owner_only
from kiosk import settings as settings_mod
from kiosk.applicant_script import next_trade_name
from kiosk.flow.states import State
from kiosk.instance_lock import InstanceLock
from kiosk.launch import open_journal
from kiosk.runner import Runner
from kiosk.services import devices as devices_mod
from licence_wire.rating import BAD_LEVELS as BAD_RATING_LEVELS
from licence_wire.rating import LEVELS as RATING_LEVELS

TECHNICIAN_PIN = "246813"
OUT = sys.stdout


def emit(**msg: Any) -> None:
    OUT.write(json.dumps(msg, ensure_ascii=True) + "\n")
    OUT.flush()


def form_picks(ref: Any, applicant: Applicant) -> list[tuple[str, Any]]:
    """Like kiosk.applicant_script.form_picks, but each applicant picks their own industry,
    district, street and house number (and sometimes a scope item needing a prior permit)."""
    rng = random.Random(applicant.picks_seed)
    forms = list(ref.organisation_forms)
    division = rng.choice(ref.divisions).code
    streets = [s for d, s in ref.streets if d == division]
    general = [s.code for s in ref.scope_items if s.permit == "general"]
    prior = [s.code for s in ref.scope_items if s.permit == "prior"]
    scope = [rng.choice(prior)] if applicant.scope == "prior" and prior else [rng.choice(general)]
    return [
        ("industry_code", rng.choice(ref.industries)[0]),
        ("organisation_form", rng.choice(forms)),
        ("division_code", division),
        ("street", rng.choice(streets)),
        ("house_number", str(rng.randint(1, 9999))),
        ("scope_codes", scope),
    ]


@dataclasses.dataclass
class Outcome:
    """What one applicant's visit produced, in ids and codes only."""

    index: int
    outcome: str = ""  # served | referred | rejected | staff | abandoned | stuck:<state>
    txns: list[str] = dataclasses.field(default_factory=list)
    keys: list[str] = dataclasses.field(default_factory=list)
    decisions: list[list[str]] = dataclasses.field(default_factory=list)  # [application id, outcome]
    states: list[str] = dataclasses.field(default_factory=list)
    fault: str = ""
    fault_fired: bool = False
    out_of_service: list[str] = dataclasses.field(default_factory=list)
    technician: list[str] = dataclasses.field(default_factory=list)
    attempts: int = 0
    seconds: float = 0.0


class Journey:
    """One applicant at the kiosk: reacts to each screen once per visit, like Autopilot.plan()."""

    def __init__(self, kiosk: ChildKiosk, applicant: Applicant, fault: dict[str, Any]) -> None:
        self.k, self.a, self.fault = kiosk, applicant, fault
        self.out = Outcome(applicant.index, fault=fault.get("kind", ""))
        self.started = time.monotonic()
        self.deadline = self.started + kiosk.journey_limit
        self.last: State | None = None
        self.visit = 0
        self.acted: set[tuple[State, int, bool]] = set()  # (screen, visit, rating given)
        self.name_attempt = 0
        self.begun = False
        self.retries = 0
        self.printed = False
        self.final = ""
        self.fixing_until = 0.0
        self.done = False
        self.restarts = 0  # journeys started again after the kiosk lost this applicant's session

    # --- fault injection -------------------------------------------------------------------
    def _inject(self, state: State) -> None:
        kind = self.fault.get("kind", "")
        if self.out.fault_fired or not kind:
            return
        d = self.k.runner.devices
        assert d is not None
        vp = d.printer.virtual
        if state is State.FACE_CHECK and kind == "camera_lost":
            self.k.unplug_camera()
        elif state is State.SUBMIT and kind == "printer_paper_out":
            vp.set_paper(int(self.fault.get("rows", 200)))
        elif state is State.SUBMIT and kind == "printer_cover_open":
            vp.open_cover(True)
        elif state is State.SUBMIT and kind == "printer_drop":
            vp.drop_connection_after(int(self.fault.get("bytes", 4000)))
        else:
            return
        self.out.fault_fired = True

    def clear_device_fault(self) -> None:
        """The technician's fix for this applicant's device fault (registry faults: the harness)."""
        kind = self.fault.get("kind", "")
        if not self.out.fault_fired:
            return
        d = self.k.runner.devices
        assert d is not None
        vp = d.printer.virtual
        if kind == "camera_lost":
            self.k.replug_camera()
        elif kind == "printer_paper_out":
            vp.load_paper()
        elif kind == "printer_cover_open":
            vp.open_cover(False)
        elif kind == "printer_drop":
            vp.drop_connection_after(None)
        else:
            return
        self.out.technician.append(f"cleared:{kind}")

    # --- the applicant -----------------------------------------------------------------------
    def observe(self, flow: Any) -> None:
        """Every transition, from the runner's listener: some screens (decision with automatic
        advance) last less than one pump, so ids and outcomes are taken here, not in step()."""
        state, session = flow.state, flow.session
        if not self.out.states or self.out.states[-1] != state.value:
            self.out.states.append(state.value)
            self._inject(state)
        if not session.wiped and state is not State.ATTRACT and session.txn_id not in self.out.txns:
            self.out.txns.append(session.txn_id)
        if session.idempotency_key and session.idempotency_key not in self.out.keys:
            self.out.keys.append(session.idempotency_key)
        d = session.decision
        if d is not None and [d.application_id, d.outcome] not in self.out.decisions:
            self.out.decisions.append([d.application_id, d.outcome])
        if state is State.DONE:
            self.printed = True
            self.final = {"approved": "served", "manual_review": "referred"}.get(flow.view.error, "served")

    def step(self) -> bool:
        """Act on the current screen; True once the applicant has left."""
        r, flow = self.k.runner, self.k.runner.flow
        now = time.monotonic()
        if flow.state is not self.last:
            self.last, self.visit = flow.state, self.visit + 1
        if now > self.deadline:
            return self._finish(f"stuck:{flow.state.value}")
        key = (flow.state, self.visit, flow.view.rating_thanks)
        if key in self.acted:
            return False
        walk = self.a.walk_away_at
        if walk and flow.state.value == walk and not self.begun_again():
            r.touch("cancel")
            self.final = "abandoned"
            self.acted.add(key)
            return False
        match flow.state:
            case State.ATTRACT:
                if not self.begun:
                    if not flow.ready:
                        return False
                    self.begun = True
                    self.out.attempts += 1
                    r.touch("start")
                else:
                    return self._left()
            case State.CONSENT:
                r.touch("consent_toggle", "id")
                r.touch("consent_toggle", "face")
                r.touch("accept")
            case State.CARD_ACCESS:
                r.touch("submit_key", self.a.can)
            case State.FORM:
                ref = flow.view.reference
                if ref is None:
                    return False
                if self.name_attempt:  # back from a name rejection: only the trade name changes
                    r.touch("form_set", ("trade_name", self._trade_name()))
                else:
                    for field, value in form_picks(ref, self.a):
                        r.touch("form_set", (field, value))
                r.touch("form_done")
            case State.REVIEW:
                r.touch("confirm")
            case State.DECISION:
                d = flow.session.decision
                if d is None:
                    return False
                if d.outcome != "rejected":
                    r.touch("continue")
                elif any(x.startswith("name_") for x in d.reasons) and self._next_name() is not None:
                    self.name_attempt += 1
                    r.touch("edit")
                else:
                    self.final = "rejected"
                    r.touch("cancel")
            case State.DONE:
                r.touch("finish")
            case State.RATING:
                self._rate(flow.view.rating_thanks)
            case State.RETRY:
                self.retries += 1
                r.touch("retry" if self.retries <= 3 else "cancel")
                if self.retries > 3:
                    self.final = "abandoned"
            case State.STAFF:
                self.final = "staff"
                r.touch("cancel")  # a member of staff takes over and sends the applicant on
            case State.OUT_OF_SERVICE:
                return self._out_of_service()
            case _:
                return False
        self.acted.add(key)
        return False

    def _rate(self, thanked: bool) -> None:
        """Every level in turn over the applicants, a bad one with a reason; then finish, as a
        person who reads the thank-you and taps on, not one who waits for its timeout."""
        r = self.k.runner
        if thanked:
            r.touch("finish")
            return
        level = RATING_LEVELS[self.a.index % len(RATING_LEVELS)]
        r.touch("rate", level)
        if level in BAD_RATING_LEVELS:
            r.touch("rate_reason", "too_slow")
            r.touch("rate_send")

    def begun_again(self) -> bool:
        return self.restarts > 0

    def _trade_name(self) -> str:
        return next_trade_name(self.k.identity_for_names(self.a), self.name_attempt) or ""

    def _next_name(self) -> str | None:
        return next_trade_name(self.k.identity_for_names(self.a), self.name_attempt + 1)

    def _out_of_service(self) -> bool:
        """The kiosk took itself out of service during this visit: the technician comes."""
        flow = self.k.runner.flow
        if not self.fixing_until:
            self.out.out_of_service.append(flow.view.fault or "unknown")
            emit(ev="out_of_service", i=self.a.index, fault=flow.view.fault)
            self.fixing_until = time.monotonic() + self.k.technician_delay
            return False
        if time.monotonic() < self.fixing_until:
            return False
        if not any(t.startswith("cleared:") for t in self.out.technician):
            self.clear_device_fault()
            if not any(t.startswith("cleared:") for t in self.out.technician):
                self.out.technician.append("waited")
        self.acted.add((flow.state, self.visit, flow.view.rating_thanks))
        return False

    def _left(self) -> bool:
        """Back on the attract screen after having started: done, or start again once if the
        kiosk lost the session before anything was decided."""
        if self.out.out_of_service:
            self.out.technician += self.k.technician_reprints(self.out.txns)
            self.fixing_until = 0.0
            if self.k.licence_for(self.out.txns):
                return self._finish("served" if self.k.kind_for(self.out.txns) == "licence" else "referred")
            if not self.out.decisions and self.restarts == 0 and not self.final:
                self.restarts += 1
                self.begun = False
                self.name_attempt = 0
                self.out.out_of_service.append("restarted_journey")
                return False
        return self._finish(self.final or "abandoned")

    def _finish(self, outcome: str) -> bool:
        if outcome.startswith("stuck") and self.fault.get("kind"):
            self.clear_device_fault()
        self.out.outcome = outcome
        self.out.seconds = round(time.monotonic() - self.started, 3)
        self.done = True
        return True


class ChildKiosk:
    def __init__(self, config: str) -> None:
        self.settings = settings_mod.load(config)
        var = self.settings.var_dir
        self.lock = InstanceLock(var)
        self.lock.acquire()
        logs.configure(self.settings.kiosk.log_level, var / "logs" / "kiosk.log")
        self.runner = Runner(self.settings, lambda: devices_mod.build(self.settings), open_journal(self.settings))
        self.runner.listeners.append(self._changed)
        self.commands: queue.Queue[dict[str, Any]] = queue.Queue()
        self.journey: Journey | None = None
        self.journey_limit = 180.0
        self.technician_delay = 0.3
        self._state: State | None = None
        self._saved_script: Any = None
        self._verifiers: dict[str, Any] = {}
        self.on_paper: set[str] = set()  # transactions whose licence the harness saw in the tray
        self._pki: Any = None
        self._portrait: bytes | None = None

    # --- the simulators' own hooks -------------------------------------------------------------
    def install_card(self, a: Applicant, pull_after: int = 0) -> None:
        """The applicant's own document on the virtual reader (the previous one took theirs)."""
        from drivers.camera.factory import resolve_clip_path
        from drivers.camera.sim import demo_portrait
        from drivers.idcard.sim import chip_variants, test_pki

        if self._pki is None:
            self._pki = test_pki.ensure(self.settings.var_dir / "test-pki")
            self._portrait = demo_portrait(resolve_clip_path(self.settings.camera.options.clip_path))
        holder = Holder(document_number=a.document_number, surname=a.surname, given_names=a.given_names,
                        name_national=a.name_national, birth_date=a.birth_date, sex=a.sex,
                        expiry_date=a.expiry_date, personal_number=a.personal_number, address=a.address)
        pulls = [pull_after] if pull_after else []
        pki, portrait = self._pki, self._portrait

        def chip() -> Any:
            return chip_variants.make_chip("pace", pki, holder, a.can, portrait, pulls.pop() if pulls else 0)

        self.runner.devices.reader.present_next(chip)

    def identity_for_names(self, a: Applicant) -> Any:
        """trade_name_suggestions() only reads name_national."""
        return types.SimpleNamespace(name_national=a.name_national)

    def unplug_camera(self) -> None:
        from drivers.camera.sim.applicant import Unplugged

        self._saved_script = self.runner.devices.camera.swap_script(Unplugged())

    def replug_camera(self) -> None:
        if self._saved_script is not None:
            self.runner.devices.camera.swap_script(self._saved_script)
            self._saved_script = None

    def use_face(self, mode: str) -> None:
        from kiosk.face.verifier import FaceVerifier

        if mode not in self._verifiers:
            opts = self.settings.face
            if mode == "fast":
                opts = dataclasses.replace(opts, challenge_count=1, baseline_frames=4, embed_frames=1,
                                           enrol_jitters=0)
            self._verifiers[mode] = FaceVerifier(opts)
        self.runner.devices.face = self._verifiers[mode]

    # --- the technician at the diagnostics screen ----------------------------------------------
    def _wait(self, cond: Callable[[], bool], limit: float = 30.0) -> bool:
        end = time.monotonic() + limit
        while time.monotonic() < end:
            self.runner.pump()
            if cond():
                return True
            time.sleep(0.005)
        return False

    def technician_reprints(self, txns: list[str] | None = None) -> list[str]:
        """Settle what the diagnostics screen lists as held (its 20 most recent jobs), through
        the screen's own actions: "it printed" for a document whose outcome is unknown and whose
        paper is in the tray, else "reprint"."""
        r = self.runner
        svc = r.devices.print_service
        jobs = [j for j in svc.recent_jobs(20) if j.state in ("held", "failed") and j.kind != "test"]
        if not jobs or r.flow.state is not State.ATTRACT:
            return []
        done: list[str] = []
        r.touch("diag_gesture")
        if not self._wait(lambda: r.flow.state is State.DIAG_PIN, 5):
            return ["diag_unreachable"]
        r.touch("pin", TECHNICIAN_PIN)
        if not self._wait(lambda: r.flow.state is State.DIAG, 10):
            return [f"pin_refused:{r.flow.view.error}"]
        for job in jobs:
            action = "diag_reprint"
            if job.flag == "outcome_unknown" and (job.kind != "licence" or self.in_tray(job.txn_id)):
                # the paper is in the tray (a referral has no QR code to look for: the technician
                # takes the one there for it): a reprint would issue it twice
                action = "diag_confirm_printed"
            r.touch(action, job.job_id)
            self._wait(lambda j=job: svc.journal.get(j.job_id).updated > j.updated
                       and svc.journal.get(j.job_id).state in ("confirmed", "held", "failed", "voided"), 20)
            done.append(f"{action.removeprefix('diag_')}:{job.kind}:{svc.journal.get(job.job_id).state}")
        r.touch("diag_exit")
        self._wait(lambda: r.flow.state in (State.ATTRACT, State.OUT_OF_SERVICE), 5)
        return done

    def in_tray(self, txn_id: str) -> bool:
        """The technician looks in the output tray: is this transaction's licence there? The
        harness's own record of the paper comes first; else the QR codes of the newest
        printouts against the authority's copy of the licence."""
        import sqlite3

        if txn_id in self.on_paper:
            return True

        from benchmarks.soak.paper import qr_texts

        db = sqlite3.connect(f"file:{self.settings.var_dir / 'journal.db'}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT application_id FROM txn WHERE txn_id=?", (txn_id,)).fetchone()
        finally:
            db.close()
        if not row or not row[0]:
            return False
        try:
            licence = self.runner.devices.registry.decision(row[0]).licence
        except Exception:  # the authority unreachable: the technician cannot tell, so assumes not
            return False
        if licence is None:
            return False
        prints = sorted((self.settings.var_dir / "prints").glob("print-*.png"), key=lambda p: p.stat().st_mtime)
        for path in prints[-40:]:
            try:
                if licence.qr_payload in qr_texts(path):
                    return True
            except (OSError, ValueError):
                continue
        return False

    def licence_for(self, txns: list[str]) -> bool:
        svc = self.runner.devices.print_service
        return any((j := svc.journal.find(t, k)) is not None and j.state == "confirmed"
                   for t in txns for k in ("licence", "referral"))

    def kind_for(self, txns: list[str]) -> str:
        svc = self.runner.devices.print_service
        for t in txns:
            for k in ("licence", "referral"):
                j = svc.journal.find(t, k)
                if j is not None and j.state == "confirmed":
                    return k
        return ""

    # --- loop ----------------------------------------------------------------------------------
    def _changed(self, flow: Any, _cmds: list[object]) -> None:
        if self.journey is not None:
            self.journey.observe(flow)
        if flow.state is not self._state:
            self._state = flow.state
            emit(ev="state", s=flow.state.value, txn=None if flow.session.wiped else flow.session.txn_id)

    def _read_stdin(self) -> None:
        for line in sys.stdin:
            line = line.strip()
            if line:
                self.commands.put(json.loads(line))
        self.commands.put({"cmd": "quit"})

    def _command(self, cmd: dict[str, Any]) -> bool:
        r = self.runner
        match cmd["cmd"]:
            case "applicant":
                a = Applicant.from_json(cmd["applicant"])
                fault = cmd.get("fault") or {}
                self.journey_limit = float(cmd.get("limit", 180))
                self.use_face(cmd.get("face", "full"))
                self.install_card(a, int(fault.get("pull_after", 0)) if fault.get("kind") == "card_pull" else 0)
                self.journey = Journey(self, a, fault)
                if cmd.get("trim_printer_memory"):
                    # the virtual printer keeps every printout's image in memory (~0.8 MB each):
                    # dropping them separates that simulator growth from the kiosk's own
                    vp = r.devices.printer.virtual
                    vp.printouts.clear()
                    vp.torn.clear()
                if fault.get("kind") == "card_pull":
                    self.journey.out.fault_fired = True
            case "after_restart":
                txns = cmd.get("txns", [])
                self.on_paper = set(cmd.get("on_paper", []))
                self._wait(lambda: r.flow.state is State.ATTRACT and r.flow.ready, 60)
                tech = self.technician_reprints(txns) if cmd.get("technician", True) else []
                emit(ev="after_restart", got=self.kind_for(txns), technician=tech, state=r.flow.state.value)
            case "status":
                emit(ev="status", state=r.flow.state.value, ready=r.flow.ready, fault=r.flow.view.fault,
                     issued=r.issued, recovered=r.recovered)
            case "quit":
                return False
        return True

    def run(self) -> int:
        threading.Thread(target=self._read_stdin, daemon=True, name="soak-stdin").start()
        self.runner.start()
        announced = False
        try:
            while True:
                self.runner.pump()
                flow = self.runner.flow
                if not announced and (flow.ready or flow.state is State.OUT_OF_SERVICE):
                    announced = True
                    emit(ev="ready", state=flow.state.value, fault=flow.view.fault, recovered=self.runner.recovered)
                try:
                    while True:
                        if not self._command(self.commands.get_nowait()):
                            return 0
                except queue.Empty:
                    pass
                if self.journey is not None and self.journey.step():
                    emit(ev="result", **dataclasses.asdict(self.journey.out))
                    self.journey = None
                time.sleep(0.005)
        finally:
            self.runner.shutdown()
            self.lock.release()


def main() -> int:
    owner_only.restrict_new_files()  # as kiosk.launch does: the var dir's modes are checked too
    try:
        kiosk = ChildKiosk(sys.argv[1])
    except Exception:
        traceback.print_exc()
        emit(ev="start_failed")
        return 2
    return kiosk.run()


if __name__ == "__main__":
    sys.exit(main())
