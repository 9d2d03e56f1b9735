"""The runner's name check: the client's answer goes back to the flow, and no failure of it
(a typed service error or a bug) takes the kiosk out of service."""

from __future__ import annotations

from pathlib import Path

import pytest

from drivers.errors import ServiceRateLimited, ServiceUnreachable
from drivers.registry.models import NameCheck, NameQuery
from kiosk.flow import commands as c
from kiosk.flow import events as e
from kiosk.flow.states import State
from tests.kiosk import runner_fakes as f

QUERY = NameQuery("371002", "老王", "餐饮", "馆", "H6210")


def run_check(tmp_path: Path, answer: object) -> list[object]:
    devs = f.devices()

    def check_name(query: NameQuery) -> NameCheck:
        assert query == QUERY
        if isinstance(answer, BaseException):
            raise answer
        return answer  # type: ignore[return-value]

    devs.registry.check_name = check_name  # type: ignore[attr-defined]
    r = f.runner(tmp_path, devs)
    seen: list[object] = []
    handle = r.flow.dispatch

    def recording(event: object) -> list[object]:
        if isinstance(event, e.NameChecked | e.NameCheckFailed):
            seen.append(event)
        return handle(event)

    r.flow.dispatch = recording  # type: ignore[method-assign]
    try:
        r.start()
        f.pump_until(r, lambda: r.flow.view.ready, what="devices up")
        r._execute(c.CheckName(7, QUERY))
        f.pump_until(r, lambda: seen, what="the answer")
        assert r.flow.state is State.ATTRACT
    finally:
        r.shutdown()
    return seen


def test_an_answer_reaches_the_flow(tmp_path: Path) -> None:
    answer = NameCheck("威海市环翠区老王餐饮馆", "ok")
    assert run_check(tmp_path, answer) == [e.NameChecked(7, answer)]


@pytest.mark.parametrize(("error", "code"), [(ServiceUnreachable("down"), "service_unreachable"),
                                             (ServiceRateLimited("429", retry_after_s=5), "service_rate_limited"),
                                             (KeyError("bug"), "internal_error")])
def test_a_failure_is_a_failed_check_not_a_fault(tmp_path: Path, error: BaseException, code: str) -> None:
    assert run_check(tmp_path, error) == [e.NameCheckFailed(7, code)]
