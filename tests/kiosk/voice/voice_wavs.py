"""WAV helpers for the voice tests: make a tone, measure one."""

from __future__ import annotations

import io
import wave

import numpy as np

RATE = 22_050


def tone(seconds: float = 0.2, amplitude: int = 8000, hz: float = 440.0) -> bytes:
    t = np.arange(int(RATE * seconds)) / RATE
    samples = (amplitude * np.sin(2 * np.pi * hz * t)).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(samples.tobytes())
    return out.getvalue()


def measure(wav: bytes) -> tuple[float, int, float]:
    """(duration in seconds, peak, RMS) of a 16-bit mono WAV."""
    with wave.open(io.BytesIO(wav)) as w:
        frames, rate = w.readframes(w.getnframes()), w.getframerate()
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float64)
    if not len(samples):
        return 0.0, 0, 0.0
    return len(samples) / rate, int(np.abs(samples).max()), float(np.sqrt(np.mean(samples ** 2)))
