#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: okta_user_factors
short_description: Reset the MFA factors (authenticators) of many Okta users at once
version_added: 0.2.0
description:
  - Resets every MFA factor of each user (C(POST /api/v1/users/{id}/lifecycle/reset_factors)) - Okta Verify, SMS,
    TOTP apps and the rest return to unenrolled, so that a device or phone number an attacker enrolled no longer
    passes MFA. The user enrolls again at the next sign-in.
  - The factors are counted before and after (C(GET /api/v1/users/{userId}/factors)), and each user's result names
    the factors it had.
  - Idempotent - a user without factors is V(unchanged), with no reset call. A user whose status Okta does not
    reset (C(STAGED), C(PROVISIONED), C(DEPROVISIONED), or any Okta refuses with 403 C(E0000038)) is V(skipped)
    with the reason, without stopping the run.
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
    details: Counts each user's factors and reports whose would be reset.
  diff_mode:
    support: full
    details: Each changed user's factors before and after.
options:
  state:
    description:
      - V(reset) unenrolls every factor of the users.
    type: str
    choices: [reset]
    default: reset
notes:
  - Needs an admin API token, or an OAuth credential with the C(okta.users.manage) scope (and C(okta.users.read),
    C(okta.groups.read)).
  - Okta lists the factors that the user's authenticator enrollment policy includes; a factor it does not list is
    reset all the same, but not counted.
seealso:
  - module: identity.okta.okta_user_password
  - module: identity.okta.okta_user_sessions
  - name: Reset the factors
    description: Okta's reference for the call this module makes.
    link: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserLifecycle/#tag/UserLifecycle/operation/resetFactors
'''

EXAMPLES = r'''
- name: Containment - the attacker's enrolled devices must no longer pass MFA
  identity.okta.okta_user_factors:
    users: "{{ compromised_users }}"
    state: reset
    protected_groups: [Okta Super Admins]
    journal: "okta-journals/INC-4711-factors.jsonl"
  register: reset

- name: How many factors were reset
  ansible.builtin.debug:
    msg: "{{ reset.factors.before }} factors before, {{ reset.factors.after }} after"
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
        - V(reset) (in check mode, would be), V(unchanged) (no factor enrolled), V(skipped) (a status whose factors
          Okta does not reset, with the reason in RV(results[].msg)), V(not_found), V(failed), V(skipped_protected),
          V(skipped_done) or V(not_attempted).
      type: str
    status_before:
      description: Okta's status of the user when the plan read it.
      type: str
    factors_before:
      description: How many factors the user had.
      type: int
    factors_after:
      description: How many factors Okta lists after the reset (0 unless the user enrolled again meanwhile).
      type: int
      returned: when the factors were reset, not in check mode
    factors:
      description: The factors the user had (C(id), C(factor_type), C(provider), C(status)); no phone number or
        other profile.
      type: list
      elements: dict
    msg:
      description: Why it was skipped or failed.
      type: str
    request_id:
      description: Okta's C(X-Okta-Request-Id) of the reset.
      type: str
factors:
  description: The factors counted over all users, C(before) and (not in check mode) C(after).
  returned: always
  type: dict
  sample: {before: 12, after: 0}
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

from ansible_collections.identity.okta.plugins.module_utils.okta_api import refused_for_status, reset_factors, user_factors
from ansible_collections.identity.okta.plugins.module_utils.okta_errors import OktaApiError
from ansible_collections.identity.okta.plugins.module_utils.okta_module import OktaModule
from ansible_collections.identity.okta.plugins.module_utils.okta_specs import USERS_ARGUMENT_SPEC
from ansible_collections.identity.okta.plugins.module_utils.okta_users import about_user, SKIPPED, UserBulkRun

UNCHANGED = 'unchanged'
# Users Okta does not reset: not activated yet, or deactivated (E0000038).
NO_RESET_STATUSES = ('STAGED', 'PROVISIONED', 'DEPROVISIONED')


class Factors(UserBulkRun):
    """Resets each user's factors, if the user has any."""

    done_result = 'reset'
    done_words = ('Reset the factors of', 'Would reset the factors of')
    calls_per_user = {'users': 3}
    also_final = (UNCHANGED,)

    def __init__(self, module):
        super(Factors, self).__init__(module, resolve_all_ids=True)
        self.counts = {'before': 0, 'after': 0}  # over every user acted on, whichever results are returned
        self._lock = threading.Lock()

    def _counted(self, outcome, after=None):
        """``outcome``, its factors added to the run's counts (``after``: as many as before, unless reset)."""
        with self._lock:
            self.counts['before'] += outcome['factors_before']
            self.counts['after'] += outcome['factors_before'] if after is None else after
        return outcome

    def act(self, target):
        enrolled = about_user(user_factors, self.client, target.user_id)
        outcome = {'user_id': target.user_id, 'status_before': target.status, 'factors_before': len(enrolled),
                   'factors': [dict(id=f.get('id'), factor_type=f.get('factorType'), provider=f.get('provider'),
                                    status=f.get('status')) for f in enrolled]}
        if not enrolled:
            return self._counted(dict(outcome, result=UNCHANGED))
        if target.status in NO_RESET_STATUSES:
            return self._counted(dict(outcome, result=SKIPPED, msg='Okta resets the factors only of an activated '
                                                                   'user; this one is %s.' % target.status))
        if self.module.check_mode:
            return self._counted(dict(outcome, result=self.done_result))
        self.module.record_attempt(target.name, user_id=target.user_id)
        try:
            outcome['request_id'] = reset_factors(self.client, target.user_id)
        except OktaApiError as exc:
            if not refused_for_status(exc):
                raise
            return self._counted(dict(outcome, result=SKIPPED, status=exc.status, error_code=exc.error_code,
                                      request_id=exc.request_id,
                                      msg='Okta refused it for the user\'s status: %s' % exc.error_summary))
        outcome['factors_after'] = len(user_factors(self.client, target.user_id))
        return self._counted(dict(outcome, result=self.done_result), outcome['factors_after'])


def main():
    module = OktaModule(
        argument_spec=dict(USERS_ARGUMENT_SPEC, state=dict(type='str', default='reset', choices=['reset'])),
        bulk=True,
        default_scopes=['okta.users.read', 'okta.users.manage', 'okta.groups.read'],
        required_one_of=[('users', 'groups')],
        supports_check_mode=True,
    )
    factors = Factors(module)
    results = factors.run()
    counts = dict(factors.counts)
    if module.check_mode:
        del counts['after']
    changed = [r for r in results if r['result'] == factors.done_result]
    module.end(factors.finish(results, factors=counts,
                              extra_msg='; factors: %s' % ', '.join('%d %s' % (n, k) for k, n in sorted(counts.items())),
                              diff=dict(before=dict((r['user'], r.get('factors_before')) for r in changed),
                                        after=dict((r['user'], r.get('factors_after', 0)) for r in changed))))


if __name__ == '__main__':
    main()
