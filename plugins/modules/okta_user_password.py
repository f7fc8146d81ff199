#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: okta_user_password
short_description: Expire the Okta passwords of many users at once
version_added: 0.2.0
description:
  - Expires each user's password (C(POST /api/v1/users/{id}/lifecycle/expire_password)) - the user is
    C(PASSWORD_EXPIRED) and must choose a new password at the next sign-in.
  - With O(temp_password), first replaces the password with a temporary one that Okta makes up
    (C(POST .../lifecycle/expire_password_with_temp_password)), so that the old password - the one an attacker may
    know - no longer signs anyone in. Without it, the old password still leads to the change-password screen.
  - The temporary passwords are secrets. They are never written to the journal nor put in RV(results), and are
    returned (in RV(temp_passwords)) only with O(return_temp_password), which needs the task keyword C(no_log).
  - Idempotent - a user already C(PASSWORD_EXPIRED) is V(unchanged), with no call - also with O(temp_password), for the
    module cannot tell whether that password was replaced. Okta expires the password only of a user who signs in
    with one - a user C(STAGED), C(PROVISIONED) or C(DEPROVISIONED) is V(skipped) with no call, and a user whose
    status Okta refuses (403 C(E0000038)) is V(skipped) with Okta's answer, without stopping the run.
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
    details: Reads each user's status and reports whose password would be expired; no temporary password is made.
  diff_mode:
    support: full
    details: Each changed user's status before and after (never a password).
options:
  state:
    description:
      - V(expired) expires the users' passwords.
    type: str
    choices: [expired]
    default: expired
  temp_password:
    description:
      - Replace each password with a temporary one before expiring it, so that the old password stops working.
      - The user can sign in only with the temporary password, given to them out of band (by the help desk, with
        O(return_temp_password)), or after a password reset.
    type: bool
    default: false
  return_temp_password:
    description:
      - Return the temporary passwords, in RV(temp_passwords) (never in RV(results)), for the help desk to give
        to each user.
      - Needs O(temp_password) and the task keyword C(no_log=true), so that Ansible neither shows nor logs the
        result; the task fails before any change without them. C(register) the result and hand the passwords on
        from there; never write them into a report.
      - The journal never holds them. A run that resumes an interrupted one skips the users that run did
        (V(skipped_done)), whose temporary passwords are then lost - reset those users' passwords.
    type: bool
    default: false
notes:
  - Needs an admin API token, or an OAuth credential with the C(okta.users.manage) scope (and C(okta.users.read),
    C(okta.groups.read)).
  - Expiring a password ends no session; sign the users out with M(identity.okta.okta_user_sessions).
seealso:
  - module: identity.okta.okta_user_sessions
  - module: identity.okta.okta_user_factors
  - name: Expire the password
    description: Okta's reference for the call this module makes.
    link: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserCred/#tag/UserCred/operation/expirePassword
  - name: Expire the password with a temporary password
    description: Okta's reference for the call this module makes with O(temp_password).
    link: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserCred/#tag/UserCred/operation/expirePasswordWithTempPassword
'''

EXAMPLES = r'''
- name: Containment - the old passwords of the compromised accounts must stop working
  identity.okta.okta_user_password:
    users: "{{ compromised_users }}"
    state: expired
    temp_password: true
    protected_groups: [Okta Super Admins]
    journal: "okta-journals/INC-4711-password.jsonl"
  register: expired

- name: Expire, and keep the temporary passwords for the help desk (never shown, never logged)
  identity.okta.okta_user_password:
    users: "{{ compromised_users }}"
    temp_password: true
    return_temp_password: true
  no_log: true
  register: expired_with_passwords
'''

RETURN = r'''
results:
  description: One entry per user named (group members after the users). Never holds a password.
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
        - V(expired) (in check mode, would be), V(unchanged) (already C(PASSWORD_EXPIRED)), V(skipped) (a status
          whose password Okta does not expire, with the reason in RV(results[].msg)), V(not_found), V(failed),
          V(skipped_protected), V(skipped_done) or V(not_attempted).
      type: str
    status_before:
      description: Okta's status of the user when the plan read it.
      type: str
    temp_password:
      description: Whether the password was replaced by a temporary one (the old password no longer works).
      type: bool
      returned: when the user's password was expired, not in check mode
    temp_password_returned:
      description: Whether this user's temporary password is in RV(temp_passwords).
      type: bool
      returned: with O(return_temp_password), when the user's password was expired
    msg:
      description: Why it was skipped or failed.
      type: str
    request_id:
      description: Okta's C(X-Okta-Request-Id) of the call.
      type: str
temp_passwords:
  description:
    - The temporary password of each user whose password this run replaced, by the user as named (the first name,
      for a user named twice).
    - A secret. Only with O(return_temp_password), which needs the task keyword C(no_log).
  returned: with O(return_temp_password), not in check mode
  type: dict
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

import threading

from ansible_collections.identity.okta.plugins.module_utils.okta_api import (
    expire_password, expire_password_with_temp_password, refused_for_status,
)
from ansible_collections.identity.okta.plugins.module_utils.okta_errors import OktaApiError
from ansible_collections.identity.okta.plugins.module_utils.okta_module import OktaModule
from ansible_collections.identity.okta.plugins.module_utils.okta_users import SKIPPED, UserBulkRun
from ansible_collections.identity.okta.plugins.module_utils.okta_specs import USERS_ARGUMENT_SPEC

PASSWORD_EXPIRED = 'PASSWORD_EXPIRED'
UNCHANGED = 'unchanged'
# Users without a password they sign in with: not activated yet, or deactivated. Okta refuses them (E0000038).
NO_PASSWORD_STATUSES = ('STAGED', 'PROVISIONED', 'DEPROVISIONED')


class Password(UserBulkRun):
    """Expires each user's password, if it is not expired yet."""

    done_result = 'expired'
    done_words = ('Expired the passwords of', 'Would expire the passwords of')
    calls_per_user = {'users': 1}
    also_final = (UNCHANGED,)

    def __init__(self, module):
        super(Password, self).__init__(module, resolve_all_ids=True)
        self.temporary = module.params['temp_password']
        self.keep = module.params['return_temp_password']
        self.temp_passwords = {}  # user_id -> temporary password, only with return_temp_password
        self._lock = threading.Lock()

    def act(self, target):
        outcome = {'user_id': target.user_id, 'status_before': target.status}
        if target.status == PASSWORD_EXPIRED:
            return dict(outcome, result=UNCHANGED, msg='Already PASSWORD_EXPIRED%s.' % (
                '; its password was not replaced by a temporary one' if self.temporary else ''))
        if target.status in NO_PASSWORD_STATUSES:
            return dict(outcome, result=SKIPPED,
                        msg='Okta expires only the password of a user who signs in with one; this one is %s.'
                            % target.status)
        if self.module.check_mode:
            return dict(outcome, result=self.done_result)
        self.module.record_attempt(target.name, user_id=target.user_id)
        try:
            if self.temporary:
                outcome['request_id'], secret = expire_password_with_temp_password(self.client, target.user_id)
                if self.keep and secret:
                    with self._lock:
                        self.temp_passwords[target.user_id] = secret
                    outcome['temp_password_returned'] = True
                elif self.keep:
                    outcome['temp_password_returned'] = False
            else:
                outcome['request_id'] = expire_password(self.client, target.user_id)
        except OktaApiError as exc:
            if not refused_for_status(exc):
                raise
            return dict(outcome, result=SKIPPED, msg='Okta refused it for the user\'s status: %s' % exc.error_summary,
                        status=exc.status, error_code=exc.error_code, request_id=exc.request_id)
        return dict(outcome, result=self.done_result, temp_password=self.temporary)


def main():
    module = OktaModule(
        argument_spec=dict(USERS_ARGUMENT_SPEC, state=dict(type='str', default='expired', choices=['expired']),
                           temp_password=dict(type='bool', default=False),
                           return_temp_password=dict(type='bool', default=False)),
        bulk=True,
        default_scopes=['okta.users.read', 'okta.users.manage', 'okta.groups.read'],
        required_one_of=[('users', 'groups')],
        supports_check_mode=True,
    )
    if module.params['return_temp_password'] and not module.params['temp_password']:
        module.fail_json(msg='return_temp_password needs temp_password: true; nothing was changed.',
                         field='return_temp_password')
    if module.params['return_temp_password'] and not module.no_log:
        module.fail_json(msg='return_temp_password returns secrets: set the task keyword no_log: true (and register the '
                             'result), so that Ansible neither shows nor logs them; nothing was changed.',
                         field='return_temp_password')
    password = Password(module)
    results = password.run()
    changed = [r for r in results if r['result'] == password.done_result]
    extra = {}
    if password.keep and not module.check_mode:
        # From the run itself, not from the results returned (which may leave out the users done).
        extra['temp_passwords'] = dict((t.name, password.temp_passwords[t.user_id]) for t in password.people.targets
                                       if t.same_user_as is None and t.user_id in password.temp_passwords)
        extra['extra_msg'] = '; %d temporary passwords in temp_passwords' % len(extra['temp_passwords'])
    module.end(password.finish(results, diff=dict(before=dict((r['user'], r.get('status_before')) for r in changed),
                                                  after=dict((r['user'], PASSWORD_EXPIRED) for r in changed)), **extra))


if __name__ == '__main__':
    main()
