# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The users a bulk task acts on, worked out before any change: names resolved to user IDs,
group members read, duplicates found, protected users set aside, the count checked.

Logins are resolved in batches (one ``search`` call names many logins), so that a user
named by login costs about one call of the users rate-limit bucket, like one named by ID.
A name the search does not find is looked up on its own (``GET /api/v1/users/{login}``)
before it is called not found. Shared by every module that acts on many users
(okta_user_sessions and the containment modules).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import sys

from ansible_collections.identity.okta.plugins.module_utils.okta_api import (
    find_groups, get_user, group_members, search_batches, search_users,
)
from ansible_collections.identity.okta.plugins.module_utils.okta_bulk import (
    NOT_ATTEMPTED, SKIPPED_DONE, outcome_counts, summary_line, with_failures,
)
from ansible_collections.identity.okta.plugins.module_utils.okta_errors import OktaApiError, TaskFailed
from ansible_collections.identity.okta.plugins.module_utils.okta_ids import KIND_GROUP, KIND_USER

USER_ID = re.compile(r'^00u[0-9A-Za-z]{17}$')
GROUP_ID = re.compile(r'^00g[0-9A-Za-z]{17}$')
NOT_FOUND = 'not_found'
FAILED = 'failed'
SKIPPED_PROTECTED = 'skipped_protected'
SKIPPED = 'skipped'


class UserNotFound(Exception):
    """Okta's 404 for a call about the user itself: the user does not exist (deleted since the plan, or never)."""

    def __init__(self, error):
        super(UserNotFound, self).__init__(str(error))
        self.error = error


def about_user(call, *args, **kwargs):
    """``call(*args, **kwargs)``: a call whose 404 means the user is gone, raised as UserNotFound, which every bulk
    run reports as not_found. A 404 of another call (of a token, say) stays that call's failure."""
    try:
        return call(*args, **kwargs)
    except OktaApiError as exc:
        if exc.not_found:
            raise UserNotFound(exc)
        raise


class Target:
    """One user to act on, as named, with what the plan found out about it."""

    __slots__ = ('name', 'via_group', 'login', 'user_id', 'status', 'same_user_as', 'outcome')

    def __init__(self, name, via_group=None, login=None, user_id=None, status=None):
        self.name = name
        self.via_group = via_group
        self.login = login
        self.user_id = user_id
        self.status = status  # Okta's user status, when the plan read the user
        self.same_user_as = None
        self.outcome = None  # known before any change: not found, protected

    def __str__(self):
        return self.name


class UserTargets:
    """The plan of a task over many users: ``targets`` (Target, in the order named, group members after),
    ``group_results``, and who is protected - every name resolved, counted and checked against the guardrails
    before any change. ``resolve_all_ids``: look IDs up too (check mode, or an action that needs each user's
    state), not only logins."""

    def __init__(self, module, resolve_all_ids=False):
        self.module = module
        self.resolve_all_ids = resolve_all_ids or module.check_mode
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
        """Resolve every name and read every group, before any change."""
        seen_names = set()
        for chunk in _chunks([n for n in self.users if _first_time(seen_names, n)], 200):
            resolved = self._resolve(chunk, all_ids=self.resolve_all_ids)
            for name in chunk:
                user = resolved.get(_name_key(name))
                if user is not None:
                    self.targets.append(Target(name, login=_login(user), user_id=user['id'], status=user.get('status')))
                elif USER_ID.match(name) and not self.resolve_all_ids:
                    self.targets.append(Target(name, user_id=name))  # an ID needs no lookup to be acted on
                else:
                    self.targets.append(self._looked_up(name))
        for group in self.groups:
            for member in self._members(group, self.group_results):
                # A member is new unless named already (by ID or login) or met in an earlier group; only its ID is
                # remembered, so that an org-wide group costs one entry per person here.
                login = _login(member)
                if _first_time(seen_names, member['id']) and (login or '').lower() not in seen_names:
                    self.targets.append(Target(member['id'], via_group=group, login=login, user_id=member['id'],
                                               status=_shared(member.get('status'))))
        self._protect()
        first_by_id = {}
        for target in self.targets:
            # Group members are never a second name of anyone (see above): only the names given can be.
            if target.via_group is None and target.outcome is None and target.user_id is not None:
                first = first_by_id.setdefault(target.user_id, target)
                if first is not target:
                    target.same_user_as = first.name

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
        return Target(name, login=_login(user), user_id=user['id'], status=user.get('status'))

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
            raise TaskFailed('protected_groups could not be read, so nobody was signed out: %s'
                             % '; '.join('%s: %s' % (g['group'], g.get('msg')) for g in unreadable),
                             field='protected_groups', protected_groups=self.protected_group_results)
        for target in self.targets:
            names = set(filter(None, (target.name.lower(), (target.login or '').lower())))
            if target.outcome is None and (target.user_id in self.protected_ids or names & self.protected_names):
                target.outcome = {'result': SKIPPED_PROTECTED,
                                  'msg': 'Protected (protected_users or protected_groups): never signed out.'}

    def to_act_on(self):
        """The distinct users the task will act on (neither not found, protected nor a second name)."""
        return [t for t in self.targets if t.outcome is None and t.same_user_as is None]

    def refuse_over_max_targets(self, plan):
        count = len(self.to_act_on())
        if count > self.params['max_targets']:
            raise TaskFailed('This run would act on %d users, more than max_targets (%d); nothing was changed. Check '
                             'users and groups (a group such as Everyone is the whole org), or raise max_targets.'
                             % (count, self.params['max_targets']), field='max_targets', plan=plan,
                             groups=self.group_results)

    def summary_of_plan(self, calls_per_user):
        """The plan as returned and journaled: counts, the calls needed per rate-limit bucket
        (``calls_per_user``: {bucket: calls for each user acted on}), the limit Okta reported for the first of
        those buckets (this token's share of it) and how long the calls take at this run's share."""
        count = len(self.to_act_on())
        limiter = self.client.rate_limiter
        calls = dict((bucket, per_user * count) for bucket, per_user in calls_per_user.items())
        plan = dict(
            targets=len(self.targets), to_act_on=count,
            not_found=len([t for t in self.targets if (t.outcome or {}).get('result') == NOT_FOUND]),
            protected=len([t for t in self.targets if (t.outcome or {}).get('result') == SKIPPED_PROTECTED]),
            duplicates=len([t for t in self.targets if t.same_user_as]),
            calls={} if self.module.check_mode else calls, calls_so_far=self.client.requests,
            max_api_share=limiter.max_share)
        if calls:
            bucket = sorted(calls)[0]
            plan['bucket_limit'] = limiter.known_limit(bucket)
            estimate = self.client.estimate_seconds(calls)
            if estimate is not None:
                plan['estimated_seconds'] = round(estimate, 1)
        return plan


class UserBulkRun(object):
    """A task that does one thing to each user of the plan: plan, guardrails, the bulk run with its journal
    and progress, the per-user results and the summary. Subclasses give ``act(target)`` (the outcome of one
    user: ``done_result`` or another result) and ``calls_per_user`` ({bucket: calls}).

    When Okta answers that the org or the credential cannot do this at all (a feature the org does not have,
    a scope the credential lacks: ``unavailable(exc)`` says), every user not yet done is ``skipped`` with
    Okta's answer and no further call - a clear skip, not a failed run."""

    done_result = 'done'
    done_words = ('Done', 'Would do')  # the summary's verb, in a real run and in check mode
    calls_per_user = {}
    also_final = ()  # outcomes besides done_result after which a user needs nothing more (``unchanged``)
    feature_scope = None  # the OAuth scope of a feature the org may lack (its refusal skips every user)

    def __init__(self, module, resolve_all_ids=False):
        self.module = module
        self.params = module.params
        self.people = UserTargets(module, resolve_all_ids)  # the plan: who, found how, protected or not
        self.client = module.client
        self.plan_summary = None
        self.skip_reason = None

    @property
    def final_results(self):
        """The outcomes a resumed run does not repeat (okta_journal)."""
        return (self.done_result,) + tuple(self.also_final)

    def act(self, target):
        raise NotImplementedError()

    def unavailable(self, exc):
        """Why Okta's error ``exc`` means no user can be done (a reason to skip them all), or None."""
        return None

    def _act_or_skip(self, target):
        if target.outcome is not None or target.same_user_as is not None:
            return target.outcome or {'result': 'pending'}
        if self.skip_reason:
            return {'result': SKIPPED, 'msg': self.skip_reason}
        try:
            return self.act(target)
        except UserNotFound as gone:
            return {'result': NOT_FOUND, 'request_id': gone.error.request_id}
        except OktaApiError as exc:
            reason = self.unavailable(exc)
            if reason is None:
                raise
            self.skip_reason = '%s (Okta: HTTP %s %s: %s)' % (reason, exc.status, exc.error_code, exc.error_summary)
            return {'result': SKIPPED, 'msg': self.skip_reason, 'status': exc.status, 'request_id': exc.request_id}

    def run(self):
        """Plan, check the guardrails, act on every user; return the results (one entry per name). A task that
        must fail before any change fails through the module's glue (TaskFailed, OktaApiError)."""
        return self.module.run(self._planned_run)

    def _planned_run(self):
        module = self.module
        if self.params['max_targets'] < 1:
            raise TaskFailed('max_targets must be 1 or more, got %d.' % self.params['max_targets'], field='max_targets')
        try:
            self.people.plan()
        except OktaApiError as exc:
            if not (exc.error_code == 'invalid_scope' and self.feature_scope):
                raise
            # The org refuses the feature's scope to this OAuth app (the feature is off, or the app may not have
            # it): no user can be done, nor even looked up. Each one is a clear skip, with Okta's answer.
            self.skip_reason = 'Okta refused the scope %s to this OAuth app (%s): the org lacks the feature or the ' \
                               'app may not have the scope' % (self.feature_scope, exc.error_summary)
            self.people.targets = [Target(name) for name in self.people.users]
            for target in self.people.targets:
                target.outcome = {'result': SKIPPED, 'msg': self.skip_reason, 'status': exc.status}
        self.plan_summary = self.people.summary_of_plan(self.calls_per_user)
        self.people.refuse_over_max_targets(self.plan_summary)
        # A person named twice (a login and an ID, say) gets one call, whose outcome the second name shares.
        seconds = set(t.user_id for t in self.people.targets if t.same_user_as is not None)
        first_outcomes = {}
        succeeded = set(self.final_results) | {SKIPPED_DONE}

        def keep(entry):
            target = entry['target']
            if target.same_user_as is None and target.user_id in seconds:
                first_outcomes[target.user_id] = dict((k, entry[k]) for k in ('result', 'request_id', 'status', 'msg')
                                                      if k in entry)
            return self.params['results'] == 'all' or entry['result'] not in succeeded

        results = module.run_bulk(self._act_or_skip, self.people.targets, 'target', self.final_results,
                                  total=len(self.people.targets), plan=self.plan_summary, keep=keep)
        for entry in results:
            target = entry.pop('target')
            entry['user'] = target.name
            for key, value in (('via_group', target.via_group), ('login', target.login), ('user_id', target.user_id)):
                if value is not None:
                    entry.setdefault(key, value)
            if target.same_user_as is not None and entry['result'] == 'pending':
                entry.update(first_outcomes.get(target.user_id) or {})
                entry['same_user_as'] = target.same_user_as
        return [entry for entry in results if self.params['results'] == 'all' or entry['result'] not in succeeded]

    def finish(self, results, **extra):
        """The task's result (for OktaModule.end): the results, the per-result lists and counts, one line that says
        it all, and ``failed``. ``extra`` goes into the result; an ``extra_msg`` is added to the line."""
        module = self.module
        done, would = self.done_words
        extra_msg = extra.pop('extra_msg', '')
        by_result = dict((key, [r['user'] for r in results if r['result'] == result])
                         for key, result in ((self.done_result, self.done_result), ('not_found', NOT_FOUND),
                                             ('failed_users', FAILED)))
        # Counted once per person: a second name for the same user shares the first one's call.
        summary = outcome_counts(module.counts, (self.done_result, NOT_FOUND, FAILED, SKIPPED_PROTECTED,
                                                 SKIPPED_DONE, NOT_ATTEMPTED))
        if self.params['results'] != 'all':
            del by_result[self.done_result]  # the people done are in the journal, not in the result
        outcome = dict(changed=summary[self.done_result] > 0, results=results if self.params['results'] != 'none' else [],
                       groups=self.people.group_results, summary=summary, plan=self.plan_summary,
                       skipped_protected=[r['user'] for r in results if r['result'] == SKIPPED_PROTECTED],
                       **by_result)
        outcome.update(extra)
        if module.stopped:
            outcome['stopped'] = module.stopped
        line = summary_line('%s %d users, %d not found, %d failed' % (
            would if module.check_mode else done, summary[self.done_result], summary[NOT_FOUND], summary[FAILED]),
            summary, (self.done_result, NOT_FOUND, FAILED))
        failures = self._failures(results)
        outcome['msg'] = with_failures(line + self._groups_line() + ' (%d retries)%s' % (module.retries, extra_msg),
                                       module.stopped, failures)
        outcome['failed'] = bool(module.stopped or failures)
        return outcome

    def _groups_line(self):
        if not self.people.groups:
            return ''
        groups = self.people.group_results
        missing = sum(1 for g in groups if g['result'] == NOT_FOUND)
        failed = sum(1 for g in groups if g['result'] == FAILED)
        return '; groups: %d found, %d not found, %d failed' % (len(groups) - missing - failed, missing, failed)

    def _failures(self, results):
        """Why the run fails (``(reason, is a failed user)`` pairs): users that failed, groups missing or unreadable
        (some of their members may be left out), users named and not found with fail_on_not_found."""
        reasons = [('%s: %s' % (r['user'], r.get('msg')), True) for r in results if r['result'] == FAILED]
        reasons += [('group %s: %s' % (g['group'], g.get('msg')), False) for g in self.people.group_results
                    if g['result'] in (NOT_FOUND, FAILED)]
        named_but_missing = [r['user'] for r in results if r['result'] == NOT_FOUND and 'via_group' not in r]
        if named_but_missing and self.params['fail_on_not_found']:
            reasons.append(('not found (fail_on_not_found): %s' % ', '.join(named_but_missing[:20]), False))
        elif named_but_missing:
            self.module.warn('%d of the users named match nobody in Okta: %s%s' % (
                len(named_but_missing), ', '.join(named_but_missing[:20]),
                ' and %d more (see not_found)' % (len(named_but_missing) - 20) if len(named_but_missing) > 20 else ''))
        return reasons


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


def _shared(status):
    """One string per status (ACTIVE, SUSPENDED, ...) for every member of an org-wide group, not one each."""
    return sys.intern(status) if isinstance(status, str) else status


def _login(user):
    return (user.get('profile') or {}).get('login')
