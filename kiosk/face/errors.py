"""Typed face-check errors that are not device faults (the camera's are in drivers.errors)."""

from __future__ import annotations


class FaceError(Exception):
    code = "face_error"
    fault = False  # the applicant's attempt failed; the kiosk itself is fine

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.code)
        self.detail = detail


class PortraitUnreadable(FaceError):
    """The chip's portrait bytes do not decode as an image (corrupt or unsupported codec)."""

    code = "portrait_unreadable"


class NoFaceInPortrait(FaceError):
    code = "portrait_no_face"


class ModelsUnavailable(FaceError):
    """A model package is missing from the installation: the kiosk cannot verify anyone."""

    code = "face_models_unavailable"
    fault = True
