"""Typed device faults: the only exceptions that cross from drivers/ into the kiosk flow.

Each carries a stable ``code`` that the flow maps to a screen and the UI maps to a translated
message, so a driver never decides wording and the flow never parses exception text.
``fault`` tells the flow whether the kiosk itself is broken (out of service) or only this
applicant's attempt failed (retry / ask for staff).
"""

from __future__ import annotations


class DeviceError(Exception):
    """Base class. ``detail`` is for technicians' logs and must never contain personal data."""

    code = "device_error"
    fault = True  # True: the kiosk cannot serve anyone until a technician acts

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.code)
        self.detail = detail


# --- ID card reader -------------------------------------------------------------------------
class ReaderUnavailable(DeviceError):
    code = "reader_unavailable"


class CardRemoved(DeviceError):
    code = "card_removed"
    fault = False


class CardAccessDenied(DeviceError):
    """Wrong CAN / MRZ data: the chip refused the access protocol."""

    code = "card_access_denied"
    fault = False


class CardBlocked(DeviceError):
    code = "card_blocked"
    fault = False


class CardUnsupported(DeviceError):
    """Not an ICAO 9303 chip, or no access protocol this kiosk speaks."""

    code = "card_unsupported"
    fault = False


class CardReadError(DeviceError):
    """Malformed or inconsistent answer from the chip (bad MAC, broken TLV, wrong length)."""

    code = "card_read_error"
    fault = False


class CardNotAuthentic(DeviceError):
    """Passive Authentication failed and policy refuses unverifiable chips."""

    code = "card_not_authentic"
    fault = False


# --- camera ---------------------------------------------------------------------------------
class CameraLost(DeviceError):
    code = "camera_lost"


# --- printer --------------------------------------------------------------------------------
class PrinterError(DeviceError):
    code = "printer_error"


class PrinterOffline(PrinterError):
    """No answer to a status query: treated as a fault, never as 'probably fine'."""

    code = "printer_offline"


class PrinterPaperOut(PrinterError):
    code = "printer_paper_out"


class PrinterCoverOpen(PrinterError):
    code = "printer_cover_open"


class PrinterCutterError(PrinterError):
    code = "printer_cutter_error"


# --- registration service -------------------------------------------------------------------
class ServiceUnreachable(DeviceError):
    code = "service_unreachable"


class ServiceProtocolError(DeviceError):
    """Garbage, a schema violation or a bad signature from the registration service."""

    code = "service_protocol_error"


class NameQueryInvalid(DeviceError):
    """A name check asked with parts the service would refuse (empty or too long 字号, a
    malformed division or industry code): nothing is sent. Not a fault; the form carries on and
    the submission decides."""

    code = "name_query_invalid"
    fault = False


# --- printer: status and journal ----------------------------------------------------------
class PrinterStatusGarbled(PrinterError):
    """A status reply that is not a DLE EOT answer (wrong length, fixed bits wrong)."""

    code = "printer_status_garbled"


class PrinterJobError(PrinterError):
    """A print-journal problem: unknown job id, stored bytes that fail to decrypt, reprint of a
    job that cannot be reprinted. Not a hardware fault: the kiosk can keep serving."""

    code = "printer_job_error"
    fault = False


class ServiceRequestRejected(ServiceProtocolError):
    """The service refused the request itself with a problem+json 4xx (e.g. an idempotency key
    reused with a different application, or a request the schema refuses): a kiosk-side bug or
    a version mismatch, not this applicant's fault. ``reason`` is the service's problem code."""

    code = "service_request_rejected"

    def __init__(self, detail: str = "", reason: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason


class PrinterMediaJam(PrinterError):
    """Paper stuck in a sheet printer: the sheet in the path is spoiled, staff open the printer."""

    code = "printer_media_jam"


class PrinterTonerEmpty(PrinterError):
    """Toner or ink empty: a licence printed now would be faint or blank."""

    code = "printer_toner_empty"


class PrinterQueueStopped(PrinterError):
    """The print queue (CUPS) is missing, stopped or not accepting jobs: a technician restarts it
    (``cupsenable``, ``cupsaccept``) after seeing why it stopped."""

    code = "printer_queue_stopped"


class PrinterJobAborted(PrinterError):
    """The print system refused or aborted the job (a filter failed, the job was cancelled by
    someone else): nothing reliable came out."""

    code = "printer_job_aborted"


class PrinterJobTimeout(PrinterError):
    """The job did not complete in time and was cancelled; whether a sheet came out is unknown."""

    code = "printer_job_timeout"


class PrinterNoReply(PrinterOffline):
    """Connected, but no (complete) answer to a status query. Same code as PrinterOffline for
    the flow; the print service also learns from it that bytes already sent may still be
    printed later, when the printer starts reading again."""

    code = "printer_offline"


class ServiceRateLimited(ServiceUnreachable):
    """The service answered 429 (too many requests from this kiosk) and asked for a wait longer
    than the call had left. It processed nothing: the same request (same Idempotency-Key) may be
    sent again after ``retry_after_s``, and a submission pending in the journal is replayed as
    any unanswered one is."""

    code = "service_rate_limited"

    def __init__(self, detail: str = "", retry_after_s: float = 0.0) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s
