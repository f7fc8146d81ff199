# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fuzz: since / until (okta_log_info) and since (the System Log poller) -> parse_time.

Whatever is typed - or what YAML made of it (a datetime, a date, a number) - the answer is an Okta
time (``YYYY-MM-DDTHH:MM:SS.mmmZ``, which compares as text the way it compares as time) for the
instant meant, or ValueError saying what is wrong; never OverflowError or anything else.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ansible_collections.identity.okta.plugins.module_utils.okta_time import parse_time
from ansible_collections.identity.okta.tests.unit.fuzz.fuzzing import ANY_TEXT, fuzz_settings

OKTA_TIME = re.compile(r'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$')
UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 11, 25, 8, 0, 0, 123456, tzinfo=UTC)

NUMBERS = st.one_of(st.integers(0, 10 ** 6).map(str), st.sampled_from(['0', '00', '1.5', '0.0001', '9' * 20, '9' * 400,
                                                                       '1e3', '-1', '+1', '\u0663', '\uff11', '1_0', '.5']))
UNITS = st.sampled_from(['s', 'm', 'h', 'd', 'w', 'M', 'y', 'ms', 'S', 'H', ''])
DURATIONS = st.tuples(NUMBERS, st.sampled_from(['', ' ', '  ', '\t']), UNITS).map(''.join)
YEARS = st.one_of(st.integers(1, 9999), st.sampled_from([1, 2, 999, 1000, 1969, 1970, 2038, 9998, 9999]))
ZONES = st.sampled_from(['Z', 'z', '+00:00', '-00:00', '+05:30', '-23:59', '+23:59', '+24:00', '+00:00:01', '+0100',
                         '', ' UTC', '+00:00[UTC]', 'ZZ'])


def iso_times():
    return st.builds(lambda y, mo, d, h, mi, s, frac, sep, zone: '%04d-%02d-%02d%s%02d:%02d:%02d%s%s' % (y, mo, d, sep, h, mi, s, frac, zone),
                     YEARS, st.integers(0, 13), st.integers(0, 32), st.integers(0, 24), st.integers(0, 60),
                     st.integers(0, 61), st.sampled_from(['', '.0', '.123', '.123456', '.1234567', ',5']),
                     st.sampled_from(['T', ' ', 't', '_']), ZONES)


def values():
    datetimes = st.one_of(st.datetimes(timezones=st.timezones()), st.datetimes(),
                          st.datetimes(timezones=st.sampled_from([UTC, datetime.timezone(datetime.timedelta(hours=23, minutes=59)),
                                                                  datetime.timezone(datetime.timedelta(hours=-23, minutes=-59))])))
    return st.one_of(iso_times(), iso_times(), DURATIONS, datetimes, st.dates(), st.none(), st.integers(), st.floats(), ANY_TEXT,
                     st.sampled_from(['now', 'NOW', ' now ', 'Now', 'yesterday', '24h', '7d', '-1h', 'nan', 'inf']))


def instant(value):
    """The instant an accepted ISO text or datetime names, or None when it is a duration or now."""
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        return datetime.datetime.fromisoformat(str(value).strip().replace('Z', '+00:00'))
    except ValueError:
        return None


@pytest.mark.fuzz_target('since / until -> parse_time')
@fuzz_settings(2000)
@given(value=values())
@example(value='0001-01-02T00:00:00Z')
@example(value='0999-12-31T23:59:59.999Z')
@example(value='0001-01-01T00:00:00+00:01')
@example(value='9999-12-31T23:59:59-00:01')
@example(value='9' * 400 + 'd')
@example(value='99999999999d')
@example(value='1' * 5000 + 's')
@example(value=datetime.datetime(1, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=1))))
def test_fuzz_parse_time(tally, value):
    with tally.trial() as trial:
        try:
            result = parse_time(value, NOW)
        except ValueError as exc:
            assert exc.__class__ is ValueError and str(exc), repr(exc)
            trial.refused()
            return
        assert OKTA_TIME.match(result), 'accepted %r as %r, which is not an Okta time' % (value, result)
        moment = datetime.datetime.fromisoformat(result.replace('Z', '+00:00'))
        expected = instant(value)
        if expected is not None and expected.tzinfo is not None:
            assert moment == expected.astimezone(UTC).replace(microsecond=expected.astimezone(UTC).microsecond // 1000 * 1000), (value, result)
        else:
            assert moment <= NOW, 'a duration or now is after now: %r -> %r' % (value, result)
        trial.accepted()


@pytest.mark.fuzz_target('since / until -> parse_time (order)')
@fuzz_settings(400)
@given(first=values(), second=values())
def test_fuzz_okta_times_compare_as_text_as_they_compare_as_times(tally, first, second):
    """okta_log_info compares since and until as text; that must agree with time order."""
    with tally.trial() as trial:
        try:
            since, until = parse_time(first, NOW), parse_time(second, NOW)
        except ValueError:
            trial.refused()
            return
        as_times = [datetime.datetime.fromisoformat(t.replace('Z', '+00:00')) for t in (since, until)]
        assert (since < until) == (as_times[0] < as_times[1]), (since, until)
        trial.accepted()
