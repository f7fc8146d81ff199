# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""okta_session_info in process against the simulator: sessions read in the order asked, each once, missing ones
listed, a JMESPath query, check mode, a read Okta fails, bad input."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.identity.okta.plugins.modules import okta_session_info
from ansible_collections.identity.okta.tests.unit.plugins.modules.containment_helpers import calls, connection


def test_reads_the_sessions_in_the_order_asked_each_once_and_lists_the_missing(okta_sim, run_module):
    running = okta_sim(users=3, sessions_per_user=1)
    first, second, third = running.state()['sessions']
    ids = [third['id'], '102nosuchsession', first['id'], third['id']]
    result = run_module(okta_session_info, **connection(running, session_ids=ids))
    assert not result.get('failed') and result['changed'] is False, result.get('msg')
    assert [s['id'] for s in result['sessions']] == [third['id'], first['id']] and result['missing'] == ['102nosuchsession']
    shown = result['sessions'][0]
    assert shown['login'] == third['login'] and shown['user_id'] == third['userId'] and shown['expires_at'] == third['expiresAt']
    assert shown['mfa_active'] is True and shown['amr'] == ['pwd', 'mfa', 'otp'] and '_links' not in shown
    assert calls(running, 'GET', third['id']) == 1, 'a duplicate is read once'
    assert calls(running, 'GET', second['id']) == 0 and running.state()['sessionCount'] == 3


def test_one_session_by_its_system_log_id_and_check_mode_reads_the_same(okta_sim, run_module):
    running = okta_sim(users=1)
    made = running.admin('POST', 'sessions', {'login': 'user1@example.com', 'mfa': False})
    results = [run_module(okta_session_info, _ansible_check_mode=check_mode, **connection(
        running, session_id=made['externalSessionId'])) for check_mode in (False, True)]
    for result in results:
        assert result['changed'] is False and result['missing'] == []
        assert [(s['id'], s['login'], s['last_factor_verification'], s['amr']) for s in result['sessions']] == [
            (made['id'], 'user1@example.com', None, ['pwd'])]
    assert calls(running, 'GET', made['externalSessionId']) == 2


def test_a_query_selects_from_the_sessions(okta_sim, run_module):
    running = okta_sim(users=3)
    ids = [running.admin('POST', 'sessions', {'login': 'user%d@example.com' % n, 'status': status})['id']
           for n, status in ((1, 'ACTIVE'), (2, 'MFA_REQUIRED'), (3, 'MFA_REQUIRED'))]
    result = run_module(okta_session_info, **connection(running, session_ids=ids, query="[?status=='MFA_REQUIRED'].login"))
    assert result['query_result'] == ['user2@example.com', 'user3@example.com'] and len(result['sessions']) == 3
    plain = run_module(okta_session_info, **connection(running, session_ids=ids))
    assert 'query_result' not in plain


def test_a_query_that_does_not_compile_fails_before_any_call(okta_sim, run_module):
    running = okta_sim(users=1, sessions_per_user=1)
    result = run_module(okta_session_info, **connection(
        running, session_id=running.state()['sessions'][0]['id'], query="[?status=='ACTIVE'"))
    assert result['failed'] and result['field'] == 'query' and running.requests_log() == []


def test_a_read_okta_fails_fails_the_task_naming_the_session(okta_sim, run_module):
    running = okta_sim(users=2, sessions_per_user=1)
    ids = [s['id'] for s in running.state()['sessions']]
    running.arm_fault('500', method='GET', path_prefix='/api/v1/sessions/' + ids[1], count=10)
    result = run_module(okta_session_info, **connection(running, session_ids=ids, max_retries=0))
    assert result['failed'] and result['msg'].startswith('Could not read session %s: ' % ids[1])
    assert result['session_id'] == ids[1] and result['status'] == 500 and 'sessions' not in result


def test_bad_input_fails_naming_the_option_before_any_call(okta_sim, run_module):
    running = okta_sim(users=1, sessions_per_user=1)
    session_id = running.state()['sessions'][0]['id']
    bad = run_module(okta_session_info, **connection(running, session_ids=[session_id, 'a b']))
    assert bad['failed'] and bad['field'] == 'session_ids' and bad['msg'].startswith('session_ids[1] is not an Okta session ID')
    both = run_module(okta_session_info, **connection(running, session_id=session_id, session_ids=[session_id]))
    assert both['failed'] and 'mutually exclusive' in both['msg']
    neither = run_module(okta_session_info, **connection(running))
    assert neither['failed'] and 'one of the following is required' in neither['msg']
    assert running.requests_log() == []
