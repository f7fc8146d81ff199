# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the fuzz tests share: hypothesis settings, the per-target tally, and strategies.

Every fuzz test counts what it tried in a ``Tally`` (the ``tally`` fixture of conftest.py):
accepted, refused with the documented error, wrongly accepted (an oracle said no), and crashes
(any other exception). With ``OKTA_FUZZ_REPORT=path`` each test appends its figures to ``path``
as one JSON line, and the run ends with the table that docs/reliability.md shows.

``OKTA_FUZZ_SCALE`` multiplies every test's number of examples (CI runs scale 1).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import contextlib
import email.utils
import json
import os
import threading
import time

try:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
except ImportError:  # pragma: no cover - Python 2 is not supported
    BaseHTTPRequestHandler = ThreadingHTTPServer = object

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from ansible_collections.identity.okta.plugins.module_utils.okta_module import OktaModule

REPORT_VARIABLE = 'OKTA_FUZZ_REPORT'
SCALE_VARIABLE = 'OKTA_FUZZ_SCALE'


def fuzz_settings(examples):
    """Reproducible (derandomized, no example database written into the tree), no deadline."""
    try:
        scale = float(os.environ.get(SCALE_VARIABLE) or 1)
    except ValueError:
        scale = 1.0
    return settings(max_examples=max(1, int(examples * scale)), deadline=None, derandomize=True, database=None,
                    print_blob=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large, HealthCheck.filter_too_much])


class Failed(Exception):
    """What ``fail_json`` of FakeModule raises."""

    def __init__(self, msg, **result):
        super(Failed, self).__init__(msg)
        self.msg = msg
        self.result = result


class FakeModule:
    """Stands in for the AnsibleModule that OktaModule's input checks run on: ``fail_json`` raises Failed.

    The checks are OktaModule's own methods, unchanged; only Ansible's argument parsing is left out."""

    validate_id_list = OktaModule.validate_id_list
    single_or_list = OktaModule.single_or_list
    _compile_query = OktaModule._compile_query
    apply_query = OktaModule.apply_query

    def __init__(self, params=None):
        self.params = params or {}
        self.retries = 0

    def fail_json(self, msg, **result):
        raise Failed(msg, **result)


class Trial:
    def __init__(self, tally):
        self.tally = tally
        self.outcome = None

    def accepted(self):
        self.outcome = 'accepted'

    def refused(self):
        self.outcome = 'refused'

    def known_bug(self, bug):
        """A crash or wrong acceptance that a strict xfail test already pins (in code this suite may not fix)."""
        self.outcome = 'known'
        self.tally.known_bugs[bug] += 1


class Tally:
    """Figures of one fuzz target."""

    def __init__(self, target):
        self.target = target
        self.tried = 0
        self.accepted = 0
        self.refused = 0
        self.wrongly_accepted = 0
        self.crashes = 0
        self.known_bugs = collections.Counter()
        self.started = time.time()

    @contextlib.contextmanager
    def trial(self):
        """Count one input; an AssertionError counts as wrongly accepted, any other exception as a crash."""
        self.tried += 1
        trial = Trial(self)
        try:
            yield trial
        except AssertionError:
            self.wrongly_accepted += 1
            raise
        except Exception:
            self.crashes += 1
            raise
        if trial.outcome == 'accepted':
            self.accepted += 1
        elif trial.outcome == 'refused':
            self.refused += 1

    def figures(self):
        return {'target': self.target, 'tried': self.tried, 'accepted': self.accepted, 'refused': self.refused,
                'wrongly_accepted': self.wrongly_accepted, 'crashes': self.crashes,
                'known_bugs': dict(self.known_bugs), 'seconds': round(time.time() - self.started, 2)}

    def write(self, path, test, outcome):
        figures = self.figures()
        figures.update(test=test, outcome=outcome)
        with open(path, 'a') as handle:
            handle.write(json.dumps(figures, sort_keys=True) + '\n')


def read_report(path):
    """The figures of a report, summed per target, in the order the targets first appear."""
    rows = collections.OrderedDict()
    with open(path) as handle:
        for line in handle:
            if not line.strip():
                continue
            figures = json.loads(line)
            row = rows.setdefault(figures['target'], dict(tried=0, wrongly_accepted=0, crashes=0, known_bugs=0,
                                                          seconds=0.0, outcomes=set()))
            row['tried'] += figures['tried']
            row['wrongly_accepted'] += figures['wrongly_accepted']
            row['crashes'] += figures['crashes']
            row['known_bugs'] += sum(figures['known_bugs'].values())
            row['seconds'] += figures['seconds']
            row['outcomes'].add(figures['outcome'])
    return rows


def report_table(path):
    lines = ['| target | inputs tried | wrongly accepted | crashes | known bugs hit (strict xfail) | seconds |',
             '|---|---|---|---|---|---|']
    for target, row in read_report(path).items():
        figures = (target, row['tried'], row['wrongly_accepted'], row['crashes'], row['known_bugs'], row['seconds'])
        lines.append('| %s | %d | %d | %d | %d | %.1f |' % figures)
    return '\n'.join(lines)


# -- strategies ------------------------------------------------------------------------------------

# Pieces attackers and typos put in identifiers, URLs and times.
HOSTILE = ['/', '..', '.', '\\', '%2F', '%2e%2e', '%', '?', '#', '@', ':', ';', ' ', '\t', '\n', '\r', '\x00',
           '\x7f', '\u0085', '\u00a0', '\u2028', '\u200b', '\u202e', '\ufeff', '\ud800', '\udfff', '\U0001F600',
           '\u00e9', '\u4e2d', 'A' * 300, '"', "'", '<', '>', '*', '[', ']', '{', '}', '&', '=', '+', ',', '~']

TEXT = st.text(max_size=40)
ANY_TEXT = st.one_of(TEXT, st.lists(st.one_of(st.sampled_from(HOSTILE), TEXT), max_size=6).map(''.join))

JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10 ** 30), max_value=10 ** 30),
                         st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20))
JSON_VALUES = st.recursive(JSON_SCALARS, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)), max_leaves=12)


# -- a real HTTP server that answers what a test scripts -------------------------------------------

class Answer:
    """One HTTP answer, written byte for byte. Header values may be ('reset', seconds) or ('date', seconds):
    rendered at answer time from the server's clock, as Okta's X-Rate-Limit-Reset and Date would be."""

    def __init__(self, status=200, headers=(), body=b'[]', truncate=False):
        self.status = status
        self.headers = list(headers)
        self.body = body
        self.truncate = truncate

    def render(self, now, places=()):
        lines = ['HTTP/1.1 %d Fuzz' % self.status]
        for name, value in self.headers:
            if isinstance(value, tuple) and value[0] == 'reset':
                value = str(int(now + value[1]))
            elif isinstance(value, tuple) and value[0] == 'date':
                value = email.utils.formatdate(now + value[1], usegmt=True)
            for place, actual in places:  # @OKTA@, @OTHER@...: the servers' addresses, known only when they run
                value = value.replace(place, actual)
            lines.append('%s: %s' % (name, value))
        # A truncated answer promises more than it sends, then the connection closes: a body cut short.
        lines.append('Content-Length: %d' % (len(self.body) + (7 if self.truncate else 0)))
        lines.append('Connection: close')
        return ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1') + self.body

    def __repr__(self):
        return 'Answer(%r, %r, %r%s)' % (self.status, self.headers, self.body[:200], ', truncate=True' if self.truncate else '')


class ScriptedServer:
    """A real HTTP server on 127.0.0.1 that answers each request with the next scripted Answer (then with
    ``200 []``), and records what it was sent."""

    def __init__(self):
        self.answers = collections.deque()
        self.seen = []
        self.clock = time.time
        self.places = ()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args):
                pass

            def answer(self):
                length = int(self.headers.get('Content-Length') or 0)
                if length:
                    self.rfile.read(length)
                server.seen.append((self.command, self.path, dict(self.headers)))
                answer = server.answers.popleft() if server.answers else Answer()
                self.wfile.write(answer.render(server.clock(), server.places))
                self.wfile.flush()
                self.close_connection = True

            do_GET = do_POST = do_DELETE = do_PUT = answer

        self.httpd = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base_url = 'http://127.0.0.1:%d' % self.port
        self.thread = threading.Thread(target=self.httpd.serve_forever, name='fuzz-http-%d' % self.port)
        self.thread.daemon = True
        self.thread.start()

    def script(self, answers, clock=time.time, places=()):
        self.answers = collections.deque(answers)
        self.seen = []
        self.clock = clock
        self.places = places

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class AbsurdWait(Exception):
    """The client asked to sleep longer than any documented bound allows."""


class FakeTime:
    """A clock that moves only when the client sleeps, so waits are recorded, bounded and take no time.

    ``per_exchange`` bounds the total sleep by the number of HTTP exchanges the server has seen: one
    call may wait out a rate-limit window (or Okta's ten-minute patience) before or after each exchange,
    no more."""

    def __init__(self, server, per_exchange, single):
        self.server = server
        self.current = time.time()
        self.per_exchange = per_exchange
        self.single = single
        self.slept = []

    def now(self):
        return self.current

    def sleep(self, seconds):
        if seconds < 0:
            raise ValueError('sleep length must be non-negative')  # what time.sleep says
        self.slept.append(seconds)
        self.current += seconds
        if seconds > self.single:
            raise AbsurdWait('asked to sleep %.1f s at once (at most %.1f)' % (seconds, self.single))
        allowed = (len(self.server.seen) + 1) * self.per_exchange
        if sum(self.slept) > allowed:
            raise AbsurdWait('slept %.1f s in all over %d exchanges (at most %.1f)'
                             % (sum(self.slept), len(self.server.seen), allowed))
