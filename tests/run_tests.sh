#!/usr/bin/env bash
# Runs every test of identity.okta: ansible-test sanity, units and integration on each
# ansible-core version the collection is tested with, and the lint, package and docs checks.
# Usage: tests/run_tests.sh [SUITE ...]   (default: all, in this order)
#
#   suite             ansible-core                       Python                virtualenv
#   sanity            2.21 (requirements/latest.txt)     3.13 or 3.12          $VENV/latest
#   units             2.19 (requirements/dev.txt)        3.11, 3.12 or 3.13    $VENV
#   integration       2.19                               as units              $VENV
#   lint, package, docs  (ansible-lint, antsibull-*, the built tarball)        $VENV
#   benchmark         2.19: tests/benchmarks/bench_real_regime.py --quick   $VENV
#   units-2.16        2.16 (requirements/compat-oldest.txt)  3.11 or 3.12      $VENV-oldest
#   integration-2.16  2.16                               as units-2.16         $VENV-oldest
#   units-2.21        2.21                               as sanity             $VENV/latest
#   integration-2.21  2.21                               as sanity             $VENV/latest
#
#   compat = units-2.16 integration-2.16 (the oldest ansible-core meta/runtime.yml claims)
#   latest = units-2.21 integration-2.21 (the newest release line)
#
# Each virtualenv is made by tests/setup_venv.sh from its pinned requirements file, with a
# Python it looks for on PATH and in pyenv; a missing Python fails its suites and says
# which one to install. Each suite's output is in tests/output/logs/<suite>.log, and
# tests/check_test_counts.py fails any suite that ran no test.
#
# ansible-test must run from a directory named ansible_collections/identity/okta and
# resolves symlinks, so the tests run in a fresh copy of the working tree.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
SUITES=()
[ $# -gt 0 ] || set -- sanity units integration lint package docs benchmark compat latest
for name in "$@"; do
    case "$name" in
        compat) SUITES+=(units-2.16 integration-2.16) ;;
        latest) SUITES+=(units-2.21 integration-2.21) ;;
        *) SUITES+=("$name") ;;
    esac
done

# The virtualenv, requirements file and Python versions (by preference) of each suite.
venv_of() {
    case "$1" in
        sanity|*-2.21) SUITE_VENV=$VENV/latest SUITE_REQUIREMENTS=$ROOT/requirements/latest.txt SUITE_PYTHONS="3.13 3.12" ;;
        *-2.16) SUITE_VENV=$VENV-oldest SUITE_REQUIREMENTS=$ROOT/requirements/compat-oldest.txt SUITE_PYTHONS="3.11 3.12" ;;
        *) SUITE_VENV=$VENV SUITE_REQUIREMENTS=$ROOT/requirements/dev.txt SUITE_PYTHONS="3.11 3.12 3.13" ;;
    esac
}
for suite in "${SUITES[@]}"; do
    case "$suite" in
        sanity|units|integration|lint|package|docs|benchmark|units-2.16|integration-2.16|units-2.21|integration-2.21) ;;
        *) echo "unknown suite: $suite (suites: sanity units integration lint package docs benchmark compat latest," \
                "or units-2.16 integration-2.16 units-2.21 integration-2.21)" >&2; exit 2 ;;
    esac
done

# The main virtualenv runs this script's own helpers; each suite makes (or checks) its own.
"$ROOT/tests/setup_venv.sh" "$VENV" >&2 || exit 1
export PATH="$VENV/bin:$PATH"

# ansible-test bootstraps pip in its sanity venvs with a get-pip script it would download
# (unreachable from CI); it uses a cached copy if there is one: put the offline stand-in there.
# pip 24.2 for ansible-core 2.19, 25.2 for 2.21; and whatever the installed ansible-test asks for.
install_get_pip() {   # venv
    local version
    mkdir -p ~/.ansible/test/cache
    for version in 24.2 25.2 $(grep -hoE "^ +pip='[0-9.]+'" \
            "$1"/lib/python3*/site-packages/ansible_test/_internal/python_requirements.py 2>/dev/null | cut -d"'" -f2); do
        cp "$ROOT/.ci/get_pip_offline.py" ~/.ansible/test/cache/"get_pip_${version//./_}.py"
    done
}

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
    (cd "$ROOT" && tar --exclude=./.venv --exclude='./.venv-*' --exclude=./tests/output -cf - .) | tar -xf - -C "$TREE"
fi
cd "$TREE" || exit 1

LOGS="$TREE/tests/output/logs"
JUNIT="$TREE/tests/output/junit"
mkdir -p "$LOGS" "$JUNIT"
# One suite, in a subshell: its virtualenv (made here if needed), then its command.
run_suite() {   # suite venv requirements python-versions
    local suite=$1 venv=$2 requirements=$3 versions=$4 python command
    "$ROOT/tests/setup_venv.sh" "$venv" "$requirements" "$versions" 2>&1 || {
        echo "error: the $suite suite has no virtualenv: tests/setup_venv.sh could not make $venv (above)"
        return 1
    }
    python=$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    export PATH="$venv/bin:$PATH"
    case "$suite" in
        sanity)
            install_get_pip "$venv"
            command=(ansible-test sanity --venv --python "$python" --color no) ;;
        units|units-*)
            command=(ansible-test units --local --python "$python" --color no --num-workers 2) ;;
        integration|integration-*)
            command=(ansible-test integration --local --python "$python" --color no -v) ;;
        lint)
            command=(env ANSIBLE_COLLECTIONS_PATH="$VENV/test-tree" tests/lint.sh) ;;
        package)
            command=(tests/package.sh) ;;
        docs)
            # The HTML site from the plugins' documentation (docs/build_docs.sh), built from the checkout.
            command=(sh -c "echo \"Running docs check 'build_docs'\" && VENV='$VENV' '$ROOT/docs/build_docs.sh'") ;;
        benchmark)
            # The real-regime benchmark, short: Okta's production limits time-scaled, then 100 logins through the
            # independent limit proxy; fails on any 429, on more than 1.1 calls per login, on more calls in one of the proxy's
            # windows than max_api_share allows, on anyone not signed out.
            command=(sh -c "echo \"Running benchmark check 'bench_real_regime --quick'\" &&
                            python tests/benchmarks/bench_real_regime.py --quick --venv '$venv'") ;;
    esac
    echo "ansible-core $(python -c 'import ansible; print(ansible.__version__)'), Python $(python -c 'import platform; print(platform.python_version())') ($venv)"
    "${command[@]}"
}

status=0
passed=0
SUMMARY=()
for suite in "${SUITES[@]}"; do
    echo "=== $suite ==="
    started=$(date +%s)
    rm -f "$JUNIT"/*.xml
    venv_of "$suite"
    (run_suite "$suite" "$SUITE_VENV" "$SUITE_REQUIREMENTS" "$SUITE_PYTHONS") 2>&1 | tee "$LOGS/$suite.log"
    result=${PIPESTATUS[0]}
    # Each suite's JUnit reports apart: the same Python's files of another suite would replace them.
    mkdir -p "$JUNIT/$suite"
    mv "$JUNIT"/*.xml "$JUNIT/$suite/" 2>/dev/null
    if [ "$result" = 0 ]; then passed=$((passed + 1)); outcome=passed; else status=1; outcome=FAILED; fi
    version=$(grep -a -m1 -oE '^ansible-core [^ ]+, Python [^ ]+' "$LOGS/$suite.log" || echo "(no virtualenv)")
    SUMMARY+=("$(printf '%-17s %-36s %-7s %5ss' "$suite" "$version" "$outcome" $(( $(date +%s) - started )))")
done

echo
echo "=== summary ==="
printf '%s\n' "${SUMMARY[@]}"
# Why a suite could not run at all (no Python for its virtualenv, a failed install), said plainly.
for suite in "${SUITES[@]}"; do
    grep -a '^error: ' "$LOGS/$suite.log" 2>/dev/null | sed "s/^/$suite: /"
done
# A run that executed no test is a failure, not a pass.
python "$ROOT/tests/check_test_counts.py" "$TREE/tests/output" "${SUITES[@]}" || status=1
echo "Results: $TREE/tests/output (logs: $LOGS)"
echo "suites: $passed passed, $(( ${#SUITES[@]} - passed )) failed"
exit $status
