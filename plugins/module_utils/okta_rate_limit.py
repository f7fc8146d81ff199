# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Okta's rate limits as the client sees them: which bucket a call counts in, how much of
that bucket's budget is left, and how many calls may be in flight.

Okta counts calls in buckets shared by groups of endpoints (all session calls in one, all
user calls - lookups, searches and sign-outs - in another), per minute, from a bucket's
first call. Each answer reports its bucket's ``X-Rate-Limit-Limit`` (the ceiling that
applies to this request: the org's limit, or the token's or OAuth app's share of it, 50 %
by default), ``-Remaining`` and ``-Reset``. A separate cap on calls in flight per org
answers 429 with ``X-Rate-Limit-Limit`` and ``-Remaining`` both 0.

Sources: developer.okta.com "Rate limits overview", "Token and OAuth 2.0 app rate limits",
"Concurrency limits" and "Rate limit best practices" (the headers); the endpoint groups
as observed on a real org and in terraform-provider-okta's ``okta/internal/apimutex``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import re
import threading
import time

from ansible_collections.identity.okta.plugins.module_utils.okta_retry import MAX_RATE_LIMIT_WAIT_SECONDS, jitter

DIGITS = re.compile(r'^[0-9]{1,12}$')  # ASCII only: str.isdigit() also takes "²", which int() refuses
# Okta's windows are a minute; a reset further ahead than this (or a Date far behind) is not believed.
MAX_PLAUSIBLE_RESET_SECONDS = 600.0
# How long to wait when this run's share of a new window is spent before any answer said when the window ends;
# and for how long at most: answers without rate-limit headers (an outage's 5xx, connection errors) never say, and
# a run must then go on (uncounted, as before it knew the bucket) to fail or succeed, not wait for ever.
UNKNOWN_RESET_WAIT_SECONDS = 0.1
UNKNOWN_RESET_PATIENCE_SECONDS = 10.0
# An answer's Date reads this much below the best estimate of Okta's clock only if the local clock was stepped.
CLOCK_STEP_SECONDS = 2.0

# Endpoint -> Okta rate-limit bucket: (bucket, method or None for any, path pattern). A call not listed here
# is its own bucket (method + path template). Getting one user by ID or login has a bucket of its own;
# listing and searching users and signing a user out share the users bucket (Okta's rate-limit tables,
# its SDKs' recorded exchanges, terraform-provider-okta's apimutex).
BUCKETS = (
    ('sessions', None, re.compile(r'^/api/v1/sessions(?:/[^/]+(?:/lifecycle/refresh)?)?/?$')),
    ('user-get', 'GET', re.compile(r'^/api/v1/users/[^/]+$')),
    ('users', None, re.compile(r'^/api/v1/users(?:/.*)?$')),
    ('groups', None, re.compile(r'^/api/v1/groups(?:/.*)?$')),
    ('logs', None, re.compile(r'^/api/v1/logs/?$')),
    ('oauth-token', None, re.compile(r'^/oauth2/v1/token$')),
    ('oauth2', None, re.compile(r'^/oauth2/v1/')),
)


def bucket_for(method, path):
    """The rate-limit bucket of a call, from its path (a template such as /api/v1/users/{0}, or a real path)."""
    for name, only, pattern in BUCKETS:
        if (only is None or only == method) and pattern.match(path):
            return name
    return '%s %s' % (method, path)


def parse_http_date(value):
    try:
        parsed = email.utils.parsedate_tz(value)
        return email.utils.mktime_tz(parsed) if parsed else None
    except (TypeError, ValueError, OverflowError):
        return None


def int_header(headers, name):
    """A non-negative integer response header of at most 12 digits, or None."""
    value = headers.get(name)
    if not isinstance(value, str) or not DIGITS.match(value.strip()):
        return None
    return int(value)


class WaitCancelled(Exception):
    """A wait for a rate limit was cut short because the run stops (RateLimiter.cancel): the call was not sent."""


class RateLimiter:
    """Shares each bucket's budget among the threads of one run.

    Before each call the limiter reserves one unit of what Okta said remains in the
    call's bucket; when only the reserved part is left (``max_share`` of the limit may be
    used, the rest is left for other Okta clients such as the admin console) callers wait
    for the reset. The limit Okta reports is the one that applies to this token - its share
    of the bucket - so ``max_share`` is a share of the token's share. The wait is measured on
    Okta's clock, so a skewed local clock does not matter: ``Date`` has whole seconds (cut
    short), so one answer puts Okta's clock up to a second early; the latest reading of all
    answers is within milliseconds of it, and never ahead of it.
    """

    def __init__(self, max_share=1.0, clock=time.time, sleep=time.sleep):
        self.max_share = max_share
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._buckets = {}
        self._waits = {}
        self._offset = None  # Okta's clock - the local clock, the latest reading of any answer's Date
        self.waited_seconds = 0.0
        self.calls = {}  # bucket -> calls sent (retries included: each takes a unit)
        self._cancelled = threading.Event()
        self._periods = {}  # bucket -> seconds from one window's reset to the next, as the answers showed it

    def wait(self, bucket, seconds):
        """Sleep ``seconds`` for ``bucket``'s rate limit, visible meanwhile to current_wait()."""
        until = self._clock() + seconds
        with self._lock:
            self.waited_seconds += seconds  # every wait for a rate limit: the limiter's own and after a 429
            self._waits[threading.current_thread().ident] = (bucket, until)
        try:
            if self._sleep is not time.sleep:
                self._sleep(seconds)  # a test's clock
            elif self._cancelled.wait(seconds):
                raise WaitCancelled('the run stopped while this call waited for the %s rate limit' % bucket)
        finally:
            with self._lock:
                self._waits.pop(threading.current_thread().ident, None)

    def cancel(self):
        """End every wait for a rate limit now, and any later one at once (WaitCancelled): the run stops, and a
        call that waits for the next window (up to a minute on Okta) must not hold it up - nor be sent after it."""
        self._cancelled.set()

    def current_wait(self):
        """The longest rate-limit wait under way, as ``{'bucket': ..., 'seconds': ...}``, or None."""
        with self._lock:
            if not self._waits:
                return None
            bucket, until = max(self._waits.values(), key=lambda wait: wait[1])
        return {'bucket': bucket, 'seconds': round(max(0.0, until - self._clock()), 1)}

    def floor(self, limit):
        """How much of ``limit`` is left to others (what ``max_share`` of it does not cover, in whole calls)."""
        return limit - int(limit * self.max_share + 1e-9)

    def acquire(self, bucket):
        while True:
            delay = self.reserve(bucket)
            if delay is None:
                with self._lock:  # counted as it goes out, not while it waits for a window
                    self.calls[bucket] = self.calls.get(bucket, 0) + 1
                return
            self.wait(bucket, min(delay, MAX_RATE_LIMIT_WAIT_SECONDS))

    def reserve(self, bucket):
        """Take one unit of the bucket's budget and return None, or return how long to wait first."""
        with self._lock:
            state = self._buckets.get(bucket)
            if state is None:
                return None
            now = self._clock()
            server_now = self._okta_time(now)
            if state['reset'] is not None and server_now >= state['reset']:
                # A new window: Okta counts it from its first call, and every call of ours takes a unit here
                # first, so this run's calls are counted from the whole limit down, not left unknown until an
                # answer says how many remain (by then all the calls in flight had gone out uncounted).
                state.update(reset=None, remaining=state['limit'], opened=now)
            if state['remaining'] > self.floor(state['limit']):
                state['remaining'] -= 1
                return None
            if state['reset'] is None:
                # The share is spent and no answer has said when this window ends.
                if now - state['opened'] < UNKNOWN_RESET_PATIENCE_SECONDS:
                    return UNKNOWN_RESET_WAIT_SECONDS
                del self._buckets[bucket]
                return None
            return state['reset'] - server_now + jitter()

    def update(self, bucket, headers):
        limit = int_header(headers, 'X-Rate-Limit-Limit')
        remaining = int_header(headers, 'X-Rate-Limit-Remaining')
        reset = int_header(headers, 'X-Rate-Limit-Reset')
        if limit is None or remaining is None or reset is None or limit <= 0:
            return
        server_now = self.server_now(headers)
        if not 0 < reset - server_now <= MAX_PLAUSIBLE_RESET_SECONDS:
            return  # a reset past (an answer from a window already over), or one no minute window explains
        with self._lock:
            state = self._buckets.get(bucket)
            self._learn_period(bucket, reset, reset - server_now)
            if state is None or (state['reset'] is not None and reset > state['reset']):
                self._buckets[bucket] = {'limit': limit, 'remaining': remaining, 'reset': reset}
            elif state['reset'] is None or state['reset'] == reset:
                # Answers arrive out of order under concurrency: the lowest count is the freshest.
                state.update(limit=limit, reset=reset, remaining=min(state['remaining'], remaining))

    def _learn_period(self, bucket, reset, ahead):
        """A window's length as Okta's headers show it: at first how far ahead its reset is; once a window
        follows another, the time from one reset to the next (which includes the wait for the new window)."""
        seen = self._periods.get(bucket)
        if seen is None:
            self._periods[bucket] = (ahead, reset)
        elif reset > seen[1]:
            gap = reset - seen[1]
            self._periods[bucket] = (gap if gap <= 2 * seen[0] else max(seen[0], ahead), reset)  # not an idle gap
        elif ahead > seen[0]:
            self._periods[bucket] = (ahead, seen[1])

    def server_now(self, headers):
        """Okta's clock now, as well as the answers so far tell it (``headers``: the latest answer's)."""
        now = self._clock()
        server_date = parse_http_date(headers.get('Date'))
        with self._lock:
            if server_date is not None:
                offset = server_date - now
                if self._offset is None or offset > self._offset or offset < self._offset - CLOCK_STEP_SECONDS:
                    self._offset = offset
            return self._okta_time(now)

    def _okta_time(self, now):
        """Okta's clock at local time ``now``, by the best reading so far (the local clock before any)."""
        return now + (self._offset or 0.0)

    def calls_made(self):
        with self._lock:
            return dict(self.calls)

    def estimate_seconds(self, needed, calls_per_second):
        """How long ``needed`` ({bucket: calls}) takes at this run's share: the calls the current window still has
        go at ``calls_per_second`` (what the calls in flight and their latency allow), the rest one window's share
        at a time, each window as long as Okta's headers showed it. None when no bucket is known yet."""
        estimate = None
        with self._lock:
            now = self._clock()
            server_now = self._okta_time(now)
            for bucket, calls in needed.items():
                state = self._buckets.get(bucket)
                if state is None or calls <= 0:
                    continue
                usable = max(1, state['limit'] - self.floor(state['limit']))
                period = self._periods.get(bucket, (60.0, None))[0]
                left_now = max(0, state['remaining'] - self.floor(state['limit']))
                if state['reset'] is not None and server_now < state['reset']:
                    until_reset = state['reset'] - server_now
                elif state['reset'] is None:  # a window this run opened, whose end no answer has told yet
                    until_reset = max(0.0, period - (now - state.get('opened', now)))
                else:  # the window is over; the next opens with the next call
                    left_now, until_reset = usable, period
                if calls <= left_now:
                    seconds = calls / calls_per_second
                else:
                    rest = calls - left_now
                    more_windows = (rest - 1) // usable
                    seconds = until_reset + more_windows * period + (rest - more_windows * usable) / calls_per_second
                estimate = max(estimate or 0.0, seconds)
        if estimate is None:
            return None
        return max(estimate, sum(needed.values()) / calls_per_second)

    def known_limit(self, bucket):
        """The per-window limit Okta last reported for the bucket, or None."""
        with self._lock:
            state = self._buckets.get(bucket)
            return state['limit'] if state else None

    def seconds_until_reset(self, headers):
        """Seconds to wait after a 429, from its reset and Date headers."""
        reset = int_header(headers, 'X-Rate-Limit-Reset')
        server_now = self.server_now(headers)
        if reset is None or reset - server_now > MAX_PLAUSIBLE_RESET_SECONDS:
            return None
        return max(0.0, reset - server_now)


class InFlightGate:
    """Bounds the calls in flight, and lowers that bound when Okta says the org has too many.

    Okta caps the requests an org has in flight at once, whoever sends them. Past it a call
    gets a 429 whose limit and remaining headers are 0. Retrying all of them at once would
    keep the org over the cap, so each such answer halves what this run sends at once; every
    ``limit`` calls that succeed after that add one back, up to the configured concurrency.
    """

    def __init__(self, limit):
        self.ceiling = max(1, limit)
        self.limit = self.ceiling
        self._in_flight = 0
        self._successes = 0
        self._condition = threading.Condition()
        self._held = threading.local()
        self.lowered = 0

    def __enter__(self):
        # A call made while this thread already holds a place (an access token fetched on the way) takes none.
        depth = getattr(self._held, 'depth', 0)
        self._held.depth = depth + 1
        if depth:
            return self
        with self._condition:
            while self._in_flight >= self.limit:
                self._condition.wait()
            self._in_flight += 1
        return self

    def __exit__(self, *exc_info):
        self._held.depth -= 1
        if self._held.depth:
            return
        with self._condition:
            self._in_flight -= 1
            self._condition.notify_all()

    @property
    def in_flight(self):
        with self._condition:
            return self._in_flight

    def too_many(self):
        with self._condition:
            self.limit = max(1, self.limit // 2)
            self._successes = 0
            self.lowered += 1

    def succeeded(self):
        with self._condition:
            if self.limit < self.ceiling:
                self._successes += 1
                if self._successes >= self.limit:
                    self.limit += 1
                    self._successes = 0
                    self._condition.notify_all()
