"""Options validation and the two factories."""

from __future__ import annotations

import dataclasses
import os

import pytest
from resident_testkit import TODAY

from drivers.idcard.base import IdReader
from drivers.residentid import factory
from drivers.residentid.errors import ResidentDecoderMissing
from drivers.residentid.factory import ResidentReaderOptions, SimulatedResidentReaderOptions


@pytest.mark.parametrize(("change", "field"), [
    ({"port": ""}, "port"), ({"baudrate": 12345}, "baudrate"), ({"read_timeout_s": 0}, "read_timeout_s"),
    ({"poll_interval_s": -1}, "poll_interval_s"), ({"decoder_output": "png"}, "decoder_output"),
    ({"expired_policy": "warn"}, "warn"),
])
def test_bad_options_name_the_field(change: dict, field: str) -> None:
    with pytest.raises(ValueError, match=field):
        factory.validate(dataclasses.replace(ResidentReaderOptions(), **change))


@pytest.mark.parametrize("change", [{"card": "passport"}, {"sam_scale": -1.0}, {"expired_policy": "x"}])
def test_bad_simulated_options(change: dict) -> None:
    with pytest.raises(ValueError):
        factory.validate(dataclasses.replace(SimulatedResidentReaderOptions(), **change))


def test_create_does_not_touch_the_port_but_checks_the_decoder(tmp_path) -> None:
    reader = factory.create(ResidentReaderOptions(port=str(tmp_path / "ttyUSB9")))
    assert isinstance(reader, IdReader) and reader.decoder.name == "none"
    assert not reader.link.is_open  # an unplugged reader is a device-check fault, not a start-up crash
    with pytest.raises(ResidentDecoderMissing):
        factory.create(ResidentReaderOptions(port=str(tmp_path / "ttyUSB9"),
                                             decoder_library=str(tmp_path / "libwlt2bmp.so")))


def test_create_simulated_reads_its_card_and_close_stops_the_simulator() -> None:
    reader = factory.create_simulated(SimulatedResidentReaderOptions(card="hmt_tw", insert_after_s=0.0),
                                      today=lambda: TODAY)
    path = reader.simulator.path
    try:
        assert reader.wait_for_card(2.0) is not None
        ident = reader.read()
        assert ident.region == "TW" and ident.photo.usable
        # the scripted applicant takes the card away after it has been read
        assert reader.wait_for_removal(5.0)
    finally:
        reader.close()
    assert not os.path.lexists(path)  # stop() removed the port
