#!/usr/bin/env bash
# Runs every test of identity.okta: ansible-test sanity, units and integration.
# Usage: tests/run_tests.sh [sanity|units|integration|lint|package|docs|compat ...]   (default: all)
#
# ansible-test must run from a directory named ansible_collections/identity/okta and
# resolves symlinks, so the tests run in a fresh copy of the working tree.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
PYTHON_VERSION=3.11
SUITES=("$@")
[ ${#SUITES[@]} -gt 0 ] || SUITES=(sanity units integration lint package docs compat)

"$ROOT/tests/setup_venv.sh" "$VENV" >&2 || exit 1
export PATH="$VENV/bin:$PATH"

# ansible-test bootstraps pip in its sanity venvs with a script it would download; use the offline stand-in.
mkdir -p ~/.ansible/test/cache
cp "$ROOT/.ci/get_pip_offline.py" ~/.ansible/test/cache/get_pip_24_2.py   # pip 24.2: ansible-core 2.19

TREE="$VENV/test-tree/ansible_collections/identity/okta"
rm -rf "$VENV/test-tree"
mkdir -p "$TREE"
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | python3 -c '
import os, sys
sys.stdout.write("".join(p + "\0" for p in sys.stdin.read().split("\0") if p and os.path.lexists(p)))
' | tar --null -cf - -T -) | tar -xf - -C "$TREE" || exit 1
    git -C "$TREE" init -q && git -C "$TREE" add -A || exit 1   # sanity lists files through git
else
    (cd "$ROOT" && tar --exclude=./.venv --exclude=./tests/output -cf - .) | tar -xf - -C "$TREE"
fi
cd "$TREE" || exit 1

LOGS="$TREE/tests/output/logs"
mkdir -p "$LOGS"
status=0
for suite in "${SUITES[@]}"; do
    echo "=== ansible-test $suite ==="
    case "$suite" in
        sanity)
            command=(ansible-test sanity --venv --python "$PYTHON_VERSION" --color no) ;;
        units)
            command=(ansible-test units --local --python "$PYTHON_VERSION" --color no --num-workers 2) ;;
        integration)
            command=(ansible-test integration --local --python "$PYTHON_VERSION" --color no -v) ;;
        lint)
            command=(env ANSIBLE_COLLECTIONS_PATH="$VENV/test-tree" tests/lint.sh) ;;
        package)
            command=(tests/package.sh) ;;
        docs)
            # The HTML site from the plugins' documentation (docs/build_docs.sh), built from the checkout.
            command=(sh -c "echo \"Running docs check 'build_docs'\" && VENV='$VENV' '$ROOT/docs/build_docs.sh'") ;;
        compat)
            # Units and integration again with the oldest ansible-core meta/runtime.yml claims.
            "$ROOT/tests/setup_venv.sh" "$VENV-oldest" "$ROOT/requirements/compat-oldest.txt" >&2 || exit 1
            command=(env PATH="$VENV-oldest/bin:$PATH" sh -c "ansible-test --version &&
                ansible-test units --local --python $PYTHON_VERSION --color no --num-workers 2 &&
                ansible-test integration --local --python $PYTHON_VERSION --color no -v") ;;
        *)
            echo "unknown suite: $suite" >&2; exit 2 ;;
    esac
    "${command[@]}" 2>&1 | tee "$LOGS/$suite.log" || status=1
done

# A run that executed no test is a failure, not a pass.
python "$ROOT/tests/check_test_counts.py" "$TREE/tests/output" "${SUITES[@]}" || status=1
echo "Results: $TREE/tests/output"
exit $status
