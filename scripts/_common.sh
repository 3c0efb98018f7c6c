# Shared by the scripts in this folder: find the repository and its virtual environment.
# The scripts are the one command surface that people and CI share.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${OPENMTD_VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
cd "$ROOT"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
