"""Alembic environment: the service passes its own connection (see registry_service.db)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from registry_service.orm import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")

if connection is None:  # plain `alembic -x url=... upgrade head`
    url = context.get_x_argument(as_dictionary=True).get("url", "sqlite:///registry.db")
    with create_engine(url).begin() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
