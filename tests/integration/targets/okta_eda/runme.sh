#!/usr/bin/env bash
# Event-Driven Ansible against the Okta simulator: rulebook_e2e.py runs ansible-rulebook for real with
# the collection's rulebooks - a sign-in from a blocked address or a pushed Event Hook delivery ends in
# the user's sessions cleared; a rulebook stopped and started again on the poller's cursor file acts on
# what happened meanwhile, and on nothing twice; identity.okta.keep_contained signs a contained person out
# again on each of 3 sign-ins within a 30-second watch, leaves others alone, and ends with the watch.
# The event sources themselves (okta_system_log and okta_event_hook driven directly, their arguments,
# a poller killed mid-page) are tested with pytest: tests/unit/extensions/eda/plugins/event_source/.
# ansible-rulebook is installed from requirements/eda.txt into a virtualenv of its own under
# ~/.cache/identity-okta/ (or $OKTA_EDA_VENV), once per version of that file. If it cannot be
# installed or cannot start (it needs Java 17+), the test is skipped with the reason;
# OKTA_EDA_REQUIRE_RULEBOOK=1 makes that a failure.
set -eu
COLLECTION_ROOT="${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/identity/okta"
# A developer org whose System Log bucket allows 40 calls a minute (20 for the one API token that the poller
# and the module share), Okta's minute run as 2 s (time scale 30): the poller polls every 2 s (its floor).
source ../setup_okta_simulator/start.sh --profile developer --time-scale 30 --bucket-limit logs=40 \
    --users 12 --sessions-per-user 2
WORK=$(mktemp -d "${OUTPUT_DIR:-${TMPDIR:-/tmp}}/okta_eda.XXXXXX")

skip() {
    echo "SKIPPED the ansible-rulebook end-to-end test: $*"
    if [ "${OKTA_EDA_REQUIRE_RULEBOOK:-0}" = 1 ]; then
        echo "OKTA_EDA_REQUIRE_RULEBOOK=1: failing instead of skipping"
        exit 1
    fi
    exit 0
}

echo "=== ansible-rulebook"
REQUIREMENTS="$COLLECTION_ROOT/requirements/eda.txt"
[ -f "$REQUIREMENTS" ] || skip "$REQUIREMENTS is missing"
digest=$( (cat "$REQUIREMENTS"; python -c 'import sys; print(sys.version)') | sha256sum | cut -c1-16)
EDA_VENV="${OKTA_EDA_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/identity-okta/eda-venv-$digest}"
# ansible-test puts its own ansible-core on PYTHONPATH; the virtualenv gets (and the rulebook uses) its own.
unset PYTHONPATH
if [ ! -f "$EDA_VENV/.installed" ] || [ ! -x "$EDA_VENV/bin/ansible-galaxy" ] || [ ! -x "$EDA_VENV/bin/ansible-rulebook" ]; then
    echo "installing requirements/eda.txt into $EDA_VENV"
    rm -rf "$EDA_VENV"
    mkdir -p "$(dirname "$EDA_VENV")"
    if ! { python -m venv "$EDA_VENV" &&
           "$EDA_VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"; } \
            > "$WORK/pip.log" 2>&1; then
        tail -n 25 "$WORK/pip.log"
        rm -rf "$EDA_VENV"
        skip "pip could not install requirements/eda.txt (output above)"
    fi
    touch "$EDA_VENV/.installed"
fi
# ansible-rulebook finds Java through JAVA_HOME, else the java on PATH; it refuses Java older than 17.
if ! PATH="$EDA_VENV/bin:$PATH" "$EDA_VENV/bin/ansible-rulebook" --version > "$WORK/version.txt" 2>&1; then
    cat "$WORK/version.txt"
    skip "ansible-rulebook cannot start here (output above; it needs Java 17 or later: JAVA_HOME or java on PATH)"
fi
grep -E 'ansible-rulebook|Java (home|version)|Ansible core' "$WORK/version.txt"

python rulebook_e2e.py "$EDA_VENV" "$COLLECTION_ROOT" "$WORK"
