#!/usr/bin/env bash
# Sourced by the runme.sh of integration targets: starts a fresh Okta simulator
# (arguments are the simulator's, e.g. --profile developer --time-scale 20 --users 5; each
# target names its profile and time scale, see tests/okta_simulator/README.md), exports
# OKTA_ORG_URL and OKTA_API_TOKEN for the modules, and stops it on exit.
# Every API exchange is checked against Okta's OpenAPI spec (--check-spec); a
# mismatch fails the target. Targets list needs/target/setup_okta_simulator in their aliases.
COLLECTION_ROOT="${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/identity/okta"
eval "$(python "$COLLECTION_ROOT/tests/okta_simulator" --background --check-spec "$@")"
export OKTA_ORG_URL OKTA_API_TOKEN OKTA_SIMULATOR_PID

stop_simulator() {
    local status=$?
    local verdict
    verdict=$(python - "$OKTA_ORG_URL" <<'PY'
import json, sys, urllib.request
state = json.load(urllib.request.urlopen(sys.argv[1] + '/_simulator/state?summary=1'))
for violation in state['specViolations']:
    print('SPEC VIOLATION: %(method)s %(path)s -> %(status)s: %(problem)s' % violation)
print('checked %d API exchanges against the Okta spec: %d violations' % (state['specChecked'], len(state['specViolations'])))
PY
) || verdict="could not read the simulator state"
    echo "$verdict"
    kill "$OKTA_SIMULATOR_PID" 2>/dev/null || true
    if [ "$status" -eq 0 ] && ! grep -q ': 0 violations$' <<<"$verdict"; then
        exit 1
    fi
    exit "$status"
}
trap stop_simulator EXIT
