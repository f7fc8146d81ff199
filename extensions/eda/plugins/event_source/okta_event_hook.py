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
    M(identity.okta.okta_system_log) delivers; with O(batch_window), with C(okta_batch) added), and Okta gets
    C(200) at once.
  - A request is answered on its headers alone unless it is a C(POST) with the secret; the body of any other
    request is not read, and the connection is closed. Of such a request at most 40 KiB are read (32 KiB of
    request line and headers, C(431) beyond).
  - The request headers must arrive within 10 seconds of the connection (TLS handshake included), and the body
    of a delivery within 30 seconds after them; a slower client is disconnected (with C(408) once TLS is up).
    Each connection carries one request.
  - An event of a delivery that is not a JSON object, whose C(uuid) is not a string (or is longer than 128
    characters), or that nests more than 64 levels is skipped with a warning that says why; the other events of
    the delivery are queued and Okta gets C(200) (Okta does not send a delivery again after a C(4xx)). A body
    that is not JSON, or nests too deeply to be parsed, gets C(400).
  - Okta sends a delivery again when it got no answer within 3 seconds; an event whose C(uuid) was among the
    last 2000 taken is not taken twice.
  - A delivery is answered as soon as its events are on the receiver's own queue, whatever the rule engine is doing
    (ansible-rulebook takes an event from a source only when it has room for it); they go on to ansible-rulebook in
    the order they came. Past 10000 events waiting, a delivery gets C(503) and Okta sends it again; the events
    already taken from it are not taken twice.
  - Served with aiohttp, which ansible-rulebook depends on; the authorization is checked in an aiohttp middleware,
    on the request headers alone.
options:
  host:
    description: The address to listen on.
    type: str
    default: 0.0.0.0
  port:
    description: The TCP port to listen on, 1 to 65535.
    type: int
    default: 5000
  authorization:
    description:
      - The secret Okta sends in the C(Authorization) header - the value of the event hook's
        C(channel.config.authScheme) (key C(Authorization), type C(HEADER)). Required, here or in the environment.
      - Defaults to the environment variable C(OKTA_EVENT_HOOK_AUTHORIZATION), which keeps it out of the
        rulebook. Use a long random value, for example C(openssl rand -hex 32).
    type: str
  certfile:
    description:
      - A PEM certificate (chain) to serve HTTPS with; Okta only calls C(https://) URLs. Leave out when a
        reverse proxy or load balancer terminates TLS in front of this source.
      - Loaded before the source listens; a file that cannot be loaded stops it with an error.
    type: path
  keyfile:
    description: The private key of O(certfile), if it is not in the same file. Needs O(certfile).
    type: path
  password:
    description: The password of O(keyfile), if it is encrypted.
    type: str
  max_body_size:
    description:
      - Deliveries larger than this many bytes are refused with C(413). A chunked body is counted as it comes
        and refused once it passes the limit.
      - At least 1.
    type: int
    default: 10485760
  batch_window:
    description:
      - Seconds to gather events before handing them to the rule engine as one event per group - the events that
        agree on every O(batch_by) attribute - so that a burst for many people starts one action, not one per
        event. The event handed over is the group's first, with C(okta_batch) listing everyone in the group
        (C(actor_ids), C(alternate_ids), C(uuids), C(count)); at most 100 people a group, more make more groups.
      - V(0) hands over each event on its own, as it came (without C(okta_batch)).
      - With it, an event that another grouping source of the same ansible-rulebook has handed over already
        (the Event Hook and the poller bring the same event) is not handed over again.
      - A rule on grouped events may test only O(batch_by) attributes, and acts on
        C(event.okta_batch.actor_ids) (see docs/event-driven.md, "A noisy event stream").
      - At most 60.
    type: float
    default: 0
  batch_by:
    description:
      - The event attributes (dotted paths) that events of one group share, with O(batch_window).
      - Name every attribute your rules' conditions test, so that a condition is true for every event of a group
        or for none.
    type: list
    elements: str
    default: [eventType, outcome.result, client.ipAddress]
  server:
    description:
      - Kept so that rulebooks written for earlier versions load. Every value serves with aiohttp; V(asyncio), the
        small HTTP/1.1 server of earlier versions, is gone and warned about.
    type: str
    choices: [auto, aiohttp, asyncio]
    default: auto
notes:
  - The options are checked before the source listens; a value of the wrong type or out of range stops the source
    with an error that names the option (never showing O(authorization) or O(password)). Numbers may also be given
    as text, as a Jinja expression in a rulebook gives them. An option not listed here is ignored with a warning.
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
        # A burst of reports within a second starts one sign-out for everyone in it.
        batch_window: 1
  rules:
    - name: Suspicious activity reported
      condition: event.eventType == "user.account.report_suspicious_activity_by_enduser"
      action:
        run_module:
          name: identity.okta.okta_user_sessions
          module_args:
            users: "{{ event.okta_batch.actor_ids }}"
            oauth_tokens: true
'''

import asyncio
import collections
import hmac
import importlib.util
import json
import logging
import os
import re
import ssl
import sys

try:
    from aiohttp import web
    HAS_AIOHTTP = True
except ImportError:
    HAS_AIOHTTP = False

# ansible-rulebook runs a source with runpy, without a collection loader: _collection_path.py puts the collection
# this file belongs to on sys.path first, so that the imports below are of this copy. (Loaded from its file: under
# Ansible's collection loader, runpy.run_path would take the path for a package.)
_BOOTSTRAP = importlib.util.module_from_spec(importlib.util.spec_from_file_location(
    'identity_okta_collection_path', os.path.join(os.path.dirname(os.path.abspath(__file__)), '_collection_path.py')))
_BOOTSTRAP.__spec__.loader.exec_module(_BOOTSTRAP)
from ansible_collections.identity.okta.plugins.module_utils.okta_args import check_args, warn_unknown_args
from ansible_collections.identity.okta.plugins.module_utils.okta_event_batch import BATCH_ARG_SPEC, HANDED_OVER, batched

LOGGER = logging.getLogger('identity.okta.okta_event_hook')

CHALLENGE_HEADER = 'x-okta-verification-challenge'
SEEN_MAX = 2000
MAX_CHALLENGE_LENGTH = 4096
# Read from the module when a server starts (the unit tests shorten them).
HEADER_TIMEOUT_SECONDS = 10.0    # from the connection (TLS handshake included) to the end of the request headers
BODY_TIMEOUT_SECONDS = 30.0      # from the end of the headers to the end of an authorized delivery's body
MAX_HEADER_BYTES = 32 * 1024     # request line and headers
MAX_HEADER_LINES = 100
HEAD_READ_SIZE = 8 * 1024        # read at a time until the request is known to be an authorized delivery
BODY_READ_SIZE = 64 * 1024       # read at a time from an authorized delivery
MAX_BATCH_EVENTS = 5000         # taken into one batch at most
MAX_PENDING_EVENTS = 10000       # events taken from Okta and not yet handed to ansible-rulebook; a delivery past it: 503
MAX_DISCARD_BYTES = 16 * 1024 * 1024
MAX_EVENT_DEPTH = 64             # an Okta LogEvent nests a few levels; one nested deeper is not queued
MAX_UUID_LENGTH = 128
REASONS = {100: 'Continue', 200: 'OK', 400: 'Bad Request', 401: 'Unauthorized', 405: 'Method Not Allowed',
           408: 'Request Timeout', 411: 'Length Required', 413: 'Payload Too Large',
           431: 'Request Header Fields Too Large', 500: 'Internal Server Error', 503: 'Service Unavailable'}
_DELIVERY_ID = re.compile(r'[A-Za-z0-9._:-]{1,100}')
_JSON_TYPES = ((dict, 'an object'), (list, 'an array'), (str, 'a string'), (bool, 'a boolean'),
               ((int, float), 'a number'), (type(None), 'null'))


class BadRequest(Exception):
    def __init__(self, status, message):
        super(BadRequest, self).__init__(message)
        self.status = status


def _json_type(value):
    for types, name in _JSON_TYPES:
        if isinstance(value, types):
            return name
    return type(value).__name__


def _deeper_than(value, limit):
    """Whether a parsed JSON value nests more than ``limit`` levels of objects and arrays (without recursion)."""
    stack = [(value, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values() if isinstance(item, (dict, list)))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value if isinstance(item, (dict, list)))
    return False


def _why_malformed(event):
    """Why an event of a delivery is not queued (names types only, never content), or None."""
    if not isinstance(event, dict):
        return 'it is %s, not an object' % _json_type(event)
    uuid = event.get('uuid')
    if uuid is not None and not isinstance(uuid, str):
        return 'its uuid is %s, not a string' % _json_type(uuid)
    if uuid is not None and len(uuid) > MAX_UUID_LENGTH:
        return 'its uuid is longer than %d characters' % MAX_UUID_LENGTH
    if _deeper_than(event, MAX_EVENT_DEPTH):
        return 'it nests more than %d levels' % MAX_EVENT_DEPTH
    return None


class EventHookHandler:
    """What the endpoint answers: the verification challenge, the authorization, and the events of a delivery, put on
    ``queue`` (in ``main``, the receiver's own queue of events waiting for the rule engine, which never blocks)."""

    def __init__(self, queue, authorization):
        self.queue = queue
        self._expected = authorization.encode('utf-8')
        self._seen = collections.OrderedDict()
        self._queueing = {}
        self.deliveries = 0
        self.events = 0
        self.skipped = 0
        self.refused = 0
        self.timed_out = 0
        self.most_read_unauthenticated = 0

    def authorized(self, headers):
        # surrogateescape: aiohttp keeps bytes that are not UTF-8 as surrogates; such a header is simply wrong.
        given = (headers.get('authorization') or '').encode('utf-8', 'surrogateescape')
        return hmac.compare_digest(given, self._expected)

    def before_body(self, method, headers, peer):
        """``(status, JSON body or None)`` for a request that is answered on its headers alone; None for an
        authorized delivery, whose body is to be read. ``headers`` has lower-case names."""
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
        return None

    async def deliver(self, body, peer):
        """``(status, JSON body or None)`` for the body of an authorized delivery; queues its events."""
        try:
            delivery = json.loads(body.decode('utf-8'))
        except RecursionError:
            LOGGER.warning('Refused a delivery from %s: its JSON nests too deeply to be read.', peer)
            return 400, {'error': 'The JSON body nests too deeply.'}
        except (ValueError, UnicodeDecodeError) as exc:
            LOGGER.warning('Refused a delivery from %s that is not an Okta Event Hook body: %s', peer,
                           exc.__class__.__name__)
            return 400, {'error': 'Expected a JSON body with data.events.'}
        data = delivery.get('data') if isinstance(delivery, dict) else None
        events = data.get('events') if isinstance(data, dict) else None
        if not isinstance(events, list):
            LOGGER.warning('Refused a delivery from %s that is not an Okta Event Hook body: no data.events list.', peer)
            return 400, {'error': 'Expected a JSON body with data.events.'}
        delivery_id = delivery.get('eventId')
        if not (isinstance(delivery_id, str) and _DELIVERY_ID.fullmatch(delivery_id)):
            delivery_id = '(no eventId)'
        new = skipped = 0
        for index, event in enumerate(events, 1):
            why = _why_malformed(event)
            if why:
                skipped += 1
                LOGGER.warning('Skipped event %d of %d of Okta Event Hook delivery %s from %s: %s.',
                               index, len(events), delivery_id, peer, why)
                continue
            try:
                if await self._put_once(event):
                    new += 1
            except asyncio.QueueFull:
                # Not taken: Okta sends the delivery again when it gets no 2xx; what was taken is not taken twice.
                self.deliveries += 1
                self.events += new
                LOGGER.warning('Okta Event Hook delivery %s from %s: %d events waiting for the rule engine already; '
                               'answered 503 after taking %d of its %d events.', delivery_id, peer,
                               MAX_PENDING_EVENTS, new, len(events))
                return 503, {'error': 'Too many events waiting; send the delivery again later.'}
        self.deliveries += 1
        self.events += new
        self.skipped += skipped
        LOGGER.info('Okta Event Hook delivery %s from %s: %d events, %d new, %d skipped.',
                    delivery_id, peer, len(events), new, skipped)
        return 200, None

    async def _put_once(self, event):
        """Queue ``event`` unless its uuid was queued already; a uuid counts as seen once its event is queued."""
        uuid = event.get('uuid') or None
        if uuid is None:
            await self.queue.put(event)
            return True
        while uuid in self._queueing:
            # The same event of another delivery (Okta's retry) is being queued: wait for that to end either way.
            await self._queueing[uuid].wait()
        if uuid in self._seen:
            return False
        done = self._queueing[uuid] = asyncio.Event()
        try:
            await self.queue.put(event)
            self._seen[uuid] = True
            while len(self._seen) > SEEN_MAX:
                self._seen.popitem(last=False)
        finally:
            del self._queueing[uuid]
            done.set()
        return True


class _Connection(asyncio.BufferedProtocol):
    """Sits between the event loop and aiohttp's protocol, which reads whatever a client sends and has no time limit
    for the request headers.

    Until the request is known to be an authorized delivery it reads the socket HEAD_READ_SIZE bytes at a time and
    stops reading at the end of the request headers, so that the HTTP server answers on the headers alone having
    read at most MAX_HEADER_BYTES + HEAD_READ_SIZE bytes; ``read_body()`` lets the body in. It closes the
    connection when the headers are not complete within HEADER_TIMEOUT_SECONDS, and counts the bytes read.
    """

    def __init__(self, inner, handler, connections, header_timeout):
        self._inner = inner
        self._handler = handler
        self._connections = connections
        self._header_timeout = header_timeout
        self._timer = None
        # A memoryview: asyncio's TLS layer fills the buffer through slices of it.
        self._buffer = memoryview(bytearray(HEAD_READ_SIZE))
        self._in_head = True
        self._head_tail = b''
        self._paused = False
        self.transport = None
        self.peer = '?'
        self.received = 0
        self.authenticated = False

    def connection_made(self, transport):
        self.transport = transport
        self.peer = (transport.get_extra_info('peername') or ('?',))[0]
        self._connections[transport] = self
        self._timer = asyncio.get_running_loop().call_later(self._header_timeout, self._headers_too_slow)
        self._inner.connection_made(transport)

    def get_buffer(self, sizehint):
        return self._buffer

    def buffer_updated(self, nbytes):
        data = bytes(self._buffer[:nbytes])
        self.received += nbytes
        if self._in_head:
            window = self._head_tail + data
            ends = [at for at in (window.find(b'\r\n\r\n'), window.find(b'\n\n')) if at >= 0]
            if ends:
                # The headers are in: read nothing more until the request is known to be an authorized delivery.
                self._in_head = False
                self._paused = True
                self.transport.pause_reading()
            elif self.received > MAX_HEADER_BYTES:
                self._close_with(431, 'Closed a connection from %s whose request headers are over %d bytes.',
                                 MAX_HEADER_BYTES)
                return
            else:
                self._head_tail = window[-3:]
        self._inner.data_received(data)

    def eof_received(self):
        return self._inner.eof_received()

    def pause_writing(self):
        self._inner.pause_writing()

    def resume_writing(self):
        self._inner.resume_writing()

    def connection_lost(self, exc):
        self._stop_timer()
        self._connections.pop(self.transport, None)
        if not self.authenticated:
            self._handler.most_read_unauthenticated = max(self._handler.most_read_unauthenticated, self.received)
        self._inner.connection_lost(exc)

    def headers_complete(self):
        self._stop_timer()

    def read_body(self):
        """The request is an authorized delivery: read its body."""
        self.authenticated = True
        self._in_head = False
        if len(self._buffer) < BODY_READ_SIZE:
            self._buffer = memoryview(bytearray(BODY_READ_SIZE))
        if self._paused:
            self._paused = False
            self.transport.resume_reading()

    def _stop_timer(self):
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _headers_too_slow(self):
        self._timer = None
        self._handler.timed_out += 1
        self._close_with(408, 'Closed a connection from %s that sent no complete request within %g s.',
                         self._header_timeout)

    def _close_with(self, status, message, figure):
        self._stop_timer()
        LOGGER.warning(message, self.peer, figure)
        self.transport.write(('HTTP/1.1 %d %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n' % (
            status, REASONS[status])).encode('latin-1'))
        self.transport.close()
        # A TLS connection waits for the client's close_notify; do not let the client hold it.
        asyncio.get_running_loop().call_later(1.0, self._abort_if_open)

    def _abort_if_open(self):
        if self._connections.get(self.transport) is self:
            self.transport.abort()


# Every option, as DOCUMENTATION describes it (tests/unit/extensions/ checks that they agree).
ARG_SPEC = dict(
    host=dict(type='str', default='0.0.0.0'),
    port=dict(type='int', default=5000, minimum=1, maximum=65535),
    authorization=dict(type='str', required=True, secret=True, env=['OKTA_EVENT_HOOK_AUTHORIZATION']),
    certfile=dict(type='path'),
    keyfile=dict(type='path'),
    password=dict(type='str', secret=True),
    max_body_size=dict(type='int', default=10 * 1024 * 1024, minimum=1),
    server=dict(type='str', default='auto', choices=['auto', 'aiohttp', 'asyncio']),
    **BATCH_ARG_SPEC
)


def _check_args(args):
    """The rulebook's ``args``, checked and typed: every option of ARG_SPEC, with its default when not given
    (``authorization`` from OKTA_EVENT_HOOK_AUTHORIZATION), ``server`` always aiohttp, and ``ssl_context`` made from
    ``certfile``, ``keyfile`` and ``password`` (None without ``certfile``). ValueError names the option at fault."""
    options = check_args(args, ARG_SPEC)
    if not HAS_AIOHTTP:
        raise ValueError('the Okta Event Hook receiver needs aiohttp, which cannot be imported (ansible-rulebook '
                         'installs it)')
    if options['server'] == 'asyncio':
        LOGGER.warning('server: asyncio is no longer a server of its own; serving with aiohttp.')
    options['server'] = 'aiohttp'
    options['ssl_context'] = _ssl_context(options)
    warn_unknown_args(args, ARG_SPEC, 'okta_event_hook', LOGGER)
    return options


def _ssl_context(options):
    certfile, keyfile = options['certfile'], options['keyfile']
    if not certfile:
        if keyfile:
            raise ValueError('keyfile needs certfile')
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(certfile, keyfile, options['password'])
    except ssl.SSLError as exc:   # not PEM, a key that does not match, a wrong password (never shown)
        reason = exc.reason or str(exc)
    except OSError as exc:        # a file that is not there or cannot be read
        reason = exc.strerror or exc.__class__.__name__
    else:
        return context
    raise ValueError('certfile %s%s cannot be loaded: %s' % (certfile, ' with keyfile %s' % keyfile if keyfile else '',
                                                             reason))


class _Pending:
    """The events taken from Okta and not yet handed to ansible-rulebook. ``put`` never waits, so that Okta gets its
    answer whatever the rule engine is doing; past ``limit`` events it raises asyncio.QueueFull."""

    def __init__(self, limit):
        self._events = asyncio.Queue(limit)

    async def put(self, event):
        self._events.put_nowait(event)

    def qsize(self):
        return self._events.qsize()

    async def forward(self, queue, window):
        """Hand the events to ansible-rulebook's queue, in the order they came, as fast as it takes them: with a
        ``window`` (seconds), those that came within it of the first, grouped (okta_event_batch)."""
        loop = asyncio.get_running_loop()
        while True:
            events = [await self._events.get()]
            deadline = loop.time() + window['seconds']
            while window['seconds'] > 0 and len(events) < MAX_BATCH_EVENTS:
                try:
                    events.append(await asyncio.wait_for(self._events.get(), max(deadline - loop.time(), 0)))
                except asyncio.TimeoutError:
                    break
            if window['by'] is not None:
                events = HANDED_OVER.new(events)
            for event, members in batched(events, window['by']):
                await self._hand(queue, event)
                if window['by'] is not None:
                    HANDED_OVER.remember(members)

    @staticmethod
    async def _hand(queue, event):
        while True:
            try:
                await queue.put(event)
                return
            except Exception:  # pylint: disable=broad-except
                LOGGER.exception('The receiver could not hand an event to the rule engine; trying again in 1 s.')
                await asyncio.sleep(1.0)


def _response(status, payload):
    response = web.Response(status=status) if payload is None else web.json_response(payload, status=status)
    response.force_close()   # one request a connection; an unread body is not read
    return response


async def _read_body(request, max_body):
    if request.content_length is not None and request.content_length > max_body:
        # Read what was sent before answering, up to a bound: a socket closed on unread data resets the connection.
        if request.content_length <= MAX_DISCARD_BYTES:
            while await request.content.readany():
                pass
        raise BadRequest(413, 'The delivery is too large.')
    chunks = []
    size = 0
    while True:
        chunk = await request.content.readany()
        if not chunk:
            return b''.join(chunks)
        size += len(chunk)
        if size > max_body:   # a chunked body is counted as it comes
            raise BadRequest(413, 'The delivery is too large.')
        chunks.append(chunk)


def _application(okta, connections, max_body):
    """The aiohttp application for ``okta`` (the EventHookHandler): ``authorize`` answers on the request headers alone unless the request is a POST with
    the secret, whose body ``receive`` then reads (within BODY_TIMEOUT_SECONDS and ``max_body``) and delivers. Every
    path is the endpoint."""
    body_timeout = BODY_TIMEOUT_SECONDS

    @web.middleware
    async def authorize(request, handler):   # aiohttp passes the next handler by this name
        connection = connections.get(request.transport)
        if connection is not None:
            connection.headers_complete()
        headers = dict((name.lower(), value) for name, value in request.headers.items())
        answer = okta.before_body(request.method, headers, request.remote)
        if answer is not None:
            return _response(*answer)
        if connection is not None:
            connection.read_body()
        return await handler(request)   # receive

    @web.middleware
    async def receive(request, handler):  # pylint: disable=unused-argument; the route: any path is the endpoint
        try:
            if request.headers.get('expect', '').lower() == '100-continue':
                await request.writer.write(b'HTTP/1.1 100 Continue\r\n\r\n')
            body = await asyncio.wait_for(_read_body(request, max_body), body_timeout)
        except BadRequest as exc:
            return _response(exc.status, {'error': str(exc)})
        except asyncio.TimeoutError:
            okta.timed_out += 1
            LOGGER.warning('Closed a connection from %s whose delivery was not received within %g s.',
                           request.remote, body_timeout)
            return _response(408, {'error': 'The request was not received in time.'})
        except Exception as exc:  # pylint: disable=broad-except
            # A malformed chunked body, or the client went away.
            LOGGER.warning('Could not read a delivery from %s: %s', request.remote, exc.__class__.__name__)
            return _response(400, {'error': 'The body could not be read.'})
        try:
            return _response(*(await okta.deliver(body, request.remote)))
        except Exception:  # pylint: disable=broad-except
            LOGGER.exception('Error while answering an Okta Event Hook request')
            return _response(500, {'error': 'internal error'})

    return web.Application(middlewares=[authorize, receive])


async def _serve(handler, options, started):
    """Serve until cancelled: aiohttp's protocol behind a _Connection each, on the event loop's own server."""
    connections = {}
    header_timeout = HEADER_TIMEOUT_SECONDS
    context = options['ssl_context']
    # lingering_time=0: aiohttp reads (and drops) no unread body after the answer.
    runner = web.AppRunner(_application(handler, connections, options['max_body_size']), handle_signals=False,
                           access_log=None, lingering_time=0)
    await runner.setup()
    try:
        server = runner.server
        listener = await asyncio.get_running_loop().create_server(
            lambda: _Connection(server(), handler, connections, header_timeout), options['host'], options['port'],
            ssl=context, ssl_handshake_timeout=header_timeout if context else None)
        try:
            sockname = listener.sockets[0].getsockname()
            started('%s://%s:%d' % ('https' if context else 'http', sockname[0], sockname[1]))
            await asyncio.Event().wait()
        finally:
            listener.close()
            await server.shutdown(1.0)
            for connection in list(connections.values()):
                connection.transport.abort()
            await listener.wait_closed()
    finally:
        await runner.cleanup()


async def main(queue, args):
    """ansible-rulebook's entry point: check the arguments, then serve until cancelled. Each delivery is answered as
    soon as its events are on the receiver's own queue; they go on to ansible-rulebook's queue from there."""
    options = _check_args(args)
    pending = _Pending(MAX_PENDING_EVENTS)
    handler = EventHookHandler(pending, options['authorization'])
    window = dict(seconds=options['batch_window'], by=options['batch_by'] if options['batch_window'] > 0 else None)
    forwarder = asyncio.ensure_future(pending.forward(queue, window))

    def started(where):
        LOGGER.info('Listening for Okta Event Hooks on %s (aiohttp).', where)

    try:
        await _serve(handler, options, started)
    finally:
        forwarder.cancel()
        LOGGER.info('Okta Event Hook receiver stopped: %d deliveries, %d events queued, %d events skipped, '
                    '%d requests refused, %d timed out; at most %d bytes read of an unauthenticated request; '
                    '%d events not yet handed to the rule engine.',
                    handler.deliveries, handler.events, handler.skipped, handler.refused, handler.timed_out,
                    handler.most_read_unauthenticated, pending.qsize())


if __name__ == '__main__':
    # Run by hand: OKTA_EVENT_HOOK_AUTHORIZATION=secret python okta_event_hook.py [port]; prints each event.
    logging.basicConfig(level=logging.INFO)
    asyncio.run(main(_BOOTSTRAP.PrintingQueue(),
                     {'host': '127.0.0.1', 'port': int(sys.argv[1]) if len(sys.argv) > 1 else 5000}))
