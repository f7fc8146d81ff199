# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Sessions API (create, get, refresh, revoke) and the revocation of all of a user's sessions."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import quote

from .answers import invalid_body, not_found, okta_error
from .filters import query_bool
from .handlers_base import ApiBase


class SessionsApi(ApiBase):

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

    def api_create_session(self, params, query, body):
        if body is ValueError or not isinstance(body, dict):
            return invalid_body()
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
            return not_found(params[0], 'AppSession')
        return 200, self._session_body(session), None

    def api_refresh_session(self, params, query, body):
        session = self.simulator.org.refresh_session(params[0])
        if session is None:
            return not_found(params[0], 'AppSession')
        return 200, self._session_body(session), None

    def api_revoke_session(self, params, query, body):
        if not self.simulator.org.revoke_session(params[0], actor=self._actor()):
            return not_found(params[0], 'AppSession')
        return 204, None, None

    def api_revoke_user_sessions(self, params, query, body):
        oauth_tokens = query_bool(query, 'oauthTokens', False)
        forget_devices = query_bool(query, 'forgetDevices', True)
        if not self.simulator.org.revoke_user_sessions(params[0], oauth_tokens, forget_devices, actor=self._actor()):
            return not_found(params[0], 'User')
        return 204, None, None
