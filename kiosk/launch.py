"""Start the kiosk: devices, journal, recovery, then the window."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

from kiosk import logs
from kiosk.instance_lock import AlreadyRunning, InstanceLock
from kiosk.journal import Journal
from kiosk.sealing import Sealer
from kiosk.settings import Settings

log = logging.getLogger(__name__)


def open_journal(settings: Settings) -> Journal:
    var = settings.var_dir
    return Journal(var / "journal.db", Sealer(var / "keys" / "journal.key"))


def run_kiosk(settings: Settings, autopilot: bool = False, screenshots: Path | None = None,
              headless: bool = False) -> int:
    started = time.perf_counter()
    lock = InstanceLock(settings.var_dir)
    try:
        lock.acquire()
    except AlreadyRunning as exc:
        print(f"{exc}; stop it first (technicians: `main.py diag` reads its live state)",
              file=sys.stderr)
        return 2
    try:
        return _run(settings, lock, started, autopilot, screenshots, headless)
    finally:
        lock.release()


def _run(settings: Settings, lock: InstanceLock, started: float, autopilot: bool,
         screenshots: Path | None, headless: bool) -> int:
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
    pilot = None
    if autopilot:
        from kiosk.ui.autopilot import Autopilot

        can = getattr(settings.reader.options, "can", "123456")
        pilot = Autopilot(app, screenshots, can)
    log.info("kiosk starting", extra={"kiosk": settings.kiosk.id, "startup_s": round(time.perf_counter() - started, 3)})
    try:
        app.run()
    finally:
        runner.shutdown()
    if pilot is not None:
        print(f"autopilot: {pilot.result} (screens: {' -> '.join(pilot.seen)})")
        return 0 if pilot.result == "ok" else 1
    return app.exit_code
