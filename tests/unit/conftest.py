# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests talk to a real Okta simulator over HTTP on 127.0.0.1, started per test."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import signal

import pytest
import requests

from ansible_collections.identity.okta.tests.okta_simulator import Simulator

API_TOKEN = 'unit-test-api-token-3f9a7c21d4e8b6'


# Okta's production limits, its minute run as one second: real buckets, shares and caps, at test speed.
# A test that sets the old flat limits (rate_limit, ...) gets the "kind" profile they belong to.
KIND_OPTIONS = ('rate_limit', 'endpoint_rate_limits', 'rate_window_seconds')


class RunningSimulator:
    def __init__(self, **options):
        options.setdefault('api_tokens', [API_TOKEN])
        if not any(option in options for option in KIND_OPTIONS):
            options.setdefault('profile', 'production')
            options.setdefault('time_scale', 60)
        self.sim = Simulator(**options).start()
        self.base_url = self.sim.base_url
        self.api_token = API_TOKEN

    def admin(self, method, action, body=None):
        response = requests.request(method, '%s/_simulator/%s' % (self.base_url, action),
                                    data=json.dumps(body) if body is not None else None, timeout=10)
        response.raise_for_status()
        return response.json() if response.content else None

    def state(self):
        return self.admin('GET', 'state')

    def requests_log(self):
        return self.admin('GET', 'requests')

    def arm_fault(self, kind, method=None, path_prefix='', count=1, after_apply=False):
        self.admin('POST', 'faults', {'kind': kind, 'method': method, 'pathPrefix': path_prefix,
                                      'count': count, 'afterApply': after_apply})

    def stop(self):
        self.sim.stop()


@pytest.fixture(autouse=True)
def signal_handlers():
    """A module run in this process takes SIGINT and SIGTERM: give them back after each test."""
    saved = dict((signum, signal.getsignal(signum)) for signum in (signal.SIGINT, signal.SIGTERM))
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


@pytest.fixture
def okta_sim():
    """A factory: okta_sim(users=3, ...) starts a simulator that is stopped after the test."""
    started = []

    def start(**options):
        started.append(RunningSimulator(**options))
        return started[-1]

    yield start
    for running in started:
        running.stop()
