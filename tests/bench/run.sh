#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench: runs every benchmark script in tests/bench and prints their
# ratio tables.  Benchmarks print figures; they never pass or fail on speed.
set -uo pipefail
cd "$(dirname "$0")/../.."
rc=0
for b in tests/bench/*.sh; do
	# run.sh is this file; *-lab.sh run inside a lab, never here.
	case $b in tests/bench/run.sh | tests/bench/*-lab.sh) continue ;; esac
	echo "== $(basename "$b" .sh) =="
	bash "$b" || { echo "bench: $b failed"; rc=1; }
	echo
done
exit $rc
