#!/usr/bin/env bash
# Creates (or updates) a virtualenv with pinned versions (requirements/dev.txt unless a
# requirements file is given), and makes this checkout visible to Ansible as identity.okta.
# Usage: tests/setup_venv.sh [VENV] [REQUIREMENTS_FILE]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${1:-$ROOT/.venv}
REQUIREMENTS=${2:-$ROOT/requirements/dev.txt}
STAMP="$VENV/.requirements.sha256"
WANT=$(cat "$ROOT"/requirements/*.txt | sha256sum | cut -d' ' -f1)
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
    echo "$WANT" > "$STAMP"
fi
mkdir -p "$VENV/collections/ansible_collections/identity"
ln -sfn "$ROOT" "$VENV/collections/ansible_collections/identity/okta"
echo "virtualenv ready: $VENV"
