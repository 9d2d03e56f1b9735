"""What the running kiosk does for technicians: PIN checks, the audit trail, health checks and the
device actions of the diagnostics screen.

Kept apart from the runner so that the runner only executes the flow's commands. The runner asks
``job(cmd)`` for the work of a technician command and runs it on one of its workers; the work
returns the event for the flow and never reads the flow.
"""

from __future__ import annotations

import functools
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from drivers.errors import DeviceError, PrinterJobError
from kiosk.diag import checks
from kiosk.diag.audit import AuditLog
from kiosk.diag.pin import PinGuard
from kiosk.flow import commands as c
from kiosk.flow import events as e
from kiosk.journal import Journal
from kiosk.metrics import Metrics
from kiosk.settings import Settings

log = logging.getLogger(__name__)
Job = tuple[str, Callable[[], object]]  # (step name, work for a worker thread)


class TechnicianDuties:
    def __init__(self, settings: Settings, journal: Journal, metrics: Metrics, devices: Callable[[], Any]) -> None:
        """``devices`` returns the kiosk's devices, or None while they are not built yet."""
        self.settings, self.journal, self.metrics, self._devices = settings, journal, metrics, devices
        var, d = settings.var_dir, settings.diagnostics
        self.audit = AuditLog(var / "logs" / "audit.log", d.audit_max_bytes, d.audit_backups)
        self.pin = PinGuard(d.pin_hash, var / "diag-lockout.json", self.audit, d.max_failures, d.lockout_s)
        self.last_test_read = ""
        self.last_action = ""  # outcome of the latest printer action, shown with the checks
        # checks of parts that are not devices (the voice), run after the devices' checks
        self.extra_checks: list[Callable[[], checks.CheckResult]] = []

    def job(self, cmd: object) -> Job | None:
        """The worker job for a technician command; None when it was done at once (an audit line)."""
        match cmd:
            case c.VerifyPin():
                return "pin", functools.partial(self.verify_pin, cmd.pin)
            case c.RunChecks():
                return "checks", self.run_checks
            case c.DiagAction():
                return "diag_action", functools.partial(self.diag_action, cmd.action)
            case c.Audit():
                self.audit.write(cmd.event, **({"detail": cmd.detail} if cmd.detail else {}))
                return None
        raise TypeError(f"not a technician command: {cmd!r}")

    def verify_pin(self, pin: str) -> e.PinChecked:
        return e.PinChecked(self.pin.verify(pin))

    def run_checks(self) -> e.ChecksDone:
        devices = self._devices()
        if devices is None:
            not_started = [checks.CheckResult(d, checks.FAULT, "not_started") for d in ("reader", "camera",
                                                                                     "printer", "api")]
            return e.ChecksDone([*not_started, checks.check_storage(self.journal, self.settings.var_dir)])
        results = checks.run_all(devices, self.journal, self.settings.var_dir, deep=True)
        if self.last_test_read:
            results[0].details["test_read"] = self.last_test_read
        if self.last_action:
            next(r for r in results if r.device == "printer").details["last_action"] = self.last_action
        results += [check() for check in self.extra_checks]
        self.metrics.record_checks(results)
        return e.ChecksDone(results)

    def diag_action(self, action: str) -> e.ChecksDone:
        """Do it, then check again. The outcome comes back with the checks (the flow ignores a
        failed step on the diagnostics screen): a test page refused for want of paper shows as
        its code instead of as nothing happening."""
        devices = self._devices()
        if devices is not None and action == "test_read":
            self.last_test_read = self.test_read()
        elif devices is not None:
            try:
                self._print_action(devices, action)
                self.last_action = f"{action}: ok"
            except DeviceError as exc:
                log.warning("diagnostics action failed", extra={"action": action, "code": exc.code})
                self.last_action = f"{action}: {exc.code}"
        return self.run_checks()

    @staticmethod
    def _print_action(devices: Any, action: str) -> None:
        svc = devices.print_service
        if action == "test_page":
            from kiosk.printing.layout import render_test_page

            svc.print_image(f"test-{uuid.uuid4().hex[:12]}", "test", render_test_page(devices.printer.width_dots))
        elif action == "sheet_test_page":
            svc.print_sheet_test()
        elif action.partition(":")[0] in ("reprint", "confirm_printed", "void"):
            from kiosk.printing.staff import act_on_held_job

            if not act_on_held_job(svc, action):  # the reason is in the log, with the job id
                raise PrinterJobError(f"{action.partition(':')[0]} not done")
        else:
            raise ValueError(f"unknown diagnostics action {action!r}")

    def test_read(self) -> str:
        """Read the technicians' test card end to end, on whichever reader it is put; report the
        protocol, authenticity and timing only. A resident ID card needs no access number; an
        ICAO chip is read with the config's ``test_card_can``."""
        from drivers.idcard.base import AccessKey

        devices = self._devices()
        can = self.settings.diagnostics.test_card_can
        info = devices.reader.wait_for_card(5.0)
        if info is None:
            return "no card on the reader"
        if info.needs_access_key and not can:
            return "no test_card_can configured"
        t0 = time.perf_counter()
        try:
            identity = devices.reader.read(AccessKey(can=can) if info.needs_access_key else None)
        except DeviceError as exc:
            return f"failed: {exc.code}"
        auth = identity.authenticity
        verdict = "verified" if auth.verified else f"NOT verified: {auth.failure}"
        seconds = time.perf_counter() - t0
        summary = f"{identity.access_protocol}, {verdict}, {identity.stats.apdus} APDUs, {seconds:.2f} s"
        identity.wipe()
        return summary
