# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The checklist of docs/architecture.md ("Adding a bulk module"), checked for every module of plugins/modules/:
a bulk module (OktaModule(bulk=True)) has its action plugin (live plan and progress), its entry in
meta/runtime.yml's action group (module_defaults, and the okta_option_mistakes target), and, when it acts
through UserBulkRun, declares its final outcomes (what a resumed run need not repeat) and the result of a
user done. Forgetting one fails here, naming the module and what it lacks."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import importlib
import inspect
import os

import pytest
import yaml

from ansible_collections.identity.okta.plugins.module_utils import okta_module
from ansible_collections.identity.okta.plugins.module_utils.okta_users import UserBulkRun

COLLECTION = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PACKAGE = 'ansible_collections.identity.okta.plugins'


class SpecSeen(Exception):
    def __init__(self, kwargs):
        super(SpecSeen, self).__init__('spec seen')
        self.kwargs = kwargs


def module_names():
    return sorted(name[:-3] for name in os.listdir(os.path.join(COLLECTION, 'plugins', 'modules'))
                  if name.endswith('.py') and not name.startswith('_'))


def action_group():
    with open(os.path.join(COLLECTION, 'meta', 'runtime.yml')) as handle:
        return yaml.safe_load(handle)['action_groups']['okta']


def okta_module_kwargs(module, monkeypatch):
    """What the module's main() gives OktaModule (bulk=..., argument_spec, ...), stopped right there."""
    def seen(self, *args, **kwargs):
        raise SpecSeen(kwargs)
    monkeypatch.setattr(okta_module.OktaModule, '__init__', seen)
    try:
        module.main()
    except SpecSeen as exc:
        return exc.kwargs
    raise AssertionError('%s: main() never built its OktaModule' % module.__name__)


def action_plugin(name):
    """Whether plugins/action/<name>.py has an ActionModule that is plugin_utils.okta_progress's OktaBulkAction
    (True) or another (False), or None without the file. Read, not imported: controller code imported into this
    process would change how the module tests' warnings are sent."""
    path = os.path.join(COLLECTION, 'plugins', 'action', name + '.py')
    if not os.path.exists(path):
        return None
    with open(path) as handle:
        tree = ast.parse(handle.read())
    imported = any(isinstance(node, ast.ImportFrom) and (node.module or '').endswith('plugin_utils.okta_progress')
                   and 'OktaBulkAction' in [alias.name for alias in node.names] for node in tree.body)
    classes = [node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == 'ActionModule']
    return bool(imported and classes and any(getattr(base, 'id', None) == 'OktaBulkAction' for base in classes[0].bases))


def user_bulk_runs(module):
    """The UserBulkRun subclasses the module uses (its own, or imported from module_utils)."""
    return [value for value in vars(module).values()
            if inspect.isclass(value) and issubclass(value, UserBulkRun) and value is not UserBulkRun]


def declares(cls, name):
    """Whether ``cls`` (below UserBulkRun) sets ``name``: as a class attribute, a property, or in __init__."""
    for klass in cls.__mro__:
        if klass is UserBulkRun or not issubclass(klass, UserBulkRun):
            continue
        if name in vars(klass) or ('__init__' in vars(klass) and 'self.%s' % name in inspect.getsource(klass.__init__)):
            return True
    return False


def checklist_problems(name, bulk, action, group, runs):
    """What a module lacks: ``bulk`` (OktaModule(bulk=True)), ``action`` (action_plugin()), ``group``
    (meta/runtime.yml's action group), ``runs`` (its UserBulkRun classes)."""
    problems = []
    if name not in group:
        problems.append('no entry in meta/runtime.yml action_groups.okta')
    if not bulk:
        return problems
    if action is None:
        problems.append('no action plugin plugins/action/%s.py' % name)
    elif not action:
        problems.append('its action plugin is not an OktaBulkAction (no live plan and progress)')
    for run in runs:
        if not (declares(run, 'also_final') or declares(run, 'final_results')):
            problems.append('%s declares no final outcomes (also_final or final_results)' % run.__name__)
        if not declares(run, 'done_result'):
            problems.append('%s declares no done_result' % run.__name__)
    return problems


@pytest.mark.parametrize('name', module_names())
def test_every_module_names_the_oauth_scopes_it_asks_for(name, monkeypatch):
    """A module's default scopes (what an OAuth credential must be granted) are each named in its documentation."""
    module = importlib.import_module('%s.modules.%s' % (PACKAGE, name))
    scopes = okta_module_kwargs(module, monkeypatch).get('default_scopes')
    assert scopes, '%s asks for no OAuth scope (OktaModule default_scopes)' % name
    assert [scope for scope in scopes if 'C(%s)' % scope not in module.DOCUMENTATION] == [], name


@pytest.mark.parametrize('name', module_names())
def test_every_module_has_what_the_checklist_asks(name, monkeypatch):
    module = importlib.import_module('%s.modules.%s' % (PACKAGE, name))
    bulk = bool(okta_module_kwargs(module, monkeypatch).get('bulk'))
    assert checklist_problems(name, bulk, action_plugin(name), action_group(), user_bulk_runs(module)) == [], name


def test_the_containment_modules_are_bulk_modules_with_their_final_outcomes(monkeypatch):
    from ansible_collections.identity.okta.plugins.modules import okta_user_factors, okta_user_password
    for module, done in ((okta_user_password, 'expired'), (okta_user_factors, 'reset')):
        assert okta_module_kwargs(module, monkeypatch)['bulk'] is True
        [run] = user_bulk_runs(module)
        assert run.done_result == done and run.also_final == ('unchanged',)


class Forgetful(UserBulkRun):
    """A UserBulkRun that declares neither its done result nor its final outcomes."""

    calls_per_user = {'users': 1}


class Careful(UserBulkRun):
    done_result = 'done_here'
    also_final = ('unchanged',)


def test_the_action_plugins_are_read_from_their_files():
    assert action_plugin('okta_user_password') is True and action_plugin('okta_no_such_module') is None


def test_each_omission_is_named():
    group = ['okta_listed']
    assert checklist_problems('okta_listed', True, True, group, [Careful]) == []
    assert checklist_problems('okta_new', True, None, group, [Forgetful]) == [
        'no entry in meta/runtime.yml action_groups.okta', 'no action plugin plugins/action/okta_new.py',
        'Forgetful declares no final outcomes (also_final or final_results)', 'Forgetful declares no done_result']
    assert checklist_problems('okta_listed', True, False, group, []) == [
        'its action plugin is not an OktaBulkAction (no live plan and progress)']
    assert checklist_problems('okta_info', False, None, ['okta_info'], []) == [], 'a module that acts on one item'


def test_the_architecture_names_every_shared_file():
    """docs/architecture.md shows where each concern lives: every file of the shared code is named there."""
    with open(os.path.join(COLLECTION, 'docs', 'architecture.md')) as handle:
        architecture = handle.read()
    shared = [name for folder in ('module_utils', 'plugin_utils', 'doc_fragments', 'filter')
              for name in sorted(os.listdir(os.path.join(COLLECTION, 'plugins', folder)))
              if name.endswith('.py') and name != '__init__.py']
    assert len(shared) > 25
    assert [name for name in shared if name not in architecture] == []
