#!/usr/bin/env bash
# Containment (issue 14): the tiered playbook and each containment module, against a production org
# (its minute run as 3 s) whose users hold OAuth refresh tokens from the seeded apps.
set -eu
COLLECTION_ROOT="${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/identity/okta"
KEYS=$(mktemp -d)
python "$COLLECTION_ROOT/tests/okta_simulator/tls.py" "$KEYS"   # private.pem, public.pem for the OAuth app
source ../setup_okta_simulator/start.sh --profile production --time-scale 20 --users 12 --sessions-per-user 2 \
    --groups 2 --oauth-grants-per-user 3 --oauth-client "0oaContainApp=$KEYS/public.pem"
export PRIVATE_KEY_FILE="$KEYS/private.pem"
ansible-playbook -i "$INVENTORY_PATH" runme.yml "$@"

# The tiered playbook, as a responder runs it: preflight, then every tier, one report row per user per tier.
WORK=$(mktemp -d)
cd "$WORK"
printf 'protected_users:\n  - user4@example.com\n' > okta-protected.yml
printf 'user1@example.com\nuser2@example.com\nuser3@example.com\nuser4@example.com\n' > compromised.txt
play() { ANSIBLE_LOCALHOST_WARNING=false ansible-playbook -i localhost, -c local \
    -e "ansible_python_interpreter=$(command -v python)" "$COLLECTION_ROOT/playbooks/contain_users.yml" "$@"; }
play -e incident=INC-1 -e users_file=compromised.txt \
    -e '{"tiers": ["sessions", "oauth_tokens", "universal_logout", "risk", "suspend"]}' | tee play.log
# Run again after the first ran to the end: a fresh run, given Okta's state now (the journal resumes only an
# interrupted run) - sessions are cleared again, what is already so is unchanged.
play -e incident=INC-1 -e users_file=compromised.txt \
    -e '{"tiers": ["sessions", "oauth_tokens", "universal_logout", "risk", "suspend"]}' > again.log
python - "$OKTA_ORG_URL" <<'PY'
import csv, glob, json, os, sys, urllib.request
state = json.load(urllib.request.urlopen(sys.argv[1] + '/_simulator/state'))
users = dict((u['login'], u) for u in state['users'])
reports = sorted(glob.glob('okta-reports/contain-users-*.json'), key=lambda path: os.stat(path).st_mtime)
first, second = (json.load(open(r)) for r in reports)
rows = first['results']
tiers = ['sessions', 'oauth_tokens', 'universal_logout', 'risk', 'suspend']
assert len(rows) == 4 * len(tiers), len(rows)  # one row per user per tier
by = dict(((r['tier'], r['user']), r) for r in rows)
for login in ('user1@example.com', 'user2@example.com', 'user3@example.com'):
    assert by['sessions', login]['result'] == 'cleared', by['sessions', login]
    assert by['oauth_tokens', login]['result'] in ('revoked', 'none'), by['oauth_tokens', login]
    # An API token cannot do Universal Logout: the preflight says so and the tier is a clear skip.
    assert by['universal_logout', login]['result'] == 'skipped' and 'OAuth' in by['universal_logout', login]['msg']
    assert by['risk', login]['result'] == 'set', by['risk', login]
    assert by['suspend', login]['result'] == 'suspended', by['suspend', login]
    assert users[login]['status'] == 'SUSPENDED', users[login]['status']
for tier in tiers:
    assert by[tier, 'user4@example.com']['result'] == 'skipped_protected', (tier, by[tier, 'user4@example.com'])
assert users['user4@example.com']['status'] == 'ACTIVE'
assert first['summary']['preflight']['universal_logout']['supported'] is False
assert [list(csv.DictReader(open(r[:-5] + '.csv'))) and True for r in reports] == [True, True]
again = dict(((r['tier'], r['user']), r['result']) for r in second['results'])
assert again['sessions', 'user1@example.com'] == 'cleared', again
assert again['suspend', 'user1@example.com'] == 'unchanged', again
assert again['risk', 'user1@example.com'] == 'unchanged', again
assert 'skipped_done' not in again.values(), again
print('contain_users: 5 tiers x 4 users reported; protected user untouched; Universal Logout a clear skip with an '
      'API token; the rerun after a finished run acted on Okta\'s state, skipping nobody')
PY
