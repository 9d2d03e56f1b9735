"""Any construction of an options class (a technician's command line, a test, the config loader)
gets the same one-sentence explanation of what is wrong."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from drivers.camera.options import SimulatedCameraOptions
from drivers.option_fields import explain
from drivers.printer.options import EscposPrinterOptions
from drivers.registry.options import HttpClientOptions


@pytest.mark.parametrize(
    ("cls", "kwargs", "key", "problem"),
    [
        (EscposPrinterOptions, {"port": 70000}, "port", "expected an integer from 1 to 65535, got 70000"),
        (EscposPrinterOptions, {"port": "9100"}, "port", "expected an integer from 1 to 65535, got '9100'"),
        (EscposPrinterOptions, {"backend": "usb"}, "usb_vendor_id", "backend \"usb\" needs usb_vendor_id"),
        (SimulatedCameraOptions, {"fps": float("nan")}, "fps", "expected a number from 0 to 240, got nan"),
        (HttpClientOptions, {"base_url": "https://r.example.cn", "kiosk_id": "k", "authority_public_key": "a.pem",
                             "client_cert": "c.pem"}, "client_key", "mutual TLS needs both"),
        (SimulatedCameraOptions, {"scenario": "ghost"}, "scenario", "expected one of 'applicant'"),
    ],
)
def test_explain_names_the_key_and_the_expectation(cls: type, kwargs: dict, key: str, problem: str) -> None:
    with pytest.raises(ValidationError) as info:
        cls(**kwargs)
    got_key, got_problem = explain(cls, info.value)
    assert got_key == key and got_problem.startswith(problem), got_problem
