# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Okta's rate limits: buckets shared by groups of endpoints, per-minute windows that start
with a bucket's first call, each API token's or OAuth app's share of a bucket, and the cap
on requests in flight per org. tests/okta_simulator/README.md says where each rule and
figure comes from.

Time runs ``time_scale`` times faster for every Okta duration: a 60 s window lasts
``60 / time_scale`` seconds (so do token and session lifetimes, see server.py). The
``X-Rate-Limit-*`` headers keep Okta's meaning: the limit per window, the calls left in
it, and the epoch second (rounded up) when it resets.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import threading

OKTA_WINDOW_SECONDS = 60

# Route (method, template) -> bucket. Templates are the simulator's (routes.ROUTES); a route
# not listed counts in a bucket of its own, named by method and template, with the profile's
# 'default' limit.
BUCKET_OF_ROUTE = {
    ('POST', '/api/v1/sessions'): 'sessions',
    ('GET', '/api/v1/sessions/{id}'): 'sessions',
    ('DELETE', '/api/v1/sessions/{id}'): 'sessions',
    ('POST', '/api/v1/sessions/{id}/lifecycle/refresh'): 'sessions',
    ('GET', '/api/v1/users'): 'users',
    ('DELETE', '/api/v1/users/{id}/sessions'): 'users',
    # terraform-provider-okta's apimutex: /api/v1/users/ID/clients GET, /clients/ID/tokens GET and DELETE,
    # /clients/ID/tokens/ID GET and DELETE -> /api/v1/users.
    ('GET', '/api/v1/users/{id}/clients'): 'users',
    ('GET', '/api/v1/users/{id}/clients/{id}/tokens'): 'users',
    ('DELETE', '/api/v1/users/{id}/clients/{id}/tokens'): 'users',
    ('GET', '/api/v1/users/{id}/clients/{id}/tokens/{id}'): 'users',
    ('DELETE', '/api/v1/users/{id}/clients/{id}/tokens/{id}'): 'users',
    # apimutex: /api/v1/users/ID/lifecycle/suspend and unsuspend POST -> /api/v1/users (and the lifecycle calls
    # of okta-sdk-python's cassette test_comprehensive_user_lifecycle count down the users bucket).
    ('POST', '/api/v1/users/{id}/lifecycle/suspend'): 'users',
    ('POST', '/api/v1/users/{id}/lifecycle/unsuspend'): 'users',
    # Not in apimutex (generated in 2023, before the risk API): every /api/v1/users/ID/<name> route there but one
    # (factor verify) counts in /api/v1/users, so the risk routes do here (inferred).
    ('GET', '/api/v1/users/{id}/risk'): 'users',
    ('PUT', '/api/v1/users/{id}/risk'): 'users',
    # apimutex: /api/v1/users/ID/lifecycle/* POST and /api/v1/users/ID/factors GET -> /api/v1/users (and the
    # expire_password and reset_factors calls of okta-sdk-python's cassettes count down the users bucket with the
    # user's creation).
    ('POST', '/api/v1/users/{id}/lifecycle/expire_password'): 'users',
    ('POST', '/api/v1/users/{id}/lifecycle/expire_password_with_temp_password'): 'users',
    ('POST', '/api/v1/users/{id}/lifecycle/reset_factors'): 'users',
    ('POST', '/api/v1/users/{id}/lifecycle/unlock'): 'users',
    ('GET', '/api/v1/users/{id}/factors'): 'users',
    ('GET', '/api/v1/users/{id}'): 'user-get',
    ('GET', '/api/v1/groups'): 'groups',
    ('GET', '/api/v1/groups/{id}/users'): 'groups',
    ('GET', '/api/v1/logs'): 'logs',
    ('POST', '/oauth2/v1/token'): 'oauth-token',
    # apimutex: /oauth2/v1/revoke, /introspect, /logout ... -> /oauth2/v1; Okta's row "OAuth2 requests for the Org
    # Authorization Server: /oauth2/v1* except /oauth2/v1/clients, /authorize, /token". The map predates the
    # endpoint, whose bucket is so inferred.
    ('POST', '/oauth2/v1/global-token-revocation'): 'oauth2',
}

# Okta's bucket behind each name, as its rate-limit dashboard and terraform-provider-okta's
# apimutex name them (for the README and the state endpoint).
BUCKET_PATHS = {
    'sessions': '/api/v1/sessions',
    'users': '/api/v1/users',
    'user-get': 'GET /api/v1/users/{idOrLogin}',
    'groups': '/api/v1/groups',
    'logs': '/api/v1/logs',
    'oauth-token': '/oauth2/v1/token',
    'oauth2': '/oauth2/v1*',
}

# Per-minute limits of each bucket. developer: Okta's "Integrator Free Plan" (formerly
# "Developer (free)") column; production: the "Workforce identity" column. Concurrency:
# requests in flight per org. Token share: the percentage of a bucket one API token or
# OAuth app may use.
PROFILES = {
    'developer': {
        'buckets': {'sessions': 100, 'users': 100, 'user-get': 100, 'groups': 100, 'logs': 20,
                    'oauth-token': 300, 'oauth2': 300, 'default': 100},
        'concurrency': 35,
        'token_share_percent': 50,
    },
    'production': {
        'buckets': {'sessions': 750, 'users': 600, 'user-get': 2000, 'groups': 500, 'logs': 120,
                    'oauth-token': 2000, 'oauth2': 2000, 'default': 1200},
        'concurrency': 75,
        'token_share_percent': 50,
    },
}
# The simulator before issue 11, for benchmarks of the client alone: every method + path its
# own bucket of 600 calls per clock-aligned window, no token share, no concurrency cap, and
# the token endpoint unlimited.
KIND = 'kind'
KIND_DEFAULT_LIMIT = 600
PROFILE_NAMES = ('developer', 'production', KIND)


def bucket_of(method, template):
    return BUCKET_OF_ROUTE.get((method, template), '%s %s' % (method, template))


class Window:
    """One counter: calls in the window that started with its first call."""

    __slots__ = ('start', 'used')

    def __init__(self):
        self.start = None
        self.used = 0


class RateLimits:
    """Counts calls per bucket (org-wide) and per principal in the bucket (its share).

    ``take(bucket, principal)`` returns ``(allowed, limit, remaining, reset)`` for the
    headers: the ceiling that applies to this request (the principal's share, or the
    org's bucket when that has less left), what is left of it, and its reset (epoch
    seconds, rounded up). A refused call is not counted.
    """

    def __init__(self, profile='developer', bucket_limits=None, time_scale=1.0, token_share_percent=None,
                 clock=None, kind_limit=KIND_DEFAULT_LIMIT, kind_window_seconds=OKTA_WINDOW_SECONDS,
                 kind_endpoint_limits=None):
        if profile not in PROFILE_NAMES:
            raise ValueError('unknown profile %r (one of %s)' % (profile, ', '.join(PROFILE_NAMES)))
        if not time_scale or time_scale <= 0:
            raise ValueError('time_scale must be greater than 0')
        self.profile = profile
        self.time_scale = float(time_scale)
        self.clock = clock
        self.lock = threading.Lock()
        self.windows = {}
        if profile == KIND:
            if bucket_limits:
                raise ValueError('bucket limits are for the developer and production profiles; kind limits '
                                 'method + path (endpoint limits)')
            self.limits = dict(kind_endpoint_limits or {})
            self.default_limit = kind_limit
            self.window_seconds = kind_window_seconds / self.time_scale
            self.share = None
            self.aligned = True  # the old clock-aligned windows
        else:
            self.limits = dict(PROFILES[profile]['buckets'])
            unknown = set(bucket_limits or {}) - set(self.limits)
            if unknown:
                raise ValueError('unknown bucket(s) %s (known: %s)'
                                 % (', '.join(sorted(unknown)), ', '.join(sorted(self.limits))))
            self.limits.update(bucket_limits or {})
            self.default_limit = self.limits['default']
            self.window_seconds = OKTA_WINDOW_SECONDS / self.time_scale
            percent = PROFILES[profile]['token_share_percent'] if token_share_percent is None else token_share_percent
            if not 0 < percent <= 100:
                raise ValueError('token share must be a percentage in (0, 100]')
            self.share = percent / 100.0
            self.aligned = False

    def bucket_for(self, method, template):
        """The bucket a route counts in, or None if it is not limited (the kind profile's token endpoint)."""
        if self.profile == KIND:
            return None if (method, template) == ('POST', '/oauth2/v1/token') else '%s %s' % (method, template)
        return bucket_of(method, template)

    def limit_of(self, bucket):
        return self.limits.get(bucket, self.default_limit)

    def _window(self, key, now):
        window = self.windows.get(key)
        if window is None:
            window = self.windows[key] = Window()
        if self.aligned:
            start = math.floor(now / self.window_seconds) * self.window_seconds
            if window.start != start:
                window.start, window.used = start, 0
        elif window.start is None or now >= window.start + self.window_seconds:
            window.start, window.used = now, 0
        return window

    def _reset(self, window):
        return int(math.ceil(window.start + self.window_seconds))

    def take(self, bucket, principal=None):
        now = self.clock()
        limit = self.limit_of(bucket)
        with self.lock:
            org = self._window(('org', bucket), now)
            if self.share is None:
                allowed = org.used < limit
                if allowed:
                    org.used += 1
                return allowed, limit, max(0, limit - org.used), self._reset(org)
            own_limit = max(1, int(limit * self.share))
            own = self._window(('principal', bucket, principal), now)
            allowed = org.used < limit and own.used < own_limit
            if allowed:
                org.used += 1
                own.used += 1
            own_left, org_left = max(0, own_limit - own.used), max(0, limit - org.used)
            if (allowed and org_left < own_left) or (not allowed and own.used < own_limit):
                return allowed, limit, org_left, self._reset(org)  # the org's bucket is what binds
            return allowed, own_limit, own_left, self._reset(own)

    def describe(self):
        """The limits in force, for the state endpoint and --help."""
        return {'profile': self.profile, 'timeScale': self.time_scale, 'windowSeconds': self.window_seconds,
                'tokenSharePercent': None if self.share is None else self.share * 100,
                'buckets': dict(self.limits), 'defaultLimit': self.default_limit,
                'windowStartsWith': 'clock' if self.aligned else 'first call'}


class InFlight:
    """Okta's cap on requests in flight per org (0: no cap)."""

    def __init__(self, cap=0):
        self.cap = cap
        self.lock = threading.Lock()
        self.current = 0
        self.peak = 0
        self.refused = 0

    def enter(self):
        """Count one request in; False (and not counted) when the org is at its cap."""
        with self.lock:
            if self.cap and self.current >= self.cap:
                self.refused += 1
                return False
            self.current += 1
            self.peak = max(self.peak, self.current)
            return True

    def leave(self):
        with self.lock:
            self.current -= 1
