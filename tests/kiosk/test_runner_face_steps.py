"""The runner tells the face-check screen which challenge of how many is being asked: the
verifier reports only the challenge, and never asks the same one twice in a check."""

from __future__ import annotations

from pathlib import Path

from kiosk.flow.states import State
from tests.kiosk import runner_fakes as f


def test_each_challenge_is_numbered_in_the_order_asked(tmp_path: Path) -> None:
    devs = f.devices()
    devs.face.guidance = [("hold_still", None), ("turn_right", "turn_right"), ("face_camera", "turn_right"),
                          ("hold_still", None), ("blink", "blink"), ("hold_still", None)]
    r = f.runner(tmp_path, devs)
    seen: list[tuple[str, str | None, int, int]] = []

    def listen(flow: object, cmds: list[object]) -> None:
        v = r.flow.view
        if r.flow.state is State.FACE_CHECK and v.guidance:
            seen.append((v.guidance, v.challenge, v.challenge_step, v.challenge_steps))

    r.listeners.append(listen)
    try:
        f.to_card_read(r)
        f.pump_until(r, lambda: len(seen) >= 6 and seen[-1][0] == "hold_still" and seen[-2][0] == "blink",
                     what="every guidance shown")
        steps = devs.face.challenge_count
        assert [s for s in seen if s[1]] == [("turn_right", "turn_right", 1, steps),
                                             ("face_camera", "turn_right", 1, steps),
                                             ("blink", "blink", 2, steps)]
        assert all(s[2] == 0 for s in seen if s[1] is None), "no step between challenges"
    finally:
        r.shutdown()
