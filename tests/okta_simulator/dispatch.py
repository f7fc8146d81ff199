# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The HTTP handler: every request goes through Okta's cap on calls in flight, the route table, the
credential and its scopes, the rate-limit bucket and the faults before the handler of its API area
answers it (handlers_*.py); the token endpoint and the test-only endpoints have their own way in."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import time
from urllib.parse import parse_qs, urlsplit

from .answers import NO_CACHE_HEADERS, RATE_LIMITED, okta_error
from .faults import send_fault, send_spoiled, stops_the_call
from .handlers_admin import AdminApi
from .handlers_groups import GroupsApi
from .handlers_lifecycle import LifecycleApi
from .handlers_logs import LogsApi
from .handlers_oauth import OAuthApi
from .handlers_risk import RiskApi
from .handlers_sessions import SessionsApi
from .oauth import REQUIRED_SCOPES, TOKEN_PATH, OAuthError, has_scope
from .routes import ADMIN_PREFIX, match_route, path_is_served

ALL_SCOPES = frozenset(['*'])


class OktaHandler(SessionsApi, LifecycleApi, GroupsApi, LogsApi, OAuthApi, RiskApi, AdminApi):

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
            return self.send(429, okta_error('E0000047', RATE_LIMITED), {
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
            if path_is_served(raw_path):
                # Okta answers a method the path does not have at its edge: 405, no request id, no rate headers.
                return self.send(405, okta_error('E0000022', 'The endpoint does not support the provided HTTP method'),
                                 okta_request_id=False)
            return self.send(404, okta_error('E0000007', 'Not found: Resource not found: %s (Endpoint)' % raw_path),
                             NO_CACHE_HEADERS)
        template, handler, params = route
        with sim.stats_lock:
            key = '%s %s' % (self.command, template)
            sim.request_counts[key] = sim.request_counts.get(key, 0) + 1
        if not self._permitted(template):
            return None
        rate_headers = self._take_rate_limit(template, self._principal)
        if rate_headers is False:
            return None
        fault = sim.faults.pick(self.command, raw_path)
        if sim.spec_checker is not None and not fault:
            self._spec_check = (self.command, raw_path, query, self.headers, self._raw_body)
        try:
            return self._answer_api(handler, params, query, body, fault, rate_headers)
        finally:
            self._spec_check = None

    def _permitted(self, template):
        """Whether the credential may make the call; answers 401 or 403 when not."""
        scopes, principal, refusal = self._authenticated()
        self._principal = principal
        if scopes is None:
            self.send(401, okta_error('E0000011', 'Invalid token provided'), dict(NO_CACHE_HEADERS, **(refusal or {})))
            return False
        required = REQUIRED_SCOPES.get((self.command, template), '')
        if scopes is not ALL_SCOPES and (required is None or not has_scope(scopes, required)):
            self.send(403, okta_error('E0000006', 'You do not have permission to perform the requested action'),
                      dict(NO_CACHE_HEADERS, **{'WWW-Authenticate': 'Bearer realm="%s", error="insufficient_scope", scope="%s"'
                                                                    % (self._base(), required or 'SSWS API token')}))
            return False
        return True

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
        self.send(429, okta_error('E0000047', RATE_LIMITED), rate_headers)
        return False

    def _answer_api(self, handler, params, query, body, fault, rate_headers):
        if stops_the_call(fault):
            return send_fault(self, fault[0], rate_headers)
        status, payload, headers = getattr(self, 'api_' + handler)(params, query, body)
        rate_headers.update(NO_CACHE_HEADERS)
        rate_headers.update(headers or {})
        return send_spoiled(self, fault, status, payload, rate_headers)

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
            return self.send(exc.status, exc.body, dict(rate_headers, **NO_CACHE_HEADERS))
        return self.send(200, answer, dict(rate_headers, **NO_CACHE_HEADERS))
