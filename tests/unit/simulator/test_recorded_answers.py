# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What Okta answered in recorded exchanges, and the simulator answers the same: nulls, a user's ``_links`` by
status, and the caching headers. Each test names the cassette of okta/okta-sdk-python
(``tests/integration/cassettes/``, commit f68509793ade) its expectation comes from."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.identity.okta.tests.unit.simulator.sim_helpers import api, token_request

NO_CACHE = {'Cache-Control': 'no-cache, no-store', 'Expires': '0', 'Pragma': 'no-cache'}
# The operation links (``method: POST``) of one user, by status; every user also has self, schema and type.
RECORDED_LINKS = {
    # test_users_it/TestUsersResource.test_comprehensive_user_lifecycle.yaml, POST /api/v1/users?activate=false
    'STAGED': {'activate': 'lifecycle/activate', 'resetFactors': 'lifecycle/reset_factors'},
    # the same cassette, GET /api/v1/users/{id} after activation
    'ACTIVE': {'suspend': 'lifecycle/suspend', 'resetPassword': 'lifecycle/reset_password',
               'forgotPassword': 'credentials/forgot_password', 'expirePassword': 'lifecycle/expire_password',
               'changeRecoveryQuestion': 'credentials/change_recovery_question',
               'resetFactors': 'lifecycle/reset_factors', 'changePassword': 'credentials/change_password',
               'deactivate': 'lifecycle/deactivate'},
    # the same cassette, GET /api/v1/users/{id} after suspend
    'SUSPENDED': {'unsuspend': 'lifecycle/unsuspend', 'resetFactors': 'lifecycle/reset_factors',
                  'deactivate': 'lifecycle/deactivate'},
}
# test_users_it/TestUsersResource.test_expire_password.yaml, GET /api/v1/users/{id}: the links of an ACTIVE user
RECORDED_LINKS['PASSWORD_EXPIRED'] = RECORDED_LINKS['ACTIVE']


def user_in(running, status):
    if status != 'ACTIVE':
        running.admin('POST', 'user-status', {'login': 'user1@example.com', 'status': status})
    return api(running, 'GET', '/api/v1/users/user1@example.com').json()


# -- nulls ---------------------------------------------------------------------------------------

def test_a_user_who_never_signed_in_has_a_null_last_login(okta_sim):
    # test_users_it/TestUsersResource.test_comprehensive_user_lifecycle.yaml: GET after activation, "lastLogin": null
    running = okta_sim(users=1, profile='developer')
    user = api(running, 'GET', '/api/v1/users/user1@example.com').json()
    assert 'lastLogin' in user and user['lastLogin'] is None


def test_a_password_only_session_has_a_null_last_factor_verification(okta_sim):
    # test_sessions_it/TestSessionsResource.test_create_session_with_http_info.yaml: POST /api/v1/sessions with a
    # session token answers "lastFactorVerification": null, "amr": ["pwd"]
    running = okta_sim(users=1, profile='developer')
    token = running.admin('POST', 'session-tokens', {'login': 'user1@example.com'})['sessionToken']
    session = api(running, 'POST', '/api/v1/sessions', json={'sessionToken': token}).json()
    assert 'lastFactorVerification' in session and session['lastFactorVerification'] is None
    assert session['amr'] == ['pwd']


def test_a_staged_user_has_a_null_activated(okta_sim):
    # test_users_it/TestUsersResource.test_comprehensive_user_lifecycle.yaml: the STAGED user, "activated": null
    running = okta_sim(users=1, profile='developer')
    user = user_in(running, 'STAGED')
    assert user['status'] == 'STAGED' and 'activated' in user and user['activated'] is None


# -- a user's _links by status -------------------------------------------------------------------

@pytest.mark.parametrize('status', sorted(RECORDED_LINKS))
def test_a_user_s_links_are_those_okta_gives_for_the_status(okta_sim, status):
    running = okta_sim(users=1, profile='developer')
    user = user_in(running, status)
    path = '%s/api/v1/users/%s' % (running.base_url, user['id'])
    links = user['_links']
    assert sorted(links) == sorted(set(RECORDED_LINKS[status]) | {'self', 'schema', 'type'})
    for name, operation in RECORDED_LINKS[status].items():
        assert links[name] == {'href': '%s/%s' % (path, operation), 'method': 'POST'}
    # self, schema and type are plain hrefs; the schema's ID is the type's with osc for oty
    assert links['self'] == {'href': path}
    type_id = user['type']['id']
    assert links['type'] == {'href': '%s/api/v1/meta/types/user/%s' % (running.base_url, type_id)}
    assert links['schema'] == {'href': '%s/api/v1/meta/schemas/user/osc%s' % (running.base_url, type_id[3:])}


def test_expire_password_answers_the_user_with_the_links_of_password_expired(okta_sim):
    # test_users_it/TestUsersResource.test_expire_password.yaml: POST …/lifecycle/expire_password, the same 11 links
    running = okta_sim(users=1, profile='developer')
    user = api(running, 'GET', '/api/v1/users/user1@example.com').json()
    expired = api(running, 'POST', '/api/v1/users/%s/lifecycle/expire_password' % user['id']).json()
    assert expired['status'] == 'PASSWORD_EXPIRED'
    assert sorted(expired['_links']) == sorted(set(RECORDED_LINKS['PASSWORD_EXPIRED']) | {'self', 'schema', 'type'})


def test_users_in_a_list_have_only_a_self_link(okta_sim):
    # test_users_it/TestUsersResource.test_comprehensive_user_lifecycle.yaml (GET /api/v1/users?limit=10) and
    # test_groups_it/TestGroupsResource.test_group_users_operations.yaml (GET /api/v1/groups/{id}/users):
    # "_links": {"self": {"href": …}} for each user
    running = okta_sim(users=2, groups=1, profile='developer')
    listed = api(running, 'GET', '/api/v1/users').json()
    group = api(running, 'GET', '/api/v1/groups').json()[0]
    members = api(running, 'GET', '/api/v1/groups/%s/users' % group['id']).json()
    assert listed and members
    for user in listed + members:
        assert user['_links'] == {'self': {'href': '%s/api/v1/users/%s' % (running.base_url, user['id'])}}


def test_statuses_okta_did_not_record_offer_what_the_simulator_allows(okta_sim):
    # Not recorded (chosen): a LOCKED_OUT user can be unlocked, a DEPROVISIONED one activated, a PROVISIONED one
    # reactivated.
    running = okta_sim(users=1, profile='developer')
    assert 'unlock' in user_in(running, 'LOCKED_OUT')['_links']
    assert 'reactivate' in user_in(running, 'PROVISIONED')['_links']
    deprovisioned = user_in(running, 'DEPROVISIONED')['_links']
    assert 'activate' in deprovisioned and 'deactivate' not in deprovisioned


# -- caching headers -----------------------------------------------------------------------------

def no_cache_headers(response):
    return dict((name, response.headers.get(name)) for name in NO_CACHE)


def test_api_answers_carry_okta_s_caching_headers(okta_sim):
    # test_users_it/TestUsersResource.test_comprehensive_user_lifecycle.yaml: every answer, 200 and 204 alike,
    # has Cache-Control: no-cache, no-store; Expires: 0; Pragma: no-cache
    running = okta_sim(users=1, sessions_per_user=1, profile='developer')
    user = api(running, 'GET', '/api/v1/users/user1@example.com')
    listed = api(running, 'GET', '/api/v1/users')
    revoked = api(running, 'DELETE', '/api/v1/users/%s/sessions' % user.json()['id'])
    assert (user.status_code, listed.status_code, revoked.status_code) == (200, 200, 204)
    for response in (user, listed, revoked):
        assert no_cache_headers(response) == NO_CACHE


def test_errors_carry_okta_s_caching_headers(okta_sim):
    # test_sessions_it/TestSessionsResource.test_get_non_existent_session.yaml (404) and
    # test_create_session_invalid_token.yaml (401); test_users_it/TestUsersResource.test_unlock_user.yaml (403)
    running = okta_sim(users=1, profile='developer')
    missing = api(running, 'GET', '/api/v1/sessions/102doesnotexist000000000')
    refused = api(running, 'POST', '/api/v1/sessions', json={'sessionToken': 'used-or-unknown'})
    forbidden = api(running, 'POST', '/api/v1/users/user1@example.com/lifecycle/unlock')
    assert (missing.status_code, refused.status_code, forbidden.status_code) == (404, 401, 403)
    for response in (missing, refused, forbidden):
        assert no_cache_headers(response) == NO_CACHE


def test_the_token_endpoint_carries_okta_s_caching_headers(okta_sim):
    # test_dpop_it/TestDPoPIntegration.test_dpop_api_request.yaml: POST /oauth2/v1/token, 200
    running = okta_sim(profile='developer')
    answer = token_request(running, ['okta.users.read'])
    assert answer.status_code == 200 and no_cache_headers(answer) == NO_CACHE


def test_a_405_from_okta_s_edge_has_no_caching_headers(okta_sim):
    # test_sessions_it/TestSessionsResource.test_session_error_handling_scenarios.yaml: GET /api/v1/sessions/, 405
    running = okta_sim(profile='developer')
    answer = api(running, 'GET', '/api/v1/sessions')
    assert answer.status_code == 405
    assert no_cache_headers(answer) == dict((name, None) for name in NO_CACHE)


# -- the spec ------------------------------------------------------------------------------------

def test_the_recorded_answers_keep_to_okta_s_spec(okta_sim):
    pytest.importorskip('openapi_core')
    running = okta_sim(users=2, groups=1, check_spec=True, profile='production')
    for status in ('STAGED', 'SUSPENDED', 'LOCKED_OUT', 'DEPROVISIONED'):
        user_in(running, status)
    api(running, 'GET', '/api/v1/users')
    api(running, 'GET', '/api/v1/users/user2@example.com')
    api(running, 'POST', '/api/v1/users/user2@example.com/lifecycle/expire_password')
    state = running.state()
    assert state['specChecked'] >= 7 and state['specViolations'] == []
