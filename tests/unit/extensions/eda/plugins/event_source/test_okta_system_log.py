# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The System Log poller against the Okta simulator over real HTTP: ``okta_system_log.main(queue, args)`` runs
as ansible-rulebook runs it, a task on an asyncio event loop (``asyncio.run`` here) that is cancelled to stop;
events are put into the simulator's System Log through its test-only API and must come out of the queue.

Each test starts its own simulator (the ``okta_sim`` fixture): Okta's production limits, Okta's minute run as
one second unless a test says otherwise. One test runs the poller in a process of its own and kills it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import json
import logging
import os
import selectors
import signal
import subprocess
import sys
import time
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from ansible_collections.identity.okta.extensions.eda.plugins.event_source import okta_system_log
from ansible_collections.identity.okta.plugins.module_utils.okta_errors import OktaApiError

SUSPICIOUS = 'user.account.report_suspicious_activity_by_enduser'
LOGS = 'GET /api/v1/logs'
WRONG_TOKEN = 'wrong-token-5f0c2e9a7d41b3'
LOGGER_NAME = 'identity.okta.okta_system_log'


# -- helpers --------------------------------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def short_interval_floor(monkeypatch):
    """The simulator runs Okta's minute faster than real time: so may the poller's idle pause."""
    monkeypatch.setattr(okta_system_log, 'MIN_INTERVAL_SECONDS', 0.01)


def inject(sim, login, event_type=SUSPICIOUS, ip='198.51.100.200'):
    """One event in the simulator's System Log; the LogEvent as Okta would return it."""
    return sim.admin('POST', 'events', {'login': login, 'eventType': event_type, 'ip': ip})


def summary(sim):
    return sim.admin('GET', 'state?summary=1')


def log_calls(sim):
    return summary(sim)['requestCounts'].get(LOGS, 0)


def poller_args(sim, **extra):
    args = {'org_url': sim.base_url, 'api_token': sim.api_token, 'interval': 0.2, 'since': 'now',
            'filter': 'eventType eq "%s"' % SUSPICIOUS}
    args.update(extra)
    return dict((name, value) for name, value in args.items() if value is not None)


async def start(sim, queue, args):
    """Start the poller and wait until its first query reached Okta (since=now: what is injected after counts)."""
    before = log_calls(sim)
    task = asyncio.ensure_future(okta_system_log.main(queue, args))
    deadline = time.monotonic() + 15
    while log_calls(sim) == before:
        if task.done():
            task.result()
        assert time.monotonic() < deadline, 'the poller made no request within 15 s'
        await asyncio.sleep(0.02)
    return task


async def stop(task):
    """Cancel the poller as ansible-rulebook does, and wait until it has ended."""
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass


async def take(queue, count, timeout=15):
    """``count`` events from the queue, failing after ``timeout`` seconds."""
    events = []
    deadline = time.monotonic() + timeout
    while len(events) < count:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError('got %d of %d events within %s s: %s' % (
                len(events), count, timeout, [e.get('uuid') for e in events]))
        try:
            events.append(await asyncio.wait_for(queue.get(), left))
        except asyncio.TimeoutError:
            pass
    return events


async def nothing_more(queue, seconds):
    try:
        event = await asyncio.wait_for(queue.get(), seconds)
    except asyncio.TimeoutError:
        return
    raise AssertionError('unexpected event %s %s' % (event.get('uuid'), event.get('eventType')))


def uuids(events):
    return [event['uuid'] for event in events]


def log_queries(sim):
    """The query parameters of each System Log call the simulator answered, in order."""
    return [dict(parse_qsl(entry['query'])) for entry in sim.requests_log() if entry['path'] == '/api/v1/logs']


def messages(caplog):
    return [record.getMessage() for record in caplog.records if record.name == LOGGER_NAME]


# -- reading the log ------------------------------------------------------------------------------------------------

def test_events_arrive_in_order_through_the_next_links(okta_sim, caplog):
    """Five matching events among five others, two a page: the poller follows Okta's next links (an opaque after
    cursor) and puts the matching events on the queue in the order Okta logged them, unchanged; the filter is
    applied at Okta. Nothing in its log, down to DEBUG, shows the API token."""
    caplog.set_level(logging.DEBUG)
    sim = okta_sim(users=12)

    async def scenario():
        queue = asyncio.Queue()
        task = await start(sim, queue, poller_args(sim, page_size=2))
        try:
            wanted = []
            for number in range(1, 6):
                wanted.append(inject(sim, 'user%d@example.com' % number))
                inject(sim, 'user%d@example.com' % number, 'user.session.start')  # filtered out at Okta
            events = await take(queue, 5)
            await nothing_more(queue, 1.0)
        finally:
            await stop(task)
        return wanted, events

    wanted, events = asyncio.run(scenario())
    assert events == wanted   # Okta's LogEvent as the simulator logged it, in order
    assert events[0]['actor']['alternateId'] == 'user1@example.com'
    queries = log_queries(sim)
    assert queries[0]['since'] and 'after' not in queries[0], queries[0]
    assert all(query['sortOrder'] == 'ASCENDING' and query['limit'] == '2' and 'until' not in query
               and query['filter'] == 'eventType eq "%s"' % SUSPICIOUS for query in queries), queries
    assert any('after' in query for query in queries), 'the poller never followed a next link'
    assert 'System Log poller stopped after 5 events.' in messages(caplog)
    assert sim.api_token not in caplog.text


def test_empty_pages_are_followed_every_interval(okta_sim):
    """An empty answer has a next link too: the poller follows it after ``interval`` seconds, not at once."""
    sim = okta_sim(users=2)

    async def scenario():
        task = await start(sim, asyncio.Queue(), poller_args(sim, interval=0.5))
        before = log_calls(sim)
        await asyncio.sleep(2.1)
        calls = log_calls(sim) - before
        await stop(task)
        return calls

    assert 3 <= asyncio.run(scenario()) <= 5


def test_a_refused_credential_stops_the_poller_without_showing_it(okta_sim, caplog):
    """Okta answers 401: retrying cannot help, so main() ends with the error (and ansible-rulebook with it); the
    token is neither in the error nor in the log."""
    caplog.set_level(logging.DEBUG)
    sim = okta_sim(users=1)

    async def scenario():
        return await asyncio.wait_for(okta_system_log.main(asyncio.Queue(), poller_args(sim, api_token=WRONG_TOKEN)), 30)

    with pytest.raises(OktaApiError) as caught:
        asyncio.run(scenario())
    assert caught.value.status == 401 and 'HTTP 401' in str(caught.value), str(caught.value)
    assert WRONG_TOKEN not in str(caught.value) and WRONG_TOKEN not in caplog.text
    assert log_calls(sim) == 1


def test_a_filter_okta_refuses_stops_the_poller(okta_sim):
    sim = okta_sim(users=1)

    async def scenario():
        return await asyncio.wait_for(okta_system_log.main(asyncio.Queue(), poller_args(sim, filter='eventType eq')), 30)

    with pytest.raises(OktaApiError) as caught:
        asyncio.run(scenario())
    assert caught.value.status == 400


def test_429_and_503_are_ridden_out(okta_sim):
    """A 429 and three 503s in a row (past max_retries: the poller's own backoff takes over) delay the event,
    they do not lose it or stop the poller."""
    sim = okta_sim(users=8)

    async def scenario():
        queue = asyncio.Queue()
        task = await start(sim, queue, poller_args(sim, max_retries=1))
        try:
            sim.arm_fault('429', 'GET', '/api/v1/logs', count=1)
            sim.arm_fault('503', 'GET', '/api/v1/logs', count=3)
            wanted = inject(sim, 'user7@example.com')
            got = await take(queue, 1, 30)
        finally:
            await stop(task)
        return wanted, got

    before = summary(sim)['faultsInjected']
    wanted, got = asyncio.run(scenario())
    assert got == [wanted]
    assert summary(sim)['faultsInjected'] - before == 4


def test_private_key_jwt(okta_sim):
    """An OAuth service app (client_id + private_key): the poller gets an access token once and reads with it."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    sim = okta_sim(users=8)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode('ascii')
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode('ascii')
    sim.admin('POST', 'oauth-clients', {'clientId': '0oaEdaPoller', 'publicKeyPem': public})

    async def scenario():
        queue = asyncio.Queue()
        task = await start(sim, queue, poller_args(sim, api_token=None, client_id='0oaEdaPoller', private_key=pem))
        try:
            wanted = inject(sim, 'user8@example.com')
            got = await take(queue, 1)
        finally:
            await stop(task)
        return wanted, got

    wanted, got = asyncio.run(scenario())
    assert got == [wanted]
    assert summary(sim)['oauthGrants'] == 1
    assert set(entry['authScheme'] for entry in sim.requests_log() if entry['path'] == '/api/v1/logs') == {'Bearer'}


# -- rate limits ----------------------------------------------------------------------------------------------------

def test_the_poller_paces_itself_within_its_share_of_the_rate_limit(okta_sim):
    """A System Log bucket of 40 calls a minute (one second here), 20 for the poller's token, of which
    max_api_share 0.5 lets it use 10: polling every 0.01 s, it spreads its calls over each window instead, is
    never answered 429, and still delivers an event as it comes."""
    sim = okta_sim(users=8, bucket_limits={'logs': 40})
    window = 1.0

    async def scenario():
        queue = asyncio.Queue()
        started = time.monotonic()
        task = await start(sim, queue, poller_args(sim, interval=0.01, max_api_share=0.5))
        try:
            await asyncio.sleep(1.5)
            wanted = inject(sim, 'user6@example.com')
            got = await take(queue, 1, 10)
            await asyncio.sleep(1.5)
        finally:
            await stop(task)
        return wanted, got, time.monotonic() - started

    wanted, got, elapsed = asyncio.run(scenario())
    assert got == [wanted]
    state = summary(sim)
    calls = state['requestCounts'][LOGS]
    windows = int(elapsed // window) + 2   # windows start with a bucket's first call: a partial one at each end
    assert state['rateLimited'] == 0, 'the poller was answered 429 %d times' % state['rateLimited']
    assert 10 <= calls <= 11 * windows, '%d calls in %.1f s (%d windows)' % (calls, elapsed, windows)


# -- the cursor file ------------------------------------------------------------------------------------------------

def test_a_restarted_poller_neither_loses_nor_repeats_events(okta_sim, tmp_path):
    """With cursor_file: the position and the uuids delivered are kept (mode 0600); a poller started again on
    the file delivers what happened while it was stopped (although since=now), and nothing twice."""
    sim = okta_sim(users=8)
    cursor_file = str(tmp_path / 'cursor.json')
    args = poller_args(sim, cursor_file=cursor_file, page_size=3, replay_window=0)

    async def scenario():
        queue = asyncio.Queue()
        task = await start(sim, queue, args)
        first = [inject(sim, 'user2@example.com') for dummy in range(4)]
        got_first = await take(queue, 4)
        await stop(task)
        saved = json.load(open(cursor_file))

        while_stopped = [inject(sim, 'user3@example.com') for dummy in range(5)]
        task = asyncio.ensure_future(okta_system_log.main(queue, args))
        try:
            got_later = await take(queue, 5)
            await nothing_more(queue, 1.5)
        finally:
            await stop(task)
        return first, got_first, saved, while_stopped, got_later

    first, got_first, saved, while_stopped, got_later = asyncio.run(scenario())
    assert got_first == first
    assert saved['last_uuid'] == first[-1]['uuid'] and saved['seen'][-4:] == uuids(first), saved
    assert saved['last_published'] == first[-1]['published'] and '/api/v1/logs?' in saved['position'], saved
    assert saved['org_url'] == sim.base_url and saved['filter'] == args['filter'] and saved['version'] == 1
    assert oct(os.stat(cursor_file).st_mode & 0o777) == oct(0o600)
    assert got_later == while_stopped
    assert not [name for name in os.listdir(str(tmp_path)) if name != 'cursor.json'], 'temporary files left'


def test_events_before_the_saved_position_are_skipped_by_uuid(okta_sim, tmp_path, caplog):
    """A saved position that Okta answers with events already delivered (the page that was being handed over when
    the process died): those are skipped by uuid, the others delivered."""
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    sim = okta_sim(users=8)
    cursor_file = str(tmp_path / 'cursor.json')
    args = poller_args(sim, cursor_file=cursor_file, page_size=10, replay_window=0)

    async def scenario():
        queue = asyncio.Queue()
        task = await start(sim, queue, args)
        first = [inject(sim, 'user4@example.com') for dummy in range(3)]
        await take(queue, 3)
        await stop(task)
        saved = json.load(open(cursor_file))
        # As if the poller had stopped before it moved past the page: its next link without the after cursor.
        url = urlsplit(saved['position'])
        saved['position'] = urlunsplit(url._replace(query=urlencode([(name, value) for name, value in parse_qsl(url.query)
                                                                     if name != 'after'])))
        with open(cursor_file, 'w') as handle:
            json.dump(saved, handle)
        later = [inject(sim, 'user5@example.com') for dummy in range(2)]
        task = asyncio.ensure_future(okta_system_log.main(queue, args))
        try:
            got = await take(queue, 2)
            await nothing_more(queue, 1.0)
        finally:
            await stop(task)
        return first, later, got

    first, later, got = asyncio.run(scenario())
    assert got == later
    skipped = [line for line in messages(caplog) if line.startswith('Skipping event')]
    assert skipped == ['Skipping event %s: already delivered.' % uuid for uuid in uuids(first)], skipped


def test_a_changed_filter_reads_again_from_the_last_event_skipping_those_delivered(okta_sim, tmp_path, caplog):
    """The saved position belongs to the old filter: the poller queries again from the last delivered event's
    published time with the new filter, and skips what it delivered already."""
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    sim = okta_sim(users=8)
    cursor_file = str(tmp_path / 'cursor.json')
    args = poller_args(sim, cursor_file=cursor_file, replay_window=0)

    async def scenario():
        queue = asyncio.Queue()
        task = await start(sim, queue, args)
        delivered = inject(sim, 'user2@example.com')
        await take(queue, 1)
        await stop(task)
        later = [inject(sim, 'user4@example.com', 'user.session.start', '203.0.113.9'), inject(sim, 'user4@example.com')]
        changed = dict(args, filter='eventType eq "%s" or eventType eq "user.session.start"' % SUSPICIOUS)
        task = asyncio.ensure_future(okta_system_log.main(queue, changed))
        try:
            got = await take(queue, 2)
            await nothing_more(queue, 1.0)
        finally:
            await stop(task)
        return delivered, later, got

    delivered, later, got = asyncio.run(scenario())
    assert got == later
    assert any(line.startswith('The filter changed since %s was written' % cursor_file) for line in messages(caplog))
    assert 'user.session.start' in log_queries(sim)[-1]['filter']


def test_a_refused_saved_position_restarts_from_the_last_event_published(okta_sim, tmp_path, caplog):
    """Okta answers 400 to the saved position (here a query it cannot read): the poller reads again from the last
    delivered event's published time, skipping events already delivered, instead of stopping."""
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    sim = okta_sim(users=8)
    cursor_file = str(tmp_path / 'cursor.json')
    args = poller_args(sim, cursor_file=cursor_file, replay_window=0)

    async def scenario():
        queue = asyncio.Queue()
        task = await start(sim, queue, args)
        delivered = [inject(sim, 'user2@example.com') for dummy in range(2)]
        await take(queue, 2)
        await stop(task)
        saved = json.load(open(cursor_file))
        saved['position'] = saved['position'].replace('since=', 'since=not-a-time')
        with open(cursor_file, 'w') as handle:
            json.dump(saved, handle)
        later = inject(sim, 'user3@example.com')
        task = asyncio.ensure_future(okta_system_log.main(queue, args))
        try:
            got = await take(queue, 1)
            await nothing_more(queue, 1.0)
        finally:
            await stop(task)
        return delivered, later, got

    delivered, later, got = asyncio.run(scenario())
    assert got == [later]
    refused = [line for line in messages(caplog) if line.startswith('Okta refused the saved position')]
    assert len(refused) == 1 and ('reading again from %s' % delivered[-1]['published']) in refused[0], refused


def test_events_handed_over_shortly_before_a_stop_are_handed_over_again(okta_sim, tmp_path, caplog):
    """At-least-once (issue 20): ansible-rulebook may not have acted on what it took shortly before it stopped. A
    poller started again on the cursor file hands over again the events of the last replay_window seconds before
    the first one stopped - and not those handed over earlier than that - then what happened meanwhile, each once."""
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    sim = okta_sim(users=8)
    cursor_file = str(tmp_path / 'cursor.json')
    args = poller_args(sim, cursor_file=cursor_file, page_size=3, replay_window=1.5)

    async def scenario():
        queue = asyncio.Queue()
        task = await start(sim, queue, args)
        old = [inject(sim, 'user2@example.com') for dummy in range(2)]
        assert await take(queue, 2) == old
        await asyncio.sleep(2.5)   # acted on long before the stop
        in_flight = [inject(sim, 'user3@example.com') for dummy in range(4)]
        assert await take(queue, 4) == in_flight
        await stop(task)
        meanwhile = [inject(sim, 'user4@example.com') for dummy in range(2)]
        task = asyncio.ensure_future(okta_system_log.main(queue, args))
        try:
            again = await take(queue, 6)
            await nothing_more(queue, 1.0)
        finally:
            await stop(task)
        return in_flight, meanwhile, again

    in_flight, meanwhile, again = asyncio.run(scenario())
    assert uuids(again) == uuids(in_flight + meanwhile)
    assert any('4 events handed over within 1.5 s before the poller stopped' in m for m in messages(caplog))


def test_an_unreadable_cursor_file_stops_the_poller(okta_sim, tmp_path):
    """Starting over could lose or repeat events: a cursor file that cannot be read is for a person to fix."""
    sim = okta_sim(users=1)
    cursor_file = tmp_path / 'cursor.json'
    cursor_file.write_text('{"version": 1, "seen": ')

    with pytest.raises(ValueError, match='cursor_file %s cannot be read' % cursor_file):
        asyncio.run(okta_system_log.main(asyncio.Queue(), poller_args(sim, cursor_file=str(cursor_file))))
    assert log_calls(sim) == 0


# The poller in a process of its own, loaded as ansible-rulebook loads it (runpy, without the collection on
# sys.path). Its queue prints each event's uuid when the poller hands it over, and never returns from the put()
# of the event numbered argv[3] (1 is the first): killed there, the process is mid-page.
CHILD = r'''
import asyncio, json, runpy, sys
plugin, args, block_at = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])

class Queue:
    count = 0

    async def put(self, event):
        self.count += 1
        print(json.dumps(event['uuid']), flush=True)
        if self.count == block_at:
            await asyncio.Event().wait()

asyncio.run(runpy.run_path(plugin)['main'](Queue(), args))
'''


class Child:
    def __init__(self, sim, args, block_at, work):
        env = dict(os.environ, OKTA_ORG_URL=sim.base_url, OKTA_API_TOKEN=sim.api_token)
        env.pop('PYTHONPATH', None)  # as ansible-rulebook: the source finds its collection from its own path
        for name in ('OKTA_CLIENT_ORGURL', 'OKTA_CLIENT_TOKEN'):
            env.pop(name, None)
        self.stderr_path = os.path.join(work, 'child-%d.stderr' % block_at)
        with open(self.stderr_path, 'wb') as stderr:
            # Unbuffered: a line that was read is off the pipe, and select() sees exactly what is left.
            self.process = subprocess.Popen(
                [sys.executable, '-c', CHILD, os.path.abspath(okta_system_log.__file__), json.dumps(args), str(block_at)],
                stdout=subprocess.PIPE, stderr=stderr, cwd=work, env=env, bufsize=0)

    def handed_over(self, timeout):
        """The uuid of the next event handed over, or None when there is none within ``timeout`` seconds."""
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout):
                return None
        line = self.process.stdout.readline()
        if not line:
            with open(self.stderr_path) as stderr:
                raise AssertionError('the poller process ended (%s): %s' % (self.process.wait(5), stderr.read()))
        return json.loads(line)

    def kill(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        self.process.stdout.close()


def test_a_poller_killed_mid_page_neither_loses_nor_repeats(okta_sim, tmp_path):
    """SIGKILL while the fourth event of a page of five is being handed over (its put() has not returned): the
    cursor file written after each event is what the restarted process goes on from - the fourth event is
    delivered again (it never was), the first three are not."""
    sim = okta_sim(users=8)
    events = [inject(sim, 'user5@example.com') for dummy in range(10)]
    wanted = uuids(events)
    args = {'cursor_file': str(tmp_path / 'cursor.json'), 'page_size': 5, 'interval': 0.2, 'replay_window': 0,
            'since': events[0]['published'], 'filter': 'eventType eq "%s"' % SUSPICIOUS}   # the token: from the environment

    first = Child(sim, args, 4, str(tmp_path))
    try:
        handed = [first.handed_over(20) for dummy in range(4)]
    finally:
        first.kill()
    assert handed == wanted[:4], handed
    saved = json.load(open(args['cursor_file']))
    assert saved['seen'] == wanted[:3], saved['seen']   # the fourth never came back from put()

    second = Child(sim, args, 0, str(tmp_path))
    try:
        again = []
        while len(again) < 7:
            uuid = second.handed_over(20)
            assert uuid is not None, 'after the restart, %d of 7 events: %s' % (len(again), again)
            again.append(uuid)
        extra = second.handed_over(1.5)
    finally:
        second.kill()
    assert again == wanted[3:], (again, wanted[3:])
    assert extra is None, 'repeated after the restart: %s' % extra
