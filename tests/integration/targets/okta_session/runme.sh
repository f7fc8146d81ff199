#!/usr/bin/env bash
set -eu
source ../setup_okta_simulator/start.sh --users 4 --sessions-per-user 2
ansible-playbook -i "$INVENTORY_PATH" runme.yml "$@"
