#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: okta_user_risk
short_description: Set the Identity Threat Protection risk level of many Okta users
version_added: 0.1.0
description:
  - Sets each user's risk level (C(PUT /api/v1/users/{userId}/risk)) after reading it (C(GET .../risk)), so that
    Okta's entity risk policies act on it - for example to ask for MFA again or end sessions when risk is high.
  - Idempotent - a user already at O(risk_level) is V(unchanged), with no second call.
  - Needs Okta Identity Threat Protection. On an org without it, or with a credential without the scope, every
    user is V(skipped) with Okta's answer (one call, then no more) - a clear skip, not a failed run.
  - Users are given and planned as for M(identity.okta.okta_user_sessions).
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
    details: Reads each user's risk and reports who would change.
  diff_mode:
    support: full
    details: Each changed user's risk level before and after.
options:
  risk_level:
    description: The risk level to set.
    type: str
    choices: [HIGH, MEDIUM, LOW]
    default: HIGH
  risk_reason:
    description: Why, recorded by Okta with the change (Okta's default is C(override.by.admin)).
    type: str
notes:
  - Needs an admin API token, or an OAuth credential with the C(okta.userRisk.manage) scope (and
    C(okta.userRisk.read), C(okta.users.read), C(okta.groups.read)).
seealso:
  - module: identity.okta.okta_user_lifecycle
  - name: User risk
    description: Okta's reference for the calls this module makes.
    link: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserRisk/
'''

EXAMPLES = r'''
- name: Mark the accounts of the incident as high risk
  identity.okta.okta_user_risk:
    users: "{{ compromised_users }}"
    risk_level: HIGH
    risk_reason: INC-4711 credential theft
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
        - V(set) (in check mode, would be), V(unchanged), V(skipped) (the org or the credential cannot set risk,
          with Okta's answer in RV(results[].msg)), V(not_found), V(failed), V(skipped_protected), V(skipped_done)
          or V(not_attempted).
      type: str
    risk_before:
      description: The risk level Okta had for the user.
      type: str
    msg:
      description: Why it was skipped or failed.
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

from ansible_collections.identity.okta.plugins.module_utils.okta_api import get_user_risk, set_user_risk
from ansible_collections.identity.okta.plugins.module_utils.okta_module import OktaModule
from ansible_collections.identity.okta.plugins.module_utils.okta_users import about_user, UserBulkRun
from ansible_collections.identity.okta.plugins.module_utils.okta_specs import USERS_ARGUMENT_SPEC


class Risk(UserBulkRun):
    """Sets each user's risk level, if it differs."""

    done_result = 'set'
    done_words = ('Set the risk of', 'Would set the risk of')
    calls_per_user = {'users': 2}
    also_final = ('unchanged',)
    feature_scope = 'okta.userRisk.manage'

    def act(self, target):
        wanted = self.params['risk_level']
        before = (about_user(get_user_risk, self.client, target.user_id) or {}).get('riskLevel')
        outcome = {'user_id': target.user_id, 'risk_before': before}
        if before == wanted:
            return dict(outcome, result='unchanged')
        if not self.module.check_mode:
            self.module.record_attempt(target.name, user_id=target.user_id, risk_before=before)  # for an undo
            set_user_risk(self.client, target.user_id, wanted, self.params['risk_reason'])
        return dict(outcome, result=self.done_result)

    def unavailable(self, exc):
        # Okta answers 401/403 when the org has no Identity Threat Protection or the credential lacks the scope.
        if exc.status in (401, 403):
            return 'Okta refused user risk for this org or credential (Identity Threat Protection and the '\
                   'okta.userRisk.manage scope are needed)'
        return None


def main():
    module = OktaModule(
        argument_spec=dict(USERS_ARGUMENT_SPEC, risk_level=dict(type='str', default='HIGH', choices=['HIGH', 'MEDIUM', 'LOW']),
                           risk_reason=dict(type='str')),
        bulk=True,
        default_scopes=['okta.users.read', 'okta.groups.read', 'okta.userRisk.read', 'okta.userRisk.manage'],
        required_one_of=[('users', 'groups')],
        supports_check_mode=True,
    )
    risk = Risk(module)
    results = risk.run()
    changed = [r for r in results if r['result'] == risk.done_result]
    module.end(risk.finish(results, diff=dict(before=dict((r['user'], r.get('risk_before')) for r in changed),
                                              after=dict((r['user'], module.params['risk_level']) for r in changed))))


if __name__ == '__main__':
    main()
