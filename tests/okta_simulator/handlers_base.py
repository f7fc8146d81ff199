# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The base of the HTTP handler: how an answer is sent (Okta's headers, one ``Link`` header per
relation, the spec check of the exchange), and what the handlers of every API area share: links,
the acting admin, paging as Okta pages, ``search``/``filter`` parameters, features an org may lack."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import socket
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlencode

from .answers import ADMIN_ACTOR, FEATURE_NOT_ENABLED, okta_error, request_id
from .filters import parse_filter


class ApiBase(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'okta-simulator'
    simulator = None  # set by server._handler_for
    _spec_check = None  # (method, path, query, headers, body) of an exchange --check-spec validates
    _principal = None  # who the call's credential belongs to (limits.RateLimits gives each a share)
    _raw_body = b''

    def setup(self):
        super(ApiBase, self).setup()
        with self.simulator.stats_lock:
            self.simulator.connections.add(self.connection)

    def finish(self):
        with self.simulator.stats_lock:
            self.simulator.connections.discard(self.connection)
        super(ApiBase, self).finish()

    def log_message(self, format, *args):  # noqa: A002 - signature from BaseHTTPRequestHandler
        pass  # quiet: tests and benchmarks read state through /_simulator/ instead

    def date_time_string(self, timestamp=None):
        return formatdate(self.simulator.clock() if timestamp is None else timestamp, usegmt=True)

    # -- plumbing ------------------------------------------------------------

    def send(self, status, body=None, headers=None, raw=None, content_type='application/json', okta_request_id=True):
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

    def drop(self):
        """Drop the connection without an answer."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _body(self):
        """The request's JSON body: None without one, ValueError (the class) for one that is not JSON."""
        length = int(self.headers.get('Content-Length') or 0)
        self._raw_body = self.rfile.read(length) if length else b''
        if not length:
            return None
        try:
            return json.loads(self._raw_body.decode('utf-8'))
        except ValueError:
            return ValueError

    # -- shared by the handlers ----------------------------------------------

    def _base(self):
        return '%s://%s' % (self.simulator.scheme, self.headers.get('Host') or '%s:%d' % self.server.server_address[:2])

    def _links(self, path, methods):
        return {'self': {'href': self._base() + path, 'hints': {'allow': methods}}}

    def _actor(self):
        """Who Okta names as the actor of an admin action: the admin an API token belongs to, or the OAuth app."""
        principal = self._principal or ''
        if principal.startswith('app:'):
            client_id = principal[len('app:'):]
            return {'id': client_id, 'type': 'PublicClientApp', 'alternateId': client_id, 'displayName': client_id,
                    'detailEntry': None}
        return dict(ADMIN_ACTOR)

    def _feature_off(self, name):
        """Okta's answer to a call of a feature the org does not have, or None. 401 E0000015 with no
        causes, after the call was counted in its bucket: okta-sdk-python's cassettes (test_users_it
        test_list_user_blocks, test_device_posture_check_it), and Okta's error catalogue ("Feature not
        enabled exception", 401)."""
        if self.simulator.features.get(name, True):
            return None
        return 401, okta_error(*FEATURE_NOT_ENABLED), None

    @staticmethod
    def _limit(query, default, maximum):
        """The ``limit`` parameter, or a 400 answer."""
        try:
            limit = int(query.get('limit', [default])[0])
        except ValueError:
            return None, (400, okta_error('E0000001', 'Api validation failed: limit', ['limit: must be an integer']),
                          None)
        return max(1, min(limit, maximum)), None

    def _page(self, path, items, query, default_limit, maximum=None, render=None):
        """One page of ``items`` (sorted by id) after the ``after`` cursor, with one Link header per relation;
        ``render(item)``: what the answer shows of an item of the page (made for that page only)."""
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
        return 200, [render(item) for item in page] if render else page, {'Link': links}

    def _unpaged(self, path, items, query, default_limit, maximum):
        """A ``q`` query: not paged (Okta: "Paging and searching are currently mutually exclusive. You
        can't page a query"), at most ``limit`` results, and no next link however many match."""
        limit, refused = self._limit(query, default_limit, maximum)
        if refused:
            return refused
        kept = {k: v[0] for k, v in query.items() if k != 'after'}
        return 200, sorted(items, key=lambda item: item['id'])[:limit], {
            'Link': ['<%s%s?%s>; rel="self"' % (self._base(), path, urlencode(kept))]}

    @staticmethod
    def _search(query, name, case_insensitive):
        """The predicate of a ``search``/``filter`` parameter, or a 400 answer as Okta gives it."""
        try:
            return parse_filter(query.get(name, [''])[0], case_insensitive=case_insensitive), None
        except ValueError as exc:
            return None, (400, okta_error('E0000031', 'Invalid search criteria.', [str(exc)]), None)

    def _searched(self, query, items):
        """``items`` that match the ``search`` (values ignoring case) and ``filter`` (values as written)
        parameters, or None and a 400 answer."""
        for name, case_insensitive in (('search', True), ('filter', False)):
            if name in query:
                matches, refused = self._search(query, name, case_insensitive)
                if refused:
                    return None, refused
                items = [item for item in items if matches(item)]
        return items, None
