"""Write the served OpenAPI document to registry_service/openapi/v1.json (the committed
contract; a test fails when the two differ)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from registry_service.app import ServiceSettings, create_app

TARGET = Path(__file__).with_name("openapi") / "v1.json"


def document() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(ServiceSettings(f"sqlite:///{tmp}/x.db", Path(tmp) / "keys"))
        doc = app.openapi()
        app.state.engine.dispose()
        return doc


if __name__ == "__main__":
    TARGET.parent.mkdir(exist_ok=True)
    TARGET.write_text(json.dumps(document(), ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(TARGET)
