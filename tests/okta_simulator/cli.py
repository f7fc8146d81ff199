# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Command line of the simulator: foreground by default, ``--background`` to detach."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import json
import os
import signal
import subprocess
import sys
import time

from .server import Simulator


def endpoint_limit(text):
    key, dummy, value = text.rpartition('=')
    if not key or not value.isdigit():
        raise argparse.ArgumentTypeError('expected "METHOD /path/{id}=N", got %r' % text)
    return key.strip(), int(value)


def parse_args(argv):
    parser = argparse.ArgumentParser(prog='okta_simulator', description='A local Okta org for tests and demos.')
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=0, help='0 picks a free port (default)')
    parser.add_argument('--api-token', action='append', dest='api_tokens',
                        help='an API token to accept (repeatable; default: a random one, printed)')
    parser.add_argument('--access-token', action='append', dest='access_tokens', default=[],
                        help='an OAuth access token to accept as Bearer (repeatable)')
    parser.add_argument('--latency-ms', type=float, default=0, help='added to every API answer')
    parser.add_argument('--rate-limit', type=int, default=600, help='calls per window per endpoint (default 600)')
    parser.add_argument('--endpoint-rate-limit', type=endpoint_limit, action='append', default=[],
                        metavar='"METHOD /path/{id}=N"', help='override the limit of one endpoint')
    parser.add_argument('--rate-window-seconds', type=int, default=60)
    parser.add_argument('--fault-rate', type=float, default=0.0, help='share of API calls that fail (0..1)')
    parser.add_argument('--fault-kinds', default='503', help='comma list of 500,502,503,504,429,drop,slow,truncated')
    parser.add_argument('--clock-skew-seconds', type=float, default=0, help="shift the server's clock")
    parser.add_argument('--users', type=int, default=0)
    parser.add_argument('--sessions-per-user', type=int, default=0)
    parser.add_argument('--groups', type=int, default=0, help='users are spread round robin over group-1..N')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--oauth-client', action='append', default=[], metavar='CLIENT_ID=PUBLIC_KEY.pem',
                        help='register a service app that may use private_key_jwt (repeatable)')
    parser.add_argument('--check-spec', action='store_true',
                        help="validate every API exchange against Okta's OpenAPI spec (needs openapi-core)")
    parser.add_argument('--tls-cert', help='serve https with this PEM certificate (and --tls-key)')
    parser.add_argument('--tls-key')
    parser.add_argument('--ready-file', help='write the base URL and token here as JSON once listening')
    parser.add_argument('--background', action='store_true', help='detach; print the URL, token and pid, then exit')
    parser.add_argument('--log-file', default=os.devnull, help='output of a --background simulator')
    return parser.parse_args(argv)


def run_in_background(argv, args):
    ready_file = args.ready_file or os.path.join(
        os.environ.get('TMPDIR', '/tmp'), 'okta-simulator-%d-%d.json' % (os.getpid(), int(time.time())))
    child_argv = [a for a in argv if a != '--background']
    if not args.ready_file:
        child_argv += ['--ready-file', ready_file]
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(args.log_file, 'ab') as log:
        process = subprocess.Popen([sys.executable, os.path.join(package_parent, 'okta_simulator')] + child_argv,
                                   stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        if os.path.exists(ready_file) and os.path.getsize(ready_file):
            with open(ready_file) as handle:
                info = json.load(handle)
            print_info(info)
            print('OKTA_SIMULATOR_PID=%d' % process.pid)
            return 0
        if process.poll() is not None:
            sys.stderr.write('okta_simulator exited with %s before it was ready\n' % process.returncode)
            return 1
        time.sleep(0.05)
    process.kill()
    sys.stderr.write('okta_simulator did not start within 30 seconds\n')
    return 1


def print_info(info):
    print('OKTA_ORG_URL=%s' % info['orgUrl'])
    print('OKTA_API_TOKEN=%s' % info['apiToken'])
    sys.stdout.flush()


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.background:
        return run_in_background(argv, args)
    sim = Simulator(
        host=args.host, port=args.port, api_tokens=args.api_tokens, access_tokens=args.access_tokens,
        latency_ms=args.latency_ms, rate_limit=args.rate_limit, endpoint_rate_limits=dict(args.endpoint_rate_limit),
        rate_window_seconds=args.rate_window_seconds, fault_rate=args.fault_rate,
        fault_kinds=[k.strip() for k in args.fault_kinds.split(',') if k.strip()],
        clock_skew_seconds=args.clock_skew_seconds, seed=args.seed,
        users=args.users, sessions_per_user=args.sessions_per_user, groups=args.groups,
        tls_cert=args.tls_cert, tls_key=args.tls_key, check_spec=args.check_spec)
    for registration in args.oauth_client:
        client_id, dummy, key_path = registration.partition('=')
        with open(key_path) as handle:
            sim.oauth.register(client_id, handle.read())
    info = {'orgUrl': sim.base_url, 'apiToken': sim.api_token, 'pid': os.getpid()}
    if args.ready_file:
        temporary = args.ready_file + '.tmp'
        with open(temporary, 'w') as handle:
            json.dump(info, handle)
        os.rename(temporary, args.ready_file)
    print_info(info)
    signal.signal(signal.SIGTERM, lambda *args: sys.exit(0))
    sim.start()
    try:
        sim.wait()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        sim.stop()
    return 0
