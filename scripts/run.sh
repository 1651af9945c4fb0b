#!/usr/bin/env bash
# Set everything up, then open the app (on the seed article, the first time).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/idleb-desk "$@"
