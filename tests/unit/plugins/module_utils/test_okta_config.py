# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Connection settings from task options, OKTA_CLIENT_* variables and ~/.okta/okta.yaml, in the SDKs' order."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.identity.okta.plugins.module_utils.okta_config import resolve
from ansible_collections.identity.okta.plugins.module_utils.okta_errors import OktaConfigError

NO_TASK = dict(org_url=None, api_token=None, access_token=None, authorization_mode=None, client_id=None,
               private_key=None, key_id=None, scopes=None)


def task(**values):
    return dict(NO_TASK, **values)


@pytest.fixture
def config_file(tmp_path):
    def write(text):
        path = tmp_path / 'okta.yaml'
        path.write_text(text)
        return str(path)
    return write


def test_task_options_win_over_environment_and_file(config_file):
    path = config_file('okta:\n  client:\n    orgUrl: https://file.okta.com\n    token: file-token\n')
    connection = resolve(task(org_url='https://task.okta.com', api_token='task-token'),
                         environ={'OKTA_CLIENT_ORGURL': 'https://env.okta.com', 'OKTA_CLIENT_TOKEN': 'env-token'},
                         config_file=path)
    assert (connection.org_url, connection.api_token) == ('https://task.okta.com', 'task-token')
    assert connection.sources['api_token'] == 'task option api_token'


def test_environment_wins_over_the_file_and_sdk_names_over_short_ones(config_file):
    path = config_file('okta:\n  client:\n    orgUrl: https://file.okta.com\n    token: file-token\n')
    connection = resolve(task(), environ={'OKTA_CLIENT_ORGURL': 'https://sdk.okta.com', 'OKTA_ORG_URL': 'https://short',
                                          'OKTA_CLIENT_TOKEN': 'env-token'}, config_file=path)
    assert (connection.org_url, connection.api_token) == ('https://sdk.okta.com', 'env-token')
    assert connection.where('api_token') == 'api_token (from OKTA_CLIENT_TOKEN)'


def test_the_sdk_config_file_is_read_last(config_file):
    path = config_file('okta:\n  client:\n    orgUrl: https://file.okta.com\n    token: file-token\n')
    connection = resolve(task(), environ={}, config_file=path)
    assert (connection.org_url, connection.api_token, connection.authorization_mode) == (
        'https://file.okta.com', 'file-token', 'SSWS')
    assert connection.sources['org_url'].endswith('okta.yaml okta.client.orgUrl')


def test_private_key_settings_from_the_file_with_scopes(config_file):
    path = config_file('okta:\n  client:\n    orgUrl: https://file.okta.com\n    authorizationMode: PrivateKey\n'
                       '    clientId: 0oaApp\n    privateKey: /keys/app.pem\n    kid: k1\n'
                       '    scopes: [okta.users.read, okta.users.manage]\n')
    connection = resolve(task(), environ={}, config_file=path, default_scopes=['okta.sessions.read'])
    assert connection.authorization_mode == 'PrivateKey'
    assert (connection.client_id, connection.private_key, connection.key_id) == ('0oaApp', '/keys/app.pem', 'k1')
    assert connection.scopes == ['okta.users.read', 'okta.users.manage']


def test_private_key_from_environment_gets_the_module_default_scopes():
    connection = resolve(task(), environ={'OKTA_CLIENT_ORGURL': 'https://x.okta.com', 'OKTA_CLIENT_CLIENTID': '0oaApp',
                                          'OKTA_CLIENT_PRIVATEKEY': '/k.pem'},
                         config_file='/nonexistent', default_scopes=['okta.sessions.read'])
    assert connection.scopes == ['okta.sessions.read']
    assert connection.sources['scopes'] == 'the module default'


def test_environment_scopes_are_comma_separated():
    connection = resolve(task(), environ={'OKTA_CLIENT_CLIENTID': '0oaApp', 'OKTA_CLIENT_PRIVATEKEY': '/k.pem',
                                          'OKTA_CLIENT_SCOPES': 'okta.users.read, okta.users.manage'},
                         config_file='/nonexistent')
    assert connection.scopes == ['okta.users.read', 'okta.users.manage']


def test_bearer_mode_takes_the_token_as_an_access_token():
    connection = resolve(task(), environ={'OKTA_CLIENT_TOKEN': 'eyJ.access', 'OKTA_CLIENT_AUTHORIZATIONMODE': 'Bearer'},
                         config_file='/nonexistent')
    assert (connection.authorization_mode, connection.access_token, connection.api_token) == (
        'Bearer', 'eyJ.access', None)


def test_credentials_are_not_mixed_across_sources():
    # A token in the task; a private key in the environment is ignored, not an error.
    connection = resolve(task(api_token='task-token'),
                         environ={'OKTA_CLIENT_CLIENTID': '0oaApp', 'OKTA_CLIENT_PRIVATEKEY': '/k.pem'},
                         config_file='/nonexistent')
    assert connection.authorization_mode == 'SSWS' and connection.client_id is None


def test_several_credentials_in_one_source_say_where_each_came_from():
    with pytest.raises(OktaConfigError) as caught:
        resolve(task(), environ={'OKTA_CLIENT_TOKEN': 't', 'OKTA_CLIENT_CLIENTID': '0oaApp',
                                 'OKTA_CLIENT_PRIVATEKEY': '/k.pem'}, config_file='/nonexistent')
    assert 'api_token (from OKTA_CLIENT_TOKEN)' in str(caught.value)
    assert 'client_id (from OKTA_CLIENT_CLIENTID)' in str(caught.value)


def test_a_partial_private_key_configuration_names_what_is_missing_and_where_the_rest_came_from(config_file):
    path = config_file('okta:\n  client:\n    authorizationMode: PrivateKey\n    clientId: 0oaApp\n')
    with pytest.raises(OktaConfigError) as caught:
        resolve(task(), environ={}, config_file=path)
    assert caught.value.field == 'private_key'
    assert 'private_key is not set' in str(caught.value)
    assert 'client_id (from %s okta.client.clientId)' % path in str(caught.value)


def test_an_unknown_authorization_mode(config_file):
    path = config_file('okta:\n  client:\n    authorizationMode: Basic\n    token: t\n')
    with pytest.raises(OktaConfigError) as caught:
        resolve(task(), environ={}, config_file=path)
    assert caught.value.field == 'authorization_mode' and 'Basic' in str(caught.value)


def test_no_credential_anywhere():
    with pytest.raises(OktaConfigError) as caught:
        resolve(task(org_url='https://x.okta.com'), environ={}, config_file='/nonexistent')
    assert 'No Okta credential' in str(caught.value)


def test_a_broken_config_file_is_a_clear_error(config_file):
    path = config_file('okta: [client\n')
    with pytest.raises(OktaConfigError) as caught:
        resolve(task(), environ={}, config_file=path)
    assert 'not a readable Okta SDK configuration' in str(caught.value)


@pytest.mark.parametrize('text', [
    'okta:\n  client: [1, 2]\n',
    'okta: [1, 2]\n',
    '- just\n- a list\n',
    'okta:\n  client:\n    orgUrl: [unclosed\n',
    'okta:\n  client:\n    token: {a: 1}\n',
])
def test_a_broken_config_file_does_not_matter_when_the_task_sets_everything(config_file, text):
    path = config_file(text)
    connection = resolve(task(org_url='https://task.okta.com', api_token='task-token'), environ={}, config_file=path)
    assert (connection.org_url, connection.api_token) == ('https://task.okta.com', 'task-token')


def test_a_config_file_that_is_not_utf8_does_not_matter_when_the_task_sets_everything(tmp_path):
    path = tmp_path / 'okta.yaml'
    path.write_bytes(b'okta:\n  client:\n    orgUrl: https://\xff\xfe.okta.com\n')
    connection = resolve(task(org_url='https://task.okta.com', api_token='task-token'), environ={}, config_file=str(path))
    assert connection.org_url == 'https://task.okta.com'


@pytest.mark.parametrize('text, field, words', [
    ('okta:\n  client: [1, 2]\n', 'config_file', 'okta.client must be a mapping'),
    ('okta: [1, 2]\n', 'config_file', 'okta must be a mapping'),
    ('okta:\n  client:\n    orgUrl: [1, 2]\n', 'org_url', 'okta.client.orgUrl must be a string'),
    ('okta:\n  client:\n    orgUrl: https://file.okta.com\n    token: 12\n', 'api_token', 'okta.client.token must be a string'),
    ('okta:\n  client:\n    orgUrl: https://file.okta.com\n    scopes: [1]\n', 'scopes', 'okta.client.scopes must be'),
])
def test_a_broken_config_file_that_is_needed_names_the_file_and_the_key(config_file, text, field, words):
    path = config_file(text)
    with pytest.raises(OktaConfigError) as caught:
        resolve(task(), environ={}, config_file=path)
    assert caught.value.field == field
    assert path in str(caught.value) and words in str(caught.value)


def test_a_config_file_that_is_not_utf8_and_needed_is_named(tmp_path):
    path = tmp_path / 'okta.yaml'
    path.write_bytes(b'okta:\n  client:\n    orgUrl: https://\xff\xfe.okta.com\n')
    with pytest.raises(OktaConfigError) as caught:
        resolve(task(), environ={}, config_file=str(path))
    assert str(path) in str(caught.value) and 'UTF-8' in str(caught.value)


def test_the_authorization_mode_of_the_task_chooses_among_credentials_in_the_environment():
    environ = {'OKTA_CLIENT_ORGURL': 'https://env.okta.com', 'OKTA_CLIENT_TOKEN': 'env-token',
               'OKTA_CLIENT_CLIENTID': '0oaApp', 'OKTA_CLIENT_PRIVATEKEY': '/keys/app.pem'}
    by_key = resolve(task(authorization_mode='PrivateKey'), environ=environ, config_file='/nonexistent',
                     default_scopes=['okta.users.read'])
    assert (by_key.authorization_mode, by_key.client_id, by_key.api_token) == ('PrivateKey', '0oaApp', None)
    assert by_key.sources['authorization_mode'] == 'task option authorization_mode'
    by_token = resolve(task(authorization_mode='SSWS'), environ=environ, config_file='/nonexistent')
    assert (by_token.authorization_mode, by_token.api_token, by_token.client_id) == ('SSWS', 'env-token', None)


def test_an_authorization_mode_of_the_task_without_its_credential_anywhere_is_named():
    with pytest.raises(OktaConfigError) as caught:
        resolve(task(authorization_mode='PrivateKey'), environ={'OKTA_CLIENT_TOKEN': 'env-token'},
                config_file='/nonexistent')
    assert caught.value.field == 'client_id' and 'authorization_mode PrivateKey needs client_id and private_key' in str(caught.value)
