"""`main.py diag camera [--json]`: open the camera, watch it for a few seconds, and report the
resolution, measured frame rate, brightness, sharpness and whether a face is in view.

Exit status: 0 frames flow at >= half the configured rate, 1 the camera fails (cannot open,
lost, too slow), 2 the check could not run (bad arguments, models missing).
The camera: --simulated SCENARIO or --device ...; else ``args.camera_options`` (an
OpenCvCameraOptions / SimulatedCameraOptions from the kiosk config) when the caller set it."""

from __future__ import annotations

import argparse
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
from kiosk.diag.checks import count_faces


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = OpenCvCameraOptions()
    parser.add_argument("--device", default=defaults.device, help="index, /dev/videoN or file")
    parser.add_argument("--width", type=int, default=defaults.width)
    parser.add_argument("--height", type=int, default=defaults.height)
    parser.add_argument("--fps", type=int, default=defaults.fps)
    parser.add_argument("--simulated", metavar="SCENARIO", help="use the simulated camera")
    parser.add_argument("--seconds", type=float, default=2.0, help="how long to watch")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def _camera(args: argparse.Namespace) -> tuple[Camera, float]:
    """--simulated or an explicit --device win; else ``args.camera_options`` if the caller (the
    kiosk config) set it; else the OpenCV defaults."""
    var_dir = Path(getattr(args, "var_dir", "var"))
    configured = getattr(args, "camera_options", None)
    explicit = args.simulated or args.device != OpenCvCameraOptions().device
    if configured is not None and not explicit:
        if isinstance(configured, SimulatedCameraOptions):
            return create_simulated(configured, var_dir), configured.fps or 29.97
        return create_opencv(configured, var_dir), float(configured.fps)
    if args.simulated:
        return create_simulated(SimulatedCameraOptions(scenario=args.simulated), var_dir), 29.97
    options = OpenCvCameraOptions(device=args.device, width=args.width, height=args.height, fps=args.fps)
    return create_opencv(options, var_dir), float(args.fps)


def run(args: argparse.Namespace) -> int:
    report: dict[str, object] = {"device": args.simulated or args.device}
    try:
        camera, expected_fps = _camera(args)
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
