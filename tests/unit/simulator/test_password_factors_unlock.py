# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Expire a password (with or without a temporary one), reset factors, list them, unlock a user
(POST /api/v1/users/{id}/lifecycle/expire_password, expire_password_with_temp_password, reset_factors, unlock;
GET /api/v1/users/{userId}/factors) as Okta answers them, each exchange checked against Okta's spec."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import requests

from ansible_collections.identity.okta.tests.unit.simulator.sim_helpers import api, bearer, log_events, rate_headers

FORBIDDEN = ('E0000038', "This operation is not allowed in the user's current status.")


def checked(okta_sim, **options):
    options.setdefault('profile', 'developer')
    return okta_sim(check_spec=True, **options)


def user(running, index=0):
    return running.state()['users'][index]


def lifecycle(running, user_id, action, **kwargs):
    return api(running, 'POST', '/api/v1/users/%s/lifecycle/%s' % (user_id, action), **kwargs)


def factors(running, user_id, **kwargs):
    return api(running, 'GET', '/api/v1/users/%s/factors' % user_id, **kwargs)


def set_status(running, user_id, status):
    running.admin('POST', 'user-status', {'userId': user_id, 'status': status})


def no_violations(running):
    state = running.state()
    assert state['specViolations'] == [] and state['specChecked'] > 0
    return state


# -- factors as real orgs have them ------------------------------------------------------------------------

def test_seeded_users_are_enrolled_in_factors_most_with_okta_verify(okta_sim):
    running = checked(okta_sim, users=5)
    kinds = [[(f['factorType'], f['provider']) for f in factors(running, u['id']).json()]
             for u in running.state()['users']]
    assert kinds == [[('push', 'OKTA'), ('token:software:totp', 'OKTA')], [('push', 'OKTA'), ('sms', 'OKTA')],
                     [('token:software:totp', 'GOOGLE')], [], [('push', 'OKTA'), ('token:software:totp', 'OKTA')]]
    push = factors(running, user(running)['id']).json()[0]
    assert push['id'].startswith('opf') and push['status'] == 'ACTIVE' and push['vendorName'] == 'OKTA'
    assert push['profile']['credentialId'] == 'user1@example.com'
    assert push['_links']['self']['href'].endswith('/api/v1/users/%s/factors/%s' % (user(running)['id'], push['id']))
    state = no_violations(running)
    assert state['factorCount'] == 7 and len(state['factors']) == 7


def test_a_factor_can_be_enrolled_and_an_unknown_user_is_404(okta_sim):
    running = checked(okta_sim, users=4)
    fourth = user(running, 3)['id']
    assert factors(running, fourth).json() == []
    running.admin('POST', 'factors', {'userId': fourth, 'factorType': 'email'})
    [email] = factors(running, fourth).json()
    assert email['factorType'] == 'email' and email['profile']['email'] == 'user4@example.com'
    missing = factors(running, '00uNobody')
    assert missing.status_code == 404 and missing.json()['errorSummary'] == 'Not found: Resource not found: 00uNobody (User)'
    with pytest.raises(requests.HTTPError):
        running.admin('POST', 'factors', {'userId': fourth, 'factorType': 'carrier_pigeon'})
    no_violations(running)


# -- reset factors -----------------------------------------------------------------------------------------

def test_reset_factors_unenrolls_every_factor_and_the_user_stays_active(okta_sim):
    running = checked(okta_sim, users=2)
    target = user(running)['id']
    answer = lifecycle(running, target, 'reset_factors')
    assert answer.status_code == 200 and answer.json() == {}
    assert factors(running, target).json() == []
    assert len(factors(running, user(running, 1)['id']).json()) == 2, 'the other user keeps theirs'
    assert api(running, 'GET', '/api/v1/users/' + target).json()['status'] == 'ACTIVE'
    [event] = log_events(running, 'user.mfa.factor.reset_all')
    assert event['target'][0]['id'] == target and event['actor']['alternateId'] == 'okta-admin@example.com'
    # A user without factors: 200 as well (okta-sdk-python's test_reset_factors resets a new user), nothing logged.
    again = lifecycle(running, target, 'reset_factors')
    assert again.status_code == 200 and len(log_events(running, 'user.mfa.factor.reset_all')) == 1
    assert no_violations(running)['factorResets'] == [{'userId': target, 'factorsReset': 2},
                                                      {'userId': target, 'factorsReset': 0}]


@pytest.mark.parametrize('status', ['STAGED', 'PROVISIONED', 'DEPROVISIONED'])
def test_reset_factors_of_a_user_not_activated_or_deactivated_is_403_e0000038(okta_sim, status):
    running = checked(okta_sim, users=1)
    target = user(running)['id']
    set_status(running, target, status)
    refused = lifecycle(running, target, 'reset_factors')
    assert refused.status_code == 403 and (refused.json()['errorCode'], refused.json()['errorSummary']) == FORBIDDEN
    assert refused.json()['errorCauses'] == [] and 'WWW-Authenticate' not in refused.headers
    assert len(factors(running, target).json()) == 2
    no_violations(running)


def test_reset_factors_of_a_suspended_user_works(okta_sim):
    running = checked(okta_sim, users=1)
    target = user(running)['id']
    assert lifecycle(running, target, 'suspend').status_code == 200
    assert lifecycle(running, target, 'reset_factors').status_code == 200
    assert factors(running, target).json() == [] and user(running)['status'] == 'SUSPENDED'


# -- expire the password ---------------------------------------------------------------------------------

def test_expire_password_answers_the_user_password_expired(okta_sim):
    running = checked(okta_sim, users=1, sessions_per_user=1)
    target = user(running)['id']
    answer = lifecycle(running, target, 'expire_password')
    assert answer.status_code == 200
    body = answer.json()
    assert body['id'] == target and body['status'] == 'PASSWORD_EXPIRED' and body['profile']['login'] == 'user1@example.com'
    assert running.state()['sessionCount'] == 1, 'expiring alone ends no session'
    # Expiring an expired password again: 200, still PASSWORD_EXPIRED.
    assert lifecycle(running, 'user1@example.com', 'expire_password').json()['status'] == 'PASSWORD_EXPIRED'
    events = log_events(running, 'user.account.expire_password')
    assert len(events) == 2 and events[0]['target'][0]['id'] == target
    state = no_violations(running)
    assert state['passwordExpirations'][0] == {'userId': target, 'tempPassword': None, 'sessionsCleared': 0}


def test_expire_password_with_a_temporary_password(okta_sim):
    running = checked(okta_sim, users=2, sessions_per_user=2)
    target, other = user(running)['id'], user(running, 1)['id']
    answer = lifecycle(running, target, 'expire_password_with_temp_password')
    assert answer.status_code == 200 and list(answer.json()) == ['tempPassword']
    temporary = answer.json()['tempPassword']
    assert len(temporary) == 8 and temporary.isalnum()
    assert user(running)['status'] == 'PASSWORD_EXPIRED' and running.state()['sessionCount'] == 4
    revoked = lifecycle(running, other, 'expire_password_with_temp_password', params={'revokeSessions': 'true'})
    assert revoked.json()['tempPassword'] != temporary
    state = no_violations(running)
    assert [s['userId'] for s in state['sessions']] == [target, target]
    assert [(e['userId'], e['sessionsCleared']) for e in state['passwordExpirations']] == [(target, 0), (other, 2)]
    assert state['passwordExpirations'][0]['tempPassword'] == temporary


@pytest.mark.parametrize('status', ['STAGED', 'PROVISIONED', 'DEPROVISIONED', 'SUSPENDED', 'LOCKED_OUT'])
@pytest.mark.parametrize('action', ['expire_password', 'expire_password_with_temp_password'])
def test_expire_password_of_a_user_who_cannot_sign_in_with_it_is_403_e0000038(okta_sim, status, action):
    running = checked(okta_sim, users=1)
    target = user(running)['id']
    set_status(running, target, status)
    refused = lifecycle(running, target, action)
    assert refused.status_code == 403 and (refused.json()['errorCode'], refused.json()['errorSummary']) == FORBIDDEN
    assert user(running)['status'] == status and log_events(running, 'user.account.expire_password') == []
    no_violations(running)


# -- unlock ----------------------------------------------------------------------------------------------

def test_unlock_a_locked_out_user(okta_sim):
    running = checked(okta_sim, users=1)
    target = user(running)['id']
    set_status(running, target, 'LOCKED_OUT')
    answer = lifecycle(running, target, 'unlock')
    assert answer.status_code == 200 and answer.json() == {}
    assert user(running)['status'] == 'ACTIVE'
    [event] = log_events(running, 'user.account.unlock_by_admin')
    assert event['target'][0]['id'] == target
    assert no_violations(running)['unlocks'] == [target]


@pytest.mark.parametrize('status', ['ACTIVE', 'SUSPENDED', 'DEPROVISIONED', 'STAGED'])
def test_unlock_of_a_user_not_locked_out_is_okta_s_403_e0000032(okta_sim, status):
    running = checked(okta_sim, users=1)
    target = user(running)['id']
    set_status(running, target, status)
    refused = lifecycle(running, target, 'unlock')
    assert refused.status_code == 403
    assert (refused.json()['errorCode'], refused.json()['errorSummary']) == ('E0000032', 'Unlock is not allowed for this user.')
    assert refused.json()['errorCauses'] == [{'errorSummary': 'The user is not locked out.'}]
    assert user(running)['status'] == status
    no_violations(running)


# -- every route: unknown users, scopes, bucket, status changes -------------------------------------------

@pytest.mark.parametrize('action', ['expire_password', 'expire_password_with_temp_password', 'reset_factors', 'unlock'])
def test_an_unknown_user_is_404(okta_sim, action):
    running = checked(okta_sim, users=1)
    missing = lifecycle(running, '00uNobody', action)
    assert missing.status_code == 404 and missing.json()['errorSummary'] == 'Not found: Resource not found: 00uNobody (User)'
    no_violations(running)


def test_scopes_and_the_users_bucket(okta_sim):
    running = okta_sim(users=1, profile='production')
    target = user(running)['id']
    reader = bearer(running, ['okta.users.read'], client_id='0oaReader')
    assert factors(running, target, token=reader).status_code == 200
    for action in ('expire_password', 'expire_password_with_temp_password', 'reset_factors', 'unlock'):
        refused = lifecycle(running, target, action, token=reader)
        assert refused.status_code == 403 and 'scope="okta.users.manage"' in refused.headers['WWW-Authenticate']
    manager = bearer(running, ['okta.users.manage'], client_id='0oaManager')
    listed = factors(running, target, token=manager)
    reset = lifecycle(running, target, 'reset_factors', token=manager)
    expired = lifecycle(running, target, 'expire_password', token=manager)
    assert [rate_headers(r) for r in (listed, reset, expired)] == [(300, 299), (300, 298), (300, 297)]
    assert [e['actor']['id'] for e in log_events(running) if e['eventType'] in (
        'user.mfa.factor.reset_all', 'user.account.expire_password')] == ['0oaManager', '0oaManager']


def test_a_status_is_set_only_to_one_of_okta_s(okta_sim):
    running = okta_sim(users=1, profile='developer')
    with pytest.raises(requests.HTTPError):
        running.admin('POST', 'user-status', {'userId': user(running)['id'], 'status': 'ON_HOLIDAY'})
    with pytest.raises(requests.HTTPError):
        running.admin('POST', 'user-status', {'login': 'nobody@example.com', 'status': 'ACTIVE'})
    assert running.admin('POST', 'user-status', {'login': 'user1@example.com', 'status': 'STAGED'})['status'] == 'STAGED'
