"""`main.py` as a user runs it: a broken config, and one whole applicant through the real UI."""

from __future__ import annotations

import os
import resource
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import ROOT, write_config

ARTIFACTS = ROOT / "test-artifacts" / "autopilot"


def run_main(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, KIVY_NO_ARGS="1")
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env=env)


@pytest.mark.parametrize(
    ("text", "needle"),
    [("[display]\nwidth = \"wide\"\n", "display.width"), ("[kiosk\n", "not valid TOML"),
     ("[reader]\nkind = \"telepathy\"\n", "reader.kind"), ("[timeouts]\ncard_wait = -5\n", "timeouts.card_wait"),
     ("[diagnostics]\nmetrics_port = 70000\n", "diagnostics.metrics_port"),
     ("[kiosk]\nlog_level = \"LOUD\"\n", "kiosk.log_level"), ("[kiosk]\nvar_dir = \"/proc/kiosk\"\n", "kiosk.var_dir")],
)
def test_bad_config_gives_one_paragraph_and_status_2(tmp_path: Path, text: str, needle: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    result = run_main("--config", str(bad), timeout=60)
    assert result.returncode == 2
    assert needle in result.stderr and str(bad) in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize("args", [("--config", "/dev/zero"), ("--config", "{tmp}"), ("--no-such-option",),
                                  ("diag", "no-such-device")])
def test_wrong_arguments_to_the_kiosk_are_one_line_and_status_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    def limit() -> None:  # a config read without bound fails here instead of exhausting the machine
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    result = subprocess.run([sys.executable, str(ROOT / "main.py"), *(a.format(tmp=tmp_path) for a in args)],
                            capture_output=True, text=True, timeout=60, cwd=ROOT, preexec_fn=limit,
                            env=dict(os.environ, KIVY_NO_ARGS="1"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1


def test_an_unusable_var_dir_gives_one_paragraph_and_status_2(tmp_path: Path) -> None:
    (tmp_path / "kiosk.lock").mkdir()  # the instance lock cannot be opened
    result = run_main("--headless", "--config", str(write_config(tmp_path)), timeout=60)
    assert result.returncode == 2 and "kiosk.var_dir" in result.stderr and "cannot be used" in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def test_diagnostics_leave_only_owner_only_files_under_var(tmp_path: Path) -> None:
    var = tmp_path / "var"
    var.mkdir()
    result = run_main("diag", "--json", "--config", str(write_config(var)), timeout=120)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    made = [p for p in var.rglob("*") if p.name != "kiosk.toml"]
    assert any(p.name == "journal.db" for p in made)
    loose = [f"{p} {stat.filemode(p.lstat().st_mode)}" for p in made if p.lstat().st_mode & 0o077]
    assert not loose


def test_missing_config_file(tmp_path: Path) -> None:
    result = run_main("--config", str(tmp_path / "absent.toml"), timeout=60)
    assert result.returncode == 2 and "does not exist" in result.stderr


# the demo config's readers: the applicant's 居民身份证, no passport
RESIDENT_CARD = 'insert_after_s = 2.0           # placed 2 s after the card screen starts looking for a card'
NO_PASSPORT = ("insert_after_s = -1            "
               "# no passport in the demo (`main.py diag card --kind chip --simulate pace`)")
JOURNEYS = {
    # the default: a resident ID card, read without an access number
    "resident_card": ({}, ("card_wait", "face_check"), "card_access"),
    # the same applicant with an e-passport instead: the access-number screen comes back
    "passport": ({RESIDENT_CARD: "insert_after_s = -1", NO_PASSPORT: "insert_after_s = 0.0"},
                 ("card_wait", "card_access", "face_check"), ""),
}


def printed_name(png: Path, var: Path) -> str:
    """The licence's name as its printed QR code carries it, signature checked with the embedded
    authority's key."""
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    from licence_wire.codec import decode_licence
    from registry_service.keys import PUBLIC_KEY_FILE
    from registry_service.verify_cli import decode_image

    key = load_pem_public_key((var / "registry" / "keys" / PUBLIC_KEY_FILE).read_bytes())
    [payload] = decode_image(png.read_bytes())
    return decode_licence(payload, key)["name"]  # type: ignore[arg-type]


@pytest.mark.parametrize("document", list(JOURNEYS))
def test_autopilot_issues_and_prints_a_licence_through_the_real_ui(tmp_path: Path, document: str) -> None:
    replace, passed, skipped = JOURNEYS[document]
    shots = ARTIFACTS / document
    shutil.rmtree(shots, ignore_errors=True)
    # The decision screen moves on after 0.3 s. The autopilot still photographs every screen the
    # applicant acts on in both languages: it holds the simulated world still meanwhile, and places
    # the card itself once the card screen is photographed.
    config = write_config(tmp_path, replace=replace, extra="\n[timeouts]\ndecision_auto_advance = 0.3\n")
    result = run_main("--autopilot", "--screenshots", str(shots), "--config", str(config))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    assert "autopilot: ok" in result.stdout
    names = {p.stem for p in shots.glob("*.png")}
    # screens that only wait for a device result (card_read, submit, printing) may be left before
    # they are shot (tests/kiosk/ui/test_gallery.py renders them all)
    for state in ("attract", "consent", *passed, "form", "review", "decision", "done"):
        for lang in ("zh_CN", "en"):
            assert any(n.endswith(f"{state}-{lang}") for n in names), f"no screenshot of {state} in {lang}"
    if skipped:
        assert not any(skipped in n for n in names), f"{document}: the journey showed {skipped}"
    assert "form-filled" in {n.split("-", 1)[1] for n in names}
    # they show the demo applicant's face and personal data: nobody else may read them
    assert stat.S_IMODE(shots.stat().st_mode) == 0o700
    for png in shots.glob("*.png"):
        assert stat.S_IMODE(png.stat().st_mode) == 0o600, png
        with Image.open(png) as img:
            assert img.size == (1080, 1920) and img.getextrema() != ((0, 0), (0, 0), (0, 0), (255, 255))
    prints = list((tmp_path / "prints").glob("*.png"))
    assert len(prints) == 1, "exactly one licence printed"
    assert printed_name(prints[0], tmp_path).endswith("老王拉面馆"), "the demo applicant's noodle shop"
    assert "110105" not in (tmp_path / "logs" / "kiosk.log").read_text(encoding="utf-8")
