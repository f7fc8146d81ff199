# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Gives every module of meta/runtime.yml's action group each mistake that Ansible's own argument checking
answers, through `ansible localhost -m` and through a playbook task, and checks that each failure names the
option(s) and is a clean module failure (no traceback, no AttributeError), with no call sent to Okta.

The mistakes are made from each module's real argument spec (read by running the module's main() up to the
point where it hands its spec to AnsibleModule), so a module added to the action group is covered the day it
is added.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import importlib
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request

import yaml

COLLECTION = os.path.join(os.environ['ANSIBLE_COLLECTIONS_PATH'].split(os.pathsep)[0],
                          'ansible_collections', 'identity', 'okta')
SAMPLES = {'str': 'x1', 'list': ['x1'], 'bool': True, 'int': 1, 'float': 1.0, 'path': '/nonexistent/x1',
           'dict': {}, 'raw': 'x1'}
WRONG_TYPE = {'int': 'soon', 'float': 'soon', 'bool': 'soon', 'dict': 'soon', 'list': {'a': 'b'}}
# What a module that crashed instead of failing shows (ansible-core 2.19 and later put an "exception" of
# "(traceback unavailable)" into every failure: that alone is not one).
CRASH_SIGNS = ('object has no attribute', 'Traceback', 'Module failed:', 'MODULE FAILURE', 'Error:')


class SpecSeen(Exception):
    def __init__(self, kwargs):
        super(SpecSeen, self).__init__('spec seen')
        self.kwargs = kwargs


def module_names():
    with open(os.path.join(COLLECTION, 'meta', 'runtime.yml')) as handle:
        return yaml.safe_load(handle)['action_groups']['okta']


def spec_of(name):
    """The keyword arguments the module gives AnsibleModule: argument_spec, mutually_exclusive, ..."""
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(COLLECTION))))
    from ansible.module_utils import basic

    def seen(self, *args, **kwargs):
        raise SpecSeen(kwargs)

    original = basic.AnsibleModule.__init__
    basic.AnsibleModule.__init__ = seen
    try:
        module = importlib.import_module('ansible_collections.identity.okta.plugins.modules.%s' % name)
        module.main()
    except SpecSeen as exc:
        return exc.kwargs
    finally:
        basic.AnsibleModule.__init__ = original
    raise AssertionError('%s: main() never built its AnsibleModule' % name)


def valid_args(kwargs):
    """The fewest arguments that pass every check of the spec (each with a value of its type)."""
    spec = kwargs['argument_spec']
    args = {}
    for option, rules in spec.items():
        if rules.get('required'):
            args[option] = sample(rules)
    for group in kwargs.get('required_one_of') or []:
        if not any(o in args for o in group):
            args[group[0]] = sample(spec[group[0]])
    for rule in kwargs.get('required_if') or []:
        key, value, needed = rule[0], rule[1], rule[2]
        if args.get(key, spec[key].get('default')) == value:
            for option in (needed[:1] if len(rule) > 3 and rule[3] else needed):
                args.setdefault(option, sample(spec[option]))
    return args


def sample(rules):
    if rules.get('choices'):
        return rules['choices'][0]
    return SAMPLES[rules.get('type', 'str')]


def typo(option, spec):
    for candidate in (option[:-1], option + option[-1], option.replace('_', '')):
        if candidate not in spec:
            return candidate
    raise AssertionError('no typo of %s' % option)


def mistakes(name):
    """(kind, args, options the message must name) for every mistake the module's spec lets Ansible catch."""
    kwargs = spec_of(name)
    spec = kwargs['argument_spec']
    base = valid_args(kwargs)
    own = [o for o in spec if o not in base] or list(spec)
    wrong = typo(own[0], spec)
    cases = [('unknown option', dict(base, **{wrong: 'x'}), [wrong])]
    for option, rules in sorted(spec.items()):
        if rules.get('type', 'str') in WRONG_TYPE:
            cases.append(('wrong type', dict(base, **{option: WRONG_TYPE[rules['type']]}), [option]))
        if rules.get('choices'):
            cases.append(('bad choice', dict(base, **{option: 'not-a-choice'}), [option]))
        if rules.get('required'):
            cases.append(('missing required', dict((k, v) for k, v in base.items() if k != option), [option]))
    for pair in kwargs.get('mutually_exclusive') or []:
        args = dict(base)
        args.update((o, sample(spec[o])) for o in pair)
        cases.append(('mutually exclusive', args, list(pair)))
    for group in kwargs.get('required_one_of') or []:
        cases.append(('none of a required group', dict((k, v) for k, v in base.items() if k not in group),
                      list(group)))
    for rule in kwargs.get('required_if') or []:
        key, value, needed = rule[0], rule[1], rule[2]
        args = dict((k, v) for k, v in base.items() if k not in needed)
        args[key] = value
        cases.append(('required if %s=%s' % (key, value), args, list(needed)))
    return cases


def problems(result, named):
    """Why ``result`` is not a clean failure naming every option in ``named`` (an empty list if it is)."""
    found = []
    msg = str(result.get('msg', ''))
    if not result.get('failed'):
        found.append('did not fail')
    found += ['the message does not name %s' % o for o in named if o not in msg]
    found += ['the failure looks like a crash (%s)' % s for s in CRASH_SIGNS
              if s in msg or s in str(result.get('module_stderr', '')) or s in str(result.get('exception', ''))]
    return found


def run(command):
    completed = subprocess.run(command, env=dict(os.environ, ANSIBLE_NOCOLOR='1'), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, universal_newlines=True, check=False)
    return completed.stdout


def through_playbook(cases, directory):
    """Each mistake as a playbook task; the registered results, in order."""
    tasks = [{'name': '%s: %s' % (name, kind), 'identity.okta.%s' % name: args, 'ignore_errors': True,
              'register': 'mistake_%d' % number} for number, (name, kind, args, named) in enumerate(cases)]
    results = os.path.join(directory, 'results.json')
    tasks.append({'name': 'Keep the results', 'ansible.builtin.copy': {
        'dest': results, 'content': '{{ [%s] | to_json }}' % ', '.join('mistake_%d' % n for n in range(len(cases)))}})
    playbook = os.path.join(directory, 'mistakes.yml')
    with open(playbook, 'w') as handle:
        yaml.safe_dump([{'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}], handle)
    output = run(['ansible-playbook', playbook])
    if not os.path.exists(results):
        raise AssertionError('the playbook did not run to the end:\n%s' % output)
    with open(results) as handle:
        return json.load(handle)


def through_ad_hoc(name, args):
    """The result of `ansible localhost -m identity.okta.NAME -a ARGS`, read from what it prints
    (``localhost | FAILED! => {...}``)."""
    # No -a for no arguments: ansible reads '{}' as a raw parameter.
    output = run(['ansible', 'localhost', '-m', 'identity.okta.%s' % name] + (['-a', json.dumps(args)] if args else []))
    match = re.search(r'^localhost \| (\w+)!? => ', output, re.M)
    if not match:
        raise AssertionError('ansible -m identity.okta.%s gave no result:\n%s' % (name, output))
    result, dummy = json.JSONDecoder().raw_decode(output[match.end():])
    result['failed'] = match.group(1) == 'FAILED'
    return result


def api_calls():
    url = os.environ['OKTA_ORG_URL'] + '/_simulator/state?summary=1'
    return sum(json.load(urllib.request.urlopen(url))['requestCounts'].values())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--inventory')
    parser.add_argument('-v', '--verbose', action='count')
    options, dummy = parser.parse_known_args()
    cases = [(name, kind, args, named) for name in module_names() for kind, args, named in mistakes(name)]
    modules = sorted(set(c[0] for c in cases))
    calls_before = api_calls()
    failures = []

    directory = tempfile.mkdtemp(prefix='okta-mistakes-')
    for (name, kind, args, named), result in zip(cases, through_playbook(cases, directory)):
        for problem in problems(result, named):
            failures.append('playbook, %s, %s %s: %s' % (name, kind, json.dumps(args), problem))

    # Through `ansible localhost -m`: the first mistake of each kind of every module.
    firsts = {}
    for case in cases:
        firsts.setdefault((case[0], case[1].split(' if ')[0]), case)
    for name, kind, args, named in firsts.values():
        for problem in problems(through_ad_hoc(name, args), named):
            failures.append('ansible -m, %s, %s %s: %s' % (name, kind, json.dumps(args), problem))
    subprocess.call(['rm', '-rf', directory])

    sent = api_calls() - calls_before
    if sent:
        failures.append('%d API calls reached Okta; a mistake Ansible catches must cost none' % sent)
    if len(modules) != len(module_names()):
        failures.append('mistakes were made for %s only' % ', '.join(modules))
    for failure in failures:
        print('FAILED: %s' % failure)
    checks = len(cases) + len(firsts)
    print('%d modules, %d mistakes through a playbook and %d through ansible -m: %d passed, %d failed'
          % (len(modules), len(cases), len(firsts), checks - min(checks, len(failures)), len(failures)))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
