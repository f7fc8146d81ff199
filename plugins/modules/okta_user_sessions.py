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
  - Built for incident response; calls run in parallel (O(concurrency)) within Okta's rate limits
    (O(max_api_share)), and every user ends in RV(results) as V(cleared), V(not_found) or V(failed)
    with the reason. The task fails after trying everyone if any user or group failed.
author:
  - identity.okta maintainers (@identity-okta)
extends_documentation_fragment:
  - identity.okta.attributes
  - identity.okta.connection
  - identity.okta.bulk
attributes:
  check_mode:
    support: full
    details: Looks every user up (C(GET /api/v1/users/{id})) and reports who would be cleared.
  diff_mode:
    support: none
options:
  users:
    description:
      - Users whose sessions to clear, each an Okta user ID (V(00u...)) or a login (V(jane.doe@example.com)).
        A user named twice, by login and by ID for example, is cleared with one call.
      - A name that matches nobody in Okta ends as V(not_found) with a warning that names it; see O(fail_on_not_found).
      - Logins are looked up first (C(GET /api/v1/users/{login})). Logins containing C(/) cannot be looked up
        by Okta; give their ID.
    type: list
    elements: str
    default: []
  groups:
    description:
      - Groups whose members' sessions to clear, each a group ID (V(00g...)) or an exact group name.
      - A group that does not exist, a name that matches several groups, or a group whose members cannot
        all be read fails the task (after every other user was tried). Members read before such an error
        are cleared and listed in RV(results); the rest of the group is not.
    type: list
    elements: str
    default: []
  fail_on_not_found:
    description:
      - What to do when a user named in O(users) matches nobody in Okta (a typo, or a user already deleted).
      - V(false) clears everyone else and ends with a warning that names each such user.
      - V(true) still clears everyone else, then fails the task naming them, so a run cannot end green with a
        user missed.
    type: bool
    default: false
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
    C(okta.groups.read) to look up logins and groups).
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

- name: Preview who would be signed out
  identity.okta.okta_user_sessions:
    users: "{{ lookup('ansible.builtin.file', 'compromised.txt').splitlines() }}"
  check_mode: true
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
      description: V(cleared), V(not_found) or V(failed). In check mode, what would happen.
      type: str
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
summary:
  description: How many distinct users ended in each result (in check mode, would end).
  returned: always
  type: dict
  sample: {cleared: 298, not_found: 2, failed: 0}
cleared:
  description: The users cleared (or, in check mode, that would be).
  returned: always
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
'''

import re
import threading

from ansible_collections.identity.okta.plugins.module_utils.okta_api import (
    find_groups, get_user, group_members, revoke_user_sessions,
)
from ansible_collections.identity.okta.plugins.module_utils.okta_client import OktaApiError
from ansible_collections.identity.okta.plugins.module_utils.okta_module import GROUP, USER, OktaModule

USER_ID = re.compile(r'^00u[0-9A-Za-z]{17}$')
GROUP_ID = re.compile(r'^00g[0-9A-Za-z]{17}$')
CLEARED = 'cleared'
NOT_FOUND = 'not_found'


class UserSessionsRevoker:
    """Streams the named users, then each group's members, through one revocation each."""

    def __init__(self, module):
        self.module = module
        self.client = module.client
        self.group_results = []
        self._seen = set()
        self._claims = {}
        self._claims_lock = threading.Lock()
        self.users = module.validate_id_list('users', module.params['users'], USER)
        self.groups = module.validate_id_list('groups', module.params['groups'], GROUP)

    def targets(self):
        for name in self.users:
            if self._first_time(name):
                yield name, None, None
        for group in self.groups:
            for member in self._members(group):
                login = member['profile'].get('login')
                if self._first_time(member['id']) and self._first_time((login or '').lower()):
                    yield member['id'], group, login

    def _first_time(self, key):
        key = key.lower() if not USER_ID.match(key) else key
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    def _members(self, group):
        entry = {'group': group}
        self.group_results.append(entry)
        try:
            if GROUP_ID.match(group):
                group_id = group
            else:
                matches = find_groups(self.client, group)
                if not matches:
                    entry.update(result=NOT_FOUND, msg='No group is named %r.' % group)
                    return
                if len(matches) > 1:
                    entry.update(result='failed', msg='%d groups are named %r; give the ID.' % (len(matches), group))
                    return
                group_id = matches[0]['id']
            entry.update(group_id=group_id, members=0, result='found')
            for member in group_members(self.client, group_id):
                entry['members'] += 1
                yield member
        except OktaApiError as exc:
            entry.update(result=NOT_FOUND if exc.not_found else 'failed', msg=exc.message,
                         status=exc.status, request_id=exc.request_id)

    def clear(self, target):
        name, via_group, login = target
        outcome = dict((k, v) for k, v in (('via_group', via_group), ('login', login)) if v)
        user_id = name if USER_ID.match(name) else None
        if user_id is None or self.module.check_mode:
            user = get_user(self.client, name)
            if user is None:
                return dict(outcome, result=NOT_FOUND)
            user_id = user['id']
            outcome['login'] = user['profile'].get('login')
        outcome['user_id'] = user_id
        with self._claims_lock:
            first = self._claims.get(user_id)
            if first is None:
                self._claims[user_id] = first = _Claim(name)
                mine = True
            else:
                mine = False
        if not mine:
            # The same person named twice (a login and an ID, say): one call, whose outcome both names share.
            first.done.wait()
            return dict(outcome, same_user_as=first.name, **first.outcome)
        try:
            first.outcome = self._revoke(user_id)
        finally:
            first.done.set()
        return dict(outcome, **first.outcome)

    def _revoke(self, user_id):
        outcome = {}
        if not self.module.check_mode:
            try:
                outcome['request_id'] = revoke_user_sessions(self.client, user_id, self.module.params['oauth_tokens'],
                                                             self.module.params['forget_devices'])
            except OktaApiError as exc:
                if exc.not_found:
                    return dict(result=NOT_FOUND, request_id=exc.request_id)
                # Why it failed, next to who it was (user_id, login, kept by the caller).
                return dict((k, v) for k, v in dict(exc.as_dict(), result='failed').items() if v not in (None, []))
        return dict(outcome, result=CLEARED)


class _Claim:
    """The first name under which a user was taken, and that call's outcome once it is known."""

    def __init__(self, name):
        self.name = name
        self.outcome = {'result': 'failed', 'msg': 'The call for this user did not complete.'}
        self.done = threading.Event()


def main():
    module = OktaModule(
        argument_spec=dict(
            users=dict(type='list', elements='str', default=[]),
            groups=dict(type='list', elements='str', default=[]),
            state=dict(type='str', default='absent', choices=['absent']),
            oauth_tokens=dict(type='bool', default=False),
            forget_devices=dict(type='bool', default=True),
            fail_on_not_found=dict(type='bool', default=False),
        ),
        bulk=True,
        default_scopes=['okta.users.read', 'okta.users.manage', 'okta.groups.read'],
        required_one_of=[('users', 'groups')],
        supports_check_mode=True,
    )
    revoker = UserSessionsRevoker(module)

    results = module.run(lambda: module.run_bulk(revoker.clear, revoker.targets(), 'target'))
    for entry in results:
        name, via_group, login = entry.pop('target')
        entry['user'] = name
        for key, value in (('via_group', via_group), ('login', login)):
            if value is not None:
                entry.setdefault(key, value)

    by_result = dict((key, [r['user'] for r in results if r['result'] == result])
                     for key, result in (('cleared', CLEARED), ('not_found', NOT_FOUND), ('failed_users', 'failed')))
    # Counted once per person: a second name for the same user shares the first one's call.
    distinct = [r for r in results if 'same_user_as' not in r]
    summary = dict((key, len([r for r in distinct if r['result'] == result]))
                   for key, result in (('cleared', CLEARED), ('not_found', NOT_FOUND), ('failed', 'failed')))
    # A group that is missing or cannot be read (wholly) fails the task: some of its members may not have been cleared.
    missing_groups = [g for g in revoker.group_results if g['result'] == NOT_FOUND]
    failed_groups = [g for g in revoker.group_results if g['result'] == 'failed']
    outcome = dict(
        changed=bool(by_result['cleared']),
        results=results,
        groups=revoker.group_results,
        summary=summary,
        retries=module.retries,
        **by_result)
    outcome['msg'] = '%s %d users, %d not found, %d failed' % (
        'Would clear' if module.check_mode else 'Cleared', summary['cleared'], summary['not_found'], summary['failed'])
    if revoker.groups:
        outcome['msg'] += '; groups: %d found, %d not found, %d failed' % (
            len(revoker.group_results) - len(missing_groups) - len(failed_groups), len(missing_groups), len(failed_groups))
    outcome['msg'] += ' (%d retries)' % module.retries
    named_but_missing = [r['user'] for r in results if r['result'] == NOT_FOUND and 'via_group' not in r]
    if named_but_missing and not module.params['fail_on_not_found']:
        module.warn('%d of the users named match nobody in Okta: %s%s' % (
            len(named_but_missing), ', '.join(named_but_missing[:20]),
            ' and %d more (see not_found)' % (len(named_but_missing) - 20) if len(named_but_missing) > 20 else ''))
    reasons = ['%s: %s' % (r['user'], r.get('msg')) for r in results if r['result'] == 'failed'][:10]
    reasons += ['group %s: %s' % (g['group'], g.get('msg')) for g in missing_groups + failed_groups]
    if named_but_missing and module.params['fail_on_not_found']:
        reasons.append('not found (fail_on_not_found): %s' % ', '.join(named_but_missing[:20]))
    if reasons:
        outcome['msg'] += '. Failed: ' + '; '.join(reasons)
        module.fail_json(**outcome)
    module.exit_json(**outcome)


if __name__ == '__main__':
    main()
