"""Taps and seconds of a whole applicant journey through the real Kivy UI, offscreen.

Each run is a fresh kiosk process on a fresh var dir (the embedded default config, every device
simulated), driven by the autopilot (kiosk/ui/autopilot.py) as `main.py --autopilot` drives it,
with screenshots off: attract -> consent -> card -> face check -> form -> review -> submit ->
decision -> printing -> done -> rating. A fresh var dir per run keeps the demo applicant's shop
name free, so no run takes the "name taken" detour.

Journeys, each in normal mode and in elderly mode (the header's 长辈模式 button, tapped on the
attract screen; it carries into the case):

- ``scripted``: the autopilot's own applicant, who writes the 字号 (pinyin and handwriting), the
  name's 行业 wording and the road, and taps 打印 on the decision screen;
- ``minimal``: the preset 字号 (the applicant's own name) and the industry's standard term
  instead of writing them, the decision screen left to move on by itself; every required pick,
  keypad digit and the road (the authority refuses a house number without one) as the scripted
  applicant makes them. The fewest touches this script knows, not a proven minimum: the road
  and the scope search are still spelt out in full pinyin.

with the resident ID card (the default) and with the e-passport (its access number typed on the
keypad). The journey ends when the rating is sent (the "thank you" screen).

Touches are the synthetic touches the autopilot issues (Autopilot.touches): a tap, a candidate
picked, one stroke on the handwriting pad. "keys" are those that write text (pinyin keys,
candidates, strokes, keypad digits, the scope search's initials); "nav" are the rest (buttons,
picks, toggles); "scrolls" are the times a button had to be scrolled into view first (a swipe
for a person; not in the touch count).

Seconds, per screen (flow state), from the autopilot's pump (1/30 s) onwards; each interval
between two pumps goes to what the autopilot was doing during it:

- ``think``: its own scripted pauses ("wait" steps: looking at a screen, a pause between keys).
- ``pace``: up to one frame after an action or a pause, when it acts next: its one action per
  frame.
- ``machine``: it had nothing to do but wait for the kiosk (a device: card reader, face check,
  submission, printer; the decision screen's own delay; a button not shown yet), or the next
  pump came later than that one frame because the kiosk's UI thread was busy building, laying
  out and drawing a screen. This is the applicant-facing time the kiosk itself costs.

``think`` and ``pace`` are the script's, not the kiosk's, and are reported beside it. The attract
screen's time (device start-up of a fresh process) is left out; its taps count. A scripted
applicant decides instantly: the figures are a lower bound on taps and on machine time, not a
person's time.

``read`` estimates reading time: the Han characters of the distinct texts (headings,
instructions, values shown; not button labels, so neither the options of a pick list nor the
keys) on the screens where the applicant acts or waits to act, taken as each screen is built and
before every touch that is not a key (so pickers and the name editor count; a text shown twice
counts once), at 255 characters a minute: IReST's mean for Chinese, read aloud by 18-35 year olds
(Trauzettel-Klosinski & Dietz, IOVS 2012;53:5452, doi:10.1167/iovs.11-8284). Older readers read
slower, and options are scanned, not counted: a rough lower bound, not part of ``wall``.

Prints medians of N runs; asserts nothing beyond every journey issuing and printing a licence.

    .venv/bin/python benchmarks/bench_journey.py [--runs 3] [--only resident_card] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

READING_CPM = 255  # IReST, Chinese, read aloud, 18-35 years (see the module docstring)
KEY_ACTIONS = frozenset({"te_key", "te_candidate", "stroke", "key", "scope_letter"})
READ_STATES = ("consent", "card_wait", "card_access", "form", "review", "decision", "done", "rating")
DEVICE_STATES = ("card_read", "face_check", "submit", "printing")
STATES = ("consent", "card_wait", "card_access", "card_read", "face_check", "form", "review", "submit",
          "decision", "printing", "done", "rating")
KINDS = ("think", "pace", "machine")
# the demo config's reader lines (config/default.toml): the passport journey swaps which one
# finds a document
RESIDENT_CARD = "insert_after_s = 2.0           # placed 2 s after the card screen starts looking for a card"
NO_PASSPORT = ("insert_after_s = -1            "
               "# no passport in the demo (`main.py diag card --kind chip --simulate pace`)")
DOCUMENTS = {
    "resident_card": {},
    "passport": {RESIDENT_CARD: "insert_after_s = -1", NO_PASSPORT: "insert_after_s = 0.0"},
}
PATHS = ("scripted", "minimal")
MODES = ("normal", "elderly")
FRAME = 1 / 30  # the kiosk's pump (kiosk/ui/app.py), where the autopilot acts
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


# --- counting (no Kivy: tests/benchmarks/test_bench_journey.py) ------------------------------
def touch_counts(touches: Iterable[Sequence[Any]]) -> dict[str, int]:
    """Touches (state, action, value) split into text-writing keys and navigation taps."""
    keys = nav = 0
    for _state, action, _value in touches:
        if action in KEY_ACTIONS:
            keys += 1
        else:
            nav += 1
    return {"touches": keys + nav, "keys": keys, "nav": nav}


def han_count(texts: Iterable[str]) -> int:
    return sum(len(HAN.findall(t)) for t in texts)


def reading_seconds(chars: int, cpm: float = READING_CPM) -> float:
    return chars * 60.0 / cpm


@dataclass
class Ledger:
    """Seconds per (state, kind), from the pump-by-pump observations of the autopilot: each
    interval between two pumps goes to the state and the kind seen at its start."""

    seconds: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(lambda: dict.fromkeys(KINDS, 0.0)))
    frame: float = FRAME
    _last: tuple[float, str, str, float] | None = None

    def observe(self, now: float, state: str, kind: str | None, until: float = 0.0) -> None:
        """``kind`` None: not counted from here on (before the journey or after its end);
        ``until``: the end of a "think" pause. A pump later than the pause's end plus one frame,
        or a paced action's next pump later than one frame, was held up by the kiosk's own work
        on the UI thread (building, laying out, drawing a screen): that excess is "machine"."""
        if self._last is not None:
            t0, s0, k0, u0 = self._last
            per, dt = self.seconds[s0], max(0.0, now - t0)
            if k0 == "machine":
                per["machine"] += dt
            else:
                own = max(0.0, min(now, u0) - t0) if k0 == "think" else 0.0
                paced = min(dt - own, self.frame)
                per["think"] += own
                per["pace"] += paced
                per["machine"] += dt - own - paced
        self._last = (now, state, kind, until) if kind is not None else None

    def totals(self) -> dict[str, float]:
        out = dict.fromkeys(KINDS, 0.0)
        for per in self.seconds.values():
            for k, v in per.items():
                out[k] += v
        return out

    def as_dict(self) -> dict[str, dict[str, float]]:
        return {s: dict(per) for s, per in self.seconds.items()}


def autopilot_kind(now: float, wait_until: float, last_wait_scripted: bool, queued: bool) -> str:
    """What the autopilot is doing at ``now``: its own pause, pacing, or waiting for the kiosk."""
    if now < wait_until:
        return "think" if last_wait_scripted else "machine"  # else: retrying, the button is not shown yet
    return "pace" if queued else "machine"


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over runs of one journey: counts, per-state seconds, totals."""
    med = statistics.median
    out: dict[str, Any] = {"runs": len(runs)}
    for key in ("touches", "keys", "nav", "scrolls", "chars"):
        out[key] = med(r[key] for r in runs)
    out["wall"] = med(r["wall"] for r in runs)
    for kind in KINDS:
        out[kind] = med(sum(per[kind] for per in r["seconds"].values()) for r in runs)
    out["device"] = med(sum(r["seconds"].get(s, {}).get("machine", 0.0) for s in DEVICE_STATES) for r in runs)
    out["ui"] = out["machine"] - out["device"]
    out["read"] = reading_seconds(out["chars"])
    out["states"] = {s: {k: med(r["seconds"].get(s, {}).get(k, 0.0) for r in runs) for k in KINDS}
                     for s in STATES if any(s in r["seconds"] for r in runs)}
    out["taps_by_state"] = {s: med(r["taps_by_state"].get(s, 0) for r in runs) for s in ("attract", *STATES)}
    return out


# --- the child: one journey in this process ----------------------------------------------------
def child(out: Path, config: Path, mode: str, path: str) -> int:
    """One journey; Kivy is imported only once kiosk.launch has configured it (offscreen)."""
    from kiosk import settings as settings_mod
    from kiosk.ui import setup

    pilots: list[Any] = []
    configure = setup.configure

    def configured(*args: Any, **kwargs: Any) -> None:
        configure(*args, **kwargs)
        from kiosk.ui import autopilot as autopilot_mod

        # kiosk.launch imports the class after this, when it starts the autopilot
        autopilot_mod.Autopilot = pilot_class(mode, path, pilots)  # type: ignore[misc]

    setup.configure = configured  # type: ignore[assignment]
    from kiosk.launch import run_kiosk

    rc = run_kiosk(settings_mod.load(config), autopilot=True)
    return write_record(out, rc, pilots[0])


def pilot_class(mode: str, path: str, pilots: list[Any]) -> type:
    """The autopilot, recording what it does, extended to the rating, in ``mode`` along ``path``."""
    from kiosk.flow.states import State
    from kiosk.ui import autopilot as autopilot_mod
    from kiosk.ui.touch import find_button, visible
    from kiosk.ui.widgets import KioskButton

    class Queue(deque):  # type: ignore[type-arg]
        """The autopilot's queue, telling its owner which kind of step it takes next."""

        def __init__(self, owner: Any) -> None:
            super().__init__()
            self.owner = owner

        def popleft(self) -> Any:
            item = super().popleft()
            self.owner.scripted_wait = item[0] == "wait"
            return item

    class Pilot(autopilot_mod.Autopilot):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.queue = Queue(self)
            self.scripted_wait = False
            self.ledger = Ledger()
            self.scrolls = 0
            self.texts: dict[str, set[str]] = defaultdict(set)  # per state, every text shown
            self.modes_seen: set[bool] = set()
            self.started = self.ended = 0.0
            pilots.append(self)

        def tap(self, action: str, value: Any = None) -> bool:
            button = find_button(self.app.root, action, value)
            if button is not None and not visible(button):
                self.scrolls += 1
            return super().tap(action, value)

        def plan(self, state: State) -> None:
            super().plan(state)
            if state is State.ATTRACT and mode == "elderly":
                self.queue.insert(self.queue.index(("tap", ("start", None))), ("tap", ("elderly", None)))
            elif state is State.DONE:  # on to the rating instead of ending at the done screen
                self.queue.remove(("finish", None))
                self.queue.append(("tap", ("finish", None)))
            elif state is State.RATING:
                self.queue.append(("tap", ("rate", "satisfied")))
            self.read_screen()

        def touched(self, action: str, value: Any) -> None:
            if action not in KEY_ACTIONS:  # what the applicant read before a choice (keys: the same page)
                self.read_screen()
            super().touched(action, value)

        def read_screen(self) -> None:
            """The texts on the screen now (called before the touch takes effect)."""
            state = self.app.runner.flow.state.value
            self.texts[state] |= {w.text for w in self.app.root.walk()
                                  if isinstance(getattr(w, "text", None), str) and not isinstance(w, KioskButton)}

        def name_steps(self) -> list[tuple[str, Any]]:
            return super().name_steps() if path == "scripted" else []

        def term_steps(self) -> list[tuple[str, Any]]:
            return super().term_steps() if path == "scripted" else []

        def decide(self) -> None:
            if path == "scripted":
                super().decide()
                return
            decision = self.app.runner.flow.session.decision
            if decision is not None and decision.outcome == "rejected":
                self.stop(f"application rejected: {', '.join(decision.reasons)}")

        def step(self) -> None:
            now = time.monotonic()
            flow = self.app.runner.flow
            state = flow.state.value
            if self.result is None and flow.state is not State.ATTRACT and not self.started:
                self.started = now
            if flow.state is not State.ATTRACT:
                self.modes_seen.add(flow.view.elderly)
            super().step()
            if flow.state is State.RATING and flow.view.rating_thanks and self.result is None:
                self.ended = now
                ok = self.printed_outcome == "approved" and self.app.runner.issued >= 1
                self.stop(None if ok else f"rated without a licence (outcome {self.printed_outcome!r})")
            counting = bool(self.started) and not self.ended and self.result is None
            kind = autopilot_kind(time.monotonic(), self._wait_until, self.scripted_wait, bool(self.queue))
            self.ledger.observe(now, state, kind if counting else None, self._wait_until)

    return Pilot


def write_record(out: Path, rc: int, pilot: Any) -> int:
    # reading counts on the screens where the applicant acts or waits to act, not the busy ones
    chars = {s: han_count(texts) for s, texts in pilot.texts.items() if s in READ_STATES}
    taps_by_state: dict[str, int] = defaultdict(int)
    for state, _action, _value in pilot.touches:
        taps_by_state[state] += 1
    record = {
        "rc": rc, "result": pilot.result, "seen": pilot.seen, "elderly": sorted(pilot.modes_seen),
        "wall": pilot.ended - pilot.started, "seconds": pilot.ledger.as_dict(),
        "touch_list": [[s, a, str(v)] for s, a, v in pilot.touches], "taps_by_state": dict(taps_by_state),
        "scrolls": pilot.scrolls, "chars": sum(chars.values()), "chars_by_state": chars,
        **touch_counts(pilot.touches),
    }
    out.write_text(json.dumps(record), encoding="utf-8")
    return rc


# --- the parent: fresh processes, medians, the table -------------------------------------------
def config_for(var: Path, document: str) -> Path:
    text = (ROOT / "config" / "default.toml").read_text(encoding="utf-8").replace('var_dir = "var"',
                                                                                 f'var_dir = "{var}"')
    for old, new in DOCUMENTS[document].items():
        assert old in text, f"config/default.toml changed: {old!r}"
        text = text.replace(old, new)
    path = var / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def one_run(document: str, mode: str, path: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="kiosk-journey-") as tmp:
        var = Path(tmp)
        config, out = config_for(var, document), var / "journey.json"
        env = dict(os.environ, KIVY_NO_ARGS="1")
        proc = subprocess.run([sys.executable, __file__, "--child", str(out), "--config", str(config),
                               "--mode", mode, "--path", path], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=600)
        if proc.returncode != 0 or not out.exists():
            raise SystemExit(f"{document}/{mode}/{path}: exit {proc.returncode}\n{proc.stdout[-2000:]}"
                             f"{proc.stderr[-3000:]}")
        record = json.loads(out.read_text(encoding="utf-8"))
    want = [mode == "elderly"]
    if record["result"] != "ok" or record["elderly"] != want:
        raise SystemExit(f"{document}/{mode}/{path}: {record['result']}, elderly seen {record['elderly']}")
    return record


def print_table(results: dict[tuple[str, str, str], dict[str, Any]]) -> None:
    head = (f"{'journey':<34} {'touches':>7} {'keys':>5} {'nav':>4} {'scroll':>6} {'wall s':>7} {'think':>6} "
            f"{'pace':>5} {'machine':>7} {'device':>6} {'ui':>5} {'chars':>5} {'read s':>6}")
    print(head)
    print("-" * len(head))
    for (document, path, mode), s in results.items():
        print(f"{document + ' / ' + path + ' / ' + mode:<34} {s['touches']:>7.0f} {s['keys']:>5.0f} {s['nav']:>4.0f} "
              f"{s['scrolls']:>6.0f} {s['wall']:>7.2f} {s['think']:>6.2f} {s['pace']:>5.2f} {s['machine']:>7.2f} "
              f"{s['device']:>6.2f} {s['ui']:>5.2f} {s['chars']:>5.0f} {s['read']:>6.1f}")


def print_states(results: dict[tuple[str, str, str], dict[str, Any]]) -> None:
    for (document, path, mode), s in results.items():
        print(f"\n{document} / {path} / {mode}: per screen, median seconds think/pace/machine, taps")
        taps = s["taps_by_state"]
        if taps.get("attract"):
            print(f"  {'attract':<12} {'(time not counted)':>26} {taps['attract']:>4.0f} taps")
        for state, per in s["states"].items():
            print(f"  {state:<12} {per['think']:>8.2f} {per['pace']:>8.2f} {per['machine']:>8.2f} "
                  f"{taps.get(state, 0):>4.0f} taps")


def peers(results: dict[tuple[str, str, str], dict[str, Any]]) -> None:
    print("\npeers: elderly vs normal (same journey), and the scripted path vs the minimal path")
    for (document, path, mode), s in results.items():
        if mode != "elderly" or (document, path, "normal") not in results:
            continue
        n = results[(document, path, "normal")]
        print(f"  {document}/{path}: elderly {s['touches']:.0f} touches vs normal {n['touches']:.0f}; "
              f"machine {s['machine']:.2f} s vs {n['machine']:.2f} s; scrolls {s['scrolls']:.0f} vs {n['scrolls']:.0f}")
    for (document, path, mode), s in results.items():
        low = results.get((document, "minimal", mode))
        if path == "scripted" and low is not None:
            print(f"  {document}/{mode}: scripted {s['touches']:.0f} touches ({s['keys']:.0f} keys) vs minimum "
                  f"{low['touches']:.0f} ({low['keys']:.0f} keys)")


EXPLAIN = """
touches = keys + nav: synthetic touches the autopilot issued from the attract screen to the rating
sent (one stroke on the handwriting pad = one touch); scroll = buttons scrolled into view first.
wall = leaving the attract screen to the rating sent = think + pace + machine.
think = the script's own pauses; pace = up to one frame (1/30 s) before each of its actions:
neither is kiosk time. machine = waiting for the kiosk, including pumps held up by the UI thread
building and drawing screens: device = in card_read, face_check, submit, printing (simulated
devices, the face check's liveness challenges included); ui = the rest (screens rebuilt after
each tap or key, the card reader noticing the card, the decision screen's own 2.5 s on the minimal
path, name checks). minimal = preset 字号 and standard 行业 term, no Print now tap (see the docstring).
read = Han characters of the texts other than button labels on the screens the applicant acts on
(each distinct text once) / 255 per minute (IReST, Chinese, read aloud, age 18-35; older readers
are slower; options and keys are not counted): an estimate of reading alone, not part of wall.
A scripted applicant with instant decisions: lower bounds on taps and machine time, not a person's time.
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", choices=list(DOCUMENTS), action="append", help="a document (default: both)")
    ap.add_argument("--paths", choices=PATHS, action="append", help="a path (default: both)")
    ap.add_argument("--json", type=Path, help="also write every run's record here")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--config", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--mode", choices=MODES, help=argparse.SUPPRESS)
    ap.add_argument("--path", choices=PATHS, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        sys.exit(child(args.child, args.config, args.mode, args.path))
    load = os.getloadavg()
    print(f"{time.strftime('%Y-%m-%d %H:%M')} {os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} "
          f"{load[2]:.2f}; median of {args.runs} runs, each a fresh process and var dir")
    raw: dict[str, list[dict[str, Any]]] = {}
    results: dict[tuple[str, str, str], dict[str, Any]] = {}
    for document in args.only or list(DOCUMENTS):
        for path in args.paths or list(PATHS):
            runs: dict[str, list[dict[str, Any]]] = {m: [] for m in MODES}
            for _ in range(args.runs):
                for mode in MODES:  # interleaved: a noisy stretch hits both modes alike
                    runs[mode].append(one_run(document, mode, path))
                    print(f"  {document}/{path}/{mode}: {runs[mode][-1]['touches']} touches, "
                          f"{runs[mode][-1]['wall']:.2f} s", file=sys.stderr, flush=True)
            for mode in MODES:
                results[(document, path, mode)] = summarise(runs[mode])
                raw[f"{document}/{path}/{mode}"] = runs[mode]
    print_table(results)
    print_states(results)
    peers(results)
    print(EXPLAIN)
    if args.json:
        args.json.write_text(json.dumps({"summary": {"/".join(k): v for k, v in results.items()}, "runs": raw},
                                        indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
