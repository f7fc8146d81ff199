# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Checks every exchange the simulator serves against Okta's official OpenAPI spec.

Enabled with ``--check-spec``: each request our client sends and each answer the
simulator gives is validated with openapi-core; mismatches are counted in the
state (``specViolations``) so that integration tests fail on them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import threading

import yaml
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

SPEC_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'spec', 'okta-sessions-trimmed.yaml')


class SpecChecker:
    def __init__(self, base_url, spec_path=SPEC_PATH):
        with open(spec_path) as handle:
            document = yaml.safe_load(handle)
        document['servers'] = [{'url': base_url}]
        self.document = document
        self.openapi = OpenAPI.from_dict(document)
        self.lock = threading.Lock()
        self.checked = 0
        self.violations = []

    def check(self, method, raw_path, query, headers, body, status, response_headers, payload):
        """Validate one exchange; statuses the spec does not list for the call (401, injected faults) are skipped."""
        operation = self._operation(method, raw_path)
        if operation is None:  # not a Management API call (the OAuth token endpoint has its own spec)
            return
        request = MockRequest(self.document['servers'][0]['url'], method.lower(), raw_path,
                              args=dict((k, v[-1]) for k, v in query.items()),
                              headers=dict(headers.items()), data=body or None,
                              content_type=headers.get('Content-Type', 'application/json').split(';')[0])
        problems = [str(error) for error in self.openapi.iter_request_errors(request)]
        if str(status) in operation['responses'] and status != 204:
            response = MockResponse(payload or b'', status_code=status, headers=dict(response_headers),
                                    content_type='application/json')
            problems += [str(error) for error in self.openapi.iter_response_errors(request, response)]
        elif status == 204 and payload:
            problems.append('204 with a body')
        with self.lock:
            self.checked += 1
            for problem in problems:
                self.violations.append({'method': method, 'path': raw_path, 'status': status, 'problem': problem})

    def _operation(self, method, raw_path):
        segments = raw_path.split('/')
        for template, item in self.document['paths'].items():
            pattern = template.split('/')
            if len(pattern) == len(segments) and all(p.startswith('{') or p == s for p, s in zip(pattern, segments)):
                if method.lower() in item:
                    return item[method.lower()]
        return None
