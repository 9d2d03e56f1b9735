"""Log bytes a kiosk writes at the default level: per idle hour and per applicant.

Prints numbers; it asserts nothing. Usage: .venv/bin/python benchmarks/bench_logs.py [--idle-probes 60]
Idle: the kiosk runs headless with `attract_probe` = 1 s, so N probes stand for N minutes at the
default 60 s; the log's growth after the devices came up, over those probes, is scaled to an hour.
Applicant: one `--autopilot` journey; its log minus what a start alone writes (measured separately).
``--root`` runs another checkout (e.g. an export of an older commit) for a before/after comparison.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def config_for(root: Path, var: Path, metrics_port: int, probe_s: float) -> Path:
    text = (root / "config" / "default.toml").read_text(encoding="utf-8")
    text = text.replace('var_dir = "var"', f'var_dir = "{var}"')
    text = text.replace("[diagnostics]\n", f"[diagnostics]\nmetrics_port = {metrics_port}\n")
    path = var.parent / f"{var.name}.toml"
    path.write_text(f"{text}\n[timeouts]\nattract_probe = {probe_s}\n", encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def last_check(port: int) -> float:
    """When the running kiosk last checked its printer (0 before the first check)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as resp:
            text = resp.read().decode()
    except OSError:
        return 0.0
    for line in text.splitlines():
        if line.startswith("kiosk_device_checked_timestamp_seconds{") and 'device="printer"' in line:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def log_bytes(var: Path) -> int:
    return sum(p.stat().st_size for p in (var / "logs").glob("kiosk.log*"))


def idle(root: Path, tmp: Path, probes: int) -> tuple[int, float]:
    var = tmp / "idle"
    port = free_port()
    config = config_for(root, var, port, 1.0)
    env = dict(os.environ, KIVY_NO_ARGS="1", PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.Popen([sys.executable, str(root / "main.py"), "--headless", "--config", str(config)],
                            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline, seen = time.monotonic() + 120, set()
        while len(seen - {0.0}) < 2:  # devices up and one idle probe behind us
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("the kiosk did not come up")
            seen.add(last_check(port))
            time.sleep(0.2)
        start_bytes, t0 = log_bytes(var), time.monotonic()
        time.sleep(probes)
        grown, seconds = log_bytes(var) - start_bytes, time.monotonic() - t0
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    return grown, seconds


def startup_and_journey(root: Path, tmp: Path) -> tuple[int, int, int]:
    env = dict(os.environ, KIVY_NO_ARGS="1", PYTHONDONTWRITEBYTECODE="1")
    var = tmp / "journey"
    config = config_for(root, var, 0, 60)
    rc = subprocess.run([sys.executable, str(root / "main.py"), "--autopilot", "--config", str(config)],
                        cwd=root, env=env, capture_output=True).returncode
    journey = log_bytes(var)
    start_var = tmp / "start"
    config = config_for(root, start_var, 0, 60)
    first = subprocess.Popen([sys.executable, str(root / "main.py"), "--headless", "--config", str(config)],
                             cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert first.stdout is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and b"virtual printer on" not in _read(start_var):
        time.sleep(0.2)
    time.sleep(3)  # the first checks and the face models' warm-up
    first.send_signal(signal.SIGKILL)
    first.wait()
    return rc, journey, log_bytes(start_var)


def _read(var: Path) -> bytes:
    try:
        return (var / "logs" / "kiosk.log").read_bytes()
    except FileNotFoundError:
        return b""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--idle-probes", type=int, default=60, help="probes at 1 s, each standing for a minute")
    ap.add_argument("--root", type=Path, default=ROOT, help="checkout to run (default: this one)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="kiosk-logs-") as tmp:
        grown, seconds = idle(args.root, Path(tmp), args.idle_probes)
        per_probe = grown / seconds  # one probe a second
        print(f"idle: {grown} B over {seconds:.0f} probes -> {per_probe * 60:.0f} B per idle hour "
              f"({per_probe * 60 * 24 / 1024:.1f} KiB a day) at attract_probe = 60 s")
        rc, journey, start = startup_and_journey(args.root, Path(tmp))
        print(f"start alone: {start} B; start + one autopilot applicant (exit {rc}): {journey} B "
              f"-> ~{journey - start} B per applicant")


if __name__ == "__main__":
    main()
