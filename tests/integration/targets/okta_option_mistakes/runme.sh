#!/usr/bin/env bash
set -eu
# Every module of the collection's action group, given each mistake Ansible itself answers (an unknown option,
# a wrong type, a bad choice, a missing required option, mutually exclusive options, none of a required
# group): the failure names the option and is not a crash, through `ansible -m` and through a playbook task.
source ../setup_okta_simulator/start.sh --profile developer --time-scale 20 --users 2 --sessions-per-user 1
python option_mistakes.py --inventory "$INVENTORY_PATH" "$@"
