"""The kiosk imports the reference data, search and name rules without the web stack or pypinyin."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_importable_without_fastapi_sqlalchemy_or_pypinyin() -> None:
    code = (
        "import sys\n"
        "from refdata import packaged\n"
        "from refdata.search import scope_index\n"
        "from registry_service.naming import NameParts, checker\n"
        "assert scope_index(packaged()).search('cy')[0].name == '餐饮服务'\n"
        "assert checker().check(NameParts('371002', '老王', '拉面', '馆')).outcome == 'ok'\n"
        "loaded = {m.split('.')[0] for m in sys.modules}\n"
        "print(sorted(loaded & {'fastapi', 'starlette', 'pydantic', 'sqlalchemy', 'pypinyin'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         check=True)
    assert out.stdout.strip() == "[]"
