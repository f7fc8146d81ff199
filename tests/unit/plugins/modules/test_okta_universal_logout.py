# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""okta_universal_logout in process against the simulator: each user's sessions and refresh tokens end with one
Global Token Revocation call, an OAuth credential only, an org without the feature skips everyone after one call,
check mode, users not found, bad input."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ansible_collections.identity.okta.plugins.modules import okta_universal_logout
from ansible_collections.identity.okta.tests.unit.plugins.modules.containment_helpers import calls, connection

ACCESS_TOKEN = 'eyJsim.unit-test-access-token-universal-logout'
REVOCATION = '/oauth2/v1/global-token-revocation'
LOGINS = ['user1@example.com', 'user2@example.com']


def oauth(running, **args):
    """The module's connection with an OAuth access token (the simulator grants it every scope)."""
    return dict(org_url=running.base_url, access_token=ACCESS_TOKEN, **args)


def ids_by_login(running):
    return dict((u['login'], u['id']) for u in running.state()['users'])


def held_by(running, user_id):
    state = running.state()
    return (len([s for s in state['sessions'] if s['userId'] == user_id]),
            len([t for t in state['refreshTokens'] if t['userId'] == user_id]))


@pytest.fixture(scope='module')
def app_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return (key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()).decode('ascii'),
            key.public_key().public_bytes(serialization.Encoding.PEM,
                                          serialization.PublicFormat.SubjectPublicKeyInfo).decode('ascii'))


def test_logs_each_user_out_of_everything_with_one_call(okta_sim, run_module):
    running = okta_sim(users=3, sessions_per_user=2, oauth_grants_per_user=3, access_tokens=[ACCESS_TOKEN])
    ids = ids_by_login(running)
    result = run_module(okta_universal_logout, **oauth(running, users=LOGINS))
    assert not result.get('failed') and result['changed'] is True, result['msg']
    assert [(r['user'], r['user_id'], r['result']) for r in result['results']] == [
        (login, ids[login], 'logged_out') for login in LOGINS]
    assert all(len(r['request_id']) == 32 for r in result['results'])
    assert result['summary']['logged_out'] == 2 and result['msg'].startswith('Logged out 2 users, 0 not found, 0 failed')
    assert [held_by(running, ids[login]) for login in LOGINS + ['user3@example.com']] == [(0, 0), (0, 0), (2, 3)]
    logouts = [r for r in running.state()['revocations'] if r['kind'] == 'universalLogout']
    assert sorted(r['userId'] for r in logouts) == sorted(ids[login] for login in LOGINS)
    assert calls(running, 'POST', REVOCATION) == 2
    assert set(r['authScheme'] for r in running.requests_log()) == {'Bearer'}, 'no API token is sent'


def test_a_second_run_calls_okta_again_and_reports_the_users_logged_out(okta_sim, run_module):
    # Okta answers 204 whether or not there was anything left to revoke (the module's notes): no "unchanged" here.
    running = okta_sim(users=1, sessions_per_user=1, access_tokens=[ACCESS_TOKEN])
    first = run_module(okta_universal_logout, **oauth(running, users=LOGINS[:1]))
    second = run_module(okta_universal_logout, **oauth(running, users=LOGINS[:1]))
    assert first['summary']['logged_out'] == second['summary']['logged_out'] == 1 and second['changed'] is True
    assert calls(running, 'POST', REVOCATION) == 2


def test_check_mode_says_who_would_be_logged_out_and_calls_nothing(okta_sim, run_module):
    running = okta_sim(users=2, sessions_per_user=1, oauth_grants_per_user=1, access_tokens=[ACCESS_TOKEN])
    result = run_module(okta_universal_logout, _ansible_check_mode=True, **oauth(
        running, users=LOGINS + ['gone@example.com']))
    assert result['changed'] is True and result['msg'].startswith('Would log out 2 users, 1 not found')
    assert result['not_found'] == ['gone@example.com'] and result['plan']['to_act_on'] == 2
    assert calls(running, 'POST', REVOCATION) == 0
    assert running.state()['sessionCount'] == 2 and running.state()['refreshTokenCount'] == 2


def test_an_api_token_skips_every_user_without_a_call(okta_sim, run_module):
    running = okta_sim(users=2, sessions_per_user=1)
    result = run_module(okta_universal_logout, **connection(running, users=LOGINS))
    assert not result.get('failed') and result['changed'] is False, result['msg']
    assert [r['result'] for r in result['results']] == ['skipped', 'skipped']
    assert 'OAuth credential' in result['results'][0]['msg'] and result['summary']['skipped'] == 2
    assert calls(running, 'POST', REVOCATION) == 0 and running.state()['sessionCount'] == 2


def test_an_org_without_universal_logout_skips_everyone_after_one_call(okta_sim, run_module):
    running = okta_sim(users=3, sessions_per_user=1, access_tokens=[ACCESS_TOKEN])
    running.admin('POST', 'features', {'universal_logout': False})
    result = run_module(okta_universal_logout, **oauth(running, users=LOGINS + ['user3@example.com'], concurrency=1))
    assert not result.get('failed') and result['changed'] is False, result['msg']
    assert [r['result'] for r in result['results']] == ['skipped'] * 3
    assert all('HTTP 401 E0000015' in r['msg'] for r in result['results'])
    assert calls(running, 'POST', REVOCATION) == 1 and running.state()['sessionCount'] == 3


def test_a_private_key_app_that_okta_refuses_the_scope_skips_everyone_without_a_call(okta_sim, run_module, app_key):
    running = okta_sim(users=2, sessions_per_user=1, disabled_features=['universal_logout'])
    running.admin('POST', 'oauth-clients', {'clientId': '0oaContainmentApp', 'publicKeyPem': app_key[1]})
    result = run_module(okta_universal_logout, org_url=running.base_url, client_id='0oaContainmentApp',
                        private_key=app_key[0], users=LOGINS)
    assert not result.get('failed') and result['changed'] is False, result['msg']
    assert [r['result'] for r in result['results']] == ['skipped', 'skipped']
    assert 'okta.universalLogout.manage' in result['results'][0]['msg']
    assert calls(running, 'POST', REVOCATION) == 0 and running.state()['sessionCount'] == 2


def test_users_okta_does_not_know_are_not_found_and_the_others_logged_out(okta_sim, run_module):
    running = okta_sim(users=1, sessions_per_user=1, access_tokens=[ACCESS_TOKEN])
    unknown_id = '00uNoSuchUser0000000'
    result = run_module(okta_universal_logout, **oauth(running, users=['gone@example.com', unknown_id] + LOGINS[:1]))
    assert [(r['user'], r['result']) for r in result['results']] == [
        ('gone@example.com', 'not_found'), (unknown_id, 'not_found'), (LOGINS[0], 'logged_out')]
    assert result['not_found'] == ['gone@example.com', unknown_id] and result['changed'] is True
    assert calls(running, 'POST', REVOCATION) == 2, 'an ID is not looked up first: its call answers 404'
    assert running.state()['sessionCount'] == 0


def test_bad_input_fails_naming_the_option_before_any_call(okta_sim, run_module):
    running = okta_sim(users=1, sessions_per_user=1, access_tokens=[ACCESS_TOKEN])
    bad = run_module(okta_universal_logout, **oauth(running, users=[LOGINS[0], 'user2@example.com/../x']))
    assert bad['failed'] and bad['field'] == 'users' and bad['msg'].startswith('users[1] is neither an Okta user ID nor a login')
    nobody = run_module(okta_universal_logout, **oauth(running))
    assert nobody['failed'] and 'one of the following is required: users, groups' in nobody['msg']
    assert running.requests_log() == [] and running.state()['sessionCount'] == 1
