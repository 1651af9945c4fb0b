#!/usr/bin/env bash
# Set everything up, then lint, type-check and run the whole test suite headless.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check idleb_desk tests bench scripts
# The type check ([tool.mypy] in pyproject.toml) runs at zero errors.
.venv/bin/mypy
exec .venv/bin/python -m pytest -q "$@"
