"""A small IPP printer on loopback: takes PDF jobs, "prints" them to files, and shows any fault
a test injects (tray empty, jam, door open, toner empty, off the network, stuck mid-job).

CUPS's own ``ippeveprinter`` cannot change its state while it runs, so the tests could not put a
jam in front of a job or in the middle of one. This one speaks just the operations the CUPS
``ipp`` backend and the kiosk's driver use (Get-Printer-Attributes, Validate-Job, Print-Job,
Create-Job, Send-Document, Get-Job-Attributes, Get-Jobs, Cancel-Job) and keeps every received
document as ``NNNN-<job-name>.pdf`` (0600) for the tests to inspect.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from drivers.sheetprinter import ipp

FAULTS = ("media-empty", "media-jam", "door-open", "toner-empty", "media-needed")
WARNINGS = ("media-low", "toner-low")
SUPPORTED_OPS = (ipp.PRINT_JOB, ipp.VALIDATE_JOB, ipp.CREATE_JOB, ipp.SEND_DOCUMENT, ipp.CANCEL_JOB,
                 ipp.GET_JOB_ATTRIBUTES, ipp.GET_JOBS, ipp.GET_PRINTER_ATTRIBUTES)


@dataclass
class SimJob:
    job_id: int
    name: str
    state: int = ipp.JOB_PENDING
    reasons: list[str] = field(default_factory=lambda: ["none"])
    data: bytes = b""
    complete: bool = False  # all documents received
    created: float = field(default_factory=time.time)
    path: Path | None = None


class SimIppPrinter:
    """``uri`` is what a CUPS queue's device URI names. Faults: ``set_fault(reason)`` /
    ``clear_fault(reason)``; ``fault_on_next_job`` turns a fault on as the next job starts
    printing; ``stall`` keeps jobs "processing" until cleared; ``go_offline()`` closes the
    port and ``go_online()`` opens the same one again."""

    def __init__(self, out_dir: Path | str, *, host: str = "127.0.0.1", port: int = 0, page_s: float = 0.05,
                 name: str = "Kiosk sheet printer (simulated)") -> None:
        self.out_dir = Path(out_dir)
        self.host, self.port = host, port
        self.page_s = page_s
        self.name = name
        self.reasons: set[str] = set()
        self.fault_on_next_job = ""
        self.stall = False
        self.jobs: dict[int, SimJob] = {}
        self.printouts: list[Path] = []
        self.requests: list[int] = []  # operation ids received, in order
        self._next_id = 1
        self._cond = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()

    # --- life cycle ------------------------------------------------------------------------------
    @property
    def uri(self) -> str:
        return f"ipp://{self.host}:{self.port}/ipp/print"

    def start(self) -> SimIppPrinter:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.out_dir, 0o700)
        self._stop.clear()
        self._listen()
        worker = threading.Thread(target=self._work, name="sim-ipp-worker", daemon=True)
        worker.start()
        self._threads.append(worker)
        return self

    def _listen(self) -> None:
        printer = self

        class Handler(_Handler):
            sim = printer

        server = ThreadingHTTPServer((self.host, self.port), Handler)
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        t = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                             name="sim-ipp-http", daemon=True)
        t.start()
        self._threads.append(t)

    def go_offline(self) -> None:
        """Stop answering: the port is closed, as when the printer is switched off."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def go_online(self) -> None:
        if self._server is None:
            self._listen()

    def stop(self) -> None:
        self._stop.set()
        self.go_offline()
        with self._cond:
            self._cond.notify_all()
        for t in self._threads:
            t.join(timeout=2)
        self._threads.clear()

    # --- faults ----------------------------------------------------------------------------------
    def set_fault(self, reason: str) -> None:
        with self._cond:
            self.reasons.add(reason)
            self._cond.notify_all()

    def clear_fault(self, reason: str = "") -> None:
        """One reason, or every one when none is named."""
        with self._cond:
            if reason:
                self.reasons.discard(reason)
            else:
                self.reasons.clear()
            self._cond.notify_all()

    def release(self) -> None:
        """End a stall: jobs held "processing" finish."""
        with self._cond:
            self.stall = False
            self._cond.notify_all()

    def _stopped(self) -> bool:
        return any(r in FAULTS for r in self.reasons)

    # --- state as IPP sees it --------------------------------------------------------------------
    def printer_state(self) -> int:
        with self._cond:
            if self._stopped():
                return ipp.PRINTER_STOPPED
            busy = any(j.state == ipp.JOB_PROCESSING for j in self.jobs.values())
            return ipp.PRINTER_PROCESSING if busy else ipp.PRINTER_IDLE

    def state_reasons(self) -> list[str]:
        with self._cond:
            out = [f"{r}-error" if r in FAULTS else f"{r}-warning" if r in WARNINGS else r
                   for r in sorted(self.reasons)]
        return out or ["none"]

    # --- jobs ------------------------------------------------------------------------------------
    def new_job(self, name: str) -> SimJob:
        with self._cond:
            job = SimJob(self._next_id, name)
            self._next_id += 1
            self.jobs[job.job_id] = job
            return job

    def add_document(self, job: SimJob, data: bytes, last: bool) -> None:
        with self._cond:
            job.data += data
            job.complete = job.complete or last
            self._cond.notify_all()

    def cancel(self, job_id: int) -> bool:
        with self._cond:
            job = self.jobs.get(job_id)
            if job is None or job.state in ipp.JOB_FINAL:
                return False
            job.state, job.reasons = ipp.JOB_CANCELED, ["job-canceled-by-user"]
            self._cond.notify_all()
            return True

    def _next_job(self) -> SimJob | None:
        pending = [j for j in self.jobs.values() if j.state == ipp.JOB_PENDING and j.complete]
        return min(pending, key=lambda j: j.job_id) if pending else None

    def _work(self) -> None:
        while not self._stop.is_set():
            with self._cond:
                job = self._next_job()
                if job is None or self._stopped():
                    self._cond.wait(0.1)
                    continue
                job.state, job.reasons = ipp.JOB_PROCESSING, ["job-printing"]
                if self.fault_on_next_job:
                    self.reasons.add(self.fault_on_next_job)
                    self.fault_on_next_job = ""
                deadline = time.monotonic() + self.page_s
                # a fault or a stall keeps the job "processing" (as a jammed printer does)
                while not self._stop.is_set() and job.state == ipp.JOB_PROCESSING and (
                        self._stopped() or self.stall or time.monotonic() < deadline):
                    self._cond.wait(0.02)
                if job.state != ipp.JOB_PROCESSING or self._stop.is_set():
                    continue
                job.path = self._save(job)
                job.state, job.reasons = ipp.JOB_COMPLETED, ["job-completed-successfully"]
                self._cond.notify_all()

    def _save(self, job: SimJob) -> Path:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in job.name)[:60] or "job"
        path = self.out_dir / f"{job.job_id:04d}-{safe}.pdf"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(job.data)
        self.printouts.append(path)
        return path

    def job_attrs(self, job: SimJob) -> list[ipp.Attr]:
        return [ipp.Attr("job-id", ipp.INTEGER, [job.job_id]),
                ipp.Attr("job-uri", ipp.URI, [f"{self.uri}/{job.job_id}"]),
                ipp.Attr("job-name", ipp.NAME, [job.name]),
                ipp.Attr("job-state", ipp.ENUM, [job.state]),
                ipp.Attr("job-state-reasons", ipp.KEYWORD, list(job.reasons)),
                ipp.Attr("job-impressions-completed", ipp.INTEGER,
                         [1 if job.state == ipp.JOB_COMPLETED else 0])]

    def printer_attrs(self) -> list[ipp.Attr]:
        k, t = ipp.KEYWORD, ipp.TEXT
        return [
            ipp.Attr("printer-uri-supported", ipp.URI, [self.uri]),
            ipp.Attr("uri-security-supported", k, ["none"]),
            ipp.Attr("uri-authentication-supported", k, ["none"]),
            ipp.Attr("printer-name", ipp.NAME, [self.name]),
            ipp.Attr("printer-make-and-model", t, [self.name]),
            ipp.Attr("printer-state", ipp.ENUM, [self.printer_state()]),
            ipp.Attr("printer-state-reasons", k, self.state_reasons()),
            ipp.Attr("printer-is-accepting-jobs", ipp.BOOLEAN, [True]),
            ipp.Attr("operations-supported", ipp.ENUM, list(SUPPORTED_OPS)),
            ipp.Attr("charset-configured", ipp.CHARSET, ["utf-8"]),
            ipp.Attr("charset-supported", ipp.CHARSET, ["utf-8"]),
            ipp.Attr("natural-language-configured", ipp.LANGUAGE, ["en"]),
            ipp.Attr("generated-natural-language-supported", ipp.LANGUAGE, ["en"]),
            ipp.Attr("document-format-default", ipp.MIME, ["application/pdf"]),
            ipp.Attr("document-format-supported", ipp.MIME, ["application/pdf", "application/octet-stream"]),
            ipp.Attr("ipp-versions-supported", k, ["1.1", "2.0"]),
            ipp.Attr("compression-supported", k, ["none"]),
            ipp.Attr("pdl-override-supported", k, ["attempted"]),
            ipp.Attr("multiple-document-jobs-supported", ipp.BOOLEAN, [False]),
            ipp.Attr("media-supported", k, ["iso_a4_210x297mm", "iso_a3_297x420mm"]),
            ipp.Attr("media-default", k, ["iso_a4_210x297mm"]),
            ipp.Attr("media-ready", k, [] if "media-empty" in self.reasons else ["iso_a4_210x297mm"]) ,
            ipp.Attr("print-scaling-supported", k, ["none", "auto", "fit", "fill"]),
            ipp.Attr("queued-job-count", ipp.INTEGER,
                     [sum(1 for j in self.jobs.values() if j.state not in ipp.JOB_FINAL)]),
            ipp.Attr("printer-up-time", ipp.INTEGER, [int(time.monotonic())]),
        ]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    sim: SimIppPrinter

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(out)
                out += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))

    def do_GET(self) -> None:
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self) -> None:
        try:
            req = ipp.decode(self._body())
        except ipp.IppDecodeError:
            self.send_response(400)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        resp = _answer(self.sim, req)
        body = ipp.encode(resp)
        self.send_response(200)
        self.send_header("Content-Type", "application/ipp")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _answer(sim: SimIppPrinter, req: ipp.Message) -> ipp.Message:
    sim.requests.append(req.code)
    resp = ipp.Message(ipp.OK, req.request_id, req.version)
    resp.add(ipp.CHARSET, ipp.OPERATION, "attributes-charset", "utf-8")
    resp.add(ipp.LANGUAGE, ipp.OPERATION, "attributes-natural-language", "en")
    op = req.first(ipp.OPERATION)
    if req.code == ipp.GET_PRINTER_ATTRIBUTES:
        resp.group(ipp.PRINTER).extend(sim.printer_attrs())
    elif req.code == ipp.VALIDATE_JOB:
        pass
    elif req.code in (ipp.PRINT_JOB, ipp.CREATE_JOB):
        job = sim.new_job(str(op.get("job-name", "job")))
        if req.code == ipp.PRINT_JOB:
            sim.add_document(job, req.data, last=True)
        resp.group(ipp.JOB).extend(sim.job_attrs(job))
    elif req.code in (ipp.SEND_DOCUMENT, ipp.GET_JOB_ATTRIBUTES, ipp.CANCEL_JOB):
        job = sim.jobs.get(int(op.get("job-id", 0) or 0))
        if job is None:
            resp.code = ipp.CLIENT_ERROR_NOT_FOUND
        elif req.code == ipp.SEND_DOCUMENT:
            sim.add_document(job, req.data, last=bool(op.get("last-document", True)))
            resp.group(ipp.JOB).extend(sim.job_attrs(job))
        elif req.code == ipp.CANCEL_JOB:
            if not sim.cancel(job.job_id):
                resp.code = ipp.CLIENT_ERROR_NOT_POSSIBLE
        else:
            resp.group(ipp.JOB).extend(sim.job_attrs(job))
    elif req.code == ipp.GET_JOBS:
        for job in list(sim.jobs.values()):
            resp.groups.append((ipp.JOB, sim.job_attrs(job)))
    else:
        resp.code = 0x0501  # server-error-operation-not-supported
    return resp
