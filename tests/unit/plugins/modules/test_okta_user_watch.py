# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""okta_user_watch in process against the simulator: an attacker who signs back in during the watch is signed out
again each time, a person not watched is left alone, each re-entry is reported and journaled."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import threading
import time

from ansible_collections.identity.okta.plugins.modules import okta_user_watch


def connection(running, **args):
    return dict(org_url=running.base_url, api_token=running.api_token, **args)


def sessions_of(running, user_id):
    return [s for s in running.state()['sessions'] if s['userId'] == user_id]


def test_an_attacker_coming_back_three_times_is_signed_out_each_time(okta_sim, run_module, tmp_path):
    running = okta_sim(users=3, sessions_per_user=0)
    users = dict((u['login'], u['id']) for u in running.state()['users'])
    journal = str(tmp_path / 'INC-9-watch.jsonl')

    def attacker():
        for ip in ('203.0.113.7', '203.0.113.8', '203.0.113.9'):
            time.sleep(2.5)
            running.admin('POST', 'sessions', {'login': 'user1@example.com', 'ip': ip})
        running.admin('POST', 'sessions', {'login': 'user3@example.com'})  # not watched

    thread = threading.Thread(target=attacker)
    thread.start()
    result = run_module(okta_user_watch, **connection(running, users=['user1@example.com', 'user2@example.com'],
                                                      duration='10s', interval=2, journal=journal))
    thread.join()
    assert not result.get('failed'), result['msg']
    assert [(r['user'], r['ip'], r['result']) for r in result['reentries']] == [
        ('user1@example.com', ip, 'cleared') for ip in ('203.0.113.7', '203.0.113.8', '203.0.113.9')]
    assert all(r['request_id'] and r['event_type'] == 'user.session.start' and r['session_id'] for r in result['reentries'])
    assert sessions_of(running, users['user1@example.com']) == []
    assert len(sessions_of(running, users['user3@example.com'])) == 1, 'a person not watched is left alone'
    assert result['watched'] == 2 and result['changed'] is True and result['polls'] >= 4
    with open(journal) as handle:
        outcomes = [json.loads(line) for line in handle if '"outcome"' in line]
    assert [o['result'] for o in outcomes] == ['cleared'] * 3


def test_a_sign_in_before_the_user_was_signed_out_is_not_a_reentry(okta_sim, run_module):
    running = okta_sim(users=1, sessions_per_user=1)  # the session containment ended: logged before the sign-out
    time.sleep(0.01)
    signed_out = time.strftime('%Y-%m-%dT%H:%M:%S.999Z', time.gmtime(time.time() + 1))
    result = run_module(okta_user_watch, **connection(running, users=['user1@example.com'], duration='2s', interval=2,
                                                      since='5m', signed_out={'user1@example.com': signed_out}))
    assert result['reentries'] == [] and result['changed'] is False
    assert len(running.state()['sessions']) == 1


def test_check_mode_reads_once_and_signs_nobody_out(okta_sim, run_module):
    running = okta_sim(users=2, sessions_per_user=1)
    result = run_module(okta_user_watch, **connection(running, users=['user1@example.com', 'nobody@example.com'],
                                                      duration='1h', since='5m', _ansible_check_mode=True))
    assert [(r['user'], r['result']) for r in result['reentries']] == [('user1@example.com', 'would_clear')]
    assert result['polls'] == 1 and result['not_found'] == ['nobody@example.com']
    assert len(running.state()['sessions']) == 2
