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
  - identity.okta.attributes
  - identity.okta.connection
  - identity.okta.bulk
attributes:
  check_mode:
    support: full
    details: Looks every user up (a C(search) of C(/api/v1/users), many users per call) and reports who would be
      cleared, and the plan (RV(plan)).
  diff_mode:
    support: none
options:
  users:
    description:
      - Users whose sessions to clear, each an Okta user ID (V(00u...)) or a login (V(jane.doe@example.com)).
        A user named twice, by login and by ID for example, is cleared with one call.
      - A name that matches nobody in Okta ends as V(not_found) with a warning that names it; see O(fail_on_not_found).
      - Logins are resolved to IDs first, many per call (C(GET /api/v1/users?search=profile.login eq "..." or ...)),
        so that a user named by login costs about one call of Okta's users rate-limit bucket, like one named by ID.
        A login the search does not find is looked up on its own (C(GET /api/v1/users/{login})) before it is
        reported V(not_found).
    type: list
    elements: str
    default: []
  groups:
    description:
      - Groups whose members' sessions to clear, each a group ID (V(00g...)) or an exact group name
        (found with C(GET /api/v1/groups?search=profile.name eq "...")).
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
  protected_users:
    description:
      - Users never to sign out, by login or ID - break-glass admins, the account the automation runs as.
        A target that is one of them ends as V(skipped_protected), with no call.
      - The playbooks read them, and O(protected_groups), from a vars file (see docs/incident-response.md).
    type: list
    elements: str
    default: []
  protected_groups:
    description:
      - Groups (name or ID) whose members are never signed out, as with O(protected_users).
      - Their members are read before any change; if a protected group cannot be read, nobody is signed out.
    type: list
    elements: str
    default: []
  max_targets:
    description:
      - The most users one run may sign out, group members counted. A run that would sign out more is
        refused before any change, naming how many it would have been - so that a mistyped group
        (V(Everyone)) cannot sign out the whole org.
      - Raise it on purpose for a larger incident.
    type: int
    default: 1000
  verify:
    description:
      - After the run, read the System Log for Okta's own record of each sign-out (the C(user.session.clear)
        event whose target is the user) and put its C(uuid) and time in RV(results[].evidence). A user cleared
        without such an event within O(verify_timeout) is listed in RV(unverified).
      - Needs the C(okta.logs.read) scope with OAuth. Costs about one System Log call per 100 users.
    type: bool
    default: false
  verify_timeout:
    description: Seconds to wait for the events of O(verify) to appear (Okta shows events some seconds late).
    type: int
    default: 60
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
    - C(targets) names in all, C(to_sign_out) distinct users to sign out, C(not_found), C(protected), C(duplicates),
      C(calls) needed per Okta rate-limit bucket, C(bucket_limit) the limit Okta reported for the users bucket (the
      token's share of it), C(max_api_share), and C(estimated_seconds) at that pace.
  returned: always
  type: dict
  sample: {targets: 104, to_sign_out: 103, not_found: 1, protected: 0, duplicates: 0, calls: {users: 103},
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
import time

from ansible_collections.identity.okta.plugins.module_utils.okta_api import (
    find_groups, get_user, group_members, revoke_user_sessions, search_batches, search_users, session_clear_events,
)
from ansible_collections.identity.okta.plugins.module_utils.okta_errors import OktaApiError
from ansible_collections.identity.okta.plugins.module_utils.okta_module import KIND_GROUP, KIND_USER, OktaModule
from ansible_collections.identity.okta.plugins.module_utils.okta_rate_limit import bucket_for

USER_ID = re.compile(r'^00u[0-9A-Za-z]{17}$')
GROUP_ID = re.compile(r'^00g[0-9A-Za-z]{17}$')
CLEARED = 'cleared'
NOT_FOUND = 'not_found'
FAILED = 'failed'
SKIPPED_PROTECTED = 'skipped_protected'
VERIFY_POLL_SECONDS = 5.0


class Target:
    """One user to sign out, as named, with what the plan found out about it."""

    __slots__ = ('name', 'via_group', 'login', 'user_id', 'same_user_as', 'outcome')

    def __init__(self, name, via_group=None, login=None, user_id=None):
        self.name = name
        self.via_group = via_group
        self.login = login
        self.user_id = user_id
        self.same_user_as = None
        self.outcome = None  # known before any change: not found, protected

    def __str__(self):
        return self.name


class UserSessionsRevoker:
    """Plans a sign-out (every target resolved, counted and checked against the guardrails
    before any change), then signs each distinct user out with one call.

    Logins are resolved to user IDs in batches (one ``search`` call names many logins),
    so that a login-named user costs about one call of the users rate-limit bucket, like
    an ID-named one. A name the search does not find is looked up on its own
    (``GET /api/v1/users/{login}``) before it is called not found.
    """

    def __init__(self, module):
        self.module = module
        self.client = module.client
        self.params = module.params
        self.group_results = []
        self.users = module.validate_id_list('users', self.params['users'], KIND_USER)
        self.groups = module.validate_id_list('groups', self.params['groups'], KIND_GROUP)
        self.protected_users = module.validate_id_list('protected_users', self.params['protected_users'], KIND_USER)
        self.protected_groups = module.validate_id_list('protected_groups', self.params['protected_groups'],
                                                        KIND_GROUP)
        self.targets = []
        self.protected_ids = set()
        self.protected_names = set(n.lower() for n in self.protected_users)

    # -- the plan: who, and how many calls ---------------------------------------------------

    def plan(self):
        seen_names = set()
        for chunk in _chunks([n for n in self.users if _first_time(seen_names, n)], 200):
            resolved = self._resolve(chunk, all_ids=self.module.check_mode)
            for name in chunk:
                user = resolved.get(_name_key(name))
                if user is not None:
                    self.targets.append(Target(name, login=_login(user), user_id=user['id']))
                elif USER_ID.match(name) and not self.module.check_mode:
                    self.targets.append(Target(name, user_id=name))  # an ID needs no lookup to be signed out
                else:
                    self.targets.append(self._looked_up(name))
        for group in self.groups:
            for member in self._members(group, self.group_results):
                if _first_time(seen_names, member['id']) and _first_time(seen_names, _login(member) or ''):
                    self.targets.append(Target(member['id'], via_group=group, login=_login(member),
                                               user_id=member['id']))
        self._protect()
        first_by_id = {}
        for target in self.targets:
            if target.outcome is None and target.user_id is not None:
                first = first_by_id.setdefault(target.user_id, target)
                if first is not target:
                    target.same_user_as = first.name
        return self.summary_of_plan()

    def _resolve(self, names, all_ids):
        """Users of ``names`` found with one search per batch, by lower-case login and by ID (IDs only when
        ``all_ids``: in check mode, to say who would be signed out)."""
        logins = [n for n in names if not USER_ID.match(n)]
        ids = [n for n in names if USER_ID.match(n)] if all_ids else []
        found = {}
        for attribute, values in (('profile.login', logins), ('id', ids)):
            for dummy, expression in search_batches(attribute, values):
                for user in search_users(self.client, expression):
                    found[user['id']] = user
                    if _login(user):
                        found[_login(user).lower()] = user
        return found

    def _looked_up(self, name):
        user = get_user(self.client, name)
        if user is None:
            target = Target(name)
            target.outcome = {'result': NOT_FOUND}
            return target
        return Target(name, login=_login(user), user_id=user['id'])

    def _members(self, group, results):
        entry = {'group': group}
        results.append(entry)
        try:
            if GROUP_ID.match(group):
                group_id = group
            else:
                matches = find_groups(self.client, group)
                if not matches:
                    entry.update(result=NOT_FOUND, msg='No group is named %r.' % group)
                    return
                if len(matches) > 1:
                    entry.update(result=FAILED, msg='%d groups are named %r; give the ID.' % (len(matches), group))
                    return
                group_id = matches[0]['id']
            entry.update(group_id=group_id, members=0, result='found')
            for member in group_members(self.client, group_id):
                entry['members'] += 1
                yield member
        except OktaApiError as exc:
            if exc.status in (401, 403):
                raise  # the credential: nothing else would work either
            entry.update(result=NOT_FOUND if exc.not_found else FAILED, msg=exc.message,
                         status=exc.status, request_id=exc.request_id)

    def _protect(self):
        if self.protected_users:
            resolved = self._resolve(self.protected_users, all_ids=True)
            self.protected_ids.update(u['id'] for u in resolved.values())
            self.protected_ids.update(n for n in self.protected_users if USER_ID.match(n))
        self.protected_group_results = []
        for group in self.protected_groups:
            for member in self._members(group, self.protected_group_results):
                self.protected_ids.add(member['id'])
        unreadable = [g for g in self.protected_group_results if g['result'] != 'found']
        if unreadable:
            # Guardrails that cannot be read are not guardrails: change nothing.
            self.module.fail_json(msg='protected_groups could not be read, so nobody was signed out: %s'
                                  % '; '.join('%s: %s' % (g['group'], g.get('msg')) for g in unreadable),
                                  field='protected_groups', protected_groups=self.protected_group_results)
        for target in self.targets:
            names = set(filter(None, (target.name.lower(), (target.login or '').lower())))
            if target.outcome is None and (target.user_id in self.protected_ids or names & self.protected_names):
                target.outcome = {'result': SKIPPED_PROTECTED,
                                  'msg': 'Protected (protected_users or protected_groups): never signed out.'}

    def summary_of_plan(self):
        to_sign_out = [t for t in self.targets if t.outcome is None and t.same_user_as is None]
        limiter = self.client.rate_limiter
        bucket = bucket_for('DELETE', '/api/v1/users/{0}/sessions')
        limit = limiter.known_limit(bucket)
        plan = dict(
            targets=len(self.targets), to_sign_out=len(to_sign_out),
            not_found=len([t for t in self.targets if (t.outcome or {}).get('result') == NOT_FOUND]),
            protected=len([t for t in self.targets if (t.outcome or {}).get('result') == SKIPPED_PROTECTED]),
            duplicates=len([t for t in self.targets if t.same_user_as]),
            calls={bucket: len(to_sign_out)} if not self.module.check_mode else {},
            calls_so_far=self.client.requests, bucket_limit=limit, max_api_share=limiter.max_share)
        if limit:
            per_minute = max(1, limit - limiter.floor(limit))
            plan['estimated_seconds'] = round(len(to_sign_out) / float(per_minute) * 60.0, 1)
        return plan

    # -- the run ---------------------------------------------------------------------------------

    def clear(self, target):
        if target.outcome is not None or target.same_user_as is not None:
            return target.outcome or {'result': 'pending'}
        outcome = {'user_id': target.user_id}
        if self.module.check_mode:
            return dict(outcome, result=CLEARED)
        self.module.record_attempt(target.name, user_id=target.user_id)
        try:
            outcome['request_id'] = revoke_user_sessions(self.client, target.user_id, self.params['oauth_tokens'],
                                                         self.params['forget_devices'])
        except OktaApiError as exc:
            if exc.not_found:
                return dict(outcome, result=NOT_FOUND, request_id=exc.request_id)
            raise
        return dict(outcome, result=CLEARED)

    def verify(self, results, since):
        """Okta's own record of each sign-out: the ``user.session.clear`` event of each cleared user."""
        cleared = dict((r['user_id'], r) for r in results if r['result'] == CLEARED and r.get('user_id'))
        deadline = time.time() + self.params['verify_timeout']
        while cleared:
            for user_id, event in session_clear_events(self.client, list(cleared), since):
                entry = cleared.pop(user_id, None)
                if entry is not None:
                    entry['evidence'] = {'uuid': event.get('uuid'), 'published': event.get('published')}
            if not cleared or time.time() >= deadline:
                break
            time.sleep(VERIFY_POLL_SECONDS)  # the System Log shows an event some seconds after it happened
        for entry in cleared.values():
            entry['verification'] = 'unverified'
        for entry in results:
            if 'evidence' in entry:
                entry['verification'] = 'verified'
        return list(cleared)


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _name_key(name):
    return name if USER_ID.match(name) else name.lower()


def _first_time(seen, name):
    key = _name_key(name)
    if key in seen:
        return False
    seen.add(key)
    return True


def _login(user):
    return (user.get('profile') or {}).get('login')


def main():
    module = OktaModule(
        argument_spec=dict(
            users=dict(type='list', elements='str', default=[]),
            groups=dict(type='list', elements='str', default=[]),
            state=dict(type='str', default='absent', choices=['absent']),
            oauth_tokens=dict(type='bool', default=False),
            forget_devices=dict(type='bool', default=True),
            fail_on_not_found=dict(type='bool', default=False),
            protected_users=dict(type='list', elements='str', default=[]),
            protected_groups=dict(type='list', elements='str', default=[]),
            max_targets=dict(type='int', default=1000),
            verify=dict(type='bool', default=False),
            verify_timeout=dict(type='int', default=60),
        ),
        bulk=True,
        default_scopes=['okta.users.read', 'okta.users.manage', 'okta.groups.read', 'okta.logs.read'],
        required_one_of=[('users', 'groups')],
        supports_check_mode=True,
    )
    params = module.params
    if params['max_targets'] < 1:
        module.fail_json(msg='max_targets must be 1 or more, got %d.' % params['max_targets'], field='max_targets')
    revoker = UserSessionsRevoker(module)
    started = time.time()
    plan = module.run(revoker.plan)
    if plan['to_sign_out'] > params['max_targets']:
        module.fail_json(msg='This run would sign out %d users, more than max_targets (%d); nobody was signed out. '
                         'Check users and groups (a group such as Everyone is the whole org), or raise max_targets.'
                         % (plan['to_sign_out'], params['max_targets']), field='max_targets', plan=plan,
                         groups=revoker.group_results)
    results = module.run(lambda: module.run_bulk(revoker.clear, revoker.targets, 'target', total=len(revoker.targets),
                                                 plan=plan))
    first_entry = {}
    for target, entry in zip(revoker.targets, results):
        entry.pop('target')
        entry['user'] = target.name
        for key, value in (('via_group', target.via_group), ('login', target.login), ('user_id', target.user_id)):
            if value is not None:
                entry.setdefault(key, value)
        if target.same_user_as is None:
            first_entry[target.user_id] = entry
    for target, entry in zip(revoker.targets, results):
        if target.same_user_as is not None and entry['result'] == 'pending':
            # The same person named twice (a login and an ID, say): one call, whose outcome both names share.
            first = first_entry.get(target.user_id) or {}
            entry.update((k, v) for k, v in first.items() if k in ('result', 'request_id', 'status', 'msg'))
            entry['same_user_as'] = target.same_user_as

    unverified = []
    if params['verify'] and not module.check_mode and not module.stopped:
        unverified = module.run(lambda: revoker.verify(results, started - 60))

    by_result = dict((key, [r['user'] for r in results if r['result'] == result])
                     for key, result in (('cleared', CLEARED), ('not_found', NOT_FOUND), ('failed_users', FAILED)))
    # Counted once per person: a second name for the same user shares the first one's call.
    distinct = [r for r in results if 'same_user_as' not in r]
    summary = dict((key, len([r for r in distinct if r['result'] == result]))
                   for key, result in (('cleared', CLEARED), ('not_found', NOT_FOUND), ('failed', FAILED),
                                       ('skipped_protected', SKIPPED_PROTECTED), ('skipped_done', 'skipped_done'),
                                       ('not_attempted', 'not_attempted')))
    # A group that is missing or cannot be read (wholly) fails the task: some of its members may not have been cleared.
    missing_groups = [g for g in revoker.group_results if g['result'] == NOT_FOUND]
    failed_groups = [g for g in revoker.group_results if g['result'] == FAILED]
    outcome = dict(
        changed=bool(by_result['cleared']),
        results=results,
        groups=revoker.group_results,
        summary=summary,
        plan=plan,
        skipped_protected=[r['user'] for r in results if r['result'] == SKIPPED_PROTECTED],
        unverified=unverified,
        **by_result)
    outcome['msg'] = '%s %d users, %d not found, %d failed' % (
        'Would clear' if module.check_mode else 'Cleared', summary['cleared'], summary['not_found'], summary['failed'])
    for key, words in (('skipped_protected', 'protected'), ('skipped_done', 'already done (journal)'),
                       ('not_attempted', 'not attempted')):
        if summary[key]:
            outcome['msg'] += ', %d %s' % (summary[key], words)
    if revoker.groups:
        outcome['msg'] += '; groups: %d found, %d not found, %d failed' % (
            len(revoker.group_results) - len(missing_groups) - len(failed_groups), len(missing_groups), len(failed_groups))
    outcome['msg'] += ' (%d retries)' % module.retries
    if unverified:
        outcome['msg'] += '; %d sign-outs not (yet) in the System Log: see unverified' % len(unverified)
    named_but_missing = [r['user'] for r in results if r['result'] == NOT_FOUND and 'via_group' not in r]
    if named_but_missing and not params['fail_on_not_found']:
        module.warn('%d of the users named match nobody in Okta: %s%s' % (
            len(named_but_missing), ', '.join(named_but_missing[:20]),
            ' and %d more (see not_found)' % (len(named_but_missing) - 20) if len(named_but_missing) > 20 else ''))
    reasons = []
    if module.stopped:
        outcome['stopped'] = module.stopped
        reasons.append('the run stopped early: %s' % module.stopped)
    reasons += ['%s: %s' % (r['user'], r.get('msg')) for r in results if r['result'] == FAILED][:10]
    reasons += ['group %s: %s' % (g['group'], g.get('msg')) for g in missing_groups + failed_groups]
    if named_but_missing and params['fail_on_not_found']:
        reasons.append('not found (fail_on_not_found): %s' % ', '.join(named_but_missing[:20]))
    if reasons:
        outcome['msg'] += '. Failed: ' + '; '.join(reasons)
        module.fail_json(**outcome)
    module.exit_json(**outcome)


if __name__ == '__main__':
    main()
