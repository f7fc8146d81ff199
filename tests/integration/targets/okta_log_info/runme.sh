#!/usr/bin/env bash
set -eu
source ../setup_okta_simulator/start.sh --users 6 --sessions-per-user 1
ansible-playbook -i "$INVENTORY_PATH" runme.yml "$@"

# The responder playbook: find the attacker's sessions in the System Log and revoke them.
COLLECTION_ROOT="${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/identity/okta"
WORK=$(mktemp -d)
cd "$WORK"
python - "$OKTA_ORG_URL" <<'PY'
import json, sys, urllib.request
for login in ('user1@example.com', 'user3@example.com'):
    request = urllib.request.Request(sys.argv[1] + '/_simulator/sessions', method='POST',
                                     data=json.dumps({'login': login, 'ip': '198.18.0.99'}).encode())
    urllib.request.urlopen(request)
PY
ANSIBLE_LOCALHOST_WARNING=false ansible-playbook -i localhost, -c local -e "ansible_python_interpreter=$(command -v python)" \
    "$COLLECTION_ROOT/playbooks/revoke_sessions_from_ip.yml" -e '{"ips": ["198.18.0.99"]}' -e since=1h
python - "$OKTA_ORG_URL" <<'PY'
import csv, glob, json, sys, urllib.request
state = json.load(urllib.request.urlopen(sys.argv[1] + '/_simulator/state'))
[report] = glob.glob('okta-reports/revoke-sessions-from-ip-*.csv')
rows = list(csv.DictReader(open(report)))
assert [r['result'] for r in rows] == ['revoked', 'revoked'], rows
left = [s for s in state['sessions'] if s['id'] in {r['session_id'] for r in rows}]
assert left == [], left
assert state['sessionCount'] == 8, state['sessionCount']  # 6 seeded + 2 from 203.0.113.66 stay; the 2 from 198.18.0.99 are gone
print('revoke_sessions_from_ip: 2 sessions from 198.18.0.99 revoked, the rest untouched')
PY
