# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Faults that Okta (or what stands in front of it) shows now and then: latency, 5xx, 429,
redirects, dropped or truncated answers; at random, or armed one by one through
``POST /_simulator/faults``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import random
import threading
import time

from .answers import RATE_LIMITED, okta_error

# Faults that let the call take effect and spoil only the answer.
APPLIED_FAULTS = ('slow', 'truncated')


class Faults:
    """Random faults at ``rate``, and faults armed one by one by tests."""

    def __init__(self, rate=0.0, kinds=('503',), seed=0):
        self.rate = rate
        self.kinds = list(kinds)
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.armed = []
        self.injected = 0

    def arm(self, kind, method=None, path_prefix='', count=1, after_apply=False):
        with self.lock:
            self.armed.append({'kind': kind, 'method': method, 'path_prefix': path_prefix,
                               'count': count, 'after_apply': after_apply})

    def pick(self, method, path):
        """The fault for this request as (kind, after_apply), or None."""
        with self.lock:
            for fault in self.armed:
                if (fault['method'] in (None, method)) and path.startswith(fault['path_prefix']):
                    fault['count'] -= 1
                    if fault['count'] <= 0:
                        self.armed.remove(fault)
                    self.injected += 1
                    return fault['kind'], fault['after_apply']
            if self.rate and self.random.random() < self.rate:
                self.injected += 1
                return self.random.choice(self.kinds), False
        return None


def stops_the_call(fault):
    """Whether ``fault`` answers instead of the call (the call does not take effect)."""
    return bool(fault) and not fault[1] and fault[0] not in APPLIED_FAULTS


def send_fault(handler, kind, rate_headers):
    """Answer (or drop the connection) as the fault ``kind`` does."""
    if kind in ('drop', 'truncated'):
        return handler.drop()
    if kind == 'redirect':
        return handler.send(302, headers={'Location': handler.simulator.redirect_location + handler.path})
    if kind == '429':
        return handler.send(429, okta_error('E0000047', RATE_LIMITED), dict(rate_headers, **{'X-Rate-Limit-Remaining': '0'}))
    if kind == '502':  # what a proxy in front of Okta sends
        return handler.send(502, raw=b'<html><body><h1>502 Bad Gateway</h1></body></html>', content_type='text/html')
    if kind == '504':
        return handler.send(504)
    return handler.send(int(kind), okta_error('E0000009', 'Internal Server Error'))


def send_spoiled(handler, fault, status, payload, headers):
    """Answer a call that took effect, spoiled by ``fault`` (or not, without one)."""
    if fault and fault[0] == 'slow':  # applied, but the answer comes too late
        time.sleep(handler.simulator.slow_seconds)
    elif fault and fault[0] == 'truncated' and payload is not None:
        whole = json.dumps(payload).encode('utf-8')
        return handler.send(status, raw=whole[:len(whole) // 2], headers=headers)
    elif fault:
        return send_fault(handler, fault[0], headers)
    return handler.send(status, payload, headers)
