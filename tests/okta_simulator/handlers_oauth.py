# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A user's OAuth apps and refresh tokens (``/api/v1/users/{userId}/clients…``), and Universal Logout
(``POST /oauth2/v1/global-token-revocation``)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
from urllib.parse import quote

from .answers import invalid_body, not_found, okta_error
from .handlers_base import ApiBase
from .oauth import revocation_subject
from .state import SCOPE_DESCRIPTIONS


class OAuthApi(ApiBase):

    def _user_and_client(self, params):
        """(user, client, None), or (None, None, the 404 answer): an unknown user is ``(User)``; an unknown app
        ``(PublicClientApp)``, as Okta names it for the same tokens under /api/v1/authorizationServers
        (okta-sdk-python's cassette test_auth_server_clients_lifecycle)."""
        org = self.simulator.org
        with org.lock:
            user = org.users.get(params[0])
            if user is None:
                return None, None, not_found(params[0], 'User')
            if len(params) < 2:
                return user, None, None
            client = org.oauth_clients.get(params[1])
            if client is None:
                return None, None, not_found(params[1], 'PublicClientApp')
            return user, client, None

    def _client_body(self, user_id, client):
        """OAuth2Client as listUserClients shows it (the spec's example ListUserClients): no self link."""
        base = '%s/api/v1/users/%s/clients/%s' % (self._base(), user_id, client['client_id'])
        return {'client_id': client['client_id'], 'client_name': client['client_name'],
                'client_uri': client['client_uri'], 'logo_uri': client['logo_uri'],
                '_links': {'grants': {'href': base + '/grants'}, 'tokens': {'href': base + '/tokens'}}}

    def _scope_bodies(self, names):
        """``_embedded.scopes`` of a refresh token (``expand=scope``)."""
        org_id = self.simulator.org.org_id
        return [dict({'id': 'scp' + hashlib.sha256((org_id + name).encode('utf-8')).hexdigest()[:17], 'name': name},
                     **({'description': SCOPE_DESCRIPTIONS[name]} if name in SCOPE_DESCRIPTIONS else {}))
                for name in names]

    def _token_body(self, token, client, user, expand):
        """OAuth2RefreshToken (the spec's example OAuth2RefreshTokenResponseEx), issued by the org
        authorization server; ``_embedded.scopes`` only with ``expand=scope``."""
        base = self._base()
        path = '/api/v1/users/%s/clients/%s/tokens/%s' % (token['userId'], token['clientId'], token['id'])
        body = dict((k, v) for k, v in token.items() if k != 'expires')
        body['issuer'] = base
        if expand == 'scope':
            body['_embedded'] = {'scopes': self._scope_bodies(token['scopes'])}
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
            return not_found(params[2], 'Token')
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
            return not_found(params[2], 'Token')
        return 204, None, None

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
            return invalid_body()
        try:
            subject_format, subject = revocation_subject(body)
        except ValueError as exc:
            return 400, okta_error('E0000001', 'Api validation failed: sub_id', [str(exc)]), None
        if subject_format != 'opaque':
            return 400, okta_error('E0000001', 'Api validation failed: sub_id', [
                'sub_id.format: iss_sub needs the Early Access feature Third-Party IdP Global Token Revocation, '
                'which this org does not have']), None
        if self.simulator.org.universal_logout(subject, actor=self._actor()) is None:
            return not_found(subject, 'User')
        return 204, None, None
