"""Make the demo clip shipped in assets/demo/ from the recorded source clip.

    .venv/bin/python scripts/cut_demo_clip.py [--source ../shared/data/video/new_face_video-90.mp4]
                                              [--out assets/demo/applicant.mp4] [--crf 18]

Keeps only the frames the simulators show (drivers/camera/sim/segments.py USED_FRAMES), upright
(the source's rotation tag applied), without the audio track and the container metadata, and
writes the frame map beside the cut so the segment labels keep the source's numbering. Decoding
and selection stay in YUV inside ffmpeg (no RGB round trip), so the only loss is one H.264
re-encode; the script prints how far the cut's frames are from the source's (PSNR).

Needs the ffmpeg command (Debian: `apt-get install ffmpeg`): a maintainer's tool for remaking the
asset, not something the kiosk or the tests run.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from drivers.camera.sim import segments  # noqa: E402
from drivers.camera.sim.clip import load_clip, write_frame_map  # noqa: E402


def select_filter(frames: list[int]) -> str:
    """ffmpeg's select expression for these frame numbers, as ranges."""
    ranges: list[list[int]] = []
    for n in frames:
        if ranges and ranges[-1][1] == n - 1:
            ranges[-1][1] = n
        else:
            ranges.append([n, n])
    return "+".join(f"between(n\\,{a}\\,{b})" for a, b in ranges)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 99.0 if mse == 0 else 10 * np.log10(255.0**2 / mse)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    source = ROOT.parent / "shared" / "data" / "video" / "new_face_video-90.mp4"
    parser.add_argument("--source", type=Path, default=source)
    parser.add_argument("--out", type=Path, default=ROOT / "assets" / "demo" / "applicant.mp4")
    parser.add_argument("--crf", type=int, default=18, help="x264 quality (lower: larger, closer to the source)")
    args = parser.parse_args()
    if shutil.which("ffmpeg") is None:
        print("ffmpeg not found (Debian: apt-get install ffmpeg)", file=sys.stderr)
        return 2
    if not args.source.is_file():
        print(f"source clip missing: {args.source}", file=sys.stderr)
        return 2
    frames = sorted(segments.USED_FRAMES)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(args.source),
         "-vf", f"select={select_filter(frames)},setpts=N/(30000/1001)/TB", "-fps_mode", "passthrough",
         "-r", "30000/1001", "-an", "-map_metadata", "-1", "-c:v", "libx264", "-preset", "veryslow",
         "-crf", str(args.crf), "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(args.out)],
        check=True,
    )  # fmt: skip
    write_frame_map(args.out, frames, args.source.name)
    wanted = frozenset(frames)
    source, cut = load_clip(args.source, wanted), load_clip(args.out, wanted)
    scores = [psnr(source[n], cut[n]) for n in frames]
    print(f"{args.out}: {len(frames)} frames, {args.out.stat().st_size} bytes; "
          f"PSNR vs source min {min(scores):.1f} dB, median {float(np.median(scores)):.1f} dB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
