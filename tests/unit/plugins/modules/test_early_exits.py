# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every early exit of a module is a clean result, not a crash: a signal before the first change, nobody to
act on, check mode with nothing to do, a journal that cannot be opened. (Ansible's own argument errors, for
every module, are in the okta_option_mistakes integration target.)"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import signal
import threading

from ansible_collections.identity.okta.plugins.modules import okta_session, okta_user_sessions


def connection(running, **args):
    return dict(org_url=running.base_url, api_token=running.api_token, **args)


def test_a_signal_while_the_users_are_looked_up_fails_cleanly_and_changes_nothing(okta_sim, run_module):
    running = okta_sim(users=5, sessions_per_user=1, latency_ms=400)
    timer = threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        result = run_module(okta_user_sessions, **connection(running, users=['user1@example.com', 'user2@example.com']))
    finally:
        timer.cancel()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    assert result['failed'] and 'interrupted (SIGTERM) before it acted on any item' in result['msg'], result
    assert running.state()['revocations'] == []


def test_nobody_to_act_on_is_a_clean_result_that_changed_nothing(okta_sim, run_module):
    running = okta_sim(users=2, sessions_per_user=1)
    result = run_module(okta_user_sessions, **connection(running, users=[]))
    assert not result.get('failed') and result['changed'] is False and result['summary']['cleared'] == 0
    checked = run_module(okta_user_sessions, **connection(running, users=['gone@example.com'], _ansible_check_mode=True))
    assert not checked.get('failed') and checked['changed'] is False and checked['not_found'] == ['gone@example.com']
    assert running.state()['revocations'] == []


def test_check_mode_with_no_session_to_revoke_is_a_clean_result(okta_sim, run_module):
    running = okta_sim(users=1, sessions_per_user=1)
    result = run_module(okta_session, **connection(running, state='absent', session_ids=['102nosuchsession'],
                                                   _ansible_check_mode=True))
    assert not result.get('failed') and result['changed'] is False and result['absent'] == ['102nosuchsession']


def test_a_journal_that_cannot_be_opened_fails_naming_it_before_any_change(okta_sim, run_module, tmp_path):
    running = okta_sim(users=1, sessions_per_user=1)
    path = str(tmp_path / 'not-a-dir')
    open(path, 'w').close()
    result = run_module(okta_user_sessions, **connection(running, users=['user1@example.com'],
                                                         journal=os.path.join(path, 'journal.jsonl')))
    assert result['failed'] and result['field'] == 'journal' and path in result['msg']
    assert running.state()['revocations'] == []


def test_revoking_many_sessions_can_return_only_the_failures(okta_sim, run_module):
    running = okta_sim(users=3, sessions_per_user=2)
    ids = [s['id'] for s in running.state()['sessions']] + ['102nosuchsession']
    result = run_module(okta_session, **connection(running, state='absent', session_ids=ids, results='failures'))
    assert result['results'] == [] and 'revoked' not in result and result['failed_ids'] == []
    assert result['msg'].startswith('6 revoked, 1 already absent, 0 failed') and result['changed'] is True
    assert running.state()['sessionCount'] == 0
