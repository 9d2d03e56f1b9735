"""The reader's command set (CMD, PARA) and the shape of a valid reply to each.

Replies carry no echo of the command they answer, so a reply that arrives late (a busy SAM
answering a request the kiosk already gave up on) could be taken for the answer to the next
request. Each command therefore declares which success statuses it can get and how many data
bytes come with each; anything else that is not an error status is rejected as stale.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from drivers.residentid import frame

OK = 0x90
NO_CONTENT = 0x91
CARD_FOUND = 0x9F
FIND_FAILED = 0x80
SELECT_FAILED = 0x81

# statuses that are a normal answer to one specific command
_ANSWER_STATUSES = frozenset({OK, NO_CONTENT, CARD_FOUND, FIND_FAILED, SELECT_FAILED})


@dataclass(frozen=True, eq=False)  # compared by identity: each command is one constant
class Command:
    name: str
    cmd: int
    para: int
    replies: Mapping[int, tuple[int, int]]  # SW3 -> (min, max) data bytes that answer carries
    card: bool = False  # talks to the card through RF and the SAM: uses the longer deadline

    def encode(self, data: bytes = b"") -> bytes:
        return frame.request(self.cmd, self.para, data)

    def accepts(self, payload: bytes) -> bool:
        """Could ``payload`` (SW1 SW2 SW3 data) be this command's reply?"""
        if len(payload) < 3:
            return False
        sw3 = payload[2]
        if sw3 in self.replies:
            low, high = self.replies[sw3]
            return low <= len(payload) - 3 <= high
        # an error status can answer any command; another command's normal answer cannot
        return sw3 not in _ANSWER_STATUSES


# data of a read: 2-byte lengths, 256-byte text, 1024-byte photo (+ up to 1024 fingerprint bytes)
_READ = (4 + 256, 4 + 256 + 1024)
_READ_FP = (6 + 256, 6 + 256 + 1024 + 1024)

SAM_RESET = Command("sam_reset", 0x10, 0xFF, {OK: (0, 0)})
SAM_STATUS = Command("sam_status", 0x11, 0xFF, {OK: (0, 0)})
SAM_ID = Command("sam_id", 0x12, 0xFF, {OK: (16, 16)})
FIND = Command("find", 0x20, 0x01, {CARD_FOUND: (4, 4), FIND_FAILED: (0, 0)}, card=True)
SELECT = Command("select", 0x20, 0x02, {OK: (8, 8), SELECT_FAILED: (0, 0)}, card=True)
READ_TEXT_PHOTO = Command("read_text_photo", 0x30, 0x01, {OK: _READ}, card=True)
READ_NEW_ADDRESS = Command("read_new_address", 0x30, 0x03, {OK: (2, 256), NO_CONTENT: (0, 0)}, card=True)
READ_TEXT_PHOTO_FINGERPRINT = Command("read_text_photo_fingerprint", 0x30, 0x10, {OK: _READ_FP}, card=True)

ALL = (SAM_RESET, SAM_STATUS, SAM_ID, FIND, SELECT, READ_TEXT_PHOTO, READ_NEW_ADDRESS,
       READ_TEXT_PHOTO_FINGERPRINT)
BY_CODE = {(c.cmd, c.para): c for c in ALL}
