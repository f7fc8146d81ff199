# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Makes the collection this file belongs to importable, for the event sources beside it.

ansible-rulebook runs a source file with runpy, without Ansible's collection loader, so
``ansible_collections.identity.okta`` is not importable as such. Each source runs this file first
(loaded from its file; it is not an event source): the directory that holds this copy's ``ansible_collections/``
goes first on ``sys.path``, so that the sources use the shared code (argument checks, the Okta client) of the
collection they belong to, not of another copy of identity.okta. ``PrintingQueue`` serves a source run by hand.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import sys


def collections_root(path):
    """The directory that holds ansible_collections/, from ``path``'s place in the collection:
    <root>/ansible_collections/identity/okta/extensions/eda/plugins/event_source/<file>"""
    here = os.path.dirname(os.path.abspath(path))
    return os.path.abspath(os.path.join(here, *([os.pardir] * 7)))


ROOT = collections_root(__file__)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


class PrintingQueue(object):
    """The queue of a source run by hand (``python okta_<source>.py``): prints each event as a line of JSON."""

    async def put(self, event):
        print(json.dumps(event))
        sys.stdout.flush()
