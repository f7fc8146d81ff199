# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What every part of the simulator answers with: Okta's error body, its request IDs, the org's
optional features, the admin an API token acts as, and the error texts shared by several calls."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import os
import uuid

RATE_LIMITED = 'API call exceeded rate limit due to too many requests.'
# The admin an API token acts as: Okta names the token's owner as the actor of what the token does.
ADMIN_ACTOR = {'id': '00usimadmin0000000001', 'type': 'User', 'alternateId': 'okta-admin@example.com',
               'displayName': 'Okta Admin', 'detailEntry': None}
# Features an org may lack, all on by default: --disable-feature NAME, Simulator(disabled_features=[...]),
# POST /_simulator/features {"NAME": false}. Without one, its calls answer Okta's "Feature not enabled
# exception" (FEATURE_NOT_ENABLED) and the token endpoint does not grant its scopes (oauth.FEATURE_SCOPES).
FEATURES = {
    'identity_threat_protection': 'Identity Threat Protection: GET and PUT /api/v1/users/{userId}/risk',
    'universal_logout': 'Universal Logout: POST /oauth2/v1/global-token-revocation',
}
FEATURE_NOT_ENABLED = ('E0000015', 'You do not have permission to access the feature you are requesting')
NOT_WELL_FORMED = ('E0000003', 'The request body was not well-formed.')
# What Okta's API sends on every answer of its application, success or error (200, 204, 400, 401, 403, 404, and the
# token endpoint's 200 and 400), in every recorded exchange of okta-sdk-python's cassettes (e.g.
# test_users_it/test_comprehensive_user_lifecycle, test_sessions_it/*): not on the 405 its edge answers
# (test_session_error_handling_scenarios), nor on a 429 (test_agent_pools_it, test_application_features_it).
NO_CACHE_HEADERS = {'Cache-Control': 'no-cache, no-store', 'Expires': '0', 'Pragma': 'no-cache'}


def okta_error(code, summary, causes=()):
    """Okta's error body; errorId is 'oae' and 22 URL-safe characters, as in Okta's answers."""
    return {
        'errorCode': code,
        'errorSummary': summary,
        'errorLink': code,
        'errorId': 'oae' + base64.urlsafe_b64encode(os.urandom(16)).decode('ascii')[:22],
        'errorCauses': [{'errorSummary': c} for c in causes],
    }


def request_id():
    """X-Okta-Request-Id: 32 hexadecimal characters, as Okta sends them since 2023."""
    return uuid.uuid4().hex


def not_found(what, kind):
    """Okta's 404 for an unknown resource, as a handler's (status, body, headers)."""
    return 404, okta_error('E0000007', 'Not found: Resource not found: %s (%s)' % (what, kind)), None


def invalid_body():
    """Okta's 400 for a body that is not JSON (or not the object expected), as a handler's answer."""
    return 400, okta_error(*NOT_WELL_FORMED), None
