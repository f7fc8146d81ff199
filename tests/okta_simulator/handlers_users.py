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

# The operations a user's ``_links`` offer, by status: what Okta sends for one user (GET /api/v1/users/{id}, the
# user a lifecycle call answers), recorded in okta-sdk-python's cassettes (test_users_it, September 2025):
# STAGED (test_comprehensive_user_lifecycle, the user created with activate=false), ACTIVE (the same user after
# activation), SUSPENDED (the same, suspended) and PASSWORD_EXPIRED (test_expire_password). Okta's spec only says
# the links are "available for the current status of a user": the other statuses are not recorded, and their
# links are chosen from what the simulator lets a user of that status do (unlock a LOCKED_OUT user, activate a
# DEPROVISIONED one, reactivate a PROVISIONED one). Besides these, every user has self, schema and type.
ACTIVE_LINKS = ('suspend', 'resetPassword', 'forgotPassword', 'expirePassword', 'changeRecoveryQuestion', 'resetFactors',
                'changePassword', 'deactivate')
STATUS_LINKS = {
    'STAGED': ('activate', 'resetFactors'),
    'ACTIVE': ACTIVE_LINKS,
    'PASSWORD_EXPIRED': ACTIVE_LINKS,
    'SUSPENDED': ('unsuspend', 'resetFactors', 'deactivate'),
    'LOCKED_OUT': ('unlock', 'resetPassword', 'resetFactors', 'deactivate'),
    'RECOVERY': ('resetPassword', 'resetFactors', 'deactivate'),
    'PROVISIONED': ('reactivate', 'deactivate'),
    'DEPROVISIONED': ('activate',),
}
# Where each operation is, under /api/v1/users/{id}/ (the hrefs of the same cassettes).
OPERATION_PATHS = {
    'activate': 'lifecycle/activate', 'deactivate': 'lifecycle/deactivate', 'reactivate': 'lifecycle/reactivate',
    'suspend': 'lifecycle/suspend', 'unsuspend': 'lifecycle/unsuspend', 'unlock': 'lifecycle/unlock',
    'resetFactors': 'lifecycle/reset_factors', 'resetPassword': 'lifecycle/reset_password',
    'expirePassword': 'lifecycle/expire_password', 'forgotPassword': 'credentials/forgot_password',
    'changePassword': 'credentials/change_password', 'changeRecoveryQuestion': 'credentials/change_recovery_question',
}


def user_links(base, user):
    """A user's ``_links`` as Okta gives them for one user: self, the profile schema and the user type (plain
    ``href``), and the operations of the user's status (``href`` and ``method: POST``)."""
    path = '%s/api/v1/users/%s' % (base, quote(user['id'], safe=''))
    type_id = user['type']['id']
    links = {'self': {'href': path},
             'schema': {'href': '%s/api/v1/meta/schemas/user/osc%s' % (base, type_id[3:])},
             'type': {'href': '%s/api/v1/meta/types/user/%s' % (base, type_id)}}
    for name in STATUS_LINKS.get(user['status'], ()):
        links[name] = {'href': '%s/%s' % (path, OPERATION_PATHS[name]), 'method': 'POST'}
    return links


def listed_user_links(base, user):
    """A user's ``_links`` in a collection (List all users, a group's members): only ``self`` (the spec's
    User._links; the lists of test_comprehensive_user_lifecycle and test_group_users_operations)."""
    return {'self': {'href': '%s/api/v1/users/%s' % (base, quote(user['id'], safe=''))}}


class UsersApi(ApiBase):

    def _user_body(self, user):
        return dict(user, _links=user_links(self._base(), user))

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
            users = [dict(user, _links=listed_user_links(self._base(), user)) for user in org.users.values()]
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
