#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: okta_session
short_description: Create, refresh and revoke Okta sessions
version_added: 0.1.0
description:
  - Creates an Okta session from a session token, refreshes a session, or revokes one or many sessions
    with the Okta Sessions API.
  - Revocation is idempotent; a session that is already gone is reported as V(absent), not as a failure.
author:
  - identity.okta maintainers (@identity-okta)
extends_documentation_fragment:
  - identity.okta.verify
  - identity.okta.attributes
  - identity.okta.connection
  - identity.okta.bulk
attributes:
  check_mode:
    support: full
    details:
      - Refresh and revoke read each session first and report what would change.
      - Creation cannot be checked without spending the single-use session token, so it only reports that it would create.
  diff_mode:
    support: full
options:
  state:
    description:
      - V(present) creates a session from O(session_token) (C(POST /api/v1/sessions)). This is a legacy Okta
        Classic Engine endpoint that Okta has removed from its current API reference.
      - V(refreshed) extends the session O(session_id) (C(POST /api/v1/sessions/{id}/lifecycle/refresh)).
        A session that does not exist cannot be refreshed and fails the task.
      - V(absent) revokes O(session_id) or every session in O(session_ids) (C(DELETE /api/v1/sessions/{id})).
    type: str
    choices: [present, refreshed, absent]
    default: present
  session_token:
    description:
      - The session token to exchange for a session, from the Okta Authentication API.
      - A session token is single-use and short-lived (about five minutes). A token that was used
        already, or has expired, is refused by Okta and fails the task.
      - Required with O(state=present). Okta accepts this call only with an API token (O(api_token)), not
        with OAuth access tokens.
    type: str
  session_id:
    description:
      - The ID of one session. Required with O(state=refreshed).
    type: str
  session_ids:
    description:
      - Session IDs to revoke with O(state=absent). Duplicates are revoked once.
      - Every ID ends in RV(results) as V(revoked), V(absent) or V(failed); V(skipped_done) when O(journal)
        shows an earlier run finished it, V(not_attempted) when the run stopped early (RV(stopped)). The task
        fails after trying all of them if any failed.
    type: list
    elements: str
  results:
    description:
      - Which per-session entries O(state=absent) returns in RV(results).
      - V(all) returns one entry per ID, and the lists RV(revoked) and RV(absent).
      - V(failures) returns only the entries of IDs that were neither revoked nor already absent, and neither list -
        for tens of thousands of IDs, the task's memory and result then grow with the failures only.
      - V(none) returns no entries, only the counts in RV(msg) and RV(failed_ids).
      - The O(journal) records every ID in every mode.
    type: str
    choices: [all, failures, none]
    default: all
notes:
  - O(concurrency) and O(max_api_share) apply to O(session_ids); other operations make one or two calls.
  - Needs an admin API token, or an OAuth credential with the scopes C(okta.sessions.read) and
    C(okta.sessions.manage) (and C(okta.logs.read) for O(verify)).
seealso:
  - module: identity.okta.okta_session_info
  - module: identity.okta.okta_user_sessions
  - name: Okta Sessions API
    description: Okta's reference for the sessions endpoints.
    link: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Session/
'''

EXAMPLES = r'''
- name: Create a session from a session token obtained from the Authentication API
  identity.okta.okta_session:
    org_url: https://example.okta.com
    api_token: "{{ okta_api_token }}"
    session_token: "{{ authn_result.json.sessionToken }}"
  register: created

- name: Extend a session
  identity.okta.okta_session:
    session_id: "{{ created.session.id }}"
    state: refreshed

- name: Revoke the sessions found on a stolen laptop (connection from the environment)
  identity.okta.okta_session:
    state: absent
    session_ids:
      - 102GALFVpuTRtSLDeRCnxfuDg
      - 102mhGq3VQ5Qj2NvBhrvPY9Kw
  register: revoked

- name: Show what was revoked
  ansible.builtin.debug:
    msg: "{{ revoked.revoked | length }} revoked, {{ revoked.absent | length }} already gone"
'''

RETURN = r'''
session:
  description: The session, as Okta returned it with keys in snake_case, for O(state=present) and O(state=refreshed).
  returned: when O(state=present) or O(state=refreshed)
  type: dict
  contains:
    id:
      description: Session ID.
      type: str
      sample: 102GALFVpuTRtSLDeRCnxfuDg
    user_id:
      description: ID of the user the session belongs to.
      type: str
      sample: 00u1abcdEFGHijklm0h7
    login:
      description: Login of that user.
      type: str
      sample: jane.doe@example.com
    status:
      description: V(ACTIVE), V(MFA_REQUIRED) or V(MFA_ENROLL).
      type: str
      sample: ACTIVE
    created_at:
      description: When the session was created.
      type: str
      sample: '2026-11-25T08:00:00.000Z'
    expires_at:
      description: When the session expires; moved forward by a refresh.
      type: str
      sample: '2026-11-25T10:00:00.000Z'
    last_password_verification:
      description: When the user last verified a password.
      type: str
    last_factor_verification:
      description: When the user last completed multifactor authentication.
      type: str
    amr:
      description: Authentication methods used, such as V(pwd) and V(mfa).
      type: list
      elements: str
    idp:
      description: The identity provider that authenticated the user (C(id) and C(type)).
      type: dict
    mfa_active:
      description: Whether multifactor authentication is active for the session; V(null) when Okta does not say.
      type: bool
results:
  description: One entry per distinct session ID, in the order given, for O(state=absent).
  returned: when O(state=absent)
  type: list
  elements: dict
  contains:
    session_id:
      description: The session ID.
      type: str
    result:
      description:
        - V(revoked), V(absent) (it did not exist) or V(failed); V(skipped_done) (O(journal)) or V(not_attempted)
          (RV(stopped)). In check mode, what would happen.
      type: str
    verification:
      description: With O(verify), V(verified) when the System Log shows the revocation, else V(unverified).
      type: str
      returned: with O(verify), for revoked sessions
    evidence:
      description: With O(verify), the C(uuid) and C(published) time of the session's C(user.session.end) event.
      type: dict
      returned: with O(verify), when the event was found
    msg:
      description: Why it failed.
      type: str
      returned: when RV(results[].result=failed)
    status:
      description: HTTP status of the failure, if Okta answered.
      type: int
      returned: when RV(results[].result=failed)
    error_code:
      description: Okta's C(errorCode), such as V(E0000006).
      type: str
      returned: when Okta returned an error body
    request_id:
      description: Okta's C(X-Okta-Request-Id) of the call, for the incident record and Okta support.
      type: str
      returned: when Okta answered
    time:
      description: When the ID was finished with (UTC, ISO 8601).
      type: str
      sample: '2026-11-25T08:41:07.512345Z'
revoked:
  description: IDs of the sessions that were (or in check mode would be) revoked.
  returned: when O(state=absent) and O(results=all)
  type: list
  elements: str
absent:
  description: IDs of the sessions that did not exist.
  returned: when O(state=absent) and O(results=all)
  type: list
  elements: str
failed_ids:
  description: IDs of the sessions that could not be revoked; see RV(results) for why.
  returned: when O(state=absent)
  type: list
  elements: str
msg:
  description: A one-line summary, such as V(298 revoked, 2 already absent, 0 failed), or in check mode
    V(would revoke 298, 2 already absent, 0 failed).
  returned: when O(state=absent)
  type: str
unverified:
  description: With O(verify), the sessions revoked whose revocation the System Log did not show in time.
  returned: when O(state=absent)
  type: list
  elements: str
stopped:
  description: Why the run stopped before trying every session (interrupted, a refused credential, an unreachable org).
  returned: when the run stopped early
  type: str
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

from ansible_collections.identity.okta.plugins.module_utils.okta_api import (
    ABSENT, REVOKED, create_session, get_session, refresh_session, revoke_session, session_end_events, session_result,
)
from ansible_collections.identity.okta.plugins.module_utils.okta_bulk import (
    FAILED, SKIPPED_DONE, outcome_counts, summary_line, with_failures,
)
from ansible_collections.identity.okta.plugins.module_utils.okta_errors import OktaApiError
from ansible_collections.identity.okta.plugins.module_utils.okta_module import OktaModule
from ansible_collections.identity.okta.plugins.module_utils.okta_specs import RESULTS_MODES
from ansible_collections.identity.okta.plugins.module_utils.okta_verify import verify_in_log

EXTERNAL_ID_PREFIX = 'idx'  # Identity Engine's external session IDs, as the System Log names sessions


def ensure_present(module):
    if module.check_mode:
        return dict(changed=True, session={}, diff=dict(before={}, after={'session': 'created from session_token'}))
    try:
        session = create_session(module.client, module.params['session_token'])
    except OktaApiError as exc:
        if exc.status in (400, 401, 403) and exc.error_code in ('E0000005', 'E0000001', 'E0000004'):
            exc.message = ('Okta refused the session token (%s: %s). A session token is single-use and expires '
                           'after a few minutes: obtain a new one.' % (exc.error_code, exc.error_summary))
        raise
    result = session_result(session)
    return dict(changed=True, session=result, diff=dict(before={}, after=_diff_view(result)))


def ensure_refreshed(module):
    session_id = module.single_or_list('session_id', 'session_ids')[1][0]
    missing = 'Session %s does not exist, so it cannot be refreshed.' % session_id
    before = get_session(module.client, session_id) if (module.check_mode or module._diff) else None
    if module.check_mode:
        if before is None:
            module.fail_json(msg=missing, session_id=session_id)
        result = session_result(before)
        return dict(changed=True, session=result,
                    diff=dict(before=_diff_view(result), after=dict(_diff_view(result), expires_at='(extended)')))
    try:
        session = refresh_session(module.client, session_id)
    except OktaApiError as exc:
        if exc.not_found:
            module.fail_json(msg=missing, session_id=session_id, status=404, request_id=exc.request_id)
        raise
    result = session_result(session)
    return dict(changed=True, session=result,
                diff=dict(before=_diff_view(session_result(before)) if before else {}, after=_diff_view(result)))


def ensure_absent(module):
    dummy, ids = module.single_or_list('session_id', 'session_ids')

    def would_revoke(session_id):
        return REVOKED if get_session(module.client, session_id) is not None else ABSENT

    def revoke(session_id):
        owner = None
        if module.params['verify'] and not session_id.startswith(EXTERNAL_ID_PREFIX):
            # The System Log names a session by its idx... ID only: with the 102... ID, its sign-out is found by user.
            session = get_session(module.client, session_id)
            owner = session.get('userId') if session else None  # gone already: the DELETE says so, with its id
        module.record_attempt(session_id)
        return dict(revoke_session(module.client, session_id), **({'user_id': owner} if owner else {}))

    started = time.time()
    mode = module.params['results']

    def returned(entry):
        return mode == 'all' or entry['result'] not in (REVOKED, ABSENT, SKIPPED_DONE)

    # verify reads every revocation's entry: it keeps them all until it is done.
    results = module.run_bulk(would_revoke if module.check_mode else revoke, ids, 'session_id', final_results=(REVOKED, ABSENT),
                              total=len(ids), keep=None if module.params['verify'] else returned)
    unverified = []
    if module.params['verify'] and not module.check_mode and not module.stopped:
        unverified = verify(module, results, started - 60)
    return _absent_outcome(module, results, [entry for entry in results if returned(entry)], unverified)


def _absent_outcome(module, results, returned, unverified):
    """What state=absent returns: the lists by outcome, the diff, and the summary line all bulk modules give."""
    mode = module.params['results']
    by_outcome = dict((key, [r['session_id'] for r in results if r['result'] == outcome])
                      for key, outcome in (('revoked', REVOKED), ('absent', ABSENT), ('failed_ids', FAILED)))
    summary = outcome_counts(module.counts, (REVOKED, ABSENT, FAILED))
    outcome = dict(changed=summary[REVOKED] > 0, results=returned if mode != 'none' else [], unverified=unverified,
                   diff=dict(before={'sessions': dict((i, 'active') for i in by_outcome['revoked'])},
                             after={'sessions': dict((i, 'revoked') for i in by_outcome['revoked'])}),
                   **by_outcome)
    if mode != 'all':
        del outcome['revoked'], outcome['absent']  # in the journal, not in the result
    line = summary_line(('would revoke %d, %d already absent, %d failed' if module.check_mode else
                         '%d revoked, %d already absent, %d failed') % (summary[REVOKED], summary[ABSENT], summary[FAILED]),
                        summary, (REVOKED, ABSENT, FAILED))
    if unverified:
        line += '; %d revocations not (yet) in the System Log: see unverified' % len(unverified)
    failures = [('%s: %s' % (r['session_id'], r.get('msg')), True) for r in returned if r['result'] == FAILED]
    outcome['msg'] = with_failures(line, module.stopped, failures)
    if module.stopped:
        outcome['stopped'] = module.stopped
    outcome['failed'] = bool(module.stopped or failures)
    return outcome


def verify(module, results, since):
    """Okta's own record of each revocation: the ``user.session.end`` event of the session (by its idx... ID),
    or, for a session named by its 102... ID, one of its user's since the run started, each event used once."""
    revoked = dict((r['session_id'], r) for r in results if r['result'] == REVOKED)

    def read_events(session_ids):
        by_id = [i for i in session_ids if i.startswith(EXTERNAL_ID_PREFIX)]
        by_user = dict((revoked[i]['user_id'], i) for i in session_ids if revoked[i].get('user_id'))
        for key, event in module.run(lambda: list(session_end_events(module.client, by_id, list(by_user), since))):
            yield (key if key in revoked else by_user.get(key)), event

    return verify_in_log(revoked, read_events, module.params['verify_timeout'])


def _diff_view(session):
    return dict((k, session.get(k)) for k in ('id', 'login', 'status', 'expires_at'))


def main():
    module = OktaModule(
        argument_spec=dict(
            state=dict(type='str', default='present', choices=['present', 'refreshed', 'absent']),
            session_token=dict(type='str', no_log=True),
            session_id=dict(type='str'),
            session_ids=dict(type='list', elements='str'),
            verify=dict(type='bool', default=False),
            verify_timeout=dict(type='int', default=60),
            results=dict(type='str', default='all', choices=list(RESULTS_MODES)),
        ),
        bulk=True,
        default_scopes=['okta.sessions.read', 'okta.sessions.manage', 'okta.logs.read'],
        mutually_exclusive=[('session_id', 'session_ids')],
        required_if=[
            ('state', 'present', ('session_token',)),
            ('state', 'refreshed', ('session_id',)),
            ('state', 'absent', ('session_id', 'session_ids'), True),
        ],
        supports_check_mode=True,
    )
    handlers = dict(present=ensure_present, refreshed=ensure_refreshed, absent=ensure_absent)
    state = module.params['state']
    module.refuse_options(state, *dict(present=('session_id', 'session_ids'), refreshed=('session_token', 'session_ids'),
                                       absent=('session_token',))[state])
    result = module.run(lambda: handlers[module.params['state']](module))
    if not module._diff:
        result.pop('diff', None)
    module.end(result)


if __name__ == '__main__':
    main()
