# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""An HTTP server that answers like Okta for the endpoints identity.okta uses.

Okta behaviour reproduced: SSWS/Bearer auth with Okta's 401 body, E0000007 404s,
204 revocations, single-use session tokens, ``X-Rate-Limit-*`` headers per
endpoint with 429/E0000047 past the limit, ``X-Okta-Request-Id`` and ``Date`` on
every response, ``Link`` pagination. Faults (latency, 5xx, dropped connections)
can be injected at random or armed one by one through the test-only
``/_simulator/`` endpoints, which Okta does not have.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
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

from .oauth import REQUIRED_SCOPES, TOKEN_PATH, AuthorizationServer, OAuthError, has_scope
from .state import Org

ADMIN_PREFIX = '/_simulator/'
ALL_SCOPES = frozenset(['*'])
# Faults that let the call take effect and spoil only the answer.
APPLIED_FAULTS = ('slow', 'truncated')
DEFAULT_RATE_LIMIT = 600

# (method, path template) -> handler name; '{id}' matches one path segment.
ROUTES = [
    ('POST', '/api/v1/sessions', 'create_session'),
    ('GET', '/api/v1/sessions/{id}', 'get_session'),
    ('DELETE', '/api/v1/sessions/{id}', 'revoke_session'),
    ('POST', '/api/v1/sessions/{id}/lifecycle/refresh', 'refresh_session'),
    ('DELETE', '/api/v1/users/{id}/sessions', 'revoke_user_sessions'),
    ('GET', '/api/v1/users/{id}', 'get_user'),
    ('GET', '/api/v1/groups', 'list_groups'),
    ('GET', '/api/v1/groups/{id}/users', 'list_group_users'),
    ('GET', '/api/v1/logs', 'list_log_events'),
]


def okta_error(code, summary, causes=()):
    return {
        'errorCode': code,
        'errorSummary': summary,
        'errorLink': code,
        'errorId': 'oae' + uuid.uuid4().hex[:19],
        'errorCauses': [{'errorSummary': c} for c in causes],
    }


def normalize_time(text):
    """ISO 8601 as Okta accepts it, made comparable with the stored ``published`` strings."""
    text = text.strip().replace('+00:00', 'Z')
    if text.endswith('Z') and '.' not in text:
        text = text[:-1] + '.000Z'
    return text


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


def parse_log_filter(expression):
    """A predicate for a SCIM filter: ``attribute op "value"`` terms (op: eq, sw, co) combined with
    ``and``, ``or`` and parentheses, as Okta's System Log accepts. String values are in double quotes,
    where ``\\"`` is a double quote and ``\\\\`` a backslash. Raises ValueError on anything else."""
    if not expression:
        return lambda event: True
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

    def value_at(event, path):
        for part in path.split('.'):
            event = event.get(part) if isinstance(event, dict) else None
        return event

    def comparison():
        if keyword() == '(':
            take('(', 'paren')
            inner = disjunction()
            take(')', 'paren')
            return inner
        path, operator = take(), take().lower()
        if operator not in ('eq', 'sw', 'co') or peek()[0] != 'literal':
            raise ValueError('filter: cannot parse %s %s %r' % (path, operator, peek()[1]))
        expected = take(kind='literal')

        def test(event):
            actual = value_at(event, path)
            if actual is None:
                return False
            actual = str(actual)
            return {'eq': actual == expected, 'sw': actual.startswith(expected), 'co': expected in actual}[operator]
        return test

    def conjunction():
        parts = [comparison()]
        while keyword() == 'and':
            take('and')
            parts.append(comparison())
        return lambda event: all(part(event) for part in parts)

    def disjunction():
        parts = [conjunction()]
        while keyword() == 'or':
            take('or')
            parts.append(conjunction())
        return lambda event: any(part(event) for part in parts)

    predicate = disjunction()
    if peek()[0] is not None:
        raise ValueError('filter: unexpected %r' % (peek()[1],))
    return predicate


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


class RateLimits:
    """Fixed windows per endpoint, like Okta's per-minute buckets."""

    def __init__(self, default_limit, per_endpoint, window_seconds, clock):
        self.default_limit = default_limit
        self.per_endpoint = per_endpoint
        self.window = window_seconds
        self.clock = clock
        self.lock = threading.Lock()
        self.counts = {}

    def take(self, bucket):
        """Count one call; return (allowed, limit, remaining, reset_epoch)."""
        limit = self.per_endpoint.get(bucket, self.default_limit)
        now = self.clock()
        start = int(now // self.window * self.window)
        reset = start + self.window
        with self.lock:
            window_start, used = self.counts.get(bucket, (start, 0))
            if window_start != start:
                used = 0
            allowed = used < limit
            if allowed:
                used += 1
            self.counts[bucket] = (start, used)
        return allowed, limit, max(0, limit - used), int(reset)


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
    """One simulated Okta org behind a threaded HTTP server."""

    def __init__(self, host='127.0.0.1', port=0, api_tokens=None, access_tokens=(), latency_ms=0,
                 rate_limit=DEFAULT_RATE_LIMIT, endpoint_rate_limits=None, rate_window_seconds=60,
                 fault_rate=0.0, fault_kinds=('503',), clock_skew_seconds=0, seed=0,
                 users=0, sessions_per_user=0, groups=0, page_limit_max=200, tls_cert=None, tls_key=None,
                 check_spec=False):
        self.clock = lambda: time.time() + clock_skew_seconds
        self.org = Org(seed=seed, clock=self.clock)
        self.api_tokens = set(api_tokens or [self.org.new_secret(42)])
        self.access_tokens = set(access_tokens)
        self.latency = latency_ms / 1000.0
        self.rate_limits = RateLimits(rate_limit, endpoint_rate_limits or {}, rate_window_seconds, self.clock)
        self.faults = Faults(fault_rate, fault_kinds, seed)
        self.page_limit_max = page_limit_max
        self.stats_lock = threading.Lock()
        self.request_log = []
        self.request_counts = {}
        self.rate_limited = 0
        self.connections = set()
        self.oauth = AuthorizationServer(self.clock)
        self.slow_seconds = 3.0
        self.redirect_location = 'http://127.0.0.1:9'
        self.org.seed(users, sessions_per_user, groups)
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

    def _send(self, status, body=None, headers=None, raw=None, content_type='application/json'):
        payload = raw if raw is not None else (json.dumps(body).encode('utf-8') if body is not None else b'')
        self._answer = (status, dict(headers or {}, **{'Content-Type': content_type}), payload)
        self.send_response(status)
        self.send_header('X-Okta-Request-Id', uuid.uuid4().hex[:20])
        for name, value in (headers or {}).items():
            self.send_header(name, value)
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
        if raw_path == TOKEN_PATH and self.command == 'POST':
            return self._token_endpoint()
        sim.record(self.command, raw_path, parts.query, self.headers)
        if sim.latency:
            time.sleep(sim.latency)

        route = match_route(self.command, raw_path)
        if route is None:
            return self._send(404, okta_error('E0000022', 'The endpoint does not support the provided HTTP method')
                              if any(match_route(m, raw_path) for m in ('GET', 'POST', 'DELETE'))
                              else okta_error('E0000007', 'Not found: Resource not found: %s (Endpoint)' % raw_path))
        template, handler, params = route
        bucket = '%s %s' % (self.command, template)
        with sim.stats_lock:
            sim.request_counts[bucket] = sim.request_counts.get(bucket, 0) + 1

        scopes = self._authenticated()
        if scopes is None:
            return self._send(401, okta_error('E0000011', 'Invalid token provided'))
        required = REQUIRED_SCOPES.get((self.command, template), '')
        if scopes is not ALL_SCOPES and (required is None or not has_scope(scopes, required)):
            return self._send(403, okta_error('E0000006', 'You do not have permission to perform the requested action'),
                              {'WWW-Authenticate': 'Bearer realm="%s", error="insufficient_scope", scope="%s"'
                                                   % (self._base(), required or 'SSWS API token')})

        allowed, limit, remaining, reset = sim.rate_limits.take(bucket)
        rate_headers = {'X-Rate-Limit-Limit': str(limit), 'X-Rate-Limit-Remaining': str(remaining),
                        'X-Rate-Limit-Reset': str(reset)}
        if not allowed:
            with sim.stats_lock:
                sim.rate_limited += 1
            return self._send(429, okta_error('E0000047', 'API call exceeded rate limit due to too many requests.'),
                              rate_headers)

        fault = sim.faults.pick(self.command, raw_path)
        if sim.spec_checker is not None and not fault:
            self._answer = None
            try:
                return self._answer_api(handler, params, query, body, fault, rate_headers)
            finally:
                if self._answer is not None:
                    sim.spec_checker.check(self.command, raw_path, query, self.headers, self._raw_body,
                                           self._answer[0], self._answer[1], self._answer[2])
        return self._answer_api(handler, params, query, body, fault, rate_headers)

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
        """ALL_SCOPES for an API token or a configured access token, the granted scopes of an
        issued OAuth token, or None."""
        sim = self.simulator
        scheme, dummy, token = (self.headers.get('Authorization') or '').partition(' ')
        if (scheme == 'SSWS' and token in sim.api_tokens) or (scheme == 'Bearer' and token in sim.access_tokens):
            return ALL_SCOPES
        if scheme == 'Bearer':
            return sim.oauth.token_scopes(token)
        return None

    def _token_endpoint(self):
        sim = self.simulator
        form = dict((k, v[-1]) for k, v in parse_qs((self._raw_body or b'').decode('utf-8')).items())
        try:
            answer = sim.oauth.grant(form, self._base() + TOKEN_PATH)
        except OAuthError as exc:
            return self._send(exc.status, exc.body)
        return self._send(200, answer, {'Cache-Control': 'no-store', 'Pragma': 'no-cache'})

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
        body['_links'] = self._links(path, ['GET', 'DELETE'])
        body['_links']['refresh'] = {'href': self._base() + path + '/lifecycle/refresh', 'hints': {'allow': ['POST']}}
        body['_links']['user'] = {'name': session['login'], 'href': self._base() + '/api/v1/users/' + session['userId'],
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
        if session is None:
            return 400, okta_error('E0000005', 'Invalid session'), None
        return 200, self._session_body(session), None

    def api_get_session(self, params, query, body):
        session = self.simulator.org.sessions.get(params[0])
        if session is None:
            return self._not_found(params[0], 'Session')
        return 200, self._session_body(session), None

    def api_refresh_session(self, params, query, body):
        session = self.simulator.org.refresh_session(params[0])
        if session is None:
            return self._not_found(params[0], 'Session')
        return 200, self._session_body(session), None

    def api_revoke_session(self, params, query, body):
        if not self.simulator.org.revoke_session(params[0]):
            return self._not_found(params[0], 'Session')
        return 204, None, None

    def api_revoke_user_sessions(self, params, query, body):
        oauth_tokens = query.get('oauthTokens', ['false'])[0] == 'true'
        forget_devices = query.get('forgetDevices', ['true'])[0] == 'true'
        if not self.simulator.org.revoke_user_sessions(params[0], oauth_tokens, forget_devices):
            return self._not_found(params[0], 'User')
        return 204, None, None

    def api_get_user(self, params, query, body):
        user = self.simulator.org.find_user(params[0])
        if user is None:
            return self._not_found(params[0], 'User')
        body = dict(user)
        body['_links'] = self._links('/api/v1/users/%s' % user['id'], ['GET', 'POST', 'PUT', 'DELETE'])
        return 200, body, None

    def _page(self, path, items, query, default_limit):
        """One page of ``items`` (sorted by id) after the ``after`` cursor, with Link headers."""
        try:
            limit = int(query.get('limit', [default_limit])[0])
        except ValueError:
            return 400, okta_error('E0000001', 'Api validation failed: limit', ['limit: must be an integer']), None
        limit = max(1, min(limit, self.simulator.page_limit_max))
        after = query.get('after', [None])[0]
        items = sorted(items, key=lambda item: item['id'])
        if after:
            items = [item for item in items if item['id'] > after]
        page = items[:limit]
        kept = {k: v[0] for k, v in query.items() if k != 'after'}
        links = ['<%s%s?%s>; rel="self"' % (self._base(), path, urlencode(dict(kept, **({'after': after} if after else {}))))]
        if len(items) > limit:
            links.append('<%s%s?%s>; rel="next"' % (self._base(), path, urlencode(dict(kept, after=page[-1]['id']))))
        return 200, page, {'Link': ', '.join(links)}

    def api_list_groups(self, params, query, body):
        prefix = query.get('q', [''])[0].lower()
        org = self.simulator.org
        with org.lock:
            groups = []
            for group in org.groups.values():
                if group['profile']['name'].lower().startswith(prefix):
                    public = {k: v for k, v in group.items() if k != 'members'}
                    public['_links'] = self._links('/api/v1/groups/%s' % group['id'], ['GET', 'PUT', 'DELETE'])
                    public['_links']['users'] = {'href': self._base() + '/api/v1/groups/%s/users' % group['id']}
                    groups.append(public)
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
        """System Log: since/until window, SCIM ``eq`` filters joined by and/or, ``q`` keywords,
        sortOrder, limit and an opaque ``after`` cursor. Without ``until`` it is a polling query and,
        as in Okta, every page has a ``next`` link, also an empty one."""
        org = self.simulator.org

        def first(name, default=None):
            return query.get(name, [default])[0]

        try:
            limit = max(1, min(int(first('limit', 100)), 1000))
            matches = parse_log_filter(first('filter'))
        except ValueError as exc:
            return 400, okta_error('E0000001', 'Api validation failed: %s' % exc), None
        order = first('sortOrder', 'ASCENDING')
        since, until = first('since'), first('until')
        keywords = (first('q') or '').lower().split()
        after = int(first('after', '-1')) if (first('after') or '').lstrip('-').isdigit() else -1
        with org.lock:
            indexed = list(enumerate(org.events))
        selected = [(i, e) for i, e in indexed
                    if (not since or e['published'] >= normalize_time(since))
                    and (not until or e['published'] < normalize_time(until))
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
        return 200, [e for i, e in page], {'Link': ', '.join(links)}

    # -- test-only endpoints (not Okta) --------------------------------------

    def _admin(self, action, query, body):
        sim = self.simulator
        body = body if isinstance(body, dict) else {}
        if action == 'state' and self.command == 'GET':
            state = sim.org.snapshot(with_sessions=query.get('summary', ['0'])[0] != '1')
            with sim.stats_lock:
                state['requestCounts'] = dict(sim.request_counts)
                state['rateLimited'] = sim.rate_limited
            state['faultsInjected'] = sim.faults.injected
            state['oauthGrants'] = sim.oauth.grants
            if sim.spec_checker is not None:
                with sim.spec_checker.lock:
                    state['specChecked'] = sim.spec_checker.checked
                    state['specViolations'] = list(sim.spec_checker.violations)
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
            return self._send(201, {'id': user['id'], 'login': body['login'], 'sessionIds': sessions})
        if action == 'sessions' and self.command == 'POST':
            user = sim.org.find_user(body.get('login') or body.get('userId') or '')
            if user is None:
                return self._send(404, {'error': 'no such user'})
            return self._send(201, sim.org.add_session(user['id'], body.get('status', 'ACTIVE'), body.get('ip')))
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
            sim.org.log_event(body.get('eventType', 'user.session.start'), body.get('displayMessage', 'Injected event'),
                              user['id'], body.get('sessionId'), body.get('ip'), outcome=body.get('outcome', 'SUCCESS'))
            return self._send(201, sim.org.events[-1])
        if action == 'oauth-clients' and self.command == 'POST':
            sim.oauth.register(body['clientId'], body['publicKeyPem'])
            return self._send(204)
        if action == 'outage' and self.command == 'POST':
            self._send(202, {'seconds': float(body.get('seconds', 2))})
            sim.outage(float(body.get('seconds', 2)))
            return None
        return self._send(404, {'error': 'unknown simulator endpoint'})
