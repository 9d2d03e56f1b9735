"""A var dir an older version left readable is closed up; nothing outside it is touched."""

from __future__ import annotations

from pathlib import Path

from kiosk import owner_only


def make_readable_var(tmp_path: Path) -> tuple[Path, Path]:
    var = tmp_path / "var"
    (var / "prints").mkdir(parents=True)
    (var / "prints" / "licence.png").write_bytes(b"png")
    outside = tmp_path / "shared.txt"
    outside.write_text("not the kiosk's")
    (var / "link").symlink_to(outside)
    for path in (var, var / "prints"):
        path.chmod(0o755)
    for path in (var / "prints" / "licence.png", outside):
        path.chmod(0o644)
    return var, outside


def test_a_used_var_dir_is_closed_up_but_links_are_not_followed(tmp_path: Path) -> None:
    var, outside = make_readable_var(tmp_path)
    (var / "kiosk.lock").write_text("")
    owner_only.tighten(var, "kiosk.lock")
    assert {p.name: p.stat().st_mode & 0o777 for p in (var, var / "prints", var / "prints" / "licence.png")} == {
        "var": 0o700, "prints": 0o700, "licence.png": 0o600}
    assert outside.stat().st_mode & 0o777 == 0o644


def test_a_directory_no_kiosk_used_is_left_alone(tmp_path: Path) -> None:
    var, _ = make_readable_var(tmp_path)
    owner_only.tighten(var, "kiosk.lock")
    assert (var / "prints" / "licence.png").stat().st_mode & 0o777 == 0o644
