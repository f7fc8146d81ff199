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
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import datetime
import hashlib
import json
import math
import os
import random
import re
import socket
import ssl
import sys
import threading
import time
import uuid
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from .limits import KIND, KIND_DEFAULT_LIMIT, OKTA_WINDOW_SECONDS, PROFILES, InFlight, RateLimits
from .oauth import (GLOBAL_TOKEN_REVOCATION_PATH, REQUIRED_SCOPES, TOKEN_PATH, AuthorizationServer, OAuthError,
                    has_scope, revocation_subject)
from .state import (IDENTITY_ENGINE, REFRESH_TOKEN_LIFETIME_SECONDS, SCOPE_DESCRIPTIONS, SESSION_LIFETIME_SECONDS,
                    SESSION_TOKEN_LIFETIME_SECONDS, Org)

ADMIN_PREFIX = '/_simulator/'
ALL_SCOPES = frozenset(['*'])
# Faults that let the call take effect and spoil only the answer.
APPLIED_FAULTS = ('slow', 'truncated')
DEFAULT_RATE_LIMIT = KIND_DEFAULT_LIMIT
RATE_LIMITED = 'API call exceeded rate limit due to too many requests.'
SYSTEM_LOG_DEFAULT_SPAN_SECONDS = 7 * 24 * 3600  # since defaults to "7 days prior to until" (the spec)

# (method, path template) -> handler name; '{id}' matches one path segment.
# The admin an API token acts as: Okta names the token's owner as the actor of what the token does.
ADMIN_ACTOR = {'id': '00usimadmin0000000001', 'type': 'User', 'alternateId': 'okta-admin@example.com',
               'displayName': 'Okta Admin', 'detailEntry': None}

ROUTES = [
    ('POST', '/api/v1/sessions', 'create_session'),
    ('GET', '/api/v1/sessions/{id}', 'get_session'),
    ('DELETE', '/api/v1/sessions/{id}', 'revoke_session'),
    ('POST', '/api/v1/sessions/{id}/lifecycle/refresh', 'refresh_session'),
    ('DELETE', '/api/v1/users/{id}/sessions', 'revoke_user_sessions'),
    ('GET', '/api/v1/users/{id}', 'get_user'),
    ('GET', '/api/v1/users', 'list_users'),
    ('GET', '/api/v1/groups', 'list_groups'),
    ('GET', '/api/v1/groups/{id}/users', 'list_group_users'),
    ('GET', '/api/v1/logs', 'list_log_events'),
    ('GET', '/api/v1/users/{id}/clients', 'list_user_clients'),
    ('GET', '/api/v1/users/{id}/clients/{id}/tokens', 'list_user_client_tokens'),
    ('DELETE', '/api/v1/users/{id}/clients/{id}/tokens', 'revoke_user_client_tokens'),
    ('GET', '/api/v1/users/{id}/clients/{id}/tokens/{id}', 'get_user_client_token'),
    ('DELETE', '/api/v1/users/{id}/clients/{id}/tokens/{id}', 'revoke_user_client_token'),
    ('POST', '/api/v1/users/{id}/lifecycle/suspend', 'suspend_user'),
    ('POST', '/api/v1/users/{id}/lifecycle/unsuspend', 'unsuspend_user'),
    ('GET', '/api/v1/users/{id}/risk', 'get_user_risk'),
    ('PUT', '/api/v1/users/{id}/risk', 'put_user_risk'),
    ('POST', '/api/v1/users/{id}/lifecycle/expire_password', 'expire_password'),
    ('POST', '/api/v1/users/{id}/lifecycle/expire_password_with_temp_password', 'expire_password_with_temp_password'),
    ('POST', '/api/v1/users/{id}/lifecycle/reset_factors', 'reset_factors'),
    ('POST', '/api/v1/users/{id}/lifecycle/unlock', 'unlock_user'),
    ('GET', '/api/v1/users/{id}/factors', 'list_factors'),
    ('POST', GLOBAL_TOKEN_REVOCATION_PATH, 'global_token_revocation'),
]

# Features an org may lack, all on by default: --disable-feature NAME, Simulator(disabled_features=[...]),
# POST /_simulator/features {"NAME": false}. Without one, its calls answer Okta's "Feature not enabled
# exception" (FEATURE_NOT_ENABLED) and the token endpoint does not grant its scopes (oauth.FEATURE_SCOPES).
FEATURES = {
    'identity_threat_protection': 'Identity Threat Protection: GET and PUT /api/v1/users/{userId}/risk',
    'universal_logout': 'Universal Logout: POST /oauth2/v1/global-token-revocation',
}
FEATURE_NOT_ENABLED = ('E0000015', 'You do not have permission to access the feature you are requesting')
RISK_LEVELS = ('HIGH', 'MEDIUM', 'LOW')
RISK_REASON = re.compile(r'^[a-zA-Z0-9\s\-,.]*$')  # UserRiskRequest.riskReason, the spec's pattern
DEFAULT_RISK_REASON = 'override.by.admin'  # "If riskReason isn't provided, the reason defaults to override.by.admin"
# Okta's "User operation forbidden exception" (403): its error catalogue, and its Users API reference's answer to a
# lifecycle operation on a user in the wrong status ("Response Example (Unexpected user status)").
USER_OPERATION_FORBIDDEN = ('E0000038', "This operation is not allowed in the user's current status.")
# Unlock of a user who is not locked out: okta-sdk-python's cassette test_unlock_user (recorded September 2025).
UNLOCK_NOT_ALLOWED = ('E0000032', 'Unlock is not allowed for this user.', ['The user is not locked out.'])


def okta_error(code, summary, causes=()):
    """Okta's error body; errorId is 'oae' and 22 URL-safe characters, as in Okta's answers."""
    return {
        'errorCode': code,
        'errorSummary': summary,
        'errorLink': code,
        'errorId': 'oae' + base64.urlsafe_b64encode(os.urandom(16)).decode('ascii')[:22],
        'errorCauses': [{'errorSummary': c} for c in causes],
    }


def request_id():
    """X-Okta-Request-Id: 32 hexadecimal characters, as Okta sends them since 2023."""
    return uuid.uuid4().hex


ISO_INSTANT = re.compile(r'^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$', re.I)


def parse_instant(text):
    """Epoch seconds of an ISO 8601 timestamp with its offset (``Z``, ``+02:00``, ``-0500``);
    ValueError for anything else (a timestamp without an offset is not an instant)."""
    found = ISO_INSTANT.match((text or '').strip())
    if not found:
        raise ValueError('not an ISO 8601 timestamp with an offset: %r' % (text,))
    year, month, day, hour, minute = (int(found.group(i)) for i in range(1, 6))
    second = int(found.group(6) or 0)
    fraction = float(found.group(7) or 0)
    zone = found.group(8).upper()
    offset = 0
    if zone != 'Z':
        digits = zone[1:].replace(':', '')
        offset = (int(digits[:2]) * 60 + int(digits[2:])) * 60 * (1 if zone[0] == '+' else -1)
    moment = datetime.datetime(year, month, day, hour, minute, second, tzinfo=datetime.timezone.utc)
    return moment.timestamp() + fraction - offset


def query_bool(query, name, default):
    """A boolean query parameter read as Okta's Java API reads it: "true" in any case is true,
    anything else false (the legacy Python SDK sends ``True``)."""
    values = query.get(name)
    if not values:
        return default
    return values[-1].strip().lower() == 'true'


# One token of a filter: a parenthesis, a string literal (escapes kept, decoded later) or a word.
FILTER_TOKEN = re.compile(r'\s*(?:(?P<paren>[()])|(?P<literal>"(?:[^"\\]|\\.)*")|(?P<word>[^\s()"]+))', re.DOTALL)
# Inside a string literal, a backslash escapes a double quote or a backslash; Okta documents no other escape.
LITERAL_ESCAPES = {'"': '"', '\\': '\\'}


def filter_literal(token):
    """The value of a string literal token such as ``"a\\"b"``; ValueError on an unknown escape."""
    chars = []
    body = iter(token[1:-1])
    for char in body:
        if char == '\\':
            escaped = next(body)
            if escaped not in LITERAL_ESCAPES:
                raise ValueError('filter: invalid escape \\%s in %s' % (escaped, token))
            char = LITERAL_ESCAPES[escaped]
        chars.append(char)
    return ''.join(chars)


def filter_tokens(expression):
    """(kind, text) tokens: kind ``paren``, ``literal`` (text decoded) or ``word``."""
    tokens = []
    position = 0
    while expression[position:].strip():
        found = FILTER_TOKEN.match(expression, position)
        if not found:
            raise ValueError('filter: unterminated string or stray character at %r' % expression[position:].strip())
        kind = found.lastgroup
        text = found.group(kind)
        tokens.append((kind, filter_literal(text) if kind == 'literal' else text))
        position = found.end()
    return tokens


COMPARISONS = ('eq', 'ne', 'sw', 'ew', 'co', 'gt', 'ge', 'lt', 'le')


def _compare(operator, actual, expected, case_insensitive):
    """One comparison as Okta makes it: ``gt``/``ge``/``lt``/``le`` compare instants when both
    sides are timestamps, numbers when both are numbers, and strings otherwise."""
    if operator in ('gt', 'ge', 'lt', 'le'):
        try:
            left, right = parse_instant(str(actual)), parse_instant(expected)
        except ValueError:
            try:
                left, right = float(actual), float(expected)
            except (TypeError, ValueError):
                left, right = str(actual), expected
        return {'gt': left > right, 'ge': left >= right, 'lt': left < right, 'le': left <= right}[operator]
    actual = str(actual).lower() if isinstance(actual, bool) else str(actual)
    if case_insensitive:
        actual, expected = actual.lower(), expected.lower()
    return {'eq': actual == expected, 'ne': actual != expected, 'sw': actual.startswith(expected),
            'ew': actual.endswith(expected), 'co': expected in actual}[operator]


def parse_filter(expression, case_insensitive=False, operators=COMPARISONS + ('pr',)):
    """A predicate for a SCIM filter: ``attribute op "value"`` terms (op: eq, ne, sw, ew, co, gt,
    ge, lt, le) and ``attribute pr`` combined with ``and``, ``or`` and parentheses. String values
    are in double quotes, where ``\\"`` is a double quote and ``\\\\`` a backslash; ``true``,
    ``false`` and numbers may stand unquoted. ``ne`` is true for an absent attribute (SCIM).
    ``case_insensitive`` compares string values ignoring case (``search=`` on users and groups).
    Raises ValueError (``filter: ...``) on anything else."""
    if not expression:
        return lambda item: True
    tokens = filter_tokens(expression)
    position = [0]

    def peek():
        return tokens[position[0]] if position[0] < len(tokens) else (None, None)

    def take(expected=None, kind='word'):
        token_kind, text = peek()
        if token_kind != kind or (expected and text.lower() != expected):
            raise ValueError('filter: expected %s at %r' % (expected or 'more', text))
        position[0] += 1
        return text

    def keyword():
        token_kind, text = peek()
        return text.lower() if token_kind in ('word', 'paren') else None

    def values_at(item, path):
        """The values at ``path``; through an array (a LogEvent's ``target``) the values of every element."""
        items = [item]
        for part in path.split('.'):
            found = []
            for each in items:
                each = each.get(part) if isinstance(each, dict) else None
                found.extend(each if isinstance(each, list) else [each])
            items = found
        return [value for value in items if value is not None]

    def comparison():
        if keyword() == '(':
            take('(', 'paren')
            inner = disjunction()
            take(')', 'paren')
            return inner
        path, operator = take(), take().lower()
        if operator == 'pr' and operator in operators:
            return lambda item: bool(values_at(item, path))
        kind, text = peek()
        bare = kind == 'word' and (text in ('true', 'false') or re.match(r'^-?\d+(\.\d+)?$', text or ''))
        if operator not in operators or operator == 'pr' or not (kind == 'literal' or bare):
            raise ValueError('filter: cannot parse %s %s %r' % (path, operator, text))
        expected = take(kind=kind)

        def test(item):
            actual = values_at(item, path)
            if not actual:
                return operator == 'ne'
            # An array matches when one of its elements does (target.id eq "00u..." finds the event of that user).
            return any(_compare(operator, value, expected, case_insensitive) for value in actual)
        return test

    def conjunction():
        parts = [comparison()]
        while keyword() == 'and':
            take('and')
            parts.append(comparison())
        return lambda item: all(part(item) for part in parts)

    def disjunction():
        parts = [conjunction()]
        while keyword() == 'or':
            take('or')
            parts.append(conjunction())
        return lambda item: any(part(item) for part in parts)

    predicate = disjunction()
    if peek()[0] is not None:
        raise ValueError('filter: unexpected %r' % (peek()[1],))
    return predicate


def parse_log_filter(expression):
    """The System Log's ``filter``: every operator of parse_filter ("all operators except [ ]",
    Okta's spec of /api/v1/logs), string values compared as written."""
    return parse_filter(expression)


def match_route(method, raw_path):
    """Return (template, handler, params) for a raw (still encoded) path, or None.

    Segments are split before decoding, so an encoded ``/`` inside an id stays in the id.
    """
    segments = raw_path.rstrip('/').split('/') if raw_path != '/' else ['']
    for route_method, template, handler in ROUTES:
        pattern = template.split('/')
        if len(pattern) != len(segments):
            continue
        params = []
        for want, got in zip(pattern, segments):
            if want == '{id}':
                if not got:
                    break
                params.append(unquote(got))
            elif want != got:
                break
        else:
            if route_method == method:
                return template, handler, params
    return None


class Faults:
    """Random faults at ``rate``, and faults armed one by one by tests."""

    def __init__(self, rate=0.0, kinds=('503',), seed=0):
        self.rate = rate
        self.kinds = list(kinds)
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.armed = []
        self.injected = 0

    def arm(self, kind, method=None, path_prefix='', count=1, after_apply=False):
        with self.lock:
            self.armed.append({'kind': kind, 'method': method, 'path_prefix': path_prefix,
                               'count': count, 'after_apply': after_apply})

    def pick(self, method, path):
        """The fault for this request as (kind, after_apply), or None."""
        with self.lock:
            for fault in self.armed:
                if (fault['method'] in (None, method)) and path.startswith(fault['path_prefix']):
                    fault['count'] -= 1
                    if fault['count'] <= 0:
                        self.armed.remove(fault)
                    self.injected += 1
                    return fault['kind'], fault['after_apply']
            if self.rate and self.random.random() < self.rate:
                self.injected += 1
                return self.random.choice(self.kinds), False
        return None


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
        self.stats_lock = threading.Lock()
        self.request_log = []
        self.request_counts = {}
        self.rate_limited = 0
        self.concurrency_limited = 0
        self.expired_tokens = 0
        self.connections = set()
        unknown = sorted(set(disabled_features) - set(FEATURES))
        if unknown:
            raise ValueError('unknown feature(s) %s (known: %s)' % (', '.join(unknown), ', '.join(sorted(FEATURES))))
        self.features = dict((name, name not in disabled_features) for name in FEATURES)
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


class OktaHandler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'okta-simulator'
    simulator = None  # set by _handler_for
    _spec_check = None  # (method, path, query, headers, body) of an exchange --check-spec validates

    def setup(self):
        super(OktaHandler, self).setup()
        with self.simulator.stats_lock:
            self.simulator.connections.add(self.connection)

    def finish(self):
        with self.simulator.stats_lock:
            self.simulator.connections.discard(self.connection)
        super(OktaHandler, self).finish()

    def log_message(self, format, *args):  # noqa: A002 - signature from BaseHTTPRequestHandler
        pass  # quiet: tests and benchmarks read state through /_simulator/ instead

    def date_time_string(self, timestamp=None):
        return formatdate(self.simulator.clock() if timestamp is None else timestamp, usegmt=True)

    # -- plumbing ------------------------------------------------------------

    def _send(self, status, body=None, headers=None, raw=None, content_type='application/json', okta_request_id=True):
        """Answer. A ``Link`` header given as a list is sent once per relation, as Okta does."""
        payload = raw if raw is not None else (json.dumps(body).encode('utf-8') if body is not None else b'')
        headers = dict(headers or {})
        links = headers.pop('Link', None)
        if isinstance(links, str):
            links = [links]
        flat = dict(headers, **{'Content-Type': content_type})
        if links:
            flat['Link'] = ', '.join(links)
        check, self._spec_check = self._spec_check, None
        if check is not None:
            # Checked before the answer leaves: a client that reads the state next sees this exchange counted.
            self.simulator.spec_checker.check(*check + (status, flat, payload))
        self.send_response(status)
        if okta_request_id:
            self.send_header('X-Okta-Request-Id', request_id())
        for name, value in headers.items():
            self.send_header(name, value)
        for link in links or ():
            self.send_header('Link', link)
        if payload:
            self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(payload)))
        self.end_headers()
        if payload and self.command != 'HEAD':
            self.wfile.write(payload)

    def _drop(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _body(self):
        length = int(self.headers.get('Content-Length') or 0)
        self._raw_body = self.rfile.read(length) if length else b''
        if not length:
            return None
        try:
            return json.loads(self._raw_body.decode('utf-8'))
        except ValueError:
            return ValueError

    def do_GET(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def do_DELETE(self):
        self._dispatch()

    def do_PUT(self):
        self._dispatch()

    def _dispatch(self):
        sim = self.simulator
        parts = urlsplit(self.path)
        raw_path, query = parts.path, parse_qs(parts.query)
        body = self._body()
        if raw_path.startswith(ADMIN_PREFIX):
            return self._admin(raw_path[len(ADMIN_PREFIX):], query, body)
        # Okta's cap on requests in flight counts every call to the org, answered or not yet.
        if not sim.in_flight.enter():
            with sim.stats_lock:
                sim.concurrency_limited += 1
            if raw_path != TOKEN_PATH:
                sim.record(self.command, raw_path, parts.query, self.headers)
            # "The first two header values are always 0 for concurrent rate limit errors. The third
            # header reports an estimated time" (Okta, rate limit best practices).
            return self._send(429, okta_error('E0000047', RATE_LIMITED), {
                'X-Rate-Limit-Limit': '0', 'X-Rate-Limit-Remaining': '0',
                'X-Rate-Limit-Reset': str(int(math.ceil(sim.clock())) + 1)})
        try:
            if raw_path == TOKEN_PATH and self.command == 'POST':
                return self._token_endpoint()
            return self._dispatch_api(raw_path, parts.query, query, body)
        finally:
            sim.in_flight.leave()

    def _dispatch_api(self, raw_path, raw_query, query, body):
        sim = self.simulator
        sim.record(self.command, raw_path, raw_query, self.headers)
        if sim.latency:
            time.sleep(sim.latency)

        route = match_route(self.command, raw_path)
        if route is None:
            if any(match_route(m, raw_path) for m in ('GET', 'POST', 'DELETE', 'PUT')):
                # Okta answers a method the path does not have at its edge: 405, no request id, no rate headers.
                return self._send(405, okta_error('E0000022', 'The endpoint does not support the provided HTTP method'),
                                  okta_request_id=False)
            return self._send(404, okta_error('E0000007', 'Not found: Resource not found: %s (Endpoint)' % raw_path))
        template, handler, params = route
        with sim.stats_lock:
            key = '%s %s' % (self.command, template)
            sim.request_counts[key] = sim.request_counts.get(key, 0) + 1

        scopes, principal, refusal = self._authenticated()
        self._principal = principal
        if scopes is None:
            return self._send(401, okta_error('E0000011', 'Invalid token provided'), refusal)
        required = REQUIRED_SCOPES.get((self.command, template), '')
        if scopes is not ALL_SCOPES and (required is None or not has_scope(scopes, required)):
            return self._send(403, okta_error('E0000006', 'You do not have permission to perform the requested action'),
                              {'WWW-Authenticate': 'Bearer realm="%s", error="insufficient_scope", scope="%s"'
                                                   % (self._base(), required or 'SSWS API token')})

        rate_headers = self._take_rate_limit(template, principal)
        if rate_headers is False:
            return None

        fault = sim.faults.pick(self.command, raw_path)
        if sim.spec_checker is not None and not fault:
            self._spec_check = (self.command, raw_path, query, self.headers, self._raw_body)
        try:
            return self._answer_api(handler, params, query, body, fault, rate_headers)
        finally:
            self._spec_check = None

    def _take_rate_limit(self, template, principal):
        """Count the call in its bucket: the rate headers, or False after answering 429."""
        sim = self.simulator
        bucket = sim.rate_limits.bucket_for(self.command, template)
        if bucket is None:
            return {}
        allowed, limit, remaining, reset = sim.rate_limits.take(bucket, principal)
        rate_headers = {'X-Rate-Limit-Limit': str(limit), 'X-Rate-Limit-Remaining': str(remaining),
                        'X-Rate-Limit-Reset': str(reset)}
        if allowed:
            return rate_headers
        with sim.stats_lock:
            sim.rate_limited += 1
        self._send(429, okta_error('E0000047', RATE_LIMITED), rate_headers)
        return False

    def _answer_api(self, handler, params, query, body, fault, rate_headers):
        sim = self.simulator
        if fault and not fault[1] and fault[0] not in APPLIED_FAULTS:
            return self._fault(fault[0], rate_headers)
        status, payload, headers = getattr(self, 'api_' + handler)(params, query, body)
        rate_headers.update(headers or {})
        if fault and fault[0] == 'slow':  # applied, but the answer comes too late
            time.sleep(sim.slow_seconds)
        elif fault and fault[0] == 'truncated' and payload is not None:
            whole = json.dumps(payload).encode('utf-8')
            return self._send(status, raw=whole[:len(whole) // 2], headers=rate_headers)
        elif fault:
            return self._fault(fault[0], rate_headers)
        self._send(status, payload, rate_headers)

    def _authenticated(self):
        """(scopes, principal, None) for an accepted credential: ALL_SCOPES for an API token or a
        configured access token, the granted scopes of an issued OAuth token. The principal is
        what Okta gives a share of each bucket to: the API token, or the OAuth app. For a refused
        credential (None, None, headers of the 401)."""
        sim = self.simulator
        scheme, dummy, token = (self.headers.get('Authorization') or '').partition(' ')
        if scheme == 'SSWS' and token in sim.api_tokens:
            return ALL_SCOPES, 'token:' + token, None
        if scheme == 'Bearer' and token in sim.access_tokens:
            return ALL_SCOPES, 'token:' + token, None
        if scheme == 'Bearer':
            grant = sim.oauth.token_grant(token)
            if grant is not None and not grant['expired']:
                return grant['scopes'], 'app:' + grant['clientId'], None
            if grant is not None:
                with sim.stats_lock:
                    sim.expired_tokens += 1
            # RFC 6750 section 3: the resource server names the problem in WWW-Authenticate.
            return None, None, {'WWW-Authenticate': 'Bearer authorization_uri="%s/oauth2/v1/authorize", realm="%s", '
                                                    'error="invalid_token", error_description="%s"'
                                % (self._base(), self._base(), 'The token has expired.' if grant is not None
                                   else 'The access token is invalid.')}
        return None, None, None

    def _token_endpoint(self):
        sim = self.simulator
        form = dict((k, v[-1]) for k, v in parse_qs((self._raw_body or b'').decode('utf-8')).items())
        rate_headers = self._take_rate_limit(TOKEN_PATH, 'app:%s' % sim.oauth.client_of(form))
        if rate_headers is False:
            return None
        try:
            answer = sim.oauth.grant(form, self._base() + TOKEN_PATH)
        except OAuthError as exc:
            return self._send(exc.status, exc.body, rate_headers)
        return self._send(200, answer, dict(rate_headers, **{'Cache-Control': 'no-store', 'Pragma': 'no-cache'}))

    def _fault(self, kind, rate_headers):
        if kind in ('drop', 'truncated'):
            return self._drop()
        if kind == 'redirect':
            return self._send(302, headers={'Location': self.simulator.redirect_location + self.path})
        if kind == '429':
            headers = dict(rate_headers, **{'X-Rate-Limit-Remaining': '0'})
            return self._send(429, okta_error('E0000047', 'API call exceeded rate limit due to too many requests.'),
                              headers)
        if kind == '502':  # what a proxy in front of Okta sends
            return self._send(502, raw=b'<html><body><h1>502 Bad Gateway</h1></body></html>',
                              content_type='text/html')
        if kind == '504':
            return self._send(504)
        return self._send(int(kind), okta_error('E0000009', 'Internal Server Error'))

    def _base(self):
        return '%s://%s' % (self.simulator.scheme, self.headers.get('Host') or '%s:%d' % self.server.server_address[:2])

    def _links(self, path, methods):
        return {'self': {'href': self._base() + path, 'hints': {'allow': methods}}}

    def _session_body(self, session):
        body = dict(session)
        path = '/api/v1/sessions/%s' % quote(session['id'], safe='')
        user = self.simulator.org.users.get(session['userId']) or {'profile': {'firstName': '', 'lastName': ''}}
        body['_links'] = self._links(path, ['GET', 'DELETE'])
        body['_links']['refresh'] = {'href': self._base() + path + '/lifecycle/refresh', 'hints': {'allow': ['POST']}}
        # Okta names the user by display name here ("SessionTest User1758524423" in the cassettes).
        body['_links']['user'] = {'name': ('%s %s' % (user['profile']['firstName'], user['profile']['lastName'])).strip(),
                                  'href': self._base() + '/api/v1/users/' + session['userId'],
                                  'hints': {'allow': ['GET']}}
        return body

    @staticmethod
    def _not_found(what, kind):
        return 404, okta_error('E0000007', 'Not found: Resource not found: %s (%s)' % (what, kind)), None

    # -- the Okta API --------------------------------------------------------

    def api_create_session(self, params, query, body):
        if body is ValueError or not isinstance(body, dict):
            return 400, okta_error('E0000003', 'The request body was not well-formed.'), None
        token = body.get('sessionToken')
        if not token:
            return 400, okta_error('E0000001', 'Api validation failed: sessionToken',
                                   ['sessionToken: The field cannot be left blank']), None
        session = self.simulator.org.redeem_session_token(token)
        if session is None:  # unknown, used or expired: Okta's 401 in okta-sdk-python's cassettes
            return 401, okta_error('E0000004', 'Authentication failed'), None
        return 200, self._session_body(session), None

    def api_get_session(self, params, query, body):
        session = self.simulator.org.live_session(params[0])
        if session is None:
            return self._not_found(params[0], 'AppSession')
        return 200, self._session_body(session), None

    def api_refresh_session(self, params, query, body):
        session = self.simulator.org.refresh_session(params[0])
        if session is None:
            return self._not_found(params[0], 'AppSession')
        return 200, self._session_body(session), None

    def _actor(self):
        """Who Okta names as the actor of an admin action: the admin an API token belongs to, or the OAuth app."""
        principal = getattr(self, '_principal', None) or ''
        if principal.startswith('app:'):
            client_id = principal[len('app:'):]
            return {'id': client_id, 'type': 'PublicClientApp', 'alternateId': client_id, 'displayName': client_id,
                    'detailEntry': None}
        return dict(ADMIN_ACTOR)

    def api_revoke_session(self, params, query, body):
        if not self.simulator.org.revoke_session(params[0], actor=self._actor()):
            return self._not_found(params[0], 'AppSession')
        return 204, None, None

    def api_revoke_user_sessions(self, params, query, body):
        oauth_tokens = query_bool(query, 'oauthTokens', False)
        forget_devices = query_bool(query, 'forgetDevices', True)
        if not self.simulator.org.revoke_user_sessions(params[0], oauth_tokens, forget_devices, actor=self._actor()):
            return self._not_found(params[0], 'User')
        return 204, None, None

    def _user_body(self, user):
        return dict(user, _links=self._links('/api/v1/users/%s' % user['id'], ['GET', 'POST', 'PUT', 'DELETE']))

    def api_get_user(self, params, query, body):
        user = self.simulator.org.find_user(params[0])
        if user is None:
            return self._not_found(params[0], 'User')
        return 200, self._user_body(user), None

    def _limit(self, query, default, maximum):
        """The ``limit`` parameter, or a 400 answer."""
        try:
            limit = int(query.get('limit', [default])[0])
        except ValueError:
            return None, (400, okta_error('E0000001', 'Api validation failed: limit', ['limit: must be an integer']),
                          None)
        return max(1, min(limit, maximum)), None

    def _page(self, path, items, query, default_limit, maximum=None):
        """One page of ``items`` (sorted by id) after the ``after`` cursor, with one Link header per relation."""
        limit, refused = self._limit(query, default_limit, maximum or self.simulator.page_limit_max)
        if refused:
            return refused
        after = query.get('after', [None])[0]
        items = sorted(items, key=lambda item: item['id'])
        if after:
            items = [item for item in items if item['id'] > after]
        page = items[:limit]
        kept = {k: v[0] for k, v in query.items() if k != 'after'}
        links = ['<%s%s?%s>; rel="self"' % (self._base(), path, urlencode(dict(kept, **({'after': after} if after else {}))))]
        if len(items) > limit:
            links.append('<%s%s?%s>; rel="next"' % (self._base(), path, urlencode(dict(kept, after=page[-1]['id']))))
        return 200, page, {'Link': links}

    def _unpaged(self, path, items, query, default_limit, maximum):
        """A ``q`` query: not paged (Okta: "Paging and searching are currently mutually exclusive. You
        can't page a query"), at most ``limit`` results, and no next link however many match."""
        limit, refused = self._limit(query, default_limit, maximum)
        if refused:
            return refused
        kept = {k: v[0] for k, v in query.items() if k != 'after'}
        return 200, sorted(items, key=lambda item: item['id'])[:limit], {
            'Link': ['<%s%s?%s>; rel="self"' % (self._base(), path, urlencode(kept))]}

    def _search(self, query, name, case_insensitive):
        """The predicate of a ``search``/``filter`` parameter, or a 400 answer as Okta gives it."""
        try:
            return parse_filter(query.get(name, [''])[0], case_insensitive=case_insensitive), None
        except ValueError as exc:
            return None, (400, okta_error('E0000031', 'Invalid search criteria.', [str(exc)]), None)

    def api_list_users(self, params, query, body):
        """``search`` (SCIM expression; values compared ignoring case, as the spec says), ``filter``
        (values as written), ``q`` (a prefix of firstName, lastName or email; not paged, limit 10
        by default), else every user, paged (limit 200 by default, at most 200)."""
        org = self.simulator.org
        with org.lock:
            users = [self._user_body(user) for user in org.users.values()]
        if 'q' in query:
            prefix = query['q'][0].lower()
            found = [u for u in users if u['status'] != 'DEPROVISIONED' and any(
                str(u['profile'].get(k) or '').lower().startswith(prefix) for k in ('firstName', 'lastName', 'email'))]
            return self._unpaged('/api/v1/users', found, query, 10, 200)
        for name, case_insensitive in (('search', True), ('filter', False)):
            if name in query:
                matches, refused = self._search(query, name, case_insensitive)
                if refused:
                    return refused
                users = [u for u in users if matches(u)]
        return self._page('/api/v1/users', users, query, 200, 200)

    def api_list_groups(self, params, query, body):
        """``q`` (a prefix of the name, ignoring case; not paged: at most ``limit``, 300 by default),
        ``search`` (values ignoring case) and ``filter``, paged; else every group, paged."""
        org = self.simulator.org
        with org.lock:
            groups = []
            for group in org.groups.values():
                public = {k: v for k, v in group.items() if k != 'members'}
                public['_links'] = self._links('/api/v1/groups/%s' % group['id'], ['GET', 'PUT', 'DELETE'])
                public['_links']['users'] = {'href': self._base() + '/api/v1/groups/%s/users' % group['id']}
                groups.append(public)
        if 'q' in query:
            prefix = query['q'][0].lower()
            return self._unpaged('/api/v1/groups', [g for g in groups if g['profile']['name'].lower().startswith(prefix)],
                                 query, 300, 10000)
        for name, case_insensitive in (('search', True), ('filter', False)):
            if name in query:
                matches, refused = self._search(query, name, case_insensitive)
                if refused:
                    return refused
                groups = [g for g in groups if matches(g)]
        return self._page('/api/v1/groups', groups, query, 200)

    def api_list_group_users(self, params, query, body):
        org = self.simulator.org
        with org.lock:
            group = org.groups.get(params[0])
            if group is None:
                return self._not_found(params[0], 'Group')
            users = [dict(org.users[uid], _links=self._links('/api/v1/users/%s' % uid, ['GET']))
                     for uid in group['members']]
        return self._page('/api/v1/groups/%s/users' % quote(params[0], safe=''), users, query, 1000)

    def api_list_log_events(self, params, query, body):
        """System Log: since/until instants (any ISO 8601 offset; since defaults to 7 days before
        until), SCIM filters with every operator, ``q`` keywords, sortOrder, limit and an opaque
        ``after`` cursor. Without ``until`` it is a polling query and, as in Okta, every page has a
        ``next`` link, also an empty one."""
        org = self.simulator.org

        def first(name, default=None):
            return query.get(name, [default])[0]

        try:
            limit = max(1, min(int(first('limit', 100)), 1000))
        except ValueError:
            return 400, okta_error('E0000001', 'Api validation failed: limit', ['limit: must be an integer']), None
        try:
            matches = parse_log_filter(first('filter'))
        except ValueError as exc:
            return 400, okta_error('E0000001', 'Api validation failed: filter', [str(exc)]), None
        since, until = first('since'), first('until')
        try:
            until_at = parse_instant(until) if until else None
            since_at = parse_instant(since) if since else (until_at or self.simulator.clock()) - SYSTEM_LOG_DEFAULT_SPAN_SECONDS
        except ValueError as exc:
            which = 'until' if until and not ISO_INSTANT.match(until.strip()) else 'since'
            return 400, okta_error('E0000001', 'Api validation failed: %s' % which, [str(exc)]), None
        order = first('sortOrder', 'ASCENDING')
        keywords = (first('q') or '').lower().split()
        after = int(first('after', '-1')) if (first('after') or '').lstrip('-').isdigit() else -1
        with org.lock:
            indexed = list(enumerate(org.events))
        selected = [(i, e) for i, e in indexed
                    if parse_instant(e['published']) >= since_at
                    and (until_at is None or parse_instant(e['published']) < until_at)
                    and matches(e)
                    and all(k in json.dumps(e).lower() for k in keywords)]
        if order == 'DESCENDING':
            selected.reverse()
            page = [(i, e) for i, e in selected if after < 0 or i < after][:limit]
        else:
            page = [(i, e) for i, e in selected if i > after][:limit]
        kept = dict((k, v[0]) for k, v in query.items() if k != 'after')
        links = ['<%s/api/v1/logs?%s>; rel="self"' % (self._base(), urlencode(query and dict(
            kept, **({'after': after} if after >= 0 else {})) or {}))]
        more = len([1 for i, e in selected if (i > after if order != 'DESCENDING' else (after < 0 or i < after))]) > limit
        if more or (not until and order != 'DESCENDING'):
            cursor = page[-1][0] if page else after
            links.append('<%s/api/v1/logs?%s>; rel="next"' % (self._base(), urlencode(dict(kept, after=cursor))))
        return 200, [e for i, e in page], {'Link': links}

    # -- a user's OAuth apps and refresh tokens ---------------------------------

    def _user_and_client(self, params):
        """(user, client, None), or (None, None, the 404 answer): an unknown user is ``(User)``; an unknown app
        ``(PublicClientApp)``, as Okta names it for the same tokens under /api/v1/authorizationServers
        (okta-sdk-python's cassette test_auth_server_clients_lifecycle)."""
        org = self.simulator.org
        with org.lock:
            user = org.users.get(params[0])
            if user is None:
                return None, None, self._not_found(params[0], 'User')
            if len(params) < 2:
                return user, None, None
            client = org.oauth_clients.get(params[1])
            if client is None:
                return None, None, self._not_found(params[1], 'PublicClientApp')
            return user, client, None

    def _client_body(self, user_id, client):
        """OAuth2Client as listUserClients shows it (the spec's example ListUserClients): no self link."""
        base = '%s/api/v1/users/%s/clients/%s' % (self._base(), user_id, client['client_id'])
        return {'client_id': client['client_id'], 'client_name': client['client_name'],
                'client_uri': client['client_uri'], 'logo_uri': client['logo_uri'],
                '_links': {'grants': {'href': base + '/grants'}, 'tokens': {'href': base + '/tokens'}}}

    def _token_body(self, token, client, user, expand):
        """OAuth2RefreshToken (the spec's example OAuth2RefreshTokenResponseEx), issued by the org
        authorization server; ``_embedded.scopes`` only with ``expand=scope``."""
        base = self._base()
        path = '/api/v1/users/%s/clients/%s/tokens/%s' % (token['userId'], token['clientId'], token['id'])
        body = dict((k, v) for k, v in token.items() if k != 'expires')
        body['issuer'] = base
        if expand == 'scope':
            body['_embedded'] = {'scopes': [
                dict({'id': 'scp' + hashlib.sha256((self.simulator.org.org_id + name).encode('utf-8')).hexdigest()[:17],
                      'name': name}, **({'description': SCOPE_DESCRIPTIONS[name]} if name in SCOPE_DESCRIPTIONS else {}))
                for name in token['scopes']]}
        body['_links'] = {
            'app': {'href': '%s/api/v1/apps/%s' % (base, client['client_id']), 'title': client['client_name']},
            'self': {'href': base + path},
            'revoke': {'href': base + path, 'hints': {'allow': ['DELETE']}},
            'client': {'href': '%s/oauth2/v1/clients/%s' % (base, client['client_id']), 'title': client['client_name']},
            'user': {'href': '%s/api/v1/users/%s' % (base, user['id']),
                     'title': ('%s %s' % (user['profile']['firstName'], user['profile']['lastName'])).strip()},
        }
        return body

    def api_list_user_clients(self, params, query, body):
        """The apps the user holds grants or tokens of; not paged (the spec has no limit or after here)."""
        user, dummy, refused = self._user_and_client(params)
        if refused:
            return refused
        return 200, [self._client_body(user['id'], c) for c in self.simulator.org.user_clients(user['id'])], None

    def api_list_user_client_tokens(self, params, query, body):
        user, client, refused = self._user_and_client(params)
        if refused:
            return refused
        expand = query.get('expand', [None])[0]
        tokens = [self._token_body(t, client, user, expand)
                  for t in self.simulator.org.live_tokens(user['id'], client['client_id'])]
        path = '/api/v1/users/%s/clients/%s/tokens' % (quote(user['id'], safe=''), quote(client['client_id'], safe=''))
        return self._page(path, tokens, query, 20, 200)

    def api_get_user_client_token(self, params, query, body):
        user, client, refused = self._user_and_client(params)
        if refused:
            return refused
        found = [t for t in self.simulator.org.live_tokens(user['id'], client['client_id']) if t['id'] == params[2]]
        if not found:
            return self._not_found(params[2], 'Token')
        return 200, self._token_body(found[0], client, user, query.get('expand', [None])[0]), None

    def api_revoke_user_client_tokens(self, params, query, body):
        """204 whether or not the user held tokens of the app: revoking twice is not an error."""
        user, client, refused = self._user_and_client(params)
        if refused:
            return refused
        self.simulator.org.revoke_tokens(user['id'], client['client_id'], actor=self._actor(), via='client')
        return 204, None, None

    def api_revoke_user_client_token(self, params, query, body):
        user, client, refused = self._user_and_client(params)
        if refused:
            return refused
        if not self.simulator.org.revoke_tokens(user['id'], client['client_id'], params[2], actor=self._actor(),
                                                via='token'):
            return self._not_found(params[2], 'Token')
        return 204, None, None

    # -- lifecycle and risk ----------------------------------------------------

    def _feature_off(self, name):
        """Okta's answer to a call of a feature the org does not have, or None. 401 E0000015 with no
        causes, after the call was counted in its bucket: okta-sdk-python's cassettes (test_users_it
        test_list_user_blocks, test_device_posture_check_it), and Okta's error catalogue ("Feature not
        enabled exception", 401)."""
        if self.simulator.features.get(name, True):
            return None
        return 401, okta_error(*FEATURE_NOT_ENABLED), None

    def api_suspend_user(self, params, query, body):
        """200 ``{}`` (okta-sdk-python's cassette test_comprehensive_user_lifecycle); a user who is not ACTIVE
        is 400 E0000001 (Okta's Users API reference until 2025; the body: oktasdk-python's tests)."""
        user, problem = self.simulator.org.suspend_user(params[0], actor=self._actor())
        if user is None:
            return self._not_found(params[0], 'User')
        if problem:
            return 400, okta_error('E0000001', 'Api validation failed: suspendUser',
                                   ['Cannot suspend a user that is not active']), None
        return 200, {}, None

    def api_unsuspend_user(self, params, query, body):
        user, problem = self.simulator.org.unsuspend_user(params[0], actor=self._actor())
        if user is None:
            return self._not_found(params[0], 'User')
        if problem:
            return 400, okta_error('E0000001', 'Api validation failed: suspendUser',
                                   ['Cannot unsuspend a user that is not suspended']), None
        return 200, {}, None

    def _risk_body(self, user_id, risk):
        path = '/api/v1/users/%s' % quote(user_id, safe='')
        return dict(risk, _links={'self': {'href': self._base() + path + '/risk', 'hints': {'allow': ['GET', 'PUT']}},
                                  'user': {'href': self._base() + path, 'hints': {'allow': ['GET']}}})

    def api_get_user_risk(self, params, query, body):
        off = self._feature_off('identity_threat_protection')
        if off:
            return off
        if params[0] not in self.simulator.org.users:
            return self._not_found(params[0], 'User')
        return 200, self._risk_body(params[0], self.simulator.org.risk_of(params[0])), None

    def api_put_user_risk(self, params, query, body):
        """201 the first time a user's risk is set, 200 after (the spec: "Created" / "Updated the user's
        risk"); ``reason`` is the ``riskReason`` given, else override.by.admin."""
        off = self._feature_off('identity_threat_protection')
        if off:
            return off
        if params[0] not in self.simulator.org.users:
            return self._not_found(params[0], 'User')
        if body is ValueError or not isinstance(body, dict):
            return 400, okta_error('E0000003', 'The request body was not well-formed.'), None
        level, reason = body.get('riskLevel'), body.get('riskReason', DEFAULT_RISK_REASON)
        if level not in RISK_LEVELS:
            return 400, okta_error('E0000001', 'Api validation failed: riskLevel',
                                   ['riskLevel: must be one of %s' % ', '.join(RISK_LEVELS)]), None
        if not isinstance(reason, str) or len(reason) > 500 or not RISK_REASON.match(reason):
            return 400, okta_error('E0000001', 'Api validation failed: riskReason', [
                'riskReason: at most 500 letters, digits, spaces, hyphens, commas and periods']), None
        created, risk = self.simulator.org.set_risk(params[0], level, reason or DEFAULT_RISK_REASON,
                                                    actor=self._actor())
        return (201 if created else 200), self._risk_body(params[0], risk), None

    # -- password, factors, lockout ----------------------------------------------

    def api_expire_password(self, params, query, body):
        """200 and the user, now PASSWORD_EXPIRED (the spec's expirePassword; okta-sdk-python's cassette
        test_expire_password); a user whose status does not allow it is 403 E0000038."""
        user, problem, dummy = self.simulator.org.expire_password(params[0], actor=self._actor())
        if user is None:
            return self._not_found(params[0], 'User')
        if problem:
            return 403, okta_error(*USER_OPERATION_FORBIDDEN), None
        return 200, self._user_body(user), None

    def api_expire_password_with_temp_password(self, params, query, body):
        """200 ``{"tempPassword": "…"}`` (the spec's expirePasswordWithTempPassword, schema tempPassword;
        okta-sdk-python's cassette test_expire_password_get_temporary); ``revokeSessions=true`` also ends the
        user's sessions."""
        user, problem, temporary = self.simulator.org.expire_password(
            params[0], temp_password=True, revoke_sessions=query_bool(query, 'revokeSessions', False),
            actor=self._actor())
        if user is None:
            return self._not_found(params[0], 'User')
        if problem:
            return 403, okta_error(*USER_OPERATION_FORBIDDEN), None
        return 200, {'tempPassword': temporary}, None

    def api_reset_factors(self, params, query, body):
        """200 ``{}`` (the spec: ``content: {}``; okta-sdk-python's cassette test_reset_factors), also for a user
        without factors; a user not activated or deactivated is 403 E0000038."""
        user, problem, dummy = self.simulator.org.reset_factors(params[0], actor=self._actor())
        if user is None:
            return self._not_found(params[0], 'User')
        if problem:
            return 403, okta_error(*USER_OPERATION_FORBIDDEN), None
        return 200, {}, None

    def api_unlock_user(self, params, query, body):
        """200 ``{}`` for a LOCKED_OUT user, ACTIVE after; any other user is 403 E0000032 "Unlock is not allowed
        for this user." (okta-sdk-python's cassette test_unlock_user, an ACTIVE user)."""
        user, problem = self.simulator.org.unlock_user(params[0], actor=self._actor())
        if user is None:
            return self._not_found(params[0], 'User')
        if problem:
            return 403, okta_error(*UNLOCK_NOT_ALLOWED), None
        return 200, {}, None

    def _factor_body(self, user_id, factor):
        path = '/api/v1/users/%s/factors/%s' % (quote(user_id, safe=''), quote(factor['id'], safe=''))
        links = {'self': {'href': self._base() + path, 'hints': {'allow': ['GET', 'DELETE']}},
                 'user': {'href': self._base() + '/api/v1/users/' + quote(user_id, safe=''), 'hints': {'allow': ['GET']}}}
        if factor['factorType'] in ('sms', 'push', 'token:software:totp', 'email'):
            links['verify'] = {'href': self._base() + path + '/verify', 'hints': {'allow': ['POST']}}
        return dict(factor, _links=links)

    def api_list_factors(self, params, query, body):
        """The user's enrolled factors, not paged (the spec's listFactors and its example ListFactorsResults);
        ``[]`` for a user without any."""
        org = self.simulator.org
        if params[0] not in org.users:
            return self._not_found(params[0], 'User')
        return 200, [self._factor_body(params[0], f) for f in org.factors_of(params[0])], None

    def api_global_token_revocation(self, params, query, body):
        """Universal Logout (Okta's OAuth spec 2026.06.3, globalTokenRevocation): 204 once every session
        and refresh token of the user is revoked. ``{"sub_id": {"format": "opaque", "id": "00u…"}}``; a body
        of another shape is 400 (the spec: "Bad Request", no schema; Okta's error body here is chosen);
        ``iss_sub`` needs the Early Access feature "Third-Party IdP Global Token Revocation", which this org
        does not have; an unknown user is 404 as the IETF draft says ("User Not Found")."""
        off = self._feature_off('universal_logout')
        if off:
            return off
        if body is None or body is ValueError:
            return 400, okta_error('E0000003', 'The request body was not well-formed.'), None
        try:
            subject_format, subject = revocation_subject(body)
        except ValueError as exc:
            return 400, okta_error('E0000001', 'Api validation failed: sub_id', [str(exc)]), None
        if subject_format != 'opaque':
            return 400, okta_error('E0000001', 'Api validation failed: sub_id', [
                'sub_id.format: iss_sub needs the Early Access feature Third-Party IdP Global Token Revocation, '
                'which this org does not have']), None
        if self.simulator.org.universal_logout(subject, actor=self._actor()) is None:
            return self._not_found(subject, 'User')
        return 204, None, None

    # -- test-only endpoints (not Okta) --------------------------------------

    def _admin(self, action, query, body):
        sim = self.simulator
        body = body if isinstance(body, dict) else {}
        if action == 'state' and self.command == 'GET':
            state = sim.org.snapshot(with_sessions=query.get('summary', ['0'])[0] != '1')
            with sim.stats_lock:
                state['requestCounts'] = dict(sim.request_counts)
                state['rateLimited'] = sim.rate_limited
                state['concurrencyLimited'] = sim.concurrency_limited
                state['expiredTokens'] = sim.expired_tokens
            state['rateLimits'] = sim.rate_limits.describe()
            with sim.in_flight.lock:
                state['inFlight'] = {'cap': sim.in_flight.cap, 'peak': sim.in_flight.peak}
            state['faultsInjected'] = sim.faults.injected
            state['oauthGrants'] = sim.oauth.grants
            state['features'] = dict(sim.features)
            if sim.spec_checker is not None:
                with sim.spec_checker.lock:
                    state['specChecked'] = sim.spec_checker.checked
                    state['specViolations'] = list(sim.spec_checker.violations)
                    state['specToleratedNulls'] = dict(sim.spec_checker.tolerated)
            return self._send(200, state)
        if action == 'requests' and self.command == 'GET':
            with sim.stats_lock:
                return self._send(200, list(sim.request_log))
        if action == 'session-tokens' and self.command == 'POST':
            user = sim.org.find_user(body.get('login') or body.get('userId') or '')
            if user is None:
                return self._send(404, {'error': 'no such user'})
            return self._send(201, {'sessionToken': sim.org.mint_session_token(user['id']), 'userId': user['id']})
        if action == 'users' and self.command == 'POST':
            user = sim.org.add_user(body['login'], groups=body.get('groups', []))
            sessions = [sim.org.add_session(user['id'])['id'] for dummy in range(int(body.get('sessions', 0)))]
            return self._send(201, {'id': user['id'], 'login': body['login'], 'sessionIds': sessions,
                                    'externalSessionIds': [sim.org.external_id_of(sid) for sid in sessions]})
        if action == 'sessions' and self.command == 'POST':
            user = sim.org.find_user(body.get('login') or body.get('userId') or '')
            if user is None:
                return self._send(404, {'error': 'no such user'})
            if user['status'] != 'ACTIVE':
                return self._send(409, {'error': 'a %s user cannot sign in' % user['status']})
            lifetime = body.get('lifetimeSeconds')  # Okta seconds, scaled like every other duration
            session = sim.org.add_session(user['id'], body.get('status', 'ACTIVE'), body.get('ip'), mfa=body.get('mfa'),
                                          lifetime=None if lifetime is None else float(lifetime) / sim.time_scale)
            # The session as the API shows it, and the ID the System Log names it by (idx… on Identity Engine).
            return self._send(201, dict(session, externalSessionId=sim.org.external_id_of(session['id'])))
        if action == 'faults' and self.command == 'POST':
            sim.faults.arm(str(body['kind']), body.get('method'), body.get('pathPrefix', ''),
                           int(body.get('count', 1)), bool(body.get('afterApply', False)))
            sim.slow_seconds = float(body.get('seconds', sim.slow_seconds))
            sim.redirect_location = body.get('location', sim.redirect_location)
            return self._send(204)
        if action == 'events' and self.command == 'POST':
            user = sim.org.find_user(body.get('login') or body.get('userId') or '')
            if user is None:
                return self._send(404, {'error': 'no such user'})
            session_id = sim.org.session_id_of(body['sessionId']) if body.get('sessionId') else None
            sim.org.log_event(body.get('eventType', 'user.session.start'), body.get('displayMessage', 'Injected event'),
                              user['id'], session_id, body.get('ip'), outcome=body.get('outcome', 'SUCCESS'))
            return self._send(201, sim.org.events[-1])
        if action == 'log-withhold' and self.command == 'POST':
            # The next ``count`` events of ``eventType`` are not logged: for tests of what finds them.
            sim.org.withhold(body['eventType'], int(body.get('count', 1)))
            return self._send(204)
        if action == 'features' and self.command == 'GET':
            return self._send(200, dict(sim.features))
        if action == 'features' and self.command == 'POST':
            unknown = sorted(set(body) - set(FEATURES))
            if unknown or not all(isinstance(v, bool) for v in body.values()):
                return self._send(400, {'error': 'expected {"feature": true|false}; known features: %s'
                                                 % ', '.join(sorted(FEATURES))})
            sim.features.update(body)
            return self._send(200, dict(sim.features))
        if action == 'refresh-tokens' and self.command == 'POST':
            # Refresh tokens a user holds of one of the org's apps (by default the first seeded app).
            user = sim.org.find_user(body.get('login') or body.get('userId') or '')
            client_id = body.get('clientId') or next(iter(sim.org.oauth_clients))
            if user is None or client_id not in sim.org.oauth_clients:
                return self._send(404, {'error': 'no such user' if user is None else 'no such app'})
            scopes = body.get('scopes') or None
            tokens = [sim.org.add_refresh_token(user['id'], client_id, *([scopes] if scopes else []))['id']
                      for dummy in range(int(body.get('count', 1)))]
            return self._send(201, {'userId': user['id'], 'clientId': client_id, 'tokenIds': tokens})
        if action == 'user-status' and self.command == 'POST':
            # Puts a user in a status (STAGED, LOCKED_OUT, DEPROVISIONED, ...): {"login" or "userId", "status"}.
            try:
                user = sim.org.set_status(body.get('login') or body.get('userId') or '', body.get('status'))
            except ValueError as exc:
                return self._send(400, {'error': str(exc)})
            if user is None:
                return self._send(404, {'error': 'no such user'})
            return self._send(200, {'id': user['id'], 'status': user['status']})
        if action == 'factors' and self.command == 'POST':
            # Enrolls a user in a factor: {"login" or "userId", "factorType" (push), "provider" (OKTA)}.
            user = sim.org.find_user(body.get('login') or body.get('userId') or '')
            if user is None:
                return self._send(404, {'error': 'no such user'})
            try:
                factor = sim.org.enroll_factor(user['id'], body.get('factorType', 'push'), body.get('provider', 'OKTA'))
            except ValueError as exc:
                return self._send(400, {'error': str(exc)})
            return self._send(201, factor)
        if action == 'oauth-clients' and self.command == 'POST':
            sim.oauth.register(body['clientId'], body['publicKeyPem'])
            return self._send(204)
        if action == 'outage' and self.command == 'POST':
            self._send(202, {'seconds': float(body.get('seconds', 2))})
            sim.outage(float(body.get('seconds', 2)))
            return None
        return self._send(404, {'error': 'unknown simulator endpoint'})
