# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fuzz: System Log events -> okta_log_info's summary (session_ids, users, client_ips) and the EDA poller
(okta_system_log): its options, the events it hands over and the rate-limit headers it paces itself by.

Events are generated in Okta's LogEvent shape with explicit nulls where Okta writes them, and with
wrong types anywhere (a list where an object belongs, a number for a uuid, an event that is not an
object). Nothing may fail on them; what is extracted is text; events with a uuid are queued once.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import json
import math
import os
import shutil
import tempfile

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ansible_collections.identity.okta.extensions.eda.plugins.event_source import okta_system_log
from ansible_collections.identity.okta.plugins.module_utils.okta_errors import OktaConfigError
from ansible_collections.identity.okta.plugins.module_utils.okta_config import SETTINGS
from ansible_collections.identity.okta.plugins.modules.okta_log_info import distinct, summarize
from ansible_collections.identity.okta.tests.unit.fuzz.fuzzing import ANY_TEXT, JSON_VALUES, fuzz_settings

WRONG = st.one_of(JSON_VALUES, st.lists(st.text(max_size=3), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


def maybe(strategy):
    """Okta's value, an explicit null, or a value of the wrong type."""
    return st.one_of(strategy, strategy, st.none(), WRONG)


def log_events():
    actor = st.fixed_dictionaries({'id': maybe(st.sampled_from(['00u1', '00u2', '00u3', ''])),
                                   'type': maybe(st.sampled_from(['User', 'PublicClientApp', 'SystemPrincipal'])),
                                   'alternateId': maybe(st.sampled_from(['jane@example.com', 'joe@example.com', 'unknown'])),
                                   'displayName': maybe(st.text(max_size=5)), 'detailEntry': st.none()})
    event = st.fixed_dictionaries({
        'uuid': maybe(st.sampled_from(['u-1', 'u-2', 'u-3', 'u-4', ''])),
        'published': maybe(st.sampled_from(['2026-11-25T06:00:00.000Z', '2026-11-25T06:00:01.000Z'])),
        'eventType': maybe(st.sampled_from(['user.session.start', 'user.session.end'])),
        'actor': maybe(actor),
        'client': maybe(st.fixed_dictionaries({'ipAddress': maybe(st.sampled_from(['192.0.2.1', '2001:db8::1', ''])),
                                               'geographicalContext': st.none()})),
        'authenticationContext': maybe(st.fixed_dictionaries({'externalSessionId': maybe(st.sampled_from(['102a', '102b', ''])),
                                                              'authenticationProvider': st.none()})),
        'target': maybe(st.lists(st.dictionaries(st.text(max_size=4), JSON_VALUES, max_size=2), max_size=2)),
    })
    return st.lists(st.one_of(event, event, event, WRONG), max_size=8)


def well_formed(events):
    """Whether every value has the type Okta documents (or is null), where the old inline code was exact."""
    def text_or_none(value):
        return value is None or isinstance(value, str)

    for event in events:
        if not isinstance(event, dict):
            return False
        for key, inner in (('actor', ('id', 'type', 'alternateId')), ('client', ('ipAddress',)),
                           ('authenticationContext', ('externalSessionId',))):
            value = event.get(key)
            if value is not None and not (isinstance(value, dict) and all(text_or_none(value.get(k)) for k in inner)):
                return False
    return True


def summary_before(events):
    """okta_log_info's extraction as it was inline in main() before summarize(): the reference for well-formed events."""
    actors = [e.get('actor') or {} for e in events]
    users = dict((a['id'], a.get('alternateId')) for a in actors if a.get('type') == 'User' and a.get('id'))
    users_in_order = [a.get('id') for a in actors if a.get('type') == 'User']
    return dict(
        session_ids=distinct((e.get('authenticationContext') or {}).get('externalSessionId') for e in events),
        users=[dict(id=user_id, login=users[user_id]) for user_id in distinct(users_in_order)],
        client_ips=distinct((e.get('client') or {}).get('ipAddress') for e in events),
    )


@pytest.mark.fuzz_target('System Log events -> okta_log_info summary')
@fuzz_settings(400)
@given(events=log_events())
@example(events=[{'actor': None, 'client': None, 'authenticationContext': None}])
@example(events=[{'authenticationContext': {'externalSessionId': ['102a']}}])
@example(events=[{'actor': {'type': 'User', 'id': {'x': 1}}}])
@example(events=['not an event', 7, None])
def test_fuzz_log_info_summary(tally, events):
    with tally.trial() as trial:
        summary = summarize(events)
        assert sorted(summary) == ['client_ips', 'session_ids', 'users']
        for key in ('session_ids', 'client_ips'):
            assert all(isinstance(v, str) and v for v in summary[key]), summary[key]
            assert len(set(summary[key])) == len(summary[key])
        assert all(isinstance(u['id'], str) and u['id'] and (u['login'] is None or isinstance(u['login'], str)) for u in summary['users'])
        assert len(set(u['id'] for u in summary['users'])) == len(summary['users'])
        json.dumps(summary)
        if well_formed(events):
            assert summary == summary_before(events), 'behaviour changed for well-formed events'
        trial.accepted()


# -- the poller ------------------------------------------------------------------------------------

def poller_for(args=None, cursor_file=None):
    base = {'org_url': 'http://127.0.0.1:9', 'api_token': 'fuzz-poller-token', 'since': '15m'}
    if cursor_file:
        base['cursor_file'] = cursor_file
    base.update(args or {})
    return okta_system_log.SystemLogPoller(asyncio.Queue(), base)


NUMBER_TEXT = st.one_of(st.sampled_from(['0', '-1', '1', '0.001', '15', '1e3', '1001', 'nan', 'NaN', 'inf', '-inf', '', ' ', '1,5',
                                         '0x10', '9' * 400]), ANY_TEXT)
OPTION_VALUES = st.one_of(NUMBER_TEXT, st.integers(-10, 2000), st.floats(), st.booleans(), st.none(), st.lists(st.integers(), max_size=2))


def poller_options():
    return st.fixed_dictionaries({}, optional={
        'interval': OPTION_VALUES, 'page_size': OPTION_VALUES, 'max_api_share': OPTION_VALUES, 'timeout': OPTION_VALUES,
        'max_retries': OPTION_VALUES, 'validate_certs': st.one_of(OPTION_VALUES, st.sampled_from(['yes', 'no', 'TRUE', 'off'])),
        'since': st.one_of(ANY_TEXT, st.sampled_from(['now', '15m', '2026-11-25T06:00:00Z', '0001-01-01T00:00:00Z']),
                           st.datetimes(), st.dates(), st.integers()),
        'filter': st.one_of(st.none(), ANY_TEXT),
        'org_url': st.one_of(st.just('http://127.0.0.1:9'), ANY_TEXT, st.none()),
    })


OPTION_NAMES = ('interval', 'page_size', 'max_api_share', 'timeout', 'max_retries', 'validate_certs', 'since')


@pytest.mark.fuzz_target('poller options -> SystemLogPoller')
@fuzz_settings(400)
@given(options=poller_options())
@example(options={'interval': 'nan'})
@example(options={'interval': float('nan')})
@example(options={'interval': 'inf'})
@example(options={'since': '0001-01-01T00:00:00+01:00'})
def test_fuzz_poller_options(tally, options):
    with tally.trial() as trial:
        try:
            poller = poller_for(options)
        except OktaConfigError as exc:
            assert exc.field in SETTINGS + ('timeout', 'max_retries', 'max_api_share', 'requests', 'config_file'), exc.field
            trial.refused()
            return
        except ValueError as exc:
            assert any(name in str(exc) for name in OPTION_NAMES), 'the error names no option: %s' % exc
            trial.refused()
            return
        try:
            assert poller.interval > 0 and not math.isnan(poller.interval), 'interval %r accepted' % poller.interval
            assert 1 <= poller.page_size <= 1000
        finally:
            poller.close()
        trial.accepted()


@pytest.fixture(scope='module')
def cursor_directory():
    directory = tempfile.mkdtemp(prefix='okta-fuzz-cursor-')
    yield directory
    shutil.rmtree(directory)


def expected_queue(pages):
    """What the poller should queue: every object, once per string uuid (events without one always)."""
    queued, seen = [], set()
    for page in pages:
        for event in page:
            if not isinstance(event, dict):
                continue
            uuid = event.get('uuid')
            if isinstance(uuid, str) and uuid:
                if uuid in seen:
                    continue
                seen.add(uuid)
            queued.append(event)
    return queued


@pytest.mark.fuzz_target('System Log events -> poller hand-over and cursor file')
@fuzz_settings(200)
@given(pages=st.lists(log_events(), min_size=1, max_size=2))
@example(pages=[[{'uuid': ['u-1']}, {'uuid': {'a': 1}}, {'uuid': 7, 'published': 5}]])
@example(pages=[[{'uuid': 'u-1'}], [{'uuid': 'u-1'}, {'uuid': 'u-2', 'published': ['x']}]])
def test_fuzz_poller_hand_over(tally, cursor_directory, pages):
    path = os.path.join(cursor_directory, 'cursor.json')
    if os.path.exists(path):
        os.unlink(path)
    poller = poller_for(cursor_file=path)
    queued = []

    class Queue:
        async def put(self, event):
            queued.append(event)

    poller.queue = Queue()
    try:
        with tally.trial() as trial:
            for page in pages:
                asyncio.run(poller._hand_over(page))
                poller.cursor.position = 'http://127.0.0.1:9/api/v1/logs?after=x'
                poller.cursor.save(sync=True)
            assert queued == expected_queue(pages), 'queued %d events, expected %d' % (len(queued), len(expected_queue(pages)))
            again = okta_system_log.Cursor(path, poller.client.base_url, None)
            assert again.load() in ('position', None)
            trial.accepted()
    finally:
        poller.close()


RATE_TEXT = st.one_of(st.integers(-5, 1200).map(str), st.sampled_from(['', 'x', '1.5', '-0', '9' * 30, '9' * 400]))


@pytest.mark.fuzz_target('rate-limit headers -> poller pause')
@fuzz_settings(800)
@given(limit=RATE_TEXT, remaining=RATE_TEXT, reset_in=st.one_of(st.integers(-100, 400), st.sampled_from([10 ** 9, -(10 ** 9)])),
       reset=st.one_of(st.none(), RATE_TEXT), date=st.one_of(st.none(), st.sampled_from(['Thu, 01 Jan 1970 00:00:00 GMT', 'x', ''])),
       had_events=st.booleans(), share=st.sampled_from(['0.5', '1', '0.01']))
@example(limit='600', remaining='0', reset_in=0, reset='9' * 400, date=None, had_events=False, share='0.5')
def test_fuzz_poller_pause(tally, limit, remaining, reset_in, reset, date, had_events, share):
    poller = poller_for({'max_api_share': share, 'interval': '15'})
    headers = {'X-Rate-Limit-Limit': limit, 'X-Rate-Limit-Remaining': remaining,
               'X-Rate-Limit-Reset': reset if reset is not None else str(int(poller.client.rate_limiter._clock()) + reset_in)}
    if date is not None:
        headers['Date'] = date
    try:
        with tally.trial() as trial:
            pause = poller._pause(headers, had_events)
            assert 0 <= pause <= okta_system_log.MAX_PAUSE_SECONDS, pause
            assert had_events or pause >= min(poller.interval, okta_system_log.MAX_PAUSE_SECONDS)
            trial.accepted()
    finally:
        poller.close()
