#!/usr/bin/env bash
# Set up (idempotently) and start the kiosk. Arguments go to main.py, e.g. --autopilot --screenshots DIR.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/bootstrap.sh" run
cd "$ROOT"
exec "$ROOT/.venv/bin/python" main.py "$@"
