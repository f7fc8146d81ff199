# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The options of both event sources: what DOCUMENTATION says agrees with what the code reads and checks
(ARG_SPEC), each source checks its arguments first (``_check_args``, on module_utils/okta_args) and refuses a
value it cannot use with a ValueError that names the option - before it connects to Okta or listens - and both
load as ansible-rulebook loads them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import datetime
import json
import logging
import os
import subprocess
import sys

import pytest
import yaml

from ansible_collections.identity.okta.extensions.eda.plugins.event_source import okta_event_hook
from ansible_collections.identity.okta.extensions.eda.plugins.event_source import okta_system_log
from ansible_collections.identity.okta.plugins.module_utils import okta_args

SOURCES = {'okta_system_log': okta_system_log, 'okta_event_hook': okta_event_hook}
SECRET = 'arg-test-secret-61d0c7'


class RecordingArgs(dict):
    """The rulebook's args, remembering every name the source looked up."""

    def __init__(self, *args, **kwargs):
        super(RecordingArgs, self).__init__(*args, **kwargs)
        self.read = set()

    def get(self, name, default=None):
        self.read.add(name)
        return super(RecordingArgs, self).get(name, default)

    def __getitem__(self, name):
        self.read.add(name)
        return super(RecordingArgs, self).__getitem__(name)

    def __contains__(self, name):
        self.read.add(name)
        return super(RecordingArgs, self).__contains__(name)


def documentation(name):
    return yaml.safe_load(SOURCES[name].DOCUMENTATION)


# -- DOCUMENTATION ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('name', sorted(SOURCES))
def test_documentation_lists_every_option_with_its_type_default_and_choices(name):
    """Every option of ARG_SPEC is documented and nothing else is; type, default, choices and required are those
    the code uses; every option has a description; EXAMPLES are rulebooks that use the source."""
    doc = documentation(name)
    spec = SOURCES[name].ARG_SPEC
    assert doc['short_description'] and doc['description'], name
    assert sorted(doc['options']) == sorted(spec)
    for option, rule in spec.items():
        documented = doc['options'][option]
        assert documented.get('description'), option
        assert documented.get('type') == rule['type'], (option, documented.get('type'), rule['type'])
        assert documented.get('default') == rule.get('default'), (option, documented.get('default'), rule.get('default'))
        assert documented.get('choices') == rule.get('choices'), option
        # An option that the environment can give is not required in the rulebook.
        assert bool(documented.get('required')) == bool(rule.get('required') and not rule.get('env')), option
        if rule['type'] == 'list':
            assert documented.get('elements') == 'str', option
    for example in yaml.safe_load(SOURCES[name].EXAMPLES):
        assert example['rules'] and any('identity.okta.' + name in source for source in example['sources']), example


@pytest.mark.parametrize('name', sorted(SOURCES))
def test_the_source_reads_only_documented_options(name):
    """What ``_check_args`` looks up in the rulebook's args - the only place that reads them - is exactly the
    documented options."""
    args = RecordingArgs({'authorization': SECRET} if name == 'okta_event_hook' else {})
    SOURCES[name]._check_args(args)
    assert sorted(args.read) == sorted(documentation(name)['options'])


@pytest.mark.parametrize('name', sorted(SOURCES))
def test_defaults_are_those_documented(name, monkeypatch):
    monkeypatch.delenv('OKTA_EVENT_HOOK_AUTHORIZATION', raising=False)
    given = {'authorization': SECRET} if name == 'okta_event_hook' else {}
    options = SOURCES[name]._check_args(given)
    for option, documented in documentation(name)['options'].items():
        if option == 'since':
            assert options['since'].endswith('Z'), options['since']   # now, as an Okta time
        elif option == 'server':
            assert options['server'] == ('aiohttp' if okta_event_hook.HAS_AIOHTTP else 'asyncio')   # auto, resolved
        elif option not in given:
            assert options[option] == documented.get('default'), option


# -- okta_system_log ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('args, expected', [
    ({'interval': '5'}, {'interval': 5.0}),
    ({'interval': 0.25, 'page_size': '10', 'max_retries': '0'}, {'interval': 0.25, 'page_size': 10, 'max_retries': 0}),
    ({'page_size': 1000.0, 'timeout': 3600, 'max_api_share': '1'}, {'page_size': 1000, 'timeout': 3600.0, 'max_api_share': 1.0}),
    ({'validate_certs': 'no'}, {'validate_certs': False}),
    ({'validate_certs': 'Yes'}, {'validate_certs': True}),
    ({'validate_certs': 0}, {'validate_certs': False}),
    ({'validate_certs': ''}, {'validate_certs': True}),
    ({'scopes': 'okta.logs.read, okta.users.read'}, {'scopes': ['okta.logs.read', 'okta.users.read']}),
    ({'scopes': ['okta.logs.read']}, {'scopes': ['okta.logs.read']}),
    ({'since': '2026-11-25T06:00:00+02:00'}, {'since': '2026-11-25T04:00:00.000Z'}),
    ({'since': datetime.datetime(2026, 11, 25, 6, 0)}, {'since': '2026-11-25T06:00:00.000Z'}),  # an unquoted YAML timestamp
    ({'filter': '', 'api_token': 12345}, {'filter': None, 'api_token': '12345'}),
    ({'authorization_mode': 'PrivateKey', 'interval': None}, {'authorization_mode': 'PrivateKey', 'interval': 15.0}),
])
def test_poller_arguments_are_typed(args, expected):
    options = okta_system_log._check_args(args)
    for name, value in expected.items():
        assert options[name] == value and type(options[name]) is type(value), (name, options[name])


@pytest.mark.parametrize('args, message', [
    ({'interval': 0}, 'interval must be above 0 and at most 3600, got 0'),
    ({'interval': -1}, 'interval must be above 0'),
    ({'interval': 3601}, 'interval must be above 0 and at most 3600, got 3601'),
    ({'interval': 'nan'}, "interval must be a number, got 'nan'"),
    ({'interval': float('nan')}, 'interval must be a finite number'),
    ({'interval': '1e999'}, 'interval must be a finite number'),
    ({'interval': 10 ** 400}, 'interval is too large a number'),
    ({'interval': '15s'}, "interval must be a number, got '15s'"),
    ({'interval': True}, 'interval must be a number, got a boolean'),
    ({'interval': [5]}, 'interval must be a number, got [5]'),
    ({'page_size': 0}, 'page_size must be from 1 to 1000, got 0'),
    ({'page_size': 5000}, 'page_size must be from 1 to 1000, got 5000'),
    ({'page_size': '2.5'}, "page_size must be a whole number, got '2.5'"),
    ({'page_size': '9' * 400}, 'page_size must be from 1 to 1000, got ' + '9' * 60 + '...'),
    ({'page_size': '9' * 5000}, 'page_size is too large a number'),
    ({'page_size': '\u0661\u0660'}, 'page_size must be a whole number'),   # digits, but not ASCII ones
    ({'max_api_share': 0}, 'max_api_share must be above 0 and at most 1, got 0'),
    ({'max_api_share': 1.5}, 'max_api_share must be above 0 and at most 1, got 1.5'),
    ({'timeout': 0}, 'timeout must be above 0 and at most 3600'),
    ({'max_retries': -1}, 'max_retries must be from 0 to 20, got -1'),
    ({'max_retries': 21}, 'max_retries must be from 0 to 20, got 21'),
    ({'validate_certs': 'maybe'}, "validate_certs must be true or false, got 'maybe'"),
    ({'validate_certs': 2}, 'validate_certs must be true or false, got 2'),
    ({'since': 'yesterday'}, 'since must be "now", a duration such as 6h'),
    ({'since': '2026-11-25T06:00:00'}, 'since must say its time zone'),
    ({'since': 7}, 'since must be "now"'),
    ({'filter': ['eventType eq "x"']}, 'filter must be text, got a list'),
    ({'scopes': [{'okta.logs.read': True}]}, 'scopes must be a list of text, got a list with a mapping in it'),
    ({'scopes': 5.5}, 'scopes must be a list of text, got a number'),
    ({'authorization_mode': 'ssws'}, "authorization_mode must be one of SSWS, Bearer, PrivateKey, got 'ssws'"),
    ({'org_url': {'url': 'https://example.okta.com'}}, 'org_url must be text, got a mapping'),
    ({'ca_path': True}, 'ca_path must be text, got a boolean'),
])
def test_poller_refuses_unusable_arguments(args, message):
    with pytest.raises(ValueError) as caught:
        okta_system_log._check_args(args)
    assert str(caught.value).startswith(message), str(caught.value)


@pytest.mark.parametrize('secret', ['api_token', 'access_token', 'private_key'])
def test_poller_errors_never_show_a_secret(secret):
    value = ['not-a-token-73b1', 'second-part-73b1']
    with pytest.raises(ValueError) as caught:
        okta_system_log._check_args({secret: value})
    assert str(caught.value) == '%s must be text' % secret


def test_poller_cursor_file_must_be_where_it_can_be_written(tmp_path):
    with pytest.raises(ValueError, match='cursor_file is in a directory that does not exist: %s' % (tmp_path / 'gone')):
        okta_system_log._check_args({'cursor_file': str(tmp_path / 'gone' / 'cursor.json')})
    with pytest.raises(ValueError, match='cursor_file is a directory, not a file'):
        okta_system_log._check_args({'cursor_file': str(tmp_path)})
    if os.geteuid() != 0:   # root may write anywhere
        locked = tmp_path / 'locked'
        locked.mkdir(mode=0o500)
        with pytest.raises(ValueError, match='cursor_file is in a directory the poller may not write to'):
            okta_system_log._check_args({'cursor_file': str(locked / 'cursor.json')})
    home = os.path.expanduser('~')
    if os.path.isdir(home) and os.access(home, os.W_OK | os.X_OK):
        assert okta_system_log._check_args({'cursor_file': '~/okta.cursor.json'})['cursor_file'] == \
            os.path.join(home, 'okta.cursor.json')


def test_poller_checks_its_arguments_before_it_calls_okta(okta_sim):
    """main() refuses a bad value first: not a single call reaches Okta."""
    sim = okta_sim(users=1)
    args = {'org_url': sim.base_url, 'api_token': sim.api_token, 'page_size': 5000}
    with pytest.raises(ValueError, match='page_size'):
        asyncio.run(okta_system_log.main(asyncio.Queue(), args))
    assert sim.admin('GET', 'state?summary=1')['requestCounts'] == {}


def test_poller_connection_settings_are_resolved_by_the_client(monkeypatch, tmp_path):
    """Where org_url and the credential come from, and whether they fit together, is the shared client's to
    say (as for the modules): an OktaConfigError, a ValueError that names the setting."""
    for name in ('OKTA_CLIENT_ORGURL', 'OKTA_ORG_URL', 'OKTA_CLIENT_TOKEN', 'OKTA_API_TOKEN', 'OKTA_ACCESS_TOKEN',
                 'OKTA_CLIENT_CLIENTID', 'OKTA_CLIENT_PRIVATEKEY', 'OKTA_CLIENT_AUTHORIZATIONMODE'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('HOME', str(tmp_path))   # no ~/.okta/okta.yaml
    for args, message in (({'org_url': 'http://example.com', 'api_token': 'x'}, 'https'),
                          ({'org_url': 'https://example.okta.com'}, 'No Okta credential'),
                          ({'org_url': 'https://example.okta.com', 'api_token': 'x', 'access_token': 'y'},
                           'Several credentials')):
        with pytest.raises(ValueError, match=message):
            asyncio.run(okta_system_log.main(asyncio.Queue(), args))


# -- okta_event_hook ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('args, message', [
    ({'port': '80x'}, "port must be a whole number, got '80x'"),
    ({'port': 0}, 'port must be from 1 to 65535, got 0'),
    ({'port': 65536}, 'port must be from 1 to 65535, got 65536'),
    ({'port': True}, 'port must be a whole number, got a boolean'),
    ({'max_body_size': 0}, 'max_body_size must be at least 1, got 0'),
    ({'max_body_size': '10M'}, "max_body_size must be a whole number, got '10M'"),
    ({'server': 'tornado'}, "server must be one of auto, aiohttp, asyncio, got 'tornado'"),
    ({'host': ['0.0.0.0']}, 'host must be text, got a list'),
    ({'keyfile': '/etc/eda/key.pem'}, 'keyfile needs certfile'),
    ({'authorization': ['a', 'b']}, 'authorization must be text'),
    ({'password': {'a': 1}, 'certfile': '/nonexistent.pem'}, 'password must be text'),
])
def test_hook_refuses_unusable_arguments(args, message):
    with pytest.raises(ValueError) as caught:
        okta_event_hook._check_args(dict({'authorization': SECRET}, **args))
    assert str(caught.value).startswith(message), str(caught.value)


def test_hook_arguments_are_typed(monkeypatch):
    monkeypatch.setenv('OKTA_EVENT_HOOK_AUTHORIZATION', SECRET)
    options = okta_event_hook._check_args({'port': '6000', 'max_body_size': 65536.0, 'server': 'aiohttp'})
    assert (options['port'], options['max_body_size'], options['server']) == (6000, 65536, 'aiohttp')
    assert options['authorization'] == SECRET and options['ssl_context'] is None
    assert okta_event_hook._check_args({'authorization': 123456})['authorization'] == '123456'  # YAML's number
    assert okta_event_hook._check_args({'authorization': 'given', 'host': ''})['authorization'] == 'given'


def test_hook_needs_a_secret(monkeypatch):
    monkeypatch.delenv('OKTA_EVENT_HOOK_AUTHORIZATION', raising=False)
    for args in ({}, {'authorization': ''}, {'authorization': None}, None):
        with pytest.raises(ValueError, match=r'^authorization is required \(or set OKTA_EVENT_HOOK_AUTHORIZATION\)$'):
            okta_event_hook._check_args(args)


def test_hook_needs_aiohttp(monkeypatch):
    monkeypatch.setattr(okta_event_hook, 'HAS_AIOHTTP', False)
    for server in ('auto', 'aiohttp', 'asyncio'):
        with pytest.raises(ValueError, match='the Okta Event Hook receiver needs aiohttp, which cannot be imported'):
            okta_event_hook._check_args({'authorization': SECRET, 'server': server})


def test_hook_server_asyncio_is_served_by_aiohttp_with_a_warning(caplog):
    """The small asyncio server of earlier versions is gone (issue 21); a rulebook that names it still loads."""
    caplog.set_level(logging.WARNING)
    assert okta_event_hook._check_args({'authorization': SECRET, 'server': 'asyncio'})['server'] == 'aiohttp'
    assert 'server: asyncio is no longer a server of its own; serving with aiohttp.' in caplog.messages


def test_hook_certificates_are_loaded_when_the_arguments_are_checked(tmp_path):
    """A certfile that is not there or not PEM, a key that does not match or a wrong password: a ValueError naming
    certfile (never the password), before the source listens."""
    from cryptography.hazmat.primitives import serialization
    from ansible_collections.identity.okta.tests.okta_simulator.tls import write_self_signed
    cert, key = write_self_signed(str(tmp_path))
    password = 'pem-pass-0c5e'
    with open(key, 'rb') as handle:
        loaded = serialization.load_pem_private_key(handle.read(), None)
    encrypted = str(tmp_path / 'encrypted.pem')
    with open(encrypted, 'wb') as handle:
        handle.write(loaded.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.BestAvailableEncryption(password.encode())))
    not_pem = tmp_path / 'not.pem'
    not_pem.write_text('not a certificate')

    context = okta_event_hook._check_args({'authorization': SECRET, 'certfile': cert, 'keyfile': key})['ssl_context']
    assert context is not None and context.protocol is not None
    assert okta_event_hook._check_args({'authorization': SECRET, 'certfile': cert, 'keyfile': encrypted,
                                        'password': password})['ssl_context'] is not None
    for args in ({'certfile': str(tmp_path / 'missing.pem')}, {'certfile': str(not_pem)},
                 {'certfile': cert, 'keyfile': encrypted, 'password': 'wrong-' + password}):
        with pytest.raises(ValueError) as caught:
            okta_event_hook._check_args(dict(args, authorization=SECRET))
        assert str(caught.value).startswith('certfile %s' % args['certfile']) and 'cannot be loaded' in str(caught.value)
        assert password not in str(caught.value)


def test_hook_checks_its_arguments_before_it_listens(monkeypatch):
    monkeypatch.delenv('OKTA_EVENT_HOOK_AUTHORIZATION', raising=False)
    with pytest.raises(ValueError, match='authorization is required'):
        asyncio.run(okta_event_hook.main(asyncio.Queue(), {'host': '127.0.0.1', 'port': 5999}))


# -- both -----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('name', sorted(SOURCES))
def test_arguments_that_are_not_a_mapping_are_refused(name):
    with pytest.raises(ValueError, match='the arguments of the source must be a mapping'):
        SOURCES[name]._check_args(['port', 5000])


@pytest.mark.parametrize('name', sorted(SOURCES))
def test_unknown_options_are_warned_about(name, caplog):
    caplog.set_level(logging.WARNING)
    SOURCES[name]._check_args({'authorization': SECRET, 'intervall': 5, 'cursorfile': '/tmp/x'}
                              if name == 'okta_event_hook' else {'intervall': 5, 'cursorfile': '/tmp/x'})
    assert 'Ignoring unknown options of identity.okta.%s: cursorfile, intervall.' % name in caplog.messages


def test_check_args_spec_rules():
    """The spec checker on its own: env, required, convert, bounds in words."""
    spec = {'a': {'type': 'int', 'minimum': 2}, 'b': {'type': 'float', 'maximum': 5},
            'c': {'type': 'str', 'env': ['X_C', 'Y_C'], 'required': True},
            'd': {'type': 'str', 'convert': lambda value: str(value).upper()}}
    assert okta_args.check_args({'a': '3', 'd': 'x'}, spec, environ={'Y_C': 'from-y'}) == \
        {'a': 3, 'b': None, 'c': 'from-y', 'd': 'X'}
    with pytest.raises(ValueError, match=r'^c is required \(or set X_C or Y_C\)$'):
        okta_args.check_args({}, spec, environ={})
    with pytest.raises(ValueError, match='^a must be at least 2, got 1$'):
        okta_args.check_args({'a': 1, 'c': 'x'}, spec, environ={})
    with pytest.raises(ValueError, match='^b must be at most 5, got 5.5$'):
        okta_args.check_args({'b': '5.5', 'c': 'x'}, spec, environ={})
    assert okta_args.unknown_args({'a': 1, 'z': 2, 'y': 3}, spec) == ['y', 'z']
    assert set(rule for rules in (okta_system_log.ARG_SPEC, okta_event_hook.ARG_SPEC) for option in rules.values()
               for rule in option) <= set(okta_args.SPEC_KEYS)


# -- loaded as ansible-rulebook loads them --------------------------------------------------------------------------

LOADER = r'''
import json, os, runpy, sys
found = {}
for path in sys.argv[1:]:
    source = runpy.run_path(path)
    found[os.path.basename(path)] = dict(
        (name, sys.modules[source[name].__module__].__file__) for name in ('check_args', 'client_from_settings')
        if name in source)
print(json.dumps(found))
'''


def test_sources_loaded_with_runpy_use_their_own_collection(tmp_path):
    """ansible-rulebook runs a source file with runpy, without Ansible's collection loader: each source finds the
    collection it belongs to from its own path, and takes the shared code (argument checks, the Okta client)
    from there - not from another copy of identity.okta."""
    paths = [os.path.abspath(module.__file__) for module in (okta_system_log, okta_event_hook)]
    env = dict(os.environ)
    env.pop('PYTHONPATH', None)
    output = subprocess.check_output([sys.executable, '-c', LOADER] + paths, cwd=str(tmp_path), env=env)
    found = json.loads(output)
    root = os.path.realpath(os.path.join(os.path.dirname(paths[0]), *([os.pardir] * 4)))   # .../identity/okta
    assert sorted(found['okta_system_log.py']) == ['check_args', 'client_from_settings']
    assert sorted(found['okta_event_hook.py']) == ['check_args']
    for source, modules in found.items():
        for name, path in modules.items():
            assert os.path.realpath(path).startswith(os.path.join(root, 'plugins', 'module_utils') + os.sep), \
                (source, name, path)


def test_poller_interval_has_a_floor(caplog):
    """Issue 20: at Okta's limits an idle pause under 2 s makes the poller slower, not faster; it is raised."""
    caplog.set_level(logging.WARNING)
    for given, used in ((0.001, 2.0), ('1', 2.0), (2, 2.0), (15, 15.0)):
        poller = okta_system_log.SystemLogPoller(asyncio.Queue(), {'org_url': 'http://127.0.0.1:9', 'api_token': 'x',
                                                                   'interval': given})
        try:
            assert poller.interval == used, (given, poller.interval)
        finally:
            poller.close()
    assert 'interval 0.001 is below the floor of 2 s; polling every 2 s when idle (see docs/event-driven.md).' \
        in caplog.messages
