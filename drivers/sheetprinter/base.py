"""A sheet printer as the kiosk sees it: state before a job, a PDF job, its progress, cancel."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


@dataclass(frozen=True)
class SheetStatus:
    """The print queue's state and, where it can be asked, the device's own.

    ``reasons`` are IPP printer-state-reasons keywords of both, as reported (``media-jam-error``).
    """

    state: int  # IPP printer-state: 3 idle, 4 processing, 5 stopped
    reasons: tuple[str, ...]
    accepting: bool = True
    message: str = ""
    device_state: int = 0  # 0: not asked (not an IPP device, or checking it is off)

    @property
    def ready(self) -> bool:
        from drivers.sheetprinter.status import fault_for

        return fault_for(self) is None


@dataclass(frozen=True)
class SheetJob:
    job_id: int
    state: int  # IPP job-state: 3 pending ... 7 canceled, 8 aborted, 9 completed
    reasons: tuple[str, ...]
    impressions: int = 0  # job-impressions-completed

    @property
    def final(self) -> bool:
        return self.state >= 7


class SheetPrinter(ABC):
    """PDF jobs on cut sheets (licence stock). Every call has a deadline; transport failures are
    PrinterOffline, states are typed faults (drivers.sheetprinter.status)."""

    name: str = "sheet"

    @abstractmethod
    def status(self) -> SheetStatus:
        """The queue's (and device's) state now."""

    @abstractmethod
    def submit(self, pdf: bytes, job_name: str, media: str) -> int:
        """Queue one PDF document with no scaling on ``media`` (an IPP media keyword); returns
        the job id. ``job_name`` is kept in the print system's history: never personal data."""

    @abstractmethod
    def job(self, job_id: int) -> SheetJob:
        """The job's state now."""

    @abstractmethod
    def active_jobs(self, job_name: str) -> list[int]:
        """Ids of the unfinished jobs with this name (after a crash that lost the job id)."""

    @abstractmethod
    def cancel(self, job_id: int) -> bool:
        """Cancel the job; True once it is cancelled or was already finished."""

    def close(self) -> None:  # noqa: B027 - optional hook
        pass
