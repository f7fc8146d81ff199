# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every module's options in one place: the connection (documented in the identity.okta.connection fragment),
the bulk run (identity.okta.bulk), the users of a run (identity.okta.users) and the OAuth tokens' apps; and the
event sources' connection options, derived from the same spec in the dialect of okta_args."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.identity.okta.plugins.module_utils.okta_client import MAX_RETRIES, MAX_TIMEOUT_SECONDS
from ansible_collections.identity.okta.plugins.module_utils.okta_config import AUTHORIZATION_MODES

# Documented once, in the identity.okta.connection doc fragment.
CONNECTION_ARGUMENT_SPEC = dict(
    org_url=dict(type='str'),
    api_token=dict(type='str', no_log=True),
    access_token=dict(type='str', no_log=True),
    authorization_mode=dict(type='str', choices=list(AUTHORIZATION_MODES)),
    client_id=dict(type='str'),
    private_key=dict(type='str', no_log=True),
    key_id=dict(type='str'),
    scopes=dict(type='list', elements='str'),
    validate_certs=dict(type='bool', default=True),
    ca_path=dict(type='path'),
    timeout=dict(type='float', default=30),
    max_retries=dict(type='int', default=4),
)

# For modules that act on many items at once; documented in the identity.okta.bulk fragment.
BULK_ARGUMENT_SPEC = dict(
    concurrency=dict(type='int', default=8),
    max_api_share=dict(type='float', default=0.8),
    journal=dict(type='path'),
)

# Options that change how a run goes, not what it does: an interrupted run may be resumed with others.
NOT_THE_WORK = frozenset(CONNECTION_ARGUMENT_SPEC) | frozenset(BULK_ARGUMENT_SPEC) | frozenset(
    ('verify', 'verify_timeout', 'fail_on_not_found', 'max_targets'))

# What a task returns of its per-user entries: all of them, those that did not succeed, or none (counts only).
RESULTS_MODES = ('all', 'failures', 'none')

USERS_ARGUMENT_SPEC = dict(
    # No default: a default would satisfy each module's required_one_of (users, groups) by itself.
    users=dict(type='list', elements='str'),
    groups=dict(type='list', elements='str'),
    fail_on_not_found=dict(type='bool', default=False),
    protected_users=dict(type='list', elements='str', default=[]),
    protected_groups=dict(type='list', elements='str', default=[]),
    max_targets=dict(type='int', default=1000),
    results=dict(type='str', default='all', choices=list(RESULTS_MODES)),
)

TOKENS_ARGUMENT_SPEC = dict(USERS_ARGUMENT_SPEC, clients=dict(type='list', elements='str', default=[]))


# The connection options' bounds, which AnsibleModule cannot say and OktaClient checks; an event source checks them
# with its arguments (okta_args).
CONNECTION_BOUNDS = dict(timeout=dict(above=0, maximum=MAX_TIMEOUT_SECONDS), max_retries=dict(minimum=0, maximum=MAX_RETRIES))


def source_connection_spec(scopes):
    """The connection options of an event source (okta_args' spec dialect), from CONNECTION_ARGUMENT_SPEC: the same
    names, types, defaults and choices, secrets as ``secret``, the bounds of CONNECTION_BOUNDS, ``scopes`` by
    default the source's own."""
    spec = {}
    for name, rules in CONNECTION_ARGUMENT_SPEC.items():
        option = dict((key, rules[key]) for key in ('type', 'default', 'choices') if key in rules)
        if rules.get('no_log'):
            option['secret'] = True
        option.update(CONNECTION_BOUNDS.get(name, {}))
        spec[name] = option
    spec['scopes']['default'] = list(scopes)
    spec['timeout']['default'] = float(spec['timeout']['default'])
    return spec
