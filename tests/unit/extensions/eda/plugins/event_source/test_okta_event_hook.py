# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Event Hook receiver under abuse: each test starts the real receiver (``main(queue, args)`` on an event
loop in a thread, aiohttp) on 127.0.0.1 and talks to it over real sockets."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import http.client
import json
import logging
import re
import select
import socket
import ssl
import threading
import time
import uuid

import pytest

from ansible_collections.identity.okta.extensions.eda.plugins.event_source import okta_event_hook as hook

SECRET = 'hook-unit-secret-' + uuid.uuid4().hex
LOGGER_NAME = 'identity.okta.okta_event_hook'
# One HTTP server (aiohttp) since issue 21; the parameter stays so that a test names the server it ran.
SERVERS = [
    pytest.param('aiohttp', marks=pytest.mark.skipif(not hook.HAS_AIOHTTP, reason='aiohttp is not installed')),
]
MIB = 1024 * 1024
# The most the receiver may read of an unauthenticated request, whatever the size of its body: its headers
# (32 KiB at most) and what the read that brought their end brought along (8 KiB at most).
UNAUTHENTICATED_READ_BOUND = 40 * 1024
MARKER = 'event-content-that-must-not-be-logged'


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


class Receiver:
    """``okta_event_hook.main(queue, args)`` serving on its own event loop in a thread."""

    def __init__(self, server, queue_factory=asyncio.Queue, **args):
        self.port = free_port()
        self.args = dict({'host': '127.0.0.1', 'port': self.port, 'authorization': SECRET, 'server': server}, **args)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.queue = self.call(queue_factory)
        self.ended = threading.Event()
        self.task = self.call(self._start)
        deadline = time.monotonic() + 15
        while True:
            if self.ended.is_set():
                self.task.result()
            try:
                socket.create_connection(('127.0.0.1', self.port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, 'the receiver did not listen within 15 s'
                time.sleep(0.02)

    def _start(self):
        task = self.loop.create_task(hook.main(self.queue, self.args))
        task.add_done_callback(lambda dummy: self.ended.set())
        return task

    def call(self, func, *args):
        """``func(*args)`` on the receiver's loop; its result."""
        async def run():
            return func(*args)
        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(10)

    def queued(self):
        """The events queued so far, taken off the queue."""
        def take():
            events = []
            while not self.queue.empty():
                events.append(self.queue.get_nowait())
            return events
        return self.call(take)

    def stop(self):
        """Cancel main() as ansible-rulebook does, and wait until it has ended."""
        if self.loop.is_closed():
            return
        self.loop.call_soon_threadsafe(self.task.cancel)
        assert self.ended.wait(15), 'the receiver did not stop within 15 s'
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture
def receiver(caplog):
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    started = []

    def start(server, **args):
        started.append(Receiver(server, **args))
        return started[-1]

    yield start
    for running in started:
        running.stop()


def stop_figures(running, caplog):
    """Stop the receiver; the figures of its last log line."""
    running.stop()
    lines = [r.getMessage() for r in caplog.records if r.name == LOGGER_NAME and 'receiver stopped' in r.getMessage()]
    assert lines, 'the receiver logged no stop line'
    found = re.search(r'(\d+) events queued, (\d+) events skipped, (\d+) requests refused, (\d+) timed out; '
                      r'at most (\d+) bytes read of an unauthenticated request', lines[-1])
    assert found, lines[-1]
    return dict(zip(('queued', 'skipped', 'refused', 'timed_out', 'most_read'), map(int, found.groups())))


def head(method='POST', authorization=SECRET, content_length=None, chunked=False, extra=''):
    lines = ['%s /okta/events HTTP/1.1' % method, 'Host: 127.0.0.1', 'Content-Type: application/json']
    if authorization is not None:
        lines.append('Authorization: %s' % authorization)
    if content_length is not None:
        lines.append('Content-Length: %d' % content_length)
    if chunked:
        lines.append('Transfer-Encoding: chunked')
    return ('\r\n'.join(lines) + '\r\n' + extra + '\r\n').encode('latin-1')


def read_answer(sock, timeout, until_closed=False):
    """The server's answer: (status or None, body bytes, seconds). Reads until the answer is complete (after any
    ``100 Continue``), or with ``until_closed`` until the server closes the connection."""
    started = time.monotonic()
    sock.settimeout(timeout)
    data = b''
    while True:
        answer = data
        while answer.startswith(b'HTTP/1.1 100 ') and b'\r\n\r\n' in answer:
            answer = answer.split(b'\r\n\r\n', 1)[1]
        head, separator, body = answer.partition(b'\r\n\r\n')
        length = re.search(br'(?im)^content-length: *(\d+)\r?$', head)
        if not until_closed and separator and length and len(body) >= int(length.group(1)):
            break
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            chunk = b''
        if not chunk:
            break
        data += chunk
    status = int(answer.split(b' ', 2)[1]) if answer.startswith(b'HTTP/1.') else None
    return status, body, time.monotonic() - started


def request(port, data, timeout=10):
    with socket.create_connection(('127.0.0.1', port), timeout=timeout) as sock:
        sock.sendall(data)
        return read_answer(sock, timeout)[:2]


def post(port, body, authorization=SECRET):
    return request(port, head(content_length=len(body), authorization=authorization) + body)


def event(number, **extra):
    return dict({'uuid': str(uuid.UUID(int=number)), 'eventType': 'user.session.start',
                 'actor': {'id': '00u%d' % number, 'type': 'User'}}, **extra)


def delivery(*events):
    return json.dumps({'eventType': 'com.okta.event_hook', 'eventId': 'evt' + uuid.uuid4().hex,
                       'data': {'events': list(events)}}).encode('utf-8')


def chunked_encoding(body, size):
    return b''.join(b'%x\r\n%s\r\n' % (len(body[at:at + size]), body[at:at + size])
                    for at in range(0, len(body), size)) + b'0\r\n\r\n'


# -- unauthenticated requests ---------------------------------------------------------------------------------------

@pytest.mark.parametrize('server', SERVERS)
def test_unauthenticated_post_is_answered_on_its_headers_alone(receiver, server):
    """A POST without the secret gets 401 as soon as its headers are in, before any byte of its announced
    10 MB body was sent, and the connection is closed: the server does not wait for (or read) the body."""
    running = receiver(server)
    for authorization in (None, 'wrong', SECRET[:-1] + 'x'):
        with socket.create_connection(('127.0.0.1', running.port)) as sock:
            sock.sendall(head(authorization=authorization, content_length=10 * MIB))
            status, dummy, elapsed = read_answer(sock, 5, until_closed=True)
        assert status == 401, (authorization, status)
        assert elapsed < 5, 'the connection was not closed after the 401'
    assert running.queued() == []


@pytest.mark.parametrize('server', SERVERS)
def test_unauthenticated_10mb_posts_are_not_read(receiver, caplog, server):
    """20 unauthenticated POSTs that stream 10 MB bodies at once: the server reads no more than a small fixed
    amount of each (its own count of the bytes it read from the socket) and closes the connection, so that no
    client gets to send its whole body; then it serves Okta as before."""
    running = receiver(server)
    body = b'x' * (10 * MIB)
    sent = []

    def flood():
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
            sock.settimeout(10)
            sock.connect(('127.0.0.1', running.port))
            done = 0
            try:
                sock.sendall(head(authorization='Bearer guess', content_length=len(body)))
                for at in range(0, len(body), 65536):
                    sock.sendall(body[at:at + 65536])
                    done += 65536
            except OSError:
                pass   # reset: the server closed the connection without reading the rest
            sent.append(done)

    threads = [threading.Thread(target=flood) for dummy in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(sent) == 20
    assert max(sent) < len(body), sent
    good = event(1)
    assert post(running.port, delivery(good)) == (200, b'')
    assert running.queued() == [good]
    figures = stop_figures(running, caplog)
    assert figures['refused'] == 20
    assert 0 < figures['most_read'] <= UNAUTHENTICATED_READ_BOUND, figures


@pytest.mark.parametrize('server', SERVERS)
def test_oversized_headers_are_refused_without_reading_them_all(receiver, caplog, server):
    """A request whose headers go on past 32 KiB (here 300 KB of them, then a 10 MB body) is answered 431
    and closed; the server read no more than the bound."""
    running = receiver(server)
    filler = ''.join('X-Filler-%d: %s\r\n' % (number, 'f' * 1000) for number in range(300))
    with socket.create_connection(('127.0.0.1', running.port)) as sock:
        try:
            sock.sendall(head(content_length=10 * MIB, extra=filler) + b'x' * (10 * MIB))
        except OSError:
            pass   # reset: the server closed the connection without reading the rest
        status = read_answer(sock, 5)[0]
    assert status in (431, None), status   # None: the reset came before the answer could be read
    assert running.queued() == []
    assert stop_figures(running, caplog)['most_read'] <= UNAUTHENTICATED_READ_BOUND


# -- timeouts -------------------------------------------------------------------------------------------------------

def trickle(port, first, byte, connections, give_up, context=None):
    """Open ``connections`` connections, send ``first`` on each, then one byte every 0.2 s until the server closes
    it; the seconds each stayed open (``give_up`` for those the server never closed) and what each received."""
    socks = []
    for dummy in range(connections):
        sock = socket.create_connection(('127.0.0.1', port))
        if context is not None:
            sock = context.wrap_socket(sock, server_hostname='127.0.0.1', do_handshake_on_connect=False)
        socks.append(sock)
    started = time.monotonic()
    for sock in socks:
        if first:
            sock.sendall(first)
    open_for = {}
    received = dict((sock, b'') for sock in socks)
    while len(open_for) < len(socks) and time.monotonic() - started < give_up:
        live = [sock for sock in socks if sock not in open_for]
        readable = select.select(live, [], [], 0.2)[0]
        for sock in readable:
            try:
                data = sock.recv(4096)
            except (ssl.SSLError, OSError):
                data = b''
            received[sock] += data
            if not data:
                open_for[sock] = time.monotonic() - started
        for sock in live:
            if sock not in open_for and byte:
                try:
                    sock.sendall(byte)
                except OSError:
                    open_for[sock] = time.monotonic() - started
    for sock in socks:
        sock.close()
    return [open_for.get(sock, give_up) for sock in socks], [received[sock] for sock in socks]


def answered_408(received):
    """Each client got the 408, or nothing: a byte it sent after the server closed can make the connection reset
    before the client read the answer (the server's count of timeouts says why it closed)."""
    assert all(data == b'' or data.startswith(b'HTTP/1.1 408 ') for data in received), set(received)
    return any(received)


@pytest.mark.parametrize('server', SERVERS)
def test_trickled_headers_are_closed_within_the_header_timeout(receiver, caplog, monkeypatch, server):
    """30 clients that send their request headers one byte every 0.2 s are answered 408 and closed when the
    header timeout (1 s here) ends, not held."""
    monkeypatch.setattr(hook, 'HEADER_TIMEOUT_SECONDS', 1.0, raising=False)
    running = receiver(server)
    open_for, received = trickle(running.port, b'POST /okta/events HTTP/1.1\r\nX-Slow: ', b'a', 30, give_up=8)
    assert max(open_for) < 3, open_for
    assert answered_408(received)
    assert post(running.port, delivery(event(2))) == (200, b'')
    assert stop_figures(running, caplog)['timed_out'] == 30


@pytest.mark.parametrize('server', SERVERS)
def test_silent_tls_client_is_closed_within_the_header_timeout(receiver, monkeypatch, tmp_path, server):
    """Clients that open a TLS connection and never finish the handshake are closed at the header timeout; then
    deliveries over TLS (200 KB, more than one read) are read whole."""
    from ansible_collections.identity.okta.tests.okta_simulator.tls import write_self_signed
    cert, key = write_self_signed(str(tmp_path))
    monkeypatch.setattr(hook, 'HEADER_TIMEOUT_SECONDS', 1.0, raising=False)
    running = receiver(server, certfile=cert, keyfile=key)
    open_for, dummy = trickle(running.port, b'', b'', 10, give_up=8)
    assert max(open_for) < 3, open_for
    context = ssl.create_default_context(cafile=cert)
    events = [event(number, pad='p' * 900) for number in range(200)]
    for dummy in range(3):
        with socket.create_connection(('127.0.0.1', running.port)) as raw:
            with context.wrap_socket(raw, server_hostname='127.0.0.1') as sock:
                body = delivery(*events)
                sock.sendall(head(content_length=len(body)) + body)
                assert read_answer(sock, 10)[0] == 200
    assert running.queued() == events


@pytest.mark.parametrize('server', SERVERS)
def test_trickled_body_is_closed_within_the_body_timeout(receiver, caplog, monkeypatch, server):
    """Authorized deliveries whose body comes one byte every 0.2 s get 408 when the body timeout (1 s here)
    ends, and nothing is queued."""
    monkeypatch.setattr(hook, 'BODY_TIMEOUT_SECONDS', 1.0, raising=False)
    running = receiver(server)
    body = delivery(event(4))
    open_for, received = trickle(running.port, head(content_length=len(body)) + body[:10], b'x', 10, give_up=8)
    assert max(open_for) < 3, open_for
    assert answered_408(received)
    assert running.queued() == []
    assert stop_figures(running, caplog)['timed_out'] == 10


# -- chunked bodies -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('server', SERVERS)
def test_chunked_delivery_in_small_chunks_is_read_in_linear_time(receiver, server):
    """A 9.8 MB delivery in 128-byte chunks (77,000 chunks) is answered 200 with every event queued, and reading
    it costs the receiver's thread well under 3 s (Okta's timeout) of CPU time: about 0.3 s here. Growing
    the body by concatenation, which is quadratic, cost 17 s. CPU time rather than wall-clock time, so that a
    busy machine does not fail the test."""
    running = receiver(server, max_body_size=16 * MIB)
    events = [event(number, pad='p' * 900) for number in range(9500)]
    body = delivery(*events)
    assert len(body) > 9 * 1000 * 1000
    data = head(chunked=True) + chunked_encoding(body, 128)
    cpu_before = running.call(time.thread_time)
    with socket.create_connection(('127.0.0.1', running.port)) as sock:
        sock.sendall(data)
        status = read_answer(sock, 120)[0]
    cpu = running.call(time.thread_time) - cpu_before
    assert status == 200
    assert cpu < 3.0, 'the receiver spent %.1f s of CPU time on one delivery' % cpu
    assert [e['uuid'] for e in running.queued()] == [e['uuid'] for e in events]


@pytest.mark.parametrize('server', SERVERS)
def test_chunked_delivery_over_max_body_size_is_refused(receiver, server):
    """The chunked body is capped as it comes: 413 once the chunks pass max_body_size, nothing queued."""
    running = receiver(server, max_body_size=65536)
    body = delivery(*[event(number, pad='p' * 900) for number in range(100)])
    assert request(running.port, head(chunked=True) + chunked_encoding(body, 1000))[0] == 413
    assert running.queued() == []


# -- malformed events -----------------------------------------------------------------------------------------------

def nested(depth):
    value = MARKER
    for dummy in range(depth):
        value = {'a': value}
    return value


@pytest.mark.parametrize('server', SERVERS)
def test_malformed_events_are_skipped_and_the_rest_queued(receiver, caplog, server):
    """Odd events in a delivery are skipped with a log line that says why and shows none of their content; the
    well-formed events of the same delivery, before and after them, are queued and Okta gets 200."""
    running = receiver(server)
    good = [event(10), event(11), event(12)]
    odd = [dict(event(20), uuid=['a', MARKER]), 'just a string ' + MARKER, dict(event(21), uuid={'id': MARKER}),
           dict(event(22), uuid=22), dict(event(23), debugContext=nested(200)), [MARKER],
           dict(event(24), uuid='u' * 500 + MARKER)]
    payload = delivery(good[0], *(odd[:4] + [good[1]] + odd[4:] + [good[2]]))
    assert post(running.port, payload) == (200, b'')
    assert running.queued() == good
    skipped = [r.getMessage() for r in caplog.records if r.getMessage().startswith('Skipped event')]
    reasons = ['its uuid is an array, not a string', 'it is a string, not an object',
               'its uuid is an object, not a string', 'its uuid is a number, not a string',
               'it nests more than 64 levels', 'it is an array, not an object',
               'its uuid is longer than 128 characters']
    assert len(skipped) == len(reasons), skipped
    for line, reason in zip(skipped, reasons):
        assert reason in line, (line, reason)
    assert MARKER not in caplog.text
    # Okta's retry of the same delivery: the good events were seen, nothing is queued twice.
    assert post(running.port, payload) == (200, b'')
    assert running.queued() == []


@pytest.mark.parametrize('server', SERVERS)
def test_json_too_deep_to_parse_is_400_and_the_receiver_goes_on(receiver, server):
    """A body nested too deeply for the JSON parser is refused with 400 (not a 500), and the next delivery is
    served."""
    running = receiver(server)
    body = b'{"data": {"events": [' + b'[' * 100000 + b']' * 100000 + b']}}'
    assert post(running.port, body)[0] == 400
    assert post(running.port, delivery(event(30))) == (200, b'')
    assert [e['uuid'] for e in running.queued()] == [event(30)['uuid']]


class HeldQueue(asyncio.Queue):
    """ansible-rulebook's queue while its rule engine is busy: ``put`` waits until released; the first ``put`` after
    that fails once (as a put cancelled mid-way would)."""

    def __init__(self):
        super(HeldQueue, self).__init__()
        self.entered = threading.Event()
        self.release = asyncio.Event()
        self.failed = False

    async def put(self, item):
        self.entered.set()
        await self.release.wait()
        if not self.failed:
            self.failed = True
            raise RuntimeError('the queue refused the event')
        await super(HeldQueue, self).put(item)


@pytest.mark.parametrize('server', SERVERS)
def test_deliveries_are_answered_while_the_rule_engine_takes_nothing(receiver, server, monkeypatch, caplog):
    """Queue first, answer, then hand over: while ansible-rulebook takes no event, 30 deliveries (Okta's retries
    among them) are each answered 200 within a second; once it takes events again they arrive in order, each
    once, the one whose hand-over failed included. Past MAX_PENDING_EVENTS waiting, a delivery gets 503 and its
    retry takes the events it brought that were not taken."""
    monkeypatch.setattr(hook, 'MAX_PENDING_EVENTS', 40)
    running = receiver(server, queue_factory=HeldQueue)
    slowest = 0.0
    for number in range(30):
        started = time.monotonic()
        assert post(running.port, delivery(event(100 + number))) == (200, b'')
        if number % 10 == 9:
            assert post(running.port, delivery(event(100 + number))) == (200, b'')   # Okta's retry
        slowest = max(slowest, time.monotonic() - started)
    assert running.queue.entered.wait(10)
    assert slowest < 1.0, slowest
    # 29 waiting (the first is in the hand-over): 11 more fit, the rest of this delivery is refused
    status = post(running.port, delivery(*[event(200 + number) for number in range(15)]))[0]
    assert status == 503
    running.call(running.queue.release.set)
    deadline = time.monotonic() + 10
    taken = []
    while len(taken) < 20 and time.monotonic() < deadline:   # the failed hand-over is tried again after 1 s
        taken.extend(running.queued())
        time.sleep(0.1)
    assert post(running.port, delivery(*[event(200 + number) for number in range(15)])) == (200, b'')
    while len(taken) < 45 and time.monotonic() < deadline:
        taken.extend(running.queued())
        time.sleep(0.1)
    assert [e['uuid'] for e in taken] == [event(100 + n)['uuid'] for n in range(30)] + \
        [event(200 + n)['uuid'] for n in range(15)]
    assert any('could not hand an event to the rule engine' in m for m in caplog.messages)


# -- what Okta does -------------------------------------------------------------------------------------------------

def call(port, method='GET', body=None, headers=None, context=None, chunked=False):
    """(status, parsed JSON or None) of one request made as an HTTP client (Okta) makes it."""
    if context is not None:
        connection = http.client.HTTPSConnection('127.0.0.1', port, timeout=10, context=context)
    else:
        connection = http.client.HTTPConnection('127.0.0.1', port, timeout=10)
    try:
        if chunked:
            connection.request(method, '/okta/events', body=iter([body[:10], body[10:]]), headers=headers or {},
                               encode_chunked=True)
        else:
            connection.request(method, '/okta/events', body=body, headers=headers or {})
        response = connection.getresponse()
        raw = response.read()
    finally:
        connection.close()
    try:
        return response.status, json.loads(raw) if raw else None
    except ValueError:
        return response.status, raw


def okta_delivery(org_url, *events):
    """An Event Hook delivery as Okta sends it (developer.okta.com, "Event hooks": the request body)."""
    return json.dumps({'eventType': 'com.okta.event_hook', 'eventTypeVersion': '1.0', 'cloudEventsVersion': '0.1',
                       'source': org_url + '/api/v1/eventHooks/whoql0HfiLGPWc8Jx0g3', 'eventId': str(uuid.uuid4()),
                       'eventTime': events[0]['published'], 'contentType': 'application/json',
                       'data': {'events': list(events)}}).encode('utf-8')


@pytest.mark.parametrize('tls', [False, True], ids=['http', 'https'])
@pytest.mark.parametrize('server', SERVERS)
def test_okta_verifies_the_hook_and_delivers_events(receiver, okta_sim, tmp_path, caplog, server, tls):
    """What Okta does with a hook, over HTTP and HTTPS: the one-time verification GET is answered with the
    challenge; deliveries without the exact secret get 401 and queue nothing; a delivery with it gets 200 and
    its events (LogEvents of the simulator's System Log) are queued unchanged, in order, once - Okta's retry
    of the same delivery queues nothing; chunked bodies work; malformed or oversized bodies and other methods
    are refused. The secret is in no log line."""
    sim = okta_sim(users=12)
    context = None
    args = {'max_body_size': 65536}
    if tls:
        from ansible_collections.identity.okta.tests.okta_simulator.tls import write_self_signed
        args['certfile'], args['keyfile'] = write_self_signed(str(tmp_path))
        context = ssl.create_default_context(cafile=args['certfile'])
    running = receiver(server, **args)

    def request(*call_args, **call_kwargs):
        return call(running.port, *call_args, context=context, **call_kwargs)

    assert request(headers={'X-Okta-Verification-Challenge': 'challenge-1'}) == (200, {'verification': 'challenge-1'})
    assert request()[0] == 400, 'a GET without a challenge'

    events = [sim.admin('POST', 'events', {'login': login, 'eventType': 'user.account.report_suspicious_activity_by_enduser'})
              for login in ('user9@example.com', 'user10@example.com')]
    payload = okta_delivery(sim.base_url, *events)
    json_type = {'Content-Type': 'application/json'}
    for wrong in (None, SECRET[:-1] + 'x', 'short', 'Bearer ' + SECRET, SECRET.upper()):
        headers = dict(json_type, Authorization=wrong) if wrong is not None else json_type
        assert request('POST', payload, headers)[0] == 401, wrong
    assert running.queued() == []

    good = dict(json_type, Authorization=SECRET)
    assert request('POST', payload, good) == (200, None)
    assert running.queued() == events
    assert request('POST', payload, good) == (200, None), 'the same delivery again (Okta retries after 3 s)'
    assert running.queued() == []

    third = sim.admin('POST', 'events', {'login': 'user11@example.com', 'eventType': 'user.session.start'})
    assert request('POST', okta_delivery(sim.base_url, third), good, chunked=True) == (200, None)
    assert running.queued() == [third]

    assert request('POST', b'{"data": ', good)[0] == 400, 'malformed JSON'
    assert request('POST', b'{"data": {}}', good)[0] == 400, 'no data.events'
    assert request('POST', b'x' * 70000, good)[0] == 413, 'larger than max_body_size'
    assert request('PUT', payload, good)[0] == 405
    assert running.queued() == []
    running.stop()
    assert 'Answered the Okta Event Hook verification request' in caplog.text
    assert SECRET not in caplog.text
