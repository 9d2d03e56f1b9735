"""docs/configuration.md is the loader's own view of the keys: regenerated, it must not change."""

from __future__ import annotations

from pathlib import Path

from kiosk import config_reference

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_reference_is_current() -> None:
    committed = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert committed == config_reference.reference(), (
        "docs/configuration.md is stale: python -m kiosk.config_reference > docs/configuration.md")


def test_field_notes_come_from_the_comments_beside_each_field() -> None:
    from kiosk.settings import DiagnosticsSection, KioskSection

    notes = config_reference.field_notes(DiagnosticsSection)
    assert notes["metrics_port"] == "0: no endpoint"
    assert notes["gesture_taps"].startswith("taps on the header")
    assert config_reference.field_notes(KioskSection)["id"] == "shown in logs and the technicians' tools"
