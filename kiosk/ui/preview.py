"""Live camera preview: the capture thread keeps the latest frame, the UI thread uploads it.

Kivy's own OpenCV camera provider reads frames on the UI thread (and breaks on opencv 5), so
the preview only converts and blits whatever frame is newest when the screen redraws.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
from kivy.graphics import Color, InstructionGroup, Line, Mesh
from kivy.graphics.texture import Texture
from kivy.uix.image import Image

from drivers.camera.base import Camera
from drivers.errors import CameraLost
from kiosk.face.options import FaceOptions
from kiosk.ui import face_guide
from kiosk.ui.face_boxes import FaceBoxes
from kiosk.ui.theme import px

BOX_COLOUR = (0.10, 0.85, 0.25, 1)
MIRRORED = True  # people expect to see themselves as in a mirror; the turn arrow follows it
# The guide is a light line on a dark edge: one of the two stands out on any video.
GUIDE_LIGHT = (1.0, 0.86, 0.0, 1)  # signal yellow
GUIDE_DARK = (0.0, 0.0, 0.0, 0.75)
ARROW_W = 0.24  # of the shown image's width
HEIGHT = 900  # design px: the preview's full height; the face check may give it less (fit_preview)


class CameraPreview(Image):
    def __init__(self, camera: Callable[[], Camera | None], face_options: FaceOptions | None = None,
                 **kw: object) -> None:
        super().__init__(size_hint_y=None, height=px(HEIGHT), fit_mode="contain", **kw)
        self._camera = camera  # a getter: the camera comes up after the window
        self._seq = -1
        self.frames_shown = 0
        self.face_boxes: FaceBoxes | None = None
        self._drawn: list = []
        self.face_options = face_options or FaceOptions()
        self.guide_oval = False
        self.guide_turn = 0  # -1 / 1: the arrow points to the screen's left / right; 0: none
        self.oval_shape: tuple[float, float, float, float] | None = None  # x, y, w, h as drawn, widget coordinates
        self.arrow_shape: face_guide.Arrow | None = None  # as drawn, widget coordinates
        self._boxes = InstructionGroup()
        self._guide = InstructionGroup()
        self.canvas.after.add(self._boxes)
        self.canvas.after.add(self._guide)
        self._guide_key: tuple = ()
        self.bind(pos=self._draw_guide, size=self._draw_guide, texture_size=self._draw_guide)

    @property
    def camera(self) -> Camera | None:
        return self._camera()

    def show_face_boxes(self, on: bool) -> None:
        """Diagnostics' camera page: outline the faces the pipeline finds in the live image."""
        if on and self.face_boxes is None:
            self.face_boxes = FaceBoxes()
        elif not on and self.face_boxes is not None:
            self.face_boxes.close()
            self.face_boxes = None
            self._boxes.clear()
            self._drawn = []

    def show_guide(self, oval: bool, challenge: str | None = None) -> None:
        """The face check's oval (where the face should be) and, for a head turn, an arrow the
        way the applicant turns as they see themselves."""
        self.guide_oval = oval
        self.guide_turn = face_guide.turn_direction(challenge, MIRRORED) if oval else 0
        self._draw_guide()

    def refresh(self) -> None:
        camera = self.camera
        if self.parent is None or camera is None:
            return
        try:
            frame = camera.latest()
        except CameraLost:
            return  # the flow learns of it from the face check; the preview just freezes
        if frame is None or frame.seq == self._seq:
            return
        self._seq = frame.seq
        h, w = frame.image.shape[:2]
        shown = cv2.flip(frame.image, 1) if MIRRORED else frame.image
        rgba = cv2.cvtColor(shown, cv2.COLOR_BGR2RGBA)
        tex = self.texture
        if tex is None or tex.size != (w, h):
            tex = Texture.create(size=(w, h), colorfmt="rgba")
            tex.flip_vertical()
        tex.blit_buffer(rgba.tobytes(), colorfmt="rgba", bufferfmt="ubyte")
        self.texture = tex
        if self.face_boxes is not None:
            self.face_boxes.offer(frame.image)
            self._draw_boxes(self.face_boxes.boxes)
        self.canvas.ask_update()
        self.frames_shown += 1

    def _draw_boxes(self, boxes: list) -> None:
        key = [*boxes, tuple(self.pos), tuple(self.size)]  # redraw when they move or the page scrolls
        if key == self._drawn:
            return
        self._drawn = key
        self._boxes.clear()
        iw, ih = self.norm_image_size  # the image as shown ("contain"), centred in the widget
        left, bottom = self.center_x - iw / 2, self.center_y - ih / 2
        self._boxes.add(Color(*BOX_COLOUR))
        for x0, y0, x1, y1 in boxes:
            # frame rows count down, Kivy's y counts up
            rx = left + ((1 - x1) if MIRRORED else x0) * iw
            ry = bottom + (1 - y1) * ih
            self._boxes.add(Line(rectangle=(rx, ry, (x1 - x0) * iw, (y1 - y0) * ih), width=px(3)))

    def image_box(self) -> tuple[float, float, float, float]:
        """The image as shown ("contain": centred, letterboxed), in the widget's coordinates.
        Before the first frame, the preview's own 4:3 default."""
        if self.texture is not None:
            iw, ih = self.norm_image_size
        else:
            iw = min(self.width, self.height * 4 / 3)
            ih = iw * 3 / 4
        return self.center_x - iw / 2, self.center_y - ih / 2, iw, ih

    def _draw_guide(self, *_: object) -> None:
        left, bottom, iw, ih = self.image_box()
        fw, fh = self.texture.size if self.texture is not None else (640, 480)
        key = (self.guide_oval, self.guide_turn, left, bottom, iw, ih, fw, fh)
        if key == self._guide_key:
            return
        self._guide_key = key
        self._guide.clear()
        self.oval_shape = self.arrow_shape = None
        if not self.guide_oval or iw <= 0 or ih <= 0:
            return
        o = face_guide.oval(self.face_options, int(fw), int(fh))
        cx = left + (1 - o.cx if MIRRORED else o.cx) * iw
        cy = bottom + (1 - o.cy) * ih
        w, h = o.w * iw, o.h * ih
        self.oval_shape = (cx - w / 2, cy - h / 2, w, h)
        for colour, width in ((GUIDE_DARK, px(9)), (GUIDE_LIGHT, px(5))):
            self._guide.add(Color(*colour))
            self._guide.add(Line(ellipse=self.oval_shape, width=width))
        if self.guide_turn:
            self._draw_arrow(cx, cy, w, iw, left)

    def _draw_arrow(self, cx: float, cy: float, oval_w: float, iw: float, left: float) -> None:
        """Beside the oval on the side to turn to, pointing away from it."""
        aw = ARROW_W * iw
        ah = 0.75 * aw
        gap = px(12)
        if self.guide_turn < 0:
            x0 = max(left + gap, cx - oval_w / 2 - gap - aw)
        else:
            x0 = min(left + iw - gap - aw, cx + oval_w / 2 + gap)
        shape = face_guide.arrow(x0, cy - ah / 2, x0 + aw, cy + ah / 2, self.guide_turn)
        self.arrow_shape = shape
        self._guide.add(Color(*GUIDE_LIGHT))
        for part in (shape.shaft, shape.head):
            vertices = [v for x, y in part for v in (x, y, 0, 0)]
            self._guide.add(Mesh(vertices=vertices, indices=list(range(len(part))), mode="triangle_fan"))
        self._guide.add(Color(*GUIDE_DARK))
        self._guide.add(Line(points=[v for p in shape.border for v in p], close=True, width=px(4)))
