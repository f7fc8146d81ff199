# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a call retries, and how long it waits first: the retry policy as data.

- A 429 for the rate limit: Okta did nothing and says when to come back (``X-Rate-Limit-Reset``). Waiting for it
  uses up no retry, only a time budget per call (RATE_LIMIT_PATIENCE_SECONDS), so that a rate-limit storm cannot
  make a revocation fail that patience would have done. Without the header it is an ordinary retry.
- A 429 for the org's calls in flight: the client sends fewer at once (okta_rate_limit.InFlightGate) and tries
  again after about a second, within the same time budget.
- 502, 503, 504, a connection error or a body cut short: retried with exponential backoff, ``max_retries`` times,
  only for a call that may safely be repeated (``idempotent``). A connection that was never made (a connect
  timeout) may always be repeated; a certificate that failed verification never is.

Every wait gets the same jitter, so that the threads of a run do not all come back at once.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random

RETRYABLE_STATUSES = (502, 503, 504)
MAX_BACKOFF_SECONDS = 30.0
MAX_RATE_LIMIT_WAIT_SECONDS = 120.0
CONCURRENCY_BACKOFF_SECONDS = 1.0
RATE_LIMIT_PATIENCE_SECONDS = 600.0  # per call: ten of Okta's one-minute windows


def jitter():
    """The few tenths of a second added to every wait."""
    return random.uniform(0.05, 0.25)


class Retry:
    """Wait ``seconds``, then send the call again; ``bucket``: the wait is for that rate-limit bucket (shown as such)."""

    __slots__ = ('seconds', 'bucket')

    def __init__(self, seconds, bucket=None):
        self.seconds = seconds
        self.bucket = bucket


class RetryPolicy:
    """The retries of one call: each ``after_...`` method says whether to send it again (a Retry) or not (None)."""

    def __init__(self, max_retries, backoff_base, idempotent):
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.idempotent = idempotent
        self.attempts = 0  # retries after failures, which use up max_retries
        self.rate_limit_waited = 0.0  # waits after 429s, bounded by time instead

    def _backoff(self, allowed=True):
        if not allowed or self.attempts >= self.max_retries:
            return None
        delay = min(MAX_BACKOFF_SECONDS, self.backoff_base * (2 ** self.attempts))
        self.attempts += 1
        return Retry(delay + random.uniform(0, delay / 2.0))

    def _patiently(self, seconds, bucket=None):
        if not self.max_retries or self.rate_limit_waited >= RATE_LIMIT_PATIENCE_SECONDS:
            return None
        self.rate_limit_waited += seconds
        return Retry(seconds, bucket)

    def after_connection_error(self, sent_maybe, certificate_refused):
        """The call failed before an answer; ``sent_maybe``: it may have reached Okta (not a connect timeout)."""
        return self._backoff(not certificate_refused and (self.idempotent or not sent_maybe))

    def after_too_many_in_flight(self):
        return self._patiently(CONCURRENCY_BACKOFF_SECONDS * random.uniform(0.5, 1.5))

    def after_rate_limited(self, until_reset, bucket):
        """A 429 of the bucket's rate limit; ``until_reset``: seconds to its reset, or None when Okta did not say."""
        if until_reset is None:
            return self._backoff(bool(self.max_retries))
        return self._patiently(min(until_reset, MAX_RATE_LIMIT_WAIT_SECONDS) + jitter(), bucket)

    def after_status(self, status):
        return self._backoff(status in RETRYABLE_STATUSES and self.idempotent)

    def after_unreadable_body(self):
        return self._backoff(self.idempotent)
