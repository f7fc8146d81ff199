# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The simulator's answers, validated against Okta's official OpenAPI spec: release
2026.06.3 (tests/okta_simulator/spec/management-minimal.yaml.gz), 2025.08.0 for
``POST /api/v1/sessions``, which Okta has removed from its public spec since, and Okta's
OAuth spec 2026.06.3 (spec/oauth-minimal.yaml.gz) for ``POST /oauth2/v1/global-token-revocation``.

Each request is also validated, so the test cannot pass by calling paths or
parameters the spec does not have.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import gzip
import hashlib

import pytest
import requests

openapi_core = pytest.importorskip('openapi_core')
from openapi_core import OpenAPI  # noqa: E402
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse  # noqa: E402
from openapi_schema_validator import OAS30Validator  # noqa: E402

from ansible_collections.identity.okta.tests.okta_simulator import spec_check  # noqa: E402


@pytest.fixture(scope='module')
def spec_documents():
    return spec_check.spec_documents()


@pytest.fixture
def contract(okta_sim, spec_documents):
    return Contract(okta_sim(users=5, sessions_per_user=2, groups=2, profile='production'), spec_documents)


class Contract:
    def __init__(self, running, documents):
        self.running = running
        self.specs = []
        for document in documents:
            document = dict(document, servers=[{'url': running.base_url}])
            self.specs.append((document, OpenAPI.from_dict(document)))
        self.session = requests.Session()
        self.session.headers['Authorization'] = 'SSWS ' + running.api_token

    def spec_of(self, method, path):
        """(document, openapi, operation) of the newest release that has the call."""
        for document, openapi in self.specs:
            found = spec_check.find_operation(document, method, path)
            if found:
                return document, openapi, found[1]
        raise AssertionError('%s %s is in neither release of the spec' % (method, path))

    def release_of(self, method, path):
        """The release of the spec that has the call: 2026.06.3 (management), 2025.08.0, or 2026.06.3 OAuth."""
        document = self.spec_of(method, path)[0]
        return ['2026.06.3', '2025.08.0', '2026.06.3 OAuth'][[d for d, o in self.specs].index(document)]

    def call(self, method, path, expect, **kwargs):
        """Send a request the spec allows; check status, headers and body against the spec."""
        response = self.session.request(method, self.running.base_url + path, timeout=10, **kwargs)
        assert response.status_code == expect, response.text
        document, openapi, operation = self.spec_of(method, response.request.path_url.split('?')[0])
        openapi.validate_request(RequestsOpenAPIRequest(response.request))
        if expect == 204:
            # openapi-core reads the spec's `content: {}` as "a body is required"; check what 204 means instead.
            assert response.content == b''
            assert '204' in operation['responses']
        elif str(expect) in operation['responses'] and spec_check.declares_no_body(
                document, operation['responses'][str(expect)]):
            response.json()  # `content: {}`: the spec gives no schema; Okta sends JSON all the same
        elif str(expect) in operation['responses']:
            self.validate_response(openapi, response)
        for header in ('Date', 'X-Okta-Request-Id', 'X-Rate-Limit-Limit', 'X-Rate-Limit-Remaining', 'X-Rate-Limit-Reset'):
            assert response.headers.get(header), '%s missing on %s %s' % (header, method, path)
        assert len(response.headers['X-Okta-Request-Id']) == 32
        return response

    @staticmethod
    def validate_response(openapi, response):
        """The spec's schemas, except the nulls Okta is known to send where the spec says none (spec_check)."""
        for error in openapi.iter_response_errors(RequestsOpenAPIRequest(response.request),
                                                  RequestsOpenAPIResponse(response)):
            schema_errors = list(getattr(error.__cause__, 'schema_errors', None) or [])
            assert schema_errors and all(spec_check.tolerated(e) for e in schema_errors), str(error)

    def error_body(self, response, code):
        document = self.specs[0][0]
        OAS30Validator(dict(document['components']['schemas']['Error'], components=document['components'])).validate(
            response.json())
        assert response.json()['errorCode'] == code

    def session_id(self, index=0):
        return self.running.state()['sessions'][index]['id']

    def user(self, index=0):
        return self.running.state()['users'][index]


def test_the_checker_validates_against_2026_06_3_and_the_legacy_call_against_2025_08_0(contract):
    assert contract.release_of('GET', '/api/v1/sessions/102x') == '2026.06.3'
    assert contract.release_of('DELETE', '/api/v1/users/00ux/sessions') == '2026.06.3'
    assert contract.release_of('GET', '/api/v1/users') == '2026.06.3'
    assert contract.release_of('POST', '/api/v1/sessions') == '2025.08.0'
    assert contract.release_of('POST', '/oauth2/v1/global-token-revocation') == '2026.06.3 OAuth'
    assert contract.release_of('PUT', '/api/v1/users/00ux/risk') == '2026.06.3'


def test_the_copy_differs_from_okta_s_file_in_one_place_only():
    """The hook-keys path parameter without `required` (spec/README.md): openapi-core refuses the
    file without the patch; everything else is Okta's 2026.06.3 as published."""
    with gzip.open(spec_check.CURRENT_SPEC, 'rt') as handle:
        text = handle.read()
    assert 'version: 2026.06.3' in text
    patched = text.index('      operationId: getHookKey\n      parameters:\n        - name: id\n')
    assert text[patched:patched + 220].count('required: true') == 1


def test_get_session(contract):
    session_id = contract.session_id()
    body = contract.call('GET', '/api/v1/sessions/' + session_id, 200).json()
    assert body['id'] == session_id and body['status'] in ('ACTIVE', 'MFA_ENROLL', 'MFA_REQUIRED')


def test_get_unknown_session_is_404_with_okta_error(contract):
    response = contract.call('GET', '/api/v1/sessions/102unknown', 404)
    contract.error_body(response, 'E0000007')
    assert response.json()['errorSummary'] == 'Not found: Resource not found: 102unknown (AppSession)'


def test_create_session_from_a_session_token_then_refuse_it_again(contract):
    token = contract.running.admin('POST', 'session-tokens', {'login': contract.user()['login']})['sessionToken']
    body = contract.call('POST', '/api/v1/sessions', 200, json={'sessionToken': token}).json()
    assert body['login'] == contract.user()['login']
    # A used (or unknown) session token: Okta's 401 E0000004 in okta-sdk-python's recorded exchanges.
    refused = contract.call('POST', '/api/v1/sessions', 401, json={'sessionToken': token})
    contract.error_body(refused, 'E0000004')
    assert refused.json()['errorSummary'] == 'Authentication failed'


def test_refresh_moves_expires_at(contract):
    session_id = contract.running.admin('POST', 'sessions', {'login': contract.user()['login'],
                                                             'lifetimeSeconds': 600})['id']
    before = contract.call('GET', '/api/v1/sessions/' + session_id, 200).json()['expiresAt']
    after = contract.call('POST', '/api/v1/sessions/%s/lifecycle/refresh' % session_id, 200).json()['expiresAt']
    assert after > before  # 10 minutes left became the org's 2 hours
    contract.call('POST', '/api/v1/sessions/102unknown/lifecycle/refresh', 404)


def test_revoke_session_is_204_then_404(contract):
    session_id = contract.session_id()
    contract.call('DELETE', '/api/v1/sessions/' + session_id, 204)
    contract.error_body(contract.call('DELETE', '/api/v1/sessions/' + session_id, 404), 'E0000007')


def test_revoke_user_sessions_with_options(contract):
    user = contract.user()
    contract.call('DELETE', '/api/v1/users/%s/sessions' % user['id'], 204,
                  params={'oauthTokens': 'true', 'forgetDevices': 'false'})
    state = contract.running.state()
    assert not [s for s in state['sessions'] if s['userId'] == user['id']]
    assert state['revocations'][-1] == {'kind': 'user', 'userId': user['id'], 'sessionsCleared': 2,
                                        'oauthTokens': True, 'forgetDevices': False}
    contract.error_body(contract.call('DELETE', '/api/v1/users/00uunknown/sessions', 404), 'E0000007')


@pytest.mark.parametrize('key', ['id', 'login'])
def test_get_user_by_id_or_login(contract, key):
    user = contract.user()
    body = contract.call('GET', '/api/v1/users/' + requests.utils.quote(user[key], safe=''), 200).json()
    assert body['id'] == user['id']


def test_get_unknown_user_is_404(contract):
    contract.error_body(contract.call('GET', '/api/v1/users/nobody@example.com', 404), 'E0000007')


def test_list_groups_by_query_and_their_users_paged(contract):
    groups = contract.call('GET', '/api/v1/groups', 200, params={'q': 'group-1', 'limit': 10}).json()
    assert [g['profile']['name'] for g in groups] == ['group-1']
    first = contract.call('GET', '/api/v1/groups/%s/users' % groups[0]['id'], 200, params={'limit': 2})
    assert len(first.json()) == 2 and 'next' in first.links
    second = contract.call('GET', first.links['next']['url'][len(contract.running.base_url):], 200)
    assert len(second.json()) == 1 and 'next' not in second.links
    contract.error_body(contract.call('GET', '/api/v1/groups/00gunknown/users', 404), 'E0000007')


def test_rate_limited_call_is_429_with_okta_error(okta_sim, spec_documents):
    running = okta_sim(users=1, sessions_per_user=1, profile='developer', bucket_limits={'sessions': 2})
    contract = Contract(running, spec_documents)
    session_id = contract.session_id()
    contract.call('GET', '/api/v1/sessions/' + session_id, 200)
    response = contract.call('GET', '/api/v1/sessions/' + session_id, 429)
    contract.error_body(response, 'E0000047')
    assert response.headers['X-Rate-Limit-Limit'] == '1'  # the token's half of 2
    assert response.headers['X-Rate-Limit-Remaining'] == '0'


def test_missing_or_bad_token_is_401_with_okta_error_body(contract):
    for headers in ({'Authorization': None}, {'Authorization': 'SSWS not-the-token'}):
        url = contract.running.base_url + '/api/v1/sessions/' + contract.session_id()
        response = requests.get(url, headers=headers, timeout=10)
        assert response.status_code == 401
        assert response.headers['X-Okta-Request-Id'] and response.headers['Date']
        contract.error_body(response, 'E0000011')


def test_spec_check_mode_catches_an_answer_that_drifts_from_the_spec(okta_sim):
    running = okta_sim(users=1, sessions_per_user=2, check_spec=True, profile='production')
    good, drifted = [s['id'] for s in running.state()['sessions']]
    running.sim.org.sessions[drifted]['status'] = 'SUSPENDED'  # not a SessionStatus in Okta's spec
    session = requests.Session()
    session.headers['Authorization'] = 'SSWS ' + running.api_token
    for session_id in (good, drifted):
        assert session.get('%s/api/v1/sessions/%s' % (running.base_url, session_id), timeout=10).status_code == 200
    state = running.state()
    assert state['specChecked'] == 2
    assert [v['path'] for v in state['specViolations']] == ['/api/v1/sessions/' + drifted]


def test_system_log_pages_and_filters(contract):
    # Without since, Okta looks 7 days back from until: nothing before 2098-12-25.
    assert contract.call('GET', '/api/v1/logs', 200, params={'until': '2099-01-01T00:00:00Z'}).json() == []
    window = {'since': '2000-01-01T00:00:00Z', 'until': '2099-01-01T00:00:00Z'}
    first = contract.call('GET', '/api/v1/logs', 200, params=dict(window, limit=4))
    assert len(first.json()) == 4 and 'next' in first.links
    everything = contract.call('GET', '/api/v1/logs', 200, params=dict(window, limit=1000))
    assert len(everything.json()) == 10 and 'next' not in everything.links  # 5 users x 2 sessions started
    ip = everything.json()[0]['client']['ipAddress']
    only = contract.call('GET', '/api/v1/logs', 200, params={
        'filter': 'eventType eq "user.session.start" and client.ipAddress eq "%s"' % ip, 'sortOrder': 'DESCENDING',
        'since': '2000-01-01T00:00:00Z', 'until': '2099-01-01T00:00:00Z'}).json()
    assert [e['client']['ipAddress'] for e in only] == [ip]


def test_system_log_polling_query_always_has_a_next_link(contract):
    page = contract.call('GET', '/api/v1/logs', 200, params={'limit': 1000, 'since': '2000-01-01T00:00:00Z'})
    assert len(page.json()) == 10 and 'next' in page.links
    empty = contract.call('GET', page.links['next']['url'][len(contract.running.base_url):], 200)
    assert empty.json() == [] and 'next' in empty.links


def test_spec_check_mode_tolerates_only_the_nulls_okta_sends(okta_sim):
    running = okta_sim(users=2, sessions_per_user=1, check_spec=True, profile='production')
    session = requests.Session()
    session.headers['Authorization'] = 'SSWS ' + running.api_token
    token = running.admin('POST', 'session-tokens', {'login': 'user1@example.com'})['sessionToken']
    created = session.post(running.base_url + '/api/v1/sessions', json={'sessionToken': token}, timeout=10).json()
    assert created['lastFactorVerification'] is None  # a password-only session, as Okta shows it
    assert session.get(running.base_url + '/api/v1/sessions/' + created['id'], timeout=10).status_code == 200
    assert session.get(running.base_url + '/api/v1/logs', params={'since': '2000-01-01T00:00:00Z'}, timeout=10).ok
    state = running.state()
    assert state['specChecked'] == 3 and state['specViolations'] == []
    tolerated = state['specToleratedNulls']
    assert tolerated['POST /api/v1/sessions: lastFactorVerification'] == 1
    assert tolerated['GET /api/v1/sessions/{sessionId}: lastFactorVerification'] == 1
    assert tolerated['GET /api/v1/logs: *.actor.detailEntry'] == 1


# -- issue 14: a user's OAuth apps and refresh tokens ------------------------------------------------

def test_a_user_s_apps_and_refresh_tokens(contract):
    user = contract.user()
    client_id = contract.running.admin('POST', 'refresh-tokens', {'userId': user['id'], 'count': 3})['clientId']
    clients = contract.call('GET', '/api/v1/users/%s/clients' % user['id'], 200).json()
    assert [c['client_id'] for c in clients] == [client_id]
    path = '/api/v1/users/%s/clients/%s/tokens' % (user['id'], client_id)
    first = contract.call('GET', path, 200, params={'limit': 2, 'expand': 'scope'})
    assert len(first.json()) == 2 and 'next' in first.links and first.json()[0]['_embedded']['scopes']
    token_id = first.json()[0]['id']
    assert contract.call('GET', '%s/%s' % (path, token_id), 200).json()['id'] == token_id
    contract.call('DELETE', '%s/%s' % (path, token_id), 204)
    contract.error_body(contract.call('GET', '%s/%s' % (path, token_id), 404), 'E0000007')
    contract.call('DELETE', path, 204)
    contract.call('DELETE', path, 204)  # nothing left: still 204
    assert contract.call('GET', path, 200).json() == []
    contract.error_body(contract.call('GET', '/api/v1/users/00uunknown/clients', 404), 'E0000007')
    contract.error_body(contract.call('DELETE', '/api/v1/users/%s/clients/0oaunknown/tokens' % user['id'], 404),
                        'E0000007')


def test_an_app_without_uri_or_logo_shows_nulls_as_the_spec_s_example_does(okta_sim):
    running = okta_sim(users=1, oauth_grants_per_user=2, check_spec=True, profile='production')
    user_id = running.state()['users'][0]['id']
    answer = requests.get('%s/api/v1/users/%s/clients' % (running.base_url, user_id), timeout=10,
                          headers={'Authorization': 'SSWS ' + running.api_token})
    assert [c['client_uri'] for c in answer.json()] == ['https://portal.example.com', None]
    state = running.state()
    assert state['specViolations'] == []
    assert state['specToleratedNulls'] == {'GET /api/v1/users/{userId}/clients: *.client_uri': 1,
                                           'GET /api/v1/users/{userId}/clients: *.logo_uri': 1}


# -- issue 14: suspend, unsuspend, risk --------------------------------------------------------------

def test_suspend_and_unsuspend(contract):
    user = contract.user()
    # The spec gives 200 as `content: {}`; Okta sends `{}` (okta-sdk-python's test_comprehensive_user_lifecycle).
    assert contract.call('POST', '/api/v1/users/%s/lifecycle/suspend' % user['id'], 200).json() == {}
    contract.error_body(contract.call('POST', '/api/v1/users/%s/lifecycle/suspend' % user['id'], 400), 'E0000001')
    assert contract.call('POST', '/api/v1/users/%s/lifecycle/unsuspend' % user['id'], 200).json() == {}
    contract.error_body(contract.call('POST', '/api/v1/users/%s/lifecycle/unsuspend' % user['id'], 400), 'E0000001')
    contract.error_body(contract.call('POST', '/api/v1/users/00uunknown/lifecycle/suspend', 404), 'E0000007')


def test_get_and_upsert_a_user_s_risk(contract):
    user = contract.user()
    assert contract.call('GET', '/api/v1/users/%s/risk' % user['id'], 200).json()['riskLevel'] == 'NONE'
    assert contract.call('PUT', '/api/v1/users/%s/risk' % user['id'], 201, json={'riskLevel': 'HIGH'}).json()[
        'reason'] == 'override.by.admin'
    contract.call('PUT', '/api/v1/users/%s/risk' % user['id'], 200,
                  json={'riskLevel': 'MEDIUM', 'riskReason': 'Risk level changed due to external risk signal'})
    body = contract.call('GET', '/api/v1/users/%s/risk' % user['id'], 200).json()
    assert (body['riskLevel'], body['reason']) == ('MEDIUM', 'Risk level changed due to external risk signal')
    contract.error_body(contract.call('GET', '/api/v1/users/00uunknown/risk', 404), 'E0000007')


def test_the_checker_sees_the_new_calls_and_only_the_bad_request(okta_sim):
    running = okta_sim(users=1, sessions_per_user=1, check_spec=True, profile='production')
    session = requests.Session()
    session.headers['Authorization'] = 'SSWS ' + running.api_token
    user_id = running.state()['users'][0]['id']
    base = '%s/api/v1/users/%s' % (running.base_url, user_id)
    assert session.put(base + '/risk', json={'riskLevel': 'LOW'}, timeout=10).status_code == 201
    assert session.get(base + '/risk', timeout=10).status_code == 200
    assert session.post(base + '/lifecycle/suspend', timeout=10).status_code == 200
    assert session.post(base + '/lifecycle/unsuspend', timeout=10).status_code == 200
    assert session.put(base + '/risk', json={'riskLevel': 'NONE'}, timeout=10).status_code == 400
    state = running.state()
    assert state['specChecked'] == 5
    assert [(v['method'], v['status']) for v in state['specViolations']] == [('PUT', 400)]
    assert "'NONE' is not one of ['HIGH', 'MEDIUM', 'LOW']" in state['specViolations'][0]['problem']


# -- issue 14: Universal Logout, against Okta's OAuth spec 2026.06.3 -----------------------------------

def test_the_oauth_spec_is_okta_s_file_as_published():
    with gzip.open(spec_check.OAUTH_SPEC, 'rt') as handle:
        text = handle.read()
    assert 'title: Okta OpenID Connect & OAuth 2.0' in text and 'version: 2026.06.3' in text
    assert hashlib.sha256(text.encode('utf-8')).hexdigest() == (
        '515a2b2a5de3448ae06e661c427b7e987bd066db426563e88c4f2838e2550fb4')


def test_global_token_revocation(contract):
    user = contract.user()
    contract.call('POST', '/oauth2/v1/global-token-revocation', 204,
                  json={'sub_id': {'format': 'opaque', 'id': user['id']}})
    assert not [s for s in contract.running.state()['sessions'] if s['userId'] == user['id']]
    contract.call('POST', '/oauth2/v1/global-token-revocation', 204,
                  json={'sub_id': {'format': 'opaque', 'id': user['id']}})  # again: nothing left, 204
    # 400 is "Bad Request" with `content: {}` in the spec: no schema; the body is Okta's error shape.
    refused = contract.call('POST', '/oauth2/v1/global-token-revocation', 400,
                            json={'sub_id': {'format': 'iss_sub', 'iss': 'https://idp.example.com', 'sub': 'x'}})
    contract.error_body(refused, 'E0000001')
