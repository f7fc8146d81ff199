#!/usr/bin/env bash
set -eu
# 30 users in 3 groups on a developer org whose users bucket (sign-outs and user searches) allows 20
# calls a minute, 10 for one API token; Okta's minute run as 2 s (time scale 30).
source ../setup_okta_simulator/start.sh --profile developer --time-scale 30 --bucket-limit users=20 \
    --users 30 --sessions-per-user 2 --groups 3
ansible-playbook -i "$INVENTORY_PATH" runme.yml "$@"
