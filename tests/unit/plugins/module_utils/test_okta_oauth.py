# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""OAuth 2.0 client credentials with private_key_jwt, end to end against the simulator."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ansible_collections.identity.okta.plugins.module_utils import okta_api
from ansible_collections.identity.okta.plugins.module_utils.okta_auth import load_private_key
from ansible_collections.identity.okta.plugins.module_utils.okta_client import OktaClient
from ansible_collections.identity.okta.plugins.module_utils.okta_errors import OktaApiError


def new_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode('ascii')
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode('ascii')
    return private_pem, public_pem


@pytest.fixture(scope='module')
def app_key():
    return new_key()


@pytest.fixture
def oauth_sim(okta_sim, app_key):
    running = okta_sim(users=2, sessions_per_user=1, groups=1)
    running.admin('POST', 'oauth-clients', {'clientId': '0oaServiceApp', 'publicKeyPem': app_key[1]})
    return running


def private_key_client(running, private_pem, scopes, client_id='0oaServiceApp'):
    return OktaClient(running.base_url, private_key_jwt=dict(
        client_id=client_id, key=load_private_key(private_pem), scopes=scopes, key_id='kid-1'))


def test_access_token_is_obtained_once_and_used_for_every_call(oauth_sim, app_key):
    client = private_key_client(oauth_sim, app_key[0], ['okta.users.read', 'okta.sessions.read'])
    session_id = oauth_sim.state()['sessions'][0]['id']
    assert okta_api.get_user(client, 'user1@example.com')['profile']['login'] == 'user1@example.com'
    assert okta_api.get_session(client, session_id)['id'] == session_id
    assert oauth_sim.state()['oauthGrants'] == 1
    assert [r['authScheme'] for r in oauth_sim.requests_log()] == ['Bearer', 'Bearer']


def test_a_call_outside_the_granted_scopes_is_okta_403(oauth_sim, app_key):
    client = private_key_client(oauth_sim, app_key[0], ['okta.users.read'])
    user_id = oauth_sim.state()['users'][0]['id']
    with pytest.raises(OktaApiError) as caught:
        okta_api.revoke_user_sessions(client, user_id)
    assert caught.value.status == 403
    assert caught.value.error_code == 'E0000006'
    assert oauth_sim.state()['revocationCount'] == 0


def test_manage_scope_also_reads(oauth_sim, app_key):
    client = private_key_client(oauth_sim, app_key[0], ['okta.users.manage'])
    assert okta_api.get_user(client, 'user2@example.com')['profile']['login'] == 'user2@example.com'


def test_an_assertion_signed_by_another_key_is_refused(oauth_sim):
    other_private, dummy = new_key()
    client = private_key_client(oauth_sim, other_private, ['okta.users.read'])
    with pytest.raises(OktaApiError) as caught:
        okta_api.get_user(client, 'user1@example.com')
    assert caught.value.status == 401
    assert caught.value.error_code == 'invalid_client'
    assert 'signature' in caught.value.error_summary


def test_an_unknown_client_is_refused(oauth_sim, app_key):
    client = private_key_client(oauth_sim, app_key[0], ['okta.users.read'], client_id='0oaSomebodyElse')
    with pytest.raises(OktaApiError) as caught:
        okta_api.get_user(client, 'user1@example.com')
    assert caught.value.error_code == 'invalid_client'


@pytest.mark.parametrize('text, why', [
    ('not a key at all', 'neither PEM text nor the path'),
    ('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', 'not an unencrypted PEM private key'),
])
def test_a_private_key_that_is_not_a_key(text, why):
    with pytest.raises(ValueError) as caught:
        load_private_key(text)
    assert why in str(caught.value)


def test_private_key_from_a_file(tmp_path, app_key):
    path = tmp_path / 'app.pem'
    path.write_text(app_key[0])
    assert load_private_key(str(path)).key_size == 2048


def test_an_access_token_is_renewed_before_it_expires(okta_sim, app_key):
    # Okta's access tokens live an hour and an incident run can take longer: here they live 2 s.
    oauth_sim = okta_sim(users=2, sessions_per_user=1, groups=1, token_lifetime_seconds=120)
    oauth_sim.admin('POST', 'oauth-clients', {'clientId': '0oaServiceApp', 'publicKeyPem': app_key[1]})
    client = private_key_client(oauth_sim, app_key[0], ['okta.users.read'])
    for dummy in range(6):
        assert okta_api.get_user(client, 'user1@example.com')['profile']['login'] == 'user1@example.com'
        time.sleep(0.75)
    assert client.session.auth.tokens_fetched >= 2
    assert oauth_sim.state()['oauthGrants'] == client.session.auth.tokens_fetched
    # Renewed ahead of time: no call was refused and repeated.
    assert len([r for r in oauth_sim.requests_log() if r['path'].startswith('/api/')]) == 6 and client.retries == 0


def test_a_token_okta_refuses_mid_run_is_renewed_once_and_the_call_repeated(okta_sim, app_key):
    # Okta says the token expires in an hour (expires_in), but this org ends it after 2 s: only the 401 tells.
    oauth_sim = okta_sim(users=2, sessions_per_user=1, groups=1, token_lifetime_seconds=120)
    oauth_sim.admin('POST', 'oauth-clients', {'clientId': '0oaServiceApp', 'publicKeyPem': app_key[1]})
    client = private_key_client(oauth_sim, app_key[0], ['okta.users.read'])
    assert okta_api.get_user(client, 'user1@example.com')['profile']['login'] == 'user1@example.com'
    client.session.auth._expires_at = None  # as if Okta had not said when the token expires
    time.sleep(2.2)
    assert okta_api.get_user(client, 'user2@example.com')['profile']['login'] == 'user2@example.com'
    assert client.session.auth.tokens_fetched == 2 and oauth_sim.state()['expiredTokens'] == 1
