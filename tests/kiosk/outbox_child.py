"""A kiosk process that queues one rating and is then killed, for the outbox's crash tests:
    python -m tests.kiosk.outbox_child DB CASE_ID [--url URL --public-key PEM]
Prints "queued KEY" once the rating is on disk. Without --url it then waits to be killed; with
--url it sends the rating, prints "answered" once the service's answer is in, before the outbox
has marked it sent, and waits there to be killed.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from drivers.registry.http_client import HttpRegistrationClient
from drivers.registry.models import Rating, RatingReceipt
from kiosk.rating_outbox import RatingOutbox


class AnswerThenHang(HttpRegistrationClient):
    def rate(self, rating: Rating, idempotency_key: str) -> RatingReceipt:
        super().rate(rating, idempotency_key)
        print("answered", flush=True)
        threading.Event().wait()  # killed here: the answer is in, the outbox does not know yet
        raise AssertionError("unreachable")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("case_id")
    ap.add_argument("--url")
    ap.add_argument("--public-key")
    args = ap.parse_args()
    outbox = RatingOutbox(Path(args.db))
    key = outbox.add(Rating("kiosk_transaction", args.case_id, "staff", "very_dissatisfied", ("staff_help",),
                            "2026-11-30T08:00:00Z"))
    print(f"queued {key}", flush=True)
    if args.url:
        outbox.flush(AnswerThenHang(args.url, "kiosk-outbox-01", Path(args.public_key)))
    threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
