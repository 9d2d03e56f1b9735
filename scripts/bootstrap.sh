#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian 12 machine (run as root, or with sudo available).
# Installs the Debian packages the kiosk and its tests need, then the project venv at .venv/.
# Re-running it is cheap: every step checks before it acts.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODE="${1:-test}"   # run | test : test also installs the test-only stack (vpcd, PostgreSQL)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# cups: the print system a sheet (licence stock) printer is queued in; the kiosk talks IPP to it
# over its socket, and technicians set the queue up with lpadmin (docs/printing.md)
RUN_PKGS=(pcscd libpcsclite-dev swig gcc libgl1 libegl1 libgl1-mesa-dri libglx-mesa0 libmtdev1
          fonts-noto-cjk xvfb xauth ca-certificates cups
          # Chinese text entry (docs/text-entry.md): pinyin (librime + Apache-2.0 pinyin_simp data,
          # googlepinyin as the alternative backend), OpenCC for Simplified output, zinnia handwriting
          librime1 rime-data-pinyin-simp libopencc1.1 libgooglepinyin0 libzinnia0
          # voice prompts (docs/voice.md): espeak-ng (GPL-3, run as a separate program) speaks,
          # alsa-utils' aplay plays them
          espeak-ng alsa-utils)
# vpcd is a test tool only: it listens on all interfaces and must never be installed on a kiosk.
# cups-pdf and cups-ipp-utils give the tests a virtual PDF queue and IPP tools; poppler-utils
# renders and reads the PDFs they write.
TEST_PKGS=(vsmartcard-vpcd postgresql cups-ipp-utils printer-driver-cups-pdf poppler-utils)

want=("${RUN_PKGS[@]}")
if [ "$MODE" = "test" ]; then want+=("${TEST_PKGS[@]}"); fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then missing+=(python3-venv); fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "bootstrap: installing Debian packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

VENV="$ROOT/.venv"
if [ ! -x "$VENV/bin/python" ]; then
  echo "bootstrap: creating $VENV" >&2
  python3 -m venv "$VENV"
fi
# Reinstall only when the dependency declaration changed since the last successful install.
STAMP="$VENV/.installed-$MODE"
HASH="$(cat "$ROOT/pyproject.toml" "$ROOT/scripts/bootstrap.sh" | sha256sum | cut -c1-16)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$HASH" ]; then
  echo "bootstrap: installing Python packages into $VENV" >&2
  "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
  extra=""
  if [ "$MODE" = "test" ]; then extra="[dev]"; fi
  (cd "$ROOT" && "$VENV/bin/python" -m pip install -q -e ".$extra")
  # mediapipe 0.10.21 is the last release with BlazeFace/FaceMesh models inside; its declared
  # dependencies would add jax and opencv-contrib-python (a second cv2 breaks OpenCV), so it is
  # installed alone and its real runtime dependencies are pinned in pyproject.toml
  "$VENV/bin/python" -m pip install -q --no-deps mediapipe==0.10.21
  "$VENV/bin/python" - <<'PY'
import importlib.metadata as md
import cv2, mediapipe  # noqa: F401  both must import side by side
cv = [d.metadata["Name"] for d in md.distributions() if d.metadata["Name"].lower().startswith("opencv")]
assert len(cv) == 1, f"exactly one OpenCV distribution must be installed, found {cv}"
PY
  "$VENV/bin/python" -c "from kiosk.fonts import cjk_font_path as f; f('Regular'); f('Bold')"
  echo "$HASH" > "$STAMP"
fi
