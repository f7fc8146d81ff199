# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One event for many people: how the Event Hook and the System Log poller hand a burst to the rule engine.

Each ``run_module`` action of ansible-rulebook starts ansible-playbook (1-2 s of CPU), so a burst of events for
many people, one action each, floods the host and holds up every other event. With ``batch_window`` the sources
group the events that agree on every ``batch_by`` attribute (by default the event type, the outcome and the
client's address: what the shipped rules test) and hand over one event per group: the first event of the group,
with ``okta_batch`` listing everyone in it. A rule that tests only ``batch_by`` attributes gives the same answer for
each event of a group, so acting on ``event.okta_batch.actor_ids`` acts on exactly the people the rule matched.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import json

DEFAULT_BATCH_BY = ['eventType', 'outcome.result', 'client.ipAddress']
MAX_BATCH_WINDOW_SECONDS = 60.0
MAX_BATCH_PEOPLE = 100   # one module run; well under the modules' max_targets
MAX_REMEMBERED = 20000   # uuids handed over lately, by every source of the process

# The options both sources take, in okta_args' dialect (tests/unit/extensions/ checks them against DOCUMENTATION).
BATCH_ARG_SPEC = dict(
    batch_window=dict(type='float', default=0.0, minimum=0, maximum=MAX_BATCH_WINDOW_SECONDS),
    batch_by=dict(type='list', default=list(DEFAULT_BATCH_BY)),
)


def _attribute(event, path):
    """The value at the dotted ``path`` of ``event``, as something that can be compared and hashed."""
    value = event
    for part in path.split('.'):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return value


def _actor(event):
    actor = event.get('actor')
    return actor if isinstance(actor, dict) else {}


class _Group(object):
    def __init__(self, first):
        self.first = first
        self.members = []
        self.actor_ids = []
        self.alternate_ids = []

    def has_room_for(self, actor_id):
        return actor_id in self.actor_ids or len(self.actor_ids) < MAX_BATCH_PEOPLE

    def add(self, event):
        self.members.append(event)
        actor = _actor(event)
        actor_id = actor.get('id')
        if actor_id and actor_id not in self.actor_ids:
            self.actor_ids.append(actor_id)
            self.alternate_ids.append(actor.get('alternateId'))

    def event(self):
        uuids = [member.get('uuid') for member in self.members if isinstance(member.get('uuid'), str)]
        return dict(self.first, okta_batch=dict(actor_ids=self.actor_ids, alternate_ids=self.alternate_ids,
                                                uuids=uuids, count=len(self.members)))


def batched(events, batch_by):
    """``events`` (in the order they came) as ``[(event to hand over, [the events it stands for])]``, in the order of
    each group's first event. ``batch_by`` None: each event on its own, as it came (no ``okta_batch``)."""
    if batch_by is None:
        return [(event, [event]) for event in events]
    groups = []
    open_groups = {}
    for event in events:
        key = tuple(_attribute(event, path) for path in batch_by)
        group = open_groups.get(key)
        if group is None or not group.has_room_for(_actor(event).get('id')):
            group = open_groups[key] = _Group(event)
            groups.append(group)
        group.add(event)
    return [(group.event(), group.members) for group in groups]


class HandedOver(object):
    """The uuids of the events that the sources of this ansible-rulebook process handed over lately, so that an event
    both the Event Hook and the poller bring starts one action. ansible-rulebook runs its sources in one process,
    and both import this module: HANDED_OVER is theirs to share. Only grouping sources use it."""

    def __init__(self, most=MAX_REMEMBERED):
        self._most = most
        self._uuids = collections.OrderedDict()

    def new(self, events):
        """The ``events`` not handed over yet (an event without a text uuid always is new)."""
        return [event for event in events if _uuid(event) not in self._uuids]

    def remember(self, events):
        for event in events:
            uuid = _uuid(event)
            if uuid is not None:
                self._uuids[uuid] = True
        while len(self._uuids) > self._most:
            self._uuids.popitem(last=False)


def _uuid(event):
    uuid = event.get('uuid')
    return uuid if isinstance(uuid, str) and uuid else None


HANDED_OVER = HandedOver()
