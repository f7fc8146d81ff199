#!/usr/bin/env bash
# The responder's long run (issue 12), through ansible-playbook against the simulator: live
# progress, Ctrl-C and resume from the journal, early stop on a refused token, protected
# users, max_targets, and evidence from the System Log. See long_run.py.
set -eu
COLLECTION_ROOT="${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/identity/okta"
# 1,000 users on a production org (its minute run as 3 s); every API answer takes 40 ms, so that a run
# lasts long enough to watch and interrupt.
source ../setup_okta_simulator/start.sh --profile production --time-scale 20 --users 1000 --sessions-per-user 1 \
    --groups 2 --latency-ms 40
python long_run.py "$COLLECTION_ROOT"
