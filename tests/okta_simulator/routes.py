# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Okta calls the simulator serves: (method, path template) -> handler name, and the match of a
request's path against them. The handler ``name`` is the method ``api_<name>`` of the HTTP handler
(dispatch.OktaHandler); limits.BUCKET_OF_ROUTE and oauth.REQUIRED_SCOPES use the same templates."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import unquote

from .oauth import GLOBAL_TOKEN_REVOCATION_PATH

ADMIN_PREFIX = '/_simulator/'
METHODS = ('GET', 'POST', 'DELETE', 'PUT')

# (method, path template) -> handler name; '{id}' matches one path segment.
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


def path_is_served(raw_path):
    """Whether some method of the path is served (another method is then a 405, not a 404)."""
    return any(match_route(method, raw_path) for method in METHODS)
