#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# intel.sh - the Intel lab (Bochs, VT-x + EPT): tests/lab/run.sh intel.
# tests/check.sh runs the Intel lab only while this file exists.
exec "$(dirname "$0")/run.sh" intel "$@"
