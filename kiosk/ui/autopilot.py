"""A scripted applicant that uses the real UI: it finds buttons and taps them with synthetic touches.

It screenshots every screen it passes in every configured language (switching with the header's
language button, as a person would), and ends the app with exit status 0 only when a licence was
issued and printed.

While it photographs a screen the simulated world stands still: the flow's clock (timeouts, the
decision screen's auto-advance) and the simulated camera (a face check waits for its next frame),
and the virtual ID card is placed on the reader by the autopilot itself, after the card screen
is photographed. So every screen that waits for the applicant is photographed in every language
however fast the devices or however busy the CPU. Screens that only wait for a device result
(reading the chip, submitting, printing) move on when it arrives and may be left before then.

The screenshots show the demo applicant's face and personal data: they are written 0600 into a
folder only the kiosk's user can open (0700).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections import deque
from pathlib import Path
from typing import Any

from kivy.base import EventLoop
from kivy.core.window import Window

from kiosk.applicant_script import (
    INDUSTRY_TERM_PINYIN,
    NAME_HANDWRITTEN,
    NAME_PINYIN,
    NATIONAL_FIELDS,
    TYPED_FIELDS,
    form_picks,
    national_steps,
    next_trade_name,
)
from kiosk.flow.machine import Flow
from kiosk.flow.states import State
from kiosk.ui.app import KioskApp
from kiosk.ui.autopilot_world import SimulatedWorld, private_folder
from kiosk.ui.touch import SyntheticTouch, tap, tap_widget
from kiosk.ui.widgets import KioskButton

log = logging.getLogger(__name__)
FAIL_STATES = {State.STAFF, State.OUT_OF_SERVICE}
# One character as a finger writes it, for the handwriting pad (Make Me a Hanzi medians through
# kiosk.textentry.strokedata's synthetic writer; Arphic Public License like the bundled model).
STROKES = Path(__file__).resolve().parents[2] / "assets" / "textentry" / "autopilot_strokes.json"


class Autopilot:
    # A guard against a journey that hangs, not a performance goal: with screenshots on a busy
    # machine (software rendering) a journey took up to 156 s.
    def __init__(self, app: KioskApp, screenshot_dir: Path | None, can: str, time_limit: float = 600) -> None:
        self.app, self.can = app, can
        self.shots = screenshot_dir
        self.setup_error = ""
        if self.shots:
            try:
                private_folder(self.shots)
            except (OSError, ValueError) as exc:
                self.setup_error = str(exc)
        self.world = SimulatedWorld(app.runner)
        self.world_ready = False
        app.runner.listeners.insert(0, self.on_flow)  # before the screen is rebuilt
        self.queue: deque[tuple[str, Any]] = deque()
        self.seen: list[str] = []
        self.last_state: State | None = None
        self.deadline = time.monotonic() + time_limit
        self.name_attempt = 0
        self.new_trade_name: str | None = None
        self.printed_outcome = ""
        self.touch_id = 0
        # every synthetic touch issued: (state, action, value); a stroke on the pad is one touch
        self.touches: list[tuple[str, str, Any]] = []
        self.result: str | None = None
        self._wait_until = 0.0
        app.on_pump.append(self.step)

    # --- actions ----------------------------------------------------------------------------
    def tap(self, action: str, value: Any = None) -> bool:
        done = tap(self.app.root, action, value)
        if done:
            self.touched(action, value)
        return done

    def touched(self, action: str, value: Any) -> None:
        self.touches.append((self.app.runner.flow.state.value, action, value))

    def screenshot(self, label: str) -> None:
        if not self.shots:
            return
        Window.canvas.ask_update()
        path = self.shots / f"{len(self.seen):02d}-{label}.png"
        Window.screenshot(name=str(path))
        # Kivy appends a counter to the name; normalise to the name we asked for
        for made in self.shots.glob(f"{path.stem}*.png"):
            if made != path:
                made.replace(path)
        if path.exists():
            os.chmod(path, 0o600)

    def on_flow(self, flow: Flow, cmds: list[object]) -> None:
        """A new screen stands still from the moment it is entered until it is photographed."""
        if self.shots and self.result is None and flow.state is not self.last_state:
            self.world.freeze(True, since=flow.entered_at)

    # --- the script -------------------------------------------------------------------------
    def plan(self, state: State) -> None:
        """Screenshots in each language, then what an applicant does on this screen."""
        languages = self.app.runner.settings.kiosk.languages if self.shots else []
        current = self.app.runner.flow.view.language
        order = [current, *[lang for lang in languages if lang != current]]
        for i, lang in enumerate(order):
            if i:
                self.queue.append(("tap", ("language", lang)))
                self.queue.append(("shown", lang))
            self.queue.append(("shot", f"{state.value}-{lang}"))
        if len(order) > 1:
            self.queue.append(("tap", ("language", order[0])))
            self.queue.append(("shown", order[0]))
        self.queue.append(("freeze", False))
        match state:
            case State.ATTRACT:
                self.queue.append(("tap", ("start", None)))
            case State.CONSENT:
                self.queue += [("tap", ("consent_toggle", "id")), ("wait", 0.1),
                               ("tap", ("consent_toggle", "face")), ("wait", 0.1), ("tap", ("accept", None))]
            case State.CARD_WAIT:
                self.queue.append(("place_card", None))
            case State.CARD_ACCESS:
                for digit in self.can:
                    self.queue += [("tap", ("key", digit)), ("wait", 0.05)]
                self.queue.append(("shot", "card_access-typed"))
                self.queue.append(("tap", ("submit_key", self.can)))
            case State.FORM if self.new_trade_name is not None:
                # back from a "name taken" rejection: only the trade name changes
                self.queue += [("tap", ("form_set", ("trade_name", self.new_trade_name))), ("wait", 0.1),
                               ("tap", ("form_done", None))]
                self.new_trade_name = None
            case State.FORM:
                self.queue.append(("fill_form", None))
            case State.REVIEW:
                self.queue.append(("tap", ("confirm", None)))
            case State.DECISION:
                self.queue.append(("decide", None))
            case State.DONE:
                self.queue.append(("finish", None))

    def step(self) -> None:
        flow = self.app.runner.flow
        if self.result is not None:
            return
        if self.setup_error:
            return self.stop(self.setup_error)
        if not self.world_ready:
            self.world_ready = self.world.take_card()
        if time.monotonic() > self.deadline:
            return self.stop(f"timed out in state {flow.state.value}")
        if flow.state is not self.last_state:
            self.last_state = flow.state
            self.seen.append(flow.state.value)
            self.queue.clear()
            if flow.state in FAIL_STATES or flow.state is State.RETRY:
                self.screenshot(f"{flow.state.value}-failure")
                return self.stop(f"ended in {flow.state.value}: {flow.view.error or flow.view.fault}")
            self.queue.append(("wait", 0.2))
            self.plan(flow.state)
            if flow.state is State.DONE:
                self.printed_outcome = flow.view.error
        if time.monotonic() < self._wait_until or not self.queue:
            return
        kind, arg = self.queue.popleft()
        if kind == "wait":
            self._wait_until = time.monotonic() + arg
        elif kind == "shown":
            if self.app.tr.language != arg:  # the tap is handled on the next pump, then drawn
                self.queue.appendleft((kind, arg))
        elif kind == "freeze":
            self.world.freeze(arg)
        elif kind == "place_card":
            self.world.place_card()
        elif kind == "shot":
            self.screenshot(arg)
        elif kind == "tap":
            if not self.tap(*arg):
                self.queue.appendleft((kind, arg))  # not on screen yet (e.g. still loading)
                self._wait_until = time.monotonic() + 0.1
        elif kind == "candidate":  # a text entry candidate, by its text: its place depends on the engine
            shown = [w for w in self.app.root.walk()
                     if isinstance(w, KioskButton) and w.action == "te_candidate" and w.text.split("\n")[0] == arg]
            if not shown or not tap_widget(shown[0]):
                self.queue.appendleft((kind, arg))
                self._wait_until = time.monotonic() + 0.1
            else:
                self.touched("te_candidate", arg)
        elif kind == "fill_form":
            self.fill_form()
        elif kind == "pick":
            if not self.pick_candidate(arg):
                self.queue.appendleft((kind, arg))  # candidates not shown yet
                self._wait_until = time.monotonic() + 0.1
        elif kind == "write":
            if not self.write(arg):
                self.queue.appendleft((kind, arg))  # the pad is not on screen yet
                self._wait_until = time.monotonic() + 0.1
        elif kind == "decide":
            self.decide()
        elif kind == "finish":
            ok = self.printed_outcome == "approved" and self.app.runner.issued >= 1
            self.stop(None if ok else f"finished without a licence (outcome {self.printed_outcome!r})")

    def fill_form(self) -> None:
        ref = self.app.runner.flow.view.reference
        if ref is None:
            self.queue.appendleft(("fill_form", None))
            self._wait_until = time.monotonic() + 0.1
            return
        form = self.app.runner.flow.session.form
        steps: list[tuple[str, Any]] = national_steps(ref)
        skip = (NATIONAL_FIELDS if ref.national is not None else ()) + TYPED_FIELDS
        typed = dict(form_picks(ref))
        for field, value in form_picks(ref):
            if form.get(field) == value or field in skip:
                continue
            if field == "house_number":  # typed on the keypad, digit by digit
                steps += [("tap", ("key", digit)) for digit in value] + [("wait", 0.1)]
            else:
                steps += [("tap", ("form_set", (field, value))), ("wait", 0.1)]
        steps += self.name_steps()
        if typed.get("industry_term"):
            steps += self.term_steps()
        steps += [("wait", 0.2), ("shot", "form-filled"), ("tap", ("form_done", None))]
        self.queue.extendleft(reversed(steps))

    def name_steps(self) -> list[tuple[str, Any]]:
        """The 字号 as an applicant writes it: pinyin keys and a candidate, then one character
        with a finger on the handwriting pad, then Done."""
        letters, first = NAME_PINYIN
        steps: list[tuple[str, Any]] = [("tap", ("name_edit", None)), ("wait", 0.2),
                                        ("tap", ("te_clear", None)), ("wait", 0.1)]  # a quick pick was preset
        for key in letters:
            steps += [("tap", ("te_key", key)), ("wait", 0.05)]
        steps += [("pick", first), ("wait", 0.2), ("shot", "form-name-pinyin"),
                  ("tap", ("te_mode", "handwriting")), ("wait", 0.2),
                  ("write", NAME_HANDWRITTEN), ("wait", 0.2), ("shot", "form-name-handwriting"),
                  ("pick", NAME_HANDWRITTEN), ("wait", 0.6), ("shot", "form-name-checked"),
                  ("tap", ("te_done", None)), ("wait", 0.2)]
        return steps

    def term_steps(self) -> list[tuple[str, Any]]:
        """The name's 行业 part in the applicant's words: its standard term cleared, pinyin keys and
        the candidate, then Done."""
        letters, term = INDUSTRY_TERM_PINYIN
        steps: list[tuple[str, Any]] = [("tap", ("term_edit", None)), ("wait", 0.2),
                                        ("tap", ("te_clear", None)), ("wait", 0.1)]
        steps += [step for key in letters for step in (("tap", ("te_key", key)), ("wait", 0.05))]
        steps += [("pick", term), ("wait", 0.6), ("shot", "form-term-checked"),
                  ("tap", ("te_done", None)), ("wait", 0.2)]
        return steps

    def pick_candidate(self, text: str) -> bool:
        for w in self.app.root.walk():
            if isinstance(w, KioskButton) and w.action == "te_candidate" and w.text.split("\n")[0] == text:
                done = tap_widget(w)  # found by its label; tapped through the touch path
                if done:
                    self.touched("te_candidate", text)
                return done
        return False

    def write(self, char: str) -> bool:
        """Each stroke of ``char`` as one synthetic finger on the pad: down, moves, up."""
        from kiosk.ui.textentry.pad import HandwritingPad

        pad = next((w for w in self.app.root.walk() if isinstance(w, HandwritingPad)), None)
        if pad is None or pad.width < 10:
            return False
        doc = json.loads(STROKES.read_text(encoding="utf-8"))
        box = float(doc["box"])
        for stroke in doc["characters"][char]:
            pts = [pad.to_window(pad.x + x / box * pad.width, pad.top - y / box * pad.height) for x, y in stroke]
            self.touch_id += 1
            touch = SyntheticTouch("autopilot", 50_000 + self.touch_id,
                                   [pts[0][0] / Window.width, pts[0][1] / Window.height])
            EventLoop.post_dispatch_input("begin", touch)
            for x, y in pts[1:]:
                touch.move([x / Window.width, y / Window.height])
                EventLoop.post_dispatch_input("update", touch)
            EventLoop.post_dispatch_input("end", touch)
            self.touched("stroke", char)
        return True

    def decide(self) -> None:
        flow = self.app.runner.flow
        decision = flow.session.decision
        if decision is None:
            return
        if decision.outcome != "rejected":
            self.queue.append(("tap", ("continue", None)))
            return
        choice = next_trade_name(flow.session.identity, self.name_attempt + 1)
        if "name_taken" in decision.reasons and choice is not None:
            # the demo applicant has registered before: pick the next suggested trade name
            self.name_attempt += 1
            self.new_trade_name = choice
            self.queue.append(("tap", ("edit", None)))
            return
        self.stop(f"application rejected: {', '.join(decision.reasons)}")

    def stop(self, failure: str | None) -> None:
        self.world.freeze(False)
        self.result = failure or "ok"
        self.app.exit_code = 0 if failure is None else 1
        if failure:
            log.error("autopilot failed: %s", failure)
        from kivy.clock import Clock

        Clock.schedule_once(lambda *_: self.app.stop(), 0.2)
