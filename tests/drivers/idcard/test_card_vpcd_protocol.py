"""The vpcd wire protocol of the virtual chip, against a stand-in vpcd socket (no pcscd)."""

from __future__ import annotations

import socket

from drivers.idcard.factory import PcscReaderOptions
from drivers.idcard.sim import chip_variants, test_pki
from drivers.idcard.sim.vpcd_card import VpcdCard


def _frame(payload: bytes) -> bytes:
    return len(payload).to_bytes(2, "big") + payload


def _read_frame(conn: socket.socket) -> bytes:
    header = conn.recv(2, socket.MSG_WAITALL)
    return conn.recv(int.from_bytes(header, "big"), socket.MSG_WAITALL)


def test_control_messages_apdus_and_socket_options(pki: test_pki.TestPki) -> None:
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    card = VpcdCard(lambda: chip_variants.make_chip("pace", pki), port=port)
    try:
        card.insert()
        conn, _ = server.accept()
        conn.settimeout(5)
        assert card._sock is not None
        assert card._sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        conn.sendall(_frame(b"\x01"))  # power on: no answer expected
        conn.sendall(_frame(b"\x04"))  # get ATR
        assert _read_frame(conn) == card.chip.atr  # type: ignore[union-attr]
        # vpcd writes length and payload in separate segments: the card must cope
        apdu = bytes.fromhex("00A4000C023F00")
        conn.sendall(len(apdu).to_bytes(2, "big"))
        conn.sendall(apdu)
        assert _read_frame(conn) == b"\x90\x00"
        conn.sendall(_frame(bytes.fromhex("00B09C0000")))  # EF.CardAccess by SFI
        answer = _read_frame(conn)
        assert answer[-2:] in (b"\x90\x00", b"\x62\x82") and answer[0] == 0x31
        assert card.apdus == 2
        card.remove()
        assert conn.recv(1) == b""  # removal = the card side closes the connection
        conn.close()
    finally:
        card.remove()
        server.close()


def test_pulled_card_closes_without_answer(pki: test_pki.TestPki) -> None:
    server = socket.create_server(("127.0.0.1", 0))
    card = VpcdCard(lambda: chip_variants.make_chip("pace", pki, pull_after=1), port=server.getsockname()[1])
    try:
        card.insert()
        conn, _ = server.accept()
        conn.settimeout(5)
        conn.sendall(_frame(bytes.fromhex("00A4000C023F00")))
        assert conn.recv(2) == b""
        conn.close()
    finally:
        card.remove()
        server.close()


def test_pcsc_options_are_simple_frozen_types() -> None:
    import dataclasses
    import typing

    for name, tp in typing.get_type_hints(PcscReaderOptions).items():
        assert tp in (str, int, float, bool), name
    assert dataclasses.fields(PcscReaderOptions)[0].name == "reader"
