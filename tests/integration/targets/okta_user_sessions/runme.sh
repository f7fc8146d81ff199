#!/usr/bin/env bash
set -eu
# 30 users in 3 groups; revoking user sessions is limited to 10 calls per 2 s window.
source ../setup_okta_simulator/start.sh --users 30 --sessions-per-user 2 --groups 3 \
    --endpoint-rate-limit 'DELETE /api/v1/users/{id}/sessions=10' --rate-window-seconds 2
ansible-playbook -i "$INVENTORY_PATH" runme.yml "$@"
