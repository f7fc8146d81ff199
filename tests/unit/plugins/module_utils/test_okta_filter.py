# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filter expressions built by okta_filter match exactly the value they were given, whatever it holds.

The oracle is the simulator's filter parser, which reads string literals as Okta does (double
quotes; ``\\"`` and ``\\\\`` escaped; any other escape refused). Hypothesis generates hostile values:
quotes, backslashes, `` or ``, ``sw``, parentheses, unicode - and control characters, which must be
refused before anything is sent.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import requests
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ansible_collections.identity.okta.plugins.module_utils.okta_filter import (
    FilterValueError, all_of, any_of, compare, eq, group, quote_value)
from ansible_collections.identity.okta.tests.okta_simulator import Simulator
from ansible_collections.identity.okta.tests.okta_simulator.server import filter_literal, parse_log_filter

API_TOKEN = 'unit-test-filter-token-7c0e41b9a25d'
ATTACK = 'nobody@example.com" or actor.alternateId sw "'
ATTRIBUTES = ['actor.alternateId', 'actor.id', 'client.ipAddress', 'eventType', 'authenticationContext.externalSessionId']
HOSTILE_PIECES = [
    '"', '\\', '\\"', '\\\\', '"\\', '""', ' or ', ' OR ', ' and ', ' sw ', ' co ', ' eq ', '(', ')', ') or (',
    ATTACK, '" or eventType co "', 'actor.alternateId', ' ', '\u00e9', '\u4e2d', '\U0001F600', '\u2028', '\u200b',
    '\u202e', '%22', '%5C', '\\u0022', '\\n', '\ufeff',
]
# Everything a filter can carry: any character but control characters (Cc) and unpaired surrogates (Cs).
SAFE_TEXT = st.text(alphabet=st.characters(exclude_categories=('Cc', 'Cs')), max_size=10)
VALUES = st.lists(st.one_of(st.sampled_from(HOSTILE_PIECES), SAFE_TEXT), max_size=8).map(''.join)
# Values other events hold, which an injected "or ... sw" (or any other escape from the literal) would catch.
DECOYS = ['', 'victim@example.com', 'nobody@example.com', 'nobody@example.com"', '"', '\\', 'user.session.start']
REFUSED_CHARS = st.one_of(st.characters(categories=('Cc',)), st.characters(categories=('Cs',)))


def event(attribute, value, event_type='user.session.start'):
    """An event in Okta's LogEvent shape with ``attribute`` set to ``value``."""
    document = {'eventType': event_type, 'actor': {'id': '00uDECOY0000000000a', 'alternateId': 'decoy@example.com'},
                'client': {'ipAddress': '192.0.2.1'}, 'authenticationContext': {'externalSessionId': '102decoy'}}
    head, dummy, leaf = attribute.rpartition('.')
    node = document
    for part in head.split('.') if head else []:
        node = node[part]
    node[leaf] = value
    return document


def matching(expression, events):
    predicate = parse_log_filter(expression)
    return [index for index, item in enumerate(events) if predicate(item)]


@settings(max_examples=1000, deadline=None)
@given(attribute=st.sampled_from(ATTRIBUTES), values=st.lists(VALUES, min_size=1, max_size=6), pick=st.integers(0, 5))
@example(attribute='actor.alternateId', values=[ATTACK, 'nobody@example.com'], pick=0)
def test_eq_matches_exactly_the_events_with_that_value(attribute, values, pick):
    events = [event(attribute, value) for value in values + DECOYS]
    chosen = values[pick % len(values)]
    expression = eq(attribute, chosen)
    assert matching(expression, events) == [i for i, item in enumerate(events) if item == event(attribute, chosen)]
    assert filter_literal(quote_value(chosen)) == chosen


@settings(max_examples=500, deadline=None)
@given(values=st.lists(VALUES, min_size=1, max_size=5), others=st.lists(VALUES, max_size=5),
       free=st.sampled_from([None, 'eventType sw "user."', 'client.ipAddress eq "192.0.2.1" or eventType co "end"']))
def test_combined_expression_selects_exactly_the_chosen_users(values, others, free):
    """What okta_log_info sends for users + event_types (+ a free-form filter): AND between options,
    OR within one, each user matched by ID or login; nothing outside the chosen set leaks in."""
    events = []
    for value in values + others + DECOYS:
        for event_type in ('user.session.start', 'user.session.end'):
            events.append(event('actor.alternateId', value, event_type))
            events.append(event('actor.id', value, event_type))
    expression = all_of(any_of('eventType', ['user.session.start']), any_of(['actor.id', 'actor.alternateId'], values), free)
    free_predicate = parse_log_filter(free)
    expected = [i for i, item in enumerate(events)
                if item['eventType'] == 'user.session.start' and free_predicate(item)
                and (item['actor']['id'] in values or item['actor']['alternateId'] in values)]
    assert matching(expression, events) == expected


@settings(max_examples=300, deadline=None)
@given(prefix=SAFE_TEXT, refused=REFUSED_CHARS, suffix=SAFE_TEXT)
def test_control_characters_are_refused(prefix, refused, suffix):
    value = prefix + refused + suffix
    with pytest.raises(FilterValueError, match='U\\+%04X at offset %d' % (ord(refused), len(prefix))):
        quote_value(value)
    with pytest.raises(FilterValueError) as raised:
        any_of('actor.alternateId', ['fine@example.com', value])
    assert raised.value.position == 1


@pytest.mark.parametrize('value', [None, 1, 1.5, True, b'bytes', ['a'], {'a': 'b'}])
def test_non_strings_are_refused(value):
    with pytest.raises(FilterValueError, match='is not a string'):
        quote_value(value)


def test_quoting_is_okta_s_string_literal():
    assert quote_value('jane.doe@example.com') == '"jane.doe@example.com"'
    assert quote_value('a"b\\c') == '"a\\"b\\\\c"'
    assert quote_value('') == '""'
    assert eq('actor.alternateId', ATTACK) == 'actor.alternateId eq "nobody@example.com\\" or actor.alternateId sw \\""'


@pytest.mark.parametrize('attribute', ['actor.alternateId or 1', '', 'a..b', '.a', 'a eq "x"', 'a)', None, 'profile."login"'])
def test_attribute_names_are_checked(attribute):
    with pytest.raises(ValueError, match='not a filter attribute name'):
        eq(attribute, 'x')


def test_operators_are_checked():
    assert compare('profile.login', 'sw', 'jane') == 'profile.login sw "jane"'
    with pytest.raises(ValueError, match='not a filter operator'):
        compare('profile.login', 'ne', 'x')
    with pytest.raises(ValueError, match='not a filter operator'):
        compare('profile.login', 'eq "x" or a', 'x')


def test_any_of_all_of_and_group():
    assert any_of('client.ipAddress', ['203.0.113.66']) == 'client.ipAddress eq "203.0.113.66"'
    assert any_of('client.ipAddress', ['a', 'b']) == '(client.ipAddress eq "a" or client.ipAddress eq "b")'
    assert any_of(['actor.id', 'actor.alternateId'], ['x']) == '(actor.id eq "x" or actor.alternateId eq "x")'
    with pytest.raises(FilterValueError, match='is empty'):
        any_of('client.ipAddress', [])
    assert all_of(None, '', '  ') is None
    assert all_of(' a eq "x" or b eq "y" ') == 'a eq "x" or b eq "y"'
    assert all_of('eventType eq "x"', 'a eq "1" or b eq "2"') == 'eventType eq "x" and (a eq "1" or b eq "2")'
    assert group('(a eq "1") or (b eq "2")') == '((a eq "1") or (b eq "2"))'
    assert group('(a eq "1" or b eq ")(")') == '(a eq "1" or b eq ")(")'
    assert group('a eq "x\\" or b eq \\"y"') == 'a eq "x\\" or b eq \\"y"'  # one term: the or is inside the literal
    assert group('a eq "x" or b eq "y"') == '(a eq "x" or b eq "y")'


# -- the simulator's parser, the oracle above, reads literals as Okta does -----------------------

def test_simulator_reads_escaped_quotes_and_backslashes():
    login = 'a"b\\c'
    items = [event('actor.alternateId', login), event('actor.alternateId', 'a"b'), event('actor.alternateId', 'a')]
    assert matching('actor.alternateId eq "a\\"b\\\\c"', items) == [0]
    assert matching('actor.alternateId sw "a\\"b"', items) == [0, 1]
    assert matching('actor.alternateId co "\\\\"', items) == [0]


@pytest.mark.parametrize('expression', [
    'actor.alternateId eq "a\\nb"', 'actor.alternateId eq "a\\u0022"', 'actor.alternateId eq "a\\/"',
    'actor.alternateId eq "unterminated', 'actor.alternateId eq "x\\"', 'actor.alternateId eq x',
    'actor.alternateId xx "x"', '(actor.alternateId eq "x"', 'actor.alternateId eq "x")', 'actor.alternateId eq',
    'eventType eq "x" and', 'eventType eq "x" "y"',
])
def test_simulator_refuses_what_okta_cannot_read(expression):
    with pytest.raises(ValueError, match='^filter: '):
        parse_log_filter(expression)


def test_simulator_keeps_the_operators():
    items = [event('actor.alternateId', 'jane@example.com'), event('actor.alternateId', 'joe@example.org', 'user.session.end')]
    assert matching('actor.alternateId eq "jane@example.com"', items) == [0]
    assert matching('actor.alternateId sw "j"', items) == [0, 1]
    assert matching('actor.alternateId co "example.org"', items) == [1]
    assert matching('eventType eq "user.session.start" AND actor.alternateId sw "j"', items) == [0]
    assert matching('eventType eq "x" or (actor.alternateId co "org" and eventType eq "user.session.end")', items) == [1]
    assert matching('', items) == [0, 1]


def test_the_attack_of_issue_10_selects_nothing():
    """The playbook used to paste the value in; the simulator then read an ``or ... sw ""`` that matched every user."""
    items = [event('actor.alternateId', 'user%d@example.com' % i) for i in range(5)]
    pasted = 'eventType eq "user.session.start" and (actor.alternateId eq "%s")' % ATTACK
    assert matching(pasted, items) == [0, 1, 2, 3, 4]
    built = all_of(eq('eventType', 'user.session.start'), any_of(['actor.id', 'actor.alternateId'], [ATTACK]))
    assert matching(built, items) == []


# -- through the simulator over HTTP: the expression survives URL encoding ------------------------

@pytest.fixture(scope='module')
def log_api():
    """One simulator for all the examples (the okta_sim fixture would start one per test)."""
    # Many System Log calls in a few seconds: this tests the filter, so the logs bucket is made wide.
    simulator = Simulator(api_tokens=[API_TOKEN], users=3, sessions_per_user=1, profile='production',
                          bucket_limits={'logs': 100000, 'users': 100000}).start()
    yield simulator
    simulator.stop()


@settings(max_examples=60, deadline=None)
@given(login=VALUES.filter(lambda value: value.strip()))
@example(login=ATTACK)
def test_over_http_the_filter_returns_exactly_that_user_s_events(log_api, login):
    created = requests.post(log_api.base_url + '/_simulator/users', json={'login': login, 'sessions': 1}, timeout=10)
    assert created.status_code == 201
    headers = {'Authorization': 'SSWS ' + API_TOKEN, 'Accept': 'application/json'}
    window = {'since': '2000-01-01T00:00:00Z', 'until': '2099-01-01T00:00:00Z', 'limit': 1000}
    everything = requests.get(log_api.base_url + '/api/v1/logs', params=window, headers=headers, timeout=10).json()
    expression = all_of(eq('eventType', 'user.session.start'), any_of(['actor.id', 'actor.alternateId'], [login]))
    response = requests.get(log_api.base_url + '/api/v1/logs', params=dict(window, filter=expression),
                            headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    expected = [e['uuid'] for e in everything if e['actor']['alternateId'] == login and e['eventType'] == 'user.session.start']
    assert [e['uuid'] for e in response.json()] == expected and expected
