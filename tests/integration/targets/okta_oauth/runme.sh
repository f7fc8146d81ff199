#!/usr/bin/env bash
# OAuth 2.0 private_key_jwt end to end, configured the way Okta's SDKs are:
# ~/.okta/okta.yaml, OKTA_CLIENT_* variables and task options, in that order of precedence.
set -eu
KEYS=$(mktemp -d)
python - "$KEYS" <<'PY'
import os, sys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
with open(os.path.join(sys.argv[1], 'private.pem'), 'wb') as handle:
    handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()))
with open(os.path.join(sys.argv[1], 'public.pem'), 'wb') as handle:
    handle.write(key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo))
PY
source ../setup_okta_simulator/start.sh --users 3 --sessions-per-user 1 --oauth-client "0oaResponderApp=$KEYS/public.pem"

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
