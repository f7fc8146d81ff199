# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Suspend and unsuspend (POST /api/v1/users/{id}/lifecycle/suspend, unsuspend) and a user's risk
(GET and PUT /api/v1/users/{userId}/risk, Identity Threat Protection) as Okta answers them, with the
System Log events Okta writes and the answer of an org without Identity Threat Protection."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import requests

from ansible_collections.identity.okta.tests.unit.simulator.sim_helpers import (
    api, bearer, log_events, rate_headers, token_request)


def user(running, index=0):
    return running.state()['users'][index]


def lifecycle(running, user_id, action, **kwargs):
    return api(running, 'POST', '/api/v1/users/%s/lifecycle/%s' % (user_id, action), **kwargs)


# -- suspend and unsuspend ----------------------------------------------------------------------------

def test_suspend_an_active_user_clears_their_sessions(okta_sim):
    running = okta_sim(users=2, sessions_per_user=2, profile='developer')
    target, other = user(running, 0), user(running, 1)
    answer = lifecycle(running, target['id'], 'suspend')
    assert answer.status_code == 200 and answer.json() == {}
    got = api(running, 'GET', '/api/v1/users/' + target['id']).json()
    assert got['status'] == 'SUSPENDED' and got['statusChanged'] == got['lastUpdated']
    state = running.state()
    assert sorted(set(s['userId'] for s in state['sessions'])) == [other['id']]
    assert state['revocations'] == [{'kind': 'suspend', 'userId': target['id'], 'sessionsCleared': 2}]
    [event] = log_events(running, 'user.lifecycle.suspend')
    assert event['displayMessage'] == 'Suspend Okta user' and event['target'][0]['id'] == target['id']
    assert event['actor']['alternateId'] == 'okta-admin@example.com'
    found = api(running, 'GET', '/api/v1/users', params={'search': 'status eq "SUSPENDED"'}).json()
    assert [u['id'] for u in found] == [target['id']]


def test_suspending_twice_and_unsuspending_an_active_user_are_okta_s_400(okta_sim):
    running = okta_sim(users=1, profile='developer')
    user_id = user(running)['id']
    assert lifecycle(running, user_id, 'suspend').status_code == 200
    again = lifecycle(running, user_id, 'suspend')
    assert again.status_code == 400
    assert (again.json()['errorCode'], again.json()['errorSummary']) == ('E0000001', 'Api validation failed: suspendUser')
    assert again.json()['errorCauses'] == [{'errorSummary': 'Cannot suspend a user that is not active'}]
    assert lifecycle(running, user_id, 'unsuspend').status_code == 200
    assert api(running, 'GET', '/api/v1/users/' + user_id).json()['status'] == 'ACTIVE'
    active = lifecycle(running, user_id, 'unsuspend')
    assert active.status_code == 400 and active.json()['errorCode'] == 'E0000001'
    assert active.json()['errorCauses'] == [{'errorSummary': 'Cannot unsuspend a user that is not suspended'}]
    assert [e['eventType'] for e in log_events(running) if e['eventType'].startswith('user.lifecycle')] == [
        'user.lifecycle.suspend', 'user.lifecycle.unsuspend']


def test_suspend_takes_a_login_and_an_unknown_user_is_404(okta_sim):
    running = okta_sim(users=1, profile='developer')
    assert lifecycle(running, 'user1@example.com', 'suspend').status_code == 200
    missing = lifecycle(running, '00uNobody', 'unsuspend')
    assert missing.status_code == 404 and missing.json()['errorSummary'] == \
        'Not found: Resource not found: 00uNobody (User)'


def test_a_suspended_user_cannot_sign_in(okta_sim):
    running = okta_sim(users=1, profile='developer')
    token = running.admin('POST', 'session-tokens', {'login': 'user1@example.com'})['sessionToken']
    assert lifecycle(running, 'user1@example.com', 'suspend').status_code == 200
    refused = api(running, 'POST', '/api/v1/sessions', json={'sessionToken': token})
    assert refused.status_code == 401 and refused.json()['errorCode'] == 'E0000004'
    with pytest.raises(requests.HTTPError):
        running.admin('POST', 'sessions', {'login': 'user1@example.com'})


def test_lifecycle_needs_users_manage_and_counts_in_the_users_bucket(okta_sim):
    running = okta_sim(users=1, profile='production')
    user_id = user(running)['id']
    reader = bearer(running, ['okta.users.read'], client_id='0oaReader')
    refused = lifecycle(running, user_id, 'suspend', token=reader)
    assert refused.status_code == 403 and 'scope="okta.users.manage"' in refused.headers['WWW-Authenticate']
    manager = bearer(running, ['okta.users.manage'], client_id='0oaManager')
    first = lifecycle(running, user_id, 'suspend', token=manager)
    listed = api(running, 'GET', '/api/v1/users', token=manager, params={'limit': 1})
    assert rate_headers(first) == (300, 299) and rate_headers(listed) == (300, 298)
    [event] = log_events(running, 'user.lifecycle.suspend')
    assert event['actor']['id'] == '0oaManager'


# -- risk ---------------------------------------------------------------------------------------------

def risk(running, user_id, method='GET', **kwargs):
    return api(running, method, '/api/v1/users/%s/risk' % user_id, **kwargs)


def test_a_user_s_risk_is_none_until_set_then_created_then_updated(okta_sim):
    running = okta_sim(users=1, profile='developer')
    user_id = user(running)['id']
    none = risk(running, user_id)
    assert none.status_code == 200 and none.json()['riskLevel'] == 'NONE' and 'reason' not in none.json()
    assert none.json()['_links']['self'] == {'href': '%s/api/v1/users/%s/risk' % (running.base_url, user_id),
                                             'hints': {'allow': ['GET', 'PUT']}}
    assert none.json()['_links']['user']['href'].endswith('/api/v1/users/' + user_id)
    created = risk(running, user_id, 'PUT', json={'riskLevel': 'HIGH'})
    assert created.status_code == 201
    assert (created.json()['riskLevel'], created.json()['reason']) == ('HIGH', 'override.by.admin')
    updated = risk(running, user_id, 'PUT', json={'riskLevel': 'LOW', 'riskReason': 'Cleared by the SOC, case 42.'})
    assert updated.status_code == 200 and updated.json()['reason'] == 'Cleared by the SOC, case 42.'
    same = risk(running, user_id, 'PUT', json={'riskLevel': 'LOW'})
    assert same.status_code == 200
    assert risk(running, user_id).json()['riskLevel'] == 'LOW' and running.state()['users'][0]['riskLevel'] == 'LOW'
    changes = log_events(running, 'user.risk.change')
    assert [e['debugContext']['debugData'] for e in changes] == [
        {'riskLevel': 'HIGH', 'priorRiskLevel': 'NONE', 'direction': 'increase', 'reasonCode': 'override.by.admin'},
        {'riskLevel': 'LOW', 'priorRiskLevel': 'HIGH', 'direction': 'decrease',
         'reasonCode': 'Cleared by the SOC, case 42.'}], 'no event when the level stays LOW'
    assert all(e['target'][0]['id'] == user_id and e['actor']['type'] == 'User' for e in changes)


@pytest.mark.parametrize('body, code, summary', [
    ({'riskLevel': 'NONE'}, 'E0000001', 'Api validation failed: riskLevel'),
    ({'riskLevel': 'high'}, 'E0000001', 'Api validation failed: riskLevel'),
    ({}, 'E0000001', 'Api validation failed: riskLevel'),
    ({'riskLevel': 'HIGH', 'riskReason': 'no <script> here'}, 'E0000001', 'Api validation failed: riskReason'),
    ({'riskLevel': 'HIGH', 'riskReason': 'x' * 501}, 'E0000001', 'Api validation failed: riskReason'),
    (None, 'E0000003', 'The request body was not well-formed.'),
])
def test_a_risk_the_spec_does_not_allow_is_400(okta_sim, body, code, summary):
    running = okta_sim(users=1, profile='developer')
    user_id = user(running)['id']
    answer = risk(running, user_id, 'PUT', **({'json': body} if body is not None else {'data': b'{not json'}))
    assert answer.status_code == 400 and (answer.json()['errorCode'], answer.json()['errorSummary']) == (code, summary)
    assert risk(running, user_id).json()['riskLevel'] == 'NONE' and log_events(running, 'user.risk.change') == []


def test_risk_scopes_and_an_unknown_user(okta_sim):
    running = okta_sim(users=1, profile='developer')
    user_id = user(running)['id']
    reader = bearer(running, ['okta.userRisk.read'], client_id='0oaRiskReader')
    assert risk(running, user_id, token=reader).status_code == 200
    refused = risk(running, user_id, 'PUT', token=reader, json={'riskLevel': 'HIGH'})
    assert refused.status_code == 403 and 'scope="okta.userRisk.manage"' in refused.headers['WWW-Authenticate']
    manager = bearer(running, ['okta.userRisk.manage'], client_id='0oaRiskManager')
    assert risk(running, user_id, 'PUT', token=manager, json={'riskLevel': 'MEDIUM'}).status_code == 201
    assert risk(running, user_id, token=manager).status_code == 200  # manage also reads
    users_manager = bearer(running, ['okta.users.manage'], client_id='0oaUsersManager')
    assert risk(running, user_id, token=users_manager).status_code == 403
    missing = risk(running, '00uNobody')
    assert missing.status_code == 404 and missing.json()['errorSummary'].endswith('(User)')


# -- an org without Identity Threat Protection ---------------------------------------------------------

def test_without_identity_threat_protection_risk_is_okta_s_401_e0000015(okta_sim):
    running = okta_sim(users=1, profile='production', disabled_features=['identity_threat_protection'])
    user_id = user(running)['id']
    for method, kwargs in (('GET', {}), ('PUT', {'json': {'riskLevel': 'HIGH'}})):
        answer = risk(running, user_id, method, **kwargs)
        assert answer.status_code == 401
        assert answer.json()['errorCode'] == 'E0000015'
        assert answer.json()['errorSummary'] == 'You do not have permission to access the feature you are requesting'
        assert answer.json()['errorCauses'] == [] and 'WWW-Authenticate' not in answer.headers
    # Counted like any call (the cassettes show the rate-limit headers on these 401s).
    assert rate_headers(answer) == (300, 298)
    assert log_events(running, 'user.risk.change') == []
    # Nor does the token endpoint grant the feature's scopes.
    refused = token_request(running, ['okta.users.read', 'okta.userRisk.manage'])
    assert refused.status_code == 400 and refused.json()['error'] == 'invalid_scope'
    assert running.state()['features'] == {'identity_threat_protection': False, 'universal_logout': True}


def test_the_feature_can_be_switched_at_run_time(okta_sim):
    running = okta_sim(users=1, profile='developer')
    user_id = user(running)['id']
    assert running.admin('GET', 'features') == {'identity_threat_protection': True, 'universal_logout': True}
    assert running.admin('POST', 'features', {'identity_threat_protection': False}) == {
        'identity_threat_protection': False, 'universal_logout': True}
    assert risk(running, user_id).status_code == 401
    running.admin('POST', 'features', {'identity_threat_protection': True})
    assert risk(running, user_id).status_code == 200
    with pytest.raises(requests.HTTPError):
        running.admin('POST', 'features', {'no_such_feature': False})


def test_an_unknown_feature_is_refused(okta_sim):
    with pytest.raises(ValueError, match='unknown feature'):
        okta_sim(disabled_features=['time_travel'])
