#!/usr/bin/env bash
# OAuth 2.0 private_key_jwt end to end, configured the way Okta's SDKs are:
# ~/.okta/okta.yaml, OKTA_CLIENT_* variables and task options, in that order of precedence.
set -eu
COLLECTION_ROOT="${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/identity/okta"
KEYS=$(mktemp -d)
python "$COLLECTION_ROOT/tests/okta_simulator/tls.py" "$KEYS"   # cert.pem, key.pem, private.pem, public.pem
# A developer org's limits, Okta's minute run as 3 s (time scale 20: an access token lives 180 s).
source ../setup_okta_simulator/start.sh --profile developer --time-scale 20 --users 3 --sessions-per-user 1 \
    --oauth-client "0oaResponderApp=$KEYS/public.pem"

# The SDK configuration file in a HOME of its own; no API token anywhere.
mkdir -p "$KEYS/home/.okta"
cat > "$KEYS/home/.okta/okta.yaml" <<YAML
okta:
  client:
    orgUrl: $OKTA_ORG_URL
    authorizationMode: PrivateKey
    clientId: 0oaResponderApp
    privateKey: $KEYS/private.pem
YAML
simulator_url=$OKTA_ORG_URL
env -u OKTA_ORG_URL -u OKTA_API_TOKEN SIMULATOR_URL="$simulator_url" HOME="$KEYS/home" \
    ansible-playbook -i "$INVENTORY_PATH" runme.yml -e "private_key_path=$KEYS/private.pem" "$@"
