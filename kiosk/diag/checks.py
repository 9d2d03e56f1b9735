"""Health checks shared by the diagnostics screens, `main.py diag` and the out-of-service probe.

Each check turns one device's state into a traffic light with a reason code; details are numbers
and codes only, never personal data, so the same dict can go to a screen, a JSON report, a
receipt or a monitoring system.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import cv2

from drivers.errors import DeviceError

OK, WARN, FAULT = "ok", "warn", "fault"
EXPIRED_SHOWN_S = 30 * 86400  # how long a submission closed as expired stays on the storage check
# Faults a technician must resolve that do not stop the kiosk serving the next applicant: a held
# licence waits for staff (diagnostics printer page) while the working printer prints new ones.
SERVES_DESPITE = frozenset({"printer_jobs_held"})


@dataclass
class CheckResult:
    device: str
    status: str  # ok | warn | fault
    reason: str = ""  # stable code when not ok
    details: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _timed(device: str, fn: Callable[[], CheckResult]) -> CheckResult:
    t0 = time.perf_counter()
    try:
        result = fn()
    except DeviceError as exc:
        result = CheckResult(device, FAULT, exc.code, {"detail": exc.detail[:200]})
    except Exception as exc:  # a check must report, never crash the diagnostics screen
        result = CheckResult(device, FAULT, f"internal_error:{type(exc).__name__}")
    result.seconds = round(time.perf_counter() - t0, 4)
    return result


def check_reader(devices: Any, deep: bool = False) -> CheckResult:
    """Every ID reader, one row each in ``details["readers"]``: its name, kind, the documents it
    reads, whether a card lies on it, and for a resident ID card reader its SAM's number and the
    photo decoder. ``deep`` (a technician's page): also the ATR and protocols of a chip on it.

    The kiosk serves while one reader works (kiosk/services/readers.py): a fault on some of them
    is a warning (``reader_degraded``), on all of them the fault of the first. Each reader's state
    is recorded on the group, so the card screen shows only the documents that can be read."""
    from kiosk.services.readers import ReaderGroup

    group = getattr(devices, "readers", None) or ReaderGroup.of(devices.reader)

    def run() -> CheckResult:
        rows = [_reader_row(group, m, deep) for m in group.members]
        details: dict[str, Any] = {"readers": rows}
        faults = [r for r in rows if r["status"] == FAULT]
        if len(faults) == len(rows):
            return CheckResult("reader", FAULT, faults[0]["reason"], details)
        if faults:
            return CheckResult("reader", WARN, "reader_degraded", details)
        return CheckResult("reader", OK, details=details)

    return _timed("reader", run)


def _reader_row(group: Any, member: Any, deep: bool) -> dict[str, Any]:
    reader = member.reader
    row: dict[str, Any] = {"reader": member.name, "kind": member.kind, "document": member.document}
    t0 = time.perf_counter()
    try:
        present = bool(reader.card_present())
        row["card_present"] = present
        sam = getattr(reader, "check", None)  # a resident ID card reader: its SAM answers
        if callable(sam):
            info = sam()
            row.update(sam_id=info.sam_id, port=info.port, sam="ok")
            row["photo_decoder"] = getattr(getattr(reader, "decoder", None), "name", "")
        elif deep and present:
            info = reader.wait_for_card(0.2)
            if info is not None:
                row.update(atr=info.atr.hex(" ").upper(), protocols=list(info.protocols))
        row.update(status=OK, reason="")
    except DeviceError as exc:
        row.update(status=FAULT, reason=exc.code, detail=exc.detail[:200])
    except Exception as exc:  # a check must report, never crash the diagnostics screen
        row.update(status=FAULT, reason=f"internal_error:{type(exc).__name__}")
    row["seconds"] = round(time.perf_counter() - t0, 4)
    group.mark(member, row["reason"] if row["status"] == FAULT else "")
    return row


def check_camera(devices: Any, deep: bool = False) -> CheckResult:
    """``deep``: also the frame rate measured over half a second, sharpness and faces in view."""

    def run() -> CheckResult:
        frame = devices.camera.latest()
        if frame is None:
            return CheckResult("camera", WARN, "no_frame_yet", {"resolution": list(devices.camera.resolution)})
        gray = cv2.cvtColor(frame.image, cv2.COLOR_BGR2GRAY)
        details: dict[str, Any] = {"resolution": [frame.image.shape[1], frame.image.shape[0]],
                                   "brightness": round(float(gray.mean()), 1),
                                   "frame_age_s": round(time.monotonic() - frame.timestamp, 3)}
        if deep:
            time.sleep(0.5)
            later = devices.camera.latest()
            if later is not None and later.timestamp > frame.timestamp:
                details["fps"] = round((later.seq - frame.seq) / (later.timestamp - frame.timestamp), 1)
            # variance of the Laplacian: the usual focus measure; a smeared or fogged lens drops it
            details["sharpness"] = round(float(cv2.Laplacian(gray, cv2.CV_64F).var()), 1)
            details["faces"] = count_faces(frame.image)
        if details["brightness"] < 40:
            return CheckResult("camera", WARN, "too_dark", details)
        return CheckResult("camera", OK, details=details)

    return _timed("camera", run)


def count_faces(image: Any) -> int | None:
    from kiosk.face.landmarks import Landmarker

    try:
        with Landmarker(static=True, max_faces=4) as landmarker:
            return len(landmarker.detect(image))
    except Exception:  # the diagnostics page still shows the rest when the models are broken
        return None


def check_printer(devices: Any) -> CheckResult:
    """The printer's sensors, then the documents held for staff (a fault that does not stop the
    kiosk: see SERVES_DESPITE), then unfinished test pages (a warning)."""

    def run() -> CheckResult:
        st = devices.printer.status()
        details: dict[str, Any] = {k: getattr(st, k) for k in ("online", "paper_present", "paper_near_end",
                                                               "cover_open", "cutter_error")}
        held = devices.print_service.held_jobs()
        pending = devices.print_service.pending_jobs()
        details["held_jobs"] = len(held)
        details["held_outcome_unknown"] = sum(1 for j in held if j.flag == "outcome_unknown")
        details["unfinished_jobs"] = len(pending)
        # a printer with its cover open or out of paper also reports itself offline: name the cause
        if st.cover_open:
            return CheckResult("printer", FAULT, "printer_cover_open", details)
        if not st.paper_present:
            return CheckResult("printer", FAULT, "printer_paper_out", details)
        if st.cutter_error:
            return CheckResult("printer", FAULT, "printer_cutter_error", details)
        if not st.online:
            return CheckResult("printer", FAULT, "printer_offline", details)
        if held:
            return CheckResult("printer", FAULT, "printer_jobs_held", details)
        if st.paper_near_end:
            return CheckResult("printer", WARN, "printer_paper_near_end", details)
        if pending:
            return CheckResult("printer", WARN, "unfinished_print_jobs", details)
        return CheckResult("printer", OK, details=details)

    return _timed("printer", run)


def check_sheet_printer(devices: Any) -> CheckResult | None:
    """The licence-stock printer's queue and device state (None when the kiosk has none).
    Its held documents count under the "printer" check with every other held document."""
    sheet = getattr(devices, "sheet_printer", None)
    if sheet is None:
        return None

    def run() -> CheckResult:
        from drivers.sheetprinter.status import fault_for, warnings_in
        from kiosk.printing.journal import is_sheet

        st = sheet.status()
        details: dict[str, Any] = {"queue": sheet.name, "state": st.state, "reasons": list(st.reasons),
                                   "accepting": st.accepting, "message": st.message[:120]}
        if st.device_state:
            details["device_state"] = st.device_state
        details["held_jobs"] = sum(1 for j in devices.print_service.held_jobs() if is_sheet(j.kind))
        fault = fault_for(st)
        if fault is not None:
            return CheckResult("sheet_printer", FAULT, fault.code, details | {"detail": fault.detail[:200]})
        low = warnings_in(st)
        if low:
            return CheckResult("sheet_printer", WARN, "printer_supplies_low", details | {"low": low})
        return CheckResult("sheet_printer", OK, details=details)

    return _timed("sheet_printer", run)


def check_api(devices: Any) -> CheckResult:
    def run() -> CheckResult:
        t0 = time.perf_counter()
        devices.registry.heartbeat()
        details: dict[str, Any] = {"latency_ms": round((time.perf_counter() - t0) * 1000, 1)}
        client = devices.registry
        base_url = getattr(client, "base_url", None)
        if base_url is None:
            return CheckResult("api", OK, details=details)
        from kiosk.diag import network

        details["url"] = base_url
        try:
            details["tls_days_left"] = network.tls_days_left(base_url)
            details["clock_offset_s"] = network.clock_offset_s(client.session, base_url)
        except (OSError, ValueError) as exc:
            details["extra_checks"] = f"unavailable: {type(exc).__name__}"
        days, offset = details.get("tls_days_left"), details.get("clock_offset_s")
        if days is not None and days < 0:
            return CheckResult("api", FAULT, "tls_certificate_expired", details)
        if offset is not None and abs(offset) > 300:
            return CheckResult("api", FAULT, "clock_offset", details)
        if (days is not None and days < 30) or (offset is not None and abs(offset) > 30):
            return CheckResult("api", WARN, "tls_expiring" if days is not None and days < 30 else "clock_drift",
                               details)
        return CheckResult("api", OK, details=details)

    return _timed("api", run)


def check_storage(journal: Any, var_dir: Any) -> CheckResult:
    def run() -> CheckResult:
        counts = journal.counts()
        size = sum(p.stat().st_size for p in journal.path.parent.glob(journal.path.name + "*"))
        free = shutil.disk_usage(var_dir).free
        details = {"journal_bytes": size, "open_transactions": counts["open"],
                   "closed_transactions": counts["closed"], "free_bytes": free}
        if free < 200 * 1024 * 1024:
            return CheckResult("storage", FAULT if free < 50 * 1024 * 1024 else WARN, "disk_low", details)
        expired = journal.expired(time.time() - EXPIRED_SHOWN_S)
        if expired:
            details["expired_submissions"] = [t[:12] for t in expired[:10]]
        if counts["open"]:
            return CheckResult("storage", WARN, "unfinished_transactions", details)
        if expired:  # closed by recovery: the authority no longer answers for them, staff ask it
            return CheckResult("storage", WARN, "submissions_expired", details)
        return CheckResult("storage", OK, details=details)

    return _timed("storage", run)


def run_all(devices: Any, journal: Any, var_dir: Any, deep: bool = False) -> list[CheckResult]:
    sheet = check_sheet_printer(devices)
    return [check_reader(devices, deep), check_camera(devices, deep), check_printer(devices),
            *([sheet] if sheet else []), check_api(devices), check_storage(journal, var_dir)]


def first_fault(results: list[CheckResult]) -> str:
    """The first fault that keeps the kiosk from serving applicants ("" if none)."""
    return next((r.reason for r in results if r.status == FAULT and r.reason not in SERVES_DESPITE), "")
