#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: okta_user_oauth_tokens
short_description: Revoke the OAuth tokens many Okta users hold, app by app
version_added: 0.1.0
description:
  - Okta's sign-out (M(identity.okta.okta_user_sessions)) does not end the sessions apps made for themselves - their
    OAuth refresh tokens keep working. This module lists, per user, the OAuth apps (clients) holding the user's
    grants or tokens (C(GET /api/v1/users/{userId}/clients)) with how many tokens each holds
    (C(GET .../clients/{clientId}/tokens)), revokes them app by app (C(DELETE .../clients/{clientId}/tokens)) and
    counts again afterwards - so a responder can cut off one compromised app and see the before and after in the
    report. M(identity.okta.okta_user_oauth_tokens_info) lists them without changing anything.
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
    details: Lists and counts the tokens, and reports what would be revoked.
  diff_mode:
    support: none
options:
  state:
    description:
      - V(absent) revokes the tokens of the apps in O(clients), or of every app the user has tokens with when
        O(clients) is empty.
    type: str
    choices: [absent]
    default: absent
  clients:
    description:
      - OAuth client IDs (V(0oa...)) whose tokens to revoke; empty for all of the user's apps.
    type: list
    elements: str
    default: []
notes:
  - Needs an admin API token, or an OAuth credential with C(okta.users.read) and C(okta.users.manage)
    (and C(okta.groups.read) for O(groups)).
seealso:
  - module: identity.okta.okta_user_oauth_tokens_info
  - module: identity.okta.okta_user_sessions
  - module: identity.okta.okta_universal_logout
  - name: User grants and tokens
    description: Okta's reference for the calls this module makes.
    link: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserOAuth/
'''

EXAMPLES = r'''
- name: Cut off the one compromised app, for everyone who used it
  identity.okta.okta_user_oauth_tokens:
    groups: [Everyone]
    max_targets: 20000
    clients: [0oa1compromisedApp0h7]
  register: cut_off
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
        - V(revoked) (tokens of at least one app revoked; in check mode, would be), V(none) (no tokens of the apps
          asked for), V(not_found), V(failed), V(skipped_protected), V(skipped_done) or V(not_attempted).
      type: str
    clients:
      description: Per app, C(client_id), C(client_name), C(tokens_before), and C(tokens_after) and C(request_id) of
        the revocation.
      type: list
      elements: dict
summary:
  description: How many distinct users ended in each result.
  returned: always
  type: dict
tokens:
  description: Tokens counted in all, C(before) and (not in check mode) C(after).
  returned: always
  type: dict
  sample: {before: 42, after: 0}
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

from ansible_collections.identity.okta.plugins.module_utils.okta_module import OktaModule
from ansible_collections.identity.okta.plugins.module_utils.okta_ids import KIND_CLIENT_ID
from ansible_collections.identity.okta.plugins.module_utils.okta_user_tokens import Tokens
from ansible_collections.identity.okta.plugins.module_utils.okta_specs import TOKENS_ARGUMENT_SPEC


def main():
    module = OktaModule(
        argument_spec=dict(TOKENS_ARGUMENT_SPEC, state=dict(type='str', default='absent', choices=['absent'])),
        bulk=True,
        default_scopes=['okta.users.read', 'okta.users.manage', 'okta.groups.read'],
        required_one_of=[('users', 'groups')],
        supports_check_mode=True,
    )
    module.validate_id_list('clients', module.params['clients'], KIND_CLIENT_ID)
    tokens = Tokens(module, revoke=True)
    module.end(tokens.finish_with_counts(tokens.run()))


if __name__ == '__main__':
    main()
