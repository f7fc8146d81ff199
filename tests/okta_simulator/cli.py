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

from .limits import BUCKET_OF_ROUTE, BUCKET_PATHS, KIND, PROFILE_NAMES, PROFILES
from .server import FEATURES, Simulator
from .state import ENGINES, IDENTITY_ENGINE


def endpoint_limit(text):
    key, dummy, value = text.rpartition('=')
    if not key or not value.isdigit():
        raise argparse.ArgumentTypeError('expected "METHOD /path/{id}=N", got %r' % text)
    return key.strip(), int(value)


def bucket_limit(text):
    key, dummy, value = text.partition('=')
    if not key or not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError('expected BUCKET=N (N calls per minute), got %r' % text)
    return key.strip(), int(value)


def positive(kind):
    def parse(text):
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError('must be greater than 0')
        return value
    return parse


BUCKET_HELP = '; '.join('%s: %s' % (name, ', '.join(
    '%s %s' % route for route, bucket in sorted(BUCKET_OF_ROUTE.items()) if bucket == name)) for name in BUCKET_PATHS)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog='okta_simulator', description='A local Okta org for tests and demos. By default it limits calls as a '
        'developer org does: buckets shared by groups of endpoints, per-minute windows that start with a '
        "bucket's first call, 50% of each bucket per API token or OAuth app, 35 requests in flight. "
        'tests/okta_simulator/README.md says where each rule comes from.')
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=0, help='0 picks a free port (default)')
    parser.add_argument('--api-token', action='append', dest='api_tokens',
                        help='an API token to accept (repeatable; default: a random one, printed)')
    parser.add_argument('--access-token', action='append', dest='access_tokens', default=[],
                        help='an OAuth access token to accept as Bearer (repeatable; it never expires)')
    parser.add_argument('--latency-ms', type=float, default=0, help='added to every API answer')
    limits = parser.add_argument_group('rate limits', 'Buckets: ' + BUCKET_HELP + '; any other call: a bucket of '
                                       'its own with the "default" limit.')
    limits.add_argument('--profile', choices=PROFILE_NAMES, default=None,
                        help='Okta\'s published per-minute limits of a developer (Integrator Free Plan) or production '
                        '(Workforce Identity) org; "kind" is the old flat limit per method + path on clock minutes, '
                        'for benchmarks of the client alone (default: developer, or kind with the kind options)')
    limits.add_argument('--bucket-limit', type=bucket_limit, action='append', default=[], metavar='BUCKET=N',
                        help='override a bucket\'s limit per minute (repeatable), e.g. users=50')
    limits.add_argument('--time-scale', type=positive(float), default=1.0, metavar='N',
                        help='Okta\'s durations run N times faster: a 60 s window lasts 60/N s, an access token '
                        '3600/N s, a session 7200/N s (default 1)')
    limits.add_argument('--token-share', type=positive(float), default=None, metavar='PERCENT', dest='token_share',
                        help='the share of each bucket one API token or OAuth app may use (default 50, Okta\'s)')
    limits.add_argument('--concurrency-limit', type=int, default=None, metavar='N',
                        help='requests in flight per org before 429 (0: none; default 35 developer, 75 production)')
    limits.add_argument('--token-lifetime-seconds', type=positive(float), default=None,
                        help='OAuth access token lifetime in Okta seconds (default 3600)')
    limits.add_argument('--session-lifetime-seconds', type=positive(float), default=7200,
                        help='session lifetime in Okta seconds, until expiresAt (default 7200)')
    kind = parser.add_argument_group('kind profile', 'the simulator before issue 11 (imply --profile kind)')
    kind.add_argument('--rate-limit', type=int, default=None, help='calls per window per endpoint (default 600)')
    kind.add_argument('--endpoint-rate-limit', type=endpoint_limit, action='append', default=[],
                      metavar='"METHOD /path/{id}=N"', help='override the limit of one endpoint')
    kind.add_argument('--rate-window-seconds', type=positive(float), default=None, help='window length (default 60)')
    parser.add_argument('--fault-rate', type=float, default=0.0, help='share of API calls that fail (0..1)')
    parser.add_argument('--fault-kinds', default='503', help='comma list of 500,502,503,504,429,drop,slow,truncated')
    parser.add_argument('--clock-skew-seconds', type=float, default=0, help="shift the server's clock")
    parser.add_argument('--users', type=int, default=0)
    parser.add_argument('--sessions-per-user', type=int, default=0)
    parser.add_argument('--groups', type=int, default=0, help='users are spread round robin over group-1..N')
    parser.add_argument('--oauth-grants-per-user', type=int, default=0, metavar='N',
                        help='refresh tokens each user holds, from the seeded OAuth apps in turn (default 0)')
    parser.add_argument('--disable-feature', action='append', default=[], choices=sorted(FEATURES), metavar='NAME',
                        dest='disabled_features',
                        help='the org lacks this feature (repeatable): %s. Its calls answer 401 E0000015 and the '
                        'token endpoint refuses its scopes; POST /_simulator/features toggles them at run time'
                        % '; '.join('%s (%s)' % item for item in sorted(FEATURES.items())))
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--engine', choices=ENGINES, default=IDENTITY_ENGINE,
                        help='identity (default): the System Log names each session by an idx… external ID, which the '
                        'Sessions API also takes; classic: the log carries the session\'s own 102… ID')
    parser.add_argument('--oauth-client', action='append', default=[], metavar='CLIENT_ID=PUBLIC_KEY.pem',
                        help='register a service app that may use private_key_jwt (repeatable)')
    parser.add_argument('--check-spec', action='store_true',
                        help="validate every API exchange against Okta's OpenAPI spec (needs openapi-core)")
    parser.add_argument('--tls-cert', help='serve https with this PEM certificate (and --tls-key)')
    parser.add_argument('--tls-key')
    parser.add_argument('--ready-file', help='write the base URL and token here as JSON once listening')
    parser.add_argument('--background', action='store_true', help='detach; print the URL, token and pid, then exit')
    parser.add_argument('--log-file', default=os.devnull, help='output of a --background simulator')
    args = parser.parse_args(argv)
    kind_options = args.rate_limit is not None or args.endpoint_rate_limit or args.rate_window_seconds is not None
    if args.profile is None:
        args.profile = KIND if kind_options else 'developer'
    if kind_options and args.profile != KIND:
        parser.error('--rate-limit, --endpoint-rate-limit and --rate-window-seconds are the kind profile\'s; '
                     'with --profile %s use --bucket-limit' % args.profile)
    if args.profile == KIND and args.bucket_limit:
        parser.error('--bucket-limit is for --profile developer or production; kind uses --endpoint-rate-limit')
    if args.profile != KIND:
        known = set(PROFILES[args.profile]['buckets'])
        unknown = sorted(set(name for name, dummy in args.bucket_limit) - known)
        if unknown:
            parser.error('unknown bucket %s (known: %s)' % (', '.join(unknown), ', '.join(sorted(known))))
    if args.token_share is not None and not 0 < args.token_share <= 100:
        parser.error('--token-share is a percentage: more than 0, at most 100')
    return args


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
        latency_ms=args.latency_ms, profile=args.profile, bucket_limits=dict(args.bucket_limit),
        time_scale=args.time_scale, token_share_percent=args.token_share, concurrency_limit=args.concurrency_limit,
        token_lifetime_seconds=args.token_lifetime_seconds, session_lifetime_seconds=args.session_lifetime_seconds,
        rate_limit=args.rate_limit, endpoint_rate_limits=dict(args.endpoint_rate_limit),
        rate_window_seconds=args.rate_window_seconds, fault_rate=args.fault_rate,
        fault_kinds=[k.strip() for k in args.fault_kinds.split(',') if k.strip()],
        clock_skew_seconds=args.clock_skew_seconds, seed=args.seed,
        users=args.users, sessions_per_user=args.sessions_per_user, groups=args.groups,
        oauth_grants_per_user=args.oauth_grants_per_user, disabled_features=args.disabled_features,
        tls_cert=args.tls_cert, tls_key=args.tls_key, check_spec=args.check_spec, engine=args.engine)
    for registration in args.oauth_client:
        client_id, dummy, key_path = registration.partition('=')
        with open(key_path) as handle:
            sim.oauth.register(client_id, handle.read())
    info = {'orgUrl': sim.base_url, 'apiToken': sim.api_token, 'pid': os.getpid(), 'rateLimits': sim.rate_limits.describe()}
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
