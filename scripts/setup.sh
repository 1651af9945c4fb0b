#!/usr/bin/env bash
# Set up everything idleb_desk needs on a fresh Debian/Ubuntu machine, idempotently:
# the system libraries Qt needs, a virtual environment in .venv, and the pinned,
# hash-checked Python packages of requirements.lock (the spaCy model included).
set -euo pipefail
cd "$(dirname "$0")/.."

QT_DEBS=(libegl1 libgl1 libglib2.0-0 libfontconfig1 libdbus-1-3 libxkbcommon0
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
  libxcb-render-util0 libxcb-randr0 libxcb-shape0 fonts-dejavu-core)
# Tools for driving and looking at the real window on a machine with no screen.
EXTRA_DEBS=(xvfb xdotool x11-utils imagemagick)

install_debs() {
  command -v dpkg-query >/dev/null 2>&1 || { echo "setup: not a Debian system; install Qt's libraries yourself" >&2; return 0; }
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "setup: please install: ${missing[*]}" >&2; return 0; fi
  fi
  echo "setup: installing ${missing[*]}"
  # Mirrors fail now and then on a fresh machine: one more try before giving up.
  local try
  for try in 1 2; do
    if $sudo apt-get update -qq \
      && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null; then
      return 0
    fi
    echo "setup: apt-get failed (attempt $try)" >&2
    sleep 5
  done
  return 1
}

install_debs "${QT_DEBS[@]}" "${EXTRA_DEBS[@]}"

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.idleb-lock-sha256
want=$(sha256sum requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install -q --upgrade "pip>=23" "setuptools>=77" wheel
  # --require-hashes: every file installed must match the hash recorded in the lock.
  .venv/bin/python -m pip install -q --require-hashes -r requirements.lock
  # setuptools is chatty about editable installs; keep its output unless it fails.
  if ! .venv/bin/python -m pip install -q --no-deps --no-build-isolation -e . >.venv/editable.log 2>&1; then
    cat .venv/editable.log >&2
    exit 1
  fi
  echo "$want" > "$stamp"
fi
.venv/bin/python -c "import idleb_desk, spacy, PySide6" >/dev/null
echo "setup: ready (.venv)"
