"""Prometheus metrics for fleet monitoring: device health, transactions, step latencies.

Labels are device names, step names and reason codes only: never anything about an applicant.
The endpoint binds to loopback unless the config deliberately opens it.
"""

from __future__ import annotations

import threading

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from kiosk.flow.rating import NOT_GIVEN
from kiosk.metrics_http import MetricsServer
from licence_wire.rating import LEVELS

DEVICES = ("reader", "camera", "printer", "api", "storage")


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.device_up = Gauge("kiosk_device_up", "1 if the device's last check was not a fault", ["device"],
                               registry=self.registry)
        self.paper_near_end = Gauge("kiosk_printer_paper_near_end", "1 while the paper roll is nearly empty",
                                    registry=self.registry)
        self.transactions = Counter("kiosk_transactions", "Applicant transactions by event", ["event"],
                                    registry=self.registry)
        self.failures = Counter("kiosk_step_failures", "Failed steps by step and reason code",
                                ["step", "reason"], registry=self.registry)
        self.step_seconds = Histogram("kiosk_step_seconds", "Duration of device steps", ["step"],
                                      buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60), registry=self.registry)
        self.device_check = Gauge("kiosk_device_check",
                                  "1 for the device's current check status and reason code",
                                  ["device", "status", "reason"], registry=self.registry)
        self.device_checked = Gauge("kiosk_device_checked_timestamp_seconds",
                                    "When the device was last checked", ["device"],
                                    registry=self.registry)
        self._last_check: dict[str, tuple[str, str]] = {}
        self._check_lock = threading.Lock()  # probes and the diagnostics screen may overlap
        self.out_of_service = Gauge("kiosk_out_of_service", "1 while the kiosk is out of service",
                                    registry=self.registry)
        for device in DEVICES:
            self.device_up.labels(device).set(1)
        # the service rating (好差评): counts by level and by why none was given, and the outbox
        self.ratings = Counter("kiosk_ratings", "Service ratings given on the kiosk, by level", ["level"],
                               registry=self.registry)
        self.ratings_not_given = Counter("kiosk_ratings_not_given",
                                         "Cases with a real step that ended without a rating, by why", ["why"],
                                         registry=self.registry)
        self.rating_outbox_depth = Gauge("kiosk_rating_outbox_depth",
                                         "Ratings waiting to be sent to the registration authority",
                                         registry=self.registry)
        self.rating_outbox_rejected = Gauge("kiosk_rating_outbox_rejected",
                                            "Ratings the registration authority refused for good (kept for "
                                            "technicians)", registry=self.registry)
        for level in LEVELS:  # every series exists from the start, so a rate over 0 is 0, not absent
            self.ratings.labels(level)
        for why in NOT_GIVEN:
            self.ratings_not_given.labels(why)
        self._server: MetricsServer | None = None

    def record_step(self, step: str, outcome: str) -> None:
        """Count a journal step: the same record that makes the transaction recoverable."""
        if step == "started":
            self.transactions.labels("started").inc()
        elif step == "decided":
            self.transactions.labels({"approved": "issued", "manual_review": "referred"}.get(outcome, outcome)).inc()
        elif step == "closed":
            self.transactions.labels(f"closed_{outcome.split(':')[0]}").inc()

    def record_checks(self, results: list) -> None:
        for r in results:
            self.device_up.labels(r.device).set(0 if r.status == "fault" else 1)
            with self._check_lock:
                previous = self._last_check.get(r.device)
                if previous is not None and previous != (r.status, r.reason):
                    self.device_check.remove(r.device, *previous)  # one current series per device
                self._last_check[r.device] = (r.status, r.reason)
                self.device_check.labels(r.device, r.status, r.reason).set(1)
            self.device_checked.labels(r.device).set_to_current_time()
            if r.device == "printer":
                self.paper_near_end.set(1 if r.details.get("paper_near_end") else 0)

    def serve(self, host: str, port: int) -> int:
        """Start the text endpoint; returns the bound port (0 asks for an ephemeral one)."""
        self._server = MetricsServer(self.registry, host, port)
        return self._server.port

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
