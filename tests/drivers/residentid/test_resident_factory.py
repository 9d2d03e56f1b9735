"""Options validation and the two factories."""

from __future__ import annotations

import dataclasses
import os

import cv2
import numpy as np
import pytest
from resident_testkit import TODAY

from drivers.idcard.base import IdReader
from drivers.residentid import factory
from drivers.residentid.errors import ResidentDecoderMissing
from drivers.residentid.factory import ResidentReaderOptions, SimulatedResidentReaderOptions
from drivers.residentid.sim import cards


@pytest.mark.parametrize(("change", "field"), [
    ({"port": ""}, "port"), ({"port": "ttyUSB0"}, "port"), ({"baudrate": 12345}, "baudrate"),
    ({"read_timeout_s": 0}, "read_timeout_s"), ({"read_timeout_s": 61}, "read_timeout_s"),
    ({"poll_interval_s": -1}, "poll_interval_s"), ({"poll_interval_s": 0.001}, "poll_interval_s"),
    ({"decoder_output": "png"}, "decoder_output"), ({"decoder_library": "libwlt.so"}, "decoder_library"),
    ({"decoder_function": "un pack"}, "decoder_function"), ({"decoder_arg": 2**31}, "decoder_arg"),
    ({"expired_policy": "warn"}, "warn"), ({"baudrate": "115200"}, "baudrate"),
])
def test_bad_options_name_the_field(change: dict, field: str) -> None:
    with pytest.raises(ValueError, match=field):
        dataclasses.replace(ResidentReaderOptions(), **change)


@pytest.mark.parametrize("change", [{"card": "passport"}, {"sam_scale": -1.0}, {"sam_scale": 101.0},
                                    {"expired_policy": "x"}, {"insert_after_s": 3601.0}, {"reader_name": ""}])
def test_bad_simulated_options(change: dict) -> None:
    with pytest.raises(ValueError):
        dataclasses.replace(SimulatedResidentReaderOptions(), **change)


def test_the_options_list_every_simulated_card() -> None:
    assert tuple(cards.CARDS) == factory.SIM_CARDS


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


def _face(value: int) -> np.ndarray:
    image = np.full((240, 200, 3), value, np.uint8)
    cv2.circle(image, (100, 110), 60, (40, 90, 200), -1)
    return image


def test_the_card_photo_can_be_another_face(tmp_path) -> None:
    """The demo: the simulated card carries the simulated camera's applicant (handed over in
    memory), or an image file; either way encoded with the test codec like every simulated photo."""
    ok, jpeg = cv2.imencode(".jpg", _face(230))
    reader = factory.create_simulated(SimulatedResidentReaderOptions(insert_after_s=0.0, portrait="camera"),
                                      portrait_data=jpeg.tobytes(), today=lambda: TODAY)
    try:
        assert reader.wait_for_card(2.0) is not None
        image = cv2.imdecode(np.frombuffer(bytes(reader.read().portrait), np.uint8), cv2.IMREAD_COLOR)
        assert image.shape == (126, 102, 3) and image[63, 51, 2] > 150  # the red disc, not the placeholder
    finally:
        reader.close()
    path = tmp_path / "face.png"
    cv2.imwrite(str(path), _face(200))
    reader = factory.create_simulated(SimulatedResidentReaderOptions(insert_after_s=0.0, portrait=str(path)),
                                      today=lambda: TODAY)
    try:
        assert reader.wait_for_card(2.0) is not None
        image = cv2.imdecode(np.frombuffer(bytes(reader.read().portrait), np.uint8), cv2.IMREAD_COLOR)
        assert image[63, 51, 2] > 150
    finally:
        reader.close()


@pytest.mark.parametrize("portrait", ["camera", "/nonexistent/face.png"])
def test_a_portrait_that_cannot_be_had_fails_at_creation(portrait: str) -> None:
    with pytest.raises((ValueError, OSError)):
        factory.create_simulated(SimulatedResidentReaderOptions(portrait=portrait), today=lambda: TODAY)
