#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: okta_user_watch
short_description: Watch contained Okta users for a while and sign out again whoever comes back
version_added: 0.2.0
description:
  - After containment an attacker with the password signs straight back in. For O(duration), this module polls
    the System Log (C(GET /api/v1/logs)) every O(interval) for sign-ins of the users (O(event_types), by default a
    new Okta session and OAuth tokens granted from a refresh token) and signs each one who came back out again
    (C(DELETE /api/v1/users/{id}/sessions), with their OAuth tokens), within seconds of Okta logging it.
  - Every re-entry is returned in RV(reentries) - when, from which IP address and user agent, which session - with
    the outcome of the sign-out, and journaled (O(journal)) as it happens.
  - Users are given as for M(identity.okta.okta_user_sessions) - IDs, logins, group members - and planned the same
    way; protected users are not watched.
  - Events are read with an overlap of 30 seconds, since Okta shows an event in the System Log some seconds after
    it happened, and each is acted on once. A sign-in in the last seconds of the window may be logged after it, so
    the module polls once more after O(duration) ends.
  - For a watch that outlives a playbook run, use the Event-Driven Ansible rulebook C(identity.okta.keep_contained).
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
    details: Polls once, reports the sign-ins since O(since) as re-entries that would be signed out, and returns.
  diff_mode:
    support: none
options:
  duration:
    description:
      - How long to watch, as a duration - V(45s), V(15m), V(2h).
    type: str
    required: true
  interval:
    description:
      - Seconds between two polls of the System Log, at least 2. Each poll costs one call of the System Log's
        rate-limit bucket per batch of about 100 users.
    type: float
    default: 10
  since:
    description:
      - Sign-ins from this time on count - V(now) (the default), a duration back from now such as V(5m), or an ISO
        8601 time such as V(2026-12-04T23:40:00Z).
      - Give the time containment began, and O(signed_out), so that a sign-in between a user's sign-out and the
        start of the watch is caught too.
    type: str
    default: now
  signed_out:
    description:
      - When each user was signed out (ISO 8601, as the RV(identity.okta.okta_user_sessions#module:results[].time)
        of M(identity.okta.okta_user_sessions)), by user ID or by the name given in O(users). A sign-in of that user
        before that time is the one containment ended, not a re-entry.
    type: dict
    default: {}
  event_types:
    description:
      - The System Log event types that mean a user came back.
    type: list
    elements: str
    default: [user.session.start, app.oauth2.as.token.grant.refresh_token, app.oauth2.token.grant.refresh_token]
  oauth_tokens:
    description: Revoke the OAuth tokens issued to the user with the sessions.
    type: bool
    default: true
notes:
  - Needs the scopes C(okta.logs.read), C(okta.users.read), C(okta.users.manage) and C(okta.groups.read) (for
    O(groups)) with an OAuth credential.
seealso:
  - module: identity.okta.okta_user_sessions
  - module: identity.okta.okta_log_info
'''

EXAMPLES = r'''
- name: Keep the contained users out for 15 minutes
  identity.okta.okta_user_watch:
    users: "{{ compromised_users }}"
    duration: 15m
    since: "{{ containment_started }}"
    journal: okta-journals/INC-4711-watch.jsonl
  register: watch

- name: Who came back
  ansible.builtin.debug:
    msg: "{{ watch.reentries | map(attribute='user') | list }}"
'''

RETURN = r'''
reentries:
  description: Each sign-in of a watched user during the watch, in the order Okta logged them.
  returned: always
  type: list
  elements: dict
  contains:
    user:
      description: The user as named in O(users) (or the ID of a group member).
      type: str
    user_id:
      description: Okta's user ID.
      type: str
    login:
      description: The user's login.
      type: str
    time:
      description: When Okta logged the sign-in (C(published)).
      type: str
    event_type:
      description: The event type, such as V(user.session.start).
      type: str
    ip:
      description: The client's IP address.
      type: str
    user_agent:
      description: The client's user agent.
      type: str
    session_id:
      description: The session Okta logged (C(authenticationContext.externalSessionId)).
      type: str
    result:
      description: V(cleared) (signed out again), V(would_clear) in check mode, or V(failed).
      type: str
    request_id:
      description: Okta's request ID of the sign-out.
      type: str
    msg:
      description: Why the sign-out failed.
      type: str
watched:
  description: How many users were watched.
  returned: always
  type: int
not_found:
  description: The users named that match nobody in Okta, and were not watched.
  returned: always
  type: list
  elements: str
polls:
  description: How many times the System Log was read.
  returned: always
  type: int
plan:
  description: What the watch was going to do (see M(identity.okta.okta_user_sessions)).
  returned: always
  type: dict
stopped:
  description: Why the watch ended before O(duration) (interrupted, or the journal could not be written).
  returned: when it did
  type: str
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

import datetime
import time

from ansible_collections.identity.okta.plugins.module_utils.okta_api import (
    SIGN_IN_EVENT_TYPES, revoke_user_sessions, sign_in_events,
)
from ansible_collections.identity.okta.plugins.module_utils.okta_errors import OktaApiError
from ansible_collections.identity.okta.plugins.module_utils.okta_journal import JournalError
from ansible_collections.identity.okta.plugins.module_utils.okta_module import OktaModule
from ansible_collections.identity.okta.plugins.module_utils.okta_rate_limit import WaitCancelled
from ansible_collections.identity.okta.plugins.module_utils.okta_time import DURATION, UNITS, okta_time, parse_time
from ansible_collections.identity.okta.plugins.module_utils.okta_users import UserTargets
from ansible_collections.identity.okta.plugins.module_utils.okta_specs import USERS_ARGUMENT_SPEC

MIN_INTERVAL_SECONDS = 2.0
LOG_LAG_SECONDS = 30.0  # Okta shows an event some seconds after it happened: each poll reads this far back again
CLEARED = 'cleared'


def seconds_of(module, option):
    match = DURATION.match(str(module.params[option]).strip())
    if not match:
        module.fail_json(msg='%s must be a duration such as 45s, 15m or 2h, got %r.' % (option, module.params[option]),
                         field=option)
    return datetime.timedelta(**{UNITS[match.group(2)]: float(match.group(1))}).total_seconds()


class Watch(UserTargets):
    """Polls the System Log for sign-ins of the planned users and signs each one out again."""

    def __init__(self, module):
        super(Watch, self).__init__(module, resolve_all_ids=True)
        self.duration = seconds_of(module, 'duration')
        self.interval = module.params['interval']
        if not MIN_INTERVAL_SECONDS <= self.interval <= 3600:
            module.fail_json(msg='interval must be from %d to 3600 seconds, got %s.' % (MIN_INTERVAL_SECONDS, self.interval),
                             field='interval')
        try:
            self.since = parse_time(module.params['since'])
            self.signed_out = dict((name, parse_time(value)) for name, value in module.params['signed_out'].items())
        except ValueError as exc:
            module.fail_json(msg='since or signed_out %s.' % exc, field='since')
        self.reentries = []
        self.watched = {}
        self.not_found = []
        self.polls = 0
        self._seen = set()

    def watch(self):
        self.plan()
        self.refuse_over_max_targets(self.summary_of_plan({}))
        self.not_found = [t.name for t in self.targets if (t.outcome or {}).get('result') == 'not_found']
        if self.not_found and self.params['fail_on_not_found']:
            self.module.fail_json(msg='Nobody was watched: %d of the users named match nobody in Okta (fail_on_not_found): '
                                  '%s' % (len(self.not_found), ', '.join(self.not_found[:20])),
                                  field='users', not_found=self.not_found)
        if self.not_found:
            self.module.warn('%d of the users named match nobody in Okta and are not watched: %s'
                             % (len(self.not_found), ', '.join(self.not_found[:20])))
        self.watched = dict((t.user_id, t) for t in self.to_act_on())
        if not self.watched:
            return None
        if self.module.check_mode:
            self.poll(okta_time(datetime.datetime.now(datetime.timezone.utc)))
            return None
        with self.module.journaled_run((), 'the watch was interrupted (%s); every re-entry seen until then was signed '
                                           'out and recorded') as stop:
            self._loop(stop, self.module.journal)
        return self.module.stopped

    def _loop(self, stop, journal):
        started = time.time()
        deadline = started + self.duration
        while not stop.is_set():
            now = time.time()
            self.poll(okta_time(datetime.datetime.fromtimestamp(now, datetime.timezone.utc)), journal, stop)
            if now >= deadline:
                break  # this last poll began after the window ended: what was logged in it has been read
            self._report(journal, now - started)
            pause = min(self.interval, deadline - now + 1.0)
            while pause > 0 and not stop.is_set():
                time.sleep(min(pause, 0.5))
                pause -= 0.5

    def poll(self, until, journal=None, stop=None):
        """Read the sign-ins since the last poll (with the log's lag) and sign out each user who came back."""
        since = self.since
        if self.polls:
            back = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=LOG_LAG_SECONDS)
            since = max(self.since, okta_time(back))
        self.polls += 1
        events = [e for e in sign_in_events(self.client, list(self.watched), self.module.params['event_types'], since, until)
                  if e.get('uuid') not in self._seen]
        by_user = {}
        for event in events:
            self._seen.add(event.get('uuid'))
            target = self.watched.get((event.get('actor') or {}).get('id'))
            if target is None or (event.get('published') or '') < self._signed_out_at(target):
                continue
            by_user.setdefault(target.user_id, []).append(event)
        for user_id, user_events in by_user.items():
            outcome = self._sign_out(self.watched[user_id], journal, stop)
            for event in user_events:
                self.reentries.append(dict(self._describe(self.watched[user_id], event), **outcome))

    def _signed_out_at(self, target):
        return max(self.signed_out.get(target.user_id, ''), self.signed_out.get(target.name, ''))

    def _sign_out(self, target, journal, stop):
        if self.module.check_mode:
            return {'result': 'would_clear'}
        if stop is not None and stop.is_set():
            return {'result': 'not_attempted', 'msg': 'Not attempted: %s' % stop.reason}
        try:
            if journal is not None:
                journal.attempted(target.name, user_id=target.user_id)
            outcome = {'result': CLEARED, 'request_id': revoke_user_sessions(
                self.client, target.user_id, oauth_tokens=self.module.params['oauth_tokens'])}
        except (JournalError, WaitCancelled) as exc:
            return {'result': 'not_attempted', 'msg': 'Not attempted: %s' % exc}
        except OktaApiError as exc:
            outcome = dict((k, v) for k, v in exc.as_dict().items() if v not in (None, []))
            outcome['result'] = 'failed'
        outcome['time'] = okta_time(datetime.datetime.now(datetime.timezone.utc))
        if journal is not None:
            try:
                journal.outcome(target.name, dict(outcome, user_id=target.user_id, login=target.login))
            except JournalError:
                pass  # the watch stops for it (the journal's on_failure)
        return outcome

    @staticmethod
    def _describe(target, event):
        client = event.get('client') or {}
        return {'user': target.name, 'user_id': target.user_id, 'login': target.login, 'time': event.get('published'),
                'event_type': event.get('eventType'), 'ip': client.get('ipAddress'),
                'user_agent': (client.get('userAgent') or {}).get('rawUserAgent'),
                'session_id': (event.get('authenticationContext') or {}).get('externalSessionId')}

    def _report(self, journal, elapsed):
        if journal is None:
            return
        counts = {}
        for entry in self.reentries:
            counts[entry['result']] = counts.get(entry['result'], 0) + 1
        try:
            journal.write('progress', done=len(self.reentries), counts=counts, elapsed_s=round(elapsed, 1),
                          eta_s=round(max(0.0, self.duration - elapsed), 1))
        except JournalError:
            pass


def main():
    module = OktaModule(
        argument_spec=dict(
            USERS_ARGUMENT_SPEC,
            duration=dict(type='str', required=True),
            interval=dict(type='float', default=10),
            since=dict(type='str', default='now'),
            signed_out=dict(type='dict', default={}),
            event_types=dict(type='list', elements='str', default=list(SIGN_IN_EVENT_TYPES)),
            oauth_tokens=dict(type='bool', default=True),
        ),
        bulk=True,
        default_scopes=['okta.users.read', 'okta.users.manage', 'okta.groups.read', 'okta.logs.read'],
        required_one_of=[('users', 'groups')],
        supports_check_mode=True,
    )
    watch = Watch(module)
    stopped = module.run(watch.watch)
    cleared = [r for r in watch.reentries if r['result'] == CLEARED]
    failed = [r for r in watch.reentries if r['result'] == 'failed']
    result = dict(changed=bool(cleared), reentries=watch.reentries, watched=len(watch.watched), polls=watch.polls,
                  plan=watch.summary_of_plan({}), not_found=watch.not_found)
    result['msg'] = '%s %d users for %s: %d re-entries, %d %s, %d failed' % (
        'Checked' if module.check_mode else 'Watched', len(watch.watched), module.params['duration'],
        len(watch.reentries), len(cleared) if not module.check_mode else len(watch.reentries),
        'would be signed out again' if module.check_mode else 'signed out again', len(failed))
    if stopped:
        result['stopped'] = stopped
        result['msg'] += '. The watch stopped early: %s' % stopped
    if failed or stopped:
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
