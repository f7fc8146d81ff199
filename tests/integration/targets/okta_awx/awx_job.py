#!/usr/bin/env python
"""Issue 20: several Okta orgs in one run, and the shipped playbooks as AWX runs them.

Three simulators are three orgs (org-a, org-b, org-c in the inventory). Each case runs the shipped playbooks and reads
each simulator's state to see what happened to each org:

1. ansible-playbook -i <inventory of 3 orgs> -e okta_hosts=okta_orgs: every org signed out, each from its own host
   vars (org-a from the environment, the fallback), in parallel, with reports and journals named per org.
2. An AWX job through ansible-runner: a private data dir as AWX lays it out (inventory/hosts a script printing the
   inventory's JSON, env/envvars from a credential injector, env/extravars from the job template and survey,
   project/ holding the job template's playbook and a committed okta-protected.yml; the project dir is the working
   dir and PWD is the private data dir, as AWX runs jobs). Every org signed out but the protected user; reports and
   journals in the job's artifact dir; the live progress lines in the job events; no token in any file the run wrote.
3. Two more jobs with no PWD at all: a protected_file named but missing stops the job before any change; an explicit
   okta_state_dir holds the reports and journals.
"""

import glob
import json
import os
import shutil
import stat
import subprocess
import sys
import time
import urllib.parse
import urllib.request

ROOT = os.environ['COLLECTION_ROOT']
ORGS = {
    'org-a': (os.environ['ORG_A_URL'], os.environ['ORG_A_TOKEN']),
    'org-b': (os.environ['ORG_B_URL'], os.environ['ORG_B_TOKEN']),
    'org-c': (os.environ['ORG_C_URL'], os.environ['ORG_C_TOKEN']),
}
HOSTS = dict((name, urllib.parse.urlsplit(url).hostname) for name, (url, dummy) in ORGS.items())
WORK = os.getcwd()


def state(name):
    with urllib.request.urlopen(ORGS[name][0] + '/_simulator/state') as answer:
        return json.load(answer)


def sessions_of(name, logins):
    """{login: number of sessions} in org `name`."""
    current = state(name)
    ids = dict((u['login'], u['id']) for u in current['users'])
    return dict((login, sum(1 for s in current['sessions'] if s['userId'] == ids[login])) for login in logins)


def revocations(name):
    return len([r for r in state(name)['revocations'] if r['kind'] == 'user'])


def check_signed_out(case, signed_out, kept):
    for name in ORGS:
        left = sessions_of(name, signed_out + kept)
        assert all(left[login] == 0 for login in signed_out), (case, name, left)
        assert all(left[login] == 2 for login in kept), (case, name, 'a user not named was signed out', left)


def check_reports(case, directory, prefix, expected):
    """One report per org, named by the org's host, every row saying which org it is."""
    for name, host in HOSTS.items():
        [report] = glob.glob(os.path.join(directory, 'okta-reports', '%s-%s-*.json' % (prefix, host)))
        document = json.load(open(report))
        assert document['summary']['org'] == host and document['summary']['inventory_host'] == name, document['summary']
        assert sorted((r['org'], r['user'], r['result']) for r in document['results']) == \
            sorted((host, user, result) for user, result in expected.items()), (case, name, document['results'])
        [csv_report] = glob.glob(report[:-len('.json')] + '.csv')
        lines = open(csv_report).read().splitlines()
        assert lines[0].startswith('org,time,user,') and all(line.startswith(host + ',') for line in lines[1:]), lines
        assert os.stat(report).st_mode & 0o777 == 0o600


def journals(directory):
    return sorted(os.path.basename(p) for p in glob.glob(os.path.join(directory, 'okta-journals', '*.jsonl')))


def journal_window(path):
    """(first, last) time of a journal's records."""
    times = [json.loads(line).get('time') for line in open(path)]
    times = sorted(t for t in times if t)
    return times[0], times[-1]


def no_token_in(directory, skip=()):
    """Every file under directory (but those in skip) is free of every org's token."""
    checked = 0
    for top, dirs, files in os.walk(directory):
        for name in files:
            path = os.path.join(top, name)
            if any(path == s or path.startswith(s + os.sep) for s in skip) or not os.path.isfile(path):
                continue
            data = open(path, 'rb').read()
            checked += 1
            for org, (dummy, token) in ORGS.items():
                assert token.encode() not in data, '%s token in %s' % (org, path)
    return checked


# -- 1. ansible-playbook on an inventory of three orgs ------------------------------------------------------
def plain_run():
    case = os.path.join(WORK, 'plain')
    os.mkdir(case)
    with open(os.path.join(case, 'inventory.yml'), 'w') as handle:
        handle.write('okta_orgs:\n  hosts:\n')
        for name, (url, token) in ORGS.items():
            handle.write('    %s:\n      okta_org_url: %s\n' % (name, url))
            if name != 'org-a':  # org-a's token comes from the environment (OKTA_API_TOKEN), as before
                handle.write('      okta_api_token: %s\n' % token)
    with open(os.path.join(case, 'users.txt'), 'w') as handle:
        handle.write(''.join('user%d@example.com\n' % i for i in range(1, 7)))
    environment = dict(os.environ, PWD=case, OKTA_ORG_URL=ORGS['org-a'][0], OKTA_API_TOKEN=ORGS['org-a'][1],
                       ANSIBLE_LOCALHOST_WARNING='false', PYTHONUNBUFFERED='1')
    started = time.time()
    completed = subprocess.run(
        ['ansible-playbook', '-i', 'inventory.yml', '-e', 'okta_hosts=okta_orgs', '-e', 'users_file=users.txt',
         '-e', 'incident=INC-20', '-e', 'concurrency=1', '-f', '5',
         os.path.join(ROOT, 'playbooks', 'revoke_user_sessions.yml')],
        cwd=case, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False)
    output = completed.stdout
    open(os.path.join(case, 'run.log'), 'w').write(output)
    assert completed.returncode == 0, output[-3000:]
    check_signed_out('plain', ['user%d@example.com' % i for i in range(1, 7)], ['user7@example.com'])
    check_reports('plain', case, 'revoke-user-sessions', dict(('user%d@example.com' % i, 'cleared') for i in range(1, 7)))
    assert journals(case) == sorted('%s-INC-20-revoke-user-sessions-tokens.jsonl' % h for h in HOSTS.values()), journals(case)
    for name in ORGS:
        assert '%s | okta_user_sessions: plan: 6 targets, 6 to act on' % name in output, (name, output[-3000:])
    assert 'ok=' in output and output.count('failed=0') == 3, output[-1500:]
    # The orgs ran side by side (forks), each with its own client: their sign-outs overlap in time.
    windows = [journal_window(p) for p in glob.glob(os.path.join(case, 'okta-journals', '*.jsonl'))]
    assert max(w[0] for w in windows) < min(w[1] for w in windows), ('the orgs ran one after another', windows)
    print('1. ansible-playbook -e okta_hosts=okta_orgs: 3 orgs signed out (org-a from the environment), side by side '
          '(%.1f s), 3 reports and 3 journals named by org' % (time.time() - started))


# -- 2. and 3. AWX jobs through ansible-runner ----------------------------------------------------------------
INVENTORY_SCRIPT = '''#! /usr/bin/env python3
# -*- coding: utf-8 -*-
print(%r)
'''


def private_data_dir(name, extravars, protected=None):
    """A private data dir as AWX writes it for a job (awx/main/tasks/jobs.py: build_private_data_files, build_env,
    build_inventory, build_extra_vars_file), with the project synced into project/."""
    base = os.path.join(WORK, name)
    for sub in ('env', 'inventory', 'project'):
        os.makedirs(os.path.join(base, sub))
    # The inventory of orgs: each org's URL is a host var; its token comes from the "Okta orgs" credential, one
    # secret field holding every org's token, injected as OKTA_ORG_TOKENS (docs/awx.md).
    inventory = {
        'all': {'children': ['ungrouped', 'okta_orgs']},
        'okta_orgs': {
            'hosts': sorted(ORGS),
            'vars': {'okta_api_token': "{{ (lookup('ansible.builtin.env', 'OKTA_ORG_TOKENS') | from_json)[inventory_hostname] }}"},
        },
        '_meta': {'hostvars': dict((n, {'okta_org_url': url, 'remote_tower_id': i})
                                   for i, (n, (url, dummy)) in enumerate(sorted(ORGS.items())))},
    }
    path = os.path.join(base, 'inventory', 'hosts')
    with open(path, 'w') as handle:
        handle.write(INVENTORY_SCRIPT % json.dumps(inventory))
    os.chmod(path, stat.S_IRUSR | stat.S_IXUSR | stat.S_IWUSR)
    with open(os.path.join(base, 'env', 'envvars'), 'w') as handle:
        json.dump({'OKTA_ORG_TOKENS': json.dumps(dict((n, t) for n, (dummy, t) in ORGS.items())),
                   'JOB_ID': '20', 'ANSIBLE_LOCALHOST_WARNING': 'False'}, handle)
    with open(os.path.join(base, 'env', 'extravars'), 'w') as handle:
        json.dump(extravars, handle)
    # The job template's playbook (docs/awx.md, 3. Add a project): survey answers, one entry a line, into lists.
    with open(os.path.join(base, 'project', 'revoke_user_sessions.yml'), 'w') as handle:
        handle.write('''---
- name: Sign users out of Okta everywhere
  ansible.builtin.import_playbook: identity.okta.revoke_user_sessions
  vars:
    users: "{{ users_text | default('') | split('\\n') | map('trim') | reject('equalto', '') | list }}"
    user_groups: "{{ user_groups_text | default('') | split('\\n') | map('trim') | reject('equalto', '') | list }}"
''')
    if protected:
        with open(os.path.join(base, 'project', 'okta-protected.yml'), 'w') as handle:
            handle.write('protected_users:\n' + ''.join('  - %s\n' % u for u in protected))
    return base


def run_job(base, ident, pwd):
    """ansible_runner.run as AWX's worker runs a job: the project dir is the working dir, no shell around it."""
    import ansible_runner
    for variable in ('OKTA_ORG_URL', 'OKTA_API_TOKEN', 'PWD'):
        os.environ.pop(variable, None)
    if pwd:
        os.environ['PWD'] = pwd
    result = ansible_runner.run(private_data_dir=base, playbook='revoke_user_sessions.yml', ident=ident, quiet=True,
                                project_dir=os.path.join(base, 'project'))
    stdout = open(os.path.join(base, 'artifacts', ident, 'stdout')).read()
    return result, stdout


def job_events(base, ident):
    events = []
    for path in glob.glob(os.path.join(base, 'artifacts', ident, 'job_events', '*.json')):
        events.append(json.load(open(path)))
    return sorted(events, key=lambda e: e.get('counter', 0))


def awx_jobs():
    try:
        import ansible_runner  # noqa: F401 (requirements/dev.txt)
    except ImportError:
        print('2., 3. SKIPPED: ansible-runner is not installed in this virtualenv (requirements/dev.txt pins it; the '
              'requirements of the 2.16 and 2.21 suites do not)')
        return
    import importlib.metadata
    version = importlib.metadata.version('ansible-runner')
    users = ['user8@example.com', 'user9@example.com', 'user10@example.com']
    before = dict((name, revocations(name)) for name in ORGS)

    # 2. the job: PWD is the private data dir (AWX: /runner), the project dir the working dir (/runner/project).
    base = private_data_dir('job-20', {'okta_hosts': 'okta_orgs', 'incident': 'INC-AWX',
                                       'users_text': '\n'.join(users) + '\n'}, protected=['user10@example.com'])
    started = time.time()
    result, stdout = run_job(base, '20', pwd=base)
    assert result.rc == 0 and result.status == 'successful', (result.rc, result.status, stdout[-3000:])
    check_signed_out('awx', users[:2], ['user10@example.com', 'user11@example.com'])
    artifacts = os.path.join(base, 'artifacts', '20')
    check_reports('awx', artifacts, 'revoke-user-sessions', {users[0]: 'cleared', users[1]: 'cleared',
                                                             users[2]: 'skipped_protected'})
    assert journals(artifacts) == sorted('%s-INC-AWX-revoke-user-sessions-tokens.jsonl' % h for h in HOSTS.values())
    strays = [p for p in glob.glob(os.path.join(base, '**', 'okta-*'), recursive=True)
              if not p.startswith(artifacts + os.sep) and not p.endswith('okta-protected.yml')]
    assert not strays, ('files outside the job artifact dir', strays)
    # The live progress lines reach AWX as job events.
    events = job_events(base, '20')
    for name in ORGS:
        progress = [e for e in events if '%s | okta_user_sessions: plan: 3 targets, 2 to act on, 1 protected' % name
                    in e.get('stdout', '')]
        done = [e for e in events if '%s | okta_user_sessions: 3/3 done' % name in e.get('stdout', '')]
        assert progress and done, (name, [e.get('stdout') for e in events if 'okta_user_sessions' in e.get('stdout', '')])
    kinds = sorted(set(e['event'] for e in events if 'okta_user_sessions: ' in e.get('stdout', '')))
    # No token in any file of the job but env/ (the credential AWX injected) and artifacts/<ident>/command, which
    # ansible-runner itself writes with the job's whole environment.
    checked = no_token_in(base, skip=(os.path.join(base, 'env'), os.path.join(artifacts, 'command')))
    print('2. AWX job (ansible-runner %s, %.1f s): 3 orgs signed out but the protected user from project/okta-protected.yml; '
          'reports and journals in artifacts/20/; progress lines in %s events; no token in %d files'
          % (version, time.time() - started, '/'.join(kinds), checked))

    # 3a. a protected_file named but missing: the job fails before any change. No PWD at all.
    counts = dict((name, revocations(name)) for name in ORGS)
    base = private_data_dir('job-21', {'okta_hosts': 'okta_orgs', 'users_text': 'user11@example.com',
                                       'protected_file': 'okta-protected-INC.yml'})
    result, stdout = run_job(base, '21', pwd=None)
    assert result.rc != 0 and 'protected_file okta-protected-INC.yml was not found' in stdout, (result.rc, stdout[-2000:])
    assert dict((name, revocations(name)) for name in ORGS) == counts, 'a change before the protected users were read'
    assert not glob.glob(os.path.join(base, '**', 'okta-*'), recursive=True)
    assert not os.path.exists('/okta-reports') and not os.path.exists('/okta-journals')

    # 3b. okta_state_dir (a persistent path in AWX): the reports and journals go there. No PWD at all.
    state_dir = os.path.join(WORK, 'incident-state')
    base = private_data_dir('job-22', {'okta_hosts': 'okta_orgs', 'users_text': 'user11@example.com',
                                       'incident': 'INC-AWX', 'okta_state_dir': state_dir})
    result, stdout = run_job(base, '22', pwd=None)
    assert result.rc == 0, (result.rc, stdout[-3000:])
    check_signed_out('state_dir', users[:2] + ['user11@example.com'], ['user10@example.com', 'user12@example.com'])
    check_reports('state_dir', state_dir, 'revoke-user-sessions', {'user11@example.com': 'cleared'})
    assert not glob.glob(os.path.join(base, 'artifacts', '22', 'okta-*'))
    assert not os.path.exists('/okta-reports') and not os.path.exists('/okta-journals')
    after = dict((name, revocations(name) - before[name]) for name in ORGS)
    assert after == {'org-a': 3, 'org-b': 3, 'org-c': 3}, after
    print('3. AWX jobs without PWD: a missing protected_file stopped the job before any change; okta_state_dir '
          'held the reports and journals; each org saw exactly its 3 sign-outs')


def spec_checked():
    """Orgs B and C checked every exchange against Okta's spec too (org A: setup_okta_simulator/start.sh)."""
    for name in ('org-b', 'org-c'):
        with urllib.request.urlopen(ORGS[name][0] + '/_simulator/state?summary=1') as answer:
            summary = json.load(answer)
        assert summary['specChecked'] > 0 and not summary['specViolations'], (name, summary['specViolations'])


if __name__ == '__main__':
    if os.path.exists('/okta-reports') or os.path.exists('/okta-journals'):
        sys.exit('/okta-reports or /okta-journals exists already: remove it, this test checks that nothing writes there')
    plain_run()
    awx_jobs()
    spec_checked()
    shutil.rmtree(WORK, ignore_errors=True)
