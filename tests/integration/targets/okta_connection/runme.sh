#!/usr/bin/env bash
# The connection behaviour of every module, through Ansible, and a scan of
# everything Ansible printed at -vvv for any token.
set -eu
source ../setup_okta_simulator/start.sh --users 2 --sessions-per-user 2
export BAD_TOKEN="not-the-token-7d1e0c5a9b"

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
for secret in "$OKTA_API_TOKEN" "$BAD_TOKEN" "SSWS " "Bearer "; do
    if grep -n -F -- "$secret" "$output"; then
        echo "LEAK: '${secret:0:6}...' appears in the output above"
        exit 1
    fi
done
echo "no token in $(wc -l < "$output") lines of -vvv output"
