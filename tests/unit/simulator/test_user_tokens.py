# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A user's OAuth apps and refresh tokens: GET /api/v1/users/{userId}/clients, GET and DELETE
/api/v1/users/{userId}/clients/{clientId}/tokens (and one token), shaped as Okta's spec 2026.06.3
shows them; DELETE /api/v1/users/{userId}/sessions?oauthTokens=true revokes them too."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

import pytest

from ansible_collections.identity.okta.tests.unit.simulator.sim_helpers import api, bearer, log_events, rate_headers


def user_of(running, index=0):
    return running.state()['users'][index]['id']


def clients_of(running, user_id):
    answer = api(running, 'GET', '/api/v1/users/%s/clients' % user_id)
    assert answer.status_code == 200, answer.text
    return answer.json()


def tokens_path(user_id, client_id):
    return '/api/v1/users/%s/clients/%s/tokens' % (user_id, client_id)


def test_seeded_users_hold_refresh_tokens_of_the_seeded_apps_in_turn(okta_sim):
    running = okta_sim(users=2, oauth_grants_per_user=5, profile='developer')
    user_id = user_of(running)
    clients = clients_of(running, user_id)
    assert [c['client_name'] for c in clients] == ['Sim Portal', 'Sim Mobile', 'Sim CLI']
    assert all(c['client_id'].startswith('0oa') and len(c['client_id']) == 20 for c in clients)
    # The spec's example ListUserClients: grants and tokens links, nulls where an app has no URI or logo.
    mobile = clients[1]
    assert mobile['client_uri'] is None and mobile['logo_uri'] is None
    assert mobile['_links']['tokens']['href'].endswith(tokens_path(user_id, mobile['client_id']))
    assert mobile['_links']['grants']['href'].endswith('/api/v1/users/%s/clients/%s/grants' % (user_id, mobile['client_id']))
    counts = [len(api(running, 'GET', tokens_path(user_id, c['client_id'])).json()) for c in clients]
    assert counts == [2, 2, 1]
    assert running.state()['refreshTokenCount'] == 10
    assert clients_of(running, running.admin('POST', 'users', {'login': 'no.apps@example.com'})['id']) == []


def test_refresh_tokens_are_okta_s_shape_and_paged_with_link_headers(okta_sim):
    running = okta_sim(users=1, profile='developer')
    user_id = user_of(running)
    made = running.admin('POST', 'refresh-tokens', {'userId': user_id, 'count': 5})
    path = tokens_path(user_id, made['clientId'])
    first = api(running, 'GET', path, params={'limit': 2})
    assert first.status_code == 200 and len(first.json()) == 2 and 'next' in first.links
    token = first.json()[0]
    assert token['id'].startswith('oar') and token['status'] == 'ACTIVE'
    assert (token['userId'], token['clientId']) == (user_id, made['clientId'])
    assert token['issuer'] == running.base_url and token['scopes'] == ['openid', 'profile', 'offline_access']
    assert '_embedded' not in token, 'scopes are embedded only with expand=scope'
    assert token['_links']['revoke'] == {'href': running.base_url + path + '/' + token['id'],
                                         'hints': {'allow': ['DELETE']}}
    assert token['_links']['user']['title'] == 'User 1'
    seen = [t['id'] for t in first.json()]
    page = first
    while 'next' in page.links:
        page = api(running, 'GET', page.links['next']['url'][len(running.base_url):])
        seen += [t['id'] for t in page.json()]
    assert sorted(seen) == sorted(made['tokenIds']) and len(set(seen)) == 5
    expanded = api(running, 'GET', path, params={'expand': 'scope'}).json()[0]
    assert [s['name'] for s in expanded['_embedded']['scopes']] == ['openid', 'profile', 'offline_access']
    one = api(running, 'GET', '%s/%s' % (path, token['id']))
    assert one.status_code == 200 and one.json()['id'] == token['id']
    assert api(running, 'GET', path + '/oarUnknown').json()['errorSummary'] == \
        'Not found: Resource not found: oarUnknown (Token)'


def test_revoking_an_app_s_tokens_is_204_every_time_and_logged_once(okta_sim):
    running = okta_sim(users=2, oauth_grants_per_user=3, profile='developer')
    user_id = user_of(running)
    portal = clients_of(running, user_id)[0]
    for attempt in range(2):
        revoked = api(running, 'DELETE', tokens_path(user_id, portal['client_id']))
        assert revoked.status_code == 204 and revoked.content == b''
    assert api(running, 'GET', tokens_path(user_id, portal['client_id'])).json() == []
    assert [c['client_name'] for c in clients_of(running, user_id)] == ['Sim Mobile', 'Sim CLI']
    names = [c['client_name'] for c in clients_of(running, user_of(running, 1))]
    assert names == ['Sim Portal', 'Sim Mobile', 'Sim CLI']
    [event] = log_events(running, 'app.oauth2.token.revoke.implicit.user')
    assert [t['type'] for t in event['target']] == ['User', 'PublicClientApp']
    assert event['target'][1]['id'] == portal['client_id'] and event['target'][0]['id'] == user_id
    assert event['actor']['type'] == 'User' and event['actor']['alternateId'] == 'okta-admin@example.com'
    assert event['debugContext']['debugData'] == {'TokenCount': 1}
    assert running.state()['tokenRevocations'] == [{'userId': user_id, 'clientId': portal['client_id'],
                                                   'tokenId': None, 'count': 1, 'via': 'client'}]


def test_revoking_one_token(okta_sim):
    running = okta_sim(users=1, profile='developer')
    user_id = user_of(running)
    made = running.admin('POST', 'refresh-tokens', {'userId': user_id, 'count': 2})
    path = tokens_path(user_id, made['clientId'])
    assert api(running, 'DELETE', '%s/%s' % (path, made['tokenIds'][0])).status_code == 204
    assert [t['id'] for t in api(running, 'GET', path).json()] == [made['tokenIds'][1]]
    again = api(running, 'DELETE', '%s/%s' % (path, made['tokenIds'][0]))
    assert again.status_code == 404 and again.json()['errorCode'] == 'E0000007'


def test_unknown_user_or_app_is_okta_s_404(okta_sim):
    running = okta_sim(users=1, oauth_grants_per_user=1, profile='developer')
    user_id = user_of(running)
    client_id = running.state()['oauthClients'][0]['clientId']
    for method, path in (('GET', '/api/v1/users/00uNobody/clients'), ('GET', tokens_path('00uNobody', client_id)),
                         ('DELETE', tokens_path('00uNobody', client_id))):
        answer = api(running, method, path)
        assert answer.status_code == 404 and answer.json()['errorSummary'].endswith('00uNobody (User)'), path
    for method in ('GET', 'DELETE'):
        answer = api(running, method, tokens_path(user_id, '0oaNoSuchApp'))
        assert answer.status_code == 404
        assert answer.json()['errorSummary'] == 'Not found: Resource not found: 0oaNoSuchApp (PublicClientApp)'


def test_signing_a_user_out_with_oauth_tokens_revokes_them_too(okta_sim):
    running = okta_sim(users=2, sessions_per_user=1, oauth_grants_per_user=3, profile='developer')
    kept, cleared = user_of(running, 0), user_of(running, 1)
    assert api(running, 'DELETE', '/api/v1/users/%s/sessions' % kept, params={'oauthTokens': 'false'}).status_code == 204
    assert api(running, 'DELETE', '/api/v1/users/%s/sessions' % cleared,
               params={'oauthTokens': 'true'}).status_code == 204
    assert len(clients_of(running, kept)) == 3 and clients_of(running, cleared) == []
    [event] = log_events(running, 'app.oauth2.token.revoke.implicit.user')
    assert [t['id'] for t in event['target']] == [cleared] and event['debugContext']['debugData'] == {'TokenCount': 3}
    state = running.state()
    assert state['refreshTokenCount'] == 3
    assert state['tokenRevocations'][-1] == {'userId': cleared, 'clientId': None, 'tokenId': None, 'count': 3,
                                             'via': 'sessions'}


def test_refresh_tokens_expire(okta_sim):
    # Okta's 7 days (the spec's example: expiresAt - created) in one second.
    running = okta_sim(users=1, oauth_grants_per_user=1, profile='developer', time_scale=7 * 24 * 3600)
    user_id = user_of(running)
    assert len(clients_of(running, user_id)) == 1
    time.sleep(1.1)
    assert clients_of(running, user_id) == [] and running.state()['refreshTokenCount'] == 0


def test_scopes_read_lists_manage_revokes(okta_sim):
    running = okta_sim(users=1, oauth_grants_per_user=1, profile='developer')
    user_id = user_of(running)
    client_id = running.state()['oauthClients'][0]['clientId']
    reader = bearer(running, ['okta.users.read'], client_id='0oaReader')
    assert api(running, 'GET', '/api/v1/users/%s/clients' % user_id, token=reader).status_code == 200
    assert api(running, 'GET', tokens_path(user_id, client_id), token=reader).status_code == 200
    refused = api(running, 'DELETE', tokens_path(user_id, client_id), token=reader)
    assert refused.status_code == 403 and refused.json()['errorCode'] == 'E0000006'
    assert 'scope="okta.users.manage"' in refused.headers['WWW-Authenticate']
    manager = bearer(running, ['okta.users.manage'], client_id='0oaManager')
    assert api(running, 'GET', tokens_path(user_id, client_id), token=manager).status_code == 200  # manage reads
    assert api(running, 'DELETE', tokens_path(user_id, client_id), token=manager).status_code == 204
    [event] = log_events(running, 'app.oauth2.token.revoke.implicit.user')
    assert event['actor']['id'] == '0oaManager' and event['actor']['type'] == 'PublicClientApp'


def test_they_count_in_the_users_bucket(okta_sim):
    running = okta_sim(users=1, oauth_grants_per_user=1, profile='production')
    user_id = user_of(running)
    client_id = running.state()['oauthClients'][0]['clientId']
    calls = [api(running, 'GET', '/api/v1/users', params={'limit': 1}),
             api(running, 'GET', '/api/v1/users/%s/clients' % user_id),
             api(running, 'GET', tokens_path(user_id, client_id)),
             api(running, 'DELETE', tokens_path(user_id, client_id))]
    # /api/v1/users: 600 a minute on a production org, 300 for one API token; one count for all four.
    assert [rate_headers(c) for c in calls] == [(300, 299), (300, 298), (300, 297), (300, 296)]


def test_an_admin_endpoint_adds_tokens(okta_sim):
    running = okta_sim(users=1, profile='developer')
    mobile = running.state()['oauthClients'][1]
    made = running.admin('POST', 'refresh-tokens', {'login': 'user1@example.com', 'clientId': mobile['clientId'],
                                                    'count': 2, 'scopes': ['openid', 'offline_access']})
    assert len(made['tokenIds']) == 2 and made['clientId'] == mobile['clientId']
    tokens = api(running, 'GET', tokens_path(made['userId'], mobile['clientId'])).json()
    assert [t['scopes'] for t in tokens] == [['openid', 'offline_access']] * 2
    with pytest.raises(Exception):
        running.admin('POST', 'refresh-tokens', {'login': 'nobody@example.com'})
