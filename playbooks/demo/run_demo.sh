#!/usr/bin/env bash
# The README demo: a laptop was stolen. Sign out five named users and the whole
# "group-2" team (100 users), and revoke their OAuth tokens, against a local Okta
# simulator (300 users, 3 sessions each, 20 ms per API call) - then show what happened.
# The simulator limits calls as a developer org does (sign-outs: 100 a minute, 50 for one
# API token), with Okta's minute run as 10 s (time scale 6): the 104 sign-outs wait for the
# limit twice, as they would for two minutes on a real developer org.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VENV=${VENV:-$ROOT/.venv}
export PATH="$VENV/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$VENV/collections"
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false

eval "$(python "$ROOT/tests/okta_simulator" --background --profile developer --time-scale 6 \
    --users 300 --sessions-per-user 3 --groups 3 --latency-ms 20)"
export OKTA_ORG_URL OKTA_API_TOKEN
trap 'kill "$OKTA_SIMULATOR_PID" 2>/dev/null || true' EXIT
sessions() { python -c 'import json,sys,urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1] + "/_simulator/state?summary=1"))["sessionCount"])' "$OKTA_ORG_URL"; }

echo "Okta simulator at $OKTA_ORG_URL: $(sessions) active sessions"
cd "$ROOT"
# A new simulator (a new org) each time: a journal of its own for each demo keeps their records apart.
# One of the five named users no longer exists, on purpose: the incident playbooks fail on a name that matches
# nobody (fail_on_not_found, on by default, so that a run against the wrong org or with a typo cannot end
# green); the demo turns that into a warning with -e fail_on_not_found=false, and the report shows it as not_found.
ansible-playbook playbooks/revoke_user_sessions.yml \
    -e users_file="$ROOT/playbooks/demo/stolen_laptop_users.txt" \
    -e incident="demo-$(date -u +%Y%m%dT%H%M%SZ)" \
    -e fail_on_not_found=false \
    -e '{"user_groups": ["group-2"]}' "$@"
echo "Okta simulator: $(sessions) active sessions left (the 104 users found had 3 each)"
echo "Report (first lines):"
# The newest report (an earlier demo's, or one named by an older version, may sort after it by name).
report=
for candidate in okta-reports/revoke-user-sessions-*.csv; do
    if [ -z "$report" ] || [ "$candidate" -nt "$report" ]; then report=$candidate; fi
done
head -n 6 "$report"
