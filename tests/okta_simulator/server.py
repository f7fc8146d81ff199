# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""An HTTP server that answers like Okta for the endpoints identity.okta uses.

Okta behaviour reproduced (tests/okta_simulator/README.md has the sources): SSWS/Bearer
auth with Okta's 401 body, OAuth access tokens that expire, sessions that expire at
``expiresAt``, E0000007 404s, 405 for a method a path does not have, 204 revocations,
single-use session tokens, rate limits in Okta's shared buckets (limits.py) with
``X-Rate-Limit-*`` headers and 429/E0000047 past a bucket, a token's share or the cap on
requests in flight, ``X-Okta-Request-Id`` and ``Date`` on every response, ``Link``
pagination with one header per relation, ``search``/``filter``/``q`` as Okta reads them,
and explicit nulls where Okta sends them. Faults (latency, 5xx, dropped connections) can
be injected at random or armed one by one through the test-only ``/_simulator/``
endpoints, which Okta does not have.

This module holds the org's server (Simulator); the request handling lives in dispatch.py and
the handlers_*.py of each API area, the expressions in filters.py, the faults in faults.py and
the route table in routes.py (README.md, "Layout").
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket
import ssl
import sys
import threading
import time
from http.server import ThreadingHTTPServer

from .answers import FEATURES
from .dispatch import OktaHandler
from .faults import Faults
from .filters import filter_literal, parse_filter, parse_instant, parse_log_filter
from .limits import KIND, KIND_DEFAULT_LIMIT, OKTA_WINDOW_SECONDS, PROFILES, InFlight, RateLimits
from .oauth import AuthorizationServer
from .routes import ROUTES, match_route
from .state import IDENTITY_ENGINE, REFRESH_TOKEN_LIFETIME_SECONDS, SESSION_LIFETIME_SECONDS, SESSION_TOKEN_LIFETIME_SECONDS, Org

# What server.py offered before the split, for those who import it from here (the tests, cli.py).
__all__ = ['FEATURES', 'Faults', 'OktaHandler', 'ROUTES', 'Simulator', 'filter_literal', 'match_route', 'parse_filter',
           'parse_instant', 'parse_log_filter']

DEFAULT_RATE_LIMIT = KIND_DEFAULT_LIMIT


def initial_features(disabled_features):
    """Each of FEATURES, on unless disabled; ValueError for a name that is not one."""
    unknown = sorted(set(disabled_features) - set(FEATURES))
    if unknown:
        raise ValueError('unknown feature(s) %s (known: %s)' % (', '.join(unknown), ', '.join(sorted(FEATURES))))
    return dict((name, name not in disabled_features) for name in FEATURES)


class Simulator:
    """One simulated Okta org behind a threaded HTTP server.

    ``profile``: 'developer' or 'production' (Okta's rate limits, limits.py) or 'kind' (the
    simulator before issue 11: a flat ``rate_limit`` per method + path on clock-aligned
    windows of ``rate_window_seconds``, no token share, no concurrency cap). The command
    line's default is 'developer'. In-process (the unit tests' ``okta_sim`` fixture), no
    profile means 'kind', which the client's own unit tests were written against; and
    ``rate_limit``, ``endpoint_rate_limits`` and ``rate_window_seconds`` only exist in it.
    ``time_scale``: Okta's durations (rate-limit windows, token and session lifetimes) run
    that many times faster.
    ``engine``: 'identity' (Identity Engine, the default: the System Log names each session by an
    ``idx…`` external ID, which the Sessions API also takes) or 'classic' (the log carries the
    session's own ``102…`` ID).
    ``oauth_grants_per_user``: refresh tokens each seeded user holds, from the org's seeded OAuth
    apps in turn (``GET /api/v1/users/{userId}/clients`` and ``…/clients/{clientId}/tokens``).
    ``disabled_features``: names of FEATURES the org lacks (all are on by default).
    """

    def __init__(self, host='127.0.0.1', port=0, api_tokens=None, access_tokens=(), latency_ms=0,
                 profile=None, bucket_limits=None, time_scale=1.0, token_share_percent=None, concurrency_limit=None,
                 token_lifetime_seconds=None, session_lifetime_seconds=SESSION_LIFETIME_SECONDS,
                 rate_limit=None, endpoint_rate_limits=None, rate_window_seconds=None,
                 fault_rate=0.0, fault_kinds=('503',), clock_skew_seconds=0, seed=0,
                 users=0, sessions_per_user=0, groups=0, page_limit_max=200, tls_cert=None, tls_key=None,
                 check_spec=False, engine=IDENTITY_ENGINE, oauth_grants_per_user=0, disabled_features=()):
        legacy = rate_limit is not None or endpoint_rate_limits or rate_window_seconds is not None
        profile = profile or (KIND if legacy else 'developer')
        if legacy and profile != KIND:
            raise ValueError('rate_limit, endpoint_rate_limits and rate_window_seconds belong to the kind profile; '
                             'with %r use bucket_limits' % profile)
        self.clock = lambda: time.time() + clock_skew_seconds
        self.time_scale = float(time_scale)
        self.rate_limits = RateLimits(
            profile, bucket_limits, self.time_scale, token_share_percent, self.clock,
            kind_limit=DEFAULT_RATE_LIMIT if rate_limit is None else rate_limit,
            kind_window_seconds=OKTA_WINDOW_SECONDS if rate_window_seconds is None else rate_window_seconds,
            kind_endpoint_limits=endpoint_rate_limits)
        self.profile = profile
        if concurrency_limit is None:
            concurrency_limit = 0 if profile == KIND else PROFILES[profile]['concurrency']
        self.in_flight = InFlight(concurrency_limit)
        self.org = Org(seed=seed, clock=self.clock, session_lifetime=session_lifetime_seconds / self.time_scale,
                       session_token_lifetime=SESSION_TOKEN_LIFETIME_SECONDS / self.time_scale, engine=engine,
                       refresh_token_lifetime=REFRESH_TOKEN_LIFETIME_SECONDS / self.time_scale)
        self.api_tokens = set(api_tokens or [self.org.new_secret(42)])
        self.access_tokens = set(access_tokens)
        self.latency = latency_ms / 1000.0
        self.faults = Faults(fault_rate, fault_kinds, seed)
        self.page_limit_max = page_limit_max
        self._init_stats()
        self.features = initial_features(disabled_features)
        self.oauth = AuthorizationServer(self.clock, token_lifetime_seconds, self.time_scale,
                                         has_feature=lambda name: self.features.get(name, True))
        self.slow_seconds = 3.0
        self.redirect_location = 'http://127.0.0.1:9'
        self.org.seed(users, sessions_per_user, groups, oauth_grants_per_user)
        self.scheme = 'https' if tls_cert else 'http'
        self._tls = (tls_cert, tls_key)
        self._stopped = threading.Event()
        self._thread = None
        self.httpd = self._listen(host, port)
        self.spec_checker = None
        if check_spec:
            from .spec_check import SpecChecker  # needs openapi-core, a test dependency only
            self.spec_checker = SpecChecker(self.base_url)

    def _init_stats(self):
        self.stats_lock = threading.Lock()
        self.request_log = []
        self.request_counts = {}
        self.rate_limited = 0
        self.concurrency_limited = 0
        self.expired_tokens = 0
        self.connections = set()

    def _listen(self, host, port):
        httpd = QuietThreadingHTTPServer((host, port), _handler_for(self))
        httpd.daemon_threads = True
        if self._tls[0]:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self._tls)
            httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
        return httpd

    @property
    def base_url(self):
        host, port = self.httpd.server_address[:2]
        return '%s://%s:%d' % (self.scheme, host, port)

    def outage(self, seconds):
        """Go away like a restarting server: refuse connections for ``seconds``, then serve the same org again."""
        def restart():
            host, port = self.httpd.server_address[:2]
            self.httpd.shutdown()
            self.httpd.server_close()
            with self.stats_lock:
                open_connections = list(self.connections)
            for connection in open_connections:
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            time.sleep(seconds)
            self.httpd = self._listen(host, port)
            self._serve()
        threading.Thread(target=restart, name='okta-simulator-outage', daemon=True).start()

    @property
    def api_token(self):
        return sorted(self.api_tokens)[0]

    def _serve(self):
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={'poll_interval': 0.1},
                                        name='okta-simulator', daemon=True)
        self._thread.start()

    def start(self):
        """Serve in a background thread."""
        self._serve()
        return self

    def wait(self):
        """Block until stop() (the command line's foreground mode)."""
        while not self._stopped.wait(0.5):
            pass

    def stop(self):
        self._stopped.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def record(self, method, raw_path, query, headers):
        auth = headers.get('Authorization') or ''
        entry = {'method': method, 'path': raw_path, 'query': query,
                 'userAgent': headers.get('User-Agent'), 'authScheme': auth.split(' ')[0] if auth else None}
        with self.stats_lock:
            self.request_log.append(entry)
            del self.request_log[:-1000]


class QuietThreadingHTTPServer(ThreadingHTTPServer):
    """Clients that give up (timeouts, dropped connections) are part of the tests, not errors to print."""

    request_queue_size = 128  # the default 5 drops connections when many workers connect at once

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (ConnectionError, ssl.SSLError)):
            super(QuietThreadingHTTPServer, self).handle_error(request, client_address)


def _handler_for(sim):

    class Handler(OktaHandler):
        simulator = sim

    return Handler
