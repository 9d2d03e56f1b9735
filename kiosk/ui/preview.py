"""Live camera preview: the capture thread keeps the latest frame, the UI thread uploads it.

Kivy's own OpenCV camera provider reads frames on the UI thread (and breaks on opencv 5), so
the preview only converts and blits whatever frame is newest when the screen redraws.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
from kivy.graphics.texture import Texture
from kivy.uix.image import Image

from drivers.camera.base import Camera
from drivers.errors import CameraLost
from kiosk.ui.theme import px


class CameraPreview(Image):
    def __init__(self, camera: Callable[[], Camera | None], **kw: object) -> None:
        super().__init__(size_hint_y=None, height=px(900), fit_mode="contain", **kw)
        self._camera = camera  # a getter: the camera comes up after the window
        self._seq = -1
        self.frames_shown = 0

    @property
    def camera(self) -> Camera | None:
        return self._camera()

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
        self.canvas.ask_update()
        self.frames_shown += 1
