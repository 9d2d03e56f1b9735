"""The demo clip's licence (CC BY 2.0) requires its credit wherever its frames are shown: the face
check screen shows it under the live preview of the simulated camera."""

from __future__ import annotations

from drivers.camera.options import SimulatedCameraOptions
from kiosk.flow.states import State
from tests.kiosk.ui.conftest import Harness


def test_face_check_screen_credits_the_demo_clip(ui: Harness) -> None:
    ui.reset()
    ui.runner.flow._go(State.FACE_CHECK, "test", guidance="face_camera")
    ui.app.render()
    ui.settle()
    credit = SimulatedCameraOptions().attribution
    assert 'Aaron "tango" Tang, CC BY 2.0' in credit
    assert credit in ui.texts()
    assert ui.app.preview.parent is not None  # next to the clip's frames
    ui.reset()
