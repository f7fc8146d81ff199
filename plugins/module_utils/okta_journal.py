# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The journal of a bulk run: what was sent to Okta and what came back, on disk as it happens.

One JSON object per line, appended and flushed to disk before the next call:

- ``{"event": "attempted", "item": ...}`` before a call that changes something is sent;
- ``{"event": "outcome", "item": ..., "result": ..., "status": ..., "request_id": ...}`` after it;
- ``run``, ``plan``, ``progress``, ``stopped`` and ``end`` records that say what the run was
  and how it went (the action plugins show ``plan``, ``progress`` and ``stopped`` live).

A run interrupted by SIGINT or SIGTERM finishes and records the calls in flight, so the
journal holds exactly what Okta did. After ``kill -9`` a call may stay ``attempted`` with no
outcome: a rerun with the same journal does it again (signing out twice is harmless) and
skips every item whose outcome was final.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json
import os
import threading

# Outcomes after which an item needs nothing more; anything else (failed, not attempted) is done again.
FINAL_RESULTS = ('cleared', 'revoked', 'absent', 'not_found')
ATTEMPTED = 'attempted'
OUTCOME = 'outcome'
# Fields of an entry worth keeping in the journal (secrets never reach an entry).
OUTCOME_FIELDS = ('result', 'status', 'request_id', 'error_code', 'msg', 'user_id', 'login', 'via_group',
                  'same_user_as', 'session_id', 'time')


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ')


class JournalError(Exception):
    """The journal cannot be opened or written."""


class Journal:
    """Append-only record of one kind of run (``kind``), safe to share between threads."""

    def __init__(self, path, kind):
        self.path = path
        self.kind = kind
        self.done = {}  # item -> its final outcome from an earlier run
        self.attempted_before = set()  # items an earlier run sent and never saw answered
        self._lock = threading.Lock()
        try:
            self._read()
            directory = os.path.dirname(os.path.abspath(path))
            if not os.path.isdir(directory):
                os.makedirs(directory, 0o750)
            self._file = open(path, 'a', encoding='utf-8')
        except (IOError, OSError) as exc:
            raise JournalError('journal %s cannot be used: %s' % (path, exc))

    def _read(self):
        if not os.path.exists(self.path):
            return
        with open(self.path, encoding='utf-8', errors='replace') as handle:
            for line in handle:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue  # a line cut short by kill -9 or a full disk: what it said is unknown
                if not isinstance(record, dict):
                    continue
                if record.get('event') == 'run' and record.get('kind') not in (None, self.kind):
                    raise JournalError('journal %s belongs to a %s run, not %s; give another path.'
                                       % (self.path, record.get('kind'), self.kind))
                item = record.get('item')
                if not isinstance(item, str):
                    continue
                if record.get('event') == ATTEMPTED:
                    self.attempted_before.add(item)
                elif record.get('event') == OUTCOME:
                    self.attempted_before.discard(item)
                    if record.get('result') in FINAL_RESULTS:
                        self.done[item] = record
                    else:
                        self.done.pop(item, None)

    def write(self, event, **fields):
        record = dict(fields, event=event)
        record.setdefault('time', utc_now())
        line = json.dumps(record, sort_keys=True, default=str) + '\n'
        with self._lock:
            self._file.write(line)
            self._file.flush()
            os.fsync(self._file.fileno())

    def attempted(self, item, **fields):
        """Record, before the call is sent, that ``item``'s call is about to change something at Okta."""
        self.write(ATTEMPTED, item=item, **fields)

    def outcome(self, item, entry):
        self.write(OUTCOME, item=item, **dict((k, entry[k]) for k in OUTCOME_FIELDS if entry.get(k) is not None))

    def close(self):
        with self._lock:
            self._file.close()
