# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Ansible glue shared by every identity.okta module: connection options,
credential resolution and turning client errors into ``fail_json``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import hashlib
import json
import signal

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.ansible_release import __version__ as ANSIBLE_VERSION

from ansible_collections.identity.okta.plugins.module_utils.okta_client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    client_from_settings,
)
from ansible_collections.identity.okta.plugins.module_utils.okta_errors import OktaApiError, OktaConfigError, TaskFailed
from ansible_collections.identity.okta.plugins.module_utils.okta_bulk import BulkRun, Stop
from ansible_collections.identity.okta.plugins.module_utils.okta_journal import END, NEW_FILE, Journal, JournalError
from ansible_collections.identity.okta.plugins.module_utils.okta_config import SETTINGS
from ansible_collections.identity.okta.plugins.module_utils.okta_ids import KIND_SESSION_ID, MAX_ITEMS, id_problem
from ansible_collections.identity.okta.plugins.module_utils.okta_query import (
    HAS_JMESPATH, JMESPATH_IMPORT_ERROR, QueryError, apply_query, compile_query,
)
from ansible_collections.identity.okta.plugins.module_utils.okta_specs import (
    BULK_ARGUMENT_SPEC, CONNECTION_ARGUMENT_SPEC, NOT_THE_WORK,
)

# What to fix when Okta refuses the credential itself: nothing else the task would do can succeed.
CREDENTIAL_HINTS = {
    401: ' Okta refused the credential: check that the API token (or the OAuth app and its key) is valid and not '
         'revoked, and that it belongs to this org_url.',
    403: ' Okta refused the call for this credential: the API token\'s admin lacks the role, or the OAuth app lacks '
         'the scope (see the module\'s notes for the scopes it needs).',
}


class OktaModule(AnsibleModule):
    """An AnsibleModule with the connection options and one lazily built client."""

    def __init__(self, argument_spec=None, bulk=False, default_scopes=(), **kwargs):
        # Set before AnsibleModule checks the arguments: its fail_json (an unknown option, a wrong type) comes
        # through ours, which reads them.
        self._client = None
        self.journal = None
        self.stopped = None
        self._run_over = False
        self.counts = {}
        self._default_scopes = default_scopes
        spec = dict(CONNECTION_ARGUMENT_SPEC)
        if bulk:
            spec.update(BULK_ARGUMENT_SPEC)
        spec.update(argument_spec or {})
        super(OktaModule, self).__init__(argument_spec=spec, **kwargs)
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib('requests'), exception=str(REQUESTS_IMPORT_ERROR))
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._interrupted)
        self._query = self._compile_query()
        self.concurrency = self.params['concurrency'] if bulk else 1

    def _interrupted(self, number, frame):
        """SIGINT or SIGTERM outside a bulk run (run_bulk has handlers of its own): a clean failure."""
        when = 'after its run, whose outcomes were all recorded' if self._run_over else 'before it acted on any item'
        self.fail_json(msg='The task was interrupted (%s) %s (%d API calls made); run it again.'
                       % (signal.Signals(number).name, when, self._client.requests if self._client else 0),
                       stopped='interrupted %s' % when)

    @property
    def client(self):
        if self._client is None:
            try:
                self._client = self._connect()
            except OktaConfigError as exc:
                self.fail_json(msg=str(exc), field=exc.field)
        return self._client

    def _connect(self):
        if not self.params['validate_certs']:
            self.warn('validate_certs is false: the TLS certificate of org_url is not checked, so the '
                      'Okta credential can be taken by anyone who can intercept the connection.')
        client, resolved = client_from_settings(
            dict((k, self.params.get(k)) for k in SETTINGS), default_scopes=self._default_scopes,
            validate_certs=self.params['validate_certs'], ca_path=self.params['ca_path'],
            timeout=self.params['timeout'], max_retries=self.params['max_retries'], ansible_version=ANSIBLE_VERSION,
            concurrency=self.concurrency, max_api_share=self.params.get('max_api_share', 1.0))
        self.resolved_settings = resolved
        for secret in ('api_token', 'access_token', 'private_key'):
            if getattr(resolved, secret):
                self.no_log_values.add(getattr(resolved, secret))  # secrets from the environment or a file too
        return client

    def fail_from_api_error(self, exc, **result):
        """Fail the task with Okta's error fields next to the message."""
        details = exc.as_dict()
        msg = details.pop('msg') + CREDENTIAL_HINTS.get(exc.status, '')
        result.update(details)
        self.fail_json(msg=msg, **result)

    def exit_json(self, **result):
        """Every result says how many API calls were repeated (``retries``)."""
        result.setdefault('retries', self.retries)
        self._add_journal_run(result)
        super(OktaModule, self).exit_json(**result)

    def _add_journal_run(self, result):
        """Which run of the journal this was (``run_id``), so that a report reads this run's records only."""
        journal = getattr(self, 'journal', None)
        if journal is not None:
            result.setdefault('run_id', journal.run_id)
            result.setdefault('journal_run', journal.summary())

    def fail_json(self, msg, **result):
        result.setdefault('retries', self.retries)
        self._add_journal_run(result)
        super(OktaModule, self).fail_json(msg=msg, **result)

    @property
    def retries(self):
        client = getattr(self, '_client', None)
        return client.retries if client is not None else 0

    def run(self, func):
        """Call ``func()``; an OktaApiError or TaskFailed it raises becomes a clean task failure."""
        try:
            return func()
        except OktaApiError as exc:
            self.fail_from_api_error(exc)
        except TaskFailed as exc:
            self.fail_json(msg=exc.msg, **exc.result)

    def end(self, outcome):
        """End the task with ``outcome``, a module's result: failed when its ``failed`` says so."""
        if outcome.pop('failed', False):
            self.fail_json(**outcome)
        self.exit_json(**outcome)

    def run_bulk(self, action, items, key, final_results, item_key=str, total=None, plan=None, keep=None):
        """Apply ``action`` to every item, ``concurrency`` at a time (okta_bulk.BulkRun).

        With O(journal) (not in check mode) every change is recorded as it happens; a run that resumes an
        interrupted one (okta_journal) skips the items whose outcome there is one of ``final_results``.
        SIGINT and SIGTERM stop the dispatch of new items; the calls in flight finish and are recorded.
        ``self.stopped`` says why the run stopped early, if it did; ``self.counts`` how many items ended in each
        result, ``keep(entry)`` which entries are returned (see okta_bulk.BulkRun).
        """
        # Connect (or fail on the settings) here, in the module's thread, before any worker starts.
        client = self.client
        with self.journaled_run(final_results, 'the run was interrupted (%s); the calls in flight were finished and '
                                               'recorded', plan) as stop:
            bulk = BulkRun(action, key, self.concurrency, journal=self.journal, item_key=item_key, stop=stop,
                           total=total, waiting=client.rate_limiter.current_wait, estimate=self._estimator(client),
                           keep=keep)
            entries = bulk.run(items)
        self.counts = bulk.counts
        return entries

    @contextlib.contextmanager
    def journaled_run(self, final_results, interrupted, plan=None):
        """A run with its journal (``self.journal``, None without O(journal) or in check mode; ``plan`` its first
        record) and SIGINT and SIGTERM turned into a Stop whose reason is ``interrupted`` (with the signal's name):
        yields the Stop. At the end the journal says ``end`` or ``stopped`` and is closed, and ``self.stopped`` says
        why the run stopped early, if it did."""
        stop = Stop()
        if self._client is not None:
            stop.then(self._client.rate_limiter.cancel)  # a stopped run does not wait for the next window
        self.journal = self.open_journal(final_results, stop)
        if self.journal is not None and plan is not None:
            self._write_or_fail('plan', **plan)
        previous = dict((signum, signal.signal(signum, lambda number, frame: stop(
            interrupted % signal.Signals(number).name))) for signum in (signal.SIGINT, signal.SIGTERM))
        try:
            yield stop
        finally:
            self._run_over = True
            # The journal's last record first, the signal handlers after: a second SIGTERM (ansible-core 2.21 passes
            # the signal on to the module's process as well) must not end the process before the record is written.
            if self.journal is not None:
                try:
                    self.journal.write('stopped' if stop.is_set() else END, reason=stop.reason)
                except JournalError:
                    pass  # the run already stopped for it, and says why
                self.journal.close()
            self.stopped = stop.reason
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    @staticmethod
    def _estimator(client):
        """The ETA of the items left: the calls each item makes in each bucket (from those made so far, the items in
        flight counted), times the items left less the calls already out for them, through the client's rate model."""
        before = client.rate_limiter.calls_made()

        def estimate(done, left):
            in_flight = client.in_flight.in_flight
            needed = {}
            for bucket, calls in client.rate_limiter.calls_made().items():
                made = calls - before.get(bucket, 0)
                if made > 0:
                    per_item = made / float(done + in_flight)
                    needed[bucket] = max(0.0, per_item * (left - in_flight))  # the calls in flight are out already
            return client.estimate_seconds(needed)
        return estimate

    def record_attempt(self, item, **fields):
        """Journal, before it is sent, the call that changes ``item`` at Okta (no-op without a journal).
        Raises JournalError when it cannot be recorded: then the call must not be sent."""
        if self.journal is not None:
            self.journal.attempted(item, **fields)

    def open_journal(self, final_results, stop):
        """The task's O(journal), opened for this run (okta_journal.Journal: locked, resumed or started over), or
        None (no journal, or check mode). A write error calls ``stop`` with why."""
        path = self.params.get('journal')
        if not path or self.check_mode:
            return None
        try:
            journal = Journal(path, self._run_identity(), final_results)
        except JournalError as exc:
            self.fail_json(msg=str(exc), field='journal')
        journal.on_failure = stop
        if journal.started_over and journal.started_over != NEW_FILE:
            self.warn('journal %s: this run resumes nothing and skips nobody, because %s.' % (path, journal.started_over))
        return journal

    def _write_or_fail(self, event, **fields):
        try:
            self.journal.write(event, **fields)
        except JournalError as exc:
            self.fail_json(msg='%s. Nothing was changed.' % exc, field='journal')

    def _run_identity(self):
        """What this run is, for the journal: a run resumes only a run of the same module, org and work."""
        work = dict((name, value) for name, value in self.params.items()
                    if name not in NOT_THE_WORK and not self.argument_spec.get(name, {}).get('no_log'))
        digest = hashlib.sha256(json.dumps(work, sort_keys=True, default=str).encode('utf-8')).hexdigest()[:16]
        shown = dict((name, '%d entries' % len(value) if isinstance(value, list) and len(value) > 5 else value)
                     for name, value in work.items())
        return dict(kind=self._name, org=self.client.base_url, digest=digest, options=shown)

    def validate_id_list(self, name, values, kind=KIND_SESSION_ID):
        """Check every entry of option ``name`` before any request; drop duplicates, keeping order.

        Bad entries fail the task naming the option and the position, so that
        nothing is sent for a list that is partly wrong.
        """
        if len(values or []) > MAX_ITEMS:
            self.fail_json(msg='%s has %d entries; at most %d are accepted in one task, split the list.'
                           % (name, len(values), MAX_ITEMS), field=name)
        seen = set()
        unique = []
        for position, value in enumerate(values or []):
            problem = id_problem(value, kind)
            if problem:
                self.fail_json(msg='%s[%d] %s' % (name, position, problem), field=name)
            if value not in seen:
                seen.add(value)
                unique.append(value)
        return unique

    def single_or_list(self, single, many):
        """The IDs of option ``single`` (one value) or ``many`` (a list), checked; ``(option name, ids)``.

        An empty ``single`` is refused: it is always a mistake, never "nothing to do".
        """
        if self.params.get(single) is not None:
            problem = id_problem(self.params[single], KIND_SESSION_ID)
            if problem:
                self.fail_json(msg='%s %s' % (single, problem), field=single)
            return single, [self.params[single]]
        return many, self.validate_id_list(many, self.params.get(many) or [])

    def refuse_options(self, state, *names):
        """Options that make no sense with this ``state`` are refused, not silently ignored."""
        given = [n for n in names if self.params.get(n) not in (None, [], '')]
        if given:
            self.fail_json(msg='%s cannot be used with state=%s.' % (' and '.join(given), state), field=given[0])

    def _compile_query(self):
        """The task's JMESPath ``query``, compiled and checked before any request (okta_query)."""
        expression = self.params.get('query')
        if not expression:
            return None
        if not HAS_JMESPATH:
            self.fail_json(msg=missing_required_lib('jmespath'), exception=str(JMESPATH_IMPORT_ERROR))
        try:
            return compile_query(expression)
        except QueryError as exc:
            self.fail_json(msg=str(exc), field='query')

    def apply_query(self, data):
        """Filter ``data`` with the task's JMESPath ``query``, if set; an evaluation error fails naming ``query``."""
        if not self._query:
            return None
        try:
            return apply_query(self._query, data)
        except QueryError as exc:
            self.fail_json(msg=str(exc), field='query')
