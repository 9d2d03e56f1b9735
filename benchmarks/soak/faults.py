"""The seeded fault schedule: which applicant meets which fault, decided before the run starts,
so a run (and the applicant a violation was found at) can be reproduced with the same seed."""

from __future__ import annotations

import random
from typing import Any

# kind -> weight. Registry faults go through the proxy on the POST of the application; device
# faults through the simulators' knobs; "kill" is SIGKILL of the kiosk process.
KINDS: dict[str, int] = {
    "registry_503": 1,  # one or two 503s: the client's retries absorb them
    "registry_reset": 1,  # connection reset before the service sees the request
    "registry_lost_answer": 1,  # the authority decided, the answer never arrived
    "registry_late_answer": 1,  # the authority decided, the answer came after the read timeout
    "registry_outage": 1,  # down until the technician clears it: every retry fails
    "printer_paper_out": 1,  # the roll ends mid-job
    "printer_cover_open": 1,  # opened before the job
    "printer_drop": 1,  # connection reset mid-job
    "card_pull": 1,  # card lifted mid-read
    "camera_lost": 1,  # frames stop during the face check
    "kill": 2,  # SIGKILL at a random point of the journey, then restart on the same var dir
}
KILL_STATES = ("card_read", "face_check", "form", "review", "submit", "decision", "printing", "done")
APPLICATION_POST = "POST /v1/applications"


def schedule(count: int, rate: float, seed: int, kinds: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """One dict per applicant: {} for none, else {"kind": ..., parameters}."""
    kinds = kinds or KINDS
    rng = random.Random(seed ^ 0x5EED)
    names = list(kinds)
    weights = [kinds[n] for n in names]
    plan: list[dict[str, Any]] = []
    for _ in range(count):
        if rng.random() >= rate:
            plan.append({})
            continue
        kind = rng.choices(names, weights)[0]
        fault: dict[str, Any] = {"kind": kind}
        if kind == "registry_503":
            fault["count"] = rng.choice((1, 2))
        elif kind == "printer_paper_out":
            fault["rows"] = rng.randint(40, 700)
        elif kind == "printer_drop":
            fault["bytes"] = rng.randint(300, 30000)
        elif kind == "card_pull":
            fault["pull_after"] = rng.randint(3, 30)
        elif kind == "kill":
            fault["state"] = rng.choice(KILL_STATES)
            fault["delay_s"] = round(rng.uniform(0.0, 0.4), 3)
        plan.append(fault)
    return plan


def proxy_arming(fault: dict[str, Any]) -> tuple[str, int | None] | None:
    """(proxy mode, count) for a registry fault, None for the others."""
    kind = fault.get("kind", "")
    return {
        "registry_503": ("503", fault.get("count", 1)),
        "registry_reset": ("reset", 1),
        "registry_lost_answer": ("lost_answer", 1),
        "registry_late_answer": ("late_answer", 1),
        "registry_outage": ("outage", None),
    }.get(kind)
