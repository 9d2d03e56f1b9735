"""One module per flow state; each exposes ``build(ctx) -> Widget``."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kivy.uix.widget import Widget

from kiosk.flow.machine import View
from kiosk.flow.states import State
from kiosk.i18n import Translator
from kiosk.proof import ProofLinks
from kiosk.session import ApplicantSession


@dataclass
class Ctx:
    view: View
    session: ApplicantSession
    tr: Translator
    touch: Callable[[str, Any], None]
    scratch: dict[str, Any] = field(default_factory=dict)  # UI-only input (digits typed so far)
    camera_widget: Widget | None = None
    rerender: Callable[[], None] = lambda: None
    input_methods: Any = None  # kiosk.textentry InputMethods once opened; None while opening or if none works
    input_methods_state: str = "opening"  # opening | ready | failed
    links: ProofLinks = field(default_factory=ProofLinks)  # e-licence page, where to ask (done screens)
    kiosk_id: str = ""  # [kiosk] id: staff and the counter identify the machine by it


# A screen widget with this attribute set true takes the whole height between the header and the
# staff bar, without the progress strip: a text-entry panel (keyboard, handwriting pad) needs it.
FULL_HEIGHT = "full_height"


def build(state: State, ctx: Ctx) -> Widget:
    module = importlib.import_module(f"kiosk.ui.screens.{state.value}")
    return module.build(ctx)
