"""The registration authority as the kiosk sees it."""

from __future__ import annotations

from abc import ABC, abstractmethod

from drivers.errors import ServiceProtocolError
from drivers.registry.models import (
    Application,
    Decision,
    Download,
    NameCheck,
    NameQuery,
    Rating,
    RatingReceipt,
    ReferenceData,
)


class RegistrationClient(ABC):
    @abstractmethod
    def reference_data(self) -> ReferenceData:
        """Pick lists for the form. Raises ServiceUnreachable / ServiceProtocolError."""

    def download(self, path: str, etag: str = "") -> Download | None:
        """A reference document as the service sent it (kept compressed, for a cache), or None
        when `etag` still names the current version. Raises ServiceUnreachable /
        ServiceProtocolError."""
        raise ServiceProtocolError(f"{type(self).__name__} does not download {path}")

    @abstractmethod
    def submit(self, application: Application, idempotency_key: str) -> Decision:
        """Submit once per key: a retry with the same key never creates a second application.
        The returned decision's signature has been verified. Raises ServiceUnreachable,
        ServiceProtocolError."""

    @abstractmethod
    def check_name(self, query: NameQuery) -> NameCheck:
        """Preview and check a business name while the applicant writes it: one quick attempt,
        no retries (a check that does not answer at once is skipped; the submission decides).
        Raises NameQueryInvalid before sending parts the service would refuse, ServiceUnreachable,
        ServiceProtocolError."""

    @abstractmethod
    def decision(self, application_id: str) -> Decision:
        """Current decision of an earlier submission (used when resuming after a crash)."""

    def rate(self, rating: Rating, idempotency_key: str) -> RatingReceipt:
        """Send a service rating once per key: one attempt, no retries of its own (the kiosk's
        outbox retries later with the same key; the service answers a replay with its first
        answer). Raises ServiceUnreachable (incl. ServiceRateLimited), ServiceRequestRejected
        (the service refused it for good), ServiceProtocolError."""
        raise NotImplementedError(f"{type(self).__name__} does not send ratings")

    def heartbeat(self) -> None:  # noqa: B027 - optional hook
        pass

    def close(self) -> None:  # noqa: B027 - optional hook
        pass
