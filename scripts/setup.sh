#!/usr/bin/env bash
# Set up everything idleb_desk needs on a fresh Debian/Ubuntu machine, idempotently:
# the system libraries Qt needs, a virtual environment in .venv, and the pinned,
# hash-checked Python packages of requirements.lock (the spaCy model included).
# The system-package step runs once: a stamp (.venv/.idleb-system-packages) records that
# it succeeded for this package list, so later runs never touch apt or dpkg (remove the
# stamp, or set IDLEB_SETUP_SYSTEM=1, to check again). Other Linux systems: see README.
set -euo pipefail
cd "$(dirname "$0")/.."

QT_DEBS=(libegl1 libgl1 libglib2.0-0 libfontconfig1 libdbus-1-3 libxkbcommon0
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
  libxcb-render-util0 libxcb-randr0 libxcb-shape0 fonts-dejavu-core)
# Tools for driving and looking at the real window on a machine with no screen, and the
# validators of the desktop files (tests run them when installed).
# postgresql: the team-server tests start a real server from its binaries (issue 15).
EXTRA_DEBS=(xvfb xdotool x11-utils imagemagick desktop-file-utils appstream postgresql)

install_debs() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "setup: not a Debian system; install Qt's libraries yourself (README: other Linux)" >&2
    return 0
  fi
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
        -o DPkg::Lock::Timeout=120 \
        "${missing[@]}" >/dev/null; then
      return 0
    fi
    echo "setup: apt-get failed (attempt $try)" >&2
    sleep 5
  done
  return 1
}

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi

sys_stamp=.venv/.idleb-system-packages
sys_want=$(echo "${QT_DEBS[*]} ${EXTRA_DEBS[*]}" | sha256sum | cut -d' ' -f1)
if [ "${IDLEB_SETUP_SYSTEM:-0}" = 1 ] || [ "$(cat "$sys_stamp" 2>/dev/null)" != "$sys_want" ]; then
  install_debs "${QT_DEBS[@]}" "${EXTRA_DEBS[@]}"
  echo "$sys_want" > "$sys_stamp"
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
# Importing the CLI imports every runtime dependency it names (platformdirs, tqdm …).
.venv/bin/python -c "import idleb_desk.cli, idleb_desk.paths, spacy, PySide6, tqdm" >/dev/null
echo "setup: ready (.venv)"
