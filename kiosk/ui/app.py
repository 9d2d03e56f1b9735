"""The Kivy application: chrome around the current screen, pumping the runner on Kivy's clock."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import DEFAULT_FONT, LabelBase
from kivy.core.window import Window
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.widget import Widget

from kiosk import logs
from kiosk.flow.machine import NO_ELDERLY_STATES, Flow
from kiosk.flow.progress import progress
from kiosk.flow.states import State
from kiosk.fonts import cjk_font_path
from kiosk.i18n import Translator
from kiosk.proof import ProofLinks, links_for
from kiosk.runner import Runner
from kiosk.ui import screens, theme
from kiosk.ui.gesture import HiddenCorner
from kiosk.ui.preview import CameraPreview
from kiosk.ui.progress_strip import ProgressStrip
from kiosk.ui.screens.common import idle_warning
from kiosk.ui.theme import px
from kiosk.ui.widgets import Card, KioskButton, Text, fill

log = logging.getLogger(__name__)
LANGUAGE_LABEL = {"zh_CN": "中文", "en": "English"}


def register_fonts() -> None:
    """Make the Simplified Chinese face Kivy's default, for every label and button."""
    LabelBase.register(DEFAULT_FONT, fn_regular=str(cjk_font_path("Regular")),
                       fn_bold=str(cjk_font_path("Bold")))


def diag_info(runner: Runner) -> dict[str, Any]:
    """What the diagnostics screen shows besides the checks: read here, rendered by the screen."""
    import json

    from kiosk.diag.config_view import rows

    lines = logs.tail_lines(runner.settings.var_dir / "logs" / "kiosk.log", 25)
    log_lines = []
    for line in lines:
        try:
            entry = json.loads(line)
            extra = {k: v for k, v in entry.items() if k not in ("ts", "level", "logger", "msg", "exc")}
            log_lines.append(f"{entry['ts'][11:19]} {entry['level']} {entry['msg']} {extra or ''}")
        except (ValueError, KeyError):
            log_lines.append(line[:200])
    jobs = runner.devices.print_service.recent_jobs(20) if runner.devices else []
    held = [{"job_id": j.job_id, "kind": j.kind, "flag": j.flag, "error": j.error, "created": j.created}
            for j in (runner.devices.print_service.held_jobs() if runner.devices else [])]
    audit = [f"{a['ts'][11:19]} audit {a['event']}" for a in runner.audit.tail(10)]
    recent = [f"{j.job_id[:8]} {j.kind} {j.state} {j.error or ''} {j.warning or ''} {j.flag or ''}".strip()
              for j in jobs[:8]]
    return {"config_lines": [f"{k} = {v}" for k, v in rows(runner.settings)], "log_lines": log_lines + audit,
            "held_jobs": held, "recent_jobs": recent, "manual_oos": runner.flow.manual_oos,
            "ratings": runner.ratings.summary()}


class KioskApp(App):
    title = "Licence kiosk"

    def __init__(self, runner: Runner, **kw: Any) -> None:
        super().__init__(**kw)
        self.runner = runner
        self.tr = Translator(runner.settings.kiosk.language)
        self.scratch: dict[str, Any] = {}
        self._rendered: tuple | None = None
        self.exit_code = 0
        self.on_pump: list[Any] = []  # autopilot hooks, called after each pump
        self.stop_when: Callable[[], bool] = lambda: False  # e.g. SIGTERM received (kiosk.launch)
        self.input_methods: Any = None  # kiosk.textentry InputMethods, opened behind the attract screen
        self.input_methods_state = "opening"
        self._proof_links: ProofLinks | None = None

    # --- layout ---------------------------------------------------------------------------
    def build(self) -> Widget:
        register_fonts()
        theme.set_scale(Window.height)
        Window.clearcolor = theme.BG
        if self.runner.settings.display.lockdown:
            Window.bind(on_request_close=lambda *_a, **_k: True)  # only technicians may leave
        root = FloatLayout()
        column = BoxLayout(orientation="vertical")
        self.header = BoxLayout(size_hint_y=None, height=px(150), padding=(px(36), px(20)), spacing=px(20))
        self.header_color = fill(self.header, theme.PRIMARY)
        column.add_widget(self.header)
        self.progress_box = BoxLayout(size_hint_y=None, height=0)  # the steps strip, where the screen has one
        column.add_widget(self.progress_box)
        self.content = BoxLayout()
        column.add_widget(self.content)
        # the idle countdown takes its own slot above the staff bar: the screen's content shrinks
        # to make room instead of lying under it
        self.overlay = AnchorLayout(anchor_y="bottom", size_hint=(1, None), height=0)
        column.add_widget(self.overlay)
        self.footer = BoxLayout(size_hint_y=None, height=px(170), padding=(px(36), px(20)))
        column.add_widget(self.footer)
        root.add_widget(column)
        d = self.runner.settings.diagnostics
        self.corner = HiddenCorner(d.gesture_taps, d.gesture_window_s, lambda: self.touch("diag_gesture"),
                                   size_hint=(None, None), size=(px(220), px(150)),
                                   pos=(0, Window.height - px(150)))
        root.add_widget(self.corner)
        self.preview = CameraPreview(lambda: self.runner.devices.camera if self.runner.devices else None,
                                     face_options=self.runner.settings.face)
        self.runner.listeners.append(self._on_flow)
        threading.Thread(target=self._open_input_methods, name="text-entry-open", daemon=True).start()
        self.render()
        Clock.schedule_interval(self._pump, 1 / 30)
        if os.environ.get("KIOSK_REPORT_FIRST_FRAME"):
            Window.bind(on_flip=self._first_frame)
        return root

    def _open_input_methods(self) -> None:
        """The pinyin and handwriting engines (rime compiles its dictionaries into the var dir
        the first time: seconds), on a thread so that the attract screen does not wait."""
        from kiosk.textentry.errors import TextEntryError
        from kiosk.textentry.methods import open_input_methods
        from kiosk.textentry.options import TextEntryOptions

        try:
            self.input_methods = open_input_methods(TextEntryOptions(), self.runner.settings.var_dir)
            state = "ready"
        except TextEntryError as exc:  # neither engine works: the editor says so, the quick picks remain
            log.error("Chinese text entry unavailable", extra={"code": exc.code})
            state = "failed"
        Clock.schedule_once(lambda _dt: self._input_methods_opened(state), 0)

    def _input_methods_opened(self, state: str) -> None:
        self.input_methods_state = state
        if self.scratch.get("name_editor"):
            self.render()

    def _first_frame(self, *_: Any) -> None:
        """Benchmark hook: report the first drawn frame of the attract screen, then quit."""
        Window.unbind(on_flip=self._first_frame)
        print(f"first-frame {time.perf_counter():.4f}", flush=True)
        Clock.schedule_once(lambda *_: self.stop(), 0)

    def _pump(self, _dt: float) -> None:
        self.runner.pump()
        # the technicians' "leave the application" button, or the service manager's stop
        if self.runner.quit_requested or self.stop_when():
            self.stop()
            return
        if self.preview.parent is not None:
            self.preview.refresh()
        self._countdown(self.runner.flow)
        for hook in list(self.on_pump):
            hook()

    @staticmethod
    def _render_key(flow: Flow) -> tuple:
        """What the screen depends on. The idle countdown is left out (its overlay updates on its
        own, without rebuilding the screen 30 times a second); large objects count by identity."""
        view = {k: (id(v) if k in ("reference", "checks") else v) for k, v in vars(flow.view).items()
                if k != "countdown"}
        return flow.state, repr(sorted(view.items())), repr(sorted(flow.session.form.items()))

    def _on_flow(self, flow: Flow, cmds: list[object]) -> None:
        if flow.state != (self._rendered[0] if self._rendered else None):
            self.scratch.clear()  # typed digits never outlive their screen
        key = self._render_key(flow)
        if key == self._rendered:
            return
        screen = self.content.children[0] if self.content.children else None
        update = getattr(screen, "update_view", None)
        if update is not None and self._rendered is not None and flow.state == self._rendered[0] and update(flow):
            self._rendered = key  # a screen that keeps its widgets (the name editor's pad) updated itself
            return
        self.render()

    def touch(self, action: str, value: Any = None) -> None:
        self.runner.touch(action, value)

    def render(self) -> None:
        flow = self.runner.flow
        self.tr.language = flow.view.language
        self._rendered = self._render_key(flow)
        theme.set_elderly(flow.view.elderly)
        Window.clearcolor = theme.shade(theme.BG)
        self.header_color.rgba = theme.shade(theme.PRIMARY)
        self._header(flow)
        self.content.clear_widgets()
        if flow.state is State.DIAG:
            self.scratch.update(diag_info(self.runner))
        ctx = screens.Ctx(view=flow.view, session=flow.session, tr=self.tr, touch=self.touch,
                          scratch=self.scratch, camera_widget=self.preview, rerender=self.render,
                          input_methods=self.input_methods, input_methods_state=self.input_methods_state,
                          links=self._links(), kiosk_id=self.runner.settings.kiosk.id)
        shows_camera = flow.state is State.FACE_CHECK or (flow.state is State.DIAG
                                                         and flow.view.key_mode == "device:camera")
        if not shows_camera and self.preview.parent is not None:
            self.preview.parent.remove_widget(self.preview)
        self.preview.show_face_boxes(shows_camera and flow.state is State.DIAG)
        self.preview.show_guide(False)  # the face check's screen turns its guide on
        screen = screens.build(flow.state, ctx)
        self._progress_strip(flow, full_height=getattr(screen, screens.FULL_HEIGHT, False))
        self.content.add_widget(screen)
        self.footer.clear_widgets()
        if flow.state not in (State.ATTRACT, State.OUT_OF_SERVICE, State.DIAG_PIN, State.DIAG):
            label = self.tr("Staff is on the way") if flow.view.staff_called else self.tr("Ask for staff")
            self.footer.add_widget(KioskButton(label, "staff", None, self.touch, color=theme.ACCENT,
                                                height=130, font=42))
        self.footer.height = px(170) if self.footer.children else 0  # no empty band where there is no bar
        Window.canvas.ask_update()

    def _progress_strip(self, flow: Flow, full_height: bool) -> None:
        """The five steps above the screen; the content below gives up the height it takes. Not
        over a screen that needs the whole height (a keyboard or writing pad, a moment within the
        form's step that Done leaves)."""
        self.progress_box.clear_widgets()
        decision = flow.session.decision
        where = progress(flow.state, flow.view.retry_step, rejected=decision is not None
                         and decision.outcome == "rejected")
        if where is None or full_height:
            self.progress_box.height = 0
            return
        strip = ProgressStrip(where, self.tr)
        # the box follows the strip it holds; a strip already replaced may still relayout (its
        # labels' textures come a frame later) and must not size the box any more
        def follow(shown: ProgressStrip, height: float) -> None:
            if shown.parent is self.progress_box:
                self.progress_box.height = height

        strip.bind(height=follow)
        self.progress_box.add_widget(strip)
        self.progress_box.height = strip.height

    def _links(self) -> ProofLinks:
        """The [registry] links, once the registration client is up (the embedded service's
        address is known only then)."""
        if self._proof_links is None and self.runner.devices is not None:
            self._proof_links = links_for(self.runner.settings.registry, self.runner.devices.registry)
        return self._proof_links or ProofLinks()

    def _header(self, flow: Flow) -> None:
        """Title, the other languages and the elderly-mode toggle on one row; in elderly mode the
        larger title takes a row of its own above the buttons, so that no word is squeezed."""
        elderly = flow.view.elderly
        self.header.clear_widgets()
        self.header.orientation = "vertical" if elderly else "horizontal"
        title = Text(self.tr("Business licence self-service"), font=44, bold=True, color=(1, 1, 1, 1),
                     pos_hint={"center_y": 0.5})
        self.header.add_widget(title)
        row = BoxLayout(spacing=px(20), size_hint_y=None, height=px(110)) if elderly else self.header
        if elderly:
            row.add_widget(Widget())  # the buttons to the right, where they are in normal mode
            self.header.add_widget(row)
        other = [lang for lang in self.runner.settings.kiosk.languages if lang != flow.view.language]
        for lang in other:
            row.add_widget(KioskButton(LANGUAGE_LABEL.get(lang, lang), "language", lang, self.touch,
                                       color=theme.PRIMARY_DARK, size_hint_x=None, width=px(260),
                                       height=110, font=40, pos_hint={"center_y": 0.5}))
        if flow.state not in NO_ELDERLY_STATES:  # shown switched on as a white button, "on" in words
            row.add_widget(KioskButton(
                self.tr("Larger text: on") if elderly else self.tr("Larger text"), "elderly", None, self.touch,
                color=(1, 1, 1, 1) if elderly else theme.PRIMARY_DARK,
                text_color=theme.PRIMARY_DARK if elderly else (1, 1, 1, 1), size_hint_x=None,
                width=px(480 if elderly else 300), height=110, font=40, pos_hint={"center_y": 0.5}))

        if not elderly:
            self.header.height = px(150)  # a title on two lines fits; the screens' space stays the same
            return

        def fit(*_: object) -> None:  # the header grows with the larger title
            self.header.height = title.height + self.header.spacing + px(110) + px(40)
        title.bind(height=fit)
        fit()

    def _countdown(self, flow: Flow) -> None:
        left = flow.view.countdown
        shown = bool(self.overlay.children)
        if left is None:
            if shown:
                self.overlay.clear_widgets()
                self.overlay.height = 0
            return
        text = idle_warning(self.tr, flow.state, int(left + 0.999))
        card = self.overlay.children[0] if shown else None
        if card is not None and card.countdown_language == self.tr.language:
            card.countdown_label.text = card.countdown_text = text  # in place: nothing jumps
            return
        self.overlay.clear_widgets()
        card = Card(size_hint=(0.92, None))  # as tall as its words: three lines in English
        card.bind(minimum_height=card.setter("height"))
        card.bind(height=lambda _w, h: setattr(self.overlay, "height", h + px(10)))
        card.countdown_text, card.countdown_language = text, self.tr.language
        card.countdown_label = Text(text, font=44, bold=True, halign="center")
        card.add_widget(card.countdown_label)
        card.add_widget(KioskButton(self.tr("Continue"), "more_time", None, self.touch, color=theme.OK, height=140))
        self.overlay.add_widget(card)
