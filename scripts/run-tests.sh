#!/usr/bin/env bash
# Set up (idempotently) everything the tests need, start the services they use, run the suite.
# Arguments go to pytest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/bootstrap.sh" test
cd "$ROOT"
# pcscd for the card tests through the real PC/SC stack (vpcd readers); idempotent
if ! pgrep -x pcscd >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    pcscd --foreground >/tmp/pcscd.log 2>&1 &
    sleep 1
  else
    echo "run-tests: pcscd is not running and we are not root; PC/SC tests will skip" >&2
  fi
fi
# the CUPS scheduler for the sheet-printer tests (they add and remove their own queues); idempotent
if ! pgrep -x cupsd >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && [ -x /usr/sbin/cupsd ]; then
    /usr/sbin/cupsd   # forks into the background once it listens
    for _ in $(seq 50); do [ -S /run/cups/cups.sock ] && break; sleep 0.1; done
  else
    echo "run-tests: cupsd is not running and we are not root; CUPS tests will skip" >&2
  fi
fi
export PYTHONDONTWRITEBYTECODE=1
"$ROOT/.venv/bin/ruff" check .
exec "$ROOT/.venv/bin/python" -m pytest "$@"
