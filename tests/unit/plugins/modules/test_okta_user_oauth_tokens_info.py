# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""okta_user_oauth_tokens_info in process against the simulator: per user, the apps holding tokens and how many,
read only (also in check mode), one app only, users not found, group members, bad input."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.identity.okta.plugins.modules import okta_user_oauth_tokens_info
from ansible_collections.identity.okta.tests.unit.plugins.modules.containment_helpers import calls, connection

LOGINS = ['user1@example.com', 'user2@example.com']


def apps(running):
    return dict((c['name'], c['clientId']) for c in running.state()['oauthClients'])


def counted(result):
    return [(r['user'], r['result'], [(c['client_name'], c['tokens_before']) for c in r.get('clients', [])])
            for r in result['results']]


def test_lists_each_user_s_apps_with_their_tokens_and_changes_nothing(okta_sim, run_module):
    running = okta_sim(users=3, oauth_grants_per_user=5)
    running.admin('POST', 'refresh-tokens', {'login': 'user2@example.com', 'clientId': apps(running)['Sim CLI'], 'count': 25})
    result = run_module(okta_user_oauth_tokens_info, **connection(running, users=LOGINS))
    assert not result.get('failed') and result['changed'] is False, result['msg']
    assert counted(result) == [
        (LOGINS[0], 'listed', [('Sim Portal', 2), ('Sim Mobile', 2), ('Sim CLI', 1)]),
        (LOGINS[1], 'listed', [('Sim Portal', 2), ('Sim Mobile', 2), ('Sim CLI', 26)])], 'more than a page of 20 counted'
    assert result['results'][0]['clients'][0]['client_id'] == apps(running)['Sim Portal']
    assert result['tokens'] == {'before': 35} and result['summary']['listed'] == 2 and result['msg'].startswith('Listed 2 users')
    assert 'tokens_after' not in str(result['results']) and calls(running, 'DELETE', '') == 0
    assert running.state()['refreshTokenCount'] == 40
    again = run_module(okta_user_oauth_tokens_info, **connection(running, users=LOGINS))
    assert counted(again) == counted(result) and again['tokens'] == result['tokens']


def test_check_mode_lists_the_same(okta_sim, run_module):
    running = okta_sim(users=2, oauth_grants_per_user=3)
    real = run_module(okta_user_oauth_tokens_info, **connection(running, users=LOGINS))
    checked = run_module(okta_user_oauth_tokens_info, _ansible_check_mode=True, **connection(running, users=LOGINS))
    assert counted(checked) == counted(real) and checked['tokens'] == {'before': 6} and checked['changed'] is False


def test_only_the_apps_asked_for_are_counted(okta_sim, run_module):
    running = okta_sim(users=2, oauth_grants_per_user=5)
    portal = apps(running)['Sim Portal']
    result = run_module(okta_user_oauth_tokens_info, **connection(running, users=LOGINS, clients=[portal]))
    assert counted(result) == [(login, 'listed', [('Sim Portal', 2)]) for login in LOGINS] and result['tokens'] == {'before': 4}
    assert calls(running, 'GET', '/tokens') == 2, 'the other apps\' tokens are not read'


def test_a_group_s_members_are_listed_and_unknown_users_not_found(okta_sim, run_module):
    running = okta_sim(users=4, groups=2, oauth_grants_per_user=1)
    result = run_module(okta_user_oauth_tokens_info, **connection(running, users=['gone@example.com'], groups=['group-2']))
    assert not result.get('failed') and result['not_found'] == ['gone@example.com']
    members = [r for r in result['results'] if r.get('via_group') == 'group-2']
    assert sorted(r['login'] for r in members) == ['user2@example.com', 'user4@example.com']
    assert [r['result'] for r in members] == ['listed', 'listed'] and result['tokens'] == {'before': 2}
    assert result['groups'][0]['members'] == 2


def test_bad_input_fails_naming_the_option_before_any_call(okta_sim, run_module):
    running = okta_sim(users=1, oauth_grants_per_user=1)
    result = run_module(okta_user_oauth_tokens_info, **connection(running, users=LOGINS[:1], clients=['0oa 1']))
    assert result['failed'] and result['field'] == 'clients' and result['msg'].startswith('clients[0] is not an OAuth client ID')
    zero = run_module(okta_user_oauth_tokens_info, **connection(running, users=LOGINS[:1], max_targets=0))
    assert zero['failed'] and zero['field'] == 'max_targets'
    assert not [r for r in running.requests_log() if '/clients' in r['path']]
