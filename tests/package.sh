#!/usr/bin/env bash
# Builds the collection tarball, installs it into an empty collections path, and uses
# the installed copy: ansible-doc for every module, and a responder playbook run by its
# FQCN against the simulator. Catches files missing from the build (build_ignore, galaxy.yml).
#
# It must not depend on what the user has installed: identity.okta may already be in
# ~/.ansible/collections or in site-packages, so every Ansible command here sees only the
# empty path this script made.
set -euo pipefail
ROOT=$(pwd)   # the ansible_collections/identity/okta copy made by tests/run_tests.sh
WORK=$(mktemp -d)
OKTA_SIMULATOR_PID=
cleanup() {
    # Only a simulator this script started: `kill` of an empty or 0 PID would signal the whole process group.
    if [ -n "$OKTA_SIMULATOR_PID" ] && [ "$OKTA_SIMULATOR_PID" -gt 0 ] 2>/dev/null; then
        kill "$OKTA_SIMULATOR_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "package check failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

export ANSIBLE_COLLECTIONS_PATH="$WORK/collections"
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
installed="$WORK/collections/ansible_collections/identity/okta"

echo "Running package check 'build'"
ansible-galaxy collection build --output-path "$WORK" "$ROOT" >/dev/null
tarball=$(ls "$WORK"/identity-okta-*.tar.gz)
if tar -tzf "$tarball" | grep -E '(^|/)(tests/output|\.venv|\.ci)/'; then
    echo "development files in $tarball"; exit 1
fi

echo "Running package check 'install'"
ansible-galaxy collection install --offline --force -p "$WORK/collections" "$tarball" >"$WORK/install.log" 2>&1 \
    || { cat "$WORK/install.log"; exit 1; }
[ -f "$installed/MANIFEST.json" ] || { echo "ansible-galaxy did not install into $installed:"; cat "$WORK/install.log"; exit 1; }
# The copy Ansible resolves must be the one just installed, not one from the user's collections path.
resolved=$(ansible-galaxy collection list identity.okta --format json 2>/dev/null | python -c '
import json, sys; print(" ".join(json.load(sys.stdin)))')
[ "$resolved" = "$WORK/collections/ansible_collections" ] || { echo "identity.okta resolves to: $resolved"; exit 1; }

echo "Running package check 'ansible-doc'"
for module in okta_session okta_session_info okta_user_sessions okta_log_info; do
    ansible-doc "identity.okta.$module" | grep -q "org_url" || { echo "no docs for $module"; exit 1; }
done
ansible-doc -t filter identity.okta.to_csv >/dev/null

echo "Running package check 'playbook'"
eval "$(python "$ROOT/tests/okta_simulator" --background --profile developer --time-scale 20 \
    --users 20 --sessions-per-user 2 --groups 2)"
export OKTA_ORG_URL OKTA_API_TOKEN
(cd "$WORK" && ANSIBLE_LOCALHOST_WARNING=false ansible-playbook identity.okta.revoke_user_sessions \
    -e '{"users": ["user1@example.com", "user2@example.com"], "user_groups": ["group-2"]}' >"$WORK/play.log") \
    || { cat "$WORK/play.log"; exit 1; }
cleared=$(python -c 'import json,sys,urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1] + "/_simulator/state"))["revocationCount"])' "$OKTA_ORG_URL")
# user1 plus the 10 members of group-2 (user2 among them)
[ "$cleared" = 11 ] || { echo "expected 11 users cleared, simulator saw $cleared"; cat "$WORK/play.log"; exit 1; }
ls "$WORK"/okta-reports/revoke-user-sessions-*.json "$WORK"/okta-reports/revoke-user-sessions-*.csv >/dev/null
echo "installed collection: built, documented and ran; $cleared users cleared"

echo "Running package check 'execution-environment'"
# ee/execution-environment.yml, the EE definition docs/awx.md builds: ansible-builder writes its build
# context (no container engine here to build the image), which must install this tarball and ansible-core,
# and finds in the installed collection the Python and system packages it needs.
mkdir "$WORK/ee" && cp "$ROOT/ee/execution-environment.yml" "$tarball" "$WORK/ee/"
(cd "$WORK/ee" && ansible-builder create --file execution-environment.yml --context context \
    --output-filename Containerfile >"$WORK/ee.log" 2>&1) || { cat "$WORK/ee.log"; exit 1; }
containerfile="$WORK/ee/context/Containerfile"
[ -f "$containerfile" ] || { echo "ansible-builder wrote no Containerfile:"; cat "$WORK/ee.log"; exit 1; }
[ -f "$WORK/ee/context/_build/collections/$(basename "$tarball")" ] \
    || { echo "the collection tarball is not in the build context"; exit 1; }
grep -q 'ansible-galaxy collection install' "$containerfile" || { echo "the Containerfile installs no collection"; exit 1; }
grep -q 'ansible-core==2.19.14' "$containerfile" || { echo "the Containerfile pins no ansible-core"; exit 1; }
grep -q "$(basename "$tarball")" "$WORK/ee/context/_build/requirements.yml" \
    || { echo "the build context's requirements.yml does not name the tarball"; exit 1; }
ansible-builder introspect "$WORK/collections" >"$WORK/introspect.txt" 2>&1 || { cat "$WORK/introspect.txt"; exit 1; }
for needed in requests jmespath; do
    grep -q "^- '${needed}[>=]" "$WORK/introspect.txt" || { echo "ansible-builder does not see $needed:"; cat "$WORK/introspect.txt"; exit 1; }
done
echo "execution environment: build context with $(grep -c '^RUN' "$containerfile") RUN steps; the collection brings requests and jmespath"
