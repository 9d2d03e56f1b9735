"""Camera factories: the configuration picks the device, business code never checks for 'sim'."""

from __future__ import annotations

from pathlib import Path

from drivers.camera.base import Camera
from drivers.camera.opencv_camera import OpenCvCamera
from drivers.camera.options import SCENARIOS, OpenCvCameraOptions, SimulatedCameraOptions
from drivers.camera.sim import applicant, attackers, demo_portrait_image, resolve_data_path, segments
from drivers.camera.sim.clip import load_clip
from drivers.camera.sim.images import ImageFolder
from drivers.camera.sim.player import FrameScript, ScriptedCamera

__all__ = [
    "OpenCvCameraOptions",
    "SimulatedCameraOptions",
    "create_opencv",
    "create_simulated",
    "resolve_clip_path",
]


def create_opencv(options: OpenCvCameraOptions, var_dir: Path) -> Camera:
    return OpenCvCamera(options)


def resolve_clip_path(clip_path: str) -> Path:
    return resolve_data_path(clip_path)


def create_simulated(options: SimulatedCameraOptions, var_dir: Path) -> Camera:
    """Raises CameraLost naming the missing file when the clip (or image folder) is absent."""
    if options.scenario not in SCENARIOS:
        raise ValueError(f"unknown camera scenario {options.scenario!r}; one of {SCENARIOS}")
    if options.scenario == "images":
        script: FrameScript = ImageFolder(resolve_clip_path(options.image_dir))
        return ScriptedCamera(script, options.fps or 30.0, (640, 480), options.grace_s)
    clip_path = resolve_clip_path(options.clip_path)
    clip = load_clip(clip_path, segments.USED_FRAMES)
    script = build_script(options, clip, clip_path)
    height, width = clip[segments.A_NEUTRAL.start].shape[:2]
    camera = ScriptedCamera(script, options.fps or clip.fps, (width, height), options.grace_s)
    camera.attribution = options.attribution
    return camera


def build_script(options: SimulatedCameraOptions, clip, clip_path: Path) -> FrameScript:
    scenario = options.scenario
    if scenario == "applicant":
        return applicant.ScriptedApplicant(clip)
    if scenario == "disappearing":
        return applicant.Disappearing(applicant.ScriptedApplicant(clip), options.disappear_after_s)
    if scenario == "face_swap":
        actions = dict(applicant.ACTIONS_OF_A)
        actions["blink"] = segments.B_BLINK
        return applicant.ScriptedApplicant(clip, actions=actions)
    if scenario == "two_faces":
        return applicant.ScriptedApplicant(clip, idle=segments.TWO_FACES)
    if scenario == "replay_attack":
        # A recording of A turning right, looped whatever the screen asks.
        return applicant.Replay(clip, segments.A_TURN_RIGHT)
    photo = demo_portrait_image(clip_path)
    background = clip[segments.BACKGROUND_FRAME]
    return attackers.HeldPhoto(photo, background, seed=options.seed, answer_turns=scenario == "flat_tilt_attack")
