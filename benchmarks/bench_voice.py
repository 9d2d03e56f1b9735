"""Voice prompts: synthesis latency, length and level of every prompt, against a recorded file.

For each prompt in Mandarin and English, espeak-ng (as the kiosk runs it, a fresh process per
prompt) is timed to its first WAV bytes on stdout (time to first audio) and to the whole WAV;
the audio's duration, peak and RMS level are measured. The peer is the recorded-prompt path: the
same audio written to a prompts directory and read back by kiosk.voice.recorded. Last, the time
from the worker's ``say()`` to the player starting, cold (synthesis) and warm (cached).

    .venv/bin/python benchmarks/bench_voice.py [--runs 5] [--rate 140] [--save DIR]

``--save`` keeps every rendered WAV (``<prompt>.<language>.wav``) to listen to elsewhere.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk.voice.espeak import PROGRAM, VOICES, EspeakSpeaker
from kiosk.voice.null import NullSpeaker
from kiosk.voice.prompts import CATALOGUE, COUNTDOWN, Utterance
from kiosk.voice.recorded import RecordedSpeaker
from kiosk.voice.sim.recording_player import RecordingPlayer
from kiosk.voice.worker import VoiceWorker


def first_audio(voice: str, text: str, rate: int) -> tuple[float, float, bytes]:
    """(seconds to the first stdout bytes, seconds to the whole WAV, the WAV)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([PROGRAM, "-v", voice, "-s", str(rate), "--stdout"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(text.encode("utf-8"))
    proc.stdin.close()
    first = proc.stdout.read1(65536)
    t_first = time.perf_counter() - t0
    wav = first + proc.stdout.read()
    proc.wait()
    return t_first, time.perf_counter() - t0, wav


def levels(wav: bytes) -> tuple[float, float, float]:
    """(duration s, peak dBFS, RMS dBFS) of a 16-bit WAV. espeak-ng's --stdout header leaves the
    data length unset (it streams), so the samples are everything after the 44-byte header."""
    with wave.open(io.BytesIO(wav)) as w:
        rate = w.getframerate()
    samples = np.frombuffer(wav[44:len(wav) - (len(wav) - 44) % 2], dtype="<i2").astype(np.float64)
    peak = max(float(np.abs(samples).max()), 1.0)
    rms = max(float(np.sqrt(np.mean(samples ** 2))), 1.0)
    return len(samples) / rate, 20 * np.log10(peak / 32768), 20 * np.log10(rms / 32768)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rate", type=int, default=140)
    parser.add_argument("--save", type=Path)
    args = parser.parse_args()
    print(f"{PROGRAM}: {subprocess.run([PROGRAM, '--version'], capture_output=True, text=True).stdout.strip()}")
    print(f"{'prompt':<28}{'first ms':>9}{'whole ms':>9}{'file ms':>8}{'dur s':>7}{'peak dB':>8}{'rms dB':>8}")
    firsts: list[float] = []
    wholes: list[float] = []
    files: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        recorded = RecordedSpeaker(Path(tmp), NullSpeaker())
        for language in ("zh_CN", "en"):
            for prompt in CATALOGUE:
                u = Utterance(prompt, language, 15 if prompt == COUNTDOWN else None)
                runs = [first_audio(VOICES[language], u.text or "", args.rate) for _ in range(args.runs)]
                first = statistics.median(r[0] for r in runs)
                whole = statistics.median(r[1] for r in runs)
                wav = runs[-1][2]
                recorded.path(u).write_bytes(wav)
                if args.save:
                    args.save.mkdir(parents=True, exist_ok=True)
                    (args.save / f"{u.key}.wav").write_bytes(wav)
                file_s = []
                for _ in range(args.runs):
                    t0 = time.perf_counter()
                    assert recorded.audio(u)
                    file_s.append(time.perf_counter() - t0)
                duration, peak, rms = levels(wav)
                firsts.append(first)
                wholes.append(whole)
                files.append(statistics.median(file_s))
                print(f"{u.key:<28}{first * 1000:>9.1f}{whole * 1000:>9.1f}{files[-1] * 1000:>8.2f}"
                      f"{duration:>7.2f}{peak:>8.1f}{rms:>8.1f}")
    print(f"median over prompts: first audio {statistics.median(firsts) * 1000:.1f} ms, whole WAV "
          f"{statistics.median(wholes) * 1000:.1f} ms (max {max(wholes) * 1000:.1f}), recorded file "
          f"{statistics.median(files) * 1000:.2f} ms")
    player = RecordingPlayer()
    worker = VoiceWorker(EspeakSpeaker(args.rate), player)
    for label in ("cold (synthesised)", "warm (cached)"):
        t0 = time.perf_counter()
        worker.say(Utterance("card_wait", "zh_CN"))
        started = player.wait_started("card_wait.zh_CN", 10)
        print(f"say() to playback start, {label}: {(time.perf_counter() - t0) * 1000:.1f} ms ({started})")
        worker.wait_idle(10)
        player.started.clear()
    worker.close()


if __name__ == "__main__":
    main()
