"""The configured volume applied to a WAV's samples, whatever produced it.

Scaling in the kiosk rather than in each backend gives recorded files and synthesised speech the
same volume setting, without a mixer control that differs between sound cards.
"""

from __future__ import annotations

import io
import wave

import numpy as np


def scaled(wav: bytes, percent: int) -> bytes:
    """``wav`` with its 16-bit samples at ``percent`` of their level; other formats unchanged."""
    if percent >= 100:
        return wav
    try:
        with wave.open(io.BytesIO(wav)) as src:
            params = src.getparams()
            frames = src.readframes(params.nframes)
    except (wave.Error, EOFError):
        return wav
    if params.sampwidth != 2:
        return wav
    samples = (np.frombuffer(frames, dtype="<i2").astype(np.int32) * percent // 100).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as dst:
        dst.setparams(params)
        dst.writeframes(samples.tobytes())
    return out.getvalue()
