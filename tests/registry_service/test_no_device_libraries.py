"""The registration service and its tools run where no kiosk hardware library is installed.

Checked twice: statically, every import statement anywhere in registry_service/ (inside functions
too, and importlib/__import__ with a literal name), so a lazy import on a rare path cannot hide;
and at run time, after importing every module and reading a QR code from an image.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import qrcode

from tests.conftest import ROOT

SERVICE = ROOT / "registry_service"
# device and UI libraries of the kiosk (import names), and the kiosk's own packages
FORBIDDEN = frozenset({
    "cv2", "kivy", "smartcard", "escpos", "usb", "serial", "mediapipe", "dlib", "face_recognition",
    "face_recognition_models", "kiosk", "drivers",
})


def imported_names(source: str) -> Iterator[tuple[str, int]]:
    """(module, line) for every absolute import in ``source``, wherever it stands."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module, node.lineno
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and ((isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                   or (isinstance(node.func, ast.Name) and node.func.id in ("__import__", "import_module")))):
            yield node.args[0].value, node.lineno


def forbidden_imports(source: str) -> list[tuple[str, int]]:
    return sorted(((name, line) for name, line in imported_names(source) if name.split(".")[0] in FORBIDDEN),
                  key=lambda hit: hit[1])


def test_the_scan_sees_lazy_and_dynamic_imports() -> None:
    source = textwrap.dedent("""
        import json
        from registry_service import codec
        from . import keys
        def decode():
            try:
                import cv2
            except ImportError:
                from kiosk.settings import load
            importlib.import_module("kivy.app")
            __import__("smartcard")
    """)
    assert forbidden_imports(source) == [("cv2", 7), ("kiosk.settings", 9), ("kivy.app", 10), ("smartcard", 11)]


def test_no_module_of_the_service_imports_a_device_library_anywhere() -> None:
    modules = sorted(SERVICE.rglob("*.py"))
    assert len(modules) > 10 and SERVICE / "verify_cli.py" in modules
    offenders = [f"{path.relative_to(ROOT)}:{line} imports {name}"
                 for path in modules for name, line in forbidden_imports(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_no_device_library_is_loaded_at_run_time(tmp_path: Path) -> None:
    image = tmp_path / "qr.png"
    qrcode.make("LK1:NOT-A-LICENCE").save(image)
    code = textwrap.dedent(f"""
        import importlib, pkgutil, sys
        import registry_service
        for info in pkgutil.walk_packages(registry_service.__path__, "registry_service."):
            if not info.name.endswith("__main__"):
                importlib.import_module(info.name)
        from registry_service import verify_cli
        assert verify_cli.decode_image(open({str(image)!r}, "rb").read()) == ["LK1:NOT-A-LICENCE"]
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in {sorted(FORBIDDEN)!r})
        print(loaded)
        sys.exit(1 if loaded else 0)
    """)
    env = dict(os.environ, REGISTRY_DATABASE_URL=f"sqlite:///{tmp_path / 'r.db'}",
               REGISTRY_KEY_DIR=str(tmp_path / "keys"))
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stdout + r.stderr[-2000:]
