# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What Okta answered in recorded exchanges, and the simulator answers the same: nulls, a user's ``_links`` by
status, and the caching headers. Each test names the cassette of okta/okta-sdk-python
(``tests/integration/cassettes/``, commit f68509793ade) its expectation comes from."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.identity.okta.tests.unit.simulator.sim_helpers import api


def user_in(running, status):
    if status != 'ACTIVE':
        running.admin('POST', 'user-status', {'login': 'user1@example.com', 'status': status})
    return api(running, 'GET', '/api/v1/users/user1@example.com').json()


# -- nulls ---------------------------------------------------------------------------------------

def test_a_user_who_never_signed_in_has_a_null_last_login(okta_sim):
    # test_users_it/TestUsersResource.test_comprehensive_user_lifecycle.yaml: GET after activation, "lastLogin": null
    running = okta_sim(users=1, profile='developer')
    user = api(running, 'GET', '/api/v1/users/user1@example.com').json()
    assert 'lastLogin' in user and user['lastLogin'] is None


def test_a_password_only_session_has_a_null_last_factor_verification(okta_sim):
    # test_sessions_it/TestSessionsResource.test_create_session_with_http_info.yaml: POST /api/v1/sessions with a
    # session token answers "lastFactorVerification": null, "amr": ["pwd"]
    running = okta_sim(users=1, profile='developer')
    token = running.admin('POST', 'session-tokens', {'login': 'user1@example.com'})['sessionToken']
    session = api(running, 'POST', '/api/v1/sessions', json={'sessionToken': token}).json()
    assert 'lastFactorVerification' in session and session['lastFactorVerification'] is None
    assert session['amr'] == ['pwd']


def test_a_staged_user_has_a_null_activated(okta_sim):
    # test_users_it/TestUsersResource.test_comprehensive_user_lifecycle.yaml: the STAGED user, "activated": null
    running = okta_sim(users=1, profile='developer')
    user = user_in(running, 'STAGED')
    assert user['status'] == 'STAGED' and 'activated' in user and user['activated'] is None
