# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ansible-rulebook event source: an HTTP endpoint for Okta Event Hooks."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
short_description: Receive Okta Event Hooks and put each event on the queue
description:
  - An HTTP server for Okta Event Hooks. Okta pushes System Log events to it within seconds of
    their happening, at no cost to the org's API rate limits.
  - Answers Okta's one-time verification request - a C(GET) with the header C(X-Okta-Verification-Challenge) -
    with a JSON object whose C(verification) is the value of that header.
  - Accepts event deliveries - C(POST)s whose JSON body has C(data.events) - only with the shared secret in
    the C(Authorization) header (compared in constant time); anything else gets C(401) and nothing is queued.
    Each event of C(data.events) is put on the queue as Okta sent it (Okta's LogEvent, the same shape that
    M(identity.okta.okta_system_log) delivers), and Okta gets C(200) at once.
  - Okta sends a delivery again when it got no answer within 3 seconds; an event whose C(uuid) was among the
    last 2000 received is not queued twice.
  - Uses aiohttp when it is installed (ansible-rulebook depends on it), else a small HTTP/1.1 server on
    asyncio.
options:
  host:
    description: The address to listen on.
    type: str
    default: 0.0.0.0
  port:
    description: The TCP port to listen on.
    type: int
    default: 5000
  authorization:
    description:
      - The secret Okta sends in the C(Authorization) header - the value of the event hook's
        C(channel.config.authScheme) (key C(Authorization), type C(HEADER)). Required.
      - Defaults to the environment variable C(OKTA_EVENT_HOOK_AUTHORIZATION), which keeps it out of the
        rulebook. Use a long random value, for example C(openssl rand -hex 32).
    type: str
  certfile:
    description:
      - A PEM certificate (chain) to serve HTTPS with; Okta only calls C(https://) URLs. Leave out when a
        reverse proxy or load balancer terminates TLS in front of this source.
    type: path
  keyfile:
    description: The private key of O(certfile), if it is not in the same file.
    type: path
  password:
    description: The password of O(keyfile), if it is encrypted.
    type: str
  max_body_size:
    description: Deliveries larger than this many bytes are refused with C(413).
    type: int
    default: 10485760
  server:
    description: Which HTTP server to use; V(auto) takes aiohttp when it can be imported.
    type: str
    choices: [auto, aiohttp, asyncio]
    default: auto
notes:
  - The verification C(GET) is answered whether or not it carries the C(Authorization) header; it only echoes
    the challenge and queues nothing.
  - Okta retries a failed delivery once only; run M(identity.okta.okta_system_log) beside this source as a
    fallback for what Okta could not deliver (see docs/event-driven.md).
seealso:
  - name: Okta Event Hooks
    link: https://developer.okta.com/docs/concepts/event-hooks/
'''

EXAMPLES = r'''
- name: Revoke the sessions of users who report suspicious activity
  hosts: all
  sources:
    - name: okta_event_hook
      identity.okta.okta_event_hook:
        port: 5000
        certfile: /etc/eda/tls/okta-hook.pem
        # authorization: from the environment variable OKTA_EVENT_HOOK_AUTHORIZATION
  rules:
    - name: Suspicious activity reported
      condition: event.eventType == "user.account.report_suspicious_activity_by_enduser"
      action:
        run_module:
          name: identity.okta.okta_user_sessions
          module_args:
            users: ["{{ event.actor.id }}"]
            oauth_tokens: true
'''

import asyncio
import collections
import hmac
import json
import logging
import os
import ssl
import sys

try:
    from aiohttp import web
    HAS_AIOHTTP = True
except ImportError:
    HAS_AIOHTTP = False

LOGGER = logging.getLogger('identity.okta.okta_event_hook')

CHALLENGE_HEADER = 'x-okta-verification-challenge'
SEEN_MAX = 2000
MAX_CHALLENGE_LENGTH = 4096
MAX_HEADER_LINES = 100
READ_TIMEOUT_SECONDS = 30.0
MAX_DISCARD_BYTES = 16 * 1024 * 1024
REASONS = {100: 'Continue', 200: 'OK', 400: 'Bad Request', 401: 'Unauthorized', 405: 'Method Not Allowed',
           408: 'Request Timeout', 411: 'Length Required', 413: 'Payload Too Large',
           431: 'Request Header Fields Too Large', 500: 'Internal Server Error'}


class BadRequest(Exception):
    def __init__(self, status, message):
        super(BadRequest, self).__init__(message)
        self.status = status


class EventHookHandler:
    """What the endpoint answers, whatever HTTP server carries it."""

    def __init__(self, queue, authorization):
        self.queue = queue
        self._expected = authorization.encode('utf-8')
        self._seen = collections.OrderedDict()
        self.deliveries = 0
        self.events = 0
        self.refused = 0

    def authorized(self, headers):
        given = (headers.get('authorization') or '').encode('utf-8')
        return hmac.compare_digest(given, self._expected)

    async def handle(self, method, headers, body, peer):
        """Return ``(status, JSON body or None)`` for one request; ``headers`` has lower-case names."""
        if method == 'GET':
            challenge = headers.get(CHALLENGE_HEADER)
            if not challenge:
                return 400, {'error': 'Expected an Okta verification request (X-Okta-Verification-Challenge header).'}
            if len(challenge) > MAX_CHALLENGE_LENGTH:
                return 400, {'error': 'The verification challenge is too long.'}
            LOGGER.info('Answered the Okta Event Hook verification request from %s.', peer)
            return 200, {'verification': challenge}
        if method != 'POST':
            return 405, {'error': 'Okta Event Hooks use GET (verification) and POST (events).'}
        if not self.authorized(headers):
            self.refused += 1
            LOGGER.warning('Refused a delivery from %s: missing or wrong Authorization header.', peer)
            return 401, {'error': 'unauthorized'}
        try:
            delivery = json.loads(body.decode('utf-8'))
            events = delivery['data']['events']
            if not isinstance(events, list):
                raise TypeError('data.events is not a list')
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            LOGGER.warning('Refused a delivery from %s that is not an Okta Event Hook body: %s', peer,
                           exc.__class__.__name__)
            return 400, {'error': 'Expected a JSON body with data.events.'}
        new = 0
        for event in events:
            if not isinstance(event, dict):
                continue
            uuid = event.get('uuid')
            if uuid:
                if uuid in self._seen:
                    continue
                self._seen[uuid] = True
                while len(self._seen) > SEEN_MAX:
                    self._seen.popitem(last=False)
            await self.queue.put(event)
            new += 1
        self.deliveries += 1
        self.events += new
        LOGGER.info('Okta Event Hook delivery %s from %s: %d events, %d new.',
                    delivery.get('eventId') if isinstance(delivery, dict) else None, peer, len(events), new)
        return 200, None


def _ssl_context(args):
    certfile = args.get('certfile')
    if not certfile:
        if args.get('keyfile'):
            raise ValueError('keyfile needs certfile')
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(os.path.expanduser(certfile),
                            os.path.expanduser(args['keyfile']) if args.get('keyfile') else None,
                            args.get('password'))
    return context


async def _serve_aiohttp(handler, host, port, context, max_body, started):
    async def endpoint(request):
        if request.content_length is not None and request.content_length > max_body:
            return web.json_response({'error': 'The delivery is too large.'}, status=413)
        try:
            body = await request.read() if request.method == 'POST' else b''
        except web.HTTPRequestEntityTooLarge:
            return web.json_response({'error': 'The delivery is too large.'}, status=413)
        headers = dict((name.lower(), value) for name, value in request.headers.items())
        status, payload = await handler.handle(request.method, headers, body, request.remote)
        if payload is None:
            return web.Response(status=status)
        return web.json_response(payload, status=status)

    app = web.Application(client_max_size=max_body)
    app.router.add_route('*', '/{tail:.*}', endpoint)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port, ssl_context=context)
        await site.start()
        started(site.name)
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def _read_request(reader):
    """One HTTP/1.1 request: (method, headers with lower-case names, body)."""
    line = await reader.readline()
    if not line:
        raise EOFError()
    parts = line.decode('latin-1').split()
    if len(parts) != 3 or not parts[2].startswith('HTTP/1.'):
        raise BadRequest(400, 'not an HTTP/1.x request line')
    method = parts[0].upper()
    headers = {}
    for dummy in range(MAX_HEADER_LINES + 1):
        line = await reader.readline()
        if line in (b'\r\n', b'\n', b''):
            break
        name, colon, value = line.decode('latin-1').partition(':')
        if not colon:
            raise BadRequest(400, 'malformed header line')
        headers[name.strip().lower()] = value.strip()
    else:
        raise BadRequest(431, 'too many header lines')
    return method, headers


async def _read_body(reader, writer, headers, max_body):
    if headers.get('expect', '').lower() == '100-continue':
        writer.write(b'HTTP/1.1 100 Continue\r\n\r\n')
        await writer.drain()
    if 'chunked' in headers.get('transfer-encoding', '').lower():
        body = b''
        while True:
            size_line = await reader.readline()
            try:
                size = int(size_line.split(b';')[0].strip(), 16)
            except ValueError:
                raise BadRequest(400, 'malformed chunk')
            if size == 0:
                while (await reader.readline()) not in (b'\r\n', b'\n', b''):
                    pass
                return body
            if len(body) + size > max_body:
                raise BadRequest(413, 'The delivery is too large.')
            body += await reader.readexactly(size)
            await reader.readline()
    length = headers.get('content-length')
    if length is None:
        raise BadRequest(411, 'A Content-Length is required.')
    try:
        length = int(length)
    except ValueError:
        raise BadRequest(400, 'malformed Content-Length')
    if length < 0:
        raise BadRequest(400, 'malformed Content-Length')
    if length > max_body:
        # Read what was sent before answering, up to a bound: a socket closed on unread data resets the connection.
        if length <= MAX_DISCARD_BYTES:
            while length > 0:
                length -= len(await reader.readexactly(min(length, 65536)))
        raise BadRequest(413, 'The delivery is too large.')
    return await reader.readexactly(length)


async def _serve_asyncio(handler, host, port, context, max_body, started):
    async def answer(writer, status, payload):
        body = json.dumps(payload).encode('utf-8') if payload is not None else b''
        head = 'HTTP/1.1 %d %s\r\nContent-Length: %d\r\nConnection: close\r\n' % (
            status, REASONS.get(status, 'Unknown'), len(body))
        if payload is not None:
            head += 'Content-Type: application/json\r\n'
        writer.write(head.encode('latin-1') + b'\r\n' + body)
        await writer.drain()

    async def exchange(reader, writer):
        method, headers = await _read_request(reader)
        # The body is read even when the delivery will be refused: closing a socket with unread data resets the
        # connection, and the client might not see the answer.
        body = await _read_body(reader, writer, headers, max_body) if method == 'POST' else b''
        peer = (writer.get_extra_info('peername') or ('?',))[0]
        return await handler.handle(method, headers, body, peer)

    async def connection(reader, writer):
        try:
            try:
                status, payload = await asyncio.wait_for(exchange(reader, writer), READ_TIMEOUT_SECONDS)
            except BadRequest as exc:
                status, payload = exc.status, {'error': str(exc)}
            except asyncio.TimeoutError:
                status, payload = 408, {'error': 'The request was not received in time.'}
            except (EOFError, asyncio.IncompleteReadError, ConnectionError):
                return
            except Exception:  # pylint: disable=broad-except
                LOGGER.exception('Error while answering an Okta Event Hook request')
                status, payload = 500, {'error': 'internal error'}
            await answer(writer, status, payload)
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(connection, host, port, ssl=context)
    try:
        sockname = server.sockets[0].getsockname()
        started('%s://%s:%d' % ('https' if context else 'http', sockname[0], sockname[1]))
        await server.serve_forever()
    finally:
        server.close()
        await server.wait_closed()


async def main(queue, args):
    """ansible-rulebook's entry point: serve until cancelled."""
    args = dict(args or {})
    authorization = args.get('authorization') or os.environ.get('OKTA_EVENT_HOOK_AUTHORIZATION')
    if not authorization:
        raise ValueError('authorization is required: the secret Okta sends in the Authorization header '
                         '(or set OKTA_EVENT_HOOK_AUTHORIZATION).')
    host = args.get('host') or '0.0.0.0'
    try:
        port = int(args.get('port') or 5000)
        max_body = int(args.get('max_body_size') or 10 * 1024 * 1024)
    except (TypeError, ValueError):
        raise ValueError('port and max_body_size must be integers')
    server = args.get('server') or 'auto'
    if server not in ('auto', 'aiohttp', 'asyncio'):
        raise ValueError('server must be auto, aiohttp or asyncio, got %r' % server)
    if server == 'aiohttp' and not HAS_AIOHTTP:
        raise ValueError('server is aiohttp, but aiohttp cannot be imported')
    use_aiohttp = server == 'aiohttp' or (server == 'auto' and HAS_AIOHTTP)
    context = _ssl_context(args)
    handler = EventHookHandler(queue, str(authorization))

    def started(where):
        LOGGER.info('Listening for Okta Event Hooks on %s (%s).', where, 'aiohttp' if use_aiohttp else 'asyncio')

    serve = _serve_aiohttp if use_aiohttp else _serve_asyncio
    try:
        await serve(handler, host, port, context, max_body, started)
    finally:
        LOGGER.info('Okta Event Hook receiver stopped: %d deliveries, %d events queued, %d requests refused.',
                    handler.deliveries, handler.events, handler.refused)


if __name__ == '__main__':
    # Run by hand: OKTA_EVENT_HOOK_AUTHORIZATION=secret python okta_event_hook.py [port]; prints each event.

    class MockQueue:
        async def put(self, event):
            print(json.dumps(event))
            sys.stdout.flush()

    logging.basicConfig(level=logging.INFO)
    asyncio.run(main(MockQueue(), {'host': '127.0.0.1', 'port': int(sys.argv[1]) if len(sys.argv) > 1 else 5000}))
