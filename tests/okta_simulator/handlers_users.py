# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Users API: a user, the list of users (``search``, ``filter``, ``q``), a user's factors."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import quote

from .answers import not_found
from .handlers_base import ApiBase


class UsersApi(ApiBase):

    def _user_body(self, user):
        return dict(user, _links=self._links('/api/v1/users/%s' % user['id'], ['GET', 'POST', 'PUT', 'DELETE']))

    def api_get_user(self, params, query, body):
        user = self.simulator.org.find_user(params[0])
        if user is None:
            return not_found(params[0], 'User')
        return 200, self._user_body(user), None

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
        users, refused = self._searched(query, users)
        if refused:
            return refused
        return self._page('/api/v1/users', users, query, 200, 200)

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
            return not_found(params[0], 'User')
        return 200, [self._factor_body(params[0], f) for f in org.factors_of(params[0])], None
