"""Secure messaging (ICAO 9303-11 9.8) with 3DES or AES session keys, both directions.

The reader uses `protect` / `unprotect`; the virtual chip uses `unprotect_command` /
`protect_response`. One class for both so the two sides cannot drift in how they pad,
count or MAC - the reader side is pinned by the ICAO Appendix D vectors in the tests.
"""

from __future__ import annotations

from drivers.errors import CardReadError
from drivers.idcard import crypto, tlv
from drivers.idcard.apdu import Command, Response


class SmError(ValueError):
    """Card side: a protected command failed SM checks (the chip answers 6988)."""


class SecureMessaging:
    def __init__(self, cipher: str, ks_enc: bytes, ks_mac: bytes, ssc: bytes) -> None:
        if cipher not in ("3DES", "AES"):
            raise ValueError(cipher)
        self.cipher = cipher
        self.block = 8 if cipher == "3DES" else 16
        if len(ssc) != self.block:
            raise ValueError("SSC length must equal the block size")
        self.ks_enc, self.ks_mac = ks_enc, ks_mac
        self._ssc = int.from_bytes(ssc, "big")

    @property
    def ssc(self) -> bytes:
        return self._ssc.to_bytes(self.block, "big")

    def _increment(self) -> None:
        self._ssc = (self._ssc + 1) % (1 << (8 * self.block))

    def _iv(self) -> bytes:
        return bytes(8) if self.cipher == "3DES" else crypto.aes_ecb_block(self.ks_enc, self.ssc)

    def _encrypt(self, data: bytes) -> bytes:
        padded = crypto.pad(data, self.block)
        if self.cipher == "3DES":
            return crypto.des3_encrypt(self.ks_enc, padded)
        return crypto.aes_encrypt(self.ks_enc, padded, self._iv())

    def _decrypt(self, data: bytes) -> bytes:
        if not data or len(data) % self.block:
            raise ValueError("cryptogram length is not a multiple of the block size")
        if self.cipher == "3DES":
            plain = crypto.des3_decrypt(self.ks_enc, data)
        else:
            plain = crypto.aes_decrypt(self.ks_enc, data, self._iv())
        return crypto.unpad(plain)

    def mac(self, data: bytes) -> bytes:
        """MAC over SSC || data, padded (the caller has already padded the header)."""
        n = crypto.pad(self.ssc + data, self.block)
        if self.cipher == "3DES":
            return crypto.retail_mac(self.ks_mac, n)
        return crypto.aes_cmac(self.ks_mac, n)[:8]

    # --- reader side ------------------------------------------------------------------------
    def protect(self, cmd: Command) -> Command:
        self._increment()
        cla = cmd.cla | 0x0C
        header = crypto.pad(bytes((cla, cmd.ins, cmd.p1, cmd.p2)), self.block)
        do_data = b""
        if cmd.data:
            cryptogram = self._encrypt(cmd.data)
            do_data = (tlv.encode(0x85, cryptogram) if cmd.ins & 1
                       else tlv.encode(0x87, b"\x01" + cryptogram))
        do97 = b""
        if cmd.ne is not None:
            le = (cmd.ne & 0xFF).to_bytes(1, "big") if cmd.ne <= 256 else \
                (cmd.ne & 0xFFFF).to_bytes(2, "big")
            do97 = tlv.encode(0x97, le)
        body = do_data + do97 + tlv.encode(0x8E, self.mac(header + do_data + do97))
        ext = len(body) > 255 or (cmd.ne is not None and cmd.ne > 256)
        return Command(cla, cmd.ins, cmd.p1, cmd.p2, body, ne=65536 if ext else 256, extended=ext)

    def unprotect(self, resp: Response) -> Response:
        """Verify and decrypt; a response without SM objects is returned as is (the caller
        treats it as the end of the SM session), unless it claims success."""
        self._increment()
        if not resp.data:
            if resp.sw == 0x9000 or resp.sw1 == 0x61:
                raise CardReadError("unprotected success status under secure messaging")
            return resp
        do_data = do99 = mac = None
        offset = 0
        raw = resp.data
        while offset < len(raw):
            start = offset
            tag, value, offset = tlv.parse_one(raw, offset)
            if tag in (0x85, 0x87) and do_data is None and do99 is None and mac is None:
                do_data = (tag, value, raw[start:offset])
            elif tag == 0x99 and do99 is None and mac is None:
                do99 = (value, raw[start:offset])
            elif tag == 0x8E and mac is None:
                mac = value
            else:
                raise CardReadError(f"unexpected or repeated SM data object {tag:X}")
        if mac is None or do99 is None:
            raise CardReadError("SM response lacks its MAC or status object")
        if len(do99[0]) != 2:
            raise CardReadError("SM status object is not 2 bytes")
        covered = (do_data[2] if do_data else b"") + do99[1]
        if not crypto.consteq(self.mac(covered), mac):
            raise CardReadError("SM response MAC mismatch")
        data = b""
        if do_data is not None:
            tag, value, _ = do_data
            if tag == 0x87:
                if not value or value[0] != 0x01:
                    raise CardReadError("SM cryptogram lacks the padding indicator")
                value = value[1:]
            try:
                data = self._decrypt(value)
            except ValueError as exc:
                raise CardReadError(f"SM cryptogram invalid: {exc}") from exc
        return Response(data, int.from_bytes(do99[0], "big"))

    # --- card side --------------------------------------------------------------------------
    def unprotect_command(self, cmd: Command) -> Command:
        self._increment()
        if cmd.cla & 0x0C != 0x0C:
            raise SmError("plain command inside an SM session")
        header = crypto.pad(bytes((cmd.cla, cmd.ins, cmd.p1, cmd.p2)), self.block)
        try:
            objs: list[tuple[int, bytes, bytes]] = []
            offset = 0
            while offset < len(cmd.data):
                start = offset
                tag, value, offset = tlv.parse_one(cmd.data, offset)
                objs.append((tag, value, cmd.data[start:offset]))
        except CardReadError as exc:
            raise SmError(str(exc)) from exc
        tags = [t for t, _, _ in objs]
        if not tags or tags[-1] != 0x8E or tags.count(0x8E) != 1:
            raise SmError("MAC object missing")
        covered = b"".join(r for t, _, r in objs if t != 0x8E)
        if not crypto.consteq(self.mac(header + covered), objs[-1][1]):
            raise SmError("MAC mismatch")
        data, ne = b"", None
        for tag, value, _ in objs[:-1]:
            if tag == 0x87:
                if not value or value[0] != 1:
                    raise SmError("padding indicator")
                data = self._decrypt(value[1:])
            elif tag == 0x85:
                data = self._decrypt(value)
            elif tag == 0x97:
                if len(value) == 1:
                    ne = value[0] or 256
                elif len(value) == 2:
                    ne = int.from_bytes(value, "big") or 65536
                else:
                    raise SmError("bad Le object")
            else:
                raise SmError(f"unexpected SM object {tag:X}")
        return Command(cmd.cla & ~0x0C & 0xFF, cmd.ins, cmd.p1, cmd.p2, data, ne,
                       extended=ne is not None and ne > 256)

    def protect_response(self, data: bytes, sw: int, odd_ins: bool = False) -> bytes:
        self._increment()
        do_data = b""
        if data:
            cryptogram = self._encrypt(data)
            do_data = (tlv.encode(0x85, cryptogram) if odd_ins
                       else tlv.encode(0x87, b"\x01" + cryptogram))
        do99 = tlv.encode(0x99, sw.to_bytes(2, "big"))
        body = do_data + do99
        return body + tlv.encode(0x8E, self.mac(body)) + sw.to_bytes(2, "big")
