# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bulk runs: one action per item, a bounded number at a time, every item accounted for.

The HTTP client (okta_client) owns talking to Okta; this module owns concurrency and the
per-item record, so that a run over 10,000 users keeps only the calls in flight in memory
and ends with exactly one entry per item.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
from concurrent.futures import ThreadPoolExecutor, FIRST_COMPLETED, as_completed, wait

from ansible_collections.identity.okta.plugins.module_utils.okta_errors import OktaApiError

FAILED = 'failed'


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ')


def map_concurrent(func, items, workers):
    """Yield ``(item, result, error)`` for each item as it completes.

    At most ``workers`` calls are in flight and items are pulled from the iterable only
    as slots free up, so memory stays flat however many items there are. Only
    OktaApiError is captured per item; anything else is a bug and propagates.
    """
    if workers <= 1:
        yield from (_call(func, item) for item in items)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        in_flight = set()
        for item in items:
            if len(in_flight) >= workers:
                done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
            in_flight.add(pool.submit(_call, func, item))
        for future in as_completed(in_flight):
            yield future.result()


def _call(func, item):
    try:
        return item, func(item), None
    except OktaApiError as exc:
        return item, None, exc


def run_bulk(action, items, key, workers):
    """Apply ``action`` to every item, ``workers`` at a time; one entry per item, in input order.

    ``action(item)`` returns the item's outcome (for example ``revoked``) or a dict with a
    ``result`` key and more fields; an Okta error makes it ``failed`` with the error's
    fields. ``items`` may be any iterable (a paged listing, say). Each entry has ``key``
    (the item) and ``time``, when its call ended.
    """
    entries = {}
    finished = {}

    def timed(pair):
        # The time each call ended, taken in its worker: when results are collected is later.
        try:
            return action(pair[1])
        finally:
            finished[pair[0]] = utc_now()

    for (index, item), outcome, error in map_concurrent(timed, enumerate(items), workers):
        entry = {key: item}
        if error is not None:
            entry['result'] = FAILED
            entry.update((k, v) for k, v in error.as_dict().items() if v not in (None, []))
        elif isinstance(outcome, dict):
            entry.update(outcome)
        else:
            entry['result'] = outcome
        entry['time'] = finished.pop(index, None) or utc_now()
        entries[index] = entry
    return [entries[index] for index in sorted(entries)]
