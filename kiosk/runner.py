"""Runs the flow: executes its commands on worker threads and feeds results back as events.

The flow itself is only touched from the thread that calls ``pump()`` (Kivy's clock in the app,
a plain loop headless), so it needs no locks. Each device operation carries a generation number:
a result from an operation that was cancelled or superseded is dropped instead of being taken
for the current attempt's.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from drivers.errors import DeviceError
from kiosk import recovery
from kiosk.diag import checks
from kiosk.diag.audit import AuditLog
from kiosk.diag.pin import PinGuard
from kiosk.flow import commands as c
from kiosk.flow import events as e
from kiosk.flow.machine import Flow
from kiosk.journal import Journal
from kiosk.metrics import Metrics
from kiosk.services.devices import Devices
from kiosk.settings import Settings

log = logging.getLogger(__name__)


class Runner:
    def __init__(
        self,
        settings: Settings,
        devices: Devices | Callable[[], Devices],
        journal: Journal,
        clock: Callable[[], float] = time.monotonic,
        crash_after_step: str | None = None,
    ) -> None:
        self.settings, self.journal = settings, journal
        # a callable builds the devices on a worker thread, behind the attract screen
        self._build = devices if callable(devices) else None
        self.devices: Devices | None = None if callable(devices) else devices
        self.recovered: dict[str, str] = {}
        self.flow = Flow(settings.timeouts, settings.policy, settings.kiosk.language, clock,
                         tuple(settings.kiosk.languages))
        self.events: queue.Queue[object] = queue.Queue()
        self.pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="kiosk-step")
        self._gen: dict[str, int] = {"card": 0, "face": 0}
        self._card_cancel = threading.Event()
        self._face_cancel = threading.Event()
        self.listeners: list[Callable[[Flow, list[object]], None]] = []
        self.alerts: list[tuple[str, str]] = []  # (kind, code): staff and technician alerts
        self.crash_after_step = crash_after_step
        self.issued = 0
        self.quit_requested = False
        self.last_test_read = ""
        var = settings.var_dir
        d = settings.diagnostics
        self.audit = AuditLog(var / "logs" / "audit.log", d.audit_max_bytes, d.audit_backups)
        self.pin = PinGuard(d.pin_hash, var / "diag-lockout.json", self.audit, d.max_failures, d.lockout_s)
        self.metrics = Metrics()

    # --- thread-safe input ----------------------------------------------------------------
    def post(self, event: object) -> None:
        self.events.put(event)

    def touch(self, action: str, value: Any = None) -> None:
        self.post(e.Touch(action, value))

    # --- the pump -------------------------------------------------------------------------
    def pump(self) -> bool:
        """Handle queued events and one clock tick. Returns True if anything changed."""
        changed = False
        pending: list[object] = []
        while True:
            try:
                pending.append(self.events.get_nowait())
            except queue.Empty:
                break
        for event in [*pending, e.Tick()]:
            before = (self.flow.state, self.flow.view.countdown is None)
            cmds = self.flow.dispatch(event)
            for cmd in cmds:
                self._execute(cmd)
            if cmds or not isinstance(event, e.Tick) or before != (
                self.flow.state, self.flow.view.countdown is None
            ):
                changed = True
                for listener in self.listeners:
                    listener(self.flow, cmds)
        return changed

    def start(self) -> None:
        """Bring the devices up, resume or close what a crash left behind, then report ready.

        With a device builder this runs on a worker thread so the attract screen shows at once;
        a failure takes the kiosk out of service instead of stopping it."""
        if self._build is None:
            self._bring_up()
        else:
            self.pool.submit(self._bring_up)

    def _bring_up(self) -> None:
        try:
            if self.devices is None:
                assert self._build is not None
                self.devices = self._build()
            self.recovered = recovery.recover(self.journal, self.devices)
            self.devices.camera.start()
        except DeviceError as exc:
            log.error("start-up failed", extra={"code": exc.code, "detail": exc.detail})
            self.post(e.StepFailed("startup", exc.code, True))
            return
        except Exception as exc:  # a broken device must leave a kiosk that says so, not a crash
            log.exception("start-up failed")
            self.post(e.StepFailed("startup", f"startup_failed:{type(exc).__name__}", True))
            return
        self.post(e.DevicesReady())
        # loading the face models takes ~2 s: do it behind the attract screen, not in the first check
        try:
            self.devices.face.warm_up()
        except DeviceError as exc:
            self.post(e.StepFailed("face", exc.code, exc.fault))

    def shutdown(self) -> None:
        self.metrics.close()
        self._card_cancel.set()
        self._face_cancel.set()
        self.pool.shutdown(wait=False, cancel_futures=True)
        if self.devices is not None:
            self.devices.close()
        self.journal.close()

    # --- commands -------------------------------------------------------------------------
    def _execute(self, cmd: object) -> None:
        match cmd:
            case c.Record():
                self.journal.record(cmd.txn_id, cmd.step, cmd.outcome)
                self.metrics.record_step(cmd.step, cmd.outcome)
                self._crash_point(cmd.step)
            case c.WaitForCard():
                self._card_cancel = threading.Event()
                self._spawn("card", self._wait_for_card, self._card_cancel)
            case c.CancelCardWait():
                self._card_cancel.set()
                self._gen["card"] += 1
            case c.ReadCard():
                self._spawn("card", self._read_card, cmd.key)
            case c.StartFaceCheck():
                self._face_cancel = threading.Event()
                self._spawn("face", self._face_check, self._face_cancel)
            case c.CancelFaceCheck():
                self._face_cancel.set()
                self._gen["face"] += 1
            case c.LoadReferenceData():
                self._spawn("reference", self._load_reference)
            case c.Submit():
                self.journal.store_submission(cmd.txn_id, cmd.idempotency_key, cmd.application)
                self._spawn("submit", self._submit, cmd)
            case c.PrintLicence():
                self._spawn("print", self._print, cmd)
            case c.PrintReferral():
                self._spawn("print", self._print, cmd)
            case c.AlertStaff():
                self.alerts.append(("staff", cmd.reason))
                log.warning("staff called", extra={"reason": cmd.reason})
            case c.AlertTechnician():
                self.alerts.append(("technician", cmd.code))
                log.error("technician alerted", extra={"code": cmd.code})
            case c.ProbeDevices():
                self._spawn("probe", self._probe, cmd.recover)
            case c.SessionWiped():
                pass  # listeners clear their widgets from the same command list
            case c.VerifyPin():
                self._spawn("pin", lambda pin: e.PinChecked(self.pin.verify(pin)), cmd.pin)
            case c.RunChecks():
                self._spawn("checks", self._run_checks)
            case c.Audit():
                self.audit.write(cmd.event, **({"detail": cmd.detail} if cmd.detail else {}))
            case c.DiagAction():
                self._spawn("diag_action", self._diag_action, cmd.action)
            case c.QuitApp():
                self.quit_requested = True
            case _:
                raise TypeError(f"unknown command {cmd!r}")

    def _crash_point(self, name: str) -> None:
        """Crash-recovery tests: a simulated power cut at a named point (journal steps, and
        'answered': the authority decided but the kiosk has not journaled it yet)."""
        if self.crash_after_step == name:
            os._exit(137)

    def _spawn(self, step: str, fn: Callable[..., object], *args: Any) -> None:
        gen = self._gen.get(step, 0)
        if step in self._gen:
            self._gen[step] = gen = gen + 1

        def run() -> None:
            t0 = time.perf_counter()
            try:
                result = fn(*args)
            except DeviceError as exc:
                log.warning("step failed", extra={"step": step, "code": exc.code})
                result = e.StepFailed(step, exc.code, exc.fault)
            except Exception as exc:  # a bug in a driver must not freeze the kiosk
                log.exception("step crashed", extra={"step": step})
                result = e.StepFailed(step, f"internal_error:{type(exc).__name__}", True)
            self.metrics.step_seconds.labels(step).observe(time.perf_counter() - t0)
            if isinstance(result, e.StepFailed):
                self.metrics.failures.labels(step, result.code).inc()
            if result is not None and self._gen.get(step, 0) == gen:
                self.post(result)

        self.pool.submit(run)

    def _run_checks(self) -> object:
        if self.devices is None:
            not_started = [checks.CheckResult(d, checks.FAULT, "not_started") for d in ("reader", "camera",
                                                                                     "printer", "api")]
            return e.ChecksDone([*not_started, checks.check_storage(self.journal, self.settings.var_dir)])
        results = checks.run_all(self.devices, self.journal, self.settings.var_dir, deep=True)
        if self.last_test_read:
            results[0].details["test_read"] = self.last_test_read
        self.metrics.record_checks(results)
        return e.ChecksDone(results)

    def _diag_action(self, action: str) -> object:
        svc = self.devices.print_service
        if action == "test_page":
            from kiosk.printing.layout import render_test_page

            svc.print_image(f"test-{uuid.uuid4().hex[:12]}", "test", render_test_page(self.devices.printer.width_dots))
        elif action.startswith("reprint:"):
            svc.reprint(action.partition(":")[2])
        elif action == "test_read":
            self.last_test_read = self._test_read()
        return self._run_checks()

    def _test_read(self) -> str:
        """Read the technicians' test card end to end; report protocol, authenticity and timing only."""
        from drivers.idcard.base import AccessKey

        assert self.devices is not None
        can = self.settings.diagnostics.test_card_can
        if not can:
            return "no test_card_can configured"
        if self.devices.reader.wait_for_card(5.0) is None:
            return "no card on the reader"
        t0 = time.perf_counter()
        try:
            identity = self.devices.reader.read(AccessKey(can=can))
        except DeviceError as exc:
            return f"failed: {exc.code}"
        auth = identity.authenticity
        verdict = "verified" if auth.verified else f"NOT verified: {auth.failure}"
        seconds = time.perf_counter() - t0
        summary = f"{identity.access_protocol}, {verdict}, {identity.stats.apdus} APDUs, {seconds:.2f} s"
        identity.wipe()
        return summary

    def _wait_for_card(self, cancel: threading.Event) -> object:
        while not cancel.is_set():
            info = self.devices.reader.wait_for_card(0.25)
            if info is not None:
                return e.CardInserted(info)
        return None

    def _read_card(self, key: Any) -> object:
        identity = self.devices.reader.read(key)
        try:
            reference = self.devices.face.enrol(bytes(identity.portrait))
        except DeviceError:
            identity.wipe()
            raise
        return e.CardRead(identity, reference)

    def _face_check(self, cancel: threading.Event) -> object:
        reference = self.flow.session.face_reference

        def guidance(code: str, challenge: str | None) -> None:
            if not cancel.is_set():
                self.post(e.FaceGuidance(code, challenge))

        decision = self.devices.face.check(self.devices.camera, reference, guidance, cancel)
        if cancel.is_set():
            return None
        return e.FaceChecked(decision.passed, decision.reason)

    def _load_reference(self) -> object:
        return e.ReferenceLoaded(self.devices.registry.reference_data())

    def _submit(self, cmd: c.Submit) -> object:
        decision = self.devices.registry.submit(cmd.application, cmd.idempotency_key)
        self._crash_point("answered")
        self.journal.store_application_id(cmd.txn_id, decision.application_id)
        return e.Decided(decision)

    def _print(self, cmd: c.PrintLicence | c.PrintReferral) -> object:
        svc = self.devices.print_service
        if isinstance(cmd, c.PrintLicence):
            job = svc.print_licence(cmd.txn_id, cmd.licence)
            self.issued += 1
        else:
            job = svc.print_referral(cmd.txn_id, cmd.decision)
        return e.Printed(str(job))

    def _probe(self, recover: bool = True) -> object:
        if self.devices is None:  # start-up failed: try it again
            self._bring_up()
            return None
        results = recovery.probe_results(self.devices)
        self.metrics.record_checks(results)
        code = checks.first_fault(results)
        self.metrics.out_of_service.set(1 if code else 0)
        if not code and recover:
            recovery.recover(self.journal, self.devices)
        return e.DevicesProbed(not code, code)
