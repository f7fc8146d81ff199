# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``batch_window``: a burst for many people reaches the rule engine as one event per group, naming everyone in it
(issue 20), through the Event Hook over HTTP and the System Log poller against the simulator; an event both
sources bring is handed over once."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import time

import pytest

from ansible_collections.identity.okta.extensions.eda.plugins.event_source import okta_event_hook as hook
from ansible_collections.identity.okta.plugins.module_utils import okta_event_batch
from ansible_collections.identity.okta.plugins.module_utils.okta_event_batch import DEFAULT_BATCH_BY, batched

from ansible_collections.identity.okta.tests.unit.extensions.eda.plugins.event_source import test_okta_event_hook as hook_tests
from ansible_collections.identity.okta.tests.unit.extensions.eda.plugins.event_source import test_okta_system_log as poller_tests

receiver = hook_tests.receiver  # the fixture
SECRET, SERVERS, call, okta_delivery = hook_tests.SECRET, hook_tests.SERVERS, hook_tests.call, hook_tests.okta_delivery
inject, nothing_more, poller_args = poller_tests.inject, poller_tests.nothing_more, poller_tests.poller_args
start, stop, take = poller_tests.start, poller_tests.stop, poller_tests.take

SUSPICIOUS = 'user.account.report_suspicious_activity_by_enduser'
BLOCKED_IP = '203.0.113.66'


@pytest.fixture(autouse=True)
def fresh_handed_over(monkeypatch):
    """Each test its own record of what was handed over (in ansible-rulebook: one per process)."""
    monkeypatch.setattr(okta_event_batch, 'HANDED_OVER', okta_event_batch.HandedOver())
    monkeypatch.setattr(hook, 'HANDED_OVER', okta_event_batch.HANDED_OVER)
    from ansible_collections.identity.okta.extensions.eda.plugins.event_source import okta_system_log
    monkeypatch.setattr(okta_system_log, 'HANDED_OVER', okta_event_batch.HANDED_OVER)


def event(number, actor, event_type=SUSPICIOUS, ip='198.51.100.7', result='SUCCESS'):
    return {'uuid': 'u-%d' % number, 'eventType': event_type, 'actor': {'id': actor, 'alternateId': actor + '@x'},
            'client': {'ipAddress': ip}, 'outcome': {'result': result}}


def test_events_that_agree_on_batch_by_become_one_naming_everyone():
    events = [event(n, '00u%d' % (n % 3)) for n in range(9)]
    events.insert(4, event(100, '00uX', 'user.session.start', ip=BLOCKED_IP))
    events.append(event(101, '00uY', 'user.session.start', ip=BLOCKED_IP, result='FAILURE'))
    groups = batched(events, DEFAULT_BATCH_BY)
    assert [(first['uuid'], first['okta_batch']['actor_ids'], first['okta_batch']['count']) for first, dummy in groups] == [
        ('u-0', ['00u0', '00u1', '00u2'], 9), ('u-100', ['00uX'], 1), ('u-101', ['00uY'], 1)]
    reports, members = groups[0]
    assert reports['okta_batch']['alternate_ids'] == ['00u0@x', '00u1@x', '00u2@x']
    assert reports['okta_batch']['uuids'] == ['u-%d' % n for n in range(9)] and len(members) == 9
    assert 'okta_batch' not in events[0], 'the events themselves are not changed'


def test_without_batch_by_each_event_goes_on_its_own_unchanged():
    events = [event(n, '00u1') for n in range(3)]
    assert batched(events, None) == [(e, [e]) for e in events]


def test_a_group_holds_at_most_100_people():
    events = [event(n, '00u%d' % n) for n in range(250)] + [event(999, '00u3')]
    groups = batched(events, ['eventType'])
    # 00u3 again, once the first group is full: in the group that is still open (signed out twice does no harm)
    assert [len(first['okta_batch']['actor_ids']) for first, dummy in groups] == [100, 100, 51]
    assert groups[2][0]['okta_batch']['actor_ids'][-1] == '00u3'
    assert sum(len(members) for dummy, members in groups) == 251, 'no event dropped'


@pytest.mark.parametrize('server', SERVERS)
def test_the_hook_hands_a_burst_over_as_one_event_per_group(receiver, okta_sim, server):  # noqa: F811 pylint: disable=redefined-outer-name
    """200 reports for 10 people and, amid them, a sign-in from a blocked address, delivered one event a
    delivery: within the window they reach the queue as two events, the reports naming all 10 people."""
    sim = okta_sim(users=12)
    running = receiver(server, batch_window=5.0)   # the deliveries below take about a second
    logins = ['user%d@example.com' % n for n in range(1, 11)]
    burst = [sim.admin('POST', 'events', {'login': logins[n % 10], 'eventType': SUSPICIOUS}) for n in range(200)]
    sign_in = sim.admin('POST', 'events', {'login': 'user11@example.com', 'eventType': 'user.session.start'})
    for number, one in enumerate(burst):
        assert call(running.port, 'POST', okta_delivery(sim.base_url, one), {'Authorization': SECRET})[0] == 200
        if number == 100:
            assert call(running.port, 'POST', okta_delivery(sim.base_url, sign_in), {'Authorization': SECRET})[0] == 200
    deadline = time.monotonic() + 15
    queued = []
    while len(queued) < 2 and time.monotonic() < deadline:
        queued += running.queued()
        time.sleep(0.05)
    time.sleep(0.5)
    queued += running.queued()
    assert [e['eventType'] for e in queued] == [SUSPICIOUS, 'user.session.start'], queued
    reports = queued[0]['okta_batch']
    assert reports['count'] == 200 and sorted(reports['alternate_ids']) == sorted(logins)
    assert reports['actor_ids'] == list(dict.fromkeys(e['actor']['id'] for e in burst))
    assert queued[1]['okta_batch']['actor_ids'] == [sign_in['actor']['id']]
    assert queued[0]['uuid'] == burst[0]['uuid'], 'the group is its first event'


def test_the_poller_groups_a_page_and_skips_what_the_hook_handed_over(okta_sim):
    """A poller with a window groups the new events of a page; an event the hook of the same process handed over
    already is not handed over again, and the rest of its page still is."""
    sim = okta_sim(users=12)
    seen_by_hook = inject(sim, 'user1@example.com')
    okta_event_batch.HANDED_OVER.remember([seen_by_hook])
    wanted = [inject(sim, 'user%d@example.com' % n) for n in (2, 3, 2, 4)]
    signed_in = inject(sim, 'user5@example.com', 'user.session.start', ip=BLOCKED_IP)

    async def scenario():
        queue = asyncio.Queue()
        task = await start(sim, queue, poller_args(sim, batch_window=1, page_size=100, since='5m', filter=(
            'eventType eq "%s" or eventType eq "user.session.start"' % SUSPICIOUS)))
        try:
            events = await take(queue, 2)
            await nothing_more(queue, 1.0)
        finally:
            await stop(task)
        return events

    events = asyncio.run(scenario())
    assert [e['eventType'] for e in events] == [SUSPICIOUS, 'user.session.start'], events
    assert events[0]['uuid'] == wanted[0]['uuid']
    assert events[0]['okta_batch']['uuids'] == [e['uuid'] for e in wanted]
    assert events[0]['okta_batch']['alternate_ids'] == ['user2@example.com', 'user3@example.com', 'user4@example.com']
    assert events[1]['okta_batch']['actor_ids'] == [signed_in['actor']['id']]
