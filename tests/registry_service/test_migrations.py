from __future__ import annotations

import uuid
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from registry_service import samples
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


def test_upgrade_from_the_claim_design_keeps_answers_and_drops_claims(tmp_path: Path) -> None:
    """A database of the two-transaction design: its answered applications (and licences)
    survive, a 'processing' claim left by a crash is removed, and its key is decided afresh."""
    from alembic import command
    from alembic.config import Config
    from fastapi.testclient import TestClient

    from registry_service.app import create_app
    from registry_service.db import MIGRATIONS
    from tests.registry_service.svc_helpers import headers, settings_for

    engine = make_engine(f"sqlite:///{tmp_path / 'reg.db'}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    answered = str(uuid.uuid4())
    row = {"old_body": '{"old":1}', "kiosk_id": "k1", "request_hash": "h", "lock_token": "t", "p1": answered,
           "locked_at": "2026-11-01 08:00:00", "created_at": "2026-11-01 08:00:00"}
    with engine.begin() as c:
        c.execute(text(
            "INSERT INTO applications (id, public_id, kiosk_id, idempotency_key, request_hash, "
            "state, lock_token, locked_at, outcome, response_status, response_body, created_at) "
            "VALUES (1, :p1, :kiosk_id, 'answered-key', :request_hash, 'done', :lock_token, "
            ":locked_at, 'rejected', 201, :old_body, :created_at), "
            "(2, 'p2', :kiosk_id, 'crashed-key', :request_hash, 'processing', :lock_token, "
            ":locked_at, NULL, NULL, NULL, :created_at)"), row)
    engine.dispose()

    with TestClient(create_app(settings_for(tmp_path))) as api:  # migrates to head
        with api.app.state.engine.connect() as c:  # type: ignore[attr-defined]
            kept = c.execute(text("SELECT id, response_body FROM applications")).all()
        assert kept == [(1, '{"old":1}')]
        r = api.post("/v1/applications", json=samples.application(),
                     headers=headers("crashed-key", "k1"))
        assert r.status_code == 201 and "Idempotent-Replayed" not in r.headers
        assert r.json()["outcome"] == "approved"
        assert r.json()["licence"]["uscc"]
        old = api.get(f"/v1/applications/{answered}")
        assert old.status_code == 200 and old.text == '{"old":1}'


def test_downgrade_and_upgrade_again(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    from registry_service.db import MIGRATIONS

    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate(engine)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    with engine.connect() as c:
        columns = {r[1] for r in c.execute(text("PRAGMA table_info(applications)"))}
    assert {"state", "lock_token", "locked_at"} <= columns
    migrate(engine)
    with engine.connect() as c:
        assert compare_metadata(MigrationContext.configure(c), Base.metadata) == []
    engine.dispose()
