# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fuzz: the JMESPath ``query`` option -> OktaModule._compile_query and apply_query.

Expressions are generated from JMESPath's grammar (paths, projections, filters, slices, pipes,
multiselects, literals, every built-in function with right and wrong arity, unknown functions,
deep nesting) and as random text, then applied to System Log events and random JSON. A query that
does not parse, calls what does not exist, or fails on the data ends the task with an error naming
``query``; nothing else escapes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import jmespath.functions
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ansible_collections.identity.okta.tests.unit.fuzz.fuzzing import ANY_TEXT, JSON_VALUES, Failed, FakeModule, fuzz_settings

FUNCTIONS = sorted(jmespath.functions.Functions.FUNCTION_TABLE) + ['nope', 'to_csv', 'eval', '__class__']
FIELDS = ['eventType', 'actor', 'actor.id', 'actor.alternateId', 'client.ipAddress', 'published', 'uuid', 'outcome.result',
          'authenticationContext.externalSessionId', 'target', 'debugContext.debugData', 'securityContext', '"quoted field"',
          'missing', '@']
LITERALS = ["'user.session.start'", "`1`", "`-1`", "`0`", "`1e999`", "`-1e999`", "`null`", "`[]`", "`{}`", "`\"x\"`", "'1e999'",
            "'-inf'", "'nan'", "'9999999999999999999999999'", "`true`", "'\u00e9'", "''", "`99999999999999999999`"]


def expressions():
    leaves = st.one_of(st.sampled_from(FIELDS), st.sampled_from(LITERALS))

    def extend(inner):
        function = st.tuples(st.sampled_from(FUNCTIONS), st.lists(inner, max_size=4)).map(lambda f: '%s(%s)' % (f[0], ', '.join(f[1])))
        binary = st.tuples(inner, st.sampled_from([' || ', ' && ', ' == ', ' != ', ' < ', ' >= ', ' | ', '.']), inner).map(''.join)
        return st.one_of(
            function, function, binary,
            inner.map(lambda e: '(%s)' % e), inner.map(lambda e: '!%s' % e), inner.map(lambda e: '%s[*]' % e),
            inner.map(lambda e: '%s[]' % e), inner.map(lambda e: '&%s' % e),
            st.tuples(inner, inner).map(lambda p: '%s[?%s]' % p),
            st.tuples(inner, st.sampled_from(['[0]', '[-1]', '[::-1]', '[0:10:0]', '[1:2]', '[99999999999999999999]', '[::2]'])).map(''.join),
            st.lists(inner, min_size=1, max_size=3).map(lambda items: '[%s]' % ', '.join(items)),
            st.lists(inner, min_size=1, max_size=3).map(lambda items: '{%s}' % ', '.join('k%d: %s' % i for i in enumerate(items))),
        )
    return st.recursive(leaves, extend, max_leaves=8)


def events():
    event = st.fixed_dictionaries({
        'uuid': st.one_of(st.uuids().map(str), st.none()),
        'eventType': st.sampled_from(['user.session.start', 'user.session.end', 'policy.evaluate_sign_on']),
        'published': st.sampled_from(['2026-11-25T06:00:00.000Z', None]),
        'actor': st.one_of(st.none(), st.fixed_dictionaries({'id': st.one_of(st.none(), st.text(max_size=5)),
                                                             'type': st.sampled_from(['User', 'PublicClientApp', None]),
                                                             'alternateId': st.one_of(st.none(), st.text(max_size=8))})),
        'client': st.one_of(st.none(), st.fixed_dictionaries({'ipAddress': st.one_of(st.none(), st.ip_addresses().map(str))})),
        'authenticationContext': st.one_of(st.none(), st.fixed_dictionaries({'externalSessionId': st.one_of(st.none(), st.text(max_size=6))})),
        'target': st.one_of(st.none(), st.lists(st.dictionaries(st.text(max_size=5), JSON_VALUES, max_size=3), max_size=2)),
        'debugContext': st.one_of(st.none(), st.fixed_dictionaries({'debugData': st.dictionaries(st.text(max_size=5), st.text(max_size=5))})),
    }, optional={'extra': JSON_VALUES})
    return st.one_of(st.lists(event, max_size=5), JSON_VALUES)


def compile_or_refuse(trial, expression):
    module = FakeModule({'query': expression})
    try:
        module._query = module._compile_query()
    except Failed as failure:
        assert failure.result.get('field') == 'query', failure.result
        assert failure.msg.startswith('query '), failure.msg
        trial.refused()
        return None
    return module


@pytest.mark.fuzz_target('query -> _compile_query / apply_query')
@fuzz_settings(1000)
@given(expression=st.one_of(expressions(), expressions(), ANY_TEXT), data=events())
@example(expression="ceil(to_number('1e999'))", data=[])
@example(expression="floor(to_number('-1e999'))", data=[])
@example(expression='avg(@)', data=[10 ** 30, 10 ** 30])
@example(expression='(' * 3000 + '@' + ')' * 3000, data=[])
@example(expression='abs(' * 600 + '`1`' + ')' * 600, data=[])
@example(expression='[' * 3000 + '@' + ']' * 3000, data=[])
@example(expression='@[0:10:0]', data=[1, 2])
@example(expression="sort_by(@, &actor.id)", data=[{'actor': {'id': 'a'}}, {'actor': {'id': 1}}])
@example(expression="join(', ', [*].client.ipAddress)", data=[{'client': {'ipAddress': None}}])
@example(expression="max_by(@, &published)", data=[{'published': None}])
def test_fuzz_query(tally, expression, data):
    with tally.trial() as trial:
        module = compile_or_refuse(trial, expression)
        if module is None:
            return
        try:
            module.apply_query(data)
        except Failed as failure:
            assert failure.result.get('field') == 'query', failure.result
            assert failure.msg.startswith('query failed: ') and len(failure.msg) < 400, failure.msg
            trial.refused()
            return
        trial.accepted()


def test_no_query_is_no_result():
    module = FakeModule({'query': None})
    module._query = module._compile_query()
    assert module._query is None and module.apply_query([{'a': 1}]) is None
