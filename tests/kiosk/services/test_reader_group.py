"""Waiting on several ID readers at once (kiosk/services/readers.py): the first card wins, the
other waits end before the winner is read, one reader down does not stop the others."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from drivers.errors import CardUnsupported, DeviceError, ReaderUnavailable
from drivers.idcard.base import CardInfo
from kiosk.services.readers import Member, ReaderFailed, ReaderGroup
from tests.kiosk.flow import builders as b


class Reader:
    """A reader a test drives: ``place()`` puts a card on it, ``errors`` are raised in turn."""

    def __init__(self, name: str, removal: bool = False) -> None:
        self.name = name
        self.card = threading.Event()
        self.errors: list[DeviceError] = []
        self.read_error: DeviceError | None = None
        self.inside = 0  # threads inside wait_for_card right now
        self.waits = 0
        self.lock = threading.Lock()
        if removal:
            self.wait_for_removal = lambda timeout: True

    def place(self) -> None:
        self.card.set()

    def wait_for_card(self, timeout: float) -> CardInfo | None:
        with self.lock:
            self.inside += 1
            self.waits += 1
        try:
            if self.errors:
                raise self.errors.pop(0)
            return CardInfo(self.name, b"", ("SAM",)) if self.card.wait(timeout) else None
        finally:
            with self.lock:
                self.inside -= 1

    def card_present(self) -> bool:
        return self.card.is_set()

    def read(self, key: Any, progress: Any = None) -> Any:
        if self.read_error is not None:
            raise self.read_error
        return b.identity()

    def close(self) -> None:
        pass


def group(*readers: Reader, **kw: float) -> tuple[ReaderGroup, list[tuple[tuple[str, ...], str]]]:
    documents = ("resident_card", "passport")
    g = ReaderGroup([Member(r, kind=r.name, document=documents[i]) for i, r in enumerate(readers)],  # type: ignore[arg-type]
                    poll_s=kw.get("poll_s", 0.02), retry_s=kw.get("retry_s", 0.05))
    heard: list[tuple[tuple[str, ...], str]] = []
    g.listeners.append(lambda docs, fault: heard.append((docs, fault)))
    return g, heard


def wait_in_thread(g: ReaderGroup, cancel: threading.Event) -> dict[str, Any]:
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["info"] = g.wait_first(cancel)
        except Exception as exc:
            out["error"] = exc

    t = threading.Thread(target=run)
    t.start()
    out["thread"] = t
    return out


def until(cond: Any, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.005)


def test_the_first_card_wins_and_the_other_waits_have_ended_when_it_is_read() -> None:
    id_reader, chip_reader = Reader("id"), Reader("chip")
    g, _ = group(id_reader, chip_reader)
    out = wait_in_thread(g, threading.Event())
    until(lambda: id_reader.waits and chip_reader.waits)  # both are polled at once
    chip_reader.place()
    out["thread"].join(5)
    assert out["info"].reader == "chip" and g.active is not None and g.active.reader is chip_reader
    assert id_reader.inside == 0 and chip_reader.inside == 0, "no reader is still looking for a card"
    assert g.read(None).name_national == "张伟"


def test_cancelling_the_wait_ends_every_reader_s_wait() -> None:
    id_reader, chip_reader = Reader("id"), Reader("chip")
    g, _ = group(id_reader, chip_reader)
    cancel = threading.Event()
    out = wait_in_thread(g, cancel)
    until(lambda: id_reader.waits and chip_reader.waits)
    cancel.set()
    out["thread"].join(5)
    assert not out["thread"].is_alive() and out["info"] is None and g.active is None
    assert id_reader.inside == chip_reader.inside == 0


def test_a_reader_that_faults_is_marked_down_while_the_other_serves() -> None:
    """The kiosk keeps serving with one reader: most applicants carry a resident ID card, and a
    broken passport reader must not turn them away."""
    id_reader, chip_reader = Reader("id"), Reader("chip")
    chip_reader.errors = [ReaderUnavailable("pcscd gone")] * 1000
    g, heard = group(id_reader, chip_reader, retry_s=60)
    out = wait_in_thread(g, threading.Event())
    until(lambda: heard)
    assert heard == [(("resident_card",), "reader_unavailable")] and g.documents == ("resident_card",)
    id_reader.place()
    out["thread"].join(5)
    assert out["info"].reader == "id"
    assert chip_reader.waits == 1, "a reader that is down is tried again only every retry_s"


def test_a_reader_that_comes_back_is_marked_up() -> None:
    id_reader, chip_reader = Reader("id"), Reader("chip")
    chip_reader.errors = [ReaderUnavailable("unplugged")]
    g, heard = group(id_reader, chip_reader, retry_s=0.05)
    cancel = threading.Event()
    out = wait_in_thread(g, cancel)
    until(lambda: len(heard) == 2)
    assert heard == [(("resident_card",), "reader_unavailable"), (("resident_card", "passport"), "")]
    cancel.set()
    out["thread"].join(5)


def test_every_reader_down_is_a_fault() -> None:
    id_reader, chip_reader = Reader("id"), Reader("chip")
    id_reader.errors = [ReaderUnavailable("gone")] * 1000
    chip_reader.errors = [ReaderUnavailable("gone")] * 1000
    g, _ = group(id_reader, chip_reader, retry_s=60)
    with pytest.raises(ReaderUnavailable):
        g.wait_first(threading.Event())
    assert g.documents == ()


def test_an_applicant_s_card_error_ends_the_wait_at_once() -> None:
    id_reader, chip_reader = Reader("id"), Reader("chip")
    chip_reader.errors = [CardUnsupported("not an ICAO chip")]
    g, heard = group(id_reader, chip_reader)
    with pytest.raises(CardUnsupported):
        g.wait_first(threading.Event())
    assert not heard and id_reader.inside == 0


def test_a_reader_breaking_during_the_read_sends_that_applicant_to_staff_not_the_kiosk_out_of_service() -> None:
    id_reader, chip_reader = Reader("id"), Reader("chip")
    g, heard = group(id_reader, chip_reader)
    id_reader.place()
    assert g.wait_first(threading.Event()) is not None
    id_reader.read_error = ReaderUnavailable("SAM stopped answering")
    with pytest.raises(ReaderFailed) as caught:
        g.read(None)
    assert caught.value.code == "reader_failed" and not caught.value.fault
    assert heard == [(("passport",), "reader_unavailable")]
    alone, _ = group(Reader("only"))
    alone.members[0].reader.place()  # type: ignore[attr-defined]
    alone.wait_first(threading.Event())
    alone.members[0].reader.read_error = ReaderUnavailable("gone")  # type: ignore[attr-defined]
    with pytest.raises(ReaderUnavailable):  # the only reader: the kiosk is out of service
        alone.read(None)


def test_removal_is_watched_only_where_the_reader_can_tell() -> None:
    id_reader, chip_reader = Reader("id", removal=True), Reader("chip")
    g, _ = group(id_reader, chip_reader)
    chip_reader.place()
    g.wait_first(threading.Event())
    assert not g.tracks_removal and g.wait_for_removal(0.1) is None
    chip_reader.card.clear()
    id_reader.place()
    g.wait_first(threading.Event())
    assert g.tracks_removal and g.wait_for_removal(0.1) is True
