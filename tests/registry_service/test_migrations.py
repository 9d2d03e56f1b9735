from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from registry_service.db import make_engine, migrate
from registry_service.orm import Base


def test_migrations_match_the_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate(engine)
    migrate(engine)  # idempotent on restart
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_service_imports_no_kiosk_or_device_library() -> None:
    code = (
        "import sys, registry_service.app, registry_service.embedded, registry_service.cli, "
        "registry_service.verify_cli;"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('kivy', 'smartcard', 'escpos', 'cv2', 'kiosk', 'drivers')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
