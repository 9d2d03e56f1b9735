"""The printer as the kiosk sees it: real-time status and raw jobs."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


@dataclass(frozen=True)
class PrinterStatus:
    online: bool
    paper_present: bool
    paper_near_end: bool
    cover_open: bool
    cutter_error: bool

    @property
    def ready(self) -> bool:
        return self.online and self.paper_present and not self.cover_open and not self.cutter_error


class Printer(ABC):
    width_dots: int = 576

    @abstractmethod
    def status(self) -> PrinterStatus:
        """Real-time status (DLE EOT) with a short timeout. No reply raises PrinterOffline."""

    @abstractmethod
    def send(self, job: bytes) -> None:
        """Send a complete ESC/POS job. Raises PrinterError subclasses; success means the bytes
        left the host, not that paper came out: callers confirm with status()."""

    def close(self) -> None:  # noqa: B027 - optional hook
        pass
