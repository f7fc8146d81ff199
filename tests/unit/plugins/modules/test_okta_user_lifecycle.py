# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""okta_user_lifecycle state=unlocked in process against the simulator: unlocks locked-out users only, idempotent,
check mode, an interrupted run resumed."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.identity.okta.plugins.modules import okta_user_lifecycle
from ansible_collections.identity.okta.tests.unit.plugins.modules.containment_helpers import (
    calls, connection, interrupted, set_status,
)

LOGINS = ['user1@example.com', 'user2@example.com', 'user3@example.com', 'user4@example.com']


def test_unlocks_the_locked_out_users_only_then_a_second_run_changes_nothing(okta_sim, run_module):
    running = okta_sim(users=4)
    for login in LOGINS[:2]:
        set_status(running, login, 'LOCKED_OUT')
    set_status(running, 'user3@example.com', 'SUSPENDED')
    first = run_module(okta_user_lifecycle, **connection(running, users=LOGINS, state='unlocked'))
    assert not first.get('failed') and first['changed'] is True and first['unlocked'] == LOGINS[:2]
    assert [(r['result'], r['status_before']) for r in first['results']] == [
        ('unlocked', 'LOCKED_OUT'), ('unlocked', 'LOCKED_OUT'), ('unchanged', 'SUSPENDED'), ('unchanged', 'ACTIVE')]
    assert first['msg'].startswith('Unlocked 2 users') and all(len(r['request_id']) == 32 for r in first['results'][:2])
    assert first['diff'] == {'before': {'user1@example.com': 'LOCKED_OUT', 'user2@example.com': 'LOCKED_OUT'},
                             'after': {'user1@example.com': 'ACTIVE', 'user2@example.com': 'ACTIVE'}}
    assert [u['status'] for u in running.state()['users']] == ['ACTIVE', 'ACTIVE', 'SUSPENDED', 'ACTIVE']
    assert calls(running, 'POST', '/lifecycle/unlock') == 2, 'no call for a user who is not locked out'
    second = run_module(okta_user_lifecycle, **connection(running, users=LOGINS, state='unlocked'))
    assert second['changed'] is False and second['summary']['unchanged'] == 4
    assert calls(running, 'POST', '/lifecycle/unlock') == 2


def test_check_mode_changes_nothing(okta_sim, run_module):
    running = okta_sim(users=2)
    set_status(running, 'user1@example.com', 'LOCKED_OUT')
    result = run_module(okta_user_lifecycle, _ansible_check_mode=True, **connection(
        running, users=LOGINS[:2], state='unlocked'))
    assert result['changed'] is True and result['msg'].startswith('Would unlock 1 users')
    assert running.state()['users'][0]['status'] == 'LOCKED_OUT' and calls(running, 'POST', '/lifecycle/unlock') == 0


def test_an_interrupted_run_is_resumed_without_unlocking_anyone_twice(okta_sim, run_module, tmp_path):
    running = okta_sim(users=40, latency_ms=60)
    journal = str(tmp_path / 'INC-5.jsonl')
    logins = ['user%d@example.com' % n for n in range(1, 41)]
    for login in logins:
        set_status(running, login, 'LOCKED_OUT')
    args = connection(running, users=logins, journal=journal, state='unlocked', concurrency=1)
    first = interrupted(run_module, okta_user_lifecycle, args)
    assert first['failed'] and 'interrupted (SIGTERM)' in first['stopped']
    done_first = first['summary']['unlocked']
    assert 0 < done_first < 40, first['summary']
    second = run_module(okta_user_lifecycle, **dict(args, concurrency=4))
    assert second['journal_run']['resumes'] == first['run_id']
    assert second['summary']['skipped_done'] == done_first and second['summary']['unlocked'] == 40 - done_first
    unlocked = running.state()['unlocks']
    assert len(unlocked) == len(set(unlocked)) == 40, 'each user unlocked once'
