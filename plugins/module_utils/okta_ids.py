# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What an ID, a login or a group name may look like: bad entries are refused before any request, naming the
option and the position, so that nothing is sent for a list that is partly wrong."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# Bad input is refused before any request; these are the shapes each kind of entry may take.
KIND_SESSION_ID = 'session_id'
KIND_USER = 'user'
KIND_GROUP = 'group'
KIND_CLIENT_ID = 'client_id'
MAX_ITEMS = 50000
_OPAQUE_ID = re.compile(r'^[A-Za-z0-9_-]{1,128}$')  # an Okta session ID or an OAuth client ID
_CONTROL = re.compile(r'[\x00-\x1f\x7f]')
_UNSAFE_IN_LOGIN = re.compile(r'[\s/?#%\\]')


def id_problem(value, kind):
    """Why ``value`` cannot be an entry of this kind, or None."""
    if not value or not value.strip():
        return 'is empty or blank; every entry must be a non-empty value.'
    if value != value.strip():
        return 'has leading or trailing whitespace: %r.' % value
    if _CONTROL.search(value):
        return 'contains a control character.'
    try:
        value.encode('utf-8')
    except UnicodeEncodeError:
        return 'is not valid Unicode text (it holds an unpaired surrogate).'
    if kind == KIND_SESSION_ID and not _OPAQUE_ID.match(value):
        return ('is not an Okta session ID (letters, digits, "_" and "-" only): %r.' % value)
    if kind == KIND_CLIENT_ID and not _OPAQUE_ID.match(value):
        return ('is not an OAuth client ID (letters, digits, "_" and "-" only): %r.' % value)
    if kind == KIND_USER and (_UNSAFE_IN_LOGIN.search(value) or value in ('.', '..')):
        return ('is neither an Okta user ID nor a login Okta can look up (no whitespace, "/", "?", "#", "%%" '
                'or "\\"): %r.' % value)
    if kind == KIND_GROUP and len(value) > 255:
        return 'is longer than an Okta group name can be.'
    return None
