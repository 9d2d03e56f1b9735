"""Soak: many applicants through the real runner, flow and simulators, with faults, checking the
kiosk's promises from its durable records after every applicant. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/soak.py --applicants 1000 --fault-rate 0.10 --seed 1 --out /tmp/soak-1000
    .venv/bin/python benchmarks/soak.py --ui --applicants 20 --out /tmp/soak-ui

docs/soak.md says what each figure covers and what the harness does not check.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.soak import report as report_mod  # noqa: E402
from benchmarks.soak.faults import KINDS  # noqa: E402
from benchmarks.soak.harness import Options, Soak  # noqa: E402


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--applicants", type=int, default=1000)
    ap.add_argument("--fault-rate", type=float, default=0.10, help="share of applicants who meet a fault")
    ap.add_argument("--faults", default="", help=f"comma-separated subset of: {', '.join(KINDS)}")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True, help="a new directory for the run (var/ goes inside)")
    ap.add_argument("--face-full-every", type=int, default=10,
                    help="every Nth applicant gets the shipped face settings (1: all); the rest the fast ones")
    ap.add_argument("--sample-every", type=int, default=50)
    ap.add_argument("--pii-sweep-every", type=int, default=50)
    ap.add_argument("--technician-first", action="store_true",
                    help="after a kill the technician reprints before the applicant decides (a staffed kiosk)")
    ap.add_argument("--trim-printer-memory", action="store_true",
                    help="drop the virtual printer's in-memory printouts before each applicant (its own growth)")
    ap.add_argument("--reaction-s", type=float, default=0.4,
                    help="the scripted applicant's reaction to each face-check prompt ([camera] reaction_s)")
    ap.add_argument("--ui", action="store_true", help="through the real Kivy UI (offscreen) with the autopilot")
    ap.add_argument("-v", "--verbose", action="store_true")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.fault_rate < 0 or args.fault_rate > 1 or args.applicants < 1:
        print("--fault-rate must lie in [0, 1] and --applicants be at least 1", file=sys.stderr)
        return 2
    kinds = None
    if args.faults:
        unknown = [k for k in args.faults.split(",") if k not in KINDS]
        if unknown:
            print(f"unknown fault kinds: {', '.join(unknown)}; known: {', '.join(KINDS)}", file=sys.stderr)
            return 2
        kinds = {k: KINDS[k] for k in args.faults.split(",")}
    if args.out.exists():
        print(f"{args.out} exists: give a new directory", file=sys.stderr)
        return 2
    if args.ui:
        from benchmarks.soak.ui_mode import run_ui

        result = run_ui(args.out, args.applicants, args.seed, args.verbose)
    else:
        opts = Options(applicants=args.applicants, fault_rate=args.fault_rate, seed=args.seed, out=args.out,
                       face_full_every=args.face_full_every, sample_every=args.sample_every,
                       pii_sweep_every=args.pii_sweep_every, faults=kinds, verbose=args.verbose,
                       trim_printer_memory=args.trim_printer_memory, technician_first=args.technician_first,
                       reaction_s=args.reaction_s)
        result = Soak(opts).run()
    print(report_mod.render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
