# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""okta_user_sessions in process against the simulator: the plan, the calls it costs, duplicates,
guardrails, the journal."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import signal
import threading
import time

from ansible_collections.identity.okta.plugins.module_utils.okta_journal import Journal
from ansible_collections.identity.okta.plugins.modules import okta_user_sessions


def connection(running, **args):
    return dict(org_url=running.base_url, api_token=running.api_token, **args)


def calls(running, method, prefix):
    return len([r for r in running.requests_log() if r['method'] == method and r['path'].startswith(prefix)])


def test_a_user_named_by_login_costs_about_one_call_of_the_users_bucket(okta_sim, run_module):
    running = okta_sim(users=300, sessions_per_user=1)
    logins = ['user%d@example.com' % n for n in range(1, 301)]
    result = run_module(okta_user_sessions, **connection(running, users=logins))
    assert result['summary']['cleared'] == 300 and not result.get('failed')
    searches = calls(running, 'GET', '/api/v1/users')
    sign_outs = calls(running, 'DELETE', '/api/v1/users/')
    assert sign_outs == 300 and searches <= 3, searches  # at most 100 logins a search
    assert (searches + sign_outs) / 300.0 <= 1.1
    assert calls(running, 'GET', '/api/v1/users/') == 0, 'no lookup one by one'


def test_a_name_the_search_does_not_find_is_looked_up_once_before_it_is_not_found(okta_sim, run_module):
    running = okta_sim(users=3, sessions_per_user=1)
    result = run_module(okta_user_sessions, **connection(running, users=['user1@example.com', 'gone@example.com']))
    assert result['cleared'] == ['user1@example.com'] and result['not_found'] == ['gone@example.com']
    assert [r['path'] for r in running.requests_log() if r['path'].startswith('/api/v1/users/gone')] == \
        ['/api/v1/users/gone%40example.com']
    # The warning naming it is checked through Ansible in the okta_user_sessions target: in this process,
    # once controller code is imported, ansible-core 2.19 sends module warnings to its display instead.


def test_one_person_named_three_ways_is_signed_out_once(okta_sim, run_module):
    running = okta_sim(users=4, sessions_per_user=1, groups=1)
    user = [u for u in running.state()['users'] if u['login'] == 'user2@example.com'][0]
    result = run_module(okta_user_sessions, **connection(
        running, users=['user2@example.com', user['id'], 'USER2@example.com'], groups=['group-1']))
    revocations = [r['userId'] for r in running.state()['revocations']]
    assert sorted(revocations) == sorted(u['id'] for u in running.state()['users'])  # each of the 4 once
    named = [r for r in result['results'] if r['user'] in ('user2@example.com', user['id'])]
    assert [r.get('same_user_as') for r in named] == [None, 'user2@example.com']
    assert result['summary']['cleared'] == 4 and len(result['results']) == 5


def test_protected_users_and_group_members_are_never_signed_out(okta_sim, run_module):
    running = okta_sim(users=6, sessions_per_user=1, groups=2)
    result = run_module(okta_user_sessions, **connection(
        running, groups=['group-1'], users=['user2@example.com'], protected_users=['user3@example.com'],
        protected_groups=['group-2']))
    protected_ids = set(u['id'] for u in running.state()['users'] if u['login'] in
                        ('user2@example.com', 'user3@example.com', 'user4@example.com', 'user6@example.com'))
    revoked = set(r['userId'] for r in running.state()['revocations'])
    # group-1 is users 1, 3, 5; group-2 (protected) is 2, 4, 6; user3 is protected by name.
    assert not revoked & protected_ids and len(revoked) == 2
    assert sorted(result['skipped_protected']) == sorted(['user2@example.com', [r['user'] for r in result['results']
                                                          if r.get('login') == 'user3@example.com'][0]])


def test_max_targets_refuses_the_run_before_any_sign_out(okta_sim, run_module):
    running = okta_sim(users=30, sessions_per_user=1, groups=1)
    result = run_module(okta_user_sessions, **connection(running, groups=['group-1'], max_targets=29))
    assert result['failed'] and result['field'] == 'max_targets' and 'would act on 30 users' in result['msg']
    assert calls(running, 'DELETE', '/api/v1/users/') == 0


def test_check_mode_reports_the_plan_and_changes_nothing(okta_sim, run_module):
    running = okta_sim(users=10, sessions_per_user=1)
    ids = [u['id'] for u in running.state()['users']][:3]
    result = run_module(okta_user_sessions, _ansible_check_mode=True, **connection(
        running, users=ids + ['user9@example.com', 'nobody@example.com']))
    assert result['msg'].startswith('Would clear 4 users, 1 not found')
    assert result['plan']['to_act_on'] == 4 and result['plan']['not_found'] == 1
    assert result['plan']['bucket_limit'] > 0 and result['plan']['estimated_seconds'] >= 0
    assert running.state()['revocationCount'] == 0


def sign_in(running, login):
    return running.admin('POST', 'sessions', {'login': login})


def test_a_rerun_after_a_finished_run_signs_everyone_out_again(okta_sim, run_module, tmp_path):
    running = okta_sim(users=8, sessions_per_user=1)
    journal = str(tmp_path / 'INC-1.jsonl')
    users = ['user%d@example.com' % n for n in (1, 2, 3)]
    first = run_module(okta_user_sessions, **connection(running, users=users, journal=journal))
    assert first['summary']['cleared'] == 3 and first['journal_run']['resumed'] is False
    back = sign_in(running, 'user2@example.com')  # the attacker is back
    assert back['id'] in [session['id'] for session in running.state()['sessions']]
    second = run_module(okta_user_sessions, **connection(running, users=users, journal=journal))
    assert second['summary']['cleared'] == 3 and second['summary']['skipped_done'] == 0
    assert second['journal_run']['resumed'] is False and 'ran to the end' in second['journal_run']['started_over']
    assert second['run_id'] != first['run_id']
    assert back['id'] not in [session['id'] for session in running.state()['sessions']]
    with open(journal) as handle:
        events = [json.loads(line)['event'] for line in handle]
    assert events.count('run') == 2 and events.count('end') == 2 and events.count('attempted') == 6


def test_an_interrupted_run_is_resumed_without_repeating_a_finished_call(okta_sim, run_module, tmp_path):
    running = okta_sim(users=40, sessions_per_user=1, latency_ms=60)
    journal = str(tmp_path / 'INC-2.jsonl')
    users = ['user%d@example.com' % n for n in range(1, 41)]
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        first = run_module(okta_user_sessions, **connection(running, users=users, journal=journal, concurrency=1))
    finally:
        timer.cancel()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    assert first['failed'] and 'interrupted (SIGTERM)' in first['stopped']
    done_first = first['summary']['cleared']
    assert 0 < done_first < 40, first['summary']
    second = run_module(okta_user_sessions, **connection(running, users=users, journal=journal, concurrency=4))
    assert second['journal_run']['resumes'] == first['run_id']
    assert second['summary']['skipped_done'] == done_first and second['summary']['cleared'] == 40 - done_first
    revoked = [r['userId'] for r in running.state()['revocations'] if r['kind'] == 'user']
    assert len(revoked) == len(set(revoked)) == 40, 'each person signed out once'


def test_a_person_not_found_is_looked_up_again_by_the_resumed_run(okta_sim, run_module, tmp_path):
    running = okta_sim(users=2, sessions_per_user=1)
    journal = str(tmp_path / 'INC-3.jsonl')
    with open(journal, 'w') as handle:  # an interrupted run that found nobody (a wrong org, say)
        handle.write(json.dumps({'event': 'run', 'run_id': 'r1', 'kind': 'okta_user_sessions',
                                 'org': running.base_url, 'digest': 'x'}) + '\n')
        handle.write(json.dumps({'event': 'outcome', 'item': 'user1@example.com', 'result': 'not_found'}) + '\n')
    os.chmod(journal, 0o600)
    result = run_module(okta_user_sessions, **connection(running, users=['user1@example.com'], journal=journal))
    assert result['cleared'] == ['user1@example.com'] and running.state()['sessionCount'] == 1


def test_a_run_of_another_org_or_other_options_is_not_resumed(okta_sim, run_module, tmp_path):
    running = okta_sim(users=3, sessions_per_user=1)
    other = okta_sim(users=0)
    journal = str(tmp_path / 'INC-4.jsonl')
    users = ['user1@example.com', 'user2@example.com']
    wrong = run_module(okta_user_sessions, **connection(other, users=users, journal=journal))
    assert wrong['not_found'] == users
    with open(journal) as handle:  # as if that run had been interrupted: it must still not be resumed here
        kept = [line for line in handle if json.loads(line)['event'] != 'end']
    with open(journal, 'w') as handle:
        handle.writelines(kept)
    right = run_module(okta_user_sessions, **connection(running, users=users, journal=journal))
    assert right['cleared'] == users and 'another org' in right['journal_run']['started_over']
    again = run_module(okta_user_sessions, **connection(running, users=users, journal=journal, oauth_tokens=True))
    assert again['summary']['skipped_done'] == 0 and again['journal_run']['resumed'] is False


def test_a_second_run_on_a_journal_in_use_stops_before_any_change(okta_sim, run_module, tmp_path):
    running = okta_sim(users=2, sessions_per_user=1)
    journal = str(tmp_path / 'INC-5.jsonl')
    holder = Journal(journal, dict(kind='okta_user_sessions', org=running.base_url, digest='d'), ('cleared',))
    try:
        result = run_module(okta_user_sessions, **connection(running, users=['user1@example.com'], journal=journal))
    finally:
        holder.close()
    assert result['failed'] and result['field'] == 'journal' and 'in use by another run (pid %d' % os.getpid() in result['msg']
    assert 'run_id' not in result and running.state()['revocationCount'] == 0


def test_an_org_wide_run_returns_only_what_did_not_succeed_and_the_journal_keeps_everyone(okta_sim, run_module, tmp_path):
    running = okta_sim(users=6, sessions_per_user=1, groups=1)
    journal = str(tmp_path / 'everyone.jsonl')
    user = [u for u in running.state()['users'] if u['login'] == 'user2@example.com'][0]
    named = ['user1@example.com', 'gone@example.com', user['id']]
    failures = run_module(okta_user_sessions, **connection(
        running, users=named + ['user2@example.com'], groups=['group-1'], results='failures', journal=journal))
    assert [(r['user'], r['result']) for r in failures['results']] == [('gone@example.com', 'not_found')]
    assert 'cleared' not in failures and failures['not_found'] == ['gone@example.com']
    assert failures['summary']['cleared'] == 6 and failures['changed'] is True
    with open(journal) as handle:
        outcomes = [json.loads(line) for line in handle if '"outcome"' in line]
    assert sorted(r['result'] for r in outcomes) == ['cleared'] * 6 + ['not_found', 'pending']  # user2's second name
    counts_only = run_module(okta_user_sessions, **connection(running, users=named, results='none'))
    assert counts_only['results'] == [] and counts_only['summary']['cleared'] == 2
    assert counts_only['not_found'] == ['gone@example.com'] and counts_only['summary']['not_found'] == 1


def test_a_signal_while_the_run_waits_for_the_next_window_ends_it_at_once_and_sends_nothing_more(okta_sim, run_module,
                                                                                                 tmp_path):
    # A developer org's minute as 30 s: this run's share of a window is spent after a few calls, then it waits.
    running = okta_sim(users=60, sessions_per_user=1, profile='developer', time_scale=2)
    journal = str(tmp_path / 'INC-6.jsonl')
    timer = threading.Timer(3.0, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    started = time.time()
    try:
        result = run_module(okta_user_sessions, **connection(running, users=['user%d@example.com' % n for n in range(1, 61)],
                                                             journal=journal))
    finally:
        timer.cancel()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    assert time.time() - started < 10, 'the run waited for the next window after it was told to stop'
    assert result['failed'] and 'interrupted (SIGTERM)' in result['stopped']
    cleared = result['summary']['cleared']
    assert 0 < cleared < 60 and result['summary']['not_attempted'] == 60 - cleared
    assert len([r for r in running.state()['revocations'] if r['kind'] == 'user']) == cleared, 'nothing sent after'
    with open(journal) as handle:
        assert json.loads(handle.readlines()[-1])['event'] == 'stopped'
