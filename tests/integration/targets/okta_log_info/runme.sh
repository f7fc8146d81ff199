#!/usr/bin/env bash
set -eu
# A developer org's limits (System Log: 20 calls a minute, 10 for one token), Okta's minute run as 3 s (time scale 20).
source ../setup_okta_simulator/start.sh --profile developer --time-scale 20 --users 6 --sessions-per-user 1
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
# The System Log names sessions by their Identity Engine ID (idx...); the simulator's state has it as externalId.
left = [s for s in state['sessions'] if {s['id'], s.get('externalId')} & {r['session_id'] for r in rows}]
assert left == [], left
# 6 seeded + 2 from 203.0.113.66 + 1 of the user with an odd login (runme.yml) stay; the 2 from 198.18.0.99 are gone
assert state['sessionCount'] == 9, state['sessionCount']
print('revoke_sessions_from_ip: 2 sessions from 198.18.0.99 revoked, the rest untouched')
PY

# Issue 10: a user value that closes the quote and adds "or actor.alternateId sw """ selected every session of
# the org. The module now quotes it: the playbook finds 0 sessions, in check mode and for real, and revokes none.
ATTACK='user="nobody@example.com\" or actor.alternateId sw \""'
python - "$OKTA_ORG_URL" > before.json <<'PY'
import json, sys, urllib.request
print(json.dumps(json.load(urllib.request.urlopen(sys.argv[1] + '/_simulator/state'))))
PY
attack() {  # attack <directory> [--check]: run the playbook with the attacker's value in a directory of its own
    mkdir "$1" && (cd "$1" && ANSIBLE_LOCALHOST_WARNING=false ansible-playbook -i localhost, -c local \
        -e "ansible_python_interpreter=$(command -v python)" "$COLLECTION_ROOT/playbooks/revoke_sessions_from_ip.yml" \
        -e "$ATTACK" -e since=1d "${@:2}")
}
attack preview --check
attack for-real
python - "$OKTA_ORG_URL" <<'PY'
import csv, glob, json, sys, urllib.request
from urllib.parse import parse_qs
before = json.load(open('before.json'))
after = json.load(urllib.request.urlopen(sys.argv[1] + '/_simulator/state'))
for run in ('preview', 'for-real'):
    [report] = glob.glob(run + '/okta-reports/revoke-sessions-from-ip-*.json')
    document = json.load(open(report))
    assert document['results'] == [], (run, document['results'])
    assert document['summary']['users'] == [] and int(document['summary']['revoked']) == 0, document['summary']
    [rows] = [list(csv.DictReader(open(path))) for path in glob.glob(run + '/okta-reports/revoke-sessions-from-ip-*.csv')]
    assert rows == [], rows
assert after['sessionCount'] == before['sessionCount'] == 9, (before['sessionCount'], after['sessionCount'])
assert sorted(s['id'] for s in after['sessions']) == sorted(s['id'] for s in before['sessions'])
assert after['revocations'] == before['revocations'], 'a session was revoked'
logs = [r for r in json.load(urllib.request.urlopen(sys.argv[1] + '/_simulator/requests')) if r['path'] == '/api/v1/logs']
sent = parse_qs(logs[-1]['query'])['filter'][0]
assert 'actor.alternateId eq "nobody@example.com\\" or actor.alternateId sw \\""' in sent, sent
print('revoke_sessions_from_ip: the injection selected 0 of %d sessions and revoked none' % after['sessionCount'])
PY

# Issue 14: scope=users signs out every user seen from the address, all of their sessions (user5 also has a
# session from elsewhere, which goes too); scope=sessions (above) revoked only the sessions from there.
mkdir wide && cd wide
python - "$OKTA_ORG_URL" <<'PY'
import json, sys, urllib.request
request = urllib.request.Request(sys.argv[1] + '/_simulator/sessions', method='POST',
                                 data=json.dumps({'login': 'user5@example.com', 'ip': '198.18.0.77'}).encode())
urllib.request.urlopen(request)
PY
ANSIBLE_LOCALHOST_WARNING=false ansible-playbook -i localhost, -c local -e "ansible_python_interpreter=$(command -v python)" \
    "$COLLECTION_ROOT/playbooks/revoke_sessions_from_ip.yml" -e '{"ips": ["198.18.0.77"]}' -e since=1h -e scope=users
python - "$OKTA_ORG_URL" <<'PY'
import csv, glob, json, sys, urllib.request
state = json.load(urllib.request.urlopen(sys.argv[1] + '/_simulator/state'))
user5 = [u['id'] for u in state['users'] if u['login'] == 'user5@example.com'][0]
[report] = glob.glob('okta-reports/revoke-sessions-from-ip-*.csv')
rows = list(csv.DictReader(open(report)))
assert [(r['user_id'], r['result']) for r in rows] == [(user5, 'cleared')], rows
assert [s for s in state['sessions'] if s['userId'] == user5] == [], 'a session of user5 is left'
assert state['revocations'][-1]['kind'] == 'user' and state['revocations'][-1]['userId'] == user5
print('revoke_sessions_from_ip scope=users: the user seen from 198.18.0.77 signed out of both sessions')
PY
