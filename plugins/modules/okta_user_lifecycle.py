#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: okta_user_lifecycle
short_description: Suspend, unsuspend or unlock many Okta users at once
version_added: 0.1.0
description:
  - Suspends users (C(POST /api/v1/users/{id}/lifecycle/suspend)) - they cannot sign in until unsuspended, and
    Okta ends their sessions - or unsuspends them (C(.../lifecycle/unsuspend)), or unlocks users locked out
    after too many failed sign-ins (C(.../lifecycle/unlock)), to undo a lockout.
  - Idempotent - a user already in the wanted state is V(unchanged), with no call. Okta suspends only active
    users; a user in another status (staged, deprovisioned, ...) is V(skipped) with the reason. Only a
    C(LOCKED_OUT) user is unlocked; any other is V(unchanged).
  - Users are given as for M(identity.okta.okta_user_sessions) - IDs, logins, group members - and planned the
    same way (resolved in batches, protected users left out, O(max_targets) checked before any change), with the
    same journal, progress and early stop.
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
    details: Reads each user's status and reports who would change.
  diff_mode:
    support: full
    details: Each changed user's status before and after.
options:
  state:
    description:
      - V(suspended) suspends the users; V(active) unsuspends suspended users; V(unlocked) (added in 0.2.0)
        unlocks C(LOCKED_OUT) users, who are C(ACTIVE) after and sign in with their current password.
      - V(unlocked) does not unblock an C(ACTIVE) user blocked from unknown devices (the module cannot see that
        block); such a user is V(unchanged).
    type: str
    choices: [suspended, active, unlocked]
    default: suspended
notes:
  - Needs an admin API token, or an OAuth credential with the C(okta.users.manage) scope (and C(okta.users.read),
    C(okta.groups.read)).
seealso:
  - module: identity.okta.okta_user_sessions
  - name: Suspend a user
    description: Okta's reference for the call this module makes.
    link: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserLifecycle/#tag/UserLifecycle/operation/suspendUser
  - name: Unlock a user
    description: Okta's reference for the call this module makes with O(state=unlocked).
    link: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserLifecycle/#tag/UserLifecycle/operation/unlockUser
'''

EXAMPLES = r'''
- name: Containment - suspend the compromised accounts, never the break-glass admins
  identity.okta.okta_user_lifecycle:
    users: "{{ compromised_users }}"
    state: suspended
    protected_groups: [Okta Super Admins]
    journal: "okta-journals/INC-4711-suspend.jsonl"
  register: suspended

- name: After the investigation - let them sign in again
  identity.okta.okta_user_lifecycle:
    users: "{{ compromised_users }}"
    state: active

- name: Undo a lockout (a password spray locked these accounts out)
  identity.okta.okta_user_lifecycle:
    users: "{{ locked_out_users }}"
    state: unlocked
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
        - V(suspended), V(unsuspended) or V(unlocked) (in check mode, would be), V(unchanged), V(skipped) (a status
          Okta cannot change this way), V(not_found), V(failed), V(skipped_protected), V(skipped_done) or
          V(not_attempted).
      type: str
    status_before:
      description: Okta's status of the user when the plan read it.
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

from ansible_collections.identity.okta.plugins.module_utils.okta_api import (
    refused_for_status, suspend_user, unlock_user, unsuspend_user,
)
from ansible_collections.identity.okta.plugins.module_utils.okta_errors import OktaApiError
from ansible_collections.identity.okta.plugins.module_utils.okta_module import OktaModule
from ansible_collections.identity.okta.plugins.module_utils.okta_users import SKIPPED, UserBulkRun
from ansible_collections.identity.okta.plugins.module_utils.okta_specs import USERS_ARGUMENT_SPEC

ACTIVE = 'ACTIVE'
SUSPENDED = 'SUSPENDED'
LOCKED_OUT = 'LOCKED_OUT'
UNCHANGED = 'unchanged'


class Lifecycle(UserBulkRun):
    """Moves each user to the wanted state, if it is not there."""

    calls_per_user = {'users': 1}
    also_final = (UNCHANGED,)

    def __init__(self, module):
        super(Lifecycle, self).__init__(module, resolve_all_ids=True)
        self.unlock = module.params['state'] == 'unlocked'
        self.suspend = module.params['state'] == 'suspended'
        self.done_result = 'unlocked' if self.unlock else 'suspended' if self.suspend else 'unsuspended'
        self.done_words = ('Unlocked', 'Would unlock') if self.unlock else \
            ('Suspended', 'Would suspend') if self.suspend else ('Unsuspended', 'Would unsuspend')

    def act(self, target):
        outcome = {'user_id': target.user_id, 'status_before': target.status}
        if self.unlock:
            return self._unlock(target, outcome)
        if self.suspend and target.status == SUSPENDED or not self.suspend and target.status != SUSPENDED:
            return dict(outcome, result=UNCHANGED)
        if self.suspend and target.status != ACTIVE:
            return dict(outcome, result=SKIPPED, msg='Okta suspends only active users; this one is %s.' % target.status)
        if not self.module.check_mode:
            self.module.record_attempt(target.name, user_id=target.user_id, status_before=target.status)  # for an undo
            (suspend_user if self.suspend else unsuspend_user)(self.client, target.user_id)
        return dict(outcome, result=self.done_result)

    def _unlock(self, target, outcome):
        if target.status != LOCKED_OUT:
            return dict(outcome, result=UNCHANGED)
        if self.module.check_mode:
            return dict(outcome, result=self.done_result)
        self.module.record_attempt(target.name, user_id=target.user_id)
        try:
            outcome['request_id'] = unlock_user(self.client, target.user_id)
        except OktaApiError as exc:
            if not refused_for_status(exc):
                raise
            # Okta's 403 E0000032 "The user is not locked out": unlocked since the plan read the status.
            return dict(outcome, result=UNCHANGED, msg='Okta: %s' % '; '.join(
                str(text) for text in [exc.error_summary] + list(exc.error_causes) if text))
        return dict(outcome, result=self.done_result)


def main():
    module = OktaModule(
        argument_spec=dict(USERS_ARGUMENT_SPEC, state=dict(type='str', default='suspended', choices=['suspended', 'active', 'unlocked'])),
        bulk=True,
        default_scopes=['okta.users.read', 'okta.users.manage', 'okta.groups.read'],
        required_one_of=[('users', 'groups')],
        supports_check_mode=True,
    )
    lifecycle = Lifecycle(module)
    results = lifecycle.run()
    changed = [r for r in results if r['result'] == lifecycle.done_result]
    after = SUSPENDED if lifecycle.suspend else ACTIVE  # unsuspended and unlocked users are ACTIVE
    module.end(lifecycle.finish(results, diff=dict(before=dict((r['user'], r.get('status_before')) for r in changed),
                                                   after=dict((r['user'], after) for r in changed))))


if __name__ == '__main__':
    main()
