#!/usr/bin/env bash
set -eu
# A developer org's limits, Okta's minute run as 3 s (time scale 20).
source ../setup_okta_simulator/start.sh --profile developer --time-scale 20 --users 2 --sessions-per-user 1
ansible-playbook -i "$INVENTORY_PATH" runme.yml "$@"
