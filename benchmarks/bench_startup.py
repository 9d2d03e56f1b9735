"""Cold start to the first drawn frame of the attract screen, offscreen; and the autopilot journey.

Prints numbers; it asserts nothing. Usage: .venv/bin/python benchmarks/bench_startup.py [--runs 5]
Each run is a fresh process (imports, font registration, device start-up, first frame), the way
a kiosk boots. The var directory is reused after the first run, as on a kiosk after its first boot.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def config_for(var: Path) -> Path:
    text = (ROOT / "config" / "default.toml").read_text(encoding="utf-8")
    path = var / "bench.toml"
    path.write_text(text.replace('var_dir = "var"', f'var_dir = "{var}"'), encoding="utf-8")
    return path


def first_frame(config: Path) -> float:
    env = dict(os.environ, KIOSK_REPORT_FIRST_FRAME="1")
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--headless", "--config", str(config)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("first-frame"):
            elapsed = time.perf_counter() - t0
            break
    else:
        raise SystemExit(f"kiosk exited with {proc.wait()} before drawing a frame")
    proc.wait(timeout=30)
    return elapsed


def autopilot(config: Path, shots: Path) -> tuple[float, int]:
    t0 = time.perf_counter()
    rc = subprocess.run([sys.executable, str(ROOT / "main.py"), "--autopilot", "--config", str(config)],
                        cwd=ROOT, capture_output=True, text=True).returncode
    return time.perf_counter() - t0, rc


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--journeys", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        var = Path(tmp)
        config = config_for(var)
        first = first_frame(config)  # first boot: test PKI, keys, database are created
        runs = [first_frame(config) for _ in range(args.runs)]
        print(f"first boot (creates keys, PKI, databases): {first:.3f} s")
        print(f"cold start to first attract frame, median of {args.runs}: {statistics.median(runs):.3f} s "
              f"(min {min(runs):.3f}, max {max(runs):.3f}; goal <= 1.5 s)")
        for i in range(args.journeys):
            wall, rc = autopilot(config, var / f"shots{i}")
            print(f"autopilot journey (process start to licence printed, screenshots off): {wall:.2f} s, exit {rc}")


if __name__ == "__main__":
    main()
