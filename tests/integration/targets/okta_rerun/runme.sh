#!/usr/bin/env bash
# Issue 18: the second hour of an incident, through the shipped playbooks, against a developer org (its minute
# run as 3 s: 40 sign-outs a window for one API token at max_api_share 0.8). A rerun must never leave an
# attacker signed in: the same command after a finished run signs everyone out again, after an interruption it
# resumes; a wrong org, a new scope, a second responder, untrusted journal files and a Windows users file are
# each handled. Every case checks the exit code and what the simulator saw. See rerun.py.
set -eu
COLLECTION_ROOT="${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/identity/okta"
source ../setup_okta_simulator/start.sh --profile developer --time-scale 20 --users 500 --sessions-per-user 1 --groups 1
python rerun.py "$COLLECTION_ROOT"
