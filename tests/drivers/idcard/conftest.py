from __future__ import annotations

from pathlib import Path

import pytest
from card_testkit import VPCD_TEST_READER

from drivers.idcard import trust_store
from drivers.idcard.sim import master_list_builder, test_pki


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> test_pki.TestPki:
    return test_pki.ensure(tmp_path_factory.mktemp("idcard") / "test-pki")


@pytest.fixture(scope="session")
def trust(pki: test_pki.TestPki) -> trust_store.TrustStore:
    return trust_store.load_directory(pki.trust_dir)


@pytest.fixture(scope="session")
def full_list(pki: test_pki.TestPki) -> tuple[bytes, master_list_builder.Manifest]:
    """The faithful 520-entry ICAO master list (built once: ~2.5 s of CPU)."""
    return pki.master_list(520)


@pytest.fixture
def var_dir(tmp_path: Path) -> Path:
    return tmp_path / "var"


def _vpcd_readers() -> list[str]:
    try:
        from smartcard import scard

        hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult != scard.SCARD_S_SUCCESS:
            return []
        try:
            hresult, readers = scard.SCardListReaders(context, [])
            return [r for r in readers if "Virtual PCD" in r] if hresult == 0 else []
        finally:
            scard.SCardReleaseContext(context)
    except Exception:
        return []


@pytest.fixture(scope="session")
def pcscd():
    """The real pcscd with vpcd readers: reuse a running one, else start `pcscd --foreground`.

    In CI (CI=true) an unreachable pcscd FAILS the tests; elsewhere they skip with the reason.
    """
    import os
    import shutil
    import subprocess
    import time

    started = None
    if VPCD_TEST_READER not in _vpcd_readers():
        exe = shutil.which("pcscd") or "/usr/sbin/pcscd"
        if os.path.exists(exe) and os.geteuid() == 0:
            started = subprocess.Popen([exe, "--foreground"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 8
            while time.monotonic() < deadline and VPCD_TEST_READER not in _vpcd_readers():
                time.sleep(0.1)
    if VPCD_TEST_READER not in _vpcd_readers():
        if started is not None:
            started.terminate()
            started.wait(5)
        message = (
            f"pcscd with the vpcd reader '{VPCD_TEST_READER}' is not reachable "
            "(install pcscd + vsmartcard-vpcd and run `pcscd --foreground` as root)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    yield
    if started is not None:
        started.terminate()
        started.wait(5)
