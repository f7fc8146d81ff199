# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A user's lifecycle: suspend and unsuspend, expire the password (with or without a temporary one),
reset the factors, unlock."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from .answers import not_found, okta_error
from .filters import query_bool
from .handlers_users import UsersApi

# Okta's "User operation forbidden exception" (403): its error catalogue, and its Users API reference's answer to a
# lifecycle operation on a user in the wrong status ("Response Example (Unexpected user status)").
USER_OPERATION_FORBIDDEN = ('E0000038', "This operation is not allowed in the user's current status.")
# Unlock of a user who is not locked out: okta-sdk-python's cassette test_unlock_user (recorded September 2025).
UNLOCK_NOT_ALLOWED = ('E0000032', 'Unlock is not allowed for this user.', ['The user is not locked out.'])


class LifecycleApi(UsersApi):

    def api_suspend_user(self, params, query, body):
        """200 ``{}`` (okta-sdk-python's cassette test_comprehensive_user_lifecycle); a user who is not ACTIVE
        is 400 E0000001 (Okta's Users API reference until 2025; the body: oktasdk-python's tests)."""
        user, problem = self.simulator.org.suspend_user(params[0], actor=self._actor())
        if user is None:
            return not_found(params[0], 'User')
        if problem:
            return 400, okta_error('E0000001', 'Api validation failed: suspendUser',
                                   ['Cannot suspend a user that is not active']), None
        return 200, {}, None

    def api_unsuspend_user(self, params, query, body):
        user, problem = self.simulator.org.unsuspend_user(params[0], actor=self._actor())
        if user is None:
            return not_found(params[0], 'User')
        if problem:
            return 400, okta_error('E0000001', 'Api validation failed: suspendUser',
                                   ['Cannot unsuspend a user that is not suspended']), None
        return 200, {}, None

    def api_expire_password(self, params, query, body):
        """200 and the user, now PASSWORD_EXPIRED (the spec's expirePassword; okta-sdk-python's cassette
        test_expire_password); a user whose status does not allow it is 403 E0000038."""
        user, problem, dummy = self.simulator.org.expire_password(params[0], actor=self._actor())
        if user is None:
            return not_found(params[0], 'User')
        if problem:
            return 403, okta_error(*USER_OPERATION_FORBIDDEN), None
        return 200, self._user_body(user), None

    def api_expire_password_with_temp_password(self, params, query, body):
        """200 ``{"tempPassword": "…"}`` (the spec's expirePasswordWithTempPassword, schema tempPassword;
        okta-sdk-python's cassette test_expire_password_get_temporary); ``revokeSessions=true`` also ends the
        user's sessions."""
        user, problem, temporary = self.simulator.org.expire_password(
            params[0], temp_password=True, revoke_sessions=query_bool(query, 'revokeSessions', False),
            actor=self._actor())
        if user is None:
            return not_found(params[0], 'User')
        if problem:
            return 403, okta_error(*USER_OPERATION_FORBIDDEN), None
        return 200, {'tempPassword': temporary}, None

    def api_reset_factors(self, params, query, body):
        """200 ``{}`` (the spec: ``content: {}``; okta-sdk-python's cassette test_reset_factors), also for a user
        without factors; a user not activated or deactivated is 403 E0000038."""
        user, problem, dummy = self.simulator.org.reset_factors(params[0], actor=self._actor())
        if user is None:
            return not_found(params[0], 'User')
        if problem:
            return 403, okta_error(*USER_OPERATION_FORBIDDEN), None
        return 200, {}, None

    def api_unlock_user(self, params, query, body):
        """200 ``{}`` for a LOCKED_OUT user, ACTIVE after; any other user is 403 E0000032 "Unlock is not allowed
        for this user." (okta-sdk-python's cassette test_unlock_user, an ACTIVE user)."""
        user, problem = self.simulator.org.unlock_user(params[0], actor=self._actor())
        if user is None:
            return not_found(params[0], 'User')
        if problem:
            return 403, okta_error(*UNLOCK_NOT_ALLOWED), None
        return 200, {}, None
