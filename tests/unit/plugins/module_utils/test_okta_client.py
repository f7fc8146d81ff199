# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The shared client against the Okta simulator, over real HTTP."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import threading
import time

import pytest
import requests

from ansible_collections.identity.okta.plugins.module_utils import okta_api
from ansible_collections.identity.okta.plugins.module_utils.okta_bulk import map_concurrent
from ansible_collections.identity.okta.plugins.module_utils.okta_errors import OktaApiError, OktaConfigError
from ansible_collections.identity.okta.plugins.module_utils.okta_client import (
    COLLECTION_VERSION,
    OktaClient,
    api_path,
    validate_org_url,
)


def client_for(running, **options):
    options.setdefault('backoff_base', 0.01)
    return OktaClient(running.base_url, api_token=running.api_token, **options)


def first_session(running):
    return running.state()['sessions'][0]


def spend_rate_limit(running, session_id, calls):
    """Another Okta client of the same org uses up the endpoint's budget."""
    for dummy in range(calls):
        requests.get('%s/api/v1/sessions/%s' % (running.base_url, session_id),
                     headers={'Authorization': 'SSWS ' + running.api_token}, timeout=10)


def test_rate_limit_429_waits_for_the_reset_header(okta_sim):
    running = okta_sim(users=1, sessions_per_user=1, rate_limit=3, rate_window_seconds=2)
    client = client_for(running)
    session_id = first_session(running)['id']
    spend_rate_limit(running, session_id, 3)
    started = time.time()
    assert client.get(okta_api.SESSION, session_id)['id'] == session_id
    elapsed = time.time() - started
    assert client.retries == 1, 'the call should have been throttled once and then retried'
    assert running.state()['rateLimited'] == 1
    assert 0.05 < elapsed < 4, 'waited %.2fs; the window is 2s' % elapsed


def test_client_waits_for_the_reset_instead_of_spending_its_last_call_on_a_429(okta_sim):
    running = okta_sim(users=1, sessions_per_user=1, rate_limit=2, rate_window_seconds=2)
    client = client_for(running)
    session_id = first_session(running)['id']
    for dummy in range(5):
        client.get(okta_api.SESSION, session_id)
    assert running.state()['rateLimited'] == 0
    assert client.rate_limiter.waited_seconds > 0


def test_rate_limit_wait_uses_okta_clock_not_the_local_one(okta_sim):
    # The server's clock is an hour ahead; a client trusting its own clock would wait an hour.
    running = okta_sim(users=1, sessions_per_user=1, rate_limit=1, rate_window_seconds=2, clock_skew_seconds=3600)
    client = client_for(running)
    session_id = first_session(running)['id']
    spend_rate_limit(running, session_id, 1)
    started = time.time()
    client.get(okta_api.SESSION, session_id)
    assert time.time() - started < 4
    assert client.retries == 1


def test_429_storm_does_not_use_up_max_retries(okta_sim):
    # Okta did not act and says when to come back: three 429s in a row with max_retries 1 still succeed.
    running = okta_sim(users=1, sessions_per_user=1, rate_window_seconds=1)
    client = client_for(running, max_retries=1)
    session_id = first_session(running)['id']
    running.arm_fault('429', method='DELETE', path_prefix='/api/v1/sessions/', count=3)
    assert okta_api.revoke_session(client, session_id)['result'] == okta_api.REVOKED
    assert client.retries == 3


def test_rate_limit_gives_up_when_retries_are_off(okta_sim):
    running = okta_sim(users=1, sessions_per_user=1, rate_limit=1, rate_window_seconds=60)
    client = client_for(running, max_retries=0)
    session_id = first_session(running)['id']
    spend_rate_limit(running, session_id, 1)
    with pytest.raises(OktaApiError) as caught:
        client.get(okta_api.SESSION, session_id)
    assert caught.value.status == 429
    assert caught.value.error_code == 'E0000047'


def test_max_api_share_waits_before_okta_says_429(okta_sim):
    running = okta_sim(users=1, sessions_per_user=1, rate_limit=6, rate_window_seconds=2)
    client = client_for(running, max_api_share=0.5)
    session_id = first_session(running)['id']
    for dummy in range(6):
        client.get(okta_api.SESSION, session_id)
    assert running.state()['rateLimited'] == 0, 'the client should have paused at half the limit'
    assert client.rate_limiter.waited_seconds > 0


@pytest.mark.parametrize('kind', ['503', '502', '504', 'drop'])
def test_transient_failures_of_reads_are_retried(okta_sim, kind):
    running = okta_sim(users=1, sessions_per_user=1)
    client = client_for(running)
    session_id = first_session(running)['id']
    running.arm_fault(kind, method='GET', path_prefix='/api/v1/sessions/', count=2)
    assert client.get(okta_api.SESSION, session_id)['id'] == session_id
    assert client.retries == 2


def test_revoke_retried_after_a_dropped_answer_ends_absent_not_failed(okta_sim):
    running = okta_sim(users=1, sessions_per_user=1)
    client = client_for(running)
    session_id = first_session(running)['id']
    running.arm_fault('drop', method='DELETE', path_prefix='/api/v1/sessions/', after_apply=True)
    assert okta_api.revoke_session(client, session_id)['result'] == okta_api.ABSENT
    assert running.state()['sessionCount'] == 0


def test_session_creation_is_never_retried_when_its_outcome_is_unknown(okta_sim):
    running = okta_sim(users=1)
    client = client_for(running)
    token = running.admin('POST', 'session-tokens', {'login': 'user1@example.com'})['sessionToken']
    running.arm_fault('503', method='POST', path_prefix='/api/v1/sessions')
    with pytest.raises(OktaApiError) as caught:
        okta_api.create_session(client, token)
    assert caught.value.status == 503
    assert client.retries == 0
    assert running.state()['requestCounts']['POST /api/v1/sessions'] == 1


def test_session_creation_is_retried_after_429_since_okta_did_not_act(okta_sim):
    running = okta_sim(users=1)
    client = client_for(running)
    token = running.admin('POST', 'session-tokens', {'login': 'user1@example.com'})['sessionToken']
    running.arm_fault('429', method='POST', path_prefix='/api/v1/sessions')
    session = okta_api.create_session(client, token)
    assert session['login'] == 'user1@example.com'
    assert client.retries == 1


def test_okta_error_body_becomes_one_exception_with_its_fields(okta_sim):
    running = okta_sim(users=1)
    client = client_for(running)
    with pytest.raises(OktaApiError) as caught:
        client.get(okta_api.SESSION, '102doesnotexist')
    error = caught.value
    assert error.status == 404
    assert error.error_code == 'E0000007'
    assert error.error_summary.startswith('Not found')
    assert error.error_link == 'E0000007'
    assert error.error_id.startswith('oae')
    assert error.request_id
    assert error.path == '/api/v1/sessions/102doesnotexist'
    assert 'HTTP 404' in str(error) and 'E0000007' in str(error)


def test_bad_token_gives_okta_401_without_echoing_the_token(okta_sim):
    running = okta_sim(users=1)
    client = OktaClient(running.base_url, api_token='wrong-token-value-0000')
    with pytest.raises(OktaApiError) as caught:
        client.get(okta_api.USER, 'user1@example.com')
    assert caught.value.status == 401
    assert caught.value.error_code == 'E0000011'
    assert 'wrong-token-value-0000' not in repr(caught.value.as_dict())


@pytest.mark.parametrize('kind, expected', [('502', 'Bad Gateway'), ('504', 'empty body')])
def test_non_json_error_bodies_still_give_a_clear_message(okta_sim, kind, expected):
    running = okta_sim(users=1)
    client = client_for(running, max_retries=0)
    running.arm_fault(kind, path_prefix='/api/v1/users/')
    with pytest.raises(OktaApiError) as caught:
        client.get(okta_api.USER, 'user1@example.com')
    assert caught.value.status == int(kind)
    assert 'HTTP %s' % kind in str(caught.value)
    assert expected in str(caught.value)


def test_connection_refused_is_a_clear_error(okta_sim):
    running = okta_sim()
    url = running.base_url
    running.stop()
    client = OktaClient(url, api_token='x', max_retries=1, backoff_base=0.01)
    with pytest.raises(OktaApiError) as caught:
        client.get(okta_api.USER, 'someone')
    assert 'Could not reach Okta' in str(caught.value)
    assert client.retries == 1


@pytest.mark.parametrize('evil', ['../users/x', 'a/b', '?q=1', '#frag', 'x y', '%2e%2e'])
def test_path_parameters_are_encoded_and_stay_one_segment(okta_sim, evil):
    running = okta_sim(users=1)
    client = client_for(running)
    with pytest.raises(OktaApiError) as caught:
        client.get(okta_api.SESSION, evil)
    assert caught.value.status == 404
    assert caught.value.error_summary.endswith('(AppSession)'), 'the request reached another endpoint'
    sent = running.requests_log()[-1]
    assert sent['path'] == '/api/v1/sessions/' + api_path('{0}', evil)
    assert sent['query'] == ''


@pytest.mark.parametrize('dots', ['.', '..'])
def test_dot_segments_are_refused_before_any_request(okta_sim, dots):
    running = okta_sim(users=1)
    client = client_for(running)
    with pytest.raises(OktaApiError) as caught:
        client.delete(okta_api.SESSION, dots)
    assert 'not a valid' in str(caught.value)
    assert running.requests_log() == []


def test_user_lookup_by_login_with_special_characters(okta_sim):
    running = okta_sim()
    running.admin('POST', 'users', {'login': 'o+brien@example.com'})
    client = client_for(running)
    assert okta_api.get_user(client, 'o+brien@example.com')['profile']['login'] == 'o+brien@example.com'
    assert running.requests_log()[-1]['path'] == '/api/v1/users/o%2Bbrien%40example.com'


def test_pagination_follows_link_next_to_the_end(okta_sim):
    running = okta_sim(users=450, groups=1)
    client = client_for(running)
    group = okta_api.find_groups(client, 'group-1')[0]
    members = list(okta_api.group_members(client, group['id'], page_size=200))
    assert len(members) == 450
    assert len(set(m['id'] for m in members)) == 450
    assert running.state()['requestCounts']['GET /api/v1/groups/{id}/users'] == 3


@pytest.mark.parametrize('spelling', ['http://LOCALHOST:{port}', 'HTTP://LocalHost:{port}/'])
def test_pagination_follows_links_whatever_the_case_of_the_org_url(okta_sim, spelling):
    # Okta writes its links with the canonical origin; the org URL may be typed another way.
    running = okta_sim(users=450, groups=1)
    port = int(running.base_url.rsplit(":", 1)[1])
    client = OktaClient(spelling.format(port=port), api_token=running.api_token)
    group = okta_api.find_groups(client, 'group-1')[0]
    assert len(list(okta_api.group_members(client, group['id'], page_size=200))) == 450


@pytest.mark.parametrize('url, normalised', [
    ('https://Example.OKTA.com', 'https://example.okta.com'),
    ('https://example.okta.com:443', 'https://example.okta.com'),
    ('HTTPS://example.okta.com:443/', 'https://example.okta.com'),
    ('https://example.okta.com:8443', 'https://example.okta.com:8443'),
    ('http://127.0.0.1:80', 'http://127.0.0.1'),
    ('http://[::1]:80', 'http://[::1]'),
])
def test_org_urls_are_normalised_as_origins(url, normalised):
    assert validate_org_url(url) == normalised


def test_every_request_names_the_collection_in_its_user_agent(okta_sim):
    running = okta_sim(users=1)
    client = client_for(running, ansible_version='2.19.14')
    okta_api.get_user(client, 'user1@example.com')
    agent = running.requests_log()[-1]['userAgent']
    assert agent.startswith('identity.okta/%s ansible-core/2.19.14 python/' % COLLECTION_VERSION)


def test_the_user_agent_version_is_galaxy_yml_s():
    """COLLECTION_VERSION repeats galaxy.yml (a module cannot read the file at run time): they must agree."""
    galaxy = os.path.join(os.path.dirname(__file__), *([os.pardir] * 4 + ['galaxy.yml']))
    with open(galaxy) as handle:
        version = re.search(r'^version:\s*(\S+)', handle.read(), re.M).group(1)
    assert COLLECTION_VERSION == version


def test_access_token_is_sent_as_bearer(okta_sim):
    running = okta_sim(users=1, access_tokens=['oauth-access-token-1'])
    client = OktaClient(running.base_url, access_token='oauth-access-token-1')
    assert okta_api.get_user(client, 'user1@example.com')
    assert running.requests_log()[-1]['authScheme'] == 'Bearer'


def test_concurrent_calls_share_one_client_and_stay_bounded(okta_sim):
    running = okta_sim(users=60, sessions_per_user=1, latency_ms=20)
    client = client_for(running, concurrency=6)
    ids = [s['id'] for s in running.state()['sessions']]
    in_flight = [0]
    peak = [0]
    lock = threading.Lock()

    def revoke(session_id):
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        try:
            return okta_api.revoke_session(client, session_id)
        finally:
            with lock:
                in_flight[0] -= 1

    outcomes = dict((item, result['result']) for item, result, error in map_concurrent(revoke, ids, 6))
    assert sorted(outcomes) == sorted(ids)
    assert set(outcomes.values()) == {'revoked'}
    assert 1 < peak[0] <= 6
    assert running.state()['sessionCount'] == 0


@pytest.mark.parametrize('url', ['http://127.0.0.1:8080', 'http://127.8.0.1', 'http://localhost:1', 'http://[::1]:9',
                                 'https://example.okta.com', 'https://example.okta.com/'])
def test_accepted_org_urls(url):
    assert validate_org_url(url) == url.rstrip('/')


@pytest.mark.parametrize('url, why', [
    ('http://example.okta.com', 'https://'),
    ('http://10.0.0.1', 'https://'),
    ('https://example.okta.com/api/v1', 'path'),
    ('https://example.okta.com?x=1', 'query'),
    ('https://admin:secret@example.okta.com', 'user name or password'),
    ('ftp://example.okta.com', 'https://'),
    ('example.okta.com', 'https://'),
    ('', 'required'),
    ('https://example.okta.com:99999', 'port'),
    ('https://example.okta.com:0', 'port'),
    ('https://example.okta.com:x', 'port'),
])
def test_rejected_org_urls_name_the_option(url, why):
    with pytest.raises(OktaConfigError) as caught:
        validate_org_url(url)
    assert caught.value.field == 'org_url'
    assert 'org_url' in str(caught.value) and why in str(caught.value)


@pytest.mark.parametrize('option, value', [('timeout', float('inf')), ('timeout', float('nan')), ('timeout', 0),
                                           ('timeout', 1e9), ('max_retries', -1), ('max_retries', 1000)])
def test_out_of_range_options_are_refused_naming_them(option, value):
    with pytest.raises(OktaConfigError) as caught:
        OktaClient('https://example.okta.com', api_token='t', **{option: value})
    assert caught.value.field == option and option in str(caught.value)


@pytest.mark.parametrize('credentials', [{}, {'api_token': 'a', 'access_token': 'b'}])
def test_exactly_one_credential(credentials):
    with pytest.raises(OktaConfigError) as caught:
        OktaClient('https://example.okta.com', **credentials)
    assert 'Exactly one credential' in str(caught.value)
