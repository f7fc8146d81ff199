# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ansible-rulebook event source: the Okta System Log, polled with a moving cursor."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
short_description: Poll the Okta System Log and put each new event on the queue
description:
  - Reads the Okta System Log (C(GET /api/v1/logs)) the way Okta recommends for polling - one query
    started with C(since) and no C(until), then the C(next) link (an opaque C(after) cursor) of each
    answer, for ever. An empty page also has a C(next) link; the poller waits O(interval) seconds before
    following it.
  - Each event is put on the queue as Okta returns it (Okta's LogEvent, camelCase keys as in System Log
    filters), so rules read C(event.eventType), C(event.actor.id), C(event.client.ipAddress) and so on,
    with C(okta_batch) added when O(batch_window) groups them. The same shape arrives from M(identity.okta.okta_event_hook), so one set of rules serves both.
  - With O(cursor_file), the position in the log and the last events' C(uuid)s are kept on disk, so that a
    restarted poller goes on where it stopped - no event lost, none repeated.
  - Talks to Okta through the collection's shared client (module_utils/okta_client.py) - the same
    authentication, TLS checks, retries and rate-limit handling as the modules. The token is never logged.
options:
  org_url:
    description:
      - The Okta org, for example V(https://example.okta.com). Defaults to the environment variable
        C(OKTA_CLIENT_ORGURL), then C(OKTA_ORG_URL), then C(okta.client.orgUrl) of C(~/.okta/okta.yaml).
    type: str
  api_token:
    description:
      - An Okta API token (sent as C(SSWS)). Defaults to C(OKTA_CLIENT_TOKEN), then C(OKTA_API_TOKEN), then
        C(okta.client.token) of C(~/.okta/okta.yaml).
      - Better left out of the rulebook and exported in the environment of ansible-rulebook.
    type: str
  access_token:
    description: An OAuth access token with the C(okta.logs.read) scope (C(OKTA_ACCESS_TOKEN)). It is not renewed.
    type: str
  authorization_mode:
    description:
      - Which credential to use, named as Okta's SDKs name it - V(SSWS) (O(api_token)), V(Bearer) (O(access_token))
        or V(PrivateKey) (O(client_id) and O(private_key)) (C(OKTA_CLIENT_AUTHORIZATIONMODE)).
      - Inferred from the credential given when not set; set, it chooses among credentials found in the environment.
    type: str
    choices: [SSWS, Bearer, PrivateKey]
  client_id:
    description:
      - With O(private_key), the client ID of an Okta service app that signs in with C(private_key_jwt)
        (C(OKTA_CLIENT_CLIENTID)). The access token is renewed before it expires, and once when Okta refuses it.
    type: str
  private_key:
    description: The app's RSA private key, PEM text or a path (C(OKTA_CLIENT_PRIVATEKEY)).
    type: str
  key_id:
    description: The C(kid) of the app's key (C(OKTA_CLIENT_KID)).
    type: str
  scopes:
    description:
      - OAuth scopes to ask for with O(private_key) (C(OKTA_CLIENT_SCOPES)); a list, or text with the scopes
        separated by commas or spaces.
    type: list
    elements: str
    default: [okta.logs.read]
  filter:
    description:
      - A System Log filter expression; only matching events are read, for example
        V(eventType eq "user.session.start" or eventType eq "user.account.report_suspicious_activity_by_enduser").
      - Filtering at Okta costs fewer calls than matching everything in rules.
    type: str
  since:
    description:
      - Where a poller without a saved cursor starts - an ISO 8601 time with a time zone
        (V(2026-11-25T06:00:00Z); unquoted, YAML reads it as a timestamp, which is taken as well), a duration
        before now (V(30s), V(15m), V(6h), V(7d)), or V(now).
      - Ignored when O(cursor_file) holds a position for the same org and O(filter).
    type: str
    default: now
  interval:
    description:
      - Seconds to wait after an answer without new events before asking again. Pages with events are
        followed at once (within the rate limit).
      - Above 0, at most 3600. A value below 2 is taken as 2, with a warning - at Okta's limits a shorter pause
        makes the poller slower, not faster (see docs/event-driven.md).
    type: float
    default: 15
  replay_window:
    description:
      - At-least-once across restarts. With O(cursor_file), the events handed to ansible-rulebook within this many
        seconds before the poller stopped are handed over again when it starts on the file, because ansible-rulebook
        may not have acted on them yet (it holds events and pending actions in memory). The rules act on them again;
        revoking sessions twice does no harm.
      - The poller writes or touches O(cursor_file) after every page, so "before it stopped" is measured from its
        last sign of life, however it was stopped.
      - V(0) hands nothing over again (at most once for what ansible-rulebook had taken). 0 to 3600.
    type: float
    default: 120
  page_size:
    description: Events per call (Okta's C(limit)), 1 to 1000.
    type: int
    default: 100
  batch_window:
    description:
      - More than V(0) hands the new events of each page read (up to O(page_size)) to the rule engine grouped - one
        event per group of events that agree on every O(batch_by) attribute, with C(okta_batch) naming everyone
        in it, as M(identity.okta.okta_event_hook) does with the events of its O(batch_window). How events are
        grouped, the 100 people of a group at most, the de-duplication between the two sources and what a rule
        on grouped events may test are described there.
      - V(0) hands over each event as it came. At most 60.
    type: float
    default: 0
  batch_by:
    description: The attributes that the events of one group share (see O(batch_window)).
    type: list
    elements: str
    default: [eventType, outcome.result, client.ipAddress]
  cursor_file:
    description:
      - A JSON file that keeps the position in the log (the C(next) link, or the page being handed over), the
        C(published) time of the last event and the C(uuid)s of the last 2000 events. Replaced atomically after
        every event handed to ansible-rulebook, flushed to disk after every page and when the poller stops.
      - A restarted poller loses no event, however it was stopped, and repeats only those of the last
        O(replay_window) seconds (none with V(0); and, in any case, an event whose hand-over was under way when the
        process died).
      - An event counts as delivered once ansible-rulebook's queue took it; see the notes for what happens to
        events the rule engine had not yet evaluated.
      - If O(filter) or the org changed since the file was written, the poller starts again from the last
        event's C(published) time with the new filter, skipping events it already delivered.
      - Its directory must exist and take new files; this is checked before the poller starts.
    type: path
  validate_certs:
    description: Check the TLS certificate of O(org_url). Only turn off for tests.
    type: bool
    default: true
  ca_path:
    description: A PEM bundle of CAs to trust instead of the system's.
    type: path
  max_api_share:
    description:
      - The share of the System Log rate limit this poller may use; the rest is left to other clients
        (SIEM, Admin Console). The poller slows down before reaching it, and waits for Okta's reset
        (C(X-Rate-Limit-Reset)) after a 429.
      - Above 0, at most 1.
    type: float
    default: 0.5
  timeout:
    description: Seconds to wait for one answer from Okta; above 0, at most 3600.
    type: float
    default: 30
  max_retries:
    description:
      - How often the client repeats a call after a 429, a 5xx answer or a connection error before the poller
        reports the error, waits (O(interval), doubling up to 5 minutes) and tries again. It never gives up on
        such errors; a refused credential (401, 403) or a bad O(filter) (400) stops it.
      - 0 to 20.
    type: int
    default: 4
notes:
  - The options are checked before the poller connects to Okta; a value of the wrong type or out of range stops
    the source with an error that names the option. Numbers and booleans may also be given as text, as a Jinja
    expression in a rulebook gives them (V("{{ okta_poll_interval | default(15) }}")). An option not listed here is
    ignored with a warning.
  - Needs an API token of an admin who may read the System Log, or an OAuth token with C(okta.logs.read).
  - Okta publishes most events within seconds, but some later; the polling query's cursor still returns them.
  - ansible-rulebook keeps events and the actions they started in memory; what it had taken but not yet acted on
    when it stopped is handed over again after a restart through O(replay_window).
  - ansible-rulebook ends at once on SIGINT or SIGTERM, because the JVM of its rule engine handles them; with
    C(JAVA_TOOL_OPTIONS=-Xrs) it shuts down gracefully and the poller writes O(cursor_file) one last time.
seealso:
  - name: System Log API - polling requests
    link: https://developer.okta.com/docs/reference/system-log-query/
'''

EXAMPLES = r'''
- name: Revoke sessions started from blocked addresses
  hosts: all
  sources:
    - name: okta_system_log
      identity.okta.okta_system_log:
        filter: 'eventType eq "user.session.start"'
        interval: 15
        cursor_file: /var/lib/eda/okta_system_log.cursor.json
  rules:
    - name: Sign-in from a blocked address
      condition: event.client.ipAddress in vars.okta_blocked_ips
      action:
        run_module:
          name: identity.okta.okta_user_sessions
          module_args:
            users: ["{{ event.actor.id }}"]
            oauth_tokens: true

- name: Print sign-ins read with an OAuth service app (private_key_jwt), from an hour ago
  hosts: localhost
  sources:
    - identity.okta.okta_system_log:
        org_url: https://example.okta.com
        client_id: 0oa1b2c3d4e5f6g7h8i9
        private_key: /etc/eda/okta-log-reader.pem
        filter: 'eventType eq "user.session.start"'
        since: 1h
        max_api_share: 0.25
  rules:
    - name: Show each sign-in
      condition: event.eventType == "user.session.start"
      action:
        debug:
          msg: "{{ event.actor.alternateId }} from {{ event.client.ipAddress }}"
'''

import asyncio
import collections
import importlib.util
import json
import logging
import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

try:
    from urllib.parse import urlencode
except ImportError:  # pragma: no cover - Python 2 cannot run an asyncio plugin anyway
    from urllib import urlencode  # type: ignore


# ansible-rulebook runs a source with runpy, without a collection loader: _collection_path.py puts the collection
# this file belongs to on sys.path first, so that the imports below are of this copy. (Loaded from its file: under
# Ansible's collection loader, runpy.run_path would take the path for a package.)
_BOOTSTRAP = importlib.util.module_from_spec(importlib.util.spec_from_file_location(
    'identity_okta_collection_path', os.path.join(os.path.dirname(os.path.abspath(__file__)), '_collection_path.py')))
_BOOTSTRAP.__spec__.loader.exec_module(_BOOTSTRAP)
from ansible_collections.identity.okta.plugins.module_utils.okta_args import check_args, warn_unknown_args
from ansible_collections.identity.okta.plugins.module_utils.okta_event_batch import BATCH_ARG_SPEC, HANDED_OVER, batched
from ansible_collections.identity.okta.plugins.module_utils.okta_client import client_from_settings
from ansible_collections.identity.okta.plugins.module_utils.okta_errors import OktaApiError, OktaLinkError
from ansible_collections.identity.okta.plugins.module_utils.okta_rate_limit import int_header
from ansible_collections.identity.okta.plugins.module_utils.okta_config import SETTINGS
from ansible_collections.identity.okta.plugins.module_utils.okta_specs import source_connection_spec
from ansible_collections.identity.okta.plugins.module_utils.okta_time import parse_time

LOGGER = logging.getLogger('identity.okta.okta_system_log')

LOGS = '/api/v1/logs'
CURSOR_VERSION = 1
SEEN_MAX = 2000
LOW_BUDGET_SHARE = 0.25        # below this share of the limit left to us, calls are spread until the reset
MAX_PAUSE_SECONDS = 300.0
MAX_INTERVAL_SECONDS = 3600.0
# The shortest pause after an empty answer. At Okta's limits a shorter one buys nothing: the poller's share of the
# System Log bucket runs out within the minute and the calls left are spread until the reset (docs/event-driven.md).
MIN_INTERVAL_SECONDS = 2.0
MAX_ERROR_DELAY_SECONDS = 300.0
FATAL_STATUSES = (400, 401, 403, 404, 405)


class _Stopped(Exception):
    """Raised inside the HTTP thread when the poller stops while the client waits."""


# Every option, as DOCUMENTATION describes it (tests/unit/extensions/ checks that they agree).
ARG_SPEC = dict(
    source_connection_spec(scopes=['okta.logs.read']),  # the modules' connection options, in okta_args' dialect
    filter=dict(type='str'),
    since=dict(type='str', default='now', convert=parse_time),
    interval=dict(type='float', default=15.0, above=0, maximum=MAX_INTERVAL_SECONDS),
    replay_window=dict(type='float', default=120.0, minimum=0, maximum=MAX_INTERVAL_SECONDS),
    page_size=dict(type='int', default=100, minimum=1, maximum=1000),
    cursor_file=dict(type='path'),
    max_api_share=dict(type='float', default=0.5, above=0, maximum=1),
    **BATCH_ARG_SPEC
)


def _check_args(args):
    """The rulebook's ``args``, checked and typed: every option of ARG_SPEC, with its default when not given
    (``since`` as an Okta time). ValueError names the option at fault. Where the connection settings come from
    when not given (environment, ~/.okta/okta.yaml) and whether they fit together is the client's to resolve, as
    for the modules: okta_config raises OktaConfigError (a ValueError) naming the setting."""
    options = check_args(args, ARG_SPEC)
    path = options['cursor_file']
    if path:
        # The file is replaced (not written in place) after each event: its directory must take a new file, or
        # the poller would stop after its first page, having handed over that page's events without recording them.
        directory = os.path.dirname(os.path.abspath(path))
        if os.path.isdir(path):
            raise ValueError('cursor_file is a directory, not a file: %s' % path)
        if not os.path.isdir(directory):
            raise ValueError('cursor_file is in a directory that does not exist: %s' % directory)
        if not os.access(directory, os.W_OK | os.X_OK):
            raise ValueError('cursor_file is in a directory the poller may not write to: %s' % directory)
    warn_unknown_args(args, ARG_SPEC, 'okta_system_log', LOGGER)
    return options


def event_uuid(event):
    """The event's uuid, or None when it has none that is text (Okta's are; anything else cannot be remembered)."""
    uuid = event.get('uuid')
    return uuid if isinstance(uuid, str) and uuid else None


class Cursor:
    """Where the poller is in the log, and the uuids it delivered last; optionally kept in a file.

    With a ``replay_window``, the file also lists the events handed over within that many seconds (uuid, published
    time, when): read back, those handed over within ``replay_window`` seconds before the file was last written (the
    poller writes or touches it after every page) are taken as not acted on, and handed over again (``replay``)."""

    def __init__(self, path, org_url, filter_expression, replay_window=0.0):
        self.path = os.path.expanduser(path) if path else None
        self.org_url = org_url
        self.filter = filter_expression or ''
        self.replay_window = replay_window
        self.replay = []              # [(uuid, published)] to hand over again, from load()
        self._handed = collections.OrderedDict()   # uuid -> (published, time.time() when handed over)
        self.position = None          # the URL to ask next (a next link, or the page being handed over)
        self.last_published = None
        self.last_uuid = None
        self._seen = collections.OrderedDict()
        self._saved = None
        self._synced = False

    def load(self):
        """Read the file; return what it says about a place to resume: 'position', 'published' or None."""
        if not self.path or not os.path.exists(self.path):
            return None
        try:
            with open(self.path) as handle:
                data = json.load(handle)
            if not isinstance(data, dict) or data.get('version') != CURSOR_VERSION:
                raise ValueError('not a version %d cursor' % CURSOR_VERSION)
            seen = [str(u) for u in data.get('seen') or []]
            handed = [(str(u), p, float(at)) for u, p, at in data.get('handed') or [] if isinstance(p, str)]
            written = os.stat(self.path).st_mtime
        except (IOError, OSError, ValueError, TypeError) as exc:
            # Starting over could lose events or repeat them; a person has to decide.
            raise ValueError('cursor_file %s cannot be read (%s); fix it, or delete it to start from since'
                             % (self.path, exc))
        for uuid in seen[-SEEN_MAX:]:
            self._seen[uuid] = True
        if self.replay_window > 0:
            # At-least-once: what was handed over shortly before the poller stopped may not have been acted on.
            self.replay = [(uuid, published) for uuid, published, at in handed
                           if at >= written - self.replay_window and uuid in self._seen]
            for uuid, published in self.replay:
                del self._seen[uuid]
        self.last_published = data.get('last_published')
        self.last_uuid = data.get('last_uuid')
        if data.get('org_url') == self.org_url and (data.get('filter') or '') == self.filter and data.get('position'):
            self.position = data['position']
            return 'position'
        if data.get('org_url') == self.org_url and self.last_published:
            return 'published'
        return None

    def seen(self, uuid):
        return uuid in self._seen

    def record(self, event):
        uuid = event_uuid(event)
        published = event.get('published')
        if uuid:
            self._seen[uuid] = True
            while len(self._seen) > SEEN_MAX:
                self._seen.popitem(last=False)
            self.last_uuid = uuid
            if self.replay_window > 0 and published and isinstance(published, str):
                self._handed.pop(uuid, None)
                self._handed[uuid] = (published, time.time())
                while len(self._handed) > SEEN_MAX:
                    self._handed.popitem(last=False)
        if published and isinstance(published, str):
            self.last_published = published

    def save(self, sync=False):
        """Replace the file atomically; ``sync`` also flushes it to the disk (once a page)."""
        if not self.path:
            return
        data = {'version': CURSOR_VERSION, 'org_url': self.org_url, 'filter': self.filter,
                'position': self.position, 'last_published': self.last_published,
                'last_uuid': self.last_uuid, 'seen': list(self._seen)}
        if self.replay_window > 0:
            recent = time.time() - self.replay_window
            while self._handed and next(iter(self._handed.values()))[1] < recent:
                self._handed.popitem(last=False)
            data['handed'] = [[uuid, published, round(at, 3)] for uuid, (published, at) in self._handed.items()]
        text = json.dumps(data, indent=1)
        if text == self._saved and (self._synced or not sync):
            if sync and self.replay_window > 0:
                os.utime(self.path)   # the poller was alive: what it handed over before then is older
            return
        directory = os.path.dirname(os.path.abspath(self.path))
        descriptor, temporary = tempfile.mkstemp(prefix='.okta_system_log.', dir=directory)
        try:
            with os.fdopen(descriptor, 'w') as handle:
                handle.write(text)
                if sync:
                    handle.flush()
                    os.fsync(handle.fileno())
            os.chmod(temporary, 0o600)
            os.replace(temporary, self.path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
        self._saved = text
        self._synced = sync


class SystemLogPoller:
    """Follows the System Log's polling query and hands each new event to the queue."""

    def __init__(self, queue, args):
        """``args``: the rulebook's args, checked first (_check_args)."""
        options = self.options = _check_args(args)
        self.queue = queue
        self.filter = options['filter'] or None
        self.since = options['since']
        self.interval = options['interval']
        if self.interval < MIN_INTERVAL_SECONDS:
            LOGGER.warning('interval %g is below the floor of %g s; polling every %g s when idle (see '
                           'docs/event-driven.md).', self.interval, MIN_INTERVAL_SECONDS, MIN_INTERVAL_SECONDS)
            self.interval = MIN_INTERVAL_SECONDS
        self.page_size = options['page_size']
        self.max_api_share = options['max_api_share']
        self.batch_by = options['batch_by'] if options['batch_window'] > 0 else None
        self._stop = threading.Event()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix='okta-system-log')
        self.client = self._connect()
        self.cursor = Cursor(options['cursor_file'], self.client.base_url, self.filter, options['replay_window'])
        self.published = 0

    # -- connection ------------------------------------------------------------

    def _connect(self):
        options = self.options
        if not options['validate_certs']:
            LOGGER.warning('validate_certs is false: the TLS certificate of the org is not checked.')
        client, dummy = client_from_settings(
            dict((name, options[name]) for name in SETTINGS), default_scopes=ARG_SPEC['scopes']['default'],
            validate_certs=options['validate_certs'], ca_path=options['ca_path'], timeout=options['timeout'],
            max_retries=options['max_retries'], max_api_share=self.max_api_share, sleep=self._sleep)
        return client

    def _sleep(self, seconds):
        """The client's waits (retries, rate limits) end at once when the poller stops."""
        if self._stop.wait(seconds):
            raise _Stopped()

    # -- the query ---------------------------------------------------------------

    def _query_url(self, since):
        params = [('since', since), ('sortOrder', 'ASCENDING'), ('limit', self.page_size)]
        if self.filter:
            params.append(('filter', self.filter))
        return '%s%s?%s' % (self.client.base_url, LOGS, urlencode(params))

    def _start(self):
        """The first URL to ask, and whether it came from the cursor file."""
        resume = self.cursor.load()
        if resume and self.cursor.replay:
            since = min(published for dummy, published in self.cursor.replay)
            LOGGER.info('Reading the System Log again from %s: %d events handed over within %g s before the poller '
                        'stopped (%s) may not have been acted on and are handed over again; events delivered before '
                        'them are skipped.', since, len(self.cursor.replay), self.cursor.replay_window, self.cursor.path)
            return self._query_url(since), False
        if resume == 'position':
            LOGGER.info('Resuming the System Log at the position saved in %s (last event %s, %s).',
                        self.cursor.path, self.cursor.last_uuid, self.cursor.last_published)
            return self.cursor.position, True
        if resume == 'published':
            LOGGER.info('The filter changed since %s was written: reading again from the last event delivered '
                        '(%s), skipping events already delivered.', self.cursor.path, self.cursor.last_published)
            return self._query_url(self.cursor.last_published), False
        LOGGER.info('Polling the System Log of %s since %s%s.', self.client.base_url, self.since,
                    ' with filter %s' % self.filter if self.filter else '')
        return self._query_url(self.since), False

    def _get(self, url):
        return self.client.request('GET', url)  # the logs bucket, from the path (okta_rate_limit)

    async def run(self):
        loop = asyncio.get_running_loop()
        url, from_file = self._start()
        self.cursor.position = url
        failures = 0
        while True:
            try:
                response, page = await loop.run_in_executor(self._executor, self._get, url)
            except OktaApiError as exc:
                if exc.status == 400 and from_file:
                    since = self.cursor.last_published or self.since
                    LOGGER.warning('Okta refused the saved position (%s); reading again from %s, skipping events '
                                   'already delivered.', exc, since)
                    url, from_file = self._query_url(since), False
                    continue
                if exc.status in FATAL_STATUSES or isinstance(exc, OktaLinkError):
                    raise  # retrying cannot help: a refused credential, or a link Okta's answer should not have
                failures += 1
                delay = min(MAX_ERROR_DELAY_SECONDS, max(self.interval, 1.0) * 2 ** min(failures - 1, 8))
                LOGGER.warning('Reading the System Log failed (%s); trying again in %.0f s.', exc, delay)
                await asyncio.sleep(delay)
                continue
            failures = 0
            from_file = False
            if not isinstance(page, list):
                raise OktaApiError('Okta answered GET %s with something that is not a list of events.' % LOGS,
                                   status=response.status_code, method='GET', path=LOGS)
            await self._hand_over(page)
            url = (response.links.get('next') or {}).get('url') or url
            self.cursor.position = url
            self.cursor.save(sync=True)
            pause = self._pause(response.headers, bool(page))
            if pause:
                await asyncio.sleep(pause)

    async def _hand_over(self, page):
        new = []
        for event in page:
            if not isinstance(event, dict):
                continue
            uuid = event_uuid(event)
            if uuid and self.cursor.seen(uuid):
                LOGGER.debug('Skipping event %s: already delivered.', uuid)
                continue
            new.append(event)
        if self.batch_by is not None:
            for event in new:
                if not HANDED_OVER.new([event]):
                    self.cursor.record(event)   # the Event Hook beside this poller handed it over already
            new = HANDED_OVER.new(new)
        for event, members in batched(new, self.batch_by):
            # ansible-rulebook's source queue holds one event: put() returns once the rule engine has taken the
            # previous one. The file is written after each event, so a stop at any moment repeats nothing.
            await self.queue.put(event)
            if self.batch_by is not None:
                HANDED_OVER.remember(members)
            for member in members:
                self.cursor.record(member)
            self.cursor.save()
            self.published += len(members)
            LOGGER.debug('Event %s %s put on the queue (for %d events).', event_uuid(event), event.get('eventType'),
                         len(members))

    def _pause(self, headers, had_events):
        """Seconds before the next call: none after a page with events, ``interval`` after an empty one,
        and longer when little of our share of the rate limit is left, spreading it until the reset (at most
        MAX_PAUSE_SECONDS, or ``interval`` if that is longer)."""
        pause = 0.0 if had_events else self.interval
        limit = int_header(headers, 'X-Rate-Limit-Limit')
        remaining = int_header(headers, 'X-Rate-Limit-Remaining')
        if limit and remaining is not None:
            usable = remaining - self.client.rate_limiter.floor(limit)
            if usable <= max(1, limit * self.max_api_share * LOW_BUDGET_SHARE):
                reset_in = self.client.rate_limiter.seconds_until_reset(headers) or 0.0
                spread = reset_in / max(usable, 1)
                if spread > pause:
                    LOGGER.info('%d of %d System Log calls left until the reset in %.0f s; next call in %.1f s.',
                                max(remaining, 0), limit, reset_in, spread)
                    pause = spread
        return min(pause, max(MAX_PAUSE_SECONDS, self.interval))

    def close(self):
        self._stop.set()
        try:
            self.cursor.save(sync=True)
        finally:
            self._executor.shutdown(wait=False)
            self.client.close()


async def main(queue, args):
    """ansible-rulebook's entry point: check the arguments (the poller's first step: _check_args), then poll
    until cancelled."""
    poller = SystemLogPoller(queue, args)
    try:
        await poller.run()
    finally:
        poller.close()
        LOGGER.info('System Log poller stopped after %d events.', poller.published)


if __name__ == '__main__':
    # Run by hand: OKTA_ORG_URL=... OKTA_API_TOKEN=... python okta_system_log.py [filter]; prints each event.
    logging.basicConfig(level=logging.INFO)
    asyncio.run(main(_BOOTSTRAP.PrintingQueue(),
                     {'filter': sys.argv[1] if len(sys.argv) > 1 else None, 'since': '15m', 'interval': 5}))
