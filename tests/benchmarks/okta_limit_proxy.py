# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A reverse proxy that enforces Okta's rate limits in front of an Okta-like server: an
independent check that a client stays within them.

It sits between a client (the identity.okta modules, the okta SDK, ``uri``) and the Okta
simulator started with a limit that never binds (``--profile kind --rate-limit 1000000000``),
and limits the calls itself, as Okta does:

- buckets shared by groups of endpoints: ``sessions`` (every ``/api/v1/sessions`` call),
  ``users`` (``GET``/``POST /api/v1/users``, and ``/api/v1/users/{id}/...`` such as
  ``DELETE /api/v1/users/{id}/sessions``), ``user-get`` (``GET /api/v1/users/{idOrLogin}``),
  ``groups`` (``/api/v1/groups`` and ``/api/v1/groups/{id}/...``, not ``/api/v1/groups/{id}``),
  ``logs`` (``GET /api/v1/logs``), ``oauth-token`` (``POST /oauth2/v1/token``) and one
  ``default`` bucket for every other ``/api/`` call (Okta's "most other API actions");
- a window of one minute per bucket that starts with the bucket's first call (not the clock's
  minute), ``--time-scale`` times shorter;
- 50 % of a bucket per API token (``--token-share``): the principal is the ``Authorization``
  header, so each API token (or access token) has its own share;
- a cap on calls in flight (``--concurrency-limit``; 35 developer, 75 production).

Past a limit it answers 429 ``E0000047`` with ``X-Rate-Limit-Limit``, ``-Remaining`` and
``-Reset`` (epoch second, rounded up) as Okta does (limit and remaining 0 for the cap on
calls in flight), and it puts its own ``X-Rate-Limit-*`` headers on every answer it passes
through, replacing the upstream's. ``GET /_proxy/state`` has its counts per bucket.

Figures per minute: Okta's "Management rate limits" tables (developer.okta.com
``/docs/reference/rl-global-mgmt/``: the "Integrator Free Plan" column for ``developer``,
"Workforce identity" for ``production``), "Token and OAuth 2.0 app rate limits" (50 %) and
"Concurrency limits" (35 and 75). It shares no code with the simulator (tests/okta_simulator):
that is the point of it. Standard library only; listens on and forwards to loopback only.

    python tests/benchmarks/okta_limit_proxy.py --upstream http://127.0.0.1:PORT --profile developer --time-scale 6
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import email.utils
import hashlib
import http.client
import http.server
import ipaddress
import json
import math
import os
import re
import signal
import socket
import sys
import threading
import time
import urllib.parse
import uuid

OKTA_MINUTE = 60.0
# Calls per minute per org (Okta's published tables; see the docstring).
PROFILES = {
    'developer': {'limits': {'sessions': 100, 'users': 100, 'user-get': 100, 'groups': 100, 'logs': 20,
                             'oauth-token': 300, 'default': 100},
                  'concurrency': 35},
    'production': {'limits': {'sessions': 750, 'users': 600, 'user-get': 2000, 'groups': 500, 'logs': 120,
                              'oauth-token': 2000, 'default': 1200},
                   'concurrency': 75},
}
TOKEN_SHARE_PERCENT = 50

# (bucket, method or None for any, path pattern), first match wins; other /api/ paths: 'default'.
RULES = (
    ('sessions', None, re.compile(r'^/api/v1/sessions(?:/.*)?$')),
    ('user-get', 'GET', re.compile(r'^/api/v1/users/[^/]+/?$')),
    ('users', None, re.compile(r'^/api/v1/users/?$')),
    ('users', None, re.compile(r'^/api/v1/users/[^/]+/.+$')),
    ('groups', None, re.compile(r'^/api/v1/groups/?$')),
    ('groups', None, re.compile(r'^/api/v1/groups/[^/]+/.+$')),
    ('logs', 'GET', re.compile(r'^/api/v1/logs/?$')),
    ('oauth-token', 'POST', re.compile(r'^/oauth2/v1/token$')),
)
LIMITED_PREFIXES = ('/api/', '/oauth2/')
RATE_HEADERS = ('x-rate-limit-limit', 'x-rate-limit-remaining', 'x-rate-limit-reset')
HOP_BY_HOP = ('connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer',
              'transfer-encoding', 'upgrade', 'content-length')
MAX_BODY_BYTES = 1 << 20
UPSTREAM_TIMEOUT_SECONDS = 60
MAX_WINDOW_RECORDS = 100000
RATE_LIMITED_SUMMARY = 'API call exceeded rate limit due to too many requests.'


def bucket_of(method, path):
    """The bucket a call counts in, or None for a path Okta does not rate-limit here (not /api/ or /oauth2/)."""
    for bucket, only, pattern in RULES:
        if (only is None or only == method) and pattern.match(path):
            return bucket
    return 'default' if path.startswith(LIMITED_PREFIXES) else None


def is_loopback(host):
    if host == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host.strip('[]')).is_loopback
    except ValueError:
        return False


class Counter:
    __slots__ = ('start', 'used', 'record')

    def __init__(self, start):
        self.start = start
        self.used = 0
        self.record = None  # index in Limits.windows, for a principal's counter


class Limits:
    """Per-minute counters: one per bucket for the org, one per bucket and principal for its share."""

    def __init__(self, limits, window_seconds, token_share_percent, concurrency_limit, clock=time.time):
        self.limits = dict(limits)
        self.window = float(window_seconds)
        self.share_percent = token_share_percent
        self.concurrency_limit = concurrency_limit
        self.clock = clock
        self.lock = threading.Lock()
        self.counters = {}
        self.stats = {}
        self.windows = []  # (bucket, principal index, start, used) of every finished or current token window
        self.principals = {}
        self.in_flight = 0
        self.in_flight_peak = 0
        self.concurrency_limited = 0

    def token_limit(self, bucket):
        return max(1, self.limits[bucket] * self.share_percent // 100)

    def _counter(self, key, now):
        counter = self.counters.get(key)
        if counter is None or now >= counter.start + self.window:
            counter = self.counters[key] = Counter(now)
            if key[0] == 'token' and len(self.windows) < MAX_WINDOW_RECORDS:
                self.windows.append([key[1], key[2], now, 0])
                counter.record = len(self.windows) - 1
        return counter

    def _reset(self, counter):
        return int(math.ceil(counter.start + self.window))

    def principal(self, authorization):
        """A short name for the credential (never the credential itself)."""
        digest = hashlib.sha256(authorization.encode('utf-8', 'surrogateescape')).hexdigest()
        with self.lock:
            return self.principals.setdefault(digest, 'principal-%d' % (len(self.principals) + 1))

    def admit(self, bucket, principal):
        """Count one call; return (admitted, X-Rate-Limit-Limit, -Remaining, -Reset)."""
        now = self.clock()
        org_limit, own_limit = self.limits[bucket], self.token_limit(bucket)
        with self.lock:
            stats = self.stats.setdefault(bucket, {'calls': 0, 'rateLimited': 0})
            org = self._counter(('org', bucket), now)
            own = self._counter(('token', bucket, principal), now)
            admitted = org.used < org_limit and own.used < own_limit
            if admitted:
                org.used += 1
                own.used += 1
                stats['calls'] += 1
                if own.record is not None:
                    self.windows[own.record][3] = own.used
            else:
                stats['rateLimited'] += 1
            org_left, own_left = org_limit - org.used, own_limit - own.used
            if org_left < own_left:
                return admitted, org_limit, org_left, self._reset(org)  # other principals used the org's bucket
            return admitted, own_limit, own_left, self._reset(own)

    def enter(self):
        with self.lock:
            if self.concurrency_limit and self.in_flight >= self.concurrency_limit:
                self.concurrency_limited += 1
                return False
            self.in_flight += 1
            self.in_flight_peak = max(self.in_flight_peak, self.in_flight)
            return True

    def leave(self):
        with self.lock:
            self.in_flight -= 1

    def snapshot(self):
        with self.lock:
            buckets = {}
            for bucket, stats in self.stats.items():
                used = [w[3] for w in self.windows if w[0] == bucket]
                buckets[bucket] = dict(stats, limit=self.limits[bucket], tokenLimit=self.token_limit(bucket),
                                       windows=len(used), maxUsedInWindow=max(used) if used else 0)
            return {'windowSeconds': self.window, 'tokenSharePercent': self.share_percent,
                    'concurrencyLimit': self.concurrency_limit, 'buckets': buckets,
                    'rateLimited': sum(s['rateLimited'] for s in self.stats.values()),
                    'concurrencyLimited': self.concurrency_limited, 'inFlightPeak': self.in_flight_peak,
                    'windows': [{'bucket': w[0], 'principal': w[1], 'start': w[2], 'used': w[3]} for w in self.windows]}


class ProxyServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address, upstream, limits):
        http.server.ThreadingHTTPServer.__init__(self, address, ProxyHandler)
        self.upstream = upstream
        self.limits = limits
        self.upstream_errors = 0

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):
            http.server.ThreadingHTTPServer.handle_error(self, request, client_address)


class ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'okta-limit-proxy'

    def log_message(self, format, *args):  # noqa: A002 - the signature of BaseHTTPRequestHandler
        pass

    def do_GET(self):
        self._handle()

    def do_POST(self):
        self._handle()

    def do_PUT(self):
        self._handle()

    def do_DELETE(self):
        self._handle()

    def do_PATCH(self):
        self._handle()

    def _handle(self):
        length = self.headers.get('Content-Length') or '0'
        if not length.isdigit() or int(length) > MAX_BODY_BYTES:
            self.close_connection = True
            return self._reply(413, {'error': 'body too large or bad Content-Length'}, {})
        body = self.rfile.read(int(length)) if int(length) else None
        path = urllib.parse.urlsplit(self.path).path
        limits = self.server.limits
        if path == '/_proxy/state' and self.command == 'GET':
            state = limits.snapshot()
            state['upstreamErrors'] = self.server.upstream_errors
            return self._reply(200, state, {})
        bucket = bucket_of(self.command, path)
        if bucket is None:
            return self._forward(body, None)
        if not limits.enter():
            # Okta: "The first two header values are always 0 for concurrent rate limit errors."
            return self._too_many({'X-Rate-Limit-Limit': '0', 'X-Rate-Limit-Remaining': '0',
                                   'X-Rate-Limit-Reset': str(int(math.ceil(time.time())) + 1)})
        try:
            principal = limits.principal(self.headers.get('Authorization') or '')
            admitted, limit, remaining, reset = limits.admit(bucket, principal)
            rate_headers = {'X-Rate-Limit-Limit': str(limit), 'X-Rate-Limit-Remaining': str(remaining),
                            'X-Rate-Limit-Reset': str(reset)}
            if not admitted:
                return self._too_many(rate_headers)
            return self._forward(body, rate_headers)
        finally:
            limits.leave()

    def _too_many(self, rate_headers):
        body = {'errorCode': 'E0000047', 'errorSummary': RATE_LIMITED_SUMMARY, 'errorLink': 'E0000047',
                'errorId': 'oae' + uuid.uuid4().hex[:22], 'errorCauses': []}
        return self._reply(429, body, dict(rate_headers, **{'X-Okta-Request-Id': uuid.uuid4().hex}))

    def _reply(self, status, body, headers):
        payload = json.dumps(body).encode('utf-8')
        self.send_response_only(status)
        self.send_header('Date', email.utils.formatdate(usegmt=True))
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _upstream_connection(self, fresh=False):
        connection = getattr(self, '_connection', None)
        if connection is None or fresh:
            if connection is not None:
                connection.close()
            parts = self.server.upstream
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=UPSTREAM_TIMEOUT_SECONDS)
            self._connection = connection
        return connection

    def _forward(self, body, rate_headers):
        headers = [(k, v) for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP]
        if body is not None:
            headers.append(('Content-Length', str(len(body))))
        response = payload = error = None
        for attempt in range(2):
            # A second attempt only for an idempotent call whose kept-alive upstream connection had been closed.
            if attempt and self.command not in ('GET', 'PUT', 'DELETE', 'HEAD'):
                break
            connection = self._upstream_connection(fresh=attempt > 0)
            try:
                connection.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                for name, value in headers:  # Host as received: the upstream's links then point at the proxy
                    connection.putheader(name, value)
                connection.endheaders(body)
                response = connection.getresponse()
                payload = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                error, response = exc, None
            except (OSError, http.client.HTTPException) as exc:
                error, response = exc, None
                break
        if response is None:
            self.server.upstream_errors += 1
            self._upstream_connection(fresh=True)
            self.close_connection = True
            return self._reply(502, {'error': 'upstream: %s' % error}, {})
        self.send_response_only(response.status, response.reason)
        for name, value in response.getheaders():  # a list: Okta's one Link header per relation stays so
            lower = name.lower()
            if lower in HOP_BY_HOP or (rate_headers is not None and lower in RATE_HEADERS):
                continue
            self.send_header(name, value)
        for name, value in (rate_headers or {}).items():
            self.send_header(name, value)
        self.send_header('Content-Length', str(len(payload)))
        self.end_headers()
        if payload and self.command != 'HEAD':
            self.wfile.write(payload)
        if response.will_close:
            self._upstream_connection(fresh=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('--upstream', required=True, help='base URL of the Okta-like server (http, loopback)')
    parser.add_argument('--host', default='127.0.0.1', help='address to listen on (loopback only)')
    parser.add_argument('--port', type=int, default=0, help='0 picks a free port (default)')
    parser.add_argument('--profile', choices=sorted(PROFILES), default='developer')
    parser.add_argument('--time-scale', type=float, default=1.0, help='a minute lasts 60/N seconds (default 1)')
    parser.add_argument('--token-share', type=int, default=TOKEN_SHARE_PERCENT,
                        help='percent of a bucket one token may use (default 50)')
    parser.add_argument('--bucket-limit', action='append', default=[], metavar='BUCKET=N',
                        help='override a bucket\'s per-minute limit (repeatable)')
    parser.add_argument('--concurrency-limit', type=int, help='calls in flight before 429 (0: none; default per profile)')
    parser.add_argument('--ready-file', help='write {"orgUrl": ...} here once listening')
    args = parser.parse_args(argv)
    upstream = urllib.parse.urlsplit(args.upstream)
    if upstream.scheme != 'http' or not upstream.hostname or not is_loopback(upstream.hostname):
        parser.error('--upstream must be an http:// URL on a loopback address')
    if not is_loopback(args.host):
        parser.error('--host must be a loopback address')
    if args.time_scale <= 0 or not 0 < args.token_share <= 100:
        parser.error('--time-scale must be > 0 and --token-share in 1..100')
    args.upstream_parts = upstream
    return args


def make_server(args):
    limits = dict(PROFILES[args.profile]['limits'])
    for item in args.bucket_limit:
        name, dummy, value = item.partition('=')
        if name not in limits or not value.isdigit():
            raise SystemExit('--bucket-limit %r: BUCKET=N with BUCKET one of %s' % (item, ', '.join(sorted(limits))))
        limits[name] = int(value)
    concurrency = PROFILES[args.profile]['concurrency'] if args.concurrency_limit is None else args.concurrency_limit
    family = socket.AF_INET6 if ':' in args.host else socket.AF_INET
    ProxyServer.address_family = family
    return ProxyServer((args.host, args.port), args.upstream_parts,
                       Limits(limits, OKTA_MINUTE / args.time_scale, args.token_share, concurrency))


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    server = make_server(args)
    host, port = server.server_address[:2]
    url = 'http://%s:%d' % ('[%s]' % host if ':' in host else host, port)
    if args.ready_file:
        with open(args.ready_file + '.tmp', 'w') as handle:
            json.dump({'orgUrl': url, 'pid': os.getpid(), 'profile': args.profile, 'timeScale': args.time_scale}, handle)
        os.replace(args.ready_file + '.tmp', args.ready_file)
    print('OKTA_ORG_URL=%s' % url)
    sys.stdout.flush()
    stopping = threading.Event()

    def stop(signum, frame):
        stopping.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever(poll_interval=0.1)
    server.server_close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
