# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The journal of a bulk run: what was sent to Okta and what came back, on disk as it happens.

One JSON object per line, appended and flushed to disk before the next call:

- ``{"event": "run", "run_id": ..., "kind": module, "org": origin, "digest": ..., "resumes": ...}`` opens a run;
- ``{"event": "attempted", "item": ...}`` before a call that changes something is sent;
- ``{"event": "outcome", "item": ..., "result": ..., "status": ..., "request_id": ...}`` after it;
- ``plan``, ``progress``, ``stopped`` and ``end`` records that say what the run was and how it went (the
  action plugins show ``plan``, ``progress`` and ``stopped`` live). ``end`` closes a run that went through
  every item; a run without it was interrupted.

A journal resumes an interrupted run, and nothing else: a run skips the items done (a final outcome of its
module) only when the last run in the file has no ``end`` and is the same run - same module, same org, same
options and input (``digest``). Anything else (a finished run, another org, module, options or input, a
journal of an older version) starts a new run in the same file that skips nobody: what a run does is
decided by Okta's state now. ``not_found`` is never final. After ``kill -9`` a call may stay ``attempted``
with no outcome: the resumed run does it again (signing out twice is harmless).

One writer: the file is locked (``fcntl.flock``) for the whole run, and a second run on it stops before any
change. The file is created 0600 (its folder 0700) and refused when it is a symlink, owned by another user or
writable by others: it names people, and what it says decides who is skipped.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import errno
import fcntl
import json
import os
import socket
import stat
import threading
import uuid

RUN = 'run'
ATTEMPTED = 'attempted'
OUTCOME = 'outcome'
END = 'end'
# Fields of an entry worth keeping in the journal (secrets never reach an entry).
OUTCOME_FIELDS = ('result', 'status', 'request_id', 'error_code', 'msg', 'user_id', 'login', 'via_group',
                  'same_user_as', 'session_id', 'time', 'status_before', 'risk_before')


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ')


class JournalError(Exception):
    """The journal cannot be opened or written."""


class JournalRun:
    """One run as the journal tells it: its ``run`` record, what it (and the runs it resumed) finished, the calls
    sent and never answered, the order items were first recorded in, and whether it ended."""

    def __init__(self, record, before=None):
        self.record = record
        self.finished = False
        self.last = dict(before.last) if before else {}  # item -> its last attempted/outcome record
        self.order = list(before.order) if before else []

    @property
    def run_id(self):
        return self.record.get('run_id')

    def add(self, record):
        item = record['item']
        if item not in self.last:
            self.order.append(item)
        self.last[item] = record

    def done(self, final_results):
        """item -> its outcome record, for the items whose last outcome is final."""
        return dict((item, record) for item, record in self.last.items()
                    if record.get('event') == OUTCOME and record.get('result') in final_results)

    def attempted(self):
        return set(item for item, record in self.last.items() if record.get('event') == ATTEMPTED)


def read_runs(lines):
    """The runs of a journal's lines, oldest first. A run record whose ``resumes`` names the run before it
    carries that run's items on; records before any run record (never written by this version) form a run
    of their own, which nothing resumes."""
    runs = []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue  # a line cut short by kill -9 or a full disk: what it said is unknown
        if not isinstance(record, dict):
            continue
        event = record.get('event')
        if event == RUN:
            before = runs[-1] if runs and record.get('resumes') and record['resumes'] == runs[-1].run_id else None
            runs.append(JournalRun(record, before))
            continue
        if not runs:
            runs.append(JournalRun({}))
        if event == END:
            runs[-1].finished = True
        elif event in (ATTEMPTED, OUTCOME) and isinstance(record.get('item'), str):
            runs[-1].add(record)
    return runs


NEW_FILE = 'the journal was empty'


def why_not_resumed(last, identity):
    """Why the journal's last run is not the one to resume (None when it is)."""
    if last is None:
        return NEW_FILE
    record = last.record
    if not record.get('run_id'):
        return 'the journal was written by an older version of identity.okta'
    if last.finished:
        return 'its last run (%s, %s) ran to the end' % (record['run_id'], record.get('time'))
    for key, words in (('kind', 'module'), ('org', 'org'), ('digest', 'options or input')):
        if record.get(key) != identity.get(key):
            return 'its last run (%s) was of another %s (%s)' % (record['run_id'], words, record.get(key))
    return None


class Journal:
    """The journal of one run: opens (or creates) ``path`` safely, locks it, decides whether this run resumes
    the last one, and appends records; safe to share between threads.

    ``identity``: dict with ``kind`` (the module), ``org`` (its origin), ``digest`` (of the options and input
    that decide the work) and ``options`` (what is shown of them). ``final_results``: the outcomes after which
    an item needs nothing more, as the module declares them.
    """

    def __init__(self, path, identity, final_results):
        self.path = path
        self.final_results = tuple(final_results)
        self.on_failure = None  # called with the reason when a write fails (the bulk run's Stop)
        self.failure = None
        self._lock = threading.Lock()
        self._fd = _open_private(path)
        try:
            _lock(self._fd, path)
            text = _read_all(self._fd)
            runs = read_runs(text.splitlines())
            last = runs[-1] if runs else None
            self.started_over = why_not_resumed(last, identity)
            resumed = last if last is not None and self.started_over is None else None
            self.done = resumed.done(self.final_results) if resumed else {}
            self.attempted_before = resumed.attempted() if resumed else set()
            self.run_id = uuid.uuid4().hex[:16]
            self.resumes = resumed.run_id if resumed else None
            if text and not text.endswith('\n'):
                self._append('\n')  # the last line was cut short: the next record starts on a line of its own
            self.write(RUN, run_id=self.run_id, resumes=self.resumes, started_over=self.started_over,
                       resumed=len(self.done), pid=os.getpid(), host=socket.gethostname(), **identity)
        except BaseException:
            os.close(self._fd)
            raise

    def summary(self):
        return dict(run_id=self.run_id, resumed=self.resumes is not None, resumes=self.resumes,
                    skipped_done=len(self.done),
                    started_over=self.started_over if self.started_over != NEW_FILE else None)

    def write(self, event, **fields):
        record = dict(fields, event=event)
        record.setdefault('time', utc_now())
        self._append(json.dumps(record, sort_keys=True, default=str) + '\n')

    def _append(self, text):
        data = text.encode('utf-8')
        with self._lock:
            if self.failure:
                raise JournalError(self.failure)
            try:
                while data:
                    data = data[os.write(self._fd, data):]
                os.fsync(self._fd)
            except OSError as exc:
                self.failure = 'journal %s cannot be written: %s' % (self.path, exc.strerror or exc)
        if self.failure:
            if self.on_failure is not None:
                self.on_failure('%s. No further call was made, so that nothing is done unrecorded.' % self.failure)
            raise JournalError(self.failure)

    def attempted(self, item, **fields):
        """Record, before the call is sent, that ``item``'s call is about to change something at Okta; a
        JournalError means the call must not be sent."""
        self.write(ATTEMPTED, item=item, **fields)

    def outcome(self, item, entry):
        self.write(OUTCOME, item=item, **dict((k, entry[k]) for k in OUTCOME_FIELDS if entry.get(k) is not None))

    def close(self):
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)  # and with it the lock
                self._fd = None


def _open_private(path):
    """The journal file, opened for appending: created 0600 (and its folder 0700) if missing; refused if it is
    a symlink, not a regular file, another user's, or writable by group or others."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        if not os.path.isdir(directory):
            os.makedirs(directory, 0o700)
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | getattr(os, 'O_CLOEXEC', 0), 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise JournalError('journal %s is a symbolic link; it is refused (it could make this run write or '
                               'trust another file). Give the path of a regular file.' % path)
        raise JournalError('journal %s cannot be used: %s' % (path, exc))
    info = os.fstat(fd)
    problem = None
    if not stat.S_ISREG(info.st_mode):
        problem = 'is not a regular file'
    elif info.st_uid != os.geteuid():
        problem = 'belongs to another user (uid %d), and what it says decides who is skipped' % info.st_uid
    elif info.st_mode & 0o022:
        problem = ('can be written by others (mode %04o), and what it says decides who is skipped; '
                   'chmod 600 it if it is yours' % stat.S_IMODE(info.st_mode))
    if problem:
        os.close(fd)
        raise JournalError('journal %s %s. It is refused.' % (path, problem))
    return fd


def _lock(fd, path):
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (IOError, OSError) as exc:
        if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            raise JournalError('journal %s cannot be locked: %s' % (path, exc))
        holder = ([r.record for r in read_runs(_read_all(fd).splitlines()) if r.record.get('run_id')] or [{}])[-1]
        raise JournalError('journal %s is in use by another run (pid %s on %s, started %s): nothing was done, so '
                           'that nobody is acted on twice. Wait for that run to end, or give this one another '
                           'journal.' % (path, holder.get('pid', '?'), holder.get('host', '?'), holder.get('time', '?')))


def _read_all(fd):
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
    return b''.join(chunks).decode('utf-8', errors='replace')
