"""The service process is killed after committing a licence but before answering."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, func, select

from registry_service import embedded, samples
from registry_service.orm import LicenceRow
from tests.registry_service.svc_helpers import free_port, wait_until_serving

DIE_AFTER_COMMIT = textwrap.dedent(
    """
    import os, sys
    from contextlib import contextmanager
    from pathlib import Path
    import uvicorn
    from registry_service.app import ServiceSettings, create_app
    from registry_service.store import SubmissionStore

    original = SubmissionStore.unit
    @contextmanager
    def unit_then_die(self):
        with original(self) as c:
            yield c
        # the application and its licence are committed ...
        os._exit(137)  # ... and the process is killed before the response is written
    SubmissionStore.unit = unit_then_die
    app = create_app(ServiceSettings(sys.argv[1], Path(sys.argv[2])))
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[3]), log_level="warning")
    """
)


def test_kill_between_commit_and_response(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'reg.db'}"
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", DIE_AFTER_COMMIT, db, str(tmp_path / "keys"),
                             str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    body = samples.application()
    hdrs = {"Idempotency-Key": "crash-key-00001", "X-Kiosk-Id": "kiosk-crash"}
    try:
        wait_until_serving(proc, port)
        with pytest.raises(requests.ConnectionError):
            requests.post(f"http://127.0.0.1:{port}/v1/applications", json=body, headers=hdrs,
                          timeout=10)
        assert proc.wait(10) == 137
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    with embedded.start(db, tmp_path / "keys") as svc:
        replay = requests.post(svc.url + "/v1/applications", json=body, headers=hdrs, timeout=10)
        assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
        assert replay.json()["outcome"] == "approved"
    engine = create_engine(db)
    with engine.connect() as c:
        assert c.scalar(select(func.count()).select_from(LicenceRow)) == 1
    engine.dispose()
