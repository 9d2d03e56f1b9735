"""Start the kiosk: devices, journal, recovery, then the window; stop it cleanly on SIGTERM/SIGINT.

Lockdown keeps applicants from closing the window (ESC, the close button), not the service manager:
SIGTERM (`systemctl stop`) and SIGINT (Ctrl-C on a console) stop the app on its next clock tick,
then the runner shuts down (devices closed, journal closed) and the instance lock is released. The
exit status is then 0: the kiosk did what it was asked, and systemd needs no SuccessExitStatus.
"""

from __future__ import annotations

import logging
import signal
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

from kiosk import logs, owner_only
from kiosk.instance_lock import LOCK_NAME, AlreadyRunning, InstanceLock
from kiosk.journal import Journal
from kiosk.sealing import Sealer
from kiosk.settings import ConfigError, Settings

log = logging.getLogger(__name__)


def open_journal(settings: Settings) -> Journal:
    var = settings.var_dir
    return Journal(var / "journal.db", Sealer(var / "keys" / "journal.key"))


class StopSignals:
    """Records SIGTERM/SIGINT for the main loop to act on. A handler must not touch the window or
    the flow (it runs between any two bytecodes of the main thread); the app polls ``received``.
    Installed before Kivy creates its window, so SDL keeps its own handlers off these signals
    (SDL only claims a signal whose handler is still the default)."""

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __init__(self) -> None:
        self.received: int | None = None
        self._previous: dict[int, Any] = {}

    def install(self) -> None:
        for sig in self.SIGNALS:
            self._previous[sig] = signal.signal(sig, self._handle)

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        self.received = signum

    def restore(self) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()


def run_kiosk(settings: Settings, autopilot: bool = False, screenshots: Path | None = None,
              headless: bool = False) -> int:
    started = time.perf_counter()
    owner_only.restrict_new_files()
    var = settings.var_dir
    lock = InstanceLock(var)
    try:
        owner_only.tighten(var, LOCK_NAME)
        lock.acquire()
    except AlreadyRunning as exc:
        print(f"{exc}; stop it first (technicians: `main.py diag` reads its live state)",
              file=sys.stderr)
        return 2
    except OSError as exc:  # read-only filesystem, no permission: the config's var_dir cannot be used
        print(ConfigError(settings.path, "kiosk.var_dir", f"{var} cannot be used ({exc.strerror})"), file=sys.stderr)
        return 2
    stops = StopSignals()
    stops.install()
    try:
        return _run(settings, lock, started, autopilot, screenshots, headless, stops)
    finally:
        lock.release()
        stops.restore()


def _run(settings: Settings, lock: InstanceLock, started: float, autopilot: bool,
         screenshots: Path | None, headless: bool, stops: StopSignals) -> int:
    k = settings.kiosk
    logs.configure(k.log_level, settings.var_dir / "logs" / "kiosk.log", k.library_log_level, k.log_max_bytes,
                   k.log_backups)
    from kiosk.ui import setup

    setup.configure(settings, headless=headless or autopilot)
    from kiosk.runner import Runner
    from kiosk.services import devices as devices_mod

    # devices come up behind the attract screen; one that fails shows as out of service
    runner = Runner(settings, lambda: devices_mod.build(settings), open_journal(settings))
    runner.start()
    diag = settings.diagnostics
    if diag.metrics_port:
        try:
            port = runner.metrics.serve(diag.metrics_host, diag.metrics_port)
            host = "127.0.0.1" if diag.metrics_host in ("", "0.0.0.0", "::") else diag.metrics_host
            lock.update(metrics=f"http://{host}:{port}")
            log.info("metrics endpoint", extra={"host": diag.metrics_host, "port": port})
        except OSError as exc:  # a busy port must not keep the kiosk from serving applicants
            log.error("metrics endpoint unavailable", extra={"error": str(exc)})
    from kiosk.ui.app import KioskApp

    app = KioskApp(runner)
    app.stop_when = lambda: stops.received is not None
    pilot = None
    if autopilot:
        from kiosk.ui.autopilot import Autopilot

        chip = settings.reader_for("passport")
        can = getattr(chip.options, "can", "123456") if chip is not None else "123456"
        pilot = Autopilot(app, screenshots, can)
    log.info("kiosk starting", extra={"kiosk": settings.kiosk.id, "startup_s": round(time.perf_counter() - started, 3)})
    try:
        app.run()
    finally:
        runner.shutdown()
    if stops.received is not None:
        log.info("kiosk stopped", extra={"signal": signal.Signals(stops.received).name})
    if pilot is not None:
        print(f"autopilot: {pilot.result} (screens: {' -> '.join(pilot.seen)})")
        return 0 if pilot.result == "ok" else 1
    return app.exit_code
