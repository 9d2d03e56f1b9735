"""The scripted applicant: reads the prompt like a person reads the screen, and acts by playing
the clip segment that shows that action. Between actions it looks at the camera."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from drivers.camera.sim import segments as seg
from drivers.camera.sim.clip import Clip

ACTIONS_OF_A: Mapping[str, seg.Segment] = {
    "blink": seg.A_BLINK,
    "turn_left": seg.A_TURN_LEFT,
    "turn_right": seg.A_TURN_RIGHT,
}


def ping_pong(segment: seg.Segment, step: int) -> int:
    """Forward then backward through a segment: an idle loop without a jump cut."""
    n = segment.stop - segment.start
    if n <= 1:
        return segment.start
    k = step % (2 * n - 2)
    return segment.start + (k if k < n else 2 * n - 2 - k)


class ScriptedApplicant:
    def __init__(
        self,
        clip: Clip,
        actions: Mapping[str, seg.Segment] = ACTIONS_OF_A,
        idle: seg.Segment = seg.A_NEUTRAL,
        reaction_s: float = 0.4,
        repeat_s: float = 1.0,
    ) -> None:
        self._clip = clip
        self._repeat_s = repeat_s
        self._actions = dict(actions)
        self._idle = idle
        self._reaction_s = reaction_s
        self._asked: str | None = None
        self._act_at: float | None = None
        self._queue: list[int] = []
        self._idle_step = 0
        self.performed: list[str] = []  # for tests: what the applicant actually did

    def prompt(self, action: str | None, now: float) -> None:
        if action == self._asked:
            return
        self._asked = action
        self._act_at = now + self._reaction_s if action in self._actions else None

    def next_frame(self, now: float) -> np.ndarray | None:
        if self._act_at is not None and now >= self._act_at and self._asked is not None:
            self._queue = list(self._actions[self._asked].frames())
            self.performed.append(self._asked)
            self._act_at = None
        if self._queue:
            image = self._clip[self._queue.pop(0)]
            if not self._queue and self._asked in self._actions:
                # Still asked (the kiosk missed it?): do it again after a pause, as people do.
                self._act_at = now + self._repeat_s
            return image
        index = ping_pong(self._idle, self._idle_step)
        self._idle_step += 1
        return self._clip[index]


class Replay:
    """A recording played in a loop whatever the screen asks: the replay attack. The recording
    is the applicant looking at the camera for ``idle_s``, then performing one action."""

    def __init__(self, clip: Clip, action: seg.Segment, idle: seg.Segment = seg.A_NEUTRAL, idle_s: float = 1.5) -> None:
        self._clip = clip
        idle_frames = [ping_pong(idle, k) for k in range(int(idle_s * clip.fps))]
        self._frames = idle_frames + list(action.frames())
        self._step = 0

    def prompt(self, action: str | None, now: float) -> None:
        return None

    def next_frame(self, now: float) -> np.ndarray | None:
        image = self._clip[self._frames[self._step % len(self._frames)]]
        self._step += 1
        return image


class Unplugged:
    """No frames at all, whatever the screen asks: the cable pulled out."""

    def prompt(self, action: str | None, now: float) -> None:
        return None

    def next_frame(self, now: float) -> np.ndarray | None:
        return None


class Disappearing:
    """Wraps a script; after ``after_s`` the device is gone (unplugged cable)."""

    def __init__(self, inner: ScriptedApplicant, after_s: float) -> None:
        self._inner = inner
        self._after_s = after_s

    def prompt(self, action: str | None, now: float) -> None:
        self._inner.prompt(action, now)

    def next_frame(self, now: float) -> np.ndarray | None:
        if now >= self._after_s:
            return None
        return self._inner.next_frame(now)
