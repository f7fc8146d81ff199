# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fuzz: ~/.okta/okta.yaml, the OKTA_CLIENT_* environment and task options -> okta_config.resolve.

okta.yaml is generated as YAML documents (right and wrong shapes, every YAML type, anchors, tags)
and as raw bytes (broken YAML, other encodings, deep nesting). Whatever it holds, resolve returns
a usable connection or raises OktaConfigError naming a setting; and when the task options are
complete the file is not even read, so no file can break such a task.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import os
import shutil
import tempfile

import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from ansible_collections.identity.okta.plugins.module_utils.okta_config import (
    AUTHORIZATION_MODES, CONFIG_FILE_FIELD, CONFIG_FILE_KEYS, ENVIRONMENT, NEEDED, SETTINGS, OktaConfigError, resolve)
from ansible_collections.identity.okta.tests.unit.fuzz.fuzzing import ANY_TEXT, JSON_VALUES, fuzz_settings

FILE_KEYS = list(CONFIG_FILE_KEYS.values()) + ['orgurl', 'token ', 'OrgUrl', 'client', 'okta']
YAML_VALUES = st.one_of(JSON_VALUES, st.datetimes(), st.dates(), st.binary(max_size=8), ANY_TEXT,
                        st.sampled_from(['https://example.okta.com', 'http://127.0.0.1:8080', 'SSWS', 'Bearer', 'PrivateKey',
                                         'okta.sessions.manage okta.users.manage', '00TOKEN', '-----BEGIN PRIVATE KEY-----']))
YAML_PIECES = ['okta:\n', '  client:\n', '    orgUrl: https://example.okta.com\n', '    token: 00abc\n', '    scopes:\n',
               '      - okta.logs.read\n', '    authorizationMode: Bearer\n', '    privateKey: |\n      -----BEGIN\n',
               '&a ', '*a', '*b', '!!binary ', '!!python/object:os.system ', '!!str ', '!!int ', '!!float ', '!!set ',
               '!!omap ', '? ', '[', ']', '{', '}', '- ', ': ', ', ', '"', "'", '\\', '\t', '\x00', '\x07', '\x85',
               '\ufeff', '\u2028', '\ud800', '%YAML 1.1\n', '%TAG ! tag:x,2000:\n', '---\n', '...\n', '#', '\n', ' ', '|\n', '>\n',
               '<<: *a\n', '~', 'null', 'yes', '0x10', '1e400', '2026-11-25', '@', '`']


def documents():
    client = st.dictionaries(st.sampled_from(FILE_KEYS), YAML_VALUES, max_size=6)
    shaped = st.one_of(client.map(lambda c: {'okta': {'client': c}}),
                       client.map(lambda c: {'okta': c}),
                       client.map(lambda c: {'client': c}),
                       YAML_VALUES.map(lambda v: {'okta': {'client': v}}),
                       YAML_VALUES.map(lambda v: {'okta': v}),
                       YAML_VALUES)
    return shaped.map(lambda document: yaml.safe_dump(document, allow_unicode=True).encode('utf-8'))


def raw_files():
    text = st.lists(st.one_of(st.sampled_from(YAML_PIECES), ANY_TEXT), max_size=12).map(''.join)
    encodings = st.sampled_from(['utf-8', 'utf-8', 'latin-1', 'utf-16', 'utf-32', 'cp1252', 'utf-8-sig'])
    encoded = st.tuples(text, encodings).map(lambda pair: pair[0].encode(pair[1], 'surrogatepass' if 'utf' in pair[1] else 'replace'))
    nested = st.tuples(st.sampled_from(['[', '{a: ', '- ', '{', '[[', '!!seq [']), st.integers(1, 600)).map(lambda p: (p[0] * p[1]).encode())
    return st.one_of(encoded, encoded, st.binary(max_size=200), nested)


def option_sets():
    names = st.sampled_from(list(SETTINGS))
    values = st.one_of(st.sampled_from(['https://example.okta.com', '00TOKEN', 'SSWS', 'Bearer', 'PrivateKey', 'cid', '']), ANY_TEXT)
    return st.dictionaries(names, values, max_size=4)


def environments():
    names = st.sampled_from([name for names in ENVIRONMENT.values() for name in names])
    return st.dictionaries(names, st.one_of(st.sampled_from(['https://example.okta.com', '00ENVTOKEN', 'Bearer']), ANY_TEXT),
                           max_size=3)


@pytest.fixture(scope='module')
def config_path():
    directory = tempfile.mkdtemp(prefix='okta-fuzz-config-')
    yield os.path.join(directory, 'okta.yaml')
    shutil.rmtree(directory)


def check_resolved(connection):
    mode = connection.authorization_mode
    assert mode in AUTHORIZATION_MODES, mode
    for needed in NEEDED[mode]:
        assert isinstance(connection.values.get(needed), str) and connection.values[needed], (mode, needed)
    org_url = connection.org_url
    assert org_url is None or isinstance(org_url, str), repr(org_url)
    if mode == 'PrivateKey':
        assert connection.scopes and all(isinstance(s, str) and s for s in connection.scopes)


def resolve_or_refuse(trial, params, environ, path):
    try:
        connection = resolve(params, environ=environ, config_file=path)
    except OktaConfigError as exc:
        assert exc.field in SETTINGS + (CONFIG_FILE_FIELD,), 'the error names %r, neither a setting nor the file' % exc.field
        assert str(exc), 'empty message'
        trial.refused()
        return None
    check_resolved(connection)
    trial.accepted()
    return connection


@pytest.mark.fuzz_target('okta.yaml (YAML documents) + environment + task options -> resolve')
@fuzz_settings(800)
@given(document=documents(), params=option_sets(), environ=environments())
@example(document=b'okta:\n  client:\n    orgUrl: https://example.okta.com\n    token: 00abc\n', params={}, environ={})
@example(document=b'okta:\n  client:\n    token: [1, 2]\n', params={'org_url': 'https://example.okta.com'}, environ={})
def test_fuzz_resolve_with_yaml_documents(tally, config_path, document, params, environ):
    with open(config_path, 'wb') as handle:
        handle.write(document)
    with tally.trial() as trial:
        resolve_or_refuse(trial, params, environ, config_path)


@pytest.mark.fuzz_target('okta.yaml (raw bytes) -> resolve')
@fuzz_settings(400)
@given(data=raw_files(), params=option_sets())
@example(data=b'[' * 1500, params={})
@example(data=b'!!int okta:\n', params={})
@example(data=b'!!float ', params={})
@example(data=b'{a: ' * 1500, params={})
@example(data=b'- ' * 1500 + b'a', params={})
@example(data=b'okta:\n  client:\n    orgUrl: \xff\xfe\n', params={})
@example(data=b'&a [*a, *a]', params={})
@example(data=b'okta: &a {client: *a}', params={})
@example(data=b'a: &a [*a]\nokta: {client: {scopes: *a, clientId: x, privateKey: y}}', params={})
def test_fuzz_resolve_with_raw_files(tally, config_path, data, params):
    with open(config_path, 'wb') as handle:
        handle.write(data)
    with tally.trial() as trial:
        resolve_or_refuse(trial, params, {}, config_path)


@pytest.mark.fuzz_target('okta.yaml with complete task options (file never matters)')
@fuzz_settings(200)
@given(data=st.one_of(raw_files(), documents()), credential=st.sampled_from(['api_token', 'access_token']),
       mode=st.sampled_from([None, 'SSWS', 'Bearer']))
def test_fuzz_complete_task_options_never_read_the_file(tally, config_path, data, credential, mode):
    params = {'org_url': 'https://example.okta.com', credential: 'task-credential', 'authorization_mode': mode}
    if (mode, credential) == ('SSWS', 'access_token'):
        mode = params['authorization_mode'] = 'Bearer'
    with open(config_path, 'wb') as handle:
        handle.write(data)
    with tally.trial() as trial:
        connection = resolve(params, environ={}, config_file=config_path)
        without_file = resolve(params, environ={}, config_file=config_path + '.absent')
        assert (connection.values, connection.sources) == (without_file.values, without_file.sources)
        trial.accepted()


def test_yaml_timestamp_org_url_is_refused_naming_org_url(config_path):
    with open(config_path, 'w') as handle:
        yaml.safe_dump({'okta': {'client': {'orgUrl': datetime.date(2026, 11, 25), 'token': 'x'}}}, handle)
    with pytest.raises(OktaConfigError) as caught:
        resolve({}, environ={}, config_file=config_path)
    assert caught.value.field == 'org_url'
