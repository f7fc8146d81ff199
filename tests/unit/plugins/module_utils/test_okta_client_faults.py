# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The shared client against misbehaving servers: TLS, redirects, slow, truncated and restarting."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

import pytest

from ansible_collections.identity.okta.plugins.module_utils import okta_api
from ansible_collections.identity.okta.plugins.module_utils.okta_bulk import map_concurrent
from ansible_collections.identity.okta.plugins.module_utils.okta_client import OktaClient
from ansible_collections.identity.okta.plugins.module_utils.okta_errors import OktaApiError
from ansible_collections.identity.okta.tests.okta_simulator.tls import write_self_signed


def client_for(running, **options):
    options.setdefault('backoff_base', 0.05)
    return OktaClient(running.base_url, api_token=running.api_token, **options)


@pytest.fixture
def tls_sim(okta_sim, tmp_path):
    cert, key = write_self_signed(str(tmp_path))
    running = okta_sim(users=1, sessions_per_user=1, tls_cert=cert, tls_key=key)
    running.cert = cert
    return running


def test_self_signed_certificate_is_refused_by_default(tls_sim):
    assert tls_sim.base_url.startswith('https://127.0.0.1:')
    client = client_for(tls_sim, max_retries=0)
    with pytest.raises(OktaApiError) as caught:
        okta_api.get_user(client, 'user1@example.com')
    assert 'SSLError' in str(caught.value) and 'CERTIFICATE_VERIFY_FAILED' in str(caught.value)


def test_self_signed_certificate_is_accepted_with_ca_path(tls_sim):
    client = client_for(tls_sim, ca_path=tls_sim.cert)
    assert okta_api.get_user(client, 'user1@example.com')['profile']['login'] == 'user1@example.com'


def test_self_signed_certificate_is_accepted_without_validation(tls_sim):
    client = client_for(tls_sim, validate_certs=False)
    assert okta_api.get_user(client, 'user1@example.com')['profile']['login'] == 'user1@example.com'


@pytest.fixture
def other_ca(tmp_path):
    """A certificate of another, unrelated CA: trusting it must not make the simulator trusted."""
    directory = tmp_path / 'other'
    directory.mkdir()
    return write_self_signed(str(directory))[0]


@pytest.mark.parametrize('variable', ['REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'])
def test_ca_path_wins_over_a_ca_bundle_from_the_environment(tls_sim, other_ca, monkeypatch, variable):
    # The environment trusts the simulator, the task pins another CA: the task must win.
    monkeypatch.setenv(variable, tls_sim.cert)
    client = client_for(tls_sim, ca_path=other_ca, max_retries=4)
    with pytest.raises(OktaApiError) as caught:
        okta_api.get_user(client, 'user1@example.com')
    assert 'CERTIFICATE_VERIFY_FAILED' in str(caught.value) and 'ca_path' in str(caught.value)
    # A certificate that is not trusted is not a transient failure: one attempt, no retry.
    assert (client.requests, client.retries) == (1, 0)


@pytest.mark.parametrize('variable', ['REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'])
def test_ca_path_is_used_when_the_environment_names_another_bundle(tls_sim, other_ca, monkeypatch, variable):
    monkeypatch.setenv(variable, other_ca)
    client = client_for(tls_sim, ca_path=tls_sim.cert)
    assert okta_api.get_user(client, 'user1@example.com')['profile']['login'] == 'user1@example.com'


@pytest.mark.parametrize('variable', ['REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'])
def test_validate_certs_false_wins_over_a_ca_bundle_from_the_environment(tls_sim, other_ca, monkeypatch, variable):
    monkeypatch.setenv(variable, other_ca)
    client = client_for(tls_sim, validate_certs=False)
    assert okta_api.get_user(client, 'user1@example.com')['profile']['login'] == 'user1@example.com'


def test_authorization_is_not_sent_to_where_a_redirect_points(okta_sim):
    running = okta_sim(users=1, sessions_per_user=1)
    elsewhere = okta_sim()
    running.admin('POST', 'faults', {'kind': 'redirect', 'location': elsewhere.base_url, 'pathPrefix': '/api/v1/'})
    client = client_for(running)
    with pytest.raises(OktaApiError) as caught:
        okta_api.get_user(client, 'user1@example.com')
    assert caught.value.status == 302
    assert 'redirect' in str(caught.value) and elsewhere.base_url in str(caught.value)
    assert elsewhere.requests_log() == [], 'the other server was called'


def test_truncated_json_of_a_read_is_retried(okta_sim):
    running = okta_sim(users=1, sessions_per_user=1)
    running.arm_fault('truncated', method='GET', path_prefix='/api/v1/users/')
    client = client_for(running)
    assert okta_api.get_user(client, 'user1@example.com')['profile']['login'] == 'user1@example.com'
    assert client.retries == 1


def test_truncated_json_of_a_session_creation_is_an_error_not_a_retry(okta_sim):
    running = okta_sim(users=1)
    token = running.admin('POST', 'session-tokens', {'login': 'user1@example.com'})['sessionToken']
    running.arm_fault('truncated', method='POST', path_prefix='/api/v1/sessions')
    client = client_for(running)
    with pytest.raises(OktaApiError) as caught:
        okta_api.create_session(client, token)
    assert 'not valid JSON' in str(caught.value)
    assert client.retries == 0


def test_answer_slower_than_timeout_is_retried_and_the_revocation_ends_absent(okta_sim):
    running = okta_sim(users=1, sessions_per_user=1)
    session_id = running.state()['sessions'][0]['id']
    running.admin('POST', 'faults', {'kind': 'slow', 'seconds': 2, 'method': 'DELETE',
                                     'pathPrefix': '/api/v1/sessions/'})
    client = client_for(running, timeout=0.5)
    assert okta_api.revoke_session(client, session_id)['result'] == okta_api.ABSENT
    assert client.retries == 1
    assert running.state()['sessionCount'] == 0


def test_server_restart_mid_run_is_ridden_out(okta_sim):
    running = okta_sim(users=200, sessions_per_user=1, latency_ms=30)
    ids = [s['id'] for s in running.state()['sessions']]
    client = client_for(running, backoff_base=0.3, max_retries=5, concurrency=4)
    outcomes = {}
    started = time.time()
    for index, (item, result, error) in enumerate(map_concurrent(
            lambda session_id: okta_api.revoke_session(client, session_id), ids, 4)):
        outcomes[item] = result['result'] if result else error
        if index == 10:
            running.admin('POST', 'outage', {'seconds': 1})
    assert time.time() - started > 1, 'the run should have spanned the outage'
    assert sorted(outcomes) == sorted(ids)
    assert set(outcomes.values()) <= {'revoked', 'absent'}, outcomes
    assert client.retries >= 1
    assert running.state()['sessionCount'] == 0
