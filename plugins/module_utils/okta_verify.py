# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Okta's own record of what a run did: the System Log event of each change, waited for (Okta shows an event some
seconds after it happened), put in the change's entry as evidence - or the entry said unverified."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

VERIFY_POLL_SECONDS = 5.0
VERIFIED = 'verified'
UNVERIFIED = 'unverified'


def verify_in_log(pending, read_events, timeout, clock=time.time, sleep=time.sleep):
    """Match System Log events to the entries of ``pending`` ({key: entry}) until each has one or ``timeout`` seconds
    have passed; return the keys left unverified.

    ``read_events(keys)`` yields ``(key, event)`` for the events found so far of those keys; each event is used once.
    An entry found gets ``verification: verified`` and ``evidence`` (the event's uuid and time); one not found gets
    ``verification: unverified``.
    """
    deadline = clock() + timeout
    used = set()
    while pending:
        for key, event in read_events(list(pending)):
            entry = pending.get(key)
            if entry is None or event.get('uuid') in used:
                continue
            used.add(event.get('uuid'))
            del pending[key]
            entry.update(verification=VERIFIED, evidence={'uuid': event.get('uuid'), 'published': event.get('published')})
        if not pending or clock() >= deadline:
            break
        sleep(VERIFY_POLL_SECONDS)
    for entry in pending.values():
        entry['verification'] = UNVERIFIED
    return list(pending)
