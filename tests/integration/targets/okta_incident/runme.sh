#!/usr/bin/env bash
# The incident after the first pass (issue 19), through contain_users.yml against the simulator: the new tiers
# (expire_password, reset_factors) act and are idempotent; an attacker who signs back in during a watch is signed
# out each time and reported; an undo puts back exactly the status and risk each person had (those suspended
# before stay suspended), a check-mode undo changes nothing and a second undo does nothing.
set -eu
source ../setup_okta_simulator/start.sh --profile developer --time-scale 20 --users 6 --sessions-per-user 1
WORK=$(mktemp -d "${OUTPUT_DIR:-${TMPDIR:-/tmp}}/okta_incident.XXXXXX")
cp incident.py "$WORK/"
cd "$WORK"
python incident.py
