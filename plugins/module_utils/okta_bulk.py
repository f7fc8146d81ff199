# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bulk runs: one action per item, a bounded number at a time, every item accounted for.

The HTTP client (okta_client) owns talking to Okta; this module owns concurrency and the
per-item record: each item ends with exactly one entry, in input order - done, already
done in an earlier run (``skipped_done``, from the journal), failed with why, or
``not_attempted`` with why when the run stopped early (interrupted, or a failure that
every other call would meet too: a refused credential, an org that cannot be reached).
Only the calls in flight are held in memory, so a run over 10,000 users stays small.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time
from concurrent.futures import ThreadPoolExecutor, FIRST_COMPLETED, as_completed, wait

from ansible_collections.identity.okta.plugins.module_utils.okta_errors import OktaApiError
from ansible_collections.identity.okta.plugins.module_utils.okta_journal import JournalError, utc_now
from ansible_collections.identity.okta.plugins.module_utils.okta_rate_limit import WaitCancelled

FAILED = 'failed'
NOT_ATTEMPTED = 'not_attempted'
SKIPPED_DONE = 'skipped_done'
# Failures every other call of the run would meet as well: the run stops instead of making them.
CREDENTIAL_STATUSES = (401, 403)
UNREACHABLE_IN_A_ROW = 3
PROGRESS_EVERY_SECONDS = 5.0
PROGRESS_EVERY_SHARE = 0.05


class Stop:
    """Why a run stops dispatching (the first reason given wins)."""

    def __init__(self):
        self.reason = None
        self._event = threading.Event()
        self._then = []

    def __call__(self, reason):
        if not self._event.is_set():
            self.reason = reason
            self._event.set()
            for callback in self._then:
                callback()

    def then(self, callback):
        """Call ``callback()`` when the run stops (as well)."""
        self._then.append(callback)

    def is_set(self):
        return self._event.is_set()


def map_concurrent(func, items, workers, stop=None):
    """Yield ``(item, result, error)`` for each item as it completes.

    At most ``workers`` calls are in flight and items are pulled from the iterable only
    as slots free up, so memory stays flat however many items there are. Only
    OktaApiError is captured per item; anything else is a bug and propagates. Once
    ``stop`` is set, the remaining items are yielded with the error ``NOT_ATTEMPTED``
    and no call.
    """
    stopped = stop.is_set if stop is not None else (lambda: False)
    if workers <= 1:
        for item in items:
            yield (item, None, NOT_ATTEMPTED) if stopped() else _call(func, item)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        in_flight = set()
        for item in items:
            while len(in_flight) >= workers:
                done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
            if stopped():
                yield item, None, NOT_ATTEMPTED
            else:
                in_flight.add(pool.submit(_call, func, item))
        for future in as_completed(in_flight):
            yield future.result()


def _call(func, item):
    try:
        return item, func(item), None
    except OktaApiError as exc:
        return item, None, exc


class BulkRun:
    """Runs ``action`` over items ``workers`` at a time, with an optional journal and live progress.

    ``action(item)`` returns the item's outcome (for example ``revoked``) or a dict with a
    ``result`` key and more fields; an Okta error makes it ``failed`` with the error's
    fields. ``item_key(item)`` names the item in the journal. ``progress(record)`` is
    called with each progress record (also written to the journal). ``estimate(done, left)``
    says how many seconds the ``left`` items take, or None (then the ETA is from the speed so far).
    ``keep(entry)`` says whether the run returns an entry (all are counted in ``counts`` and journaled):
    an org-wide run keeps only what did not succeed, so that its memory does not grow with every person.
    """

    def __init__(self, action, key, workers, journal=None, item_key=str, stop=None, total=None, progress=None,
                 waiting=None, estimate=None, keep=None):
        self.action = action
        self.key = key
        self.workers = workers
        self.journal = journal
        self.item_key = item_key
        self.stop = stop or Stop()
        self.total = total
        self.progress = progress
        self.waiting = waiting or (lambda: None)
        self.estimate = estimate or (lambda done, left: None)
        self.keep = keep or (lambda entry: True)
        self.counts = {}
        self.done = 0
        self.calls_started = 0
        self._lock = threading.Lock()
        self._unreachable = 0
        self._started = None
        self._finished = threading.Event()
        self._last_progress = 0.0
        self._reported_done = None
        self._last_share = 0.0

    def run(self, items):
        entries = {}
        finished = {}
        self._started = time.time()

        def timed(pair):
            index, item = pair
            previous = self.journal.done.get(self.item_key(item)) if self.journal else None
            if previous is not None:
                return dict((k, v) for k, v in previous.items() if k in ('user_id', 'login', 'request_id')
                            and v is not None), previous
            try:
                return self.action(item), None
            except JournalError as exc:
                # The call could not be recorded before it was sent, so it was not sent; the run stops.
                self.stop(str(exc))
                return {'result': NOT_ATTEMPTED, 'msg': 'Not attempted: %s' % exc}, None
            except WaitCancelled:
                # The run stopped while the call waited for the next window: it was not sent (a resumed run does it).
                return {'result': NOT_ATTEMPTED, 'msg': 'Not attempted: %s' % self.stop.reason}, None
            finally:
                # The time each call ended, taken in its worker: when results are collected is later.
                finished[index] = utc_now()

        ticker = threading.Thread(target=self._tick, name='okta-progress')
        ticker.daemon = True
        ticker.start()
        try:
            for (index, item), outcome, error in map_concurrent(timed, enumerate(items), self.workers, self.stop):
                entry = self._entry(item, outcome, error)
                entry['time'] = finished.pop(index, None) or utc_now()
                self._account(item, entry, outcome is not None and outcome[1] is not None)
                if self.keep(entry):
                    entries[index] = entry
        finally:
            self._finished.set()
            ticker.join(1)
            if self._reported_done != self.done:
                self.report('progress')
        return [entries[index] for index in sorted(entries)]

    def _entry(self, item, outcome, error):
        entry = {self.key: item}
        if error is NOT_ATTEMPTED:
            entry.update(result=NOT_ATTEMPTED, msg='Not attempted: %s' % self.stop.reason)
        elif error is not None:
            entry['result'] = FAILED
            entry.update((k, v) for k, v in error.as_dict().items() if v not in (None, []))
        else:
            result, previous = outcome
            if previous is not None:
                entry.update(result, result=SKIPPED_DONE, previous_result=previous.get('result'),
                             previous_time=previous.get('time'))
            elif isinstance(result, dict):
                entry.update(result)
            else:
                entry['result'] = result
        return entry

    def _account(self, item, entry, skipped):
        result = entry['result']
        with self._lock:
            self.done += 1
            self.counts[result] = self.counts.get(result, 0) + 1
        if self.journal is not None and not skipped and result != NOT_ATTEMPTED:
            try:
                self.journal.outcome(self.item_key(item), entry)
            except JournalError:
                pass  # the run stops (the journal's on_failure); its attempted record makes a resume do it again
        self._stop_if_systemic(entry)
        if (self.total and not self.stop.is_set()
                and self.done / float(self.total) - self._last_share >= PROGRESS_EVERY_SHARE):
            self.report('progress')

    def _stop_if_systemic(self, entry):
        if entry['result'] != FAILED:
            if entry['result'] != NOT_ATTEMPTED:
                self._unreachable = 0
            return
        status = entry.get('status')
        if status in CREDENTIAL_STATUSES:
            self.stop('Okta refused the credential (HTTP %s: %s). Every other call would be refused too: fix the '
                      'API token, or the OAuth app\'s scopes and admin role, and run again.'
                      % (status, entry.get('error_summary') or entry.get('msg')))
        elif status is None:
            self._unreachable += 1
            if self._unreachable >= UNREACHABLE_IN_A_ROW:
                self.stop('Okta could not be reached for %d calls in a row, each after its retries (%s). Check '
                          'org_url, the network, proxies and certificates, then run again.'
                          % (self._unreachable, entry.get('msg')))
        else:
            self._unreachable = 0

    def _tick(self):
        while not self._finished.wait(0.5):
            if time.time() - self._last_progress >= PROGRESS_EVERY_SECONDS:
                self.report('progress')

    def report(self, event):
        """Write a progress record: done/total, counts, rate, the rate-limit wait if any, an ETA."""
        now = time.time()
        with self._lock:
            self._last_progress = now
            self._reported_done = self.done
            if self.total:
                self._last_share = self.done / float(self.total)
            elapsed = max(now - (self._started or now), 1e-6)
            record = dict(done=self.done, total=self.total, counts=dict(self.counts),
                          elapsed_s=round(elapsed, 1), items_per_s=round(self.done / elapsed, 2))
        waiting = self.waiting()
        if waiting:
            record['waiting'] = waiting
        if self.total and self.done < self.total:
            # From the rate model when it knows the limits (the speed so far says nothing of the windows ahead).
            eta = self.estimate(record['done'], self.total - record['done']) if record['done'] else None
            if eta is None and record['items_per_s'] > 0:
                eta = (self.total - record['done']) / record['items_per_s']
            if eta is not None:
                record['eta_s'] = round(eta, 1)
        if self.stop.is_set():
            record['stopping'] = self.stop.reason
        if self.journal is not None:
            try:
                self.journal.write(event, **record)
            except JournalError:
                pass  # the run stops for it (the journal's on_failure)
        if self.progress is not None:
            self.progress(record)
        return record


def run_bulk(action, items, key, workers, **options):
    """Apply ``action`` to every item, ``workers`` at a time; one entry per item, in input order
    (see BulkRun for ``options``: journal, item_key, stop, total, progress, waiting)."""
    return BulkRun(action, key, workers, **options).run(items)


# -- the summary every bulk module ends with ------------------------------------------------------------------------

OUTCOME_WORDS = {'skipped_protected': 'protected', SKIPPED_DONE: 'already done (journal)', NOT_ATTEMPTED: 'not attempted'}


def outcome_counts(counts, outcomes):
    """How many items of the whole run ended in each outcome (returned in the result or not), every one of
    ``outcomes`` present; ``pending`` (a second name sharing the first one's call) is not an outcome."""
    summary = dict.fromkeys(outcomes, 0)
    summary.update((outcome, count) for outcome, count in counts.items() if outcome != 'pending')
    return summary


def summary_line(first, summary, shown):
    """``first`` (the counts the module words itself, those of ``shown``), then ', N <words>' for each other
    outcome that happened."""
    for outcome in sorted(summary):
        if summary[outcome] and outcome not in shown:
            first += ', %d %s' % (summary[outcome], OUTCOME_WORDS.get(outcome, outcome.replace('_', ' ')))
    return first


def with_failures(line, stopped, reasons, most=10):
    """``line``, and if the run failed, why: it stopped early, and the first ``most`` of ``reasons``
    (``(reason, is a failed item)`` pairs; the failed items are counted against ``most``, the rest always shown)."""
    failed = [reason for reason, is_item in reasons if is_item][:most]
    shown = (['the run stopped early: %s' % stopped] if stopped else []) + failed + [
        reason for reason, is_item in reasons if not is_item]
    return line + ('. Failed: ' + '; '.join(shown) if shown else '')
