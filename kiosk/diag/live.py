"""What the running kiosk last saw of its devices, for `main.py diag` over SSH.

While the kiosk runs it owns the reader, camera and printer: a second process opening them would
interleave bytes on the printer, fail to claim the USB interface or the camera, or read an
applicant's chip. So when the instance lock shows a running kiosk, diagnostics read the kiosk's
metrics endpoint instead (its idle probe refreshes the checks every `timeouts.attract_probe`
seconds) and leave the devices alone. Testing a device by hand means using the diagnostics
screen on the kiosk, or stopping the kiosk first.
"""

from __future__ import annotations

import time
import urllib.request
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from kiosk.diag.checks import FAULT, CheckResult
from kiosk.instance_lock import holder

MAX_METRICS_BYTES = 4 * 1024 * 1024  # the kiosk's own page is a few kilobytes


class LiveUnavailable(Exception):
    """A kiosk is running but its state cannot be read (no endpoint, endpoint not answering)."""


def running_kiosk(var_dir: Path) -> dict[str, Any] | None:
    return holder(var_dir)


def live_checks(kiosk: dict[str, Any], timeout: float = 3.0) -> list[CheckResult]:
    """The running kiosk's latest check per device, with its age in seconds."""
    url = kiosk.get("metrics")
    if not url:
        raise LiveUnavailable("the running kiosk has no metrics endpoint "
                              "([diagnostics] metrics_port = 0 in its config)")
    try:
        with urllib.request.urlopen(f"{url}/metrics", timeout=timeout) as resp:
            body = resp.read(MAX_METRICS_BYTES + 1)
        text = body.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:  # URLError and timeouts are OSErrors
        raise LiveUnavailable(f"the running kiosk's metrics endpoint {url} did not answer: "
                              f"{exc}") from None
    if len(body) > MAX_METRICS_BYTES:
        raise LiveUnavailable(f"the running kiosk's metrics endpoint {url} answered more than "
                              f"{MAX_METRICS_BYTES:,} bytes: not the kiosk's metrics")
    current: dict[str, tuple[str, str]] = {}
    checked: dict[str, float] = {}
    out_of_service = False
    try:
        for family in text_string_to_metric_families(text):
            for s in family.samples:
                if s.name == "kiosk_device_check" and s.value == 1:
                    current[s.labels["device"]] = (s.labels["status"], s.labels["reason"])
                elif s.name == "kiosk_device_checked_timestamp_seconds":
                    checked[s.labels["device"]] = s.value
                elif s.name == "kiosk_out_of_service":
                    out_of_service = s.value == 1
    except (ValueError, KeyError) as exc:
        raise LiveUnavailable(f"the running kiosk's metrics endpoint {url} answered something "
                              f"else than its metrics ({type(exc).__name__})") from None
    now = time.time()
    pid = kiosk.get("pid", "?")
    results = []
    for device, (status, reason) in sorted(current.items()):
        details: dict[str, Any] = {"source": f"running kiosk pid {pid}",
                                   "out_of_service": out_of_service}
        if device in checked:
            details["checked_s_ago"] = round(max(0.0, now - checked[device]), 1)
        results.append(CheckResult(device, status, reason, details))
    if not results:
        results.append(CheckResult("kiosk", FAULT, "not_checked_yet",
                                   {"source": f"running kiosk pid {pid}"}))
    return results


def refusal(kiosk: dict[str, Any], device: str) -> str:
    """The message for a technician whose command would open a device the kiosk owns."""
    pid = kiosk.get("pid", "?")
    lines = [f"the kiosk is running (pid {pid}, since {kiosk.get('started', '?')}) and owns the "
             f"{device}; this command would open it too and disturb an applicant."]
    try:
        for r in live_checks(kiosk):
            if r.device == device:
                age = r.details.get("checked_s_ago")
                lines.append(f"the kiosk's last check of the {device}: {r.status} "
                             f"{r.reason or ''}".rstrip()
                             + (f" ({age:.0f} s ago)" if age is not None else ""))
    except LiveUnavailable as exc:
        lines.append(str(exc))
    lines.append("use the diagnostics screen on the kiosk, `main.py diag` for every device's "
                 "live state, or stop the kiosk to test the device from here.")
    return "\n".join(lines)
