"""ISO/IEC 7816-4 command and response APDUs, short and extended length (cases 1-4)."""

from __future__ import annotations

from dataclasses import dataclass

from drivers.errors import CardReadError

# Status words the driver reacts to.
SW_OK = 0x9000
SW_END_OF_FILE = 0x6282  # fewer bytes than Le: end of file reached
SW_AUTH_FAILED = 0x6300
SW_WRONG_LENGTH = 0x6700
SW_SM_MISSING = 0x6987
SW_SM_INCORRECT = 0x6988
SW_SECURITY_NOT_SATISFIED = 0x6982
SW_AUTH_BLOCKED = 0x6983
SW_CONDITIONS_NOT_SATISFIED = 0x6985
SW_WRONG_DATA = 0x6A80
SW_FUNC_NOT_SUPPORTED = 0x6A81
SW_FILE_NOT_FOUND = 0x6A82
SW_WRONG_P1P2 = 0x6A86
SW_REF_NOT_FOUND = 0x6A88
SW_WRONG_PARAMS = 0x6B00  # offset outside the EF
SW_INS_NOT_SUPPORTED = 0x6D00
SW_CLA_NOT_SUPPORTED = 0x6E00
SW_UNKNOWN = 0x6F00


@dataclass(frozen=True)
class Command:
    """``ne`` is the expected response length: None = no Le field, 256 / 65536 = "all"."""

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    ne: int | None = None
    extended: bool = False  # force extended encoding even when short would do

    def needs_extended(self) -> bool:
        return self.extended or len(self.data) > 255 or (self.ne is not None and self.ne > 256)

    def encode(self) -> bytes:
        if len(self.data) > 65535 or (self.ne is not None and not 0 < self.ne <= 65536):
            raise ValueError("APDU length out of range")
        out = bytearray((self.cla, self.ins, self.p1, self.p2))
        if self.needs_extended():
            if self.data:
                out += b"\x00" + len(self.data).to_bytes(2, "big") + self.data
            if self.ne is not None:
                out += (b"" if self.data else b"\x00") + (self.ne & 0xFFFF).to_bytes(2, "big")
        else:
            if self.data:
                out.append(len(self.data))
                out += self.data
            if self.ne is not None:
                out.append(self.ne & 0xFF)
        return bytes(out)

    @classmethod
    def decode(cls, raw: bytes) -> Command:
        """Card-side parser; ValueError on a malformed APDU (the card answers 6700)."""
        n = len(raw)
        if n < 4:
            raise ValueError("APDU shorter than its header")
        cla, ins, p1, p2 = raw[:4]
        if n == 4:
            return cls(cla, ins, p1, p2)
        if n == 5:
            return cls(cla, ins, p1, p2, ne=raw[4] or 256)
        if raw[4] != 0:
            lc = raw[4]
            if n == 5 + lc:
                return cls(cla, ins, p1, p2, bytes(raw[5:]))
            if n == 6 + lc:
                return cls(cla, ins, p1, p2, bytes(raw[5:-1]), ne=raw[-1] or 256)
            raise ValueError("short APDU length mismatch")
        if n == 7:
            return cls(cla, ins, p1, p2, ne=int.from_bytes(raw[5:7], "big") or 65536,
                       extended=True)
        lc = int.from_bytes(raw[5:7], "big")
        if lc == 0:
            raise ValueError("extended Lc of zero")
        if n == 7 + lc:
            return cls(cla, ins, p1, p2, bytes(raw[7:]), extended=True)
        if n == 9 + lc:
            return cls(cla, ins, p1, p2, bytes(raw[7:-2]),
                       ne=int.from_bytes(raw[-2:], "big") or 65536, extended=True)
        raise ValueError("extended APDU length mismatch")


@dataclass(frozen=True)
class Response:
    data: bytes
    sw: int

    @property
    def ok(self) -> bool:
        return self.sw == SW_OK

    @property
    def sw1(self) -> int:
        return self.sw >> 8

    def encode(self) -> bytes:
        return self.data + self.sw.to_bytes(2, "big")

    @classmethod
    def decode(cls, raw: bytes) -> Response:
        if len(raw) < 2:
            raise CardReadError(f"response of {len(raw)} bytes has no status word")
        return cls(bytes(raw[:-2]), int.from_bytes(raw[-2:], "big"))

    def __repr__(self) -> str:  # response data may be personal: log only its size
        return f"Response(len={len(self.data)}, sw={self.sw:04X})"
