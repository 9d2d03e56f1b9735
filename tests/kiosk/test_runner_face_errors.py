"""Face errors through the real runner: a chip portrait the kiosk cannot use, and face models that
fail to load at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest
from prometheus_client import generate_latest

from drivers.errors import DeviceError
from kiosk.face.errors import FaceError, ModelsUnavailable, NoFaceInPortrait, PortraitUnreadable
from kiosk.flow import events as e
from kiosk.flow.states import State
from tests.kiosk import runner_fakes as f


def test_face_errors_are_device_errors_with_their_codes() -> None:
    assert issubclass(FaceError, DeviceError)
    assert (PortraitUnreadable.code, PortraitUnreadable.fault) == ("portrait_unreadable", False)
    assert (NoFaceInPortrait.code, NoFaceInPortrait.fault) == ("portrait_no_face", False)
    assert (ModelsUnavailable.code, ModelsUnavailable.fault) == ("face_models_unavailable", True)


@pytest.mark.parametrize("error", [PortraitUnreadable("does not decode"), NoFaceInPortrait("no face")])
def test_an_unusable_chip_portrait_wipes_the_identity_and_calls_staff(tmp_path: Path, error: FaceError) -> None:
    devs = f.devices()
    devs.face.enrol_error = error
    r = f.runner(tmp_path, devs)
    r.start()
    try:
        f.pump_until(r, lambda: r.flow.view.ready, what="devices up")
        r.touch("start")
        r.touch("accept")
        f.pump_until(r, lambda: r.flow.state is State.CARD_ACCESS, what="card on the reader")
        r.touch("submit_key", "123456")
        f.pump_until(r, lambda: r.flow.state not in (State.CARD_ACCESS, State.CARD_READ), what="read done")
        assert r.flow.state is State.STAFF, "a portrait the kiosk cannot use is not retried"
        assert r.flow.view.error == error.code
        assert ("staff", error.code) in r.alerts and not any(kind == "technician" for kind, _ in r.alerts)
        (identity,) = devs.reader.identities
        assert set(identity.portrait) <= {0} and identity.name_national == "", "the chip data is wiped"
        assert not r.flow.session.holds_personal_data()
        assert r.flow.staff_return is None, "staff decides; the applicant cannot resume alone"
    finally:
        r.shutdown()


def test_face_models_failing_to_load_take_the_kiosk_out_of_service(tmp_path: Path) -> None:
    devs = f.devices()
    devs.face.warm_up_error = ModelsUnavailable("dlib model packages missing")
    r = f.runner(tmp_path, lambda: devs)  # built and started on a worker, as the kiosk does
    r.start()
    try:
        f.pump_until(r, lambda: r.flow.state is State.OUT_OF_SERVICE, what="out of service")
        assert r.flow.view.fault == "face_models_unavailable"
        assert ("technician", "face_models_unavailable") in r.alerts
        assert not r.flow.view.ready and r.flow.dispatch(e.Touch("start")) == []
        exposed = generate_latest(r.metrics.registry).decode()
        assert ('kiosk_device_check{device="face",reason="face_models_unavailable",status="fault"} 1.0'
                in exposed), "technicians see it over SSH too (main.py diag)"
        assert "kiosk_out_of_service 1.0" in exposed
    finally:
        r.shutdown()


def test_the_out_of_service_probe_retries_the_models_and_recovers(tmp_path: Path) -> None:
    devs = f.devices()
    devs.face.warm_up_error = ModelsUnavailable("dlib model packages missing")
    r = f.runner(tmp_path, lambda: devs, out_of_service_probe=0.05)
    r.start()
    try:
        f.pump_until(r, lambda: devs.face.warm_ups >= 2, what="a probe retried the models")
        assert r.flow.state is State.OUT_OF_SERVICE and r.flow.view.fault == "face_models_unavailable"
        devs.face.warm_up_error = None
        f.pump_until(r, lambda: r.flow.state is State.ATTRACT, what="back in service")
        assert r.flow.view.ready
        exposed = generate_latest(r.metrics.registry).decode()
        assert 'kiosk_device_check{device="face",reason="",status="ok"} 1.0' in exposed
    finally:
        r.shutdown()
