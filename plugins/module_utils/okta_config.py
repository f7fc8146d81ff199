# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Where the connection settings come from, in the order Okta's SDKs use:
task options, then ``OKTA_CLIENT_*`` environment variables, then ``~/.okta/okta.yaml``.

Every value remembers its source, so a bad or partial configuration is reported
with where each piece came from.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.identity.okta.plugins.module_utils.okta_errors import OktaConfigError

try:
    import yaml
    HAS_YAML = True
except ImportError:  # pragma: no cover - ansible-core requires PyYAML
    HAS_YAML = False

CONFIG_FILE = '~/.okta/okta.yaml'
# What an error about the file as a whole (not one of its keys) names as the field at fault.
CONFIG_FILE_FIELD = 'config_file'
SSWS, BEARER, PRIVATE_KEY = 'SSWS', 'Bearer', 'PrivateKey'
AUTHORIZATION_MODES = (SSWS, BEARER, PRIVATE_KEY)
CREDENTIALS = ('api_token', 'access_token', 'client_id', 'private_key')
NEEDED = {SSWS: ('api_token',), BEARER: ('access_token',), PRIVATE_KEY: ('client_id', 'private_key')}

# Okta's SDK names first, then the short ones.
ENVIRONMENT = dict(
    org_url=('OKTA_CLIENT_ORGURL', 'OKTA_ORG_URL'),
    api_token=('OKTA_CLIENT_TOKEN', 'OKTA_API_TOKEN'),
    access_token=('OKTA_ACCESS_TOKEN',),
    authorization_mode=('OKTA_CLIENT_AUTHORIZATIONMODE',),
    client_id=('OKTA_CLIENT_CLIENTID',),
    private_key=('OKTA_CLIENT_PRIVATEKEY',),
    key_id=('OKTA_CLIENT_KID',),
    scopes=('OKTA_CLIENT_SCOPES',),
)

# Every connection setting, by the name of its task option.
SETTINGS = tuple(ENVIRONMENT)

# Keys of the SDKs' okta.yaml, under okta.client.
CONFIG_FILE_KEYS = dict(
    org_url='orgUrl', api_token='token', authorization_mode='authorizationMode', client_id='clientId',
    private_key='privateKey', key_id='kid', scopes='scopes',
)


class Settings:
    """The resolved connection settings, each with the source it came from."""

    def __init__(self, values, sources):
        self.values = values
        self.sources = sources

    def __getattr__(self, name):
        try:
            return self.__dict__['values'].get(name)
        except KeyError:
            raise AttributeError(name)

    def where(self, setting):
        return '%s (from %s)' % (setting, self.sources.get(setting, 'nowhere'))


def _split_scopes(value):
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in str(value).replace(',', ' ').split() if v.strip()]


def _task_layer(params):
    return dict((k, (v, 'task option %s' % k)) for k, v in params.items() if v not in (None, '', []))


def _environment_layer(environ):
    layer = {}
    for setting, names in ENVIRONMENT.items():
        for name in names:
            if environ.get(name):
                layer[setting] = (environ[name], name)
                break
    return layer


def _file_layer(path):
    """The SDK config file's settings; a file that is there but broken names itself and the key at fault."""
    path = os.path.expanduser(path)
    if not os.path.isfile(path):
        return {}
    if not HAS_YAML:
        raise OktaConfigError(CONFIG_FILE_FIELD, 'PyYAML is needed to read %s' % path)
    try:
        with open(path, 'rb') as handle:
            document = yaml.safe_load(handle.read().decode('utf-8'))
    except UnicodeDecodeError:
        raise OktaConfigError(CONFIG_FILE_FIELD, '%s is not a readable Okta SDK configuration: it is not UTF-8 text.' % path)
    except RecursionError:  # PyYAML reads nested collections recursively
        raise OktaConfigError(CONFIG_FILE_FIELD, '%s is not a readable Okta SDK configuration: it nests too deeply.' % path)
    except (yaml.YAMLError, IOError, OSError) as exc:
        raise OktaConfigError(CONFIG_FILE_FIELD, '%s is not a readable Okta SDK configuration: %s' % (path, exc))
    except Exception as exc:  # PyYAML's constructors let their own errors through: "!!int x", "!!float" with no value
        raise OktaConfigError(CONFIG_FILE_FIELD, '%s is not a readable Okta SDK configuration: a value cannot be read '
                                                 'as its tag says (%s).' % (path, exc.__class__.__name__))
    client = document
    for key in ('okta', 'client'):
        if client is None:
            return {}
        if not isinstance(client, dict):
            raise OktaConfigError(CONFIG_FILE_FIELD, '%s: %s must be a mapping (okta.client.orgUrl, okta.client.token, '
                                                     '...), not a %s.' % (path, 'the document' if key == 'okta' else 'okta',
                                                                          type(client).__name__))
        client = client.get(key)
    if client is None:
        return {}
    if not isinstance(client, dict):
        raise OktaConfigError(CONFIG_FILE_FIELD, '%s: okta.client must be a mapping, not a %s.' % (path, type(client).__name__))
    layer = {}
    for setting, key in CONFIG_FILE_KEYS.items():
        value = client.get(key)
        if value in (None, '', []):
            continue
        allowed = (str, list) if setting == 'scopes' else (str,)
        if not isinstance(value, allowed) or (isinstance(value, list) and not all(isinstance(v, str) for v in value)):
            raise OktaConfigError(setting, '%s: okta.client.%s must be %s, not %r.'
                                  % (path, key, 'a string or a list of strings' if setting == 'scopes' else 'a string',
                                     value if setting not in ('api_token', 'private_key') else type(value).__name__))
        layer[setting] = (value, '%s okta.client.%s' % (path, key))
    return layer


def _credential_layer(layers, mode):
    """The first source with a credential - with the one ``mode`` needs, when the task chose a mode."""
    needed = NEEDED.get(mode)
    for layer in layers:
        if needed is None and any(c in layer for c in CREDENTIALS):
            return layer
        # With Bearer, the SDKs also take the access token from `token` (api_token).
        if needed is not None and (all(n in layer for n in needed) or (mode == BEARER and 'api_token' in layer)):
            return layer
    return None


def resolve(params, environ=None, config_file=CONFIG_FILE, default_scopes=()):
    """Settings from task options, then the environment, then the SDK config file.

    Credentials (and the authorization mode and scopes that go with them) are taken
    as a whole from the first source that has any, so a token in the task is never
    mixed with a private key from the environment. An ``authorization_mode`` set on
    the task chooses which credential to take. The file is read only for what the
    task and the environment leave unset, so a broken file cannot break a task that
    does not need it.
    """
    environ = os.environ if environ is None else environ
    layers = [_task_layer(params), _environment_layer(environ)]
    task_mode = layers[0].get('authorization_mode', (None,))[0]
    if ('org_url' not in layers[0] and 'org_url' not in layers[1]) or _credential_layer(layers, task_mode) is None:
        layers.append(_file_layer(config_file))
    values, sources = _taken(layers, task_mode, config_file)
    settings = Settings(values, sources)
    mode = _authorization_mode(values, sources, settings)
    for unused in [c for c in CREDENTIALS if values.get(c) and c not in NEEDED[mode]]:
        values.pop(unused)
    values['authorization_mode'] = mode
    sources.setdefault('authorization_mode', 'inferred from the credential given')
    if mode == PRIVATE_KEY:
        values['scopes'] = _split_scopes(values.get('scopes') or default_scopes)
        sources.setdefault('scopes', 'the module default')
        if not values['scopes']:
            raise OktaConfigError('scopes', 'scopes is empty; the OAuth grant needs at least one scope.')
    return settings


def _taken(layers, task_mode, config_file):
    """``(values, sources)``: the org URL from the first source that has one, the credential from the first that
    has one (the one ``task_mode`` needs, if the task chose)."""
    values, sources = {}, {}
    for layer in layers:
        if 'org_url' in layer:
            values['org_url'], sources['org_url'] = layer['org_url']
            break
    credential_layer = _credential_layer(layers, task_mode)
    if credential_layer is None:
        if task_mode in NEEDED:
            raise OktaConfigError(NEEDED[task_mode][0], 'authorization_mode %s needs %s, but no source sets %s '
                                  '(task options, OKTA_CLIENT_* variables or %s).'
                                  % (task_mode, ' and '.join(NEEDED[task_mode]), ' and '.join(NEEDED[task_mode]),
                                     config_file))
        raise OktaConfigError('api_token', 'No Okta credential: set api_token, access_token, or client_id with '
                                           'private_key (as task options, OKTA_CLIENT_* variables or in %s).'
                              % config_file)
    for setting in CREDENTIALS + ('authorization_mode', 'key_id', 'scopes'):
        if setting in credential_layer:
            values[setting], sources[setting] = credential_layer[setting]
    if task_mode is not None:
        values['authorization_mode'], sources['authorization_mode'] = layers[0]['authorization_mode']
    return values, sources


def _authorization_mode(values, sources, settings):
    """The mode the credential taken is used with (given, or inferred from the one credential set); raises
    OktaConfigError when it is unknown, ambiguous or lacks what it needs."""
    mode = values.get('authorization_mode')
    if mode is not None and mode not in AUTHORIZATION_MODES:
        raise OktaConfigError('authorization_mode', '%s is %r; it must be one of %s.'
                              % (settings.where('authorization_mode'), mode, ', '.join(AUTHORIZATION_MODES)))
    if mode == BEARER and values.get('api_token') and not values.get('access_token'):
        # The SDKs put the access token in `token` when authorizationMode is Bearer.
        values['access_token'] = values.pop('api_token')
        sources['access_token'] = sources.pop('api_token')
    present = [c for c in CREDENTIALS if values.get(c)]
    if mode is None:
        kinds = set('PrivateKey' if c in ('client_id', 'private_key') else c for c in present)
        if len(kinds) > 1:
            raise OktaConfigError(present[0], 'Several credentials are set: %s. Set one, or choose with '
                                              'authorization_mode.' % ', '.join(settings.where(c) for c in present))
        mode = {'api_token': SSWS, 'access_token': BEARER}.get(present[0], PRIVATE_KEY)
    needed = NEEDED[mode]
    missing = [n for n in needed if not values.get(n)]
    if missing:
        raise OktaConfigError(missing[0], 'authorization_mode %s needs %s, but %s %s not set (found: %s).'
                              % (mode, ' and '.join(needed), ' and '.join(missing), 'is' if len(missing) == 1 else 'are',
                                 ', '.join(settings.where(c) for c in present + ['authorization_mode']
                                           if c in sources) or 'nothing'))
    return mode
