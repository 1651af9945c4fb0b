#!/usr/bin/env bash
# Build the frozen one-folder app (dist/idleb-desk/) with PyInstaller, then smoke-check it:
# the binary's `extract` on the seed with its bundled model, and its window offscreen until
# the model has loaded and stored suggestions. Takes about 5 minutes; not part of CI.
#   bash packaging/build.sh            build and check
#   bash packaging/build.sh --check    check an existing build only
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
if [ "${1:-}" != "--check" ]; then
  .venv/bin/python -c "import PyInstaller" 2>/dev/null \
    || .venv/bin/python -m pip install -q "pyinstaller>=6.0"
  rm -rf build/pyinstaller dist/idleb-desk
  SECONDS=0
  .venv/bin/python -m PyInstaller --noconfirm --log-level WARN \
    --workpath build/pyinstaller --distpath dist packaging/idleb-desk.spec
  echo "build: dist/idleb-desk in ${SECONDS} s"
fi
exec .venv/bin/python packaging/smoke_frozen.py dist/idleb-desk/idleb-desk
