"""A headless applicant for crash-recovery tests: the production runner and simulators, no window.

Run as a separate process so that a simulated power cut (os._exit right after a journal step)
kills everything a real one would:
    python -m tests.kiosk.journey CONFIG [--crash-after STEP] [--crash-in-print STAGE] [--recover-only]
``--crash-in-print sending`` dies half-way through sending the licence, ``sent`` after the last
byte left, before the printer confirmed it. Prints one JSON line with what happened.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.request

from kiosk import settings as settings_mod
from kiosk.applicant_script import form_picks, next_trade_name
from kiosk.flow.states import State
from kiosk.launch import open_journal
from kiosk.runner import Runner
from kiosk.services import devices as devices_mod


def drive(runner: Runner, can: str, time_limit: float = 120) -> str:
    acted: set[tuple[State, int]] = set()
    visits = 0
    last = None
    names = 0
    end = time.monotonic() + time_limit
    while time.monotonic() < end:
        runner.pump()
        flow = runner.flow
        if flow.state is not last:
            last, visits = flow.state, visits + 1
        key = (flow.state, visits)
        if key in acted:
            time.sleep(0.01)
            continue
        match flow.state:
            case State.ATTRACT if visits == 1:
                runner.touch("start")
            case State.CONSENT:
                runner.touch("accept")
            case State.CARD_ACCESS:
                runner.touch("submit_key", can)
            case State.FORM if flow.view.reference is not None:
                for field, value in form_picks(flow.view.reference):
                    runner.touch("form_set", (field, value))
                runner.touch("form_done")
            case State.REVIEW:
                runner.touch("confirm")
            case State.DECISION:
                d = flow.session.decision
                choice = next_trade_name(flow.session.identity, names + 1)
                if d is not None and d.outcome == "rejected" and "name_taken" in d.reasons and choice is not None:
                    names += 1
                    runner.touch("edit")
                    runner.touch("form_set", ("trade_name", choice))
                    runner.touch("form_done")
                elif d is not None and d.outcome != "rejected":
                    runner.touch("continue")
                else:
                    return "rejected"
            case State.DONE:
                return "done"
            case State.RETRY | State.STAFF | State.OUT_OF_SERVICE:
                return f"{flow.state.value}:{flow.view.error or flow.view.fault}"
            case _:
                time.sleep(0.01)
                continue
        acted.add(key)
    return f"timeout:{runner.flow.state.value}"


def crash_in_print(devices: devices_mod.Devices, stage: str) -> None:
    """A power cut while the licence is printing: its job is left 'sending' or 'sent'."""
    if stage == "sending":
        send = devices.printer.send

        def half_then_die(job: bytes) -> None:
            send(job[: len(job) // 2])
            os._exit(137)

        devices.printer.send = half_then_die  # type: ignore[method-assign]
    else:
        devices.print_service._wait_for_mechanism = lambda *_: os._exit(137)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("config")
    ap.add_argument("--crash-after", default=None)
    ap.add_argument("--crash-in-print", choices=["sending", "sent"], default=None)
    ap.add_argument("--recover-only", action="store_true")
    args = ap.parse_args()
    cfg = settings_mod.load(args.config)
    devices = devices_mod.build(cfg)
    if args.crash_in_print:
        crash_in_print(devices, args.crash_in_print)
    journal = open_journal(cfg)
    runner = Runner(cfg, devices, journal, crash_after_step=args.crash_after)
    runner.start()  # recovery, camera, models: as the kiosk starts
    result: dict[str, object] = {"recovered": runner.recovered}
    if not args.recover_only:
        port = runner.metrics.serve("127.0.0.1", 0)
        result["journey"] = drive(runner, getattr(cfg.reader.options, "can", "123456"))
        result["issued"] = runner.issued
        runner.pump()  # the last journal step's counters
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            result["metrics"] = response.read().decode()
    result["open"] = [t.txn_id for t in journal.open_transactions()]
    print(json.dumps(result, ensure_ascii=False), flush=True)
    runner.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
