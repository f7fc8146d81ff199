# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""okta_user_oauth_tokens in process against the simulator: each user's refresh tokens revoked app by app and
counted before and after, one app only, idempotent, check mode, users not found, bad input."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.identity.okta.plugins.modules import okta_user_oauth_tokens
from ansible_collections.identity.okta.tests.unit.plugins.modules.containment_helpers import calls, connection

LOGINS = ['user1@example.com', 'user2@example.com']


def apps(running):
    """The seeded apps' IDs by name: with five grants a user holds two tokens of Sim Portal and of Sim Mobile, one of
    Sim CLI."""
    return dict((c['name'], c['clientId']) for c in running.state()['oauthClients'])


def tokens_of(running, login):
    user_id = [u['id'] for u in running.state()['users'] if u['login'] == login][0]
    return sorted(t['clientId'] for t in running.state()['refreshTokens'] if t['userId'] == user_id)


def test_revokes_every_app_s_tokens_counting_before_and_after_then_a_second_run_changes_nothing(okta_sim, run_module):
    running = okta_sim(users=3, oauth_grants_per_user=5)
    app = apps(running)
    first = run_module(okta_user_oauth_tokens, **connection(running, users=LOGINS))
    assert not first.get('failed') and first['changed'] is True, first['msg']
    assert [r['result'] for r in first['results']] == ['revoked', 'revoked']
    assert [(c['client_name'], c['client_id'], c['tokens_before'], c['tokens_after']) for c in first['results'][0]['clients']] == [
        ('Sim Portal', app['Sim Portal'], 2, 0), ('Sim Mobile', app['Sim Mobile'], 2, 0), ('Sim CLI', app['Sim CLI'], 1, 0)]
    assert all(len(c['request_id']) == 32 for r in first['results'] for c in r['clients'])
    assert first['tokens'] == {'before': 10, 'after': 0} and 'tokens: 0 after, 10 before' in first['msg']
    assert first['msg'].startswith('Revoked the tokens of 2 users')
    assert tokens_of(running, LOGINS[0]) == tokens_of(running, LOGINS[1]) == [] and len(tokens_of(running, 'user3@example.com')) == 5
    assert calls(running, 'DELETE', '/tokens') == 6
    second = run_module(okta_user_oauth_tokens, **connection(running, users=LOGINS))
    assert second['changed'] is False and [(r['result'], r['clients']) for r in second['results']] == [('none', [])] * 2
    assert second['tokens'] == {'before': 0, 'after': 0} and second['summary']['none'] == 2
    assert calls(running, 'DELETE', '/tokens') == 6, 'nothing left: no second revocation'


def test_only_the_apps_asked_for_lose_their_tokens(okta_sim, run_module):
    running = okta_sim(users=2, oauth_grants_per_user=5)
    app = apps(running)
    result = run_module(okta_user_oauth_tokens, **connection(running, users=LOGINS, clients=[app['Sim Mobile']]))
    assert [[(c['client_name'], c['tokens_before'], c['tokens_after']) for c in r['clients']] for r in result['results']] == [
        [('Sim Mobile', 2, 0)]] * 2
    assert result['tokens'] == {'before': 4, 'after': 0} and result['changed'] is True
    assert tokens_of(running, LOGINS[0]) == sorted([app['Sim Portal']] * 2 + [app['Sim CLI']])
    other = run_module(okta_user_oauth_tokens, **connection(running, users=LOGINS, clients=['0oaNotAnAppOfTheirs']))
    assert [r['result'] for r in other['results']] == ['none', 'none'] and other['changed'] is False
    assert len(running.state()['refreshTokens']) == 6


def test_check_mode_counts_and_revokes_nothing(okta_sim, run_module):
    running = okta_sim(users=2, oauth_grants_per_user=3)
    result = run_module(okta_user_oauth_tokens, _ansible_check_mode=True, **connection(running, users=LOGINS))
    assert result['changed'] is True and result['msg'].startswith('Would revoke the tokens of 2 users')
    assert result['tokens'] == {'before': 6} and [r['result'] for r in result['results']] == ['revoked', 'revoked']
    assert all('tokens_after' not in c and 'request_id' not in c for r in result['results'] for c in r['clients'])
    assert calls(running, 'DELETE', '') == 0 and running.state()['refreshTokenCount'] == 6


def test_a_user_without_tokens_has_none_and_an_unknown_user_is_not_found(okta_sim, run_module):
    running = okta_sim(users=2)
    running.admin('POST', 'refresh-tokens', {'login': 'user2@example.com', 'count': 3})
    result = run_module(okta_user_oauth_tokens, **connection(running, users=['gone@example.com', '00uNoSuchUser0000000'] + LOGINS))
    assert [(r['user'], r['result']) for r in result['results']] == [
        ('gone@example.com', 'not_found'), ('00uNoSuchUser0000000', 'not_found'), (LOGINS[0], 'none'), (LOGINS[1], 'revoked')]
    assert result['not_found'] == ['gone@example.com', '00uNoSuchUser0000000'] and result['tokens'] == {'before': 3, 'after': 0}
    assert running.state()['refreshTokenCount'] == 0


def test_bad_input_fails_naming_the_option_before_any_call(okta_sim, run_module):
    running = okta_sim(users=1, oauth_grants_per_user=1)
    bad_client = run_module(okta_user_oauth_tokens, **connection(running, users=LOGINS[:1], clients=['0oa1', 'not/an/app']))
    assert bad_client['failed'] and bad_client['field'] == 'clients'
    assert bad_client['msg'].startswith('clients[1] is not an OAuth client ID')
    blank_user = run_module(okta_user_oauth_tokens, **connection(running, users=['']))
    assert blank_user['failed'] and blank_user['field'] == 'users' and 'empty or blank' in blank_user['msg']
    assert running.requests_log() == [] and running.state()['refreshTokenCount'] == 1
