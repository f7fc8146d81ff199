#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: okta_universal_logout
short_description: Universal Logout of many Okta users - every app that supports it signs them out
version_added: 0.1.0
description:
  - Calls Okta's Global Token Revocation (C(POST /oauth2/v1/global-token-revocation), with the user's ID as an
    C(opaque) C(sub_id)) for each user, which revokes the user's Okta sessions and tokens and signs the user out
    of every app integrated with Universal Logout.
  - Takes an OAuth credential with the C(okta.universalLogout.manage) scope - O(client_id) and O(private_key), or
    O(access_token), as Okta documents Universal Logout for service apps. The module sends no API token for it
    (Okta's OAuth spec also lists API tokens; an API token is an admin's whole power, not a scoped grant) - with
    one, every user is V(skipped) with that reason and no call is made.
  - On an org without Universal Logout, or with a credential without the scope, every user is V(skipped) with
    Okta's answer (one call, then no more) - a clear skip, not a failed run.
  - Users are given and planned as for M(identity.okta.okta_user_sessions), with the same journal, progress and
    early stop.
author:
  - identity.okta maintainers (@identity-okta)
extends_documentation_fragment:
  - identity.okta.attributes
  - identity.okta.connection
  - identity.okta.bulk
  - identity.okta.users
attributes:
  check_mode:
    support: full
    details: Resolves the users and reports who would be logged out.
  diff_mode:
    support: none
notes:
  - Okta answers 204 whether or not the user had anything to revoke, so each user found is reported as changed.
  - Besides C(okta.universalLogout.manage), the OAuth credential needs C(okta.users.read) and C(okta.groups.read)
    to look up logins and groups.
seealso:
  - module: identity.okta.okta_user_sessions
  - module: identity.okta.okta_user_oauth_tokens
  - name: Global Token Revocation
    description: Okta's reference for the call this module makes.
    link: https://developer.okta.com/docs/api/openapi/oauth/oauth/tag/GlobalTokenRevocation/
'''

EXAMPLES = r'''
- name: Sign the compromised accounts out of every app that supports Universal Logout
  identity.okta.okta_universal_logout:
    org_url: https://example.okta.com
    client_id: 0oa1containmentApp0h7
    private_key: "{{ lookup('ansible.builtin.file', 'containment-app.pem') }}"
    users: "{{ compromised_users }}"
  register: logged_out
'''

RETURN = r'''
results:
  description: One entry per user named (group members after the users).
  returned: always
  type: list
  elements: dict
  contains:
    user:
      description: The user as named.
      type: str
    user_id:
      description: The Okta user ID.
      type: str
    result:
      description:
        - V(logged_out) (in check mode, would be), V(skipped) (an API token, an org without the feature or a
          credential without the scope, with the reason in RV(results[].msg)), V(not_found), V(failed),
          V(skipped_protected), V(skipped_done) or V(not_attempted).
      type: str
    msg:
      description: Why it was skipped or failed.
      type: str
    request_id:
      description: Okta's C(X-Okta-Request-Id) of the call.
      type: str
summary:
  description: How many distinct users ended in each result.
  returned: always
  type: dict
plan:
  description: What the run was going to do, worked out before any change (see M(identity.okta.okta_user_sessions)).
  returned: always
  type: dict
msg:
  description: A one-line summary of the run.
  returned: always
  type: str
run_id:
  description: The run's ID in its O(journal) (see M(identity.okta.okta_user_sessions)).
  returned: with O(journal), once the journal was opened (not in check mode)
  type: str
journal_run:
  description: Whether this run resumed an interrupted run of the same journal, and if not, why (see M(identity.okta.okta_user_sessions)).
  returned: with O(journal), once the journal was opened (not in check mode)
  type: dict
'''

from ansible_collections.identity.okta.plugins.module_utils.okta_api import revoke_all_user_tokens
from ansible_collections.identity.okta.plugins.module_utils.okta_config import SSWS
from ansible_collections.identity.okta.plugins.module_utils.okta_module import OktaModule
from ansible_collections.identity.okta.plugins.module_utils.okta_users import about_user, UserBulkRun
from ansible_collections.identity.okta.plugins.module_utils.okta_specs import USERS_ARGUMENT_SPEC

NEEDS_OAUTH = ('Universal Logout is done with an OAuth credential with okta.universalLogout.manage (client_id and '
               'private_key, or access_token), as Okta documents it for service apps; this module sends no API token '
               'for it.')


class UniversalLogout(UserBulkRun):
    """Global Token Revocation for each user."""

    done_result = 'logged_out'
    done_words = ('Logged out', 'Would log out')
    calls_per_user = {'oauth2': 1}
    also_final = ()  # done_result is the only outcome a resumed run need not repeat
    feature_scope = 'okta.universalLogout.manage'

    def __init__(self, module):
        super(UniversalLogout, self).__init__(module)
        if module.resolved_settings.authorization_mode == SSWS:
            self.skip_reason = NEEDS_OAUTH

    def act(self, target):
        if self.module.check_mode:
            return {'user_id': target.user_id, 'result': self.done_result}
        self.module.record_attempt(target.name, user_id=target.user_id)
        request_id = about_user(revoke_all_user_tokens, self.client, target.user_id)
        return {'user_id': target.user_id, 'result': self.done_result, 'request_id': request_id}

    def unavailable(self, exc):
        # No Universal Logout on the org, or no okta.universalLogout.manage scope: Okta refuses every user alike.
        if exc.status in (401, 403):
            return 'Okta refused Universal Logout for this org or credential'
        return None


def main():
    module = OktaModule(
        argument_spec=dict(USERS_ARGUMENT_SPEC),
        bulk=True,
        default_scopes=['okta.users.read', 'okta.groups.read', 'okta.universalLogout.manage'],
        required_one_of=[('users', 'groups')],
        supports_check_mode=True,
    )
    logout = UniversalLogout(module)
    module.end(logout.finish(logout.run()))


if __name__ == '__main__':
    main()
