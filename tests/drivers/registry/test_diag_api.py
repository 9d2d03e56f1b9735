"""kiosk/diag/api.py against the real service and a failing one (beside the client tests: it needs the service)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from kiosk.diag import api
from registry_service.embedded import EmbeddedService
from tests.drivers.registry.fault_server import FaultServer


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    p = argparse.ArgumentParser()
    api.add_arguments(p)
    code = api.run(p.parse_args([*argv, "--json"]))
    return code, json.loads(capsys.readouterr().out)


def test_healthy(service: EmbeddedService, key_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out = run(["--url", service.url, "--kiosk-id", "k1", "--public-key", str(key_path)], capsys)
    assert code == 0 and [c["check"] for c in out["checks"]] == ["reference_data", "heartbeat"]


def test_fault(faults: FaultServer, key_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    faults.script = ["garbage"]
    code, out = run(["--url", faults.url, "--kiosk-id", "k1", "--public-key", str(key_path)], capsys)
    assert code == 1 and out["checks"][0]["error"] == "service_protocol_error"


def test_cannot_run(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "bad.pem").write_text("not a key")
    code, out = run(["--url", "http://127.0.0.1:9", "--kiosk-id", "k1", "--public-key", str(tmp_path / "bad.pem")],
                    capsys)
    assert code == 2 and out["error"] == "cannot_run"
    with pytest.raises(SystemExit) as exit_:  # a missing file is an argument error, before anything runs
        run(["--url", "http://127.0.0.1:9", "--kiosk-id", "k1", "--public-key", str(tmp_path / "missing.pem")],
            capsys)
    assert exit_.value.code == 2


def test_from_kiosk_config_embedded(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from drivers.registry.factory import EmbeddedServiceOptions

    p = argparse.ArgumentParser()
    api.add_arguments(p)
    args = p.parse_args(["--json"])
    args.registry_options, args.var_dir = EmbeddedServiceOptions(), tmp_path
    assert api.run(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["url"].startswith("http://127.0.0.1:") and out["ok"]


def test_no_target_cannot_run(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out = run([], capsys)
    assert code == 2 and out["error"] == "cannot_run"
