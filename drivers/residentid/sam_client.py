"""The reader's commands as Python calls: SAM status/reset/ID, find, select, read.

Each call is one exchange on the link with the deadline of its kind (SAM-only commands answer
quickly; commands that talk to the card wait for the RF exchange and the SAM's cryptography).
Success comes back as data; every other status becomes the typed error ``status.error_for``
gives, except the two "nothing there" answers the caller expects: no card (80) for find and no
appended address (91) for the new-address read.
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.residentid import commands, status
from drivers.residentid.commands import Command
from drivers.residentid.errors import ResidentDataInvalid
from drivers.residentid.link import SerialLink

TEXT_LEN = 256
PHOTO_LEN = 1024


@dataclass(frozen=True)
class Timeouts:
    sam_s: float = 0.5  # SAM-only commands
    card_s: float = 1.0  # find / select / new address
    read_s: float = 3.0  # text + photo (+ fingerprints): RF transfer, SAM crypto, ~1.3-2.3 KB on the line


@dataclass(frozen=True)
class Reply:
    status: bytes  # SW1 SW2 SW3
    data: bytes

    @property
    def sw3(self) -> int:
        return self.status[2]


@dataclass(eq=False)
class CardRecord:
    """The raw machine-readable record: 256-byte text block, 1024-byte WLT photo, fingerprints.

    Personal data: bytearrays so that ``wipe()`` can zero them.
    """

    text: bytearray
    photo: bytearray
    fingerprints: bytearray

    def __repr__(self) -> str:
        return f"CardRecord(<redacted>, text={len(self.text)}, photo={len(self.photo)}, fp={len(self.fingerprints)})"

    def wipe(self) -> None:
        for buf in (self.text, self.photo, self.fingerprints):
            buf[:] = bytes(len(buf))


class SamClient:
    def __init__(self, link: SerialLink, timeouts: Timeouts | None = None) -> None:
        self.link = link
        self.timeouts = timeouts or Timeouts()

    def call(self, command: Command, timeout_s: float | None = None) -> Reply:
        if timeout_s is None:
            timeout_s = self.timeouts.card_s if command.card else self.timeouts.sam_s
        f = self.link.exchange(command.encode(), command.accepts, timeout_s, command.name)
        return Reply(f.payload[:3], f.payload[3:])

    def _ok(self, command: Command, timeout_s: float | None = None) -> Reply:
        reply = self.call(command, timeout_s)
        if reply.sw3 not in command.replies or reply.sw3 in (commands.FIND_FAILED, commands.SELECT_FAILED):
            raise status.error_for(reply.status, command.name)
        return reply

    # --- SAM ------------------------------------------------------------------------------
    def sam_status(self) -> None:
        self._ok(commands.SAM_STATUS)

    def sam_reset(self) -> None:
        self._ok(commands.SAM_RESET)

    def sam_id(self) -> str:
        """The SAM's number, formatted the way reader tools print it (not personal data)."""
        d = self._ok(commands.SAM_ID).data
        major, minor = int.from_bytes(d[0:2], "little"), int.from_bytes(d[2:4], "little")
        date, high, low = (int.from_bytes(d[i:i + 4], "little") for i in (4, 8, 12))
        return f"{major:02d}.{minor:02d}-{date:08d}-{high:010d}-{low:010d}"

    # --- card -----------------------------------------------------------------------------
    def find(self) -> bytes | None:
        """The 4 bytes the SAM returns for a found card, or None when there is no (new) card."""
        reply = self.call(commands.FIND)
        if reply.sw3 == commands.CARD_FOUND:
            return reply.data
        if reply.sw3 == commands.FIND_FAILED:
            return None
        raise status.error_for(reply.status, commands.FIND.name)

    def select(self) -> bytes:
        return self._ok(commands.SELECT).data

    def read_text_photo(self) -> CardRecord:
        reply = self._ok(commands.READ_TEXT_PHOTO, self.timeouts.read_s)
        return split_record(reply.data, fingerprints=False)

    def read_text_photo_fingerprint(self) -> CardRecord:
        reply = self._ok(commands.READ_TEXT_PHOTO_FINGERPRINT, self.timeouts.read_s)
        return split_record(reply.data, fingerprints=True)

    def read_new_address(self) -> bytes | None:
        """The appended (newer) address as UCS-2 bytes, or None when the card has none."""
        reply = self._ok(commands.READ_NEW_ADDRESS)
        return None if reply.sw3 == commands.NO_CONTENT else reply.data


def split_record(data: bytes, fingerprints: bool) -> CardRecord:
    """Split a read reply's data: big-endian lengths of text, photo (and fingerprints), then
    the blocks in that order."""
    n = 3 if fingerprints else 2
    if len(data) < 2 * n:
        raise ResidentDataInvalid(f"read reply of {len(data)} bytes has no length fields")
    lengths = [int.from_bytes(data[2 * i:2 * i + 2], "big") for i in range(n)]
    if 2 * n + sum(lengths) != len(data):
        raise ResidentDataInvalid(f"read reply lengths {lengths} do not add up to {len(data) - 2 * n}")
    if lengths[0] != TEXT_LEN or lengths[1] not in (0, PHOTO_LEN):
        raise ResidentDataInvalid(f"text/photo of {lengths[0]}/{lengths[1]} bytes, expected 256/1024")
    text_end = 2 * n + lengths[0]
    photo_end = text_end + lengths[1]
    return CardRecord(bytearray(data[2 * n:text_end]), bytearray(data[text_end:photo_end]),
                      bytearray(data[photo_end:]))
