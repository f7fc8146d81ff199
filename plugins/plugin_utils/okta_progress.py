# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Live progress of the bulk modules, on the controller.

A module's output reaches the console only when it ends, and a sign-out of 1,000 users
within Okta's rate limits takes minutes. The bulk modules write their plan and a progress
record at least every 5 seconds into their journal (module_utils/okta_journal); the
action plugins of those modules run the module as usual and, when it runs on this
machine (``connection: local``, ``localhost`` or ``delegate_to: localhost``), read the
journal as it grows and print each record through Ansible's display. Without a
``journal`` option a temporary one is used and removed afterwards. On another host the
module runs as before, without live lines; ``OKTA_PROGRESS=off`` turns them off.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json
import os
import shutil
import tempfile
import threading

from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

display = Display()
POLL_SECONDS = 0.5


def describe(record):
    """One line for a plan, progress or stopped record of the journal."""
    event = record.get('event')
    if event == 'plan':
        line = 'plan: %s targets, %s to act on' % (record.get('targets'), record.get('to_act_on'))
        for key in ('not_found', 'protected', 'duplicates'):
            if record.get(key):
                line += ', %s %s' % (record[key], key.replace('_', ' '))
        calls = record.get('calls') or {}
        if calls:
            line += '; calls: %s' % ', '.join('%s in the %s bucket' % (n, b) for b, n in sorted(calls.items()))
        if record.get('bucket_limit'):
            line += '; Okta allows this token %s per minute there, %d%% of it used' % (
                record['bucket_limit'], round(100 * (record.get('max_api_share') or 1)))
        if record.get('estimated_seconds') is not None:
            line += '; estimated %s' % _duration(record['estimated_seconds'])
        return line
    if event in ('stopped', 'end') and record.get('done') is None:
        return 'stopped: %s' % record['reason'] if event == 'stopped' and record.get('reason') else None
    if event == 'progress':
        done, total = record.get('done'), record.get('total')
        line = '%s/%s done' % (done, total) if total else '%s done' % done
        counts = record.get('counts') or {}
        if counts:
            line += ' (%s)' % ', '.join('%s %s' % (n, r.replace('_', ' ')) for r, n in sorted(counts.items()))
        if record.get('items_per_s') is not None:
            line += ', %s/s' % record['items_per_s']
        waiting = record.get('waiting')
        if waiting:
            line += ', waiting %ss for the %s rate limit' % (waiting.get('seconds'), waiting.get('bucket'))
        if record.get('eta_s') is not None:
            line += ', ETA %s' % _duration(record['eta_s'])
        if record.get('stopping'):
            line += '; stopping: %s' % _short(record['stopping'])
        return line
    return None


def _short(text, length=120):
    text = ' '.join(str(text).split())
    return text if len(text) <= length else text[:length - 3] + '...'


def _duration(seconds):
    return str(datetime.timedelta(seconds=int(round(seconds or 0))))


class JournalFollower(threading.Thread):
    """Prints the plan and progress records appended to a journal while a module runs."""

    def __init__(self, path, prefix):
        super(JournalFollower, self).__init__(name='okta-journal-follower')
        self.daemon = True
        self.path = path
        self.prefix = prefix
        self._done = threading.Event()
        self._offset = os.path.getsize(path) if os.path.exists(path) else 0
        self.shown = 0

    def run(self):
        while not self._done.wait(POLL_SECONDS):
            self._read()
        self._read()

    def stop(self):
        self._done.set()
        self.join(5)

    def _read(self):
        try:
            with open(self.path, encoding='utf-8', errors='replace') as handle:
                handle.seek(self._offset)
                for line in handle:
                    if not line.endswith('\n'):
                        break  # being written: read it next time
                    self._offset += len(line.encode('utf-8'))
                    self._show(line)
        except (IOError, OSError):
            return

    def _show(self, line):
        try:
            record = json.loads(line)
        except ValueError:
            return
        text = describe(record) if isinstance(record, dict) else None
        if text:
            self.shown += 1
            display.display('%s: %s' % (self.prefix, text))


class OktaBulkAction(ActionBase):
    """Runs a bulk module; shows its plan and progress live when it runs on the controller."""

    TRANSFERS_FILES = False
    _supports_async = True  # an async task runs the module as Ansible's async wrapper does, without live lines

    def run(self, tmp=None, task_vars=None):
        result = super(OktaBulkAction, self).run(tmp, task_vars)
        args = dict(self._task.args)
        follower = temporary = None
        # OKTA_PROGRESS=off on the controller turns the live lines off (and the temporary journal they need).
        live = os.environ.get('OKTA_PROGRESS', 'on').lower() not in ('off', '0', 'false', 'no')
        if live and self._connection.transport == 'local' and not self._task.async_val:
            if args.get('journal'):
                args['journal'] = os.path.abspath(os.path.expanduser(args['journal']))
                path = args['journal']
            else:
                temporary = tempfile.mkdtemp(prefix='okta-progress-')
                path = args['journal'] = os.path.join(temporary, 'journal.jsonl')
            prefix = '%s | %s' % (task_vars.get('inventory_hostname', 'localhost'), self._task.action.split('.')[-1])
            follower = JournalFollower(path, prefix)
            follower.start()
        wrap_async = self._task.async_val and not self._connection.has_native_async
        try:
            result.update(self._execute_module(module_name=self._task.action, module_args=args,
                                               task_vars=task_vars, wrap_async=wrap_async))
        finally:
            if follower is not None:
                follower.stop()
            if temporary is not None:
                # The journal was the display's, not the task's: it is gone, and so is what names it.
                shutil.rmtree(temporary, ignore_errors=True)
                result.get('invocation', {}).get('module_args', {}).pop('journal', None)
                result.pop('run_id', None)
                result.pop('journal_run', None)
            if not wrap_async:
                self._remove_tmp_path(self._connection._shell.tmpdir)
        if self._play_context.check_mode and isinstance(result.get('plan'), dict):
            prefix = '%s | %s' % (task_vars.get('inventory_hostname', 'localhost'), self._task.action.split('.')[-1])
            display.display('%s: %s' % (prefix, describe(dict(result['plan'], event='plan'))))
        return result
