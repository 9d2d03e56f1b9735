"""Request headers and time limits of API v1 that both sides must agree on."""

from __future__ import annotations

import re

KIOSK_ID_HEADER = "X-Kiosk-Id"
IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"

# The OpenAPI document states these; the compiled forms are ASCII-only (fullmatch, no \d or \w,
# which would let Unicode digits and letters through).
KIOSK_ID_PATTERN = r"^[A-Za-z0-9_.-]{1,64}$"
IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9_.:-]{8,128}$"
_KIOSK_ID = re.compile(KIOSK_ID_PATTERN[1:-1], re.ASCII)
_IDEMPOTENCY_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN[1:-1], re.ASCII)

# A kiosk replays a submission (same key, same body) for at most this long after it first sent
# it; later it must ask a person instead. The service keeps each key's stored answer for longer
# (its retention is refused unless it exceeds this), so a replay inside the window always gets
# the first answer and never a second decision. 30 days covers a kiosk switched off over the
# longest public holiday with a wide margin.
REPLAY_WINDOW_HOURS = 30 * 24


def valid_kiosk_id(value: str) -> bool:
    return bool(_KIOSK_ID.fullmatch(value))


def valid_idempotency_key(value: str) -> bool:
    return bool(_IDEMPOTENCY_KEY.fullmatch(value))
