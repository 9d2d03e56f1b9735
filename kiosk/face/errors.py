"""Typed face-check errors (the camera's own are in drivers.errors).

They are DeviceErrors so that the runner handles them like every other device step: a stable
``code`` the flow maps to a screen, and ``fault`` deciding between this applicant's attempt and a
kiosk that cannot serve anyone.
"""

from __future__ import annotations

from drivers.errors import DeviceError


class FaceError(DeviceError):
    code = "face_error"
    fault = False  # the applicant's attempt failed; the kiosk itself is fine


class PortraitUnreadable(FaceError):
    """The chip's portrait bytes do not decode as an image (corrupt or unsupported codec)."""

    code = "portrait_unreadable"


class NoFaceInPortrait(FaceError):
    code = "portrait_no_face"


class ModelsUnavailable(FaceError):
    """A model package is missing from the installation: the kiosk cannot verify anyone."""

    code = "face_models_unavailable"
    fault = True
