#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: okta_user_sessions
short_description: Revoke every Okta session of many users at once
version_added: 0.1.0
description:
  - Clears all identity provider sessions of each user (C(DELETE /api/v1/users/{id}/sessions)),
    optionally with their OpenID Connect and OAuth tokens and remembered devices.
  - Users are given by ID or login, or as the members of groups given by name or ID. Each user is
    cleared once, however many times it is named.
  - Built for incident response. First the plan - every name resolved, group members read, protected users
    left out, O(max_targets) checked - before any change; then the sign-outs, in parallel (O(concurrency))
    within Okta's rate limits (O(max_api_share)), each recorded in O(journal) as it happens. Every user ends
    in RV(results) as V(cleared), V(not_found), V(failed) with the reason, V(skipped_protected),
    V(skipped_done) or V(not_attempted). The task fails after trying everyone if any user or group failed.
  - A refused credential (HTTP 401 or 403) or an org that cannot be reached stops the run within a few calls;
    the rest are V(not_attempted) with the reason. Ctrl-C (SIGINT) or SIGTERM stops it too, after the calls
    in flight are finished and recorded.
  - Run from C(ansible-playbook) or C(ansible) on the controller (C(localhost), or C(delegate_to) it), the
    task prints its plan and a progress line at least every 5 seconds while it runs.
author:
  - identity.okta maintainers (@identity-okta)
extends_documentation_fragment:
  - identity.okta.verify
  - identity.okta.attributes
  - identity.okta.connection
  - identity.okta.bulk
  - identity.okta.users
attributes:
  check_mode:
    support: full
    details: Looks every user up (a C(search) of C(/api/v1/users), many users per call) and reports who would be
      cleared, and the plan (RV(plan)).
  diff_mode:
    support: none
options:
  state:
    description:
      - V(absent) clears the sessions. It is the only state; Okta has no call to list a user's sessions,
        so each existing user is reported as changed.
    type: str
    choices: [absent]
    default: absent
  oauth_tokens:
    description:
      - Also revoke the OpenID Connect and OAuth refresh and access tokens issued to the users
        (C(oauthTokens=true)). Recommended when a device is lost or stolen.
    type: bool
    default: false
  forget_devices:
    description:
      - Clear the users' remembered factors on all devices (C(forgetDevices)), so the next sign-in asks
        for MFA again everywhere. Okta's own default for this parameter is V(true) in Identity Engine
        and V(false) in Classic Engine; this module always sends the value set here.
    type: bool
    default: true
notes:
  - Needs an admin API token, or an access token with the C(okta.users.manage) scope (and C(okta.users.read),
    C(okta.groups.read) to look up logins and groups; C(okta.logs.read) for O(verify)).
  - Sessions created for web or native apps are not cleared by this Okta call.
seealso:
  - module: identity.okta.okta_session
  - name: Revoke all user sessions
    description: Okta's reference for the call this module makes.
    link: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserSessions/#tag/UserSessions/operation/revokeUserSessions
'''

EXAMPLES = r'''
- name: A laptop was stolen - sign these users out everywhere and revoke their tokens
  identity.okta.okta_user_sessions:
    org_url: https://example.okta.com
    api_token: "{{ okta_api_token }}"
    users:
      - jane.doe@example.com
      - 00u1abcdEFGHijklm0h7
    oauth_tokens: true
  register: cleared

- name: Sign out a whole group, leaving a third of the rate limit to other admins
  identity.okta.okta_user_sessions:
    groups:
      - Finance Contractors
    concurrency: 16
    max_api_share: 0.66
  register: group_cleared

- name: Preview who would be signed out, and how long it would take
  identity.okta.okta_user_sessions:
    users: "{{ lookup('ansible.builtin.file', 'compromised.txt').splitlines() }}"
  check_mode: true

- name: An incident run that can be resumed, never signs out the break-glass admins, and proves what Okta did
  identity.okta.okta_user_sessions:
    users: "{{ compromised_users }}"
    journal: /var/lib/okta-incidents/INC-4711.journal
    protected_users: [breakglass@example.com]
    protected_groups: [Okta Super Admins]
    verify: true
  register: signed_out
'''

RETURN = r'''
results:
  description: One entry per distinct user, in the order named (group members after the users).
  returned: always
  type: list
  elements: dict
  contains:
    user:
      description: The user as named in O(users), or the member's ID for O(groups).
      type: str
    user_id:
      description: The Okta user ID, when known.
      type: str
    login:
      description: The user's login, when it was looked up.
      type: str
    result:
      description:
        - V(cleared), V(not_found) or V(failed); V(skipped_protected) for a protected user; V(skipped_done) when
          O(journal) shows an earlier run finished it; V(not_attempted) when the run stopped early (see RV(stopped)).
        - In check mode, what would happen.
      type: str
    verification:
      description: With O(verify), V(verified) when the System Log shows the sign-out, else V(unverified).
      type: str
      returned: with O(verify), for cleared users
    evidence:
      description: With O(verify), the C(uuid) and C(published) time of the C(user.session.clear) event.
      type: dict
      returned: with O(verify), when the event was found
    via_group:
      description: The group (as named in O(groups)) through which the user was found.
      type: str
      returned: for group members
    same_user_as:
      description:
        - The name under which this user was already taken (the same person named by login and by ID, say).
          No second call is made; the entry shares that call's outcome, and RV(summary) counts the person once.
      type: str
      returned: for the second and later names of one user
    msg:
      description: Why it failed.
      type: str
      returned: when RV(results[].result=failed)
    status:
      description: HTTP status of the failure, if Okta answered.
      type: int
      returned: when RV(results[].result=failed)
    request_id:
      description: Okta's C(X-Okta-Request-Id) of the call, for the incident record and Okta support.
      type: str
      returned: when Okta answered
    time:
      description: When the user was finished with (UTC, ISO 8601).
      type: str
  sample:
    - {user: jane.doe@example.com, user_id: 00u1abcdEFGHijklm0h7, login: jane.doe@example.com, result: cleared}
    - {user: gone@example.com, result: not_found}
groups:
  description: One entry per distinct group in O(groups).
  returned: always
  type: list
  elements: dict
  contains:
    group:
      description: The group as named.
      type: str
    group_id:
      description: Its Okta ID, when found.
      type: str
    members:
      description: How many members were read.
      type: int
    result:
      description: V(found), V(not_found) or V(failed).
      type: str
    msg:
      description: Why it was not found or failed.
      type: str
      returned: unless RV(groups[].result=found)
plan:
  description:
    - What the run was going to do, worked out before any change - also in check mode.
    - C(targets) names in all, C(to_act_on) distinct users to sign out, C(not_found), C(protected), C(duplicates),
      C(calls) needed per Okta rate-limit bucket, C(bucket_limit) the limit Okta reported for the users bucket (the
      token's share of it), C(max_api_share), and C(estimated_seconds) at that pace.
  returned: always
  type: dict
  sample: {targets: 104, to_act_on: 103, not_found: 1, protected: 0, duplicates: 0, calls: {users: 103},
           bucket_limit: 300, max_api_share: 0.8, estimated_seconds: 25.8}
skipped_protected:
  description: The users not signed out because they are protected.
  returned: always
  type: list
  elements: str
unverified:
  description: With O(verify), the IDs of cleared users whose sign-out the System Log did not show in time.
  returned: always
  type: list
  elements: str
stopped:
  description: Why the run stopped before trying everyone (interrupted, or a refused credential or an unreachable org).
  returned: when the run stopped early
  type: str
summary:
  description: How many distinct users ended in each result (in check mode, would end).
  returned: always
  type: dict
  sample: {cleared: 298, not_found: 2, failed: 0}
cleared:
  description: The users cleared (or, in check mode, that would be).
  returned: when O(results=all)
  type: list
  elements: str
not_found:
  description: The users Okta does not know.
  returned: always
  type: list
  elements: str
failed_users:
  description: The users that could not be cleared; see RV(results) for why.
  returned: always
  type: list
  elements: str
msg:
  description: A one-line summary of the run.
  returned: always
  type: str
  sample: 'Cleared 298 users, 2 not found, 0 failed; groups: 1 found, 0 not found, 0 failed (3 retries)'

retries:
  description: How many API calls were repeated after a rate limit, a 5xx answer or a connection error.
  returned: always
  type: int
run_id:
  description: The run's ID in its O(journal) (a report reads that run's records with the C(journal_outcomes) filter).
  returned: with O(journal), once the journal was opened (not in check mode)
  type: str
  sample: 3f2a9c0d1e7b4a58
journal_run:
  description: Whether this run resumed an interrupted run of the same journal, and if not, why.
  returned: with O(journal), once the journal was opened (not in check mode)
  type: dict
  contains:
    run_id:
      description: This run's ID.
      type: str
    resumed:
      description: Whether it resumed the journal's last run (interrupted, same module, org, options and input).
      type: bool
    resumes:
      description: The ID of the run it resumed.
      type: str
    skipped_done:
      description: How many items the resumed run had finished, and this one skipped.
      type: int
    started_over:
      description: Why the journal's last run was not resumed (it ran to the end, another org, ...); null for a new journal.
      type: str
'''

import time

from ansible_collections.identity.okta.plugins.module_utils.okta_api import revoke_user_sessions, session_clear_events
from ansible_collections.identity.okta.plugins.module_utils.okta_module import OktaModule
from ansible_collections.identity.okta.plugins.module_utils.okta_users import about_user, UserBulkRun
from ansible_collections.identity.okta.plugins.module_utils.okta_specs import USERS_ARGUMENT_SPEC
from ansible_collections.identity.okta.plugins.module_utils.okta_verify import verify_in_log

CLEARED = 'cleared'


class UserSessionsRevoker(UserBulkRun):
    """Signs each distinct user of the plan out with one call (okta_users.UserBulkRun)."""

    done_result = CLEARED
    done_words = ('Cleared', 'Would clear')
    calls_per_user = {'users': 1}
    also_final = ()  # done_result is the only outcome a resumed run need not repeat

    def act(self, target):
        outcome = {'user_id': target.user_id}
        if self.module.check_mode:
            return dict(outcome, result=CLEARED)
        self.module.record_attempt(target.name, user_id=target.user_id)
        outcome['request_id'] = about_user(revoke_user_sessions, self.client, target.user_id,
                                           self.params['oauth_tokens'], self.params['forget_devices'])
        return dict(outcome, result=CLEARED)

    def verify(self, results, since):
        """Okta's own record of each sign-out: the ``user.session.clear`` event of each cleared user."""
        cleared = dict((r['user_id'], r) for r in results if r['result'] == CLEARED and r.get('user_id'))
        return verify_in_log(cleared, lambda user_ids: session_clear_events(self.client, user_ids, since),
                             self.params['verify_timeout'])


def main():
    module = OktaModule(
        argument_spec=dict(
            USERS_ARGUMENT_SPEC,
            state=dict(type='str', default='absent', choices=['absent']),
            oauth_tokens=dict(type='bool', default=False),
            forget_devices=dict(type='bool', default=True),
            verify=dict(type='bool', default=False),
            verify_timeout=dict(type='int', default=60),
        ),
        bulk=True,
        default_scopes=['okta.users.read', 'okta.users.manage', 'okta.groups.read', 'okta.logs.read'],
        required_one_of=[('users', 'groups')],
        supports_check_mode=True,
    )
    revoker = UserSessionsRevoker(module)
    started = time.time()
    results = revoker.run()
    unverified = []
    if module.params['verify'] and not module.check_mode and not module.stopped:
        unverified = module.run(lambda: revoker.verify(results, started - 60))
    module.end(revoker.finish(results, unverified=unverified, extra_msg='; %d sign-outs not (yet) in the System Log: see unverified'
                              % len(unverified) if unverified else ''))


if __name__ == '__main__':
    main()
