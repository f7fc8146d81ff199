# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""okta_log_info in process against the simulator: the events of a window with the sessions, users and addresses
to act on next, the filter written from the selections (values quoted, never read as syntax), paging and
max_events, sort order, query and q, check mode, bad input refused before any call."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import time

import pytest

from ansible_collections.identity.okta.plugins.module_utils.okta_time import okta_time
from ansible_collections.identity.okta.plugins.modules import okta_log_info
from ansible_collections.identity.okta.tests.unit.plugins.modules.containment_helpers import calls, connection

SUSPECT_IP = '203.0.113.66'


def sign_in(running, login, ip=None):
    return running.admin('POST', 'sessions', dict({'login': login}, **({'ip': ip} if ip else {})))


def now():
    time.sleep(0.002)  # the System Log keeps milliseconds: a moment strictly between two events
    moment = okta_time(datetime.datetime.now(datetime.timezone.utc))
    time.sleep(0.002)
    return moment


def test_the_events_of_the_window_and_the_sessions_users_and_addresses_in_them(okta_sim, run_module):
    running = okta_sim(users=2)
    made = [sign_in(running, 'user1@example.com', SUSPECT_IP), sign_in(running, 'user2@example.com'),
            sign_in(running, 'user1@example.com', SUSPECT_IP)]
    users = dict((u['login'], u['id']) for u in running.state()['users'])
    for check_mode in (False, True):
        result = run_module(okta_log_info, _ansible_check_mode=check_mode, **connection(running, since='1h'))
        assert not result.get('failed') and result['changed'] is False, result.get('msg')
        assert [e['eventType'] for e in result['events']] == ['user.session.start'] * 3 and result['truncated'] is False
        assert result['session_ids'] == [m['externalSessionId'] for m in made]
        assert result['users'] == [{'id': users['user1@example.com'], 'login': 'user1@example.com'},
                                   {'id': users['user2@example.com'], 'login': 'user2@example.com'}]
        assert result['client_ips'][0] == SUSPECT_IP and len(result['client_ips']) == 2
        assert result['filter'] is None and result['window']['since'] < result['window']['until']
    assert calls(running, 'GET', '/api/v1/logs') == 2


def test_the_selections_are_written_into_one_filter_and_select_the_events(okta_sim, run_module):
    running = okta_sim(users=3)
    user2 = [u['id'] for u in running.state()['users'] if u['login'] == 'user2@example.com'][0]
    suspect = sign_in(running, 'user1@example.com', SUSPECT_IP)
    sign_in(running, 'user2@example.com', SUSPECT_IP)
    sign_in(running, 'user3@example.com')
    running.admin('POST', 'events', {'login': 'user1@example.com', 'eventType': 'user.authentication.sso', 'ip': SUSPECT_IP,
                                     'outcome': 'FAILURE'})
    by_ip = run_module(okta_log_info, **connection(running, since='1h', event_types=['user.session.start'],
                                                   client_ips=[SUSPECT_IP]))
    assert by_ip['filter'] == 'eventType eq "user.session.start" and client.ipAddress eq "%s"' % SUSPECT_IP
    assert [u['login'] for u in by_ip['users']] == ['user1@example.com', 'user2@example.com']
    by_user = run_module(okta_log_info, **connection(running, since='1h', users=['user1@example.com', user2, 'user1@example.com']))
    assert by_user['filter'] == ('(actor.id eq "user1@example.com" or actor.alternateId eq "user1@example.com" or '
                                 'actor.id eq "%s" or actor.alternateId eq "%s")' % (user2, user2)), 'each value once'
    assert len(by_user['events']) == 3 and [u['login'] for u in by_user['users']] == ['user1@example.com', 'user2@example.com']
    failures = run_module(okta_log_info, **connection(running, since='1h', users=['user1@example.com'],
                                                      filter='outcome.result eq "FAILURE" or outcome.result eq "DENY"'))
    assert failures['filter'].endswith(' and (outcome.result eq "FAILURE" or outcome.result eq "DENY")')
    assert [e['eventType'] for e in failures['events']] == ['user.authentication.sso']
    session = run_module(okta_log_info, **connection(running, since='1h', session_ids=[suspect['externalSessionId']]))
    assert session['session_ids'] == [suspect['externalSessionId']] and len(session['events']) == 1


def test_a_value_is_only_ever_compared_never_read_as_filter_syntax(okta_sim, run_module):
    running = okta_sim(users=2, sessions_per_user=1)
    sneaky = 'x" or actor.id pr or actor.id eq "y'
    result = run_module(okta_log_info, **connection(running, since='1h', users=[sneaky], client_ips=['a\\"b']))
    assert not result.get('failed') and result['events'] == [], 'the quote closed nothing: no event matches'
    assert 'actor.id eq "x\\" or actor.id pr or actor.id eq \\"y"' in result['filter']
    assert 'client.ipAddress eq "a\\\\\\"b"' in result['filter']


def test_paging_and_max_events(okta_sim, run_module):
    running = okta_sim(users=5, sessions_per_user=1)
    cut = run_module(okta_log_info, **connection(running, since='1h', page_size=2, max_events=3))
    assert len(cut['events']) == 3 and cut['truncated'] is True and len(cut['session_ids']) == 3
    assert calls(running, 'GET', '/api/v1/logs') == 2, 'one event past max_events is read to know it was cut'
    whole = run_module(okta_log_info, **connection(running, since='1h', page_size=2, max_events=5))
    assert len(whole['events']) == 5 and whole['truncated'] is False
    assert calls(running, 'GET', '/api/v1/logs') == 5
    assert [e['uuid'] for e in whole['events']][:3] == [e['uuid'] for e in cut['events']]


def test_the_window_the_order_a_query_and_keywords(okta_sim, run_module):
    running = okta_sim(users=1)
    sign_in(running, 'user1@example.com')
    middle = now()
    late = [sign_in(running, 'user1@example.com', SUSPECT_IP), sign_in(running, 'user1@example.com')]
    after = run_module(okta_log_info, **connection(running, since=middle))
    assert after['session_ids'] == [s['externalSessionId'] for s in late] and after['window']['since'] == middle
    before = run_module(okta_log_info, **connection(running, since='1h', until=middle))
    assert len(before['events']) == 1 and before['window']['until'] == middle
    newest_first = run_module(okta_log_info, **connection(running, since=middle, sort_order='DESCENDING',
                                                          query='[].client.ipAddress'))
    assert newest_first['session_ids'] == [s['externalSessionId'] for s in reversed(late)]
    assert newest_first['query_result'] == [newest_first['events'][0]['client']['ipAddress'], SUSPECT_IP]
    keyword = run_module(okta_log_info, **connection(running, since='1h', q=SUSPECT_IP))
    assert keyword['session_ids'] == [late[0]['externalSessionId']]


@pytest.mark.parametrize('args, field, words', [
    (dict(users=['user1@example.com', 'line\nbreak']), 'users', 'users[1] contains the control character U+000A'),
    (dict(event_types=['']), 'event_types', 'event_types[0] is empty'),
    (dict(client_ips=[]), 'client_ips', 'client_ips is empty'),
    (dict(since='yesterday'), 'since', 'since must be "now", a duration'),
    (dict(since='2h', until='3h'), 'since', 'must be before until'),
    (dict(since='2026-11-25T06:00:00'), 'since', 'must say its time zone'),
    (dict(page_size=1001), 'page_size', 'page_size must be between 1 and 1000'),
    (dict(max_events=0), 'max_events', 'max_events must be 1 or more'),
])
def test_bad_input_fails_naming_the_option_before_any_call(okta_sim, run_module, args, field, words):
    running = okta_sim(users=1, sessions_per_user=1)
    result = run_module(okta_log_info, **connection(running, **args))
    assert result['failed'] and result['field'] == field and words in result['msg'], result['msg']
    assert running.requests_log() == []
