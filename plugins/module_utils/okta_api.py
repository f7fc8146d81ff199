# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Okta operations the modules use, one function each, over OktaClient."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.identity.okta.plugins.module_utils.okta_errors import OktaApiError
from ansible_collections.identity.okta.plugins.module_utils.okta_filter import all_of, any_of, eq
from ansible_collections.identity.okta.plugins.module_utils.okta_time import okta_time

try:
    from urllib.parse import quote
except ImportError:  # pragma: no cover - Python 2 is not supported, keeps the import sanity test calm
    from urllib import quote  # type: ignore

SESSIONS = '/api/v1/sessions'
SESSION = '/api/v1/sessions/{0}'
SESSION_REFRESH = '/api/v1/sessions/{0}/lifecycle/refresh'
USERS = '/api/v1/users'
USER = '/api/v1/users/{0}'
USER_SESSIONS = '/api/v1/users/{0}/sessions'
USER_RISK = '/api/v1/users/{0}/risk'
USER_SUSPEND = '/api/v1/users/{0}/lifecycle/suspend'
USER_UNSUSPEND = '/api/v1/users/{0}/lifecycle/unsuspend'
USER_CLIENTS = '/api/v1/users/{0}/clients'
USER_CLIENT_TOKENS = '/api/v1/users/{0}/clients/{1}/tokens'
GLOBAL_TOKEN_REVOCATION = '/oauth2/v1/global-token-revocation'
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


# One search call names as many users as fit in a URL Okta takes (about 8 KB for the whole request line).
MAX_SEARCH_URL_LENGTH = 6000
MAX_SEARCH_TERMS = 100
SEARCH_PAGE_SIZE = 200


def search_batches(attribute, values):
    """Split ``values`` into ``search`` expressions ``attribute eq "a" or attribute eq "b" ...``, each
    short enough for one URL, in order. Yields ``(values of the batch, expression)``."""
    batch, length = [], 0
    for value in values:
        term_length = len(quote(eq(attribute, value), safe='')) + len('%20or%20')
        if batch and (length + term_length > MAX_SEARCH_URL_LENGTH or len(batch) >= MAX_SEARCH_TERMS):
            yield batch, any_of(attribute, batch)
            batch, length = [], 0
        batch.append(value)
        length += term_length
    if batch:
        yield batch, any_of(attribute, batch)


def search_users(client, expression):
    """Users matching an Okta ``search`` expression, page by page."""
    return client.paginate(USERS, params={'search': expression, 'limit': SEARCH_PAGE_SIZE})


def find_groups(client, name):
    """Groups whose name is exactly ``name``. A ``search`` on the name, not ``q``: Okta does not page
    ``q`` results, so a prefix shared by many groups would hide the one asked for."""
    groups = client.paginate(GROUPS, params={'search': eq('profile.name', name), 'limit': SEARCH_PAGE_SIZE})
    return [g for g in groups if (g.get('profile') or {}).get('name') == name]


def group_members(client, group_id, page_size=1000):
    """The group's members, page by page, at the largest page Okta gives (its default, 1,000): a group of 100,000
    costs 100 calls of the groups bucket, not 500."""
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


# Okta's event types for a sign-out by an admin or API client (Okta's event types catalogue).
USER_SESSIONS_CLEARED = 'user.session.clear'
SESSION_ENDED = 'user.session.end'


def _events_of(client, event_type, attributes, values, key_of, since):
    """``(key, event)`` for each System Log event of ``event_type`` since ``since`` (epoch seconds) whose
    ``attributes`` hold one of ``values``; ``key_of(event)`` gives the values it holds."""
    until = okta_time(datetime.datetime.now(datetime.timezone.utc))
    start = okta_time(datetime.datetime.fromtimestamp(since, datetime.timezone.utc))
    for batch, dummy in search_batches(attributes[0], values):
        for event in log_events(client, start, until, all_of(eq('eventType', event_type), any_of(attributes, batch))):
            for key in key_of(event):
                if key in batch:
                    yield key, event


def _session_ids_of(event):
    context = event.get('authenticationContext') or {}
    return [context.get('externalSessionId'), context.get('rootSessionId')]


def _target_ids_of(event):
    return [t.get('id') for t in event.get('target') or [] if isinstance(t, dict)]


def session_clear_events(client, user_ids, since):
    """``(user_id, event)``: the ``user.session.clear`` events whose target is one of ``user_ids``."""
    return _events_of(client, USER_SESSIONS_CLEARED, ('target.id',), user_ids, _target_ids_of, since)


def session_end_events(client, session_ids, user_ids, since):
    """``(key, event)`` for each ``user.session.end`` event of one of ``session_ids`` (Identity Engine's idx...
    IDs, logged as externalSessionId and rootSessionId) or whose target is one of ``user_ids``."""
    context = ('authenticationContext.externalSessionId', 'authenticationContext.rootSessionId')
    yield from _events_of(client, SESSION_ENDED, context, session_ids, _session_ids_of, since)
    yield from _events_of(client, SESSION_ENDED, ('target.id',), user_ids, _target_ids_of, since)


# Okta's event types for a person coming back: a new Okta session (user.session.start, on Classic and Identity
# Engine alike), and OAuth tokens granted from a refresh token (an app that still holds one keeps the person in).
SIGN_IN_EVENT_TYPES = ('user.session.start', 'app.oauth2.as.token.grant.refresh_token',
                       'app.oauth2.token.grant.refresh_token')


def sign_in_events(client, user_ids, event_types, since, until):
    """System Log events of ``event_types`` whose actor is one of ``user_ids``, in [since, until) (Okta times),
    oldest first, a search per batch of users."""
    for batch, dummy in search_batches('actor.id', user_ids):
        expression = all_of(any_of('eventType', list(event_types)), any_of('actor.id', batch))
        yield from log_events(client, since, until, expression)


# -- containment: risk, lifecycle, OAuth tokens, Universal Logout ---------------------------------------

def get_user_risk(client, user_id):
    """The user's risk (``riskLevel``, ``reason``) from Identity Threat Protection."""
    return client.get(USER_RISK, user_id)


def set_user_risk(client, user_id, risk_level, reason=None):
    body = {'riskLevel': risk_level}
    if reason:
        body['riskReason'] = reason
    return client.put(USER_RISK, user_id, json=body)


def suspend_user(client, user_id):
    return client.post(USER_SUSPEND, user_id)


def unsuspend_user(client, user_id):
    return client.post(USER_UNSUSPEND, user_id)


def user_clients(client, user_id):
    """The OAuth clients (apps) holding grants or tokens of the user."""
    return client.paginate(USER_CLIENTS, user_id)


def user_client_tokens(client, user_id, client_id):
    """The user's refresh tokens issued to one OAuth client, page by page."""
    return client.paginate(USER_CLIENT_TOKENS, user_id, client_id, params={'limit': 200})


def revoke_user_client_tokens(client, user_id, client_id):
    """Revoke every token one OAuth client holds for the user; return Okta's request id."""
    return client.delete(USER_CLIENT_TOKENS, user_id, client_id)


def revoke_all_user_tokens(client, user_id):
    """Universal Logout: Okta's Global Token Revocation for the user (every app that supports it signs the user
    out). Needs an OAuth credential with okta.universalLogout.manage."""
    return client.request('POST', GLOBAL_TOKEN_REVOCATION, json={'sub_id': {'format': 'opaque', 'id': user_id}})[0] \
        .headers.get('X-Okta-Request-Id')


# -- issue 19: expire the password, reset factors, unlock ---------------------------------------------------

USER_EXPIRE_PASSWORD = '/api/v1/users/{0}/lifecycle/expire_password'
USER_EXPIRE_PASSWORD_WITH_TEMP = '/api/v1/users/{0}/lifecycle/expire_password_with_temp_password'
USER_RESET_FACTORS = '/api/v1/users/{0}/lifecycle/reset_factors'
USER_UNLOCK = '/api/v1/users/{0}/lifecycle/unlock'
USER_FACTORS = '/api/v1/users/{0}/factors'
# Okta's 403 "This operation is not allowed in the user's current status." (User operation forbidden exception) and
# "Unlock is not allowed for this user." (cause: "The user is not locked out."): the user's status, not the credential.
USER_OPERATION_FORBIDDEN = 'E0000038'
UNLOCK_NOT_ALLOWED = 'E0000032'


def refused_for_status(exc):
    """Whether Okta's error ``exc`` refuses the call for the user's status (403 E0000038 or E0000032), which says
    nothing about the credential: that user is skipped, the run goes on."""
    return exc.status == 403 and exc.error_code in (USER_OPERATION_FORBIDDEN, UNLOCK_NOT_ALLOWED)


def _post_user(client, template, user_id, params=None):
    """POST to a user's lifecycle path; ``(Okta's request id, the body)``."""
    response, body = client.request('POST', template.format(quote(str(user_id), safe='')), params=params)
    return response.headers.get('X-Okta-Request-Id'), body


def expire_password(client, user_id):
    """Expire the user's password (PASSWORD_EXPIRED: a new one is asked at the next sign-in); Okta's request id."""
    return _post_user(client, USER_EXPIRE_PASSWORD, user_id)[0]


def expire_password_with_temp_password(client, user_id):
    """Replace the user's password with a temporary one and expire it; ``(request id, the temporary password)``.
    The temporary password is a secret: the caller decides whether it is ever shown."""
    request_id, body = _post_user(client, USER_EXPIRE_PASSWORD_WITH_TEMP, user_id)
    return request_id, (body or {}).get('tempPassword')


def reset_factors(client, user_id):
    """Unenroll every MFA factor of the user; Okta's request id."""
    return _post_user(client, USER_RESET_FACTORS, user_id)[0]


def unlock_user(client, user_id):
    """Unlock a LOCKED_OUT user (ACTIVE again); Okta's request id."""
    return _post_user(client, USER_UNLOCK, user_id)[0]


def user_factors(client, user_id):
    """The factors the user is enrolled in (Okta does not page them)."""
    return list(client.paginate(USER_FACTORS, user_id))
