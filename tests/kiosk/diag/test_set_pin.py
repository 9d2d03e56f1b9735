"""`main.py diag set-pin`: the config stays a config the kiosk starts on, with its mode and owner."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from kiosk import settings as settings_mod
from kiosk.diag import set_pin
from kiosk.diag.audit import AuditLog
from kiosk.diag.pin import PinGuard
from tests.conftest import ROOT, write_config


def set_pin_cli(*args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "diag", "set-pin", "--stdin", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, input=stdin)


def accepts(cfg: Path, pin: str, tmp_path: Path) -> bool:
    settings = settings_mod.load(cfg)
    guard = PinGuard(settings.diagnostics.pin_hash, tmp_path / "lock.json", AuditLog(tmp_path / "audit.log"))
    return guard.verify(pin) == "ok"


def test_a_commented_table_header_is_edited_not_duplicated(tmp_path: Path) -> None:
    cfg = write_config(tmp_path, replace={"[diagnostics]": "[diagnostics]  # technicians"})
    result = set_pin_cli("--config", str(cfg), stdin="864209\n")
    assert result.returncode == 0, result.stderr
    text = cfg.read_text(encoding="utf-8")
    assert text.count("[diagnostics]") == 1 and "[diagnostics]  # technicians" in text
    assert "# the virtual chip doubles as the technicians' test card" in text  # comments kept
    assert accepts(cfg, "864209", tmp_path)


def test_a_config_without_the_table_gets_one(tmp_path: Path) -> None:
    table = "[diagnostics]\ntest_card_can = \"123456\""
    cfg = write_config(tmp_path, replace={table: ""})
    assert "[diagnostics]" not in cfg.read_text(encoding="utf-8")
    assert set_pin_cli("--config", str(cfg), stdin="864209\n").returncode == 0
    assert accepts(cfg, "864209", tmp_path)


def test_replacing_a_pin_keeps_one_hash(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    assert set_pin_cli("--config", str(cfg), stdin="864209\n").returncode == 0
    assert set_pin_cli("--config", str(cfg), stdin="135799\n").returncode == 0
    assert cfg.read_text(encoding="utf-8").count("pin_hash =") == 1
    assert accepts(cfg, "135799", tmp_path) and not accepts(cfg, "864209", tmp_path)


def test_mode_and_owner_are_kept_and_no_temp_file_is_left(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    cfg.chmod(0o600)
    owner = (4321, 4322)
    if os.geteuid() == 0:
        os.chown(cfg, *owner)
    assert set_pin_cli("--config", str(cfg), stdin="864209\n").returncode == 0
    st = cfg.stat()
    assert st.st_mode & 0o777 == 0o600
    if os.geteuid() == 0:
        assert (st.st_uid, st.st_gid) == owner
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_symlinked_config_stays_a_link(tmp_path: Path) -> None:
    real = write_config(tmp_path)
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    assert set_pin_cli("--config", str(link), stdin="864209\n").returncode == 0
    assert link.is_symlink() and accepts(real, "864209", tmp_path)


@pytest.mark.parametrize("pin", ["١٢٣٤٥٦", "１２３４５６", "12345", "1234567890123", "12 3456", "abcdef", ""])
def test_pins_the_keypad_cannot_type_are_refused(tmp_path: Path, pin: str) -> None:
    cfg = write_config(tmp_path)
    before = cfg.read_bytes()
    result = set_pin_cli("--config", str(cfg), stdin=pin + "\n")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "PIN not set" in result.stderr
    assert cfg.read_bytes() == before


def test_no_config_given_leaves_the_shipped_one_alone() -> None:
    shipped = settings_mod.DEFAULT_CONFIG
    before = shipped.read_bytes()
    try:
        result = set_pin_cli(stdin="864209\n")
        assert result.returncode == 2 and "--config" in result.stderr
        assert shipped.read_bytes() == before
    finally:
        shipped.write_bytes(before)


def test_no_terminal_and_no_stdin_flag_is_one_line(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "diag", "set-pin", "--config", str(cfg)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 2 and "--stdin" in result.stderr and "Traceback" not in result.stderr


def test_a_config_that_would_not_load_is_not_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = write_config(tmp_path)
    before = cfg.read_bytes()

    def broken(path: Path) -> None:
        raise settings_mod.ConfigError(path, "diagnostics.pin_hash", "simulated rejection")

    monkeypatch.setattr(set_pin.settings_mod, "load", broken)
    with pytest.raises(set_pin.PinNotSet, match="would not load"):
        set_pin.write_hash(cfg, "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA")
    assert cfg.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_dotted_and_inline_diagnostics_tables() -> None:
    for text in ('diagnostics = { pin_hash = "old", max_failures = 3 }\n',
                 'diagnostics.pin_hash = "old"\n', '[diagnostics]\npin_hash = "old" # set on site\n'):
        edited = set_pin.with_pin_hash(text, "NEW")
        assert tomllib.loads(edited)["diagnostics"]["pin_hash"] == "NEW", edited
        assert "old" not in edited


def test_a_running_kiosk_is_said_to_need_a_restart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    import io

    from kiosk import cli
    from kiosk.instance_lock import InstanceLock

    cfg = write_config(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.StringIO("864209\n"))
    with InstanceLock(settings_mod.load(cfg).var_dir):
        assert cli.main(["--config", str(cfg), "diag", "set-pin", "--stdin"]) == 0
    out = capsys.readouterr().out
    assert f"running kiosk (pid {os.getpid()})" in out and "restarted" in out
    assert accepts(cfg, "864209", tmp_path)
