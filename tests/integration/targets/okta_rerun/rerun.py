# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 18: the second hour of an incident, through the shipped playbooks. A rerun must never leave an
attacker signed in: the journal resumes an interrupted run, and only that. Each case runs ansible-playbook
as a responder does (in a directory of its own) and checks its exit code and what the simulator saw."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import glob
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

URL = os.environ['OKTA_ORG_URL']
ROOT = sys.argv[1]
WORK = tempfile.mkdtemp(prefix='okta-rerun-')
HOST = urllib.parse.urlsplit(URL).hostname  # the journals are named by the org's host


# -- the simulator --------------------------------------------------------------------------------------

def admin(action, body=None, url=URL):
    request = urllib.request.Request('%s/_simulator/%s' % (url, action), method='POST' if body is not None else 'GET',
                                     data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(request, timeout=30) as answer:
        text = answer.read()
    return json.loads(text) if text else None


def state():
    return admin('state')


def sign_in(login, ip=None):
    """The attacker (or the user) signs in again: a new session, logged in the System Log from ip."""
    return admin('sessions', dict({'login': login}, **({'ip': ip} if ip else {})))


def logins(first, last):
    return ['user%d@example.com' % n for n in range(first, last + 1)]


def ids(names, now=None):
    by_login = dict((u['login'], u['id']) for u in (now or state())['users'])
    return [by_login[name] for name in names]


def sessions_of(names, now=None):
    now = now or state()
    wanted = set(ids(names, now))
    return [s for s in now['sessions'] if s['userId'] in wanted]


def sign_outs(names, now=None):
    """How many times each user was signed out (DELETE /api/v1/users/{id}/sessions), by user ID."""
    now = now or state()
    wanted = set(ids(names, now))
    counted = collections.Counter(r['userId'] for r in now['revocations'] if r['kind'] == 'user' and r['userId'] in wanted)
    return dict((user_id, counted.get(user_id, 0)) for user_id in wanted)


def tokens_of(names, now=None):
    now = now or state()
    wanted = set(ids(names, now))
    return [t for t in now['refreshTokens'] if t['userId'] in wanted]


# -- the playbooks --------------------------------------------------------------------------------------

def case_dir(case):
    path = os.path.join(WORK, case)
    if not os.path.isdir(path):
        os.makedirs(path)
    return path


def start(case, playbook, *args, **kwargs):
    """ansible-playbook in its own process group (as a terminal starts it), its output in <case>/<log>.log."""
    log = os.path.join(case_dir(case), kwargs.get('log', playbook.split('.')[0]) + '.log')
    # The playbooks put their reports, journals and relative files under $PWD, as a shell sets it.
    environment = dict(os.environ, ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
                       PYTHONUNBUFFERED='1', PWD=case_dir(case))
    with open(log, 'a') as output:
        process = subprocess.Popen(
            ['ansible-playbook', '-i', 'localhost,', '-c', 'local', '-e', 'ansible_python_interpreter=%s' % sys.executable,
             os.path.join(ROOT, 'playbooks', playbook)] + list(args),
            cwd=case_dir(case), stdout=output, stderr=subprocess.STDOUT, env=environment, start_new_session=True)
    process.log = log
    process.log_start = os.path.getsize(log)
    return process


def output_of(process):
    with open(process.log) as handle:
        handle.seek(process.log_start)
        return handle.read()


def finish(process, rc=0, says=()):
    """Wait for the run; check its exit code (an int, or a test) and what it printed."""
    process.wait(timeout=120)
    text = output_of(process)
    ok = rc(process.returncode) if callable(rc) else process.returncode == rc
    missing = [s for s in says if s not in text]
    if not ok or missing:
        print(text[-6000:])
        raise AssertionError('%s: exit code %s%s' % (
            process.log, process.returncode, ', missing %r' % missing if missing else ''))
    return text


def play(case, playbook, *args, **kwargs):
    rc, says = kwargs.pop('rc', 0), kwargs.pop('says', ())
    return finish(start(case, playbook, *args, **kwargs), rc, says)


def users_arg(names):
    return json.dumps({'users': names})


def reports(case, prefix):
    """The JSON reports of a case, oldest first, as (path, document)."""
    paths = sorted(glob.glob(os.path.join(case_dir(case), 'okta-reports', prefix + '-*.json')), key=os.path.getmtime)
    found = []
    for path in paths:
        with open(path) as handle:
            found.append((path, json.load(handle)))
    return found


def journal(case, incident, run):
    return os.path.join(case_dir(case), 'okta-journals', '%s-%s-%s.jsonl' % (HOST, incident, run))


def journal_records(path):
    records = []
    with open(path) as handle:
        for line in handle:
            try:
                records.append(json.loads(line))
            except ValueError:
                continue  # a line being written, or cut short by kill -9
    return records


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


# -- the cases --------------------------------------------------------------------------------------------

def a_same_command_after_a_finished_run():
    """The user was signed out; the attacker signs in again; the same command signs them out again."""
    user = logins(1, 1)
    command = ('-e', 'incident=INC-A', '-e', users_arg(user))
    play('a', 'revoke_user_sessions.yml', *command)
    assert sessions_of(user) == []
    sign_in(user[0], ip='203.0.113.10')
    assert len(sessions_of(user)) == 1
    play('a', 'revoke_user_sessions.yml', *command)
    assert sessions_of(user) == [], 'the attacker is still signed in after the rerun'
    assert list(sign_outs(user).values()) == [2], sign_outs(user)
    first, second = [document for path, document in reports('a', 'revoke-user-sessions')]
    assert second['summary']['users']['cleared'] == 1 and second['summary']['users']['skipped_done'] == 0, second['summary']
    run = second['summary']['journal_run']
    assert run['resumed'] is False and 'ran to the end' in run['started_over'], run
    assert first['summary']['journal_run']['run_id'] != run['run_id']
    print('a: same command after a finished run: the new session is gone (signed out twice, rc 0)')


def b_from_an_address_and_oauth_tokens():
    # revoke_sessions_from_ip, scope users: a finished run's journal must not skip the user seen there again.
    user = logins(2, 2)
    sign_in(user[0], ip='198.18.2.2')
    command = ('-e', '{"ips": ["198.18.2.2"]}', '-e', 'since=1h', '-e', 'scope=users', '-e', 'incident=INC-B')
    play('b', 'revoke_sessions_from_ip.yml', *command)
    assert sessions_of(user) == []
    sign_in(user[0], ip='198.18.2.2')
    play('b', 'revoke_sessions_from_ip.yml', *command)
    assert sessions_of(user) == [], 'the attacker signed in again from the address is still signed in'
    assert list(sign_outs(user).values()) == [2], sign_outs(user)

    # oauth_tokens false, then true (same incident and users): the second run revokes the tokens.
    user = logins(3, 3)
    admin('refresh-tokens', {'login': user[0], 'count': 2})
    assert len(tokens_of(user)) == 2
    command = ('-e', 'incident=INC-B', '-e', users_arg(user))
    play('b', 'revoke_user_sessions.yml', *command + ('-e', 'oauth_tokens=false'))
    assert sessions_of(user) == [] and len(tokens_of(user)) == 2, tokens_of(user)
    play('b', 'revoke_user_sessions.yml', *command + ('-e', 'oauth_tokens=true'))
    assert tokens_of(user) == [], 'the OAuth tokens survived the run with oauth_tokens=true'
    assert os.path.exists(journal('b', 'INC-B', 'revoke-user-sessions-no-tokens'))
    assert os.path.exists(journal('b', 'INC-B', 'revoke-user-sessions-tokens'))
    print('b: revoke_sessions_from_ip (scope users) again after a new sign-in from the address: gone; '
          'oauth_tokens false then true: tokens gone')


def c_wrong_org_first():
    users = logins(11, 13)
    before = sessions_of(users)
    launched = subprocess.run([sys.executable, os.path.join(ROOT, 'tests', 'okta_simulator'), '--background',
                               '--profile', 'developer', '--time-scale', '20', '--users', '3'],
                              stdout=subprocess.PIPE, check=True, universal_newlines=True)
    wrong = dict(line.split('=', 1) for line in launched.stdout.split())
    try:
        command = ('-e', 'incident=INC-C', '-e', users_arg(users))
        wrong_org = ('-e', 'okta_org_url=' + wrong['OKTA_ORG_URL'], '-e', 'okta_api_token=' + wrong['OKTA_API_TOKEN'])
        play('c', 'revoke_user_sessions.yml', *command + wrong_org,
             rc=2, says=['not found (fail_on_not_found): user11@example.com'])
        assert len(sessions_of(users)) == len(before) == 3 and set(sign_outs(users).values()) == {0}
        play('c', 'revoke_user_sessions.yml', *command)
    finally:
        os.kill(int(wrong['OKTA_SIMULATOR_PID']), signal.SIGTERM)
    assert sessions_of(users) == [], sessions_of(users)
    assert set(sign_outs(users).values()) == {1}, sign_outs(users)
    print('c: the wrong org first fails (not found, rc 2); the right org with the same incident signs everyone out')


def d_escalation_from_sessions_to_users():
    users = logins(21, 22)
    for login in users:
        sign_in(login, ip='198.18.4.4')
    assert len(sessions_of(users)) == 4  # the seeded session of each, and one from 198.18.4.4
    command = ('-e', '{"ips": ["198.18.4.4"]}', '-e', 'since=1h', '-e', 'incident=INC-D')
    play('d', 'revoke_sessions_from_ip.yml', *command)  # scope sessions (the default): the two from there
    left = sessions_of(users)
    assert len(left) == 2 and set(sign_outs(users).values()) == {0}, left
    play('d', 'revoke_sessions_from_ip.yml', *command + ('-e', 'scope=users'))
    assert sessions_of(users) == [], 'scope users left sessions of the users seen'
    assert set(sign_outs(users).values()) == {1}, sign_outs(users)
    [(path, document)] = reports('d', 'revoke-sessions-from-ip')[-1:]
    assert sorted(r['result'] for r in document['results']) == ['cleared', 'cleared'], document['results']
    print('d: scope sessions, then scope users on the same addresses: every session of both users gone')


def e_two_responders_at_once():
    users = logins(31, 110)
    with open(os.path.join(case_dir('e'), 'users.txt'), 'w') as handle:
        handle.write('\n'.join(users) + '\n')
    command = ('-e', 'incident=INC-E', '-e', 'users_file=users.txt')
    runs = [start('e', 'revoke_user_sessions.yml', *command, log='responder-%d' % n) for n in (1, 2)]
    for process in runs:
        process.wait(timeout=120)
    codes = sorted(p.returncode for p in runs)
    loser = [p for p in runs if p.returncode != 0]
    assert codes == [0, 2], [(p.returncode, output_of(p)[-3000:]) for p in runs]
    assert 'in use by another run' in output_of(loser[0]), output_of(loser[0])[-3000:]
    counts = sign_outs(users)
    assert set(counts.values()) == {1}, collections.Counter(counts.values())
    found = reports('e', 'revoke-user-sessions')
    assert len(found) == 2 and len(set(path for path, document in found)) == 2, found
    by_rows = sorted((len(document['results']), document['summary']['partial']) for path, document in found)
    # The losing run reports nothing of the other's run as its own.
    assert by_rows in ([(0, True), (80, False)], [(0, 'True'), (80, 'False')]), by_rows
    print('e: two responders at once: 80 users signed out once each; one run refused (journal in use), '
          'two reports: %s' % ', '.join(os.path.basename(path) for path, document in found))


def f_files():
    user = logins(5, 5)
    case = case_dir('f')
    # A report directory made on purpose (a shared incident folder) keeps its mode.
    os.mkdir(os.path.join(case, 'okta-reports'))
    os.chmod(os.path.join(case, 'okta-reports'), 0o750)
    command = ('-e', 'incident=INC-F', '-e', users_arg(user))
    text = play('f', 'revoke_user_sessions.yml', *command)
    assert 'changed=1' in text.split('PLAY RECAP')[-1], text[-500:]
    path = journal('f', 'INC-F', 'revoke-user-sessions-tokens')
    assert mode(path) == 0o600 and mode(os.path.dirname(path)) == 0o700, (oct(mode(path)), path)
    assert mode(os.path.join(case, 'okta-reports')) == 0o750
    for report in glob.glob(os.path.join(case, 'okta-reports', '*')):
        assert mode(report) == 0o600, (report, oct(mode(report)))
    for report in glob.glob(os.path.join(case_dir('a'), 'okta-reports')):  # made by the playbook
        assert mode(report) == 0o700, oct(mode(report))

    # A run that changes nothing says so (writing its reports is not a change).
    text = play('f', 'revoke_sessions.yml', '-e', 'incident=INC-F', '-e', '{"session_ids": ["102unknownSessionId000000"]}')
    assert 'changed=0' in text.split('PLAY RECAP')[-1], text[-500:]

    # An incident that is not a plain name is refused before any change, naming incident.
    sign_in(user[0])
    files = sorted(glob.glob(os.path.join(WORK, '**', '*.json*'), recursive=True))
    play('f', 'revoke_user_sessions.yml', '-e', 'incident=../../x', '-e', users_arg(user),
         rc=lambda code: code != 0, says=['incident must be a plain name'])
    assert len(sessions_of(user)) == 1 and list(sign_outs(user).values()) == [1]
    assert sorted(glob.glob(os.path.join(WORK, '**', '*.json*'), recursive=True)) == files, 'a file was written'

    # A journal others can write to is refused before any change.
    os.chmod(path, 0o666)
    play('f', 'revoke_user_sessions.yml', *command, rc=2, says=['can be written by others'])
    assert len(sessions_of(user)) == 1 and list(sign_outs(user).values()) == [1]
    os.chmod(path, 0o600)

    # A journal that is a symbolic link is refused before any change, and the file it points to is untouched.
    elsewhere = os.path.join(case, 'elsewhere.jsonl')
    os.rename(path, elsewhere)
    os.symlink(elsewhere, path)
    with open(elsewhere) as handle:
        kept = handle.read()
    play('f', 'revoke_user_sessions.yml', *command, rc=2, says=['is a symbolic link'])
    assert len(sessions_of(user)) == 1 and list(sign_outs(user).values()) == [1]
    with open(elsewhere) as handle:
        assert handle.read() == kept
    print('f: journal 0600 in 0700, reports 0600, an existing report_dir kept 0750, a run that changed nothing '
          'changed=0; incident=../../x, a writable journal and a symlinked journal refused before any change')


def g_users_file_from_windows():
    users = logins(6, 8)
    with open(os.path.join(case_dir('g'), 'users.txt'), 'wb') as handle:
        handle.write(('\ufeff%s\r\n%s\r\n# from the ticket\r\n\r\n%s\r\n' % tuple(users)).encode('utf-8'))
    play('g', 'revoke_user_sessions.yml', '-e', 'incident=INC-G', '-e', 'users_file=users.txt')
    assert sessions_of(users) == [] and set(sign_outs(users).values()) == {1}
    [(path, document)] = reports('g', 'revoke-user-sessions')
    assert sorted((r['user'], r['result']) for r in document['results']) == [(u, 'cleared') for u in users], document
    print('g: a users file with a byte order mark and CRLF line ends: all 3 signed out, rc 0')


def descendants(pid):
    children = collections.defaultdict(list)
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                with open('/proc/%s/stat' % entry) as handle:
                    fields = handle.read().rsplit(')', 1)[1].split()
                children[int(fields[1])].append(int(entry))
            except (IOError, OSError, IndexError):
                continue
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def module_process(process):
    """The python process that runs okta_user_sessions for this ansible-playbook."""
    deadline = time.time() + 30
    while time.time() < deadline:
        for pid in descendants(process.pid):
            try:
                with open('/proc/%d/cmdline' % pid, 'rb') as handle:
                    argv = handle.read().split(b'\0')
                # python .../AnsiballZ_okta_user_sessions.py, not the /bin/sh -c '... && sleep 0' that started it
                if any(arg.endswith(b'/AnsiballZ_okta_user_sessions.py') for arg in argv):
                    return pid
            except (IOError, OSError):
                continue
        time.sleep(0.1)
    raise AssertionError('no module process under ansible-playbook %d' % process.pid)


def wait_for_rate_limit(path, names, deadline=60):
    """Until the run waits for the users rate limit, with some but not all of names signed out."""
    ends = time.time() + deadline
    while time.time() < ends:
        done = sum(sign_outs(names).values())
        waiting = os.path.exists(path) and any(r.get('waiting') for r in journal_records(path) if r['event'] == 'progress')
        if 0 < done < len(names) and waiting:
            return done
        time.sleep(0.1)
    raise AssertionError('the run never waited for the rate limit')


def signal_all(pids, number):
    for pid in pids:
        try:
            os.kill(pid, number)
        except OSError:
            pass  # ended already


def gone(pid, deadline=30):
    ends = time.time() + deadline
    while time.time() < ends:
        try:
            with open('/proc/%d/stat' % pid) as handle:
                if handle.read().rsplit(')', 1)[1].split()[0] == 'Z':
                    return  # ended; its new parent has not reaped it yet
        except (IOError, OSError):
            return
        time.sleep(0.1)
    raise AssertionError('process %d still runs' % pid)


def h_interrupted_then_the_same_command(how, first, last):
    """how: SIGINT to the process group (Ctrl-C), SIGTERM to ansible-playbook (a job cancelled), or kill -9 of
    the module's process. The same command again resumes: nobody signed out twice but the calls in flight at
    kill -9."""
    users = logins(first, last)
    case = 'h-' + how
    with open(os.path.join(case_dir(case), 'users.txt'), 'w') as handle:
        handle.write('\n'.join(users) + '\n')
    incident = 'INC-H-' + how
    command = ('-e', 'incident=' + incident, '-e', 'users_file=users.txt')
    path = journal(case, incident, 'revoke-user-sessions-tokens')
    process = start(case, 'revoke_user_sessions.yml', *command)
    module = module_process(process)
    done = wait_for_rate_limit(path, users)
    # ansible-core passes SIGINT and SIGTERM on to the module through its worker process. It does not always:
    # here about one run in fifteen the module ran on to the end as if nothing had happened, and after Ctrl-C
    # ansible-playbook sometimes hangs in its cleanup (the worker was killed holding the result queue's lock).
    # What is tested here is the journal, so the signal also goes to the module, as ansible-core means it to,
    # and a hung ansible-playbook gets a second Ctrl-C, as a responder would give it.
    # The module may run in a child of the AnsiballZ process (ansible-core 2.21 does): the signal goes to both.
    modules = [module] + descendants(module)
    if how == 'ctrl-c':
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: ansible-playbook's foreground process group
        signal_all(modules, signal.SIGINT)
    elif how == 'sigterm':
        os.kill(process.pid, signal.SIGTERM)  # a job cancelled (AWX, a CI timeout)
        signal_all(modules, signal.SIGTERM)
    else:
        signal_all(modules, signal.SIGKILL)
    for pid in modules:
        gone(pid)  # the module finishes the calls in flight and records them, then lets go of the journal
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        print('h: %s: ansible-playbook still ran 15 s after the module ended; a second Ctrl-C' % how)
        os.killpg(process.pid, signal.SIGINT)
    finish(process, rc=lambda code: code != 0)
    records = journal_records(path)
    if how == 'kill-9':
        assert records[-1]['event'] not in ('end', 'stopped'), records[-1]
    else:
        assert records[-1]['event'] == 'stopped' and 'interrupted (SIG' in records[-1]['reason'], records[-1]
    last_state = {}
    for record in records:
        if record['event'] in ('attempted', 'outcome'):
            last_state[record['user_id']] = record['event']
    in_flight = set(user_id for user_id, event in last_state.items() if event == 'attempted')
    before = sign_outs(users)
    assert 0 < sum(before.values()) < len(users), (done, sum(before.values()))

    play(case, 'revoke_user_sessions.yml', *command)
    counts = sign_outs(users)
    twice = set(user_id for user_id, count in counts.items() if count > 1)
    assert sessions_of(users) == [] and min(counts.values()) == 1, collections.Counter(counts.values())
    assert twice <= in_flight and max(counts.values()) <= 2, (twice - in_flight, collections.Counter(counts.values()))
    if how != 'kill-9':
        assert not twice, twice
    document = reports(case, 'revoke-user-sessions')[-1][1]
    run = document['summary']['journal_run']
    reached_okta = set(user_id for user_id, count in before.items() if count)
    assert run['resumed'] is True and run['skipped_done'] == len(reached_okta - in_flight), (run, len(in_flight))
    print('h: %s after %d of %d sign-outs, then the same command: resumed (%d skipped), everyone signed out; '
          'twice: %d (in flight at the kill: %d)' % (how, sum(before.values()), len(users), run['skipped_done'],
                                                     len(twice), len(in_flight)))


CASES = [
    ('a', a_same_command_after_a_finished_run),
    ('b', b_from_an_address_and_oauth_tokens),
    ('c', c_wrong_org_first),
    ('d', d_escalation_from_sessions_to_users),
    ('e', e_two_responders_at_once),
    ('f', f_files),
    ('g', g_users_file_from_windows),
    ('h-ctrl-c', lambda: h_interrupted_then_the_same_command('ctrl-c', 201, 300)),
    ('h-sigterm', lambda: h_interrupted_then_the_same_command('sigterm', 301, 400)),
    ('h-kill-9', lambda: h_interrupted_then_the_same_command('kill-9', 401, 500)),
]

if __name__ == '__main__':
    started = time.time()
    chosen = os.environ.get('OKTA_RERUN_CASES', '').split()  # e.g. "a h-kill-9": only those (default: every case)
    for name, case in CASES:
        if not chosen or name in chosen:
            begun = time.time()
            case()
            print('   (%s: %.0f s)' % (name, time.time() - begun))
    print('okta_rerun: every case passed in %d s (work directory %s)' % (time.time() - started, WORK))
