# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The retry policy as data: what is retried, how often and after how long (the exchanges themselves are in
test_okta_client.py and test_okta_client_faults.py, against the simulator)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.identity.okta.plugins.module_utils.okta_retry import (
    MAX_RATE_LIMIT_WAIT_SECONDS, RATE_LIMIT_PATIENCE_SECONDS, RetryPolicy,
)


def retries(policy, after, *args):
    """How many times ``after`` says to send again, up to 100."""
    count = 0
    while count < 100 and getattr(policy, after)(*args) is not None:
        count += 1
    return count


@pytest.mark.parametrize('idempotent, status, expected', [
    (True, 503, 4), (True, 502, 4), (True, 504, 4), (False, 503, 0), (True, 500, 0), (True, 404, 0), (True, 400, 0),
])
def test_5xx_is_retried_max_retries_times_and_only_when_the_call_may_be_repeated(idempotent, status, expected):
    assert retries(RetryPolicy(4, 0.5, idempotent), 'after_status', status) == expected


@pytest.mark.parametrize('idempotent, sent_maybe, certificate_refused, expected', [
    (True, True, False, 4), (False, True, False, 0), (False, False, False, 4), (True, True, True, 0),
])
def test_a_connection_error_is_retried_unless_the_call_may_have_acted_or_the_certificate_was_refused(
        idempotent, sent_maybe, certificate_refused, expected):
    assert retries(RetryPolicy(4, 0.5, idempotent), 'after_connection_error', sent_maybe, certificate_refused) == expected


def test_backoff_doubles_with_jitter_and_is_capped():
    policy = RetryPolicy(10, 0.5, True)
    waits = [policy.after_status(503).seconds for dummy in range(10)]
    for attempt, wait in enumerate(waits):
        base = min(30.0, 0.5 * 2 ** attempt)
        assert base <= wait <= base * 1.5


def test_a_rate_limit_wait_uses_no_retry_only_the_time_budget_and_is_shown_as_the_bucket_s():
    policy = RetryPolicy(1, 0.5, False)  # even a call that may not be repeated: Okta did nothing
    first = policy.after_rate_limited(30.0, 'users')
    assert first.bucket == 'users' and 30.05 <= first.seconds <= 30.25 and policy.attempts == 0
    assert policy.after_rate_limited(1e9, 'users').seconds <= MAX_RATE_LIMIT_WAIT_SECONDS + 0.25
    assert retries(RetryPolicy(1, 0.5, False), 'after_rate_limited', 60.0, 'users') == \
        int(RATE_LIMIT_PATIENCE_SECONDS // 60.05) + 1
    assert retries(RetryPolicy(0, 0.5, True), 'after_rate_limited', 1.0, 'users') == 0  # max_retries 0: no retry at all


def test_a_429_without_a_reset_is_an_ordinary_retry():
    assert retries(RetryPolicy(3, 0.5, True), 'after_rate_limited', None, 'users') == 3
