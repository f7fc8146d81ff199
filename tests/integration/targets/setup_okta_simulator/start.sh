#!/usr/bin/env bash
# Sourced by the runme.sh of integration targets: starts a fresh Okta simulator
# (arguments are the simulator's, e.g. --users 5 --sessions-per-user 2), exports
# OKTA_ORG_URL and OKTA_API_TOKEN for the modules, and stops it on exit.
# Targets list needs/target/setup_okta_simulator in their aliases.
COLLECTION_ROOT="${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/identity/okta"
eval "$(python "$COLLECTION_ROOT/tests/okta_simulator" --background "$@")"
export OKTA_ORG_URL OKTA_API_TOKEN OKTA_SIMULATOR_PID
trap 'kill "$OKTA_SIMULATOR_PID" 2>/dev/null || true' EXIT
