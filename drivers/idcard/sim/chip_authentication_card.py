"""Card side of Chip Authentication for the virtual chip (ICAO 9303-11 6.2).

The chip holds a static key agreement key whose public half is in DG14. MSE:Set KAT (3DES)
or MSE:Set AT + GENERAL AUTHENTICATE (AES) bring the terminal's ephemeral key; the chip
answers under the current session keys and switches to keys derived from the shared secret.
A cloned chip is this class with another private key: it switches to keys the terminal
cannot have, as a copy of a real document would. Key agreement is the reader's own code
(`chip_authentication`), so the two sides cannot drift.
"""

from __future__ import annotations

from typing import Any

from drivers.idcard import card_access, tlv
from drivers.idcard.apdu import Command
from drivers.idcard.chip_authentication import DhGroup, EcdhGroup, session_keys
from drivers.idcard.dg14 import ChipAuthInfo
from drivers.idcard.sm import SecureMessaging

Answer = tuple[bytes, int]


class ChipCa:
    def __init__(self, group: EcdhGroup | DhGroup, private: Any, info: ChipAuthInfo) -> None:
        self.group, self.private, self.info = group, private, info
        self.selected = False

    def _agree(self, public: bytes) -> SecureMessaging | None:
        try:
            return session_keys(self.info, self.group.shared(self.private, public))
        except (ValueError, TypeError):
            return None

    def _key_ok(self, fields: dict[int, bytes]) -> bool:
        ref = fields.get(0x84)
        return ref is None or self.info.key_id is None or int.from_bytes(ref, "big") == self.info.key_id

    def set_kat(self, cmd: Command) -> tuple[Answer, SecureMessaging | None]:
        if self.info.cipher != "3DES":
            return (b"", 0x6A80), None
        try:
            fields = tlv.parse_dict(cmd.data)
        except Exception:
            return (b"", 0x6A80), None
        if 0x91 not in fields or not self._key_ok(fields):
            return (b"", 0x6A80), None
        sm = self._agree(fields[0x91])
        return ((b"", 0x9000), sm) if sm is not None else ((b"", 0x6A80), None)

    def set_at(self, cmd: Command) -> Answer:
        try:
            fields = tlv.parse_dict(cmd.data)
        except Exception:
            return b"", 0x6A80
        if fields.get(0x80) != card_access.oid_to_bytes(self.info.oid) or not self._key_ok(fields):
            return b"", 0x6A80
        self.selected = True
        return b"", 0x9000

    def general_authenticate(self, cmd: Command) -> tuple[Answer, SecureMessaging | None]:
        if not self.selected:
            return (b"", 0x6985), None
        self.selected = False
        try:
            public = tlv.parse_dict(tlv.unwrap(cmd.data, 0x7C)).get(0x80)
        except Exception:
            return (b"", 0x6A80), None
        sm = self._agree(public) if public else None
        return ((tlv.encode(0x7C, b""), 0x9000), sm) if sm is not None else ((b"", 0x6A80), None)
