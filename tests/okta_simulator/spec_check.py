# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Checks every exchange the simulator serves against Okta's official OpenAPI spec.

Enabled with ``--check-spec``: each request our client sends and each answer the
simulator gives is validated with openapi-core against Okta's current spec, release
2026.06.3 (spec/management-minimal.yaml.gz); ``POST /api/v1/sessions``, which Okta removed
from its public spec, against release 2025.08.0 (spec/okta-sessions-trimmed.yaml); and
``POST /oauth2/v1/global-token-revocation``, which is not in the management spec, against
Okta's OAuth spec of the same release 2026.06.3 (spec/oauth-minimal.yaml.gz).
Mismatches are counted in the state (``specViolations``) so that integration tests fail
on them.

openapi-core validates a whole document before it uses it, and refuses Okta's full
2026.06.3 file for reasons far from the endpoints checked here (spec/README.md lists
them). So the checker takes from the file the operations the simulator serves with every
component they reference, transitively, and openapi-core validates that document in
full. Parsing the 3.4 MB file takes seconds: the extract is made once per process and
kept on disk (a JSON file in the temporary directory, named by the spec's digest).

Okta sends some fields as null where its spec says they cannot be (the spec's own System
Log example does; okta-sdk-python's recorded sessions do). Those, and only when null, are
counted as ``specToleratedNulls`` instead of violations: see TOLERATED_NULLS.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import gzip
import hashlib
import json
import os
import tempfile
import threading

import yaml
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

SPEC_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'spec')
CURRENT_SPEC = os.path.join(SPEC_DIR, 'management-minimal.yaml.gz')    # 2026.06.3, one place patched, gzip
LEGACY_SPEC = os.path.join(SPEC_DIR, 'okta-sessions-trimmed.yaml')     # 2025.08.0, trimmed
OAUTH_SPEC = os.path.join(SPEC_DIR, 'oauth-minimal.yaml.gz')           # 2026.06.3 OAuth APIs, as published, gzip
SPEC_PATH = LEGACY_SPEC  # the name tests used before issue 11

# The operations the simulator serves, as the spec names their paths.
CURRENT_OPERATIONS = {
    '/api/v1/sessions/{sessionId}': ('get', 'delete'),
    '/api/v1/sessions/{sessionId}/lifecycle/refresh': ('post',),
    '/api/v1/users/{userId}/sessions': ('delete',),
    '/api/v1/users/{id}': ('get',),
    '/api/v1/users': ('get',),
    '/api/v1/groups': ('get',),
    '/api/v1/groups/{groupId}/users': ('get',),
    '/api/v1/logs': ('get',),
    '/api/v1/users/{userId}/clients': ('get',),
    '/api/v1/users/{userId}/clients/{clientId}/tokens': ('get', 'delete'),
    '/api/v1/users/{userId}/clients/{clientId}/tokens/{tokenId}': ('get', 'delete'),
    '/api/v1/users/{id}/lifecycle/suspend': ('post',),
    '/api/v1/users/{id}/lifecycle/unsuspend': ('post',),
    '/api/v1/users/{userId}/risk': ('get', 'put'),
    '/api/v1/users/{id}/lifecycle/expire_password': ('post',),
    '/api/v1/users/{id}/lifecycle/expire_password_with_temp_password': ('post',),
    '/api/v1/users/{id}/lifecycle/reset_factors': ('post',),
    '/api/v1/users/{id}/lifecycle/unlock': ('post',),
    '/api/v1/users/{userId}/factors': ('get',),
}
LEGACY_OPERATIONS = {'/api/v1/sessions': ('post',)}
OAUTH_OPERATIONS = {'/oauth2/v1/global-token-revocation': ('post',)}

# Response fields Okta sends as null although the spec types them as not nullable; '*' is any
# array index. Sources: the spec's own example ListLogs (components/examples) for the System
# Log; okta-sdk-python tests/integration/cassettes/test_sessions_it/*.yaml for sessions; the
# spec's example ListUserClients for an app's client_uri and logo_uri.
TOLERATED_NULLS = frozenset([
    'lastFactorVerification',
    '*.actor.detailEntry', '*.client.zone', '*.client.id',
    '*.authenticationContext.authenticationProvider', '*.authenticationContext.credentialProvider',
    '*.authenticationContext.credentialType', '*.authenticationContext.issuer',
    '*.authenticationContext.interface', '*.outcome.reason', '*.request.ipChain.*.source',
    '*.target.*.detailEntry', '*.transaction.detail',
    '*.client_uri', '*.logo_uri',
])

_cache_lock = threading.Lock()
_documents = {}


def _load_yaml(path):
    loader = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)
    with (gzip.open if path.endswith('.gz') else open)(path, 'rb') as handle:
        return yaml.load(handle, Loader=loader)  # nosec - a safe loader


def _references(node, found):
    if isinstance(node, dict):
        ref = node.get('$ref')
        if isinstance(ref, str) and ref.startswith('#/'):
            found.add(ref)
        for value in node.values():
            _references(value, found)
    elif isinstance(node, list):
        for value in node:
            _references(value, found)


def extract(document, operations):
    """The part of ``document`` that ``operations`` ({path: methods}) need: those operations,
    their path-level parameters, every component they reference (transitively), the
    security schemes, and the document's header."""
    paths = {}
    for path, methods in operations.items():
        item = document['paths'][path]
        paths[path] = dict((key, value) for key, value in item.items()
                           if key in methods or key in ('parameters', 'summary', 'description'))
    components = {'securitySchemes': document['components'].get('securitySchemes', {})}
    pending, seen = set(), set()
    _references(paths, pending)
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        parts = [part.replace('~1', '/').replace('~0', '~') for part in ref[2:].split('/')]
        node = document
        for part in parts:
            node = node[part]
        target = components
        for part in parts[1:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = node
        _references(node, pending)
    header = dict((key, value) for key, value in document.items()
                  if key in ('openapi', 'info', 'security', 'servers'))
    return dict(header, paths=paths, components=components)


def load_extract(spec_path, operations):
    """The extract of ``spec_path`` for ``operations``, from memory, the disk cache, or made now."""
    with open(spec_path, 'rb') as handle:
        digest = hashlib.sha256(handle.read() + json.dumps(operations, sort_keys=True).encode('utf-8')).hexdigest()[:24]
    with _cache_lock:
        if digest in _documents:
            return json.loads(_documents[digest])
        cache = os.path.join(tempfile.gettempdir(), 'okta-simulator-spec-%s.json' % digest)
        text = None
        try:
            with open(cache) as handle:
                text = handle.read()
            json.loads(text)
        except (OSError, ValueError):
            text = json.dumps(extract(_load_yaml(spec_path), operations))
            temporary = '%s.%d.tmp' % (cache, os.getpid())
            try:
                with open(temporary, 'w') as handle:
                    handle.write(text)
                os.replace(temporary, cache)
            except OSError:
                pass  # no cache: the next process parses the file again
        _documents[digest] = text
        return json.loads(text)


def spec_documents():
    """(current, legacy, oauth): the 2026.06.3 management, 2025.08.0 and 2026.06.3 OAuth documents the
    checker validates against."""
    return (load_extract(CURRENT_SPEC, CURRENT_OPERATIONS), load_extract(LEGACY_SPEC, LEGACY_OPERATIONS),
            load_extract(OAUTH_SPEC, OAUTH_OPERATIONS))


def find_operation(document, method, raw_path):
    """(path template, operation) of ``document`` for a request, or None."""
    segments = raw_path.split('/')
    for template, item in document['paths'].items():
        pattern = template.split('/')
        if len(pattern) == len(segments) and all(p.startswith('{') or p == s for p, s in zip(pattern, segments)):
            if method.lower() in item:
                return template, item[method.lower()]
    return None


def declares_no_body(document, response):
    """Whether the spec gives an answer ``content: {}``: no media type, so nothing to check the body
    against. Okta writes that for bodies it does send: suspendUser's 200 is ``content: {}`` while Okta
    answers ``{}`` (okta-sdk-python's cassette test_comprehensive_user_lifecycle)."""
    ref = response.get('$ref') if isinstance(response, dict) else None
    if ref:
        response = document
        for part in ref[2:].split('/'):
            response = response[part]
    return isinstance(response, dict) and response.get('content') == {}


def field_path(schema_error):
    return '.'.join('*' if isinstance(part, int) else str(part) for part in schema_error.absolute_path)


def tolerated(schema_error):
    """Whether one schema error is a null that Okta is known to send there."""
    return schema_error.instance is None and field_path(schema_error) in TOLERATED_NULLS


class SpecChecker:
    def __init__(self, base_url):
        self.specs = []
        for document in spec_documents():
            document = dict(document, servers=[{'url': base_url}])
            self.specs.append((document, OpenAPI.from_dict(document)))
        self.base_url = base_url
        self.lock = threading.Lock()
        self.checked = 0
        self.violations = []
        self.tolerated = {}

    def check(self, method, raw_path, query, headers, body, status, response_headers, payload):
        """Validate one exchange; statuses the spec does not list for the call (401, injected faults) are skipped."""
        for document, openapi in self.specs:
            found = find_operation(document, method, raw_path)
            if found is not None:
                break
        else:  # a call no extract has
            return
        operation = found[1]
        request = MockRequest(self.base_url, method.lower(), raw_path,
                              args=dict((k, v[-1]) for k, v in query.items()),
                              headers=dict(headers.items()), data=body or None,
                              content_type=headers.get('Content-Type', 'application/json').split(';')[0])
        problems = [str(error) for error in openapi.iter_request_errors(request)]
        nulls = []
        if str(status) in operation['responses'] and status != 204 and not declares_no_body(
                document, operation['responses'][str(status)]):
            response = MockResponse(payload or b'', status_code=status, headers=dict(response_headers),
                                    content_type='application/json')
            for error in openapi.iter_response_errors(request, response):
                schema_errors = list(getattr(error.__cause__, 'schema_errors', None) or [])
                if schema_errors and all(tolerated(e) for e in schema_errors):
                    nulls.extend(sorted(set(field_path(e) for e in schema_errors)))
                else:
                    problems.append(str(error))
        elif status == 204 and payload:
            problems.append('204 with a body')
        with self.lock:
            self.checked += 1
            for null in nulls:
                key = '%s %s: %s' % (method, found[0], null)
                self.tolerated[key] = self.tolerated.get(key, 0) + 1
            for problem in problems:
                self.violations.append({'method': method, 'path': raw_path, 'status': status, 'problem': problem})
