#!/usr/bin/env bash
# Issue 20: several Okta orgs in one run, and the playbooks as AWX / Automation Controller runs them.
# Three simulators are three orgs (127.0.0.1, .2 and .3: each org host names its journals and reports). awx_job.py
# runs the shipped playbooks on an inventory of those orgs, first with ansible-playbook (-e okta_hosts=okta_orgs),
# then through ansible-runner with a private data dir laid out as AWX lays it out, and checks each org's state.
set -eu
COLLECTION_ROOT="${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/identity/okta"
SIM_ARGS=(--profile production --time-scale 20 --users 12 --sessions-per-user 2 --groups 1 --latency-ms 60)
source ../setup_okta_simulator/start.sh "${SIM_ARGS[@]}"
ORG_A_URL=$OKTA_ORG_URL ORG_A_TOKEN=$OKTA_API_TOKEN
eval "$(python "$COLLECTION_ROOT/tests/okta_simulator" --background --check-spec --host 127.0.0.2 "${SIM_ARGS[@]}" \
        | sed 's/^/ORG_B_/')"
eval "$(python "$COLLECTION_ROOT/tests/okta_simulator" --background --check-spec --host 127.0.0.3 "${SIM_ARGS[@]}" \
        | sed 's/^/ORG_C_/')"
ORG_B_URL=$ORG_B_OKTA_ORG_URL ORG_B_TOKEN=$ORG_B_OKTA_API_TOKEN ORG_C_URL=$ORG_C_OKTA_ORG_URL ORG_C_TOKEN=$ORG_C_OKTA_API_TOKEN
export ORG_A_URL ORG_A_TOKEN ORG_B_URL ORG_B_TOKEN ORG_C_URL ORG_C_TOKEN COLLECTION_ROOT
# start.sh's trap stops org A's simulator and checks its spec verdict; orgs B and C are stopped here first.
status=0
trap 'status=$?; kill "$ORG_B_OKTA_SIMULATOR_PID" "$ORG_C_OKTA_SIMULATOR_PID" 2>/dev/null || true; (exit $status); stop_simulator' EXIT

# In a subshell: awx_job.py removes its working directory at the end, and the EXIT trap's Python must not start
# in a directory that is gone (Python 3.13 fails to import socket there).
WORK=$(mktemp -d)
(cd "$WORK" && python "$OLDPWD/awx_job.py")
