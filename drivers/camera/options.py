"""Camera configuration: every value is checked against its declared range when an instance is made."""

from __future__ import annotations

import typing
from typing import Annotated, Literal

from pydantic import Field
from pydantic.dataclasses import dataclass

from drivers.option_fields import STRICT, OptionError, Seconds, Text, rule

Scenario = Literal[
    "applicant",
    "photo_attack",
    "flat_tilt_attack",
    "replay_attack",
    "disappearing",
    "face_swap",  # a second person answers the blink challenge
    "two_faces",  # a second person stands beside the applicant
    "images",  # loop the images of image_dir
]
SCENARIOS: tuple[str, ...] = typing.get_args(Scenario)


@dataclass(frozen=True, config=STRICT)
class OpenCvCameraOptions:
    device: Text = "0"  # V4L2 index ("0"), device path ("/dev/video0") or a file/URL
    width: Annotated[int, Field(ge=160, le=7680)] = 640
    height: Annotated[int, Field(ge=120, le=4320)] = 480
    fps: Annotated[int, Field(ge=1, le=240)] = 30
    backend: Literal["any", "v4l2", "ffmpeg", "gstreamer"] = "any"
    # "" keeps the driver's default pixel format
    fourcc: Annotated[str, rule(lambda s: len(s) in (0, 4), "empty or a 4-character code such as MJPG")] = "MJPG"
    grace_s: Seconds = 3.0  # no frame for this long => CameraLost (flow shows out-of-service)
    reconnect_interval_s: Seconds = 0.5


@dataclass(frozen=True, config=STRICT)
class SimulatedCameraOptions:
    scenario: Scenario = "applicant"
    clip_path: Text = "assets/demo/applicant.mp4"  # relative to the project root
    image_dir: str = ""  # scenario "images": loop the images of this folder instead of the clip
    fps: Annotated[float, Field(ge=0, le=240)] = 0.0  # 0 = the clip's own frame rate
    grace_s: Seconds = 2.0
    disappear_after_s: Seconds = 2.5  # scenario "disappearing": frames stop after this long
    seed: Annotated[int, Field(ge=0, le=2**32 - 1)] = 0  # attackers' hand motion (the applicant's is fixed)
    attribution: str = 'Video: © 2012 Aaron "tango" Tang, CC BY 2.0, cut and re-encoded'  # assets/demo/LICENSE.md

    def __post_init__(self) -> None:
        if self.scenario == "images" and not self.image_dir:
            raise OptionError("image_dir", "required with scenario \"images\" (a folder of images to loop)")
