# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""okta_user_password in process against the simulator: expires, idempotent, check mode, temporary passwords kept
out of results and the journal, users Okta refuses, an interrupted run resumed."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.identity.okta.plugins.modules import okta_user_password
from ansible_collections.identity.okta.tests.unit.plugins.modules.containment_helpers import (
    calls, connection, interrupted, set_status,
)

LOGINS = ['user1@example.com', 'user2@example.com', 'user3@example.com']


def statuses(running):
    return dict((u['login'], u['status']) for u in running.state()['users'])


def test_expires_the_passwords_then_a_second_run_changes_nothing(okta_sim, run_module):
    running = okta_sim(users=4, sessions_per_user=1)
    first = run_module(okta_user_password, **connection(running, users=LOGINS))
    assert not first.get('failed') and first['changed'] is True and first['expired'] == LOGINS
    assert first['summary']['expired'] == 3 and first['msg'].startswith('Expired the passwords of 3 users')
    assert [(r['result'], r['status_before'], r['temp_password']) for r in first['results']] == [
        ('expired', 'ACTIVE', False)] * 3
    assert all(len(r['request_id']) == 32 for r in first['results'])
    assert statuses(running) == dict([(login, 'PASSWORD_EXPIRED') for login in LOGINS] + [('user4@example.com', 'ACTIVE')])
    assert running.state()['sessionCount'] == 4, 'expiring ends no session'
    assert 'temp_passwords' not in first
    second = run_module(okta_user_password, **connection(running, users=LOGINS))
    assert second['changed'] is False and second['summary']['unchanged'] == 3 and second['expired'] == []
    assert [r['status_before'] for r in second['results']] == ['PASSWORD_EXPIRED'] * 3
    assert len(running.state()['passwordExpirations']) == 3, 'no second call'


def test_check_mode_changes_nothing(okta_sim, run_module):
    running = okta_sim(users=3)
    result = run_module(okta_user_password, _ansible_check_mode=True, **connection(running, users=LOGINS, temp_password=True))
    assert result['changed'] is True and result['msg'].startswith('Would expire the passwords of 3 users')
    assert calls(running, 'POST', '/lifecycle/expire_password_with_temp_password') == 0
    assert set(statuses(running).values()) == {'ACTIVE'} and 'temp_passwords' not in result


def test_a_temporary_password_replaces_the_old_one_and_is_nowhere_in_results_or_journal(okta_sim, run_module, tmp_path):
    running = okta_sim(users=3)
    journal = str(tmp_path / 'INC-1.jsonl')
    result = run_module(okta_user_password, **connection(running, users=LOGINS, temp_password=True, journal=journal))
    assert result['expired'] == LOGINS and all(r['temp_password'] is True for r in result['results'])
    secrets = [e['tempPassword'] for e in running.state()['passwordExpirations']]
    assert len(secrets) == 3 and all(secrets)
    shown, written = json.dumps(result), open(journal).read()
    assert not [s for s in secrets if s in shown or s in written]
    assert 'temp_passwords' not in result and 'temp_password_returned' not in shown


def test_return_temp_password_needs_temp_password_and_no_log_and_changes_nothing_without(okta_sim, run_module):
    running = okta_sim(users=1)
    without_temp = run_module(okta_user_password, _ansible_no_log=True, **connection(
        running, users=LOGINS[:1], return_temp_password=True))
    assert without_temp['failed'] and without_temp['field'] == 'return_temp_password'
    without_no_log = run_module(okta_user_password, **connection(
        running, users=LOGINS[:1], temp_password=True, return_temp_password=True))
    assert without_no_log['failed'] and without_no_log['field'] == 'return_temp_password'
    assert 'no_log' in without_no_log['msg'] and running.state()['passwordExpirations'] == []


def test_returned_temporary_passwords_are_apart_from_the_results(okta_sim, run_module, tmp_path):
    running = okta_sim(users=3)
    journal = str(tmp_path / 'INC-2.jsonl')
    user2 = [u['id'] for u in running.state()['users'] if u['login'] == 'user2@example.com'][0]
    result = run_module(okta_user_password, _ansible_no_log=True, **connection(
        running, users=LOGINS + [user2], temp_password=True, return_temp_password=True, journal=journal))
    made = dict((e['userId'], e['tempPassword']) for e in running.state()['passwordExpirations'])
    ids = dict((u['login'], u['id']) for u in running.state()['users'])
    assert result['temp_passwords'] == dict((login, made[ids[login]]) for login in LOGINS), 'one per person'
    assert len(made) == 3 and '3 temporary passwords in temp_passwords' in result['msg']
    assert [r.get('temp_password_returned') for r in result['results']] == [True, True, True, None]
    assert result['results'][3]['same_user_as'] == 'user2@example.com' and result['results'][3]['result'] == 'expired'
    results, written = json.dumps(result['results']), open(journal).read()
    assert not [s for s in made.values() if s in results or s in written]


def test_users_okta_does_not_expire_are_skipped_and_the_run_goes_on(okta_sim, run_module):
    running = okta_sim(users=5)
    set_status(running, 'user1@example.com', 'DEPROVISIONED')
    set_status(running, 'user2@example.com', 'STAGED')
    set_status(running, 'user3@example.com', 'SUSPENDED')  # Okta answers 403 E0000038
    logins = LOGINS + ['user4@example.com', 'user5@example.com']
    result = run_module(okta_user_password, **connection(running, users=logins))
    assert not result.get('failed') and not result.get('stopped'), result['msg']
    by_user = dict((r['user'], r) for r in result['results'])
    assert [by_user[login]['result'] for login in logins] == ['skipped', 'skipped', 'skipped', 'expired', 'expired']
    assert 'this one is DEPROVISIONED' in by_user['user1@example.com']['msg']
    assert 'this one is STAGED' in by_user['user2@example.com']['msg']
    refused = by_user['user3@example.com']
    assert (refused['status'], refused['error_code']) == (403, 'E0000038') and len(refused['request_id']) == 32
    assert "not allowed in the user's current status" in refused['msg']
    assert calls(running, 'POST', '/lifecycle/expire_password') == 3, 'none for the deprovisioned and staged users'
    assert result['summary']['skipped'] == 3 and '3 skipped' in result['msg']


def test_an_interrupted_run_is_resumed_without_expiring_anyone_twice(okta_sim, run_module, tmp_path):
    running = okta_sim(users=40, latency_ms=60)
    journal = str(tmp_path / 'INC-3.jsonl')
    logins = ['user%d@example.com' % n for n in range(1, 41)]
    first = interrupted(run_module, okta_user_password, connection(running, users=logins, journal=journal, concurrency=1))
    assert first['failed'] and 'interrupted (SIGTERM)' in first['stopped']
    done_first = first['summary']['expired']
    assert 0 < done_first < 40, first['summary']
    second = run_module(okta_user_password, **connection(running, users=logins, journal=journal, concurrency=4))
    assert second['journal_run']['resumes'] == first['run_id']
    assert second['summary']['skipped_done'] == done_first and second['summary']['expired'] == 40 - done_first
    expired = [e['userId'] for e in running.state()['passwordExpirations']]
    assert len(expired) == len(set(expired)) == 40, 'each password expired once'


def test_temporary_passwords_are_returned_whatever_results_are_returned(okta_sim, run_module):
    running = okta_sim(users=2)
    result = run_module(okta_user_password, _ansible_no_log=True, **connection(
        running, users=LOGINS[:2], temp_password=True, return_temp_password=True, results='none'))
    made = dict((e['userId'], e['tempPassword']) for e in running.state()['passwordExpirations'])
    assert result['results'] == [] and sorted(result['temp_passwords'].values()) == sorted(made.values())
