# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the simulator answers is what Okta answers: expired tokens and sessions, error bodies,
explicit nulls, one Link header per relation, search expressions, group queries that are not
paged, System Log instants and operators, booleans in any case."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import datetime
import http.client
import json
import re
import time
from urllib.parse import urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ansible_collections.identity.okta.tests.okta_simulator.server import parse_instant, parse_log_filter


def api(running, method, path, token=None, **kwargs):
    headers = {'Authorization': token or 'SSWS ' + running.api_token}
    return requests.request(method, running.base_url + path, headers=headers, timeout=10, **kwargs)


def raw_headers(running, path):
    """Every header line of an answer, repeated names included (requests folds them)."""
    parts = urlsplit(running.base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request('GET', path, headers={'Authorization': 'SSWS ' + running.api_token})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.getheaders()


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')


def access_token(running, client_id='0oaExpiryApp'):
    """An access token from the simulator's token endpoint, for a service app registered here."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode('ascii')
    running.admin('POST', 'oauth-clients', {'clientId': client_id, 'publicKeyPem': public})
    audience = running.base_url + '/oauth2/v1/token'
    signing_input = '%s.%s' % (b64(json.dumps({'alg': 'RS256', 'kid': 'k1'}).encode()), b64(json.dumps({
        'iss': client_id, 'sub': client_id, 'aud': audience, 'exp': int(time.time()) + 300,
        'jti': str(time.time())}).encode()))
    signature = key.sign(signing_input.encode('ascii'), padding.PKCS1v15(), hashes.SHA256())
    answer = requests.post(audience, timeout=10, data={
        'grant_type': 'client_credentials', 'scope': 'okta.sessions.read okta.users.read',
        'client_assertion_type': 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        'client_assertion': signing_input + '.' + b64(signature)})
    assert answer.status_code == 200, answer.text
    return answer.json()


# -- tokens and sessions expire ---------------------------------------------------------------

def test_an_expired_access_token_is_okta_s_401(okta_sim):
    # Okta's hour at time scale 3600: the token lives one second.
    running = okta_sim(users=1, sessions_per_user=1, profile='developer', time_scale=3600)
    granted = access_token(running)
    assert granted['expires_in'] == 1
    bearer = 'Bearer ' + granted['access_token']
    assert api(running, 'GET', '/api/v1/users/user1@example.com', token=bearer).status_code == 200
    time.sleep(1.1)
    expired = api(running, 'GET', '/api/v1/users/user1@example.com', token=bearer)
    assert expired.status_code == 401
    assert expired.json()['errorCode'] == 'E0000011' and expired.json()['errorSummary'] == 'Invalid token provided'
    assert 'error="invalid_token"' in expired.headers['WWW-Authenticate']
    assert 'The token has expired.' in expired.headers['WWW-Authenticate']
    assert running.state()['expiredTokens'] == 1


def test_access_tokens_live_an_hour_by_default(okta_sim):
    assert access_token(okta_sim(profile='developer', time_scale=1))['expires_in'] == 3600


def test_a_session_expires_at_expires_at(okta_sim):
    # time scale 60: a session made to live 60 Okta seconds lives 1 s.
    running = okta_sim(users=1, profile='developer', time_scale=60)
    session = running.admin('POST', 'sessions', {'login': 'user1@example.com', 'lifetimeSeconds': 60})
    expires_at = parse_instant(session['expiresAt'])
    assert 0.5 < expires_at - time.time() <= 1.0
    assert api(running, 'GET', '/api/v1/sessions/' + session['id']).status_code == 200
    time.sleep(max(0.0, expires_at - time.time()) + 0.05)
    gone = api(running, 'GET', '/api/v1/sessions/' + session['id'])
    assert gone.status_code == 404 and gone.json()['errorSummary'].endswith('(AppSession)')
    assert api(running, 'DELETE', '/api/v1/sessions/' + session['id']).status_code == 404
    assert running.state()['sessionCount'] == 0


def test_a_seeded_session_lives_the_org_s_two_hours_scaled(okta_sim):
    running = okta_sim(users=1, sessions_per_user=1, profile='developer', time_scale=60)
    session = running.state()['sessions'][0]
    assert parse_instant(session['expiresAt']) - parse_instant(session['createdAt']) == pytest.approx(120, abs=0.01)


def test_a_used_session_token_is_401_authentication_failed(okta_sim):
    running = okta_sim(users=1, profile='developer')
    token = running.admin('POST', 'session-tokens', {'login': 'user1@example.com'})['sessionToken']
    created = api(running, 'POST', '/api/v1/sessions', json={'sessionToken': token})
    assert created.status_code == 200 and created.json()['amr'] == ['pwd']
    reused = api(running, 'POST', '/api/v1/sessions', json={'sessionToken': token})
    assert reused.status_code == 401
    assert (reused.json()['errorCode'], reused.json()['errorSummary']) == ('E0000004', 'Authentication failed')
    assert api(running, 'POST', '/api/v1/sessions').json()['errorCode'] == 'E0000003'  # no body


# -- error bodies and headers -----------------------------------------------------------------

def test_error_bodies_and_request_ids_look_like_okta_s(okta_sim):
    running = okta_sim(users=1, profile='developer')
    missing = api(running, 'GET', '/api/v1/sessions/nonexistent_session')
    assert missing.status_code == 404
    body = missing.json()
    assert body['errorSummary'] == 'Not found: Resource not found: nonexistent_session (AppSession)'
    assert body['errorLink'] == 'E0000007' and body['errorCauses'] == []
    assert re.match(r'^oae[A-Za-z0-9_-]{22}$', body['errorId'])
    assert re.match(r'^[0-9a-f]{32}$', missing.headers['X-Okta-Request-Id'])
    no_user = api(running, 'DELETE', '/api/v1/users/00unobody/sessions').json()
    assert no_user['errorSummary'] == 'Not found: Resource not found: 00unobody (User)'


def test_a_method_the_path_does_not_have_is_405_at_the_edge(okta_sim):
    running = okta_sim(profile='developer')
    for method, path in (('GET', '/api/v1/sessions/'), ('GET', '/api/v1/sessions'), ('PUT', '/api/v1/logs')):
        answer = api(running, method, path)
        assert answer.status_code == 405, (method, path)
        assert answer.json()['errorCode'] == 'E0000022'
        assert answer.json()['errorSummary'] == 'The endpoint does not support the provided HTTP method'
        assert 'X-Okta-Request-Id' not in answer.headers and 'X-Rate-Limit-Limit' not in answer.headers


def test_one_link_header_per_relation(okta_sim):
    running = okta_sim(users=5, groups=1, profile='developer')
    group_id = running.state()['groups'][0]['id']
    links = [value for name, value in raw_headers(running, '/api/v1/groups/%s/users?limit=2' % group_id)
             if name.lower() == 'link']
    assert len(links) == 2
    assert links[0].endswith('rel="self"') and links[1].endswith('rel="next"')


# -- explicit nulls -----------------------------------------------------------------------------

def test_users_carry_okta_s_explicit_nulls(okta_sim):
    running = okta_sim(users=1, sessions_per_user=1, profile='developer')
    running.admin('POST', 'users', {'login': 'new.hire@example.com'})
    signed_in = api(running, 'GET', '/api/v1/users/user1@example.com').json()
    never = api(running, 'GET', '/api/v1/users/new.hire@example.com').json()
    for user in (signed_in, never):
        assert user['profile']['mobilePhone'] is None and user['profile']['secondEmail'] is None
    assert never['lastLogin'] is None and signed_in['lastLogin']


def test_sessions_without_mfa_have_a_null_last_factor_verification(okta_sim):
    running = okta_sim(users=1, profile='developer')
    with_mfa = running.admin('POST', 'sessions', {'login': 'user1@example.com'})
    without = running.admin('POST', 'sessions', {'login': 'user1@example.com', 'mfa': False})
    assert api(running, 'GET', '/api/v1/sessions/' + with_mfa['id']).json()['lastFactorVerification']
    body = api(running, 'GET', '/api/v1/sessions/' + without['id']).json()
    assert 'lastFactorVerification' in body and body['lastFactorVerification'] is None
    assert body['_links']['user']['name'] == 'User 1'  # the display name (first and last), as Okta sends it


def test_system_log_events_carry_okta_s_explicit_nulls(okta_sim):
    running = okta_sim(users=1, sessions_per_user=1, profile='developer')
    event = api(running, 'GET', '/api/v1/logs', params={'since': '2000-01-01T00:00:00Z'}).json()[0]
    nulls = [event['actor']['detailEntry'], event['client']['zone'], event['client']['id'],
             event['outcome']['reason'], event['request']['ipChain'][0]['source'], event['target'][0]['detailEntry']]
    nulls += [event['authenticationContext'][k] for k in ('authenticationProvider', 'credentialProvider',
                                                          'credentialType', 'issuer', 'interface')]
    nulls += [event['securityContext'][k] for k in ('asNumber', 'asOrg', 'isp', 'domain', 'isProxy')]
    assert nulls == [None] * 16


# -- search, filter and q ----------------------------------------------------------------------

def logins(answer):
    assert answer.status_code == 200, answer.text
    return sorted(user['profile']['login'] for user in answer.json())


def test_users_search_reads_okta_s_expressions(okta_sim):
    running = okta_sim(users=4, sessions_per_user=1, profile='developer')
    users = running.state()['users']

    def search(expression):
        return logins(api(running, 'GET', '/api/v1/users', params={'search': expression}))

    assert search('profile.login eq "user1@example.com" or profile.login eq "user3@example.com"') == [
        'user1@example.com', 'user3@example.com']
    assert search('profile.login eq "USER2@EXAMPLE.COM"') == ['user2@example.com']  # values ignore case
    assert search('id eq "%s"' % users[3]['id']) == ['user4@example.com']
    assert len(search('status eq "ACTIVE"')) == 4
    assert search('profile.login sw "user1" and status eq "ACTIVE"') == ['user1@example.com']
    refused = api(running, 'GET', '/api/v1/users', params={'search': 'profile.login eq'})
    assert refused.status_code == 400 and refused.json()['errorCode'] == 'E0000031'


def test_users_q_is_a_prefix_and_not_paged(okta_sim):
    running = okta_sim(users=12, profile='developer')
    answer = api(running, 'GET', '/api/v1/users', params={'q': 'user1'})
    assert len(answer.json()) == 4 and 'next' not in answer.links  # user1, user10..12 (emails)
    assert len(api(running, 'GET', '/api/v1/users', params={'q': 'user'}).json()) == 10  # limit 10 by default


def test_groups_search_finds_a_group_by_name(okta_sim):
    running = okta_sim(users=6, groups=3, profile='developer')
    answer = api(running, 'GET', '/api/v1/groups', params={'search': 'profile.name eq "group-2"'})
    assert [g['profile']['name'] for g in answer.json()] == ['group-2']
    assert [g['profile']['name'] for g in api(running, 'GET', '/api/v1/groups', params={
        'search': 'type eq "OKTA_GROUP" and profile.name sw "GROUP-3"'}).json()] == ['group-3']


def test_a_group_query_is_not_paged(okta_sim):
    running = okta_sim(users=0, groups=0, profile='developer')
    for index in range(1, 6):
        running.admin('POST', 'users', {'login': 'member%d@example.com' % index, 'groups': ['Finance %d' % index]})
    first = api(running, 'GET', '/api/v1/groups', params={'q': 'finance', 'limit': 2})
    assert len(first.json()) == 2 and 'next' not in first.links, 'a q query is not paged: no next link'
    # Paging the same query finds nothing more: Okta ignores the cursor of a q query.
    again = api(running, 'GET', '/api/v1/groups', params={'q': 'finance', 'limit': 2, 'after': first.json()[-1]['id']})
    assert [g['id'] for g in again.json()] == [g['id'] for g in first.json()]
    assert len(api(running, 'GET', '/api/v1/groups', params={'q': 'finance'}).json()) == 5


# -- System Log --------------------------------------------------------------------------------

def test_system_log_since_is_an_instant_in_any_offset(okta_sim):
    running = okta_sim(users=1, sessions_per_user=1, profile='developer')
    published = parse_instant(running.sim.org.events[0]['published'])
    plus_two = datetime.timezone(datetime.timedelta(hours=2))

    def since(epoch):
        text = datetime.datetime.fromtimestamp(epoch, plus_two).isoformat(timespec='milliseconds')
        assert text.endswith('+02:00')
        return api(running, 'GET', '/api/v1/logs', params={'since': text, 'until': '2099-01-01T00:00:00Z'}).json()

    assert len(since(published - 1)) == 1, 'one second before the event, written at +02:00'
    assert since(published + 1) == []
    assert api(running, 'GET', '/api/v1/logs', params={'since': 'yesterday'}).status_code == 400


def test_system_log_without_since_looks_seven_days_back(okta_sim):
    running = okta_sim(users=2, sessions_per_user=1, profile='developer')
    old = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=8)
    running.sim.org.events[0]['published'] = old.strftime('%Y-%m-%dT%H:%M:%S.000Z')
    recent = api(running, 'GET', '/api/v1/logs').json()
    assert [e['uuid'] for e in recent] == [running.sim.org.events[1]['uuid']]


def test_system_log_filter_operators(okta_sim):
    running = okta_sim(users=2, sessions_per_user=1, profile='developer')
    running.admin('POST', 'events', {'login': 'user2@example.com', 'eventType': 'user.account.lock'})

    def select(expression):
        return [e['eventType'] for e in api(running, 'GET', '/api/v1/logs', params={
            'since': '2000-01-01T00:00:00Z', 'filter': expression}).json()]

    assert select('eventType ne "user.session.start"') == ['user.account.lock']
    assert select('legacyEventType pr') == ['user.session.start', 'user.session.start']
    first = running.sim.org.events[0]['published']
    assert len(select('published gt "%s"' % first)) <= 2 and select('published lt "2000-01-01T00:00:00+02:00"') == []
    assert select('published ge "%s" and eventType ew ".lock"' % first) == ['user.account.lock']


def test_the_log_filter_parser_knows_okta_s_operators():
    event = {'eventType': 'user.session.start', 'outcome': {'result': 'SUCCESS'}, 'published': '2026-01-01T10:00:00.000Z'}
    assert parse_log_filter('eventType ne "x"')(event)
    assert parse_log_filter('outcome.reason ne "x"')(event), 'ne is true for an absent attribute'
    assert parse_log_filter('outcome.result pr')(event) and not parse_log_filter('outcome.reason pr')(event)
    assert parse_log_filter('published gt "2026-01-01T11:59:00+02:00"')(event), 'instants, not strings'
    with pytest.raises(ValueError, match='^filter: '):
        parse_log_filter('eventType xx "x"')


def test_query_booleans_are_read_in_any_case(okta_sim):
    running = okta_sim(users=3, sessions_per_user=1, profile='developer')
    users = running.state()['users']
    for user, value in zip(users, ('True', 'TRUE', 'false')):
        assert api(running, 'DELETE', '/api/v1/users/%s/sessions' % user['id'],
                   params={'oauthTokens': value, 'forgetDevices': value}).status_code == 204
    revocations = running.state()['revocations']
    assert [(r['oauthTokens'], r['forgetDevices']) for r in revocations] == [(True, True), (True, True), (False, False)]
