# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""okta_user_factors in process against the simulator: resets and counts the factors, idempotent, check mode,
users Okta does not reset, an interrupted run resumed."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.identity.okta.plugins.modules import okta_user_factors
from ansible_collections.identity.okta.tests.unit.plugins.modules.containment_helpers import (
    calls, connection, interrupted, set_status,
)

# The simulator enrols user1 in push and Okta TOTP, user2 in push and SMS, user3 in Google TOTP, user4 in nothing.
LOGINS = ['user1@example.com', 'user2@example.com', 'user3@example.com', 'user4@example.com']


def test_resets_and_counts_the_factors_then_a_second_run_changes_nothing(okta_sim, run_module):
    running = okta_sim(users=5)
    first = run_module(okta_user_factors, **connection(running, users=LOGINS))
    assert not first.get('failed') and first['changed'] is True
    assert [r['result'] for r in first['results']] == ['reset', 'reset', 'reset', 'unchanged']
    assert [(r['factors_before'], r.get('factors_after')) for r in first['results']] == [(2, 0), (2, 0), (1, 0), (0, None)]
    assert [f['factor_type'] for f in first['results'][1]['factors']] == ['push', 'sms']
    assert first['results'][2]['factors'][0]['provider'] == 'GOOGLE' and 'profile' not in first['results'][2]['factors'][0]
    assert first['factors'] == {'before': 5, 'after': 0} and 'factors: 0 after, 5 before' in first['msg']
    assert first['msg'].startswith('Reset the factors of 3 users') and '1 unchanged' in first['msg']
    assert calls(running, 'POST', '/lifecycle/reset_factors') == 3, 'none for the user without factors'
    state = running.state()
    assert state['factorCount'] == 2, "user5's are left"
    assert sorted(r['factorsReset'] for r in state['factorResets']) == [1, 2, 2]
    second = run_module(okta_user_factors, **connection(running, users=LOGINS))
    assert second['changed'] is False and second['summary']['unchanged'] == 4 and second['factors'] == {'before': 0, 'after': 0}
    assert calls(running, 'POST', '/lifecycle/reset_factors') == 3


def test_check_mode_counts_and_changes_nothing(okta_sim, run_module):
    running = okta_sim(users=4)
    result = run_module(okta_user_factors, _ansible_check_mode=True, **connection(running, users=LOGINS))
    assert result['changed'] is True and result['msg'].startswith('Would reset the factors of 3 users')
    assert result['factors'] == {'before': 5} and calls(running, 'POST', '/lifecycle/reset_factors') == 0
    assert running.state()['factorCount'] == 5


def test_users_okta_does_not_reset_are_skipped_and_a_suspended_user_is_reset(okta_sim, run_module):
    running = okta_sim(users=4)
    set_status(running, 'user1@example.com', 'DEPROVISIONED')
    set_status(running, 'user2@example.com', 'SUSPENDED')
    set_status(running, 'user4@example.com', 'STAGED')
    running.admin('POST', 'factors', {'login': 'user4@example.com', 'factorType': 'email'})
    result = run_module(okta_user_factors, **connection(running, users=LOGINS))
    assert not result.get('failed'), result['msg']
    by_user = dict((r['user'], r) for r in result['results'])
    assert [by_user[login]['result'] for login in LOGINS] == ['skipped', 'reset', 'reset', 'skipped']
    assert 'this one is DEPROVISIONED' in by_user['user1@example.com']['msg']
    assert 'this one is STAGED' in by_user['user4@example.com']['msg'] and by_user['user4@example.com']['factors_before'] == 1
    assert calls(running, 'POST', '/lifecycle/reset_factors') == 2
    assert result['factors'] == {'before': 6, 'after': 3}, 'the skipped users keep theirs'


def test_an_unknown_user_is_not_found(okta_sim, run_module):
    running = okta_sim(users=1)
    result = run_module(okta_user_factors, **connection(running, users=['gone@example.com', 'user1@example.com']))
    assert result['not_found'] == ['gone@example.com'] and result['reset'] == ['user1@example.com']


def test_an_interrupted_run_is_resumed_without_resetting_anyone_twice(okta_sim, run_module, tmp_path):
    running = okta_sim(users=40, latency_ms=30)
    journal = str(tmp_path / 'INC-4.jsonl')
    logins = ['user%d@example.com' % n for n in range(1, 41) if n % 4]  # 30 users with factors
    first = interrupted(run_module, okta_user_factors, connection(running, users=logins, journal=journal, concurrency=1))
    assert first['failed'] and 'interrupted (SIGTERM)' in first['stopped']
    done_first = first['summary']['reset']
    assert 0 < done_first < 30, first['summary']
    second = run_module(okta_user_factors, **connection(running, users=logins, journal=journal, concurrency=4))
    assert second['journal_run']['resumes'] == first['run_id']
    assert second['summary']['skipped_done'] == done_first and second['summary']['reset'] == 30 - done_first
    resets = [r['userId'] for r in running.state()['factorResets']]
    assert len(resets) == len(set(resets)) == 30, 'each user reset once'


def test_the_factors_are_counted_whatever_results_are_returned(okta_sim, run_module):
    running = okta_sim(users=4)
    result = run_module(okta_user_factors, **connection(running, users=LOGINS, results='failures'))
    assert result['results'] == [] and result['factors'] == {'before': 5, 'after': 0}
    assert result['summary']['reset'] == 3 and result['changed'] is True
