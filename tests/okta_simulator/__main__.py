# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``python tests/okta_simulator`` or ``python -m okta_simulator`` (from tests/)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys

if __package__ in (None, ''):
    # Run as a directory: make the package importable by its own name.
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = 'okta_simulator'  # noqa: A001

from okta_simulator.cli import main  # noqa: E402

sys.exit(main())
