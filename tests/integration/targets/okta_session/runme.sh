#!/usr/bin/env bash
set -eu
# A developer org's limits, Okta's minute run as 6 s (time scale 10: a session token lives 30 s, a session 12 min).
source ../setup_okta_simulator/start.sh --profile developer --time-scale 10 --users 4 --sessions-per-user 2
ansible-playbook -i "$INVENTORY_PATH" runme.yml "$@"
