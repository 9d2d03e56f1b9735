"""A sheet printer behind CUPS (or an IPP Everywhere printer asked directly), driven over IPP.

Before a job the kiosk needs to know the tray is not empty and nothing is jammed. A CUPS queue
only learns its printer's state while one of its jobs runs, so for an IPP device (the queue's
``device-uri`` is ``ipp://`` / ``ipps://``) the device is asked too. During the job the queue
relays the device's reasons (``media-jam-error``), so tracking asks the queue alone.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from drivers.errors import PrinterJobAborted, PrinterOffline, PrinterQueueStopped
from drivers.sheetprinter import ipp
from drivers.sheetprinter.base import SheetJob, SheetPrinter, SheetStatus
from drivers.sheetprinter.client import IppClient

PRINTER_ATTRS = ("printer-state", "printer-state-reasons", "printer-is-accepting-jobs", "printer-state-message",
                 "device-uri", "printer-make-and-model", "queued-job-count")
JOB_ATTRS = ("job-id", "job-state", "job-state-reasons", "job-impressions-completed")
NOT_ACCEPTING = 0x0506  # client-error-not-accepting-jobs
DEVICE_SCHEMES = ("ipp", "ipps")


class IppSheetPrinter(SheetPrinter):
    """``server``: CUPS's socket path, ``host:port`` or a printer URI; ``path``: the queue's
    resource (``/printers/licence``) or the printer's (``/ipp/print``)."""

    def __init__(self, server: str, path: str, *, timeout_s: float = 5.0, check_device: bool = True,
                 device_timeout_s: float = 2.0, user: str = "") -> None:
        self.client = IppClient(server, timeout_s, user)
        self.path = path
        self.name = path.rsplit("/", 1)[-1]
        self.check_device = check_device
        self.device_timeout_s = device_timeout_s
        self.last_attrs: dict[str, object] = {}

    # --- state ---------------------------------------------------------------------------------
    def _printer_attrs(self, client: IppClient, path: str) -> dict[str, object]:
        req = client.request(ipp.GET_PRINTER_ATTRIBUTES, path)
        req.add(ipp.KEYWORD, ipp.OPERATION, "requested-attributes", *PRINTER_ATTRS)
        resp = client.call(path, req)
        if resp.code == ipp.CLIENT_ERROR_NOT_FOUND:
            raise PrinterQueueStopped(f"no print queue at {path}")
        if not resp.ok:
            raise PrinterOffline(f"Get-Printer-Attributes {path}: IPP status 0x{resp.code:04x}")
        attrs = resp.first(ipp.PRINTER)
        attrs["printer-state-reasons"] = resp.values(ipp.PRINTER, "printer-state-reasons")
        return attrs

    def status(self) -> SheetStatus:
        attrs = self._printer_attrs(self.client, self.path)
        reasons = [str(r) for r in attrs.get("printer-state-reasons", []) if r != "none"]
        device_state = 0
        uri = str(attrs.get("device-uri", ""))
        parts = urlsplit(uri)
        if self.check_device and parts.scheme in DEVICE_SCHEMES and parts.hostname:
            device = IppClient(uri, self.device_timeout_s, self.client.user)
            try:
                dattrs = self._printer_attrs(device, parts.path or "/ipp/print")
            except PrinterQueueStopped:
                raise PrinterOffline("the printer does not know the queue's device URI") from None
            except PrinterOffline as exc:
                raise PrinterOffline(f"printer not answering ({exc.detail})") from None
            device_state = int(dattrs.get("printer-state", 0) or 0)
            reasons += [str(r) for r in dattrs.get("printer-state-reasons", []) if r != "none"]
            attrs["device"] = {k: v for k, v in dattrs.items() if k != "device-uri"}
        self.last_attrs = attrs
        return SheetStatus(
            state=int(attrs.get("printer-state", 0) or 0),
            reasons=tuple(dict.fromkeys(reasons)),
            accepting=bool(attrs.get("printer-is-accepting-jobs", True)),
            message=str(attrs.get("printer-state-message", "")),
            device_state=device_state,
        )

    # --- jobs ----------------------------------------------------------------------------------
    def submit(self, pdf: bytes, job_name: str, media: str) -> int:
        req = self.client.request(ipp.PRINT_JOB, self.path)
        req.add(ipp.NAME, ipp.OPERATION, "job-name", job_name)
        req.add(ipp.MIME, ipp.OPERATION, "document-format", "application/pdf")
        req.add(ipp.KEYWORD, ipp.JOB, "media", media)
        req.add(ipp.KEYWORD, ipp.JOB, "print-scaling", "none")  # the stock's fields are in mm: never fit
        req.add(ipp.KEYWORD, ipp.JOB, "sides", "one-sided")
        req.add(ipp.INTEGER, ipp.JOB, "copies", 1)
        req.data = pdf
        resp = self.client.call(self.path, req)
        if resp.code == NOT_ACCEPTING:
            raise PrinterQueueStopped("queue refused the job: not accepting jobs")
        if resp.code == ipp.CLIENT_ERROR_NOT_FOUND:
            raise PrinterQueueStopped(f"no print queue at {self.path}")
        job_id = resp.first(ipp.JOB).get("job-id")
        if not resp.ok or not isinstance(job_id, int):
            raise PrinterJobAborted(f"Print-Job refused: IPP status 0x{resp.code:04x}")
        return job_id

    def job(self, job_id: int) -> SheetJob:
        req = self.client.request(ipp.GET_JOB_ATTRIBUTES, self.path)
        req.add(ipp.INTEGER, ipp.OPERATION, "job-id", job_id)
        req.add(ipp.KEYWORD, ipp.OPERATION, "requested-attributes", *JOB_ATTRS)
        resp = self.client.call(self.path, req)
        if not resp.ok:
            raise PrinterJobAborted(f"job {job_id} unknown to the print system (IPP 0x{resp.code:04x})")
        attrs = resp.first(ipp.JOB)
        return SheetJob(job_id, int(attrs.get("job-state", 0) or 0),
                        tuple(str(r) for r in resp.values(ipp.JOB, "job-state-reasons")),
                        int(attrs.get("job-impressions-completed", 0) or 0))

    def active_jobs(self, job_name: str) -> list[int]:
        req = self.client.request(ipp.GET_JOBS, self.path)
        req.add(ipp.KEYWORD, ipp.OPERATION, "which-jobs", "not-completed")
        req.add(ipp.KEYWORD, ipp.OPERATION, "requested-attributes", "job-id", "job-name", "job-state")
        resp = self.client.call(self.path, req)
        if not resp.ok:
            raise PrinterOffline(f"Get-Jobs {self.path}: IPP status 0x{resp.code:04x}")
        return [int(j["job-id"]) for j in resp.attrs(ipp.JOB)
                if j.get("job-name") == job_name and int(j.get("job-state", 9)) < 7]

    def cancel(self, job_id: int) -> bool:
        req = self.client.request(ipp.CANCEL_JOB, self.path)
        req.add(ipp.INTEGER, ipp.OPERATION, "job-id", job_id)
        resp = self.client.call(self.path, req)
        if resp.ok:
            return True
        try:  # not possible: already finished (completed, cancelled or aborted) is fine
            return self.job(job_id).final
        except PrinterJobAborted:
            return True
