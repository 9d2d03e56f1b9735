"""Live preview with the current guidance or challenge in large type.

Over the preview, an oval where the face should be and, for a head turn, a large arrow the way to
turn; the words say the same ("inside the oval", "turn to the left"), so neither shape nor colour
has to be read alone. A challenge also says which of how many it is, so the applicant knows the
end is near.

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
from kiosk.ui.screens import FULL_HEIGHT, Ctx
from kiosk.ui.screens.common import cancel_button, page
from kiosk.ui.theme import px
from kiosk.ui.widgets import Text

# guidance about where the face is: the oval shows where it should be
POSITION_GUIDANCE = frozenset({"", "face_camera", "move_closer", "move_back"})


def build(ctx: Ctx) -> Widget:
    tr = ctx.tr
    view = ctx.view
    code = view.challenge or view.guidance or "face_camera"
    parts: list[Widget] = [Text(tr(GUIDANCE.get(code, GUIDANCE["face_camera"])), font=60, bold=True,
                                color=theme.PRIMARY_DARK if view.challenge else theme.PRIMARY, halign="center")]
    if view.challenge and view.challenge_step and view.challenge_steps:
        parts.append(Text(tr("Step {step} of {steps}", step=view.challenge_step, steps=view.challenge_steps),
                          font=44, bold=True, color=theme.TEXT, halign="center"))
    elif not view.challenge and view.guidance in POSITION_GUIDANCE:
        parts.append(Text(tr("Put your face inside the oval"), font=44, color=theme.TEXT, halign="center"))
    if ctx.camera_widget is not None:
        if ctx.camera_widget.parent is not None:
            ctx.camera_widget.parent.remove_widget(ctx.camera_widget)
        if isinstance(ctx.camera_widget, preview.CameraPreview):
            ctx.camera_widget.show_guide(True, view.challenge)
        parts.append(ctx.camera_widget)
        credit = getattr(getattr(ctx.camera_widget, "camera", None), "attribution", "")
        if credit:
            parts.append(Text(credit, font=26, color=theme.MUTED, halign="center"))
    parts.append(Text(tr("The camera image is not stored."), font=34, color=theme.MUTED, halign="center"))
    if view.take_card:  # read, so it may go now; said here, not while the read could be spoilt
        parts.insert(0, Text(tr("Your card has been read. You can take it off the reader now."), font=40,
                             color=theme.OK, halign="center"))
    # the way out pinned below the page: in view even when larger text makes the page scroll
    screen = page(tr("Face check"), *parts, actions=(cancel_button(ctx),))
    if theme.elderly():  # with larger text the face, its oval and arrow need the progress strip's height
        setattr(screen, FULL_HEIGHT, True)
    if ctx.camera_widget is not None:
        fit_preview(next(w for w in screen.walk(restrict=True) if isinstance(w, ScrollView)), ctx.camera_widget)
    return screen


MIN_PREVIEW = 440  # design px: about 11 cm on a 1080 x 1920 display of 21.5"


def fit_preview(view: ScrollView, camera: Widget) -> None:
    """Keep the preview as tall as the page leaves it (up to its full height), as the page lays out."""
    box = view.children[0]

    def fit(*_: Any) -> None:
        others = box.minimum_height - camera.height
        camera.height = min(px(preview.HEIGHT), max(px(MIN_PREVIEW), view.height - others))

    view.bind(height=fit)
    box.bind(minimum_height=fit)
