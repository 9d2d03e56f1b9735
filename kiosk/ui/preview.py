"""Live camera preview: the capture thread keeps the latest frame, the UI thread uploads it.

Kivy's own OpenCV camera provider reads frames on the UI thread (and breaks on opencv 5), so
the preview only converts and blits whatever frame is newest when the screen redraws.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
from kivy.graphics import Color, Line
from kivy.graphics.texture import Texture
from kivy.uix.image import Image

from drivers.camera.base import Camera
from drivers.errors import CameraLost
from kiosk.ui.face_boxes import FaceBoxes
from kiosk.ui.theme import px

BOX_COLOUR = (0.10, 0.85, 0.25, 1)
HEIGHT = 900  # design px: the preview's full height; the face check may give it less (fit_preview)


class CameraPreview(Image):
    def __init__(self, camera: Callable[[], Camera | None], **kw: object) -> None:
        super().__init__(size_hint_y=None, height=px(HEIGHT), fit_mode="contain", **kw)
        self._camera = camera  # a getter: the camera comes up after the window
        self._seq = -1
        self.frames_shown = 0
        self.face_boxes: FaceBoxes | None = None
        self._drawn: list = []

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
            self.canvas.after.clear()
            self._drawn = []

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
        rgba = cv2.cvtColor(cv2.flip(frame.image, 1), cv2.COLOR_BGR2RGBA)  # mirror: people expect it
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
        self.canvas.after.clear()
        iw, ih = self.norm_image_size  # the image as shown ("contain"), centred in the widget
        left, bottom = self.center_x - iw / 2, self.center_y - ih / 2
        with self.canvas.after:
            Color(*BOX_COLOUR)
            for x0, y0, x1, y1 in boxes:
                # mirrored like the image; frame rows count down, Kivy's y counts up
                rx, ry = left + (1 - x1) * iw, bottom + (1 - y1) * ih
                Line(rectangle=(rx, ry, (x1 - x0) * iw, (y1 - y0) * ih), width=px(3))
