"""Camera configuration, validated by kiosk.settings against these dataclasses."""

from __future__ import annotations

from dataclasses import dataclass

SCENARIOS = (
    "applicant",
    "photo_attack",
    "flat_tilt_attack",
    "replay_attack",
    "disappearing",
    "face_swap",  # a second person answers the blink challenge
    "two_faces",  # a second person stands beside the applicant
    "images",  # loop the images of image_dir
)


@dataclass(frozen=True)
class OpenCvCameraOptions:
    device: str = "0"  # V4L2 index ("0"), device path ("/dev/video0") or a file/URL
    width: int = 640
    height: int = 480
    fps: int = 30
    backend: str = "any"  # "any" | "v4l2" | "ffmpeg" | "gstreamer"
    fourcc: str = "MJPG"  # "" keeps the driver's default pixel format
    grace_s: float = 3.0  # no frame for this long => CameraLost (flow shows out-of-service)
    reconnect_interval_s: float = 0.5


@dataclass(frozen=True)
class SimulatedCameraOptions:
    scenario: str = "applicant"  # one of SCENARIOS
    clip_path: str = "assets/demo/applicant.mp4"  # relative to the project root
    image_dir: str = ""  # scenario "images": loop the images of this folder instead of the clip
    fps: float = 0.0  # 0 = the clip's own frame rate
    grace_s: float = 2.0
    disappear_after_s: float = 2.5  # scenario "disappearing": frames stop after this long
    seed: int = 0  # attackers' hand motion; the applicant's script is deterministic
    attribution: str = 'Video: © 2012 Aaron "tango" Tang, CC BY 2.0, cut and re-encoded'  # assets/demo/LICENSE.md
