# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The two event source plugins, driven directly: each plugin file is loaded the way ansible-rulebook
loads it (runpy) and its ``main(queue, args)`` runs against the Okta simulator over real HTTP.

Usage: python source_plugins.py COLLECTION_ROOT   (OKTA_ORG_URL / OKTA_API_TOKEN of a running simulator
started with --endpoint-rate-limit 'GET /api/v1/logs=20' --rate-window-seconds 2 and at least 12 users).
Runs without ansible-rulebook; prints 'N passed, N failed'.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import http.client
import json
import logging
import os
import runpy
import selectors
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
import uuid

import yaml

from simulator_api import ORG_URL, sim  # a sibling file of this target

API_TOKEN = os.environ['OKTA_API_TOKEN']
LOGS_LIMIT = 20           # the simulator's GET /api/v1/logs limit per window for one token (runme.sh: 50 % of 40)
WINDOW_SECONDS = 2
SUSPICIOUS = 'user.account.report_suspicious_activity_by_enduser'
WRONG_TOKEN = 'wrong-token-5f0c2e9a7d41b3'
HOOK_SECRET = 'hook-secret-' + uuid.uuid4().hex

TESTS = []


def test(func):
    TESTS.append(func)
    return func


class LogCapture(logging.Handler):
    def __init__(self):
        super(LogCapture, self).__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


# -- the simulator ------------------------------------------------------------------

def inject(login, event_type=SUSPICIOUS, ip='198.51.100.200'):
    return sim('/_simulator/events', {'login': login, 'eventType': event_type, 'ip': ip})


def state():
    return sim('/_simulator/state?summary=1')


def load(collection_root, name):
    path = os.path.join(collection_root, 'extensions', 'eda', 'plugins', 'event_source', name + '.py')
    return runpy.run_path(path)


async def take(queue, count, timeout):
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


async def stop(task):
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass


def poller_args(**extra):
    args = {'org_url': ORG_URL, 'api_token': API_TOKEN, 'interval': 0.2, 'since': 'now',
            'filter': 'eventType eq "%s"' % SUSPICIOUS}
    args.update(extra)
    return args


async def started(plugin, queue, args):
    """Start a poller and let its first query (since=now) reach Okta before anything is injected."""
    before = state()['requestCounts'].get('GET /api/v1/logs', 0)
    task = asyncio.ensure_future(plugin['main'](queue, args))
    deadline = time.monotonic() + 15
    while state()['requestCounts'].get('GET /api/v1/logs', 0) == before:
        if task.done():
            task.result()
        assert time.monotonic() < deadline, 'the poller made no request within 15 s'
        await asyncio.sleep(0.05)
    return task


@test
async def plugins_document_their_options(root, plugins):
    documented = {
        'okta_system_log': ['access_token', 'api_token', 'ca_path', 'client_id', 'cursor_file', 'filter', 'interval',
                            'key_id', 'max_api_share', 'max_retries', 'org_url', 'page_size', 'private_key', 'scopes',
                            'since', 'timeout', 'validate_certs'],
        'okta_event_hook': ['authorization', 'certfile', 'host', 'keyfile', 'max_body_size', 'password', 'port',
                            'server'],
    }
    for name, options in documented.items():
        doc = yaml.safe_load(plugins[name]['DOCUMENTATION'])
        assert doc['short_description'] and doc['description'], name
        assert sorted(doc['options']) == options, (name, sorted(doc['options']))
        assert all(o.get('description') for o in doc['options'].values()), name
        example = yaml.safe_load(plugins[name]['EXAMPLES'])
        assert 'identity.okta.' + name in example[0]['sources'][0], example


# -- okta_system_log --------------------------------------------------------------------

@test
async def poller_uses_the_collections_client(root, plugins):
    client_module = sys.modules[plugins['okta_system_log']['client_from_settings'].__module__]
    assert os.path.realpath(client_module.__file__).startswith(os.path.realpath(root) + os.sep), client_module.__file__


@test
async def poller_follows_the_next_links_and_the_filter(root, plugins):
    queue = asyncio.Queue()
    task = await started(plugins['okta_system_log'], queue, poller_args(page_size=2))
    try:
        wanted = []
        for index in range(5):
            wanted.append(inject('user%d@example.com' % (index + 1))['uuid'])
            inject('user%d@example.com' % (index + 1), 'user.session.start')  # filtered out at Okta
        events = await take(queue, 5, 20)
        assert [e['uuid'] for e in events] == wanted, ([e['uuid'] for e in events], wanted)
        assert all(e['eventType'] == SUSPICIOUS for e in events)
        assert events[0]['actor']['alternateId'] == 'user1@example.com', events[0]['actor']
        await nothing_more(queue, 1.0)
    finally:
        await stop(task)


@test
async def poller_restarted_neither_loses_nor_repeats(root, plugins):
    work = tempfile.mkdtemp()
    cursor_file = os.path.join(work, 'cursor.json')
    args = poller_args(cursor_file=cursor_file, page_size=3)
    queue = asyncio.Queue()
    task = await started(plugins['okta_system_log'], queue, args)
    first = [inject('user2@example.com')['uuid'] for dummy in range(4)]
    got = await take(queue, 4, 20)
    await stop(task)
    assert [e['uuid'] for e in got] == first
    saved = json.load(open(cursor_file))
    assert saved['last_uuid'] == first[-1] and saved['seen'][-4:] == first, saved
    assert oct(os.stat(cursor_file).st_mode & 0o777) == oct(0o600)

    while_stopped = [inject('user3@example.com')['uuid'] for dummy in range(5)]
    # since=now would skip what happened while stopped: the cursor wins
    task = asyncio.ensure_future(plugins['okta_system_log']['main'](queue, args))
    try:
        got = await take(queue, 5, 20)
        assert [e['uuid'] for e in got] == while_stopped, ([e['uuid'] for e in got], while_stopped)
        await nothing_more(queue, 1.5)
    finally:
        await stop(task)

    # A changed filter cannot use the saved position: it reads again from the last event's time and skips
    # the events already delivered.
    later = inject('user4@example.com', 'user.session.start', '203.0.113.9')['uuid']
    changed = dict(args, filter='eventType eq "%s" or eventType eq "user.session.start"' % SUSPICIOUS)
    task = asyncio.ensure_future(plugins['okta_system_log']['main'](queue, changed))
    try:
        got = await take(queue, 1, 20)
        assert got[0]['uuid'] == later, got[0]
        await nothing_more(queue, 1.5)
    finally:
        await stop(task)


def read_line(process, timeout):
    """One line of the child's output, failing after ``timeout`` seconds."""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            raise AssertionError('no output from the poller process within %s s' % timeout)
    line = process.stdout.readline()
    assert line, 'the poller process ended (%s)' % process.poll()
    return line


@test
async def poller_killed_mid_page_neither_loses_nor_repeats(root, plugins):
    """SIGKILL while a page is being handed over: the file written after each event is what saves it."""
    work = tempfile.mkdtemp()
    cursor_file = os.path.join(work, 'cursor.json')
    plugin_path = os.path.join(root, 'extensions', 'eda', 'plugins', 'event_source', 'okta_system_log.py')
    events = [inject('user5@example.com') for dummy in range(10)]
    wanted = [e['uuid'] for e in events]
    args = poller_args(cursor_file=cursor_file, page_size=5, since=events[0]['published'],
                       filter='eventType eq "%s" and actor.alternateId eq "user5@example.com"' % SUSPICIOUS)

    del args['api_token']  # from OKTA_API_TOKEN, not on a command line

    def child():
        return subprocess.Popen([sys.executable, os.path.abspath(__file__), '--child', plugin_path, json.dumps(args)],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)

    delivered = []
    process = child()
    try:
        for dummy in range(3):
            delivered.append(json.loads(read_line(process, 20))['uuid'])
        # Kill once the third event is on disk, while the child hands over the fourth (mid-page: 5 a page).
        deadline = time.monotonic() + 10
        while delivered[-1] not in (json.load(open(cursor_file)).get('seen') if os.path.exists(cursor_file) else []):
            assert time.monotonic() < deadline, 'the cursor file never recorded %s' % delivered[-1]
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
    process = child()
    try:
        while len(delivered) < 10:
            try:
                delivered.append(json.loads(read_line(process, 20))['uuid'])
            except AssertionError:
                raise AssertionError('after the restart, %d of 10 events: %s' % (len(delivered), delivered))
        time.sleep(1.5)
        process.send_signal(signal.SIGKILL)
        rest = process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)
    assert delivered == wanted, (delivered, wanted)
    assert not rest.strip(), 'repeated after restart: %s' % rest


@test
async def poller_paces_itself_within_the_rate_limit(root, plugins):
    """With max_api_share 0.5 of 20 calls per 2 s window it may make 10 a window, and it polls every 0.01 s."""
    before = state()
    started_at = time.time()
    queue = asyncio.Queue()
    task = await started(plugins['okta_system_log'], queue, poller_args(interval=0.01, max_api_share=0.5))
    try:
        await asyncio.sleep(3)
        wanted = inject('user6@example.com')['uuid']
        got = await take(queue, 1, 10)
        assert got[0]['uuid'] == wanted
        await asyncio.sleep(2)
    finally:
        await stop(task)
    after = state()
    calls = after['requestCounts']['GET /api/v1/logs'] - before['requestCounts'].get('GET /api/v1/logs', 0)
    windows = int(time.time() // WINDOW_SECONDS - started_at // WINDOW_SECONDS) + 1
    assert after['rateLimited'] == before['rateLimited'], 'the poller was answered 429 %d times' % (
        after['rateLimited'] - before['rateLimited'])
    assert 10 <= calls <= (LOGS_LIMIT // 2 + 1) * windows, '%d calls in %d windows' % (calls, windows)


@test
async def poller_rides_out_429_and_503(root, plugins):
    before = state()
    queue = asyncio.Queue()
    task = await started(plugins['okta_system_log'], queue, poller_args(max_retries=1))
    try:
        sim('/_simulator/faults', {'kind': '429', 'method': 'GET', 'pathPrefix': '/api/v1/logs', 'count': 1})
        sim('/_simulator/faults', {'kind': '503', 'method': 'GET', 'pathPrefix': '/api/v1/logs', 'count': 3})
        wanted = inject('user7@example.com')['uuid']
        got = await take(queue, 1, 30)
        assert got[0]['uuid'] == wanted
    finally:
        await stop(task)
    assert state()['faultsInjected'] - before['faultsInjected'] == 4


@test
async def poller_with_private_key_jwt(root, plugins):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode('ascii')
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode('ascii')
    sim('/_simulator/oauth-clients', {'clientId': '0oaEdaPoller', 'publicKeyPem': public})
    grants = sim('/_simulator/state?summary=1')['oauthGrants']
    args = poller_args(client_id='0oaEdaPoller', private_key=pem)
    del args['api_token']
    queue = asyncio.Queue()
    task = await started(plugins['okta_system_log'], queue, args)
    try:
        wanted = inject('user8@example.com')['uuid']
        got = await take(queue, 1, 20)
        assert got[0]['uuid'] == wanted
    finally:
        await stop(task)
    assert state()['oauthGrants'] == grants + 1


@test
async def poller_refused_token_stops_it_without_showing_it(root, plugins):
    queue = asyncio.Queue()
    message = None
    try:
        await asyncio.wait_for(plugins['okta_system_log']['main'](queue, poller_args(api_token=WRONG_TOKEN)), 30)
    except Exception as exc:  # pylint: disable=broad-except
        message = str(exc)
    assert message is not None, 'a refused token did not stop the poller'
    assert 'HTTP 401' in message, message
    assert WRONG_TOKEN not in message and API_TOKEN not in message


@test
async def poller_bad_arguments(root, plugins):
    for bad, expected in ((dict(interval=0), 'interval'), (dict(page_size=5000), 'page_size'),
                          (dict(since='yesterday'), 'since'), (dict(org_url='http://example.com'), 'https')):
        try:
            await plugins['okta_system_log']['main'](asyncio.Queue(), poller_args(**bad))
        except ValueError as exc:
            assert expected in str(exc), (bad, str(exc))
        else:
            raise AssertionError('%s was accepted' % bad)


# -- okta_event_hook ----------------------------------------------------------------------

def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def call(url, method='GET', body=None, headers=None, context=None, chunked=False):
    """(status, parsed JSON or raw body) of one request, in a thread (the server runs on this loop)."""
    parts = urllib.request.urlparse(url)
    if parts.scheme == 'https':
        connection = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=10, context=context)
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        if chunked:
            connection.request(method, parts.path or '/', body=iter([body[:10], body[10:]]), headers=headers or {},
                               encode_chunked=True)
        else:
            connection.request(method, parts.path or '/', body=body, headers=headers or {})
        response = connection.getresponse()
        raw = response.read()
    finally:
        connection.close()
    try:
        return response.status, json.loads(raw) if raw else None
    except ValueError:
        return response.status, raw


def delivery(*events):
    return json.dumps({'eventType': 'com.okta.event_hook', 'eventTypeVersion': '1.0', 'cloudEventsVersion': '0.1',
                       'source': ORG_URL + '/api/v1/eventHooks/whoql0HfiLGPWc8Jx0g3', 'eventId': str(uuid.uuid4()),
                       'eventTime': '2026-11-25T08:00:00.000Z', 'contentType': 'application/json',
                       'data': {'events': list(events)}}).encode('utf-8')


async def hook_case(plugins, server, tls_dir=None):
    loop = asyncio.get_running_loop()
    port = free_port()
    args = {'host': '127.0.0.1', 'port': port, 'authorization': HOOK_SECRET, 'server': server,
            'max_body_size': 65536}
    context = None
    if tls_dir:
        args['certfile'], args['keyfile'] = os.path.join(tls_dir, 'cert.pem'), os.path.join(tls_dir, 'key.pem')
        context = ssl.create_default_context(cafile=args['certfile'])
    url = '%s://127.0.0.1:%d/okta/hook' % ('https' if tls_dir else 'http', port)
    queue = asyncio.Queue()
    task = asyncio.ensure_future(plugins['okta_event_hook']['main'](queue, args))

    async def request(*call_args, **call_kwargs):
        return await loop.run_in_executor(None, lambda: call(*call_args, context=context, **call_kwargs))
    try:
        deadline = time.monotonic() + 15
        while True:
            if task.done():
                task.result()
            try:
                status, body = await request(url, headers={'X-Okta-Verification-Challenge': 'challenge-1'})
                break
            except (ConnectionError, OSError):
                assert time.monotonic() < deadline, 'the hook did not listen within 15 s'
                await asyncio.sleep(0.05)
        assert (status, body) == (200, {'verification': 'challenge-1'}), (status, body)
        assert (await request(url))[0] == 400, 'a GET without a challenge'

        events = [inject('user9@example.com'), inject('user10@example.com')]
        payload = delivery(*events)
        json_type = {'Content-Type': 'application/json'}
        for headers in (json_type, dict(json_type, Authorization=HOOK_SECRET[:-1] + 'x'),
                        dict(json_type, Authorization='short'), dict(json_type, Authorization='Bearer ' + HOOK_SECRET)):
            status, body = await request(url, 'POST', payload, headers)
            assert status == 401, (headers.get('Authorization'), status, body)
        await nothing_more(queue, 0.3)

        good = dict(json_type, Authorization=HOOK_SECRET)
        status, body = await request(url, 'POST', payload, good)
        assert status == 200 and body is None, (status, body)
        got = await take(queue, 2, 5)
        assert [e['uuid'] for e in got] == [e['uuid'] for e in events]
        assert got[1]['actor']['alternateId'] == 'user10@example.com'

        assert (await request(url, 'POST', payload, good))[0] == 200, 'a repeated delivery'
        await nothing_more(queue, 0.3)

        third = inject('user11@example.com')
        status, body = await request(url, 'POST', delivery(third), good, chunked=True)
        assert status == 200, ('chunked', status, body)
        assert (await take(queue, 1, 5))[0]['uuid'] == third['uuid']

        assert (await request(url, 'POST', b'{"data": ', good))[0] == 400, 'malformed JSON'
        assert (await request(url, 'POST', b'{"data": {}}', good))[0] == 400, 'no data.events'
        assert (await request(url, 'POST', b'x' * 70000, good))[0] == 413, 'too large'
        assert (await request(url, 'PUT', payload, good))[0] == 405, 'PUT'
        await nothing_more(queue, 0.3)
    finally:
        await stop(task)


@test
async def hook_with_asyncio_server(root, plugins):
    await hook_case(plugins, 'asyncio')


@test
async def hook_with_aiohttp_server(root, plugins):
    if not plugins['okta_event_hook']['HAS_AIOHTTP']:
        print('    (aiohttp is not installed for %s: only the asyncio server was tested here)' % sys.executable)
        return
    await hook_case(plugins, 'aiohttp')


@test
async def hook_over_https(root, plugins):
    tls_dir = tempfile.mkdtemp()
    runpy.run_path(os.path.join(root, 'tests', 'okta_simulator', 'tls.py'))['write_self_signed'](tls_dir)
    await hook_case(plugins, 'asyncio', tls_dir)
    if plugins['okta_event_hook']['HAS_AIOHTTP']:
        await hook_case(plugins, 'aiohttp', tls_dir)


@test
async def hook_needs_a_secret(root, plugins):
    saved = os.environ.pop('OKTA_EVENT_HOOK_AUTHORIZATION', None)
    try:
        await plugins['okta_event_hook']['main'](asyncio.Queue(), {'port': free_port()})
    except ValueError as exc:
        assert 'authorization' in str(exc)
    else:
        raise AssertionError('a hook without a secret was started')
    finally:
        if saved is not None:
            os.environ['OKTA_EVENT_HOOK_AUTHORIZATION'] = saved


# -- running ------------------------------------------------------------------------------

def run_child(plugin_path, args):
    """The poller in a process of its own, printing each event when its put() returns, slowly."""

    class SlowQueue:
        async def put(self, event):
            await asyncio.sleep(0.2)
            print(json.dumps(event))
            sys.stdout.flush()

    asyncio.run(runpy.run_path(plugin_path)['main'](SlowQueue(), json.loads(args)))


async def run_all(root):
    capture = LogCapture()
    capture.setFormatter(logging.Formatter('%(name)s %(levelname)s %(message)s'))
    logging.getLogger().addHandler(capture)
    logging.getLogger().setLevel(logging.DEBUG)
    plugins = dict((name, load(root, name)) for name in ('okta_system_log', 'okta_event_hook'))
    passed = failed = 0
    for func in TESTS:
        started_at = time.monotonic()
        try:
            await func(root, plugins)
        except Exception:  # pylint: disable=broad-except
            failed += 1
            print('FAIL %s (%.1f s)' % (func.__name__, time.monotonic() - started_at))
            traceback.print_exc()
        else:
            passed += 1
            print('ok   %s (%.1f s)' % (func.__name__, time.monotonic() - started_at))
        sys.stdout.flush()
    logged = '\n'.join(capture.lines)
    leaks = [name for name, secret in (('API token', API_TOKEN), ('wrong token', WRONG_TOKEN),
                                       ('hook secret', HOOK_SECRET)) if secret in logged]
    if leaks or 'identity.okta.okta_system_log' not in logged or 'identity.okta.okta_event_hook' not in logged:
        failed += 1
        print('FAIL no secret in the plugins\' logs: leaked %s' % (leaks or 'nothing, but a plugin logged nothing'))
    else:
        passed += 1
        print('ok   no secret in %d log lines' % len(capture.lines))
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


def main(argv):
    if argv[1:2] == ['--child']:
        return run_child(argv[2], argv[3])
    return asyncio.run(run_all(os.path.abspath(argv[1])))


if __name__ == '__main__':
    sys.exit(main(sys.argv))
