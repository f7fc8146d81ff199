# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The simulator limits calls as Okta does: buckets shared by groups of endpoints, windows that
start with a bucket's first call, a token's share of each bucket, and a cap on calls in flight."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time

import pytest
import requests

from ansible_collections.identity.okta.tests.okta_simulator import cli
from ansible_collections.identity.okta.tests.okta_simulator.limits import PROFILES, RateLimits


class Api:
    def __init__(self, running, token=None):
        self.running = running
        self.session = requests.Session()
        self.session.headers['Authorization'] = 'SSWS ' + (token or running.api_token)

    def __call__(self, method, path, **kwargs):
        return self.session.request(method, self.running.base_url + path, timeout=10, **kwargs)


def headers(response):
    return tuple(int(response.headers[name]) for name in ('X-Rate-Limit-Limit', 'X-Rate-Limit-Remaining',
                                                          'X-Rate-Limit-Reset'))


def test_a_session_read_and_a_session_revocation_count_in_one_bucket(okta_sim):
    running = okta_sim(users=2, sessions_per_user=2, profile='production')
    api = Api(running)
    first, second = [s['id'] for s in running.state()['sessions'][:2]]
    read = api('GET', '/api/v1/sessions/' + first)
    revoke = api('DELETE', '/api/v1/sessions/' + second)
    refresh = api('POST', '/api/v1/sessions/%s/lifecycle/refresh' % first)
    assert [r.status_code for r in (read, revoke, refresh)] == [200, 204, 200]
    # 750 per minute on a production org, half of it for one API token: 375, as Okta reports it.
    assert headers(read)[:2] == (375, 374)
    assert headers(revoke)[:2] == (375, 373)
    assert headers(refresh)[:2] == (375, 372)
    assert headers(read)[2] == headers(revoke)[2] == headers(refresh)[2]


def test_user_sign_outs_and_user_searches_share_a_bucket_and_a_user_lookup_has_its_own(okta_sim):
    running = okta_sim(users=2, sessions_per_user=1, profile='production')
    api = Api(running)
    user = running.state()['users'][0]
    search = api('GET', '/api/v1/users', params={'search': 'status eq "ACTIVE"'})
    sign_out = api('DELETE', '/api/v1/users/%s/sessions' % user['id'])
    lookup = api('GET', '/api/v1/users/' + user['id'])
    assert headers(search)[:2] == (300, 299) and headers(sign_out)[:2] == (300, 298)
    assert headers(lookup)[:2] == (1000, 999)  # GET /api/v1/users/{idOrLogin}: 2,000 per minute, its own bucket


def test_a_window_starts_with_the_bucket_s_first_call_not_on_the_clock(okta_sim):
    # time scale 20: a 60 s window lasts 3 s.
    running = okta_sim(users=1, sessions_per_user=1, profile='developer', time_scale=20, bucket_limits={'sessions': 4})
    api = Api(running)
    path = '/api/v1/sessions/' + running.state()['sessions'][0]['id']
    time.sleep((1.3 - time.time() % 3) % 3)  # 1.3 s into a 3 s window of the clock's: a clock window ends in 1.7 s
    started = time.time()
    first, second = headers(api('GET', path)), headers(api('GET', path))
    assert first[:2] == (2, 1) and second[:2] == (2, 0)
    assert first[2] == second[2]
    assert started + 3 <= first[2] <= started + 4.2, 'the window ends 3 s after its first call, not on the clock'
    assert api('GET', path).status_code == 429
    time.sleep(max(0.0, started + 3.1 - time.time()))
    again = headers(api('GET', path))
    assert again[:2] == (2, 1), 'the first call after the window ended starts a new one'


def test_reset_is_an_epoch_second_rounded_up(okta_sim):
    running = okta_sim(users=1, sessions_per_user=1, profile='developer', time_scale=7)
    before = time.time()
    reset = headers(Api(running)('GET', '/api/v1/sessions/' + running.state()['sessions'][0]['id']))[2]
    assert before + 60 / 7.0 <= reset <= time.time() + 60 / 7.0 + 1


def test_one_token_gets_its_share_and_then_429_with_its_own_limit(okta_sim):
    running = okta_sim(users=1, sessions_per_user=1, profile='developer', bucket_limits={'sessions': 4},
                       api_tokens=['token-one-0123456789', 'token-two-0123456789', 'token-three-012345678'])
    session_id = running.state()['sessions'][0]['id']
    tokens = ('token-one-0123456789', 'token-two-0123456789', 'token-three-012345678')
    one, two, three = (Api(running, token) for token in tokens)
    assert [one('GET', '/api/v1/sessions/' + session_id).status_code for dummy in range(2)] == [200, 200]
    refused = one('GET', '/api/v1/sessions/' + session_id)
    assert refused.status_code == 429 and refused.json()['errorCode'] == 'E0000047'
    assert headers(refused)[:2] == (2, 0), "the token's share: half of the bucket's 4"
    # Another token still has its share of the org's bucket ...
    assert [two('GET', '/api/v1/sessions/' + session_id).status_code for dummy in range(2)] == [200, 200]
    # ... and then the org's bucket is empty, whatever a third token's share: the org's figures.
    empty = three('GET', '/api/v1/sessions/' + session_id)
    assert empty.status_code == 429 and headers(empty)[:2] == (4, 0)
    assert running.state()['rateLimited'] == 2


def test_the_token_share_can_be_changed(okta_sim):
    running = okta_sim(users=1, sessions_per_user=1, profile='developer', token_share_percent=100)
    response = Api(running)('GET', '/api/v1/sessions/' + running.state()['sessions'][0]['id'])
    assert headers(response)[:2] == (100, 99)


def test_the_token_endpoint_counts_per_oauth_app(okta_sim):
    running = okta_sim(profile='developer', bucket_limits={'oauth-token': 2})
    form = {'grant_type': 'client_credentials', 'scope': 'okta.users.read',
            'client_assertion_type': 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            'client_assertion': 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIwb2FBcHAifQ.c2ln'}  # iss 0oaApp, not registered
    first = requests.post(running.base_url + '/oauth2/v1/token', data=form, timeout=10)
    second = requests.post(running.base_url + '/oauth2/v1/token', data=form, timeout=10)
    assert first.status_code == 401 and headers(first)[:2] == (1, 0)
    assert second.status_code == 429 and second.json()['errorCode'] == 'E0000047'


def test_calls_past_the_cap_in_flight_are_429_with_zero_limit_and_remaining(okta_sim):
    running = okta_sim(users=1, sessions_per_user=1, profile='developer', concurrency_limit=2, latency_ms=600)
    session_id = running.state()['sessions'][0]['id']
    answers = []

    def call():
        answers.append(Api(running)('GET', '/api/v1/sessions/' + session_id))

    threads = [threading.Thread(target=call) for dummy in range(3)]
    for thread in threads:
        thread.start()
        time.sleep(0.1)
    for thread in threads:
        thread.join()
    refused = [r for r in answers if r.status_code == 429]
    assert sorted(r.status_code for r in answers) == [200, 200, 429]
    assert refused[0].json()['errorCode'] == 'E0000047'
    # "The first two header values are always 0 for concurrent rate limit errors"; the reset is an estimate.
    assert headers(refused[0])[:2] == (0, 0) and headers(refused[0])[2] >= int(time.time()) - 1
    state = running.state()
    assert state['concurrencyLimited'] == 1 and state['rateLimited'] == 0 and state['inFlight']['peak'] == 2


def test_profiles_have_okta_s_published_figures():
    assert PROFILES['developer']['concurrency'] == 35 and PROFILES['production']['concurrency'] == 75
    assert PROFILES['developer']['buckets']['logs'] == 20 and PROFILES['production']['buckets']['logs'] == 120
    assert PROFILES['production']['buckets']['sessions'] == 750 and PROFILES['production']['buckets']['users'] == 600


def test_the_kind_profile_is_the_old_flat_limit_per_endpoint_on_clock_windows(okta_sim):
    running = okta_sim(users=1, sessions_per_user=2, rate_limit=3, rate_window_seconds=60)
    api = Api(running)
    first, second = [s['id'] for s in running.state()['sessions']]
    read = api('GET', '/api/v1/sessions/' + first)
    revoke = api('DELETE', '/api/v1/sessions/' + second)
    assert headers(read)[:2] == (3, 2) and headers(revoke)[:2] == (3, 2), 'each method + path its own bucket'
    assert headers(read)[2] % 60 == 0, 'windows on clock minutes'
    assert running.state()['rateLimits']['profile'] == 'kind'


def test_in_process_without_a_profile_is_kind_and_the_command_line_s_default_is_developer():
    assert RateLimits('kind', clock=time.time).describe()['windowStartsWith'] == 'clock'
    args = cli.parse_args(['--users', '3'])
    assert args.profile == 'developer' and args.time_scale == 1.0


def test_command_line_options():
    args = cli.parse_args(['--profile', 'production', '--time-scale', '20', '--bucket-limit', 'users=50',
                           '--bucket-limit', 'logs=10', '--token-share', '80', '--concurrency-limit', '5'])
    assert (args.profile, args.time_scale, dict(args.bucket_limit), args.token_share, args.concurrency_limit) == (
        'production', 20.0, {'users': 50, 'logs': 10}, 80.0, 5)
    assert cli.parse_args(['--rate-limit', '5']).profile == 'kind'
    for wrong in (['--bucket-limit', 'nope=5'], ['--profile', 'developer', '--rate-limit', '5'],
                  ['--profile', 'kind', '--bucket-limit', 'users=5'],
                  ['--bucket-limit', 'users'], ['--time-scale', '0'], ['--token-share', '150']):
        with pytest.raises(SystemExit):
            cli.parse_args(wrong)
