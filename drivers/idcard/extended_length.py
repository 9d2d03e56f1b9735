"""Whether to read a chip with extended-length APDUs, and how that is found out.

In order: the reader-side switch (readers that mangle extended APDUs, T=0), what this chip
answered earlier while it stayed in the field, the ATR's card capabilities, EF.ATR/INFO, and
finally a probe: the first READ BINARY goes out extended and `FileReader` falls back to short
blocks on whatever error the chip gives. The outcome is remembered on the transport, which
lives as long as the card stays on the reader, so later reads of the same card neither read
EF.ATR/INFO again nor repeat a failed probe.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from drivers.idcard import atr, lds
from drivers.idcard.apdu import Command
from drivers.idcard.channel import ApduChannel
from drivers.idcard.file_reader import EXTENDED_BLOCK, FileReader
from drivers.idcard.transport import ExtendedLengthMemo, Transport

log = logging.getLogger(__name__)

#: bytes secure messaging adds around a READ BINARY answer: DO87 header and padding indicator
#: (up to 5 + one block of padding), DO99 (4), DO8E (10), status word (2)
_SM_OVERHEAD = 5 + 16 + 4 + 10 + 2


@dataclass(frozen=True)
class Plan:
    extended: bool
    source: str  # "reader" (switched off), "remembered", "atr", "ef_atr_info", "probe"
    max_block: int = EXTENDED_BLOCK

    @property
    def probing(self) -> bool:
        return self.source == "probe"


def plan(channel: ApduChannel, transport: Transport, use_extended: bool) -> Plan:
    """Decide before access control (EF.ATR/INFO is read in the master file, in plain)."""
    if not (use_extended and transport.supports_extended):
        return Plan(False, "reader")
    remembered = transport.chip_extended
    if remembered is not None:
        return Plan(remembered.extended, "remembered", remembered.max_block)
    said = atr.extended_length_capability(transport.atr)
    if said is not None:
        return Plan(said, "atr")
    info = read_atr_info(channel)
    if info is not None and info.extended is not None:
        block = EXTENDED_BLOCK
        if info.max_response:
            block = min(block, max(info.max_response - _SM_OVERHEAD, 0))
        if block > 256:
            return Plan(info.extended, "ef_atr_info", block)
        return Plan(False, "ef_atr_info")
    return Plan(True, "probe")


def read_atr_info(channel: ApduChannel) -> atr.AtrInfo | None:
    """EF.ATR/INFO by short file identifier (the master file is selected); None when absent."""
    cmd = Command(0x00, 0xB0, 0x80 | lds.ATR_INFO.sfi, 0x00, ne=256)
    resp = channel.send(cmd)
    if resp.sw1 == 0x6C and resp.sw & 0xFF:
        resp = channel.send(Command(0x00, 0xB0, 0x80 | lds.ATR_INFO.sfi, 0x00, ne=resp.sw & 0xFF))
    if resp.sw not in (0x9000, 0x6282) or not resp.data:
        return None
    info = atr.parse_atr_info(resp.data)
    log.debug("EF.ATR/INFO: extended length %s", info.extended)
    return info


def remember(transport: Transport, used: Plan, reader: FileReader) -> None:
    """Keep what this read settled for the next read of the same card."""
    if used.source == "reader" or reader.probing:
        return
    transport.chip_extended = ExtendedLengthMemo(reader.extended,
                                                 reader.block if reader.extended else EXTENDED_BLOCK)
