"""Engine set-up and schema migration (alembic, run programmatically at start-up)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).with_name("migrations")


def make_engine(url: str) -> Engine:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            u, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=20,
            max_overflow=20,
        )
        _sqlite_immediate_transactions(engine)
        return engine
    if u.drivername == "postgresql":
        u = u.set(drivername="postgresql+psycopg")
    # no pool_pre_ping: it costs a round trip per checkout (two per submission); a dead
    # connection surfaces as OperationalError -> 503 service_busy, which the kiosk retries.
    return create_engine(u, pool_size=20, max_overflow=30, pool_recycle=600)


def _sqlite_immediate_transactions(engine: Engine) -> None:
    """pysqlite's deferred BEGIN lets two writers both read, then one fails with 'database is
    locked' on upgrade; BEGIN IMMEDIATE takes the write lock up front and waits (busy timeout)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def migrate(engine: Engine) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
