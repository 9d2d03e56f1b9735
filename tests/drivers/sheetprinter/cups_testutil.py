"""A real CUPS scheduler for the sheet-printer tests: per-test queues, removed with their jobs.

``scripts/run-tests.sh`` installs CUPS (cups, cups-ipp-utils, printer-driver-cups-pdf) and starts
``cupsd`` as root. Without it the tests skip with the reason on a developer's machine and FAIL
under ``CI=true``. Queues are named ``kiosk-test-<random>``: tests running side by side never
share one, and teardown cancels their jobs and deletes them (and checks CUPS no longer knows them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from drivers.errors import PrinterError
from drivers.sheetprinter import ipp
from drivers.sheetprinter.client import IppClient

CUPS_SOCKET = "/run/cups/cups.sock"
CUPS_PDF_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_noopt.ppd")
CUPS_PDF_BACKEND = Path("/usr/lib/cups/backend/cups-pdf")


def _skip_or_fail(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def cups_problem() -> str:
    """Why the tests cannot use CUPS here ("" when they can)."""
    if os.geteuid() != 0:
        return "the CUPS tests create print queues and need root (scripts/run-tests.sh runs as root)"
    for tool in ("lpadmin", "cupsd"):
        if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists():
            return f"{tool} is missing: install Debian's cups (scripts/bootstrap.sh test)"
    client = IppClient(CUPS_SOCKET, 3.0)
    try:
        client.call("/", client.request(ipp.GET_PRINTER_ATTRIBUTES, "/"))
    except PrinterError as exc:
        return f"no CUPS scheduler answers on {CUPS_SOCKET} ({exc.detail}); scripts/run-tests.sh starts cupsd"
    return ""


def poll(check: Callable[[], object], timeout_s: float, what: str, interval_s: float = 0.05) -> object:
    """``check()``'s first truthy value, or a failure naming ``what`` at the deadline."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"not within {timeout_s:g} s: {what}")
        time.sleep(interval_s)


@dataclass
class Queue:
    name: str
    out_dir: Path | None = None  # cups-pdf queues: where the PDFs land

    @property
    def path(self) -> str:
        return f"/printers/{self.name}"


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False)


class CupsQueues:
    """Creates queues on the running scheduler; ``remove_all()`` leaves none behind."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.queues: list[Queue] = []
        self.client = IppClient(CUPS_SOCKET, 5.0)

    def _add(self, name: str, *args: str) -> None:
        done = _run("lpadmin", "-p", name, *args, "-E")
        if done.returncode != 0:
            pytest.fail(f"lpadmin -p {name} failed: {done.stderr.strip()}")

    def pdf_queue(self) -> Queue:
        """A cups-pdf queue: the real filter chain (pdftopdf, Ghostscript) writes each job as a PDF."""
        if not CUPS_PDF_BACKEND.exists() or not CUPS_PDF_PPD.exists():
            _skip_or_fail("printer-driver-cups-pdf is missing (scripts/bootstrap.sh test installs it)")
        q = Queue(f"kiosk-test-{uuid.uuid4().hex[:10]}", self.tmp / f"cups-pdf-{len(self.queues)}")
        q.out_dir.mkdir(mode=0o700)
        conf = Path(f"/etc/cups/cups-pdf-{q.name}.conf")  # cups-pdf:/NAME reads this file
        conf.write_text(f"Out {q.out_dir}\nAnonDirName {q.out_dir}\nLabel 0\nUserUMask 0077\n", encoding="utf-8")
        self.queues.append(q)
        self._add(q.name, "-v", f"cups-pdf:/{q.name}", "-P", str(CUPS_PDF_PPD))
        return q

    def ipp_queue(self, device_uri: str) -> Queue:
        """A raw queue in front of an IPP printer (the simulated one): CUPS's ipp backend drives it."""
        q = Queue(f"kiosk-test-{uuid.uuid4().hex[:10]}")
        self.queues.append(q)
        self._add(q.name, "-v", device_uri)
        return q

    def known(self, q: Queue) -> bool:
        resp = self.client.call(q.path, self.client.request(ipp.GET_PRINTER_ATTRIBUTES, q.path))
        return resp.code != ipp.CLIENT_ERROR_NOT_FOUND

    def remove_all(self) -> None:
        for q in self.queues:
            _run("cancel", "-a", "-x", q.name)
            _run("lpadmin", "-x", q.name)
            Path(f"/etc/cups/cups-pdf-{q.name}.conf").unlink(missing_ok=True)
            assert not self.known(q), f"queue {q.name} left behind"
        self.queues.clear()


@pytest.fixture(scope="session")
def cups_available() -> None:
    problem = cups_problem()
    if problem:
        _skip_or_fail(problem)


@pytest.fixture
def cups(cups_available: None, tmp_path: Path) -> Iterator[CupsQueues]:
    queues = CupsQueues(tmp_path)
    try:
        yield queues
    finally:
        queues.remove_all()


def pdfs_from(q: Queue, count: int = 1, timeout_s: float = 60.0) -> list[bytes]:
    """The PDFs cups-pdf wrote for the queue, oldest first (it writes each before its job completes)."""
    assert q.out_dir is not None
    out_dir = q.out_dir
    found = poll(lambda: len(list(out_dir.glob("*.pdf"))) >= count and sorted(
        out_dir.glob("*.pdf"), key=lambda p: p.stat().st_mtime_ns), timeout_s, f"{count} PDFs from cups-pdf")
    assert len(found) == count, found  # type: ignore[arg-type]
    return [p.read_bytes() for p in found]  # type: ignore[union-attr]
