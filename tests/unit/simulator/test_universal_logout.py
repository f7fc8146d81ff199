# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Universal Logout: POST /oauth2/v1/global-token-revocation (Okta's Global Token Revocation API,
OAuth spec 2026.06.3; not in the management spec) - its request shape, its scope, what it revokes,
the System Log events, its bucket, and the answers of an org without Universal Logout."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.identity.okta.tests.okta_simulator.oauth import revocation_subject
from ansible_collections.identity.okta.tests.unit.simulator.sim_helpers import (
    api, bearer, log_events, rate_headers, token_request)

PATH = '/oauth2/v1/global-token-revocation'
SCOPE = 'okta.universalLogout.manage'


def revoke(running, user_id, token=None):
    return api(running, 'POST', PATH, token=token, json={'sub_id': {'format': 'opaque', 'id': user_id}})


def test_it_signs_the_user_out_of_okta_and_revokes_every_refresh_token(okta_sim):
    running = okta_sim(users=2, sessions_per_user=2, oauth_grants_per_user=3, profile='developer')
    target, other = [u['id'] for u in running.state()['users']]
    token = bearer(running, [SCOPE], client_id='0oaSoar')
    answer = revoke(running, target, token)
    assert answer.status_code == 204 and answer.content == b''
    state = running.state()
    assert sorted(set(s['userId'] for s in state['sessions'])) == [other]
    assert sorted(set(t['userId'] for t in state['refreshTokens'])) == [other]
    portal = state['oauthClients'][0]
    assert portal['universalLogout'] and not any(c['universalLogout'] for c in state['oauthClients'][1:])
    assert state['revocations'] == [{'kind': 'universalLogout', 'userId': target, 'sessionsCleared': 2,
                                     'tokensRevoked': 3, 'apps': [portal['clientId']]}]
    assert state['tokenRevocations'][-1]['via'] == 'universal-logout'
    assert api(running, 'GET', '/api/v1/users/%s/clients' % target).json() == []


def test_it_logs_okta_s_universal_logout_events_tied_by_one_trace_id(okta_sim):
    running = okta_sim(users=1, sessions_per_user=1, oauth_grants_per_user=3, profile='developer')
    user_id = running.state()['users'][0]['id']
    assert revoke(running, user_id, bearer(running, [SCOPE], client_id='0oaSoar')).status_code == 204
    [scheduled] = log_events(running, 'user.authentication.universal_logout.scheduled')
    [logout] = log_events(running, 'user.authentication.universal_logout')
    assert scheduled['actor']['id'] == logout['actor']['id'] == '0oaSoar'
    assert scheduled['target'][0]['id'] == user_id
    assert [t['type'] for t in logout['target']] == ['User', 'AppInstance']
    assert logout['target'][1]['displayName'] == 'Sim Portal'
    trace = scheduled['debugContext']['debugData']['trace_id']
    assert trace and logout['debugContext']['debugData']['trace_id'] == trace
    # Tokens and sessions go without the events of the other sign-outs.
    assert log_events(running, 'app.oauth2.token.revoke.implicit.user') == []
    assert log_events(running, 'user.session.clear') == []


def test_a_user_without_universal_logout_apps_gets_only_the_scheduled_event(okta_sim):
    running = okta_sim(users=1, sessions_per_user=1, profile='developer')
    user_id = running.state()['users'][0]['id']
    assert revoke(running, user_id).status_code == 204  # an API token: the spec's security allows it
    assert len(log_events(running, 'user.authentication.universal_logout.scheduled')) == 1
    assert log_events(running, 'user.authentication.universal_logout') == []
    assert revoke(running, user_id).status_code == 204, 'nothing left to revoke: 204 again'
    assert running.state()['revocations'][-1]['sessionsCleared'] == 0


def test_it_needs_the_universal_logout_scope(okta_sim):
    running = okta_sim(users=1, profile='developer')
    user_id = running.state()['users'][0]['id']
    admin = bearer(running, ['okta.users.manage', 'okta.sessions.manage'], client_id='0oaAdmin')
    refused = revoke(running, user_id, admin)
    assert refused.status_code == 403 and refused.json()['errorCode'] == 'E0000006'
    assert refused.json()['errorSummary'] == 'You do not have permission to perform the requested action'
    assert 'error="insufficient_scope"' in refused.headers['WWW-Authenticate']
    assert 'scope="%s"' % SCOPE in refused.headers['WWW-Authenticate']
    assert revoke(running, user_id, 'Bearer not-a-token').status_code == 401
    assert running.state()['revocations'] == []


@pytest.mark.parametrize('body, cause', [
    ({'sub_id': {'format': 'email', 'email': 'user1@example.com'}},
     'sub_id.format: "email" is not a supported subject identifier format (iss_sub, opaque)'),
    ({'sub_id': {'format': 'opaque'}}, 'sub_id.id: required with format opaque, a non-empty string'),
    ({'sub_id': {'format': 'opaque', 'id': ''}}, 'sub_id.id: required with format opaque, a non-empty string'),
    ({'sub_id': {'format': 'opaque', 'id': 42}}, 'sub_id.id: required with format opaque, a non-empty string'),
    ({'sub_id': {'id': 'x'}}, 'sub_id.format: null is not a supported subject identifier format (iss_sub, opaque)'),
    ({'sub_id': 'opaque'}, 'sub_id: required, an object with format and id'),
    ({'format': 'opaque', 'id': 'x'}, 'sub_id: required, an object with format and id'),
    ([], 'the request body must be a JSON object with sub_id'),
    ({'sub_id': {'format': 'iss_sub', 'iss': 'https://idp.example.com'}},
     'sub_id.sub: required with format iss_sub, a non-empty string'),
    ({'sub_id': {'format': 'iss_sub', 'iss': 'https://idp.example.com', 'sub': 'user@example.com'}},
     'sub_id.format: iss_sub needs the Early Access feature Third-Party IdP Global Token Revocation, '
     'which this org does not have'),
])
def test_a_request_of_another_shape_is_400_with_okta_s_error(okta_sim, body, cause):
    running = okta_sim(users=1, sessions_per_user=1, profile='developer')
    answer = api(running, 'POST', PATH, json=body)
    assert answer.status_code == 400
    error = answer.json()
    assert (error['errorCode'], error['errorSummary'], error['errorLink']) == (
        'E0000001', 'Api validation failed: sub_id', 'E0000001')
    assert error['errorCauses'] == [{'errorSummary': cause}] and error['errorId'].startswith('oae')
    assert running.state()['sessionCount'] == 1 and running.state()['revocations'] == []


@pytest.mark.parametrize('raw', [b'', b'{"sub_id": ', b'sub_id=opaque'])
def test_a_body_that_is_not_json_is_400_e0000003(okta_sim, raw):
    running = okta_sim(users=1, profile='developer')
    answer = api(running, 'POST', PATH, data=raw, headers={'Content-Type': 'application/json'})
    assert answer.status_code == 400 and answer.json()['errorCode'] == 'E0000003'


def test_an_unknown_user_is_404_as_the_draft_says(okta_sim):
    running = okta_sim(users=1, profile='developer')
    for unknown in ('00uNobody', 'user1@example.com'):  # an Okta user ID, not a login
        answer = revoke(running, unknown)
        assert answer.status_code == 404
        assert answer.json()['errorSummary'] == 'Not found: Resource not found: %s (User)' % unknown


def test_another_method_is_405(okta_sim):
    running = okta_sim(profile='developer')
    answer = api(running, 'GET', PATH)
    assert answer.status_code == 405 and answer.json()['errorCode'] == 'E0000022'


def test_it_counts_in_the_org_authorization_server_s_bucket(okta_sim):
    running = okta_sim(users=2, profile='production')
    first, second = [u['id'] for u in running.state()['users']]
    # "/oauth2/v1*": 2,000 a minute on a production org, 1,000 for one API token; not the users bucket.
    assert rate_headers(revoke(running, first)) == (1000, 999)
    assert rate_headers(api(running, 'GET', '/api/v1/users', params={'limit': 1})) == (300, 299)
    assert rate_headers(revoke(running, second)) == (1000, 998)
    developer = okta_sim(users=1, profile='developer')
    assert rate_headers(revoke(developer, developer.state()['users'][0]['id'])) == (150, 149)


# -- an org without Universal Logout ---------------------------------------------------------------------

def test_without_universal_logout_the_call_is_401_e0000015_and_the_scope_is_not_granted(okta_sim):
    running = okta_sim(users=1, sessions_per_user=1, profile='developer', disabled_features=['universal_logout'])
    user_id = running.state()['users'][0]['id']
    answer = revoke(running, user_id)
    assert answer.status_code == 401
    assert (answer.json()['errorCode'], answer.json()['errorSummary']) == (
        'E0000015', 'You do not have permission to access the feature you are requesting')
    assert rate_headers(answer) == (150, 149)
    refused = token_request(running, ['okta.users.manage', SCOPE])
    assert refused.status_code == 400 and refused.json() == {
        'error': 'invalid_scope', 'error_description': 'The requested scope is invalid, unknown, or malformed.'}
    assert running.state()['sessionCount'] == 1 and running.state()['revocations'] == []
    # The other feature is still there.
    assert api(running, 'GET', '/api/v1/users/%s/risk' % user_id).status_code == 200


def test_a_token_granted_before_the_feature_went_away_gets_the_401(okta_sim):
    running = okta_sim(users=1, profile='developer')
    user_id = running.state()['users'][0]['id']
    token = bearer(running, [SCOPE])
    running.admin('POST', 'features', {'universal_logout': False})
    assert revoke(running, user_id, token).json()['errorCode'] == 'E0000015'
    running.admin('POST', 'features', {'universal_logout': True})
    assert revoke(running, user_id, token).status_code == 204


# -- the request shape, and Okta's OAuth spec ----------------------------------------------------------

def test_the_request_shape_check():
    assert revocation_subject({'sub_id': {'format': 'opaque', 'id': '00u1'}}) == ('opaque', '00u1')
    assert revocation_subject({'sub_id': {'format': 'iss_sub', 'iss': 'https://i', 'sub': 's'}}) == (
        'iss_sub', ('https://i', 's'))
    # Members the spec does not name are not refused (no additionalProperties: false in SubIdOpaque).
    assert revocation_subject({'sub_id': {'format': 'opaque', 'id': '00u1', 'extra': 1}, 'x': 2}) == ('opaque', '00u1')
    for bad in (None, 'x', {}, {'sub_id': None}, {'sub_id': {'format': 'OPAQUE', 'id': '00u1'}},
                {'sub_id': {'format': 'opaque', 'id': None}}, {'sub_id': {'format': 'iss_sub', 'sub': 's'}}):
        with pytest.raises(ValueError):
            revocation_subject(bad)


def test_the_spec_check_validates_it_against_okta_s_oauth_spec(okta_sim):
    pytest.importorskip('openapi_core')
    running = okta_sim(users=2, sessions_per_user=1, profile='production', check_spec=True)
    first, second = [u['id'] for u in running.state()['users']]
    assert revoke(running, first).status_code == 204
    assert revoke(running, second, bearer(running, [SCOPE])).status_code == 204
    assert api(running, 'POST', PATH, json={'sub_id': {'format': 'opaque'}}).status_code == 400
    state = running.state()
    assert state['specChecked'] == 3
    # Only the request that breaks Okta's OAuth spec (SubIdOpaque requires id) is a violation.
    assert [(v['status'], v['path']) for v in state['specViolations']] == [(400, PATH)]
    assert "'id' is a required property" in state['specViolations'][0]['problem']


def test_the_spec_s_own_examples_are_accepted(okta_sim):
    """GlobalTokenRevocationRequestOpaqueExample, with a user of this org."""
    running = okta_sim(users=1, profile='developer')
    user_id = running.state()['users'][0]['id']
    example = json.loads(json.dumps({'sub_id': {'format': 'opaque', 'id': '00u1dnq5S0CfjlkpABCD'}}))
    assert api(running, 'POST', PATH, json=example).status_code == 404
    example['sub_id']['id'] = user_id
    assert api(running, 'POST', PATH, json=example).status_code == 204


def test_the_command_line_options_of_issue_14():
    from ansible_collections.identity.okta.tests.okta_simulator import cli
    args = cli.parse_args(['--disable-feature', 'universal_logout', '--disable-feature', 'identity_threat_protection',
                           '--engine', 'classic', '--oauth-grants-per-user', '3'])
    assert args.disabled_features == ['universal_logout', 'identity_threat_protection']
    assert (args.engine, args.oauth_grants_per_user) == ('classic', 3)
    defaults = cli.parse_args([])
    assert (defaults.disabled_features, defaults.engine, defaults.oauth_grants_per_user) == ([], 'identity', 0)
    with pytest.raises(SystemExit):
        cli.parse_args(['--disable-feature', 'time_travel'])
    assert 'oauth2: POST /oauth2/v1/global-token-revocation' in cli.BUCKET_HELP
