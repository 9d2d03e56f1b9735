"""Live preview with the current guidance or challenge in large type.

The preview gives up height so that the whole page, down to "cancel", fits above the staff bar
under the progress strip: an applicant who does not know that the page scrolls still sees every
part of it. Below MIN_PREVIEW the page scrolls instead (a face smaller than that is hard to follow).
"""

from __future__ import annotations

from typing import Any

from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from kiosk.ui import preview, theme
from kiosk.ui.messages import GUIDANCE
from kiosk.ui.screens import Ctx
from kiosk.ui.screens.common import cancel_button, page
from kiosk.ui.theme import px
from kiosk.ui.widgets import Text


def build(ctx: Ctx) -> Widget:
    tr = ctx.tr
    code = ctx.view.challenge or ctx.view.guidance or "face_camera"
    parts: list[Widget] = [Text(tr(GUIDANCE.get(code, GUIDANCE["face_camera"])), font=60, bold=True,
                                color=theme.PRIMARY_DARK if ctx.view.challenge else theme.PRIMARY, halign="center")]
    if ctx.camera_widget is not None:
        if ctx.camera_widget.parent is not None:
            ctx.camera_widget.parent.remove_widget(ctx.camera_widget)
        parts.append(ctx.camera_widget)
        credit = getattr(getattr(ctx.camera_widget, "camera", None), "attribution", "")
        if credit:
            parts.append(Text(credit, font=26, color=theme.MUTED, halign="center"))
    parts.append(Text(tr("The camera image is not stored."), font=34, color=theme.MUTED, halign="center"))
    if ctx.view.take_card:  # read, so it may go now; said here, not while the read could be spoilt
        parts.insert(0, Text(tr("Your card has been read. You can take it off the reader now."), font=40,
                             color=theme.OK, halign="center"))
    parts.append(cancel_button(ctx))
    view = page(tr("Face check"), *parts)
    if ctx.camera_widget is not None:
        fit_preview(view, ctx.camera_widget)
    return view


MIN_PREVIEW = 560  # design px


def fit_preview(view: ScrollView, camera: Widget) -> None:
    """Keep the preview as tall as the page leaves it (up to its full height), as the page lays out."""
    box = view.children[0]

    def fit(*_: Any) -> None:
        others = box.minimum_height - camera.height
        camera.height = min(px(preview.HEIGHT), max(px(MIN_PREVIEW), view.height - others))

    view.bind(height=fit)
    box.bind(minimum_height=fit)
