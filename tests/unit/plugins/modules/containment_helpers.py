# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the tests of the containment modules (okta_user_password, okta_user_factors, okta_user_lifecycle) share:
the connection, the simulator's request log, user statuses, and a run interrupted by SIGTERM."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import signal
import threading


def connection(running, **args):
    return dict(org_url=running.base_url, api_token=running.api_token, **args)


def calls(running, method, suffix):
    """How many calls of ``method`` to a path ending with ``suffix`` the simulator answered."""
    return len([r for r in running.requests_log() if r['method'] == method and r['path'].endswith(suffix)])


def set_status(running, login, status):
    return running.admin('POST', 'user-status', {'login': login, 'status': status})['id']


def interrupted(run_module, module, args, after=1.0):
    """The result of a run of ``module`` that SIGTERM interrupts ``after`` seconds in."""
    timer = threading.Timer(after, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        return run_module(module, **args)
    finally:
        timer.cancel()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
