#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: okta_user_oauth_tokens_info
short_description: List the OAuth apps holding tokens of many Okta users, with counts
version_added: 0.1.0
description:
  - Lists, per user, the OAuth apps (clients) holding the user's grants or tokens
    (C(GET /api/v1/users/{userId}/clients)) and how many refresh tokens each holds
    (C(GET .../clients/{clientId}/tokens)). Okta's sign-out does not end what apps hold; this shows it before
    M(identity.okta.okta_user_oauth_tokens) or M(identity.okta.okta_universal_logout) cut it off.
  - Users are given and planned as for M(identity.okta.okta_user_sessions). Read only.
author:
  - identity.okta maintainers (@identity-okta)
extends_documentation_fragment:
  - identity.okta.attributes
  - identity.okta.attributes.info_module
  - identity.okta.connection
  - identity.okta.bulk
  - identity.okta.users
options:
  clients:
    description: OAuth client IDs (V(0oa...)) to count; empty for all of each user's apps.
    type: list
    elements: str
    default: []
notes:
  - Needs an admin API token, or an OAuth credential with C(okta.users.read) (and C(okta.groups.read) for O(groups)).
seealso:
  - module: identity.okta.okta_user_oauth_tokens
'''

EXAMPLES = r'''
- name: Which apps hold tokens of the compromised accounts?
  identity.okta.okta_user_oauth_tokens_info:
    users: "{{ compromised_users }}"
  register: inventory

- name: Show them
  ansible.builtin.debug:
    msg: "{{ inventory.results | map(attribute='clients') | flatten | map(attribute='client_name') | unique }}"
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
      description: V(listed), V(not_found), V(failed), V(skipped_protected) or V(not_attempted).
      type: str
    clients:
      description: Per app, C(client_id), C(client_name) and C(tokens_before), the tokens it holds.
      type: list
      elements: dict
tokens:
  description: Tokens counted in all (C(before)).
  returned: always
  type: dict
summary:
  description: How many distinct users ended in each result.
  returned: always
  type: dict
msg:
  description: A one-line summary.
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
        argument_spec=dict(TOKENS_ARGUMENT_SPEC),
        bulk=True,
        default_scopes=['okta.users.read', 'okta.groups.read'],
        required_one_of=[('users', 'groups')],
        supports_check_mode=True,
    )
    module.validate_id_list('clients', module.params['clients'], KIND_CLIENT_ID)
    tokens = Tokens(module, revoke=False)
    module.end(tokens.finish_with_counts(tokens.run()))


if __name__ == '__main__':
    main()
