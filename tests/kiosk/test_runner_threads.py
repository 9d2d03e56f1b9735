"""The runner's threading rule: the flow is touched only from the pump thread, and a worker's
result from an operation the flow has left behind is dropped (and its personal data wiped)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from kiosk.flow.machine import Flow
from kiosk.flow.states import State
from tests.kiosk import runner_fakes as f
from tests.kiosk.flow import builders as b


class PumpThreadOnly:
    """The flow behind a guard that records every access from another thread."""

    def __init__(self, flow: Flow) -> None:
        object.__setattr__(self, "_flow", flow)
        object.__setattr__(self, "_owner", threading.get_ident())
        object.__setattr__(self, "foreign", [])

    def __getattr__(self, name: str) -> Any:
        if threading.get_ident() != self._owner:
            self.foreign.append((threading.current_thread().name, name))
        return getattr(self._flow, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if threading.get_ident() != self._owner:
            self.foreign.append((threading.current_thread().name, name))
        setattr(self._flow, name, value)


def test_workers_never_touch_the_flow_and_the_face_check_gets_its_reference_in_the_command(
        tmp_path: Path) -> None:
    devs = f.devices()
    reference = object()
    devs.face.enrol = lambda _portrait, _kind=None: reference
    r = f.runner(tmp_path, devs)
    guard = PumpThreadOnly(r.flow)
    r.flow = guard  # type: ignore[assignment]
    try:
        f.to_card_read(r)
        f.pump_until(r, lambda: devs.face.references, what="the face check started")
        assert devs.face.references == [reference]
        r.touch("cancel")
        f.pump_until(r, lambda: r.flow.state is State.RATING, what="cancelled: the rating")
        r.touch("skip")
        f.pump_until(r, lambda: r.flow.state is State.ATTRACT, what="rating skipped")
        assert guard.foreign == [], "worker threads read or wrote the flow"
    finally:
        r.shutdown()


def test_a_read_that_ends_after_its_timeout_is_wiped_not_kept(tmp_path: Path) -> None:
    clock = b.FakeClock()
    devs = f.devices()
    devs.reader.read_gate = gate = threading.Event()
    r = f.runner(tmp_path, devs, clock=clock)
    try:
        f.to_card_read(r)
        assert r.flow.state is State.CARD_READ
        clock.advance(r.settings.timeouts.card_read + 1)
        f.pump_until(r, lambda: r.flow.state is State.OUT_OF_SERVICE, what="reader_timeout")
        gate.set()
        f.pump_until(r, lambda: devs.reader.identities, what="the read finished")
        (identity,) = devs.reader.identities
        f.pump_until(r, lambda: set(identity.portrait) <= {0} and identity.name_national == "",
                     what="the late identity wiped")
        assert r.flow.state is State.OUT_OF_SERVICE and r.flow.session.identity is None
    finally:
        r.shutdown()


def test_a_slow_probe_is_never_doubled_and_its_result_still_counts(tmp_path: Path) -> None:
    """Probes come every few seconds; one that takes longer (a registration service slow to
    answer) must not pile up probes on the workers, nor be superseded before it can answer."""
    from kiosk.flow import commands as c

    devs = f.devices()
    gate, running, calls = threading.Event(), [0], []

    def heartbeat() -> None:
        running[0] += 1
        calls.append(running[0])
        gate.wait(10)
        running[0] -= 1

    devs.registry.heartbeat = heartbeat
    r = f.runner(tmp_path, devs, attract_probe=0.001)
    probes: list[object] = []
    r.listeners.append(lambda _flow, cmds: probes.extend(x for x in cmds if isinstance(x, c.ProbeDevices)))
    try:
        r.start()
        f.pump_until(r, lambda: len(probes) >= 5 and calls, what="several probes asked for")
        assert calls == [1], "one probe at a time"
        gate.set()
        f.pump_until(r, lambda: len(calls) >= 2, what="probing goes on after the slow one")
        assert max(calls) == 1 and r.flow.state is State.ATTRACT
    finally:
        gate.set()
        r.shutdown()
