#!/usr/bin/env bash
set -eu
source ../setup_okta_simulator/start.sh --users 6 --sessions-per-user 1
ansible-playbook -i "$INVENTORY_PATH" runme.yml "$@"
