"""`main.py diag camera [--json]`: open the camera, watch it for a few seconds, and report the
resolution, measured frame rate, brightness, sharpness and whether a face is in view.

Exit status: 0 frames flow at >= half the configured rate, 1 the camera fails (cannot open,
lost, too slow), 2 the check could not run (bad arguments, models missing).
The camera: --simulated SCENARIO; else ``args.camera_options`` (an OpenCvCameraOptions /
SimulatedCameraOptions from the kiosk config) when the caller set it, with --device, --width,
--height and --fps overriding its fields; else OpenCV's defaults with those overrides."""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from pathlib import Path

from drivers.camera.base import Camera
from drivers.camera.factory import (
    OpenCvCameraOptions,
    SimulatedCameraOptions,
    create_opencv,
    create_simulated,
)
from drivers.camera.opencv_camera import frame_brightness, frame_sharpness
from drivers.errors import CameraLost
from kiosk.diag.arguments import number, seconds
from kiosk.diag.checks import count_faces
from kiosk.settings import PROJECT_ROOT


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = OpenCvCameraOptions()
    parser.add_argument("--device", default=None,
                        help=f"index, /dev/videoN or file (default: the config's, else {defaults.device})")
    parser.add_argument("--width", type=number(int, 16, 8192), default=None)
    parser.add_argument("--height", type=number(int, 16, 8192), default=None)
    parser.add_argument("--fps", type=number(int, 1, 240), default=None)
    parser.add_argument("--simulated", metavar="SCENARIO", help="use the simulated camera")
    parser.add_argument("--seconds", type=seconds(60, low=0.5), default=2.0, help="how long to watch")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def _camera(args: argparse.Namespace) -> tuple[Camera, float, str]:
    """The camera, the frame rate it should deliver, and what it is (for the report)."""
    var_dir = Path(getattr(args, "var_dir", None) or PROJECT_ROOT / "var")
    configured = getattr(args, "camera_options", None)
    if args.simulated:
        options = SimulatedCameraOptions(scenario=args.simulated)
        return create_simulated(options, var_dir), 29.97, f"simulated:{args.simulated}"
    overrides = {name: value for name, value in (("device", args.device), ("width", args.width),
                                                  ("height", args.height), ("fps", args.fps))
                 if value is not None}
    if isinstance(configured, SimulatedCameraOptions) and not overrides:
        return (create_simulated(configured, var_dir), configured.fps or 29.97,
                f"simulated:{configured.scenario}")
    base = configured if isinstance(configured, OpenCvCameraOptions) else OpenCvCameraOptions()
    options = dataclasses.replace(base, **overrides)
    return create_opencv(options, var_dir), float(options.fps), options.device


def run(args: argparse.Namespace) -> int:
    report: dict[str, object] = {"device": args.simulated or args.device}
    try:
        camera, expected_fps, report["device"] = _camera(args)
    except (ValueError, OSError) as exc:
        report.update(ok=False, error="bad_configuration", detail=str(exc))
        return _emit(args, report, 2)
    except CameraLost as exc:
        report.update(ok=False, error=exc.code, detail=exc.detail)
        return _emit(args, report, 1)
    try:
        camera.start()
        first = camera.latest()
        time.sleep(max(0.5, args.seconds))
        last = camera.latest()
    except CameraLost as exc:
        report.update(ok=False, error=exc.code, detail=exc.detail)
        return _emit(args, report, 1)
    finally:
        camera.stop()
    if first is None or last is None:
        report.update(ok=False, error="no_frames")
        return _emit(args, report, 1)
    elapsed = max(last.timestamp - first.timestamp, 1e-6)
    fps = (last.seq - first.seq) / elapsed
    image = last.image
    report.update(
        resolution=f"{image.shape[1]}x{image.shape[0]}",
        fps_measured=round(fps, 1),
        fps_expected=expected_fps,
        brightness=round(frame_brightness(image), 1),
        sharpness=round(frame_sharpness(image), 1),
        faces=count_faces(image),
    )
    del image, first, last  # the frame may show a person: nothing of it is kept
    healthy = fps >= 0.5 * expected_fps
    report["ok"] = healthy
    if not healthy:
        report["error"] = "too_slow"
    return _emit(args, report, 0 if healthy else 1)


def _emit(args: argparse.Namespace, report: dict[str, object], code: int) -> int:
    if args.json:
        print(json.dumps(report))
    else:
        for key, value in report.items():
            print(f"{key:>13}: {value}")
    return code
