"""The shared wire package stands alone, and the kiosk's registration client needs only it:
neither imports the service (FastAPI, SQLAlchemy, uvicorn) nor the other side's code."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# the service's frameworks and the kiosk's device libraries (pydantic is the kiosk's too: its
# option dataclasses)
HEAVY = ("kivy", "smartcard", "escpos", "cv2", "fastapi", "starlette", "sqlalchemy", "uvicorn",
         "alembic")


def _modules_after(imports: str) -> list[str]:
    code = f"import sys; {imports}; print(' '.join(sorted(sys.modules)))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


def test_licence_wire_imports_only_itself_and_small_libraries() -> None:
    loaded = _modules_after("import licence_wire.codec, licence_wire.resident_id, "
                            "licence_wire.credit_code, licence_wire.protocol, licence_wire.rating")
    roots = {m.split(".")[0] for m in loaded}
    assert not roots & {*HEAVY, "pydantic", "registry_service", "drivers", "kiosk"}


def test_kiosk_client_loads_no_service_module() -> None:
    loaded = _modules_after("import drivers.registry.base, drivers.registry.models, "
                            "drivers.registry.options, drivers.registry.wire, "
                            "drivers.registry.http_client, drivers.registry.factory")
    roots = {m.split(".")[0] for m in loaded}
    assert "registry_service" not in roots
    assert not roots & set(HEAVY)


def _imported_modules(path: Path) -> list[tuple[str, bool]]:
    """(module, at module level) for every import statement in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(n) for n in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, id(node) in top) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [(f"{node.module}.{a.name}", id(node) in top) for a in node.names]
    return found


def test_client_source_never_names_the_service() -> None:
    """Statically as well: only the factory's embedded demo starts the service, lazily."""
    for path in sorted((ROOT / "drivers" / "registry").glob("*.py")):
        for module, at_top in _imported_modules(path):
            if module.split(".")[0] != "registry_service":
                continue
            allowed = path.name == "factory.py" and module == "registry_service.embedded"
            assert allowed and not at_top, f"{path.name} imports {module}"
