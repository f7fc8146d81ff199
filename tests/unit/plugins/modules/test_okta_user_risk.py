# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""okta_user_risk in process against the simulator: the risk level set once per user (read first), idempotent,
diff, check mode, an org without Identity Threat Protection, users not found, a reason Okta refuses."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import requests

from ansible_collections.identity.okta.plugins.modules import okta_user_risk
from ansible_collections.identity.okta.tests.unit.plugins.modules.containment_helpers import calls, connection

LOGINS = ['user1@example.com', 'user2@example.com', 'user3@example.com']


def levels(running):
    return dict((u['login'], u['riskLevel']) for u in running.state()['users'])


def risk_of(running, login):
    """The user's risk as Okta's API shows it (GET /api/v1/users/{id}/risk), with its reason."""
    user_id = [u['id'] for u in running.state()['users'] if u['login'] == login][0]
    response = requests.get('%s/api/v1/users/%s/risk' % (running.base_url, user_id),
                            headers={'Authorization': 'SSWS %s' % running.api_token}, timeout=10)
    response.raise_for_status()
    return response.json()['riskLevel'], response.json().get('reason')


def test_sets_the_risk_once_with_its_reason_then_a_second_run_changes_nothing(okta_sim, run_module):
    running = okta_sim(users=4)
    first = run_module(okta_user_risk, _ansible_diff=True, **connection(running, users=LOGINS, risk_reason='INC-4711 token theft'))
    assert not first.get('failed') and first['changed'] is True, first['msg']
    assert [(r['user'], r['result'], r['risk_before']) for r in first['results']] == [(login, 'set', 'NONE') for login in LOGINS]
    assert first['msg'].startswith('Set the risk of 3 users, 0 not found, 0 failed')
    assert first['diff'] == {'before': dict((login, 'NONE') for login in LOGINS), 'after': dict((login, 'HIGH') for login in LOGINS)}
    assert levels(running) == dict([(login, 'HIGH') for login in LOGINS] + [('user4@example.com', 'NONE')])
    assert risk_of(running, LOGINS[0]) == ('HIGH', 'INC-4711 token theft')
    assert calls(running, 'PUT', '/risk') == 3
    second = run_module(okta_user_risk, _ansible_diff=True, **connection(running, users=LOGINS, risk_reason='INC-4711 token theft'))
    assert second['changed'] is False and [(r['result'], r['risk_before']) for r in second['results']] == [('unchanged', 'HIGH')] * 3
    assert second['summary']['unchanged'] == 3 and second['diff'] == {'before': {}, 'after': {}}
    assert calls(running, 'PUT', '/risk') == 3, 'no call for a user already at the level'


def test_only_the_users_at_another_level_change_and_without_a_reason_okta_s_default_is_kept(okta_sim, run_module):
    running = okta_sim(users=3)
    run_module(okta_user_risk, **connection(running, users=LOGINS[:2], risk_level='MEDIUM'))
    result = run_module(okta_user_risk, _ansible_diff=True, **connection(running, users=LOGINS, risk_level='MEDIUM'))
    assert [r['result'] for r in result['results']] == ['unchanged', 'unchanged', 'set']
    assert result['diff'] == {'before': {LOGINS[2]: 'NONE'}, 'after': {LOGINS[2]: 'MEDIUM'}}
    lowered = run_module(okta_user_risk, **connection(running, users=LOGINS[:1], risk_level='LOW'))
    assert lowered['results'][0]['risk_before'] == 'MEDIUM' and risk_of(running, LOGINS[0]) == ('LOW', 'override.by.admin')


def test_check_mode_reads_each_risk_and_sets_none(okta_sim, run_module):
    running = okta_sim(users=2)
    run_module(okta_user_risk, **connection(running, users=LOGINS[:1]))
    result = run_module(okta_user_risk, _ansible_check_mode=True, _ansible_diff=True, **connection(running, users=LOGINS[:2]))
    assert result['changed'] is True and result['msg'].startswith('Would set the risk of 1 users')
    assert [r['result'] for r in result['results']] == ['unchanged', 'set']
    assert result['diff'] == {'before': {LOGINS[1]: 'NONE'}, 'after': {LOGINS[1]: 'HIGH'}}
    assert levels(running)[LOGINS[1]] == 'NONE' and calls(running, 'PUT', '/risk') == 1


def test_an_org_without_identity_threat_protection_skips_everyone_after_one_call(okta_sim, run_module):
    running = okta_sim(users=3, disabled_features=['identity_threat_protection'])
    result = run_module(okta_user_risk, **connection(running, users=LOGINS, concurrency=1))
    assert not result.get('failed') and result['changed'] is False, result['msg']
    assert [r['result'] for r in result['results']] == ['skipped'] * 3 and result['summary']['skipped'] == 3
    assert 'Identity Threat Protection' in result['results'][0]['msg'] and 'E0000015' in result['results'][2]['msg']
    assert calls(running, 'GET', '/risk') == 1 and calls(running, 'PUT', '/risk') == 0


def test_users_okta_does_not_know_are_not_found(okta_sim, run_module):
    running = okta_sim(users=1)
    result = run_module(okta_user_risk, **connection(running, users=['gone@example.com', '00uNoSuchUser0000000', LOGINS[0]]))
    assert [r['result'] for r in result['results']] == ['not_found', 'not_found', 'set']
    assert result['not_found'] == ['gone@example.com', '00uNoSuchUser0000000'] and levels(running) == {LOGINS[0]: 'HIGH'}


def test_a_reason_okta_refuses_fails_the_task_and_sets_nobody(okta_sim, run_module):
    running = okta_sim(users=2)
    result = run_module(okta_user_risk, **connection(running, users=LOGINS[:2], risk_reason='INC-1; DROP TABLE'))
    assert result['failed'] and result['failed_users'] == LOGINS[:2]
    assert [(r['result'], r['status'], r['error_code']) for r in result['results']] == [('failed', 400, 'E0000001')] * 2
    assert 'riskReason' in result['msg'] and set(levels(running).values()) == {'NONE'}
    wrong_level = run_module(okta_user_risk, **connection(running, users=LOGINS[:1], risk_level='NONE'))
    assert wrong_level['failed'] and 'risk_level' in wrong_level['msg'] and calls(running, 'GET', '/risk') == 2
