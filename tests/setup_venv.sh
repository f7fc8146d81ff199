#!/usr/bin/env bash
# Creates (or updates) a virtualenv with pinned versions (requirements/dev.txt unless a
# requirements file is given), and makes this checkout visible to Ansible as identity.okta.
# Usage: tests/setup_venv.sh [VENV] [REQUIREMENTS_FILE] [PYTHON_VERSIONS]
#
# PYTHON_VERSIONS: the Python versions the requirements file is pinned for, in order of
# preference (default "3.11 3.12 3.13"): python3 if it is one of them, else the first one
# found as pythonX.Y on PATH, in pyenv (`pyenv prefix X.Y`, $(pyenv root)/versions/X.Y.*)
# or in /usr/local/bin, /usr/bin. If none is found, the script fails and says which Python
# to install.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${1:-$ROOT/.venv}
REQUIREMENTS=${2:-$ROOT/requirements/dev.txt}
REQUIREMENTS=$(cd "$(dirname "$REQUIREMENTS")" && pwd)/$(basename "$REQUIREMENTS")
VERSIONS=${3:-3.11 3.12 3.13}
ALTERNATIVES=${VERSIONS// / or }

# The X.Y of an interpreter that runs and can create virtualenvs, or nothing.
python_version() {
    "$1" -c 'import sys, venv, ensurepip; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true
}

in_versions() {
    case " $VERSIONS " in *" $1 "*) return 0 ;; *) return 1 ;; esac
}

# An interpreter of version $1 (X.Y), or nothing. pyenv puts a shim on PATH for every
# installed version but the shim runs only the selected ones, so each candidate is tried.
find_python() {
    local version=$1 candidate prefix root=
    local candidates=()
    candidate=$(command -v "python$version" 2>/dev/null || true)
    [ -z "$candidate" ] || candidates+=("$candidate")
    if command -v pyenv >/dev/null 2>&1; then
        prefix=$(pyenv prefix "$version" 2>/dev/null || true)
        [ -z "$prefix" ] || candidates+=("$prefix/bin/python$version")
        root=$(pyenv root 2>/dev/null || true)
    fi
    root=${root:-${PYENV_ROOT:-$HOME/.pyenv}}
    while IFS= read -r candidate; do
        [ -z "$candidate" ] || candidates+=("$candidate")
    done < <(printf '%s\n' "$root/versions/$version".*/bin/"python$version" | sort -rV)
    candidates+=("/usr/local/bin/python$version" "/usr/bin/python$version")
    for candidate in "${candidates[@]}"; do
        if [ -x "$candidate" ] && [ "$(python_version "$candidate")" = "$version" ]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

if in_versions "$(python_version python3)"; then
    BASE_PYTHON=$(command -v python3)
else
    BASE_PYTHON=
    for version in $VERSIONS; do
        if BASE_PYTHON=$(find_python "$version"); then break; fi
        BASE_PYTHON=
    done
    if [ -z "$BASE_PYTHON" ]; then
        first=${VERSIONS%% *}
        core=$(cd "$(dirname "$REQUIREMENTS")" && sed -n 's/^-r //p' "$REQUIREMENTS" | xargs cat "$REQUIREMENTS" |
               sed -n 's/^ansible-core==//p' | head -n 1)
        {
            echo "error: requirements/$(basename "$REQUIREMENTS")${core:+ (ansible-core $core)} needs Python $ALTERNATIVES, and none was found"
            echo "       (looked for python$first and the others on PATH, in pyenv and in /usr/bin)."
            echo "       Install one, e.g. 'pyenv install $first' or 'apt-get install python$first python$first-venv',"
            echo "       or put a python$first on PATH."
        } >&2
        exit 1
    fi
fi

# A virtualenv of a Python version not in the list (or whose Python is gone) is made again.
if [ -f "$VENV/pyvenv.cfg" ] && ! in_versions "$(python_version "$VENV/bin/python")"; then
    echo "$VENV: not a virtualenv of Python $ALTERNATIVES; creating it again" >&2
    rm -rf "$VENV"
fi
if [ ! -x "$VENV/bin/python" ]; then
    "$BASE_PYTHON" -m venv "$VENV"
fi
VENV_VERSION=$(python_version "$VENV/bin/python")
STAMP="$VENV/.requirements.sha256"
WANT=$( (cat "$ROOT"/requirements/*.txt; echo "$REQUIREMENTS $VENV_VERSION") | sha256sum | cut -d' ' -f1)
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
    echo "$WANT" > "$STAMP"
fi
mkdir -p "$VENV/collections/ansible_collections/identity"
ln -sfn "$ROOT" "$VENV/collections/ansible_collections/identity/okta"
echo "virtualenv ready: $VENV (Python $VENV_VERSION, $(basename "$REQUIREMENTS"))"
