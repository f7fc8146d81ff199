# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Okta's rate-limit buckets, the budget a run may use of them, and the cap on calls in flight."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time

import pytest

from ansible_collections.identity.okta.plugins.module_utils import okta_api
from ansible_collections.identity.okta.plugins.module_utils.okta_bulk import map_concurrent
from ansible_collections.identity.okta.plugins.module_utils.okta_client import OktaClient
from ansible_collections.identity.okta.plugins.module_utils.okta_rate_limit import InFlightGate, RateLimiter, bucket_for


@pytest.mark.parametrize('method, path, bucket', [
    ('POST', okta_api.SESSIONS, 'sessions'),
    ('GET', okta_api.SESSION, 'sessions'),
    ('DELETE', okta_api.SESSION, 'sessions'),
    ('POST', okta_api.SESSION_REFRESH, 'sessions'),
    ('DELETE', '/api/v1/sessions/102abc', 'sessions'),
    ('GET', okta_api.USERS, 'users'),
    ('GET', okta_api.USER, 'user-get'),
    ('GET', '/api/v1/users/jane%40example.com', 'user-get'),
    ('DELETE', okta_api.USER_SESSIONS, 'users'),
    ('POST', '/api/v1/users/00u1/lifecycle/suspend', 'users'),
    ('GET', okta_api.GROUPS, 'groups'),
    ('GET', okta_api.GROUP_USERS, 'groups'),
    ('GET', okta_api.LOGS, 'logs'),
    ('POST', '/oauth2/v1/token', 'oauth-token'),
    ('POST', '/oauth2/v1/global-token-revocation', 'oauth2'),
    ('GET', '/api/v1/apps', 'GET /api/v1/apps'),
])
def test_each_call_counts_in_the_bucket_okta_counts_it_in(method, path, bucket):
    # A search and a sign-out share the users bucket: budgeting them apart spends it twice.
    assert bucket_for(method, path) == bucket


def headers(limit, remaining, reset):
    return {'X-Rate-Limit-Limit': str(limit), 'X-Rate-Limit-Remaining': str(remaining),
            'X-Rate-Limit-Reset': str(reset), 'Date': time.strftime('%a, %d %b %Y %H:%M:%S GMT', time.gmtime())}


def test_the_share_leaves_the_rest_of_the_token_limit_to_others():
    waits = []
    limiter = RateLimiter(max_share=0.8, sleep=waits.append)
    reset = int(time.time()) + 30
    limiter.update('users', headers(50, 15, reset))
    # 80 % of the 50 the token may use: 10 are left to others, so 5 of the 15 remaining may be spent.
    assert [limiter.reserve('users') for dummy in range(5)] == [None] * 5
    assert limiter.reserve('users') > 25
    assert limiter.known_limit('users') == 50 and limiter.known_limit('sessions') is None


def test_okta_s_clock_is_read_to_better_than_the_whole_seconds_of_date():
    # Okta's clock is 1000.3 s ahead of this one. Date has whole seconds, cut short: each answer alone puts
    # Okta's clock up to a second early, which a wait for the reset pays at every window.
    local = [0.0]
    limiter = RateLimiter(max_share=1.0, clock=lambda: local[0], sleep=lambda seconds: None)

    def answer(at, remaining, ahead=1000.3, reset=1060):
        local[0] = at
        limiter.update('users', {'X-Rate-Limit-Limit': '50', 'X-Rate-Limit-Remaining': str(remaining),
                                 'X-Rate-Limit-Reset': str(reset),
                                 'Date': time.strftime('%a, %d %b %Y %H:%M:%S GMT', time.gmtime(int(at + ahead)))})

    answer(0.0, 3)   # Date 1000: 0.3 s early
    answer(0.5, 2)   # Date 1000: 0.8 s early
    answer(0.8, 1)   # Date 1001: 0.1 s early, the best reading
    assert abs(limiter.server_now({}) - 1001.0) < 1e-6
    assert limiter.reserve('users') is None
    # 59 s of Okta's time to the reset (at 1060), plus a little: never earlier, and not a second later.
    assert 59.0 + 0.05 <= limiter.reserve('users') <= 59.0 + 0.25
    # The local clock stepped 30 s forward (Okta is now 970.3 s ahead): from then on the new readings count.
    answer(40.0, 1, ahead=970.3, reset=1040)
    assert 1010.3 - 1.0 <= limiter.server_now({}) <= 1010.3


def test_a_new_window_is_counted_from_the_whole_limit_before_any_answer():
    # The calls that start a window go out before any answer says what remains: each still takes its unit, so
    # with 8 in flight the run cannot pass its share (independent proxy, before: 41 and 42 calls in windows of 40).
    local = [0.0]
    limiter = RateLimiter(max_share=0.8, clock=lambda: local[0], sleep=lambda seconds: None)
    limiter.update('users', {'X-Rate-Limit-Limit': '50', 'X-Rate-Limit-Remaining': '10', 'X-Rate-Limit-Reset': '60'})
    assert limiter.reserve('users') > 59
    local[0] = 60.0
    assert [limiter.reserve('users') for dummy in range(40)] == [None] * 40
    assert 0 < limiter.reserve('users') < 1  # no answer yet: when the window ends is not known
    # A late answer of the window before (reset 60) changes nothing; the new window's first answer tells its end.
    limiter.update('users', {'X-Rate-Limit-Limit': '50', 'X-Rate-Limit-Remaining': '45', 'X-Rate-Limit-Reset': '60'})
    limiter.update('users', {'X-Rate-Limit-Limit': '50', 'X-Rate-Limit-Remaining': '49', 'X-Rate-Limit-Reset': '120'})
    assert 59 < limiter.reserve('users') < 61


def test_a_window_no_answer_tells_the_end_of_does_not_hold_the_run_for_ever():
    # An outage: every call of the new window fails without rate-limit headers (5xx, connection errors). After a
    # short wait the calls go on uncounted, so the run ends with Okta's errors instead of waiting for ever.
    local = [0.0]
    limiter = RateLimiter(max_share=0.8, clock=lambda: local[0], sleep=lambda seconds: None)
    limiter.update('users', {'X-Rate-Limit-Limit': '50', 'X-Rate-Limit-Remaining': '10', 'X-Rate-Limit-Reset': '60'})
    local[0] = 60.0
    assert [limiter.reserve('users') for dummy in range(40)] == [None] * 40
    local[0] = 65.0
    assert 0 < limiter.reserve('users') < 1
    local[0] = 70.5
    assert [limiter.reserve('users') for dummy in range(100)] == [None] * 100


def test_out_of_order_answers_keep_the_lowest_remaining():
    limiter = RateLimiter(max_share=1.0)
    reset = int(time.time()) + 30
    limiter.update('users', headers(50, 10, reset))
    limiter.update('users', headers(50, 12, reset))
    assert [limiter.reserve('users') for dummy in range(10)] == [None] * 10
    assert limiter.reserve('users') is not None


def test_the_gate_halves_calls_in_flight_on_a_concurrency_429_and_grows_back():
    gate = InFlightGate(8)
    gate.too_many()
    assert gate.limit == 4
    gate.too_many()
    gate.too_many()
    gate.too_many()
    assert gate.limit == 1
    for dummy in range(1 + 2 + 3 + 4):
        gate.succeeded()
    assert gate.limit == 5
    for dummy in range(100):
        gate.succeeded()
    assert gate.limit == 8


def test_the_gate_bounds_calls_in_flight_across_threads():
    gate = InFlightGate(3)
    lock = threading.Lock()
    now = [0]
    peak = [0]

    def call():
        with gate:
            with lock:
                now[0] += 1
                peak[0] = max(peak[0], now[0])
            time.sleep(0.01)
            with gate:  # a token fetched on the way takes no second place
                pass
            with lock:
                now[0] -= 1

    threads = [threading.Thread(target=call) for dummy in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert peak[0] == 3 and now[0] == 0


def test_a_run_over_okta_s_cap_on_calls_in_flight_sends_fewer_at_once_and_loses_nothing(okta_sim):
    # Okta's cap on calls in flight per org, here 3, against a run that would keep 12 in flight.
    running = okta_sim(users=120, sessions_per_user=1, latency_ms=60, profile='production', concurrency_limit=3)
    ids = [s['id'] for s in running.state()['sessions']]
    client = OktaClient(running.base_url, api_token=running.api_token, concurrency=12, backoff_base=0.01)
    outcomes = [(item, result['result'] if result else error) for item, result, error in
                map_concurrent(lambda session_id: okta_api.revoke_session(client, session_id), ids, 12)]
    assert sorted(item for item, outcome in outcomes) == sorted(ids)
    assert set(outcome for item, outcome in outcomes) == {'revoked'}
    assert client.in_flight.lowered >= 1 and client.in_flight.limit <= 12
    assert running.state()['sessionCount'] == 0


def test_searches_and_sign_outs_share_the_users_bucket_and_stay_within_the_share(okta_sim):
    # A developer org's users bucket, 60 a minute, half of it for one token; Okta's minute lasts 3 s here.
    running = okta_sim(users=40, sessions_per_user=1, profile='developer', time_scale=20, bucket_limits={'users': 60})
    client = OktaClient(running.base_url, api_token=running.api_token, concurrency=4, max_api_share=0.8)
    logins = ['user%d@example.com' % n for n in range(1, 41)]
    users = [u for login in logins[:20] for u in okta_api.search_users(client, okta_api.eq('profile.login', login))]
    outcomes = list(map_concurrent(lambda user: okta_api.revoke_user_sessions(client, user['id']), users, 4))
    assert len(users) == 20 and all(error is None for item, result, error in outcomes)
    # 40 calls in one bucket, at most 80 % of the token's 30 per window (24): the run waited, Okta said no 429.
    assert running.state()['rateLimited'] == 0 and client.rate_limiter.waited_seconds > 0


def test_the_estimate_counts_the_windows_ahead_not_the_speed_so_far():
    now = [1000000.0]
    limiter = RateLimiter(max_share=0.8, clock=lambda: now[0], sleep=lambda seconds: None)

    def answer(limit, remaining, reset):
        stamp = time.strftime('%a, %d %b %Y %H:%M:%S GMT', time.gmtime(now[0]))
        limiter.update('users', {'X-Rate-Limit-Limit': str(limit), 'X-Rate-Limit-Remaining': str(remaining),
                                 'X-Rate-Limit-Reset': str(reset), 'Date': stamp})

    assert limiter.estimate_seconds({'users': 100}, 100.0) is None  # no limit known: no model
    answer(50, 49, int(now[0]) + 10)  # a window of 10 s, 40 calls of it for this run (0.8 of 50)
    # 39 more now at 100 calls a second, then 61 more: one whole window (40) and 21 in the one after.
    assert limiter.estimate_seconds({'users': 100}, 100.0) == pytest.approx(10 + 10 + 21 / 100.0, abs=0.01)
    assert limiter.estimate_seconds({'users': 30}, 100.0) == pytest.approx(0.3)
    # The next window's reset comes 11 s after the first (the second lost to the reset's whole seconds):
    # that is a window's length from then on.
    now[0] += 10.5
    answer(50, 49, int(now[0] - 10.5) + 21)
    assert limiter.estimate_seconds({'users': 100}, 100.0) == pytest.approx(10.5 + 11 + 21 / 100.0, abs=0.6)


def test_the_estimate_counts_a_window_this_run_opened_before_any_answer_told_its_end():
    now = [1000000.0]
    limiter = RateLimiter(max_share=0.8, clock=lambda: now[0], sleep=lambda seconds: None)
    stamp = time.strftime('%a, %d %b %Y %H:%M:%S GMT', time.gmtime(now[0]))
    limiter.update('users', {'X-Rate-Limit-Limit': '50', 'X-Rate-Limit-Remaining': '49',
                             'X-Rate-Limit-Reset': str(int(now[0]) + 10), 'Date': stamp})
    now[0] += 10.5  # that window is over: the next call opens the next one, counted from the whole limit down
    assert [limiter.reserve('users') for dummy in range(40)] == [None] * 40
    now[0] += 1.0
    # The share of this window is spent: 10 more calls wait for its end (about 9 s away), not 0.1 s.
    assert limiter.estimate_seconds({'users': 10}, 100.0) == pytest.approx(9.0 + 0.1, abs=0.6)
