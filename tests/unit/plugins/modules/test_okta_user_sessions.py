# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""okta_user_sessions in process against the simulator: the plan, the calls it costs, duplicates,
guardrails, the journal."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

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


def test_a_rerun_with_the_journal_skips_the_users_done(okta_sim, run_module, tmp_path):
    running = okta_sim(users=8, sessions_per_user=1)
    journal = str(tmp_path / 'INC-1.jsonl')
    first = run_module(okta_user_sessions, **connection(running, users=['user%d@example.com' % n for n in (1, 2, 3)],
                                                        journal=journal))
    assert first['summary']['cleared'] == 3
    deletes = calls(running, 'DELETE', '/api/v1/users/')
    second = run_module(okta_user_sessions, **connection(running, users=['user%d@example.com' % n for n in range(1, 7)],
                                                         journal=journal))
    assert second['summary']['skipped_done'] == 3 and second['summary']['cleared'] == 3
    assert calls(running, 'DELETE', '/api/v1/users/') - deletes == 3
    with open(journal) as handle:
        events = [json.loads(line)['event'] for line in handle]
    assert events.count('run') == 2 and events.count('plan') == 2 and events.count('attempted') == 6
