# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Okta operations the modules use, one function each, over OktaClient."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.identity.okta.plugins.module_utils.okta_client import OktaApiError

SESSIONS = '/api/v1/sessions'
SESSION = '/api/v1/sessions/{0}'
SESSION_REFRESH = '/api/v1/sessions/{0}/lifecycle/refresh'
USER = '/api/v1/users/{0}'
USER_SESSIONS = '/api/v1/users/{0}/sessions'
GROUPS = '/api/v1/groups'
GROUP_USERS = '/api/v1/groups/{0}/users'

REVOKED = 'revoked'
ABSENT = 'absent'
FAILED = 'failed'


def session_result(session):
    """An Okta Session as Ansible returns it: snake_case keys, no HAL links."""
    result = camel_dict_to_snake_dict({k: v for k, v in session.items() if k != '_links'})
    result.setdefault('mfa_active', None)
    return result


def _unless_missing(read, *args):
    """What ``read(*args)`` returns, or None when Okta does not know the object (404)."""
    try:
        return read(*args)
    except OktaApiError as exc:
        if exc.not_found:
            return None
        raise


def get_session(client, session_id):
    """The session, or None when Okta does not know it."""
    return _unless_missing(client.get, SESSION, session_id)


def create_session(client, session_token):
    # Never retried after an unknown outcome: the single-use token may be spent.
    return client.post(SESSIONS, json={'sessionToken': session_token}, idempotent=False)


def refresh_session(client, session_id):
    return client.post(SESSION_REFRESH, session_id)


def revoke_session(client, session_id):
    """Revoke one session: {'result': REVOKED or ABSENT (it was already gone), 'request_id': Okta's}."""
    try:
        request_id = client.delete(SESSION, session_id)
    except OktaApiError as exc:
        if exc.not_found:
            return {'result': ABSENT, 'request_id': exc.request_id}
        raise
    return {'result': REVOKED, 'request_id': request_id}


def get_user(client, id_or_login):
    """The user by id or login, or None when Okta does not know it."""
    return _unless_missing(client.get, USER, id_or_login)


def revoke_user_sessions(client, user_id, oauth_tokens=False, forget_devices=True):
    """Clear every session of the user; return Okta's request id."""
    params = {'oauthTokens': str(bool(oauth_tokens)).lower(), 'forgetDevices': str(bool(forget_devices)).lower()}
    return client.delete(USER_SESSIONS, user_id, params=params)


def find_groups(client, name):
    """Groups whose name is exactly ``name`` (Okta's ``q`` is a prefix search)."""
    return [g for g in client.paginate(GROUPS, params={'q': name, 'limit': 200})
            if g.get('profile', {}).get('name') == name]


def group_members(client, group_id, page_size=200):
    return client.paginate(GROUP_USERS, group_id, params={'limit': page_size})


LOGS = '/api/v1/logs'


def log_events(client, since, until, filter_expression=None, keywords=None, sort_order='ASCENDING', page_size=1000):
    """System Log events in [since, until), page by page. ``until`` bounds the query: without it
    Okta treats the call as polling and never ends the ``next`` links."""
    params = {'since': since, 'until': until, 'sortOrder': sort_order, 'limit': page_size}
    if filter_expression:
        params['filter'] = filter_expression
    if keywords:
        params['q'] = keywords
    return client.paginate(LOGS, params=params)
