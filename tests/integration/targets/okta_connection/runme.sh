#!/usr/bin/env bash
# The connection behaviour of every module, through Ansible, and a scan of everything
# Ansible printed at -vvv for any secret: API tokens, a session token, a private key.
set -eu
# ansible-core 2.21 leaves the invocation out of results unless asked (INJECT_INVOCATION); the scan below
# must see the masked module arguments, or it proves nothing. Older versions ignore the variable.
export ANSIBLE_INJECT_INVOCATION=true
COLLECTION_ROOT="${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/identity/okta"
KEYS=$(mktemp -d)
python "$COLLECTION_ROOT/tests/okta_simulator/tls.py" "$KEYS"   # cert.pem, key.pem, private.pem, public.pem
mkdir "$KEYS/other" && python "$COLLECTION_ROOT/tests/okta_simulator/tls.py" "$KEYS/other"   # an unrelated CA
# Both simulators: a developer org's limits, Okta's minute run as 6 s (time scale 10: a session token lives 30 s).
source ../setup_okta_simulator/start.sh --profile developer --time-scale 10 --users 2 --sessions-per-user 2 \
    --oauth-client "0oaScanApp=$KEYS/public.pem"
# A second simulator speaks https with a self-signed certificate.
tls_info=$(python "$COLLECTION_ROOT/tests/okta_simulator" --background --profile developer --time-scale 10 \
    --api-token tls-sim-token-5c1a \
    --users 1 --sessions-per-user 1 --tls-cert "$KEYS/cert.pem" --tls-key "$KEYS/key.pem")
TLS_URL=$(sed -n 's/^OKTA_ORG_URL=//p' <<<"$tls_info")
tls_pid=$(sed -n 's/^OKTA_SIMULATOR_PID=//p' <<<"$tls_info")
stop_both() {
    local status=$?
    set +e   # a failing target must still stop both simulators and print the spec verdict
    [ -z "$tls_pid" ] || kill "$tls_pid" 2>/dev/null || true
    (exit "$status")   # stop_simulator reads the exit status of the target from $?
    stop_simulator
}
trap stop_both EXIT
export BAD_TOKEN="not-the-token-7d1e0c5a9b" TLS_URL TLS_CA="$KEYS/cert.pem" OTHER_CA="$KEYS/other/cert.pem" PRIVATE_KEY_FILE="$KEYS/private.pem"

output="${OUTPUT_DIR}/okta_connection.out"
if ! ansible-playbook -i "$INVENTORY_PATH" runme.yml -vvv "$@" > "$output" 2>&1; then
    cat "$output"
    exit 1
fi
# Only the SDK's variable names, exported in the shell: the way to hand a module a token from the environment.
# (The task keyword `environment:` would show it: Ansible prints that at -vvv.)
sdk_url=$OKTA_ORG_URL
sdk_token=$OKTA_API_TOKEN
if ! env -u OKTA_ORG_URL -u OKTA_API_TOKEN OKTA_CLIENT_ORGURL="$sdk_url" OKTA_CLIENT_TOKEN="$sdk_token" \
        ansible-playbook -i "$INVENTORY_PATH" sdk_env.yml -vvv "$@" >> "$output" 2>&1; then
    cat "$output"
    exit 1
fi
tail -n 3 "$output"

# The scan must look at module invocations, or it proves nothing.
grep -q 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' "$output" || { echo "no masked invocation in the output"; exit 1; }
grep -q '"module_args"' "$output" || { echo "no module arguments in the output"; exit 1; }
session_token=$(cat "${OUTPUT_DIR}/session_token.txt")
key_line=$(sed -n 5p "$KEYS/private.pem")   # a line from the middle of the key's base64
for secret in "$OKTA_API_TOKEN" "$BAD_TOKEN" "tls-sim-token-5c1a" "$session_token" "$key_line" "SSWS " "Bearer "; do
    if grep -n -F -- "$secret" "$output"; then
        echo "LEAK: '${secret:0:6}...' appears in the output above"
        exit 1
    fi
done
echo "no token, session token or key in $(wc -l < "$output") lines of -vvv output"
