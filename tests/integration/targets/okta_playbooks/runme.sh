#!/usr/bin/env bash
# The responder playbooks, run as a responder runs them, against the simulator; then
# their reports are checked against what the simulator saw. The group run clears
# 1,000 users on a production org (users bucket: 600 calls a minute, 300 for one API token;
# 75 calls in flight), Okta's minute run as 3 s (time scale 20).
set -eu
COLLECTION_ROOT="${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/identity/okta"
source ../setup_okta_simulator/start.sh --profile production --time-scale 20 --users 1000 --sessions-per-user 1 --groups 1
WORK=$(mktemp -d)
cd "$WORK"
state() { python -c 'import json,sys,urllib.request; print(json.dumps(json.load(urllib.request.urlopen(sys.argv[1] + "/_simulator/state"))))' "$OKTA_ORG_URL"; }
play() { ANSIBLE_LOCALHOST_WARNING=false ansible-playbook -i localhost, -c local \
    -e "ansible_python_interpreter=$(command -v python)" "$COLLECTION_ROOT/playbooks/$1" "${@:2}"; }

# 1. Sessions by ID from a file, with one that does not exist
state | python -c 'import json,sys; s=json.load(sys.stdin)["sessions"]; print("\n".join(x["id"] for x in s[:5]) + "\n102unknownSessionId000000")' > flagged.txt
play audit_sessions.yml -e session_ids_file=flagged.txt
play revoke_sessions.yml -e session_ids_file=flagged.txt

# 2. Users from a file, one of whom Okta does not know: the play fails (fail_on_not_found, on by default)
# after signing out the others, and writes its reports all the same
printf 'user10@example.com\nuser11@example.com\nnobody@example.com\n' > users.txt
rc=0
play revoke_user_sessions.yml -e users_file=users.txt > users.log || rc=$?
if [ "$rc" -ne 2 ] || ! grep -q 'not found (fail_on_not_found): nobody@example.com' users.log; then
    cat users.log; echo "rc $rc"; exit 1
fi

# 3. Every member of a group, 1,000 users, under the rate limit
started=$(date +%s)
play revoke_group_sessions.yml -e '{"user_groups": ["group-1"]}'
echo "group run: $(( $(date +%s) - started )) s"

state > final.json
python - <<'PY'
import csv, glob, json
final = json.load(open('final.json'))

def report(prefix):
    [json_path] = glob.glob('okta-reports/%s-*.json' % prefix)
    [csv_path] = glob.glob('okta-reports/%s-*.csv' % prefix)
    rows = list(csv.DictReader(open(csv_path)))
    document = json.load(open(json_path))
    assert len(rows) == len(document['results']), (prefix, len(rows), len(document['results']))
    assert prefix == 'audit-sessions' or all(row['time'] for row in rows), 'a row without time'
    return document, rows

audit, audit_rows = report('audit-sessions')
assert int(audit['summary']['alive']) == 5 and audit['summary']['missing'] == ['102unknownSessionId000000'], audit['summary']

revoked, rows = report('revoke-sessions')
assert [r['result'] for r in rows] == ['revoked'] * 5 + ['absent'], [r['result'] for r in rows]
assert all(r['request_id'] for r in rows), 'every outcome carries the Okta request id'

users, rows = report('revoke-user-sessions')
assert [r['result'] for r in rows] == ['cleared', 'cleared', 'not_found'], rows

group, rows = report('revoke-group-sessions')
cleared = [r for r in rows if r['result'] == 'cleared']
assert len(rows) == 1000 and len(cleared) == 1000, (len(rows), len(cleared))
assert len(set(r['user_id'] for r in rows)) == 1000, 'a member counted twice'
assert final['sessionCount'] == 0, final['sessionCount']
user_revocations = [r for r in final['revocations'] if r['kind'] == 'user']
assert len(user_revocations) == 1002, len(user_revocations)  # 2 from the users file, 1,000 from the group
print('reports OK; 429 answers from the simulator: %d, all retried (every member cleared)' % final['rateLimited'])
PY
