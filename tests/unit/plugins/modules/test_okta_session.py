# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""okta_session in process against the simulator: a session made from a session token (single-use), refreshed,
revoked one or many at a time - idempotent, check mode, diff, unknown sessions, bad input, verify."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.identity.okta.plugins.modules import okta_session
from ansible_collections.identity.okta.tests.unit.plugins.modules.containment_helpers import calls, connection


def session_token(running, login='user1@example.com'):
    return running.admin('POST', 'session-tokens', {'login': login})['sessionToken']


def live_ids(running):
    return set(s['id'] for s in running.state()['sessions'])


def expires_at(running, session_id):
    return [s['expiresAt'] for s in running.state()['sessions'] if s['id'] == session_id][0]


def test_a_session_token_becomes_a_session_once(okta_sim, run_module):
    running = okta_sim(users=2)
    token = session_token(running, 'user2@example.com')
    result = run_module(okta_session, _ansible_diff=True, **connection(running, session_token=token))
    assert not result.get('failed') and result['changed'] is True, result.get('msg')
    session = result['session']
    assert session['login'] == 'user2@example.com' and session['status'] == 'ACTIVE' and session['amr'] == ['pwd']
    assert session['id'] in live_ids(running) and '_links' not in session and 'expiresAt' not in session
    assert session['user_id'] == [u['id'] for u in running.state()['users'] if u['login'] == 'user2@example.com'][0]
    assert result['diff'] == {'before': {}, 'after': dict((k, session[k]) for k in ('id', 'login', 'status', 'expires_at'))}
    assert token not in str(result), 'the session token is no_log'
    again = run_module(okta_session, **connection(running, session_token=token))
    assert again['failed'] and again['error_code'] == 'E0000004' and again['status'] == 401
    assert 'Okta refused the session token' in again['msg'] and 'single-use' in again['msg']
    assert live_ids(running) == {session['id']}, 'a spent token makes no second session'


def test_check_mode_does_not_spend_the_session_token(okta_sim, run_module):
    running = okta_sim(users=1)
    token = session_token(running)
    checked = run_module(okta_session, _ansible_check_mode=True, _ansible_diff=True, **connection(running, session_token=token))
    assert checked['changed'] is True and checked['session'] == {}
    assert checked['diff'] == {'before': {}, 'after': {'session': 'created from session_token'}}
    assert calls(running, 'POST', '/api/v1/sessions') == 0 and live_ids(running) == set()
    created = run_module(okta_session, **connection(running, session_token=token))
    assert created['changed'] is True and created['session']['login'] == 'user1@example.com', 'the token still works'


def test_refresh_moves_expires_at_forward_and_diff_shows_it(okta_sim, run_module):
    running = okta_sim(users=1)
    session = running.admin('POST', 'sessions', {'login': 'user1@example.com', 'lifetimeSeconds': 600})
    before = session['expiresAt']
    result = run_module(okta_session, _ansible_diff=True, **connection(running, state='refreshed', session_id=session['id']))
    assert not result.get('failed') and result['changed'] is True, result.get('msg')
    assert result['session']['id'] == session['id'] and result['session']['expires_at'] > before
    assert expires_at(running, session['id']) == result['session']['expires_at']
    assert result['diff']['before']['expires_at'] == before
    assert result['diff']['after']['expires_at'] == result['session']['expires_at']
    assert calls(running, 'POST', '/lifecycle/refresh') == 1


def test_refresh_in_check_mode_reads_the_session_and_changes_nothing(okta_sim, run_module):
    running = okta_sim(users=1)
    session = running.admin('POST', 'sessions', {'login': 'user1@example.com', 'lifetimeSeconds': 600})
    result = run_module(okta_session, _ansible_check_mode=True, _ansible_diff=True, **connection(
        running, state='refreshed', session_id=session['externalSessionId']))
    assert result['changed'] is True and result['session']['id'] == session['id']
    assert result['diff']['before']['expires_at'] == session['expiresAt']
    assert result['diff']['after']['expires_at'] == '(extended)'
    assert calls(running, 'POST', '/lifecycle/refresh') == 0 and expires_at(running, session['id']) == session['expiresAt']


def test_a_session_that_does_not_exist_cannot_be_refreshed(okta_sim, run_module):
    running = okta_sim(users=1)
    for check_mode in (False, True):
        result = run_module(okta_session, _ansible_check_mode=check_mode, **connection(
            running, state='refreshed', session_id='102nosuchsession'))
        assert result['failed'] and result['session_id'] == '102nosuchsession'
        assert result['msg'] == 'Session 102nosuchsession does not exist, so it cannot be refreshed.'
    assert running.state()['sessionCount'] == 0


def test_revokes_each_session_once_then_a_second_run_finds_them_absent(okta_sim, run_module):
    running = okta_sim(users=3, sessions_per_user=2)
    sessions = running.state()['sessions']
    mine = [s['id'] for s in sessions if s['login'] != 'user3@example.com']
    ids = mine + [mine[0], '102nosuchsession']
    first = run_module(okta_session, _ansible_diff=True, **connection(running, state='absent', session_ids=ids))
    assert not first.get('failed') and first['changed'] is True, first['msg']
    assert first['revoked'] == mine and first['absent'] == ['102nosuchsession'] and first['failed_ids'] == []
    assert [(r['session_id'], r['result']) for r in first['results']] == [(i, 'revoked') for i in mine] + [
        ('102nosuchsession', 'absent')], 'one entry per distinct ID, in the order given'
    assert all(len(r['request_id']) == 32 and r['time'].endswith('Z') for r in first['results'])
    assert first['msg'] == '4 revoked, 1 already absent, 0 failed'
    assert first['diff'] == {'before': {'sessions': dict((i, 'active') for i in mine)},
                             'after': {'sessions': dict((i, 'revoked') for i in mine)}}
    assert calls(running, 'DELETE', mine[0]) == 1, 'a duplicate is revoked once'
    assert [s['login'] for s in running.state()['sessions']] == ['user3@example.com'] * 2
    second = run_module(okta_session, **connection(running, state='absent', session_ids=ids))
    assert second['changed'] is False and second['revoked'] == [] and second['absent'] == mine + ['102nosuchsession']
    assert second['msg'] == '0 revoked, 5 already absent, 0 failed'


def test_check_mode_says_what_would_be_revoked_and_revokes_nothing(okta_sim, run_module):
    running = okta_sim(users=2, sessions_per_user=1)
    ids = [s['id'] for s in running.state()['sessions']]
    result = run_module(okta_session, _ansible_check_mode=True, _ansible_diff=True, **connection(
        running, state='absent', session_ids=ids + ['102nosuchsession']))
    assert result['changed'] is True and result['msg'] == 'would revoke 2, 1 already absent, 0 failed'
    assert result['revoked'] == ids and result['absent'] == ['102nosuchsession']
    assert result['diff']['after'] == {'sessions': dict((i, 'revoked') for i in ids)}
    assert calls(running, 'DELETE', '') == 0 and live_ids(running) == set(ids)


def test_a_session_named_by_its_system_log_id_is_revoked_and_verified(okta_sim, run_module):
    running = okta_sim(users=2, sessions_per_user=1)
    target, other = running.state()['sessions']
    result = run_module(okta_session, **connection(running, state='absent', session_ids=[target['externalSessionId']],
                                                   verify=True, verify_timeout=5))
    assert not result.get('failed') and result['revoked'] == [target['externalSessionId']], result['msg']
    [entry] = result['results']
    assert entry['verification'] == 'verified' and len(entry['evidence']['uuid']) == 36 and result['unverified'] == []
    assert live_ids(running) == {other['id']}


def test_a_session_okta_fails_to_revoke_fails_the_task_after_the_others(okta_sim, run_module):
    running = okta_sim(users=3, sessions_per_user=1)
    ids = [s['id'] for s in running.state()['sessions']]
    running.arm_fault('500', method='DELETE', path_prefix='/api/v1/sessions/' + ids[1], count=10)
    result = run_module(okta_session, **connection(running, state='absent', session_ids=ids, max_retries=0))
    assert result['failed'] and result['failed_ids'] == [ids[1]] and result['revoked'] == [ids[0], ids[2]]
    assert '2 revoked' in result['msg'] and '1 failed' in result['msg'] and ids[1] in result['msg']
    failed = [r for r in result['results'] if r['result'] == 'failed'][0]
    assert failed['status'] == 500 and failed['error_code'] == 'E0000009'
    assert live_ids(running) == {ids[1]}


def test_bad_input_fails_naming_the_option_before_any_call(okta_sim, run_module):
    running = okta_sim(users=1, sessions_per_user=1)
    session_id = running.state()['sessions'][0]['id']
    bad_id = run_module(okta_session, **connection(running, state='absent', session_ids=[session_id, '../users/me']))
    assert bad_id['failed'] and bad_id['field'] == 'session_ids' and bad_id['msg'].startswith('session_ids[1] is not an Okta session ID')
    blank = run_module(okta_session, **connection(running, state='refreshed', session_id=' '))
    assert blank['failed'] and blank['field'] == 'session_id' and 'empty or blank' in blank['msg']
    wrong_state = run_module(okta_session, **connection(running, state='absent', session_id=session_id, session_token='x'))
    assert wrong_state['failed'] and wrong_state['field'] == 'session_token'
    assert wrong_state['msg'] == 'session_token cannot be used with state=absent.'
    assert running.requests_log() == [] and live_ids(running) == {session_id}
