"""Helpers shared by the ID-card tests (imported by basename: pytest puts this dir on sys.path)."""

from __future__ import annotations

from drivers.idcard.transport import Transport

H = bytes.fromhex

VPCD_TEST_READER = "Virtual PCD 00 01"  # port 35964; 00 00 (35963) is left to the benchmark
VPCD_TEST_PORT = 35964


class ScriptedTransport(Transport):
    """Replays chip answers and checks the exact commands sent (no card logic at all)."""

    def __init__(self, script: list[tuple[str, str]]) -> None:
        self.script = [(H(c), H(r)) for c, r in script]
        self.sent: list[bytes] = []

    def transmit(self, apdu: bytes) -> bytes:
        assert len(self.sent) < len(self.script), f"unexpected extra command {apdu.hex()}"
        expected, answer = self.script[len(self.sent)]
        self.sent.append(apdu)
        assert apdu.hex().upper() == expected.hex().upper()
        return answer


class AnswerTransport(Transport):
    """Answers every command from a list, whatever was sent."""

    def __init__(self, answers: list[bytes]) -> None:
        self.answers = list(answers)
        self.sent: list[bytes] = []

    def transmit(self, apdu: bytes) -> bytes:
        self.sent.append(apdu)
        return self.answers.pop(0) if self.answers else b"\x6f\x00"
