# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The simulator's test-only API, for rulebook_e2e.py."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import urllib.request

ORG_URL = os.environ['OKTA_ORG_URL']


def sim(path, body=None):
    """GET ``path``, or POST ``body`` as JSON to it, on the simulator; the answer's JSON (None if empty)."""
    data = json.dumps(body).encode('utf-8') if body is not None else None
    request = urllib.request.Request(ORG_URL + path, data=data, method='POST' if data is not None else 'GET',
                                     headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=30) as response:
        raw = response.read()
    return json.loads(raw) if raw else None
