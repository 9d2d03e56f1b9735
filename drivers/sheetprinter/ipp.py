"""IPP/1.1 message encoding and decoding (RFC 8010), the part a print client and a test printer use.

Hand-written because the maintained Python binding to libcups (pycups) is GPL-2.0-or-later, which
the kiosk cannot link, and the CUPS command-line tools print localised text meant for people
(``lpstat`` says "disabled since ..." in the system's language). The wire format is small and
frozen since 1999: a header, groups of tagged attributes, then the document.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

VERSION = (1, 1)

# operations (RFC 8011 section 5.4.15, CUPS extensions 0x4001...)
PRINT_JOB = 0x0002
VALIDATE_JOB = 0x0004
CREATE_JOB = 0x0005
SEND_DOCUMENT = 0x0006
CANCEL_JOB = 0x0008
GET_JOB_ATTRIBUTES = 0x0009
GET_JOBS = 0x000A
GET_PRINTER_ATTRIBUTES = 0x000B

# group delimiters
OPERATION = 0x01
JOB = 0x02
END = 0x03
PRINTER = 0x04
UNSUPPORTED = 0x05

# value tags
UNSUPPORTED_VALUE = 0x10
UNKNOWN = 0x12
NO_VALUE = 0x13
INTEGER = 0x21
BOOLEAN = 0x22
ENUM = 0x23
OCTET_STRING = 0x30
DATETIME = 0x31
RESOLUTION = 0x32
RANGE = 0x33
BEG_COLLECTION = 0x34
TEXT_LANG = 0x35
NAME_LANG = 0x36
END_COLLECTION = 0x37
TEXT = 0x41
NAME = 0x42
KEYWORD = 0x44
URI = 0x45
URI_SCHEME = 0x46
CHARSET = 0x47
LANGUAGE = 0x48
MIME = 0x49
MEMBER_NAME = 0x4A

# status codes
OK = 0x0000
OK_IGNORED = 0x0001
OK_CONFLICTING = 0x0002
CLIENT_ERROR_NOT_FOUND = 0x0406
CLIENT_ERROR_NOT_POSSIBLE = 0x0404

# printer-state, job-state (RFC 8011 5.4.11, 5.3.7)
PRINTER_IDLE, PRINTER_PROCESSING, PRINTER_STOPPED = 3, 4, 5
JOB_PENDING, JOB_HELD, JOB_PROCESSING, JOB_STOPPED = 3, 4, 5, 6
JOB_CANCELED, JOB_ABORTED, JOB_COMPLETED = 7, 8, 9
JOB_FINAL = frozenset({JOB_CANCELED, JOB_ABORTED, JOB_COMPLETED})

_INT_TAGS = frozenset({INTEGER, ENUM})
_STR_TAGS = frozenset({TEXT, NAME, KEYWORD, URI, URI_SCHEME, CHARSET, LANGUAGE, MIME, MEMBER_NAME})


class IppDecodeError(ValueError):
    """The bytes are not an IPP message (truncated, bad lengths, unknown structure)."""


@dataclass
class Attr:
    """One attribute: a name, the tag of its values and the values (one or more)."""

    name: str
    tag: int
    values: list[Any]


@dataclass
class Message:
    """A request (``code`` = operation id) or a response (``code`` = status code)."""

    code: int
    request_id: int = 1
    version: tuple[int, int] = VERSION
    groups: list[tuple[int, list[Attr]]] = field(default_factory=list)
    data: bytes = b""

    def group(self, tag: int) -> list[Attr]:
        """The first group with this delimiter tag, created empty if absent."""
        for t, attrs in self.groups:
            if t == tag:
                return attrs
        attrs: list[Attr] = []
        self.groups.append((tag, attrs))
        return attrs

    def add(self, tag: int, group: int, name: str, *values: Any) -> Message:
        self.group(group).append(Attr(name, tag, list(values)))
        return self

    def attrs(self, group: int) -> list[dict[str, Any]]:
        """Every group with this tag as {name: value or list of values}."""
        out = []
        for t, attrs in self.groups:
            if t == group:
                out.append({a.name: a.values[0] if len(a.values) == 1 else list(a.values) for a in attrs})
        return out

    def first(self, group: int) -> dict[str, Any]:
        found = self.attrs(group)
        return found[0] if found else {}

    def values(self, group: int, name: str) -> list[Any]:
        """Every value of one attribute in the first such group ([] if absent)."""
        for t, attrs in self.groups:
            if t == group:
                for a in attrs:
                    if a.name == name:
                        return list(a.values)
                return []
        return []

    @property
    def ok(self) -> bool:
        return self.code < 0x0100


def request(operation: int, uri: str, *, user: str = "kiosk", request_id: int = 1,
            uri_name: str = "printer-uri") -> Message:
    """A request with the operation attributes every IPP request starts with."""
    msg = Message(operation, request_id)
    msg.add(CHARSET, OPERATION, "attributes-charset", "utf-8")
    msg.add(LANGUAGE, OPERATION, "attributes-natural-language", "en")
    msg.add(URI, OPERATION, uri_name, uri)
    msg.add(NAME, OPERATION, "requesting-user-name", user)
    return msg


def _value(tag: int, value: Any) -> bytes:
    if tag in _INT_TAGS:
        return struct.pack(">i", int(value))
    if tag == BOOLEAN:
        return b"\x01" if value else b"\x00"
    if tag in _STR_TAGS or tag in (TEXT_LANG, NAME_LANG):
        return str(value).encode("utf-8")
    if tag == RANGE:
        return struct.pack(">ii", *value)
    if tag == RESOLUTION:
        return struct.pack(">iib", *value)
    if tag in (OCTET_STRING, DATETIME):
        return bytes(value)
    if tag in (UNSUPPORTED_VALUE, UNKNOWN, NO_VALUE, END_COLLECTION):
        return b""
    raise ValueError(f"cannot encode IPP value tag 0x{tag:02x}")


def _attr(out: bytearray, tag: int, name: str, values: list[Any]) -> None:
    for i, value in enumerate(values):
        key = name.encode("ascii") if i == 0 else b""
        if tag == BEG_COLLECTION:
            out += struct.pack(">BH", tag, len(key)) + key + b"\x00\x00"
            for member, (mtag, mvalue) in value.items():
                m = member.encode("ascii")
                out += struct.pack(">BHH", MEMBER_NAME, 0, len(m)) + m
                _attr(out, mtag, "", [mvalue])
            out += struct.pack(">BHH", END_COLLECTION, 0, 0)
            continue
        raw = _value(tag, value)
        out += struct.pack(">BH", tag, len(key)) + key + struct.pack(">H", len(raw)) + raw


def encode(msg: Message) -> bytes:
    """Header, attribute groups, end tag, document data. Collection values are given as
    {member: (tag, value)}."""
    out = bytearray(struct.pack(">BBHI", *msg.version, msg.code, msg.request_id))
    for tag, attrs in msg.groups:
        out.append(tag)
        for a in attrs:
            _attr(out, a.tag, a.name, a.values)
    out.append(END)
    return bytes(out) + msg.data


def _decode_value(tag: int, raw: bytes) -> Any:
    if tag in _INT_TAGS:
        if len(raw) != 4:
            raise IppDecodeError(f"integer of {len(raw)} bytes")
        return struct.unpack(">i", raw)[0]
    if tag == BOOLEAN:
        return raw != b"\x00"
    if tag in _STR_TAGS:
        return raw.decode("utf-8", "replace")
    if tag in (TEXT_LANG, NAME_LANG):  # language length + language + text length + text
        if len(raw) < 4:
            raise IppDecodeError("short text-with-language")
        n = struct.unpack(">H", raw[:2])[0]
        m = struct.unpack(">H", raw[2 + n : 4 + n])[0]
        return raw[4 + n : 4 + n + m].decode("utf-8", "replace")
    if tag == RANGE and len(raw) == 8:
        return struct.unpack(">ii", raw)
    if tag == RESOLUTION and len(raw) == 9:
        return struct.unpack(">iib", raw)
    return raw


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise IppDecodeError("message truncated")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def u8(self) -> int:
        return self.take(1)[0]

    def u16(self) -> int:
        return struct.unpack(">H", self.take(2))[0]

    def field(self) -> tuple[str, bytes]:
        name = self.take(self.u16()).decode("utf-8", "replace")
        return name, self.take(self.u16())


def _collection(r: _Reader) -> dict[str, Any]:
    """Members until the matching end-collection; nested collections recurse."""
    out: dict[str, Any] = {}
    member = ""
    while True:
        tag = r.u8()
        _, raw = r.field()
        if tag == END_COLLECTION:
            return out
        if tag == MEMBER_NAME:
            member = raw.decode("utf-8", "replace")
            continue
        value = _collection(r) if tag == BEG_COLLECTION else _decode_value(tag, raw)
        if member in out:
            prev = out[member]
            out[member] = [*prev, value] if isinstance(prev, list) else [prev, value]
        else:
            out[member] = value


def decode(data: bytes) -> Message:
    """Parse one IPP message; the bytes after the end tag are its document data."""
    r = _Reader(data)
    major, minor = r.u8(), r.u8()
    msg = Message(r.u16(), struct.unpack(">I", r.take(4))[0], (major, minor))
    attrs: list[Attr] | None = None
    current: Attr | None = None
    while True:
        tag = r.u8()
        if tag == END:
            break
        if tag < 0x10:  # a group delimiter
            attrs = []
            msg.groups.append((tag, attrs))
            current = None
            continue
        if attrs is None:
            raise IppDecodeError("attribute outside a group")
        name, raw = r.field()
        value = _collection(r) if tag == BEG_COLLECTION else _decode_value(tag, raw)
        if name:
            current = Attr(name, tag, [value])
            attrs.append(current)
        elif current is None:
            raise IppDecodeError("additional value without an attribute")
        else:
            current.values.append(value)
    msg.data = data[r.pos :]
    return msg
