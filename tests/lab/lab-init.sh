#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# lab-init.sh - the part of the lab that runs *inside* the emulated host,
# as root, chrooted into the build machine's / (shared read-only by 9p; see
# initramfs-init.sh).  It loads vmm.ko, runs the guests of tests.cfg
# through vmctl and the module checks, and prints one line per check:
#     PASS: lab-LAB/NAME        FAIL: lab-LAB/NAME why
# followed, for a failure, by indented lines ("    | ") of evidence.
# Both the AMD (QEMU) and the Intel (Bochs) lab use it.  It also runs on
# a real machine with AMD-V or VT-x:  sudo tests/lab/lab-init.sh
#
# Parameters come from the kernel command line (set by run.sh), else from
# the environment:
#   vmmlab.lab=amd|intel      LAB         result prefix lab-LAB
#   vmmlab.mode=MODE          LAB_MODE    main: everything; nosvm, nonpt:
#                                         only the matching refusal check
#   vmmlab.repo=DIR           LAB_REPO    the source tree (default: ../..)
#   vmmlab.tests=a,b          LAB_TESTS   only these guest tests, and skip
#                                         the load loop and KVM checks
#   vmmlab.loops=N            LAB_LOOPS   load/unload cycles (default 100)
#   vmmlab.ko=FILE            VMM_KO      instead of kmod/vmm.ko
#   vmmlab.vmctl=FILE         VMCTL       instead of cli/vmctl
#   vmmlab.cfg=FILE           LAB_CFG     instead of tests/lab/tests.cfg
set -uo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C

param() {
	local p

	for p in $(cat /proc/cmdline 2>/dev/null); do
		case $p in "vmmlab.$1="*) echo "${p#*=}"; return ;; esac
	done
	return 1
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB=$(param lab || echo "${LAB:-amd}")
LAB_MODE=$(param mode || echo "${LAB_MODE:-main}")
LAB_REPO=$(param repo || echo "${LAB_REPO:-$(cd "$here/../.." && pwd)}")
LAB_TESTS=$(param tests || echo "${LAB_TESTS:-}")
LAB_LOOPS=$(param loops || echo "${LAB_LOOPS:-100}")
LAB_CFG=$(param cfg || echo "${LAB_CFG:-$here/tests.cfg}")
LAB_TESTS=${LAB_TESTS//,/ }

suite=lab-$LAB
ko_src=$(param ko || echo "${VMM_KO:-$LAB_REPO/kmod/vmm.ko}")
vmctl=$(param vmctl || echo "${VMCTL:-$LAB_REPO/cli/vmctl}")
guests=$LAB_REPO/tests/guest
kvm_hold=$LAB_REPO/build/lab/kvm-hold
work=$(mktemp -d /tmp/lab.XXXXXX)
ko=$work/vmm.ko

pass() { echo "PASS: $suite/$1"; }
fail() { local n=$1; shift; echo "FAIL: $suite/$n $*"; }
skip() { local n=$1; shift; echo "SKIP: $suite/$n $*"; }
# Evidence under a FAIL line: the last lines of a file, indented.
show() { tail -n "${2:-25}" "$1" 2>/dev/null | sed 's/^/    | /'; }
# Kernel messages since mark_dmesg, indented.
mark_dmesg() { dmesg_mark=$(dmesg 2>/dev/null | wc -l); }
new_dmesg() { dmesg 2>/dev/null | tail -n +"$((dmesg_mark + 1))" | tail -n 30 | sed 's/^/    | dmesg: /'; }
dmesg_mark=0
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

vmm_loaded() { grep -q '^vmm ' /proc/modules; }
unload_vmm() { vmm_loaded && rmmod vmm 2>/dev/null; ! vmm_loaded; }

# insmod vmm.ko; output (kmod's message, with the errno text) in $work/insmod.out
insmod_vmm() { insmod "$ko" > "$work/insmod.out" 2>&1; }

# --- refusals: vmm.ko must not load on a CPU without SVM or without NPT ----

# refuse NAME "errno text": insmod must fail with that text, and the kernel
# log must have gained one "vmm: " line saying why.
refuse() {
	local name=$1 want=$2

	mark_dmesg
	if insmod_vmm; then
		fail "$name" "insmod vmm.ko succeeded, expected \"$want\""
		unload_vmm
		return
	fi
	if ! grep -q "$want" "$work/insmod.out"; then
		fail "$name" "insmod failed, but not with \"$want\""
		show "$work/insmod.out"
		return
	fi
	if ! dmesg | tail -n +"$((dmesg_mark + 1))" | grep -q 'vmm: '; then
		fail "$name" "insmod failed with \"$want\" but the kernel log has no 'vmm: ' line"
		new_dmesg
		return
	fi
	pass "$name"
	vmm_lines
}

# The module's own kernel messages since mark_dmesg (not the taint notes).
vmm_lines() {
	dmesg | tail -n +"$((dmesg_mark + 1))" | grep 'vmm' |
		grep -v -e 'taints kernel' -e 'tainting kernel' | head -n 5 | sed 's/^/    | /'
	return 0
}

# --- guest tests -----------------------------------------------------------

# guest_how NAME: how vmctl loads the guest: an ELF is a multiboot kernel.
guest_how() {
	case ${CFG_FILE[$1]} in
	*.elf) echo --kernel ;;
	*) echo --flat ;;
	esac
}

# run_one NAME OUT: one vmctl run of test NAME, output in OUT; writes
# "STATUS SECONDS" to OUT.rc.
run_one() {
	local t=$1 out=$2 sig=${CFG_SIGNAL[$1]} tmo=${CFG_TIMEOUT[$1]} start rc
	local -a cmd

	# shellcheck disable=SC2206 # args are words, by design
	cmd=("$vmctl" run "$(guest_how "$t")" "$guests/${CFG_FILE[$t]}" ${CFG_ARGS[$t]//@GUESTS@/$guests})
	start=$(now)
	if [ -n "$sig" ]; then
		timeout --preserve-status -s "$sig" -k 5 "$tmo" "${cmd[@]}" > "$out" 2>&1 < /dev/null
	else
		timeout -k 5 "$tmo" "${cmd[@]}" > "$out" 2>&1 < /dev/null
	fi
	rc=$?
	echo "$rc $(elapsed "$start")" > "$out.rc"
}

# cpu_ticks PID: the CPU time of process PID, all its threads, user and
# system (utime + stime, fields 14 and 15 of /proc/PID/stat), in ticks.
cpu_ticks() {
	local stat

	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	# Fields after the command name, which is in parentheses and may
	# hold spaces: state is $1 there, utime $12, stime $13.
	stat=${stat##*) }
	# shellcheck disable=SC2086 # split into fields, by design
	set -- $stat
	echo $((${12} + ${13}))
}

# run_measured NAME OUT CMD...: for a test with cpu_max: vmctl runs in the
# background; once a line of its output matches cpu_from (at once when
# there is none; at most 'timeout' seconds), its CPU time is sampled at
# the start and the end of a cpu_window-second window ("TICKS HZ START
# END" in OUT.cpu), then it is stopped with 'signal'.  OUT.rc as run_one,
# and OUT.stop: the seconds vmctl took to exit after the signal.
run_measured() {
	local t=$1 out=$2 sig=${CFG_SIGNAL[$1]} tmo=${CFG_TIMEOUT[$1]}
	local from=${CFG_CPU_FROM[$1]} win=${CFG_CPU_WINDOW[$1]}
	local start pid rc t0 t1 w0 w1 hz killer stop
	shift 2

	hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
	: > "$out.cpu"
	start=$(now)
	"$@" > "$out" 2>&1 < /dev/null &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		if [ -z "$from" ] || grep -qE -- "$from" "$out"; then
			t0=$(cpu_ticks "$pid") w0=$(now)
			sleep "$win"
			t1=$(cpu_ticks "$pid") w1=$(now)
			[ -n "$t0" ] && [ -n "$t1" ] &&
				echo "$((t1 - t0)) $hz $w0 $w1" > "$out.cpu"
			break
		fi
		awk -v s="$(elapsed "$start")" -v t="$tmo" 'BEGIN { exit !(s > t) }' && break
		sleep 0.2
	done
	stop=$(now)
	kill -s "$sig" "$pid" 2>/dev/null
	# As timeout -k 5: SIGKILL if the signal did not end it.
	( sleep 5; kill -KILL "$pid" 2>/dev/null ) &
	killer=$!
	wait "$pid"
	rc=$?
	kill "$killer" 2>/dev/null
	wait "$killer" 2>/dev/null
	elapsed "$stop" > "$out.stop"
	echo "$rc $(elapsed "$start")" > "$out.rc"
}

# cpu_percent OUT: vmctl's CPU use over the window, in percent of one CPU.
cpu_percent() {
	local ticks hz w0 w1

	read -r ticks hz w0 w1 < "$1.cpu" || return 1
	awk -v n="$ticks" -v hz="$hz" -v a="$w0" -v b="$w1" \
		'BEGIN { printf "%.2f %.1f", 100 * n / hz / (b - a), b - a }'
}

# verdict NAME OUT: why run OUT of test NAME failed; nothing if it passed.
verdict() {
	local t=$1 out=$2 exp=${CFG_EXIT[$1]} tmo=${CFG_TIMEOUT[$1]} sig=${CFG_SIGNAL[$1]}
	local max=${CFG_CPU_MAX[$1]} rc secs pat pct win

	read -r rc secs < "$out.rc"
	if [ -n "$max" ]; then
		# The window, not the timeout, decides when the signal comes.
		secs=$(cat "$out.stop")
		tmo=0
		read -r pct win <<< "$(cpu_percent "$out")"
	fi
	if [ -z "$sig" ] && [ "$rc" = 124 ]; then
		echo "timed out after ${tmo}s"
	elif [ -z "$sig" ] && [ "$rc" = 137 ]; then
		echo "timed out after ${tmo}s and ignored SIGTERM (killed)"
	elif [ "$rc" != "$exp" ]; then
		echo "exit status $rc, expected $exp"
	elif [ -n "$sig" ] && awk -v s="$secs" -v t="$tmo" 'BEGIN { exit !(s > t + 3) }'; then
		echo "took $(awk -v s="$secs" -v t="$tmo" 'BEGIN { print s - t }')s to stop after SIG$sig"
	elif [ -n "$max" ] && [ -z "$pct" ]; then
		echo "CPU time not measured: no output line matched /${CFG_CPU_FROM[$t]}/ within ${CFG_TIMEOUT[$t]}s"
	elif [ -n "$max" ] && awk -v p="$pct" -v m="$max" 'BEGIN { exit !(p >= m) }'; then
		echo "vmctl used ${pct}% of a CPU over ${win}s (cpu_max ${max}%)"
	elif grep -q '^FAIL: ' "$out"; then
		echo "guest: $(grep -m1 '^FAIL: ' "$out")"
	else
		while IFS= read -r pat; do
			[ -n "$pat" ] || continue
			pat=${pat//@HOST_VENDOR@/$host_vendor}
			if ! grep -qE -- "$pat" "$out"; then
				echo -n "output lacks /$pat/"
				grep -q '^vmctl: ' "$out" &&
					echo -n ", $(grep '^vmctl: ' "$out" | tail -n 1)"
				echo
				break
			fi
		done <<< "${CFG_PATTERNS[$t]}"
	fi
}

# run_test NAME: one tests.cfg entry through vmctl run ('parallel' copies
# at once; all must pass).
run_test() {
	local t=$1 n=${CFG_PARALLEL[$1]} i why="" secs start pct win
	local out=$work/$1.out

	if [ ! -x "$vmctl" ]; then
		fail "$t" "vmctl not built (no $vmctl)"
		return
	fi
	if [ ! -f "$guests/${CFG_FILE[$t]}" ]; then
		fail "$t" "guest not built (no $guests/${CFG_FILE[$t]})"
		return
	fi
	echo "LAB: running $t"	# in the console log: what a hung lab was doing
	mark_dmesg
	start=$(now)
	if [ -n "${CFG_CPU_MAX[$t]}" ]; then
		# shellcheck disable=SC2206 # args are words, by design
		run_measured "$t" "$out" "$vmctl" run "$(guest_how "$t")" \
			"$guests/${CFG_FILE[$t]}" ${CFG_ARGS[$t]//@GUESTS@/$guests}
	elif [ "$n" -le 1 ]; then
		run_one "$t" "$out"
	else
		for ((i = 1; i <= n; i++)); do
			run_one "$t" "$out.$i" &
		done
		wait
	fi
	secs=$(elapsed "$start")
	if [ "$n" -gt 1 ]; then
		for ((i = 1; i <= n; i++)); do
			why=$(verdict "$t" "$out.$i")
			if [ -n "$why" ]; then
				why="copy $i of $n: $why"
				out=$out.$i
				break
			fi
		done
		[ -n "$why" ] || out=$out.1
	else
		why=$(verdict "$t" "$out")
	fi
	if [ -z "$why" ]; then
		pass "$t"
		echo "    ${secs}s: $(grep -m1 -E '^SUMMARY: ' "$out" || true)" | sed 's/: $//'
		[ -n "${CFG_CPU_MAX[$t]}" ] && read -r pct win <<< "$(cpu_percent "$out")" &&
			echo "    vmctl used ${pct}% of a CPU over ${win}s (cpu_max ${CFG_CPU_MAX[$t]}%)"
	else
		fail "$t" "$why (${secs}s)"
		echo "    | \$ vmctl run $(guest_how "$t") tests/guest/${CFG_FILE[$t]} ${CFG_ARGS[$t]//@GUESTS@/tests/guest}"
		show "$out" 40
		new_dmesg
	fi
}

# --- module checks ---------------------------------------------------------

module_load() {
	mark_dmesg
	if ! insmod_vmm; then
		fail module-load "insmod vmm.ko: $(tail -n 1 "$work/insmod.out")"
		new_dmesg
		return 1
	fi
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		[ -c /dev/vmm ] && break
		sleep 0.2
	done
	if [ ! -c /dev/vmm ]; then
		fail module-load "vmm.ko loaded but /dev/vmm did not appear"
		return 1
	fi
	pass module-load
	vmm_lines
	# For run.sh's qemu-dump.py, if the lab hangs: where the module's code
	# is, and every kernel symbol (writable share "labout", when present).
	echo "LAB: vmm.ko .text $(cat /sys/module/vmm/sections/.text 2>/dev/null)"
	if mkdir -p /run/labout &&
	   mount -t 9p -o trans=virtio,version=9p2000.L labout /run/labout 2>/dev/null; then
		cp /proc/kallsyms /run/labout/kallsyms
		umount /run/labout
	fi
	return 0
}

# A lab without python3 (a packed initramfs) only checks the first byte.
json_ok() {
	if command -v python3 > /dev/null; then
		python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$1"
	else
		grep -q '^[[:space:]]*[[{]' "$1"
	fi
}

vmctl_info() {
	if [ ! -x "$vmctl" ]; then
		fail info "vmctl not built (no $vmctl)"
		fail info-json "vmctl not built (no $vmctl)"
		return
	fi
	if timeout 20 "$vmctl" info > "$work/info.out" 2>&1 && [ -s "$work/info.out" ]; then
		pass info
		sed 's/^/    | /' "$work/info.out" | head -n 20
	else
		fail info "vmctl info failed or printed nothing"
		show "$work/info.out"
	fi
	if timeout 20 "$vmctl" info --json > "$work/info.json" 2> "$work/info.err" &&
	   json_ok "$work/info.json" 2> "$work/json.err"; then
		pass info-json
	else
		fail info-json "vmctl info --json failed or printed invalid JSON"
		show "$work/info.json" 10
		show "$work/info.err" 5
		show "$work/json.err" 3
	fi
}

module_unload() {
	mark_dmesg
	if rmmod vmm > "$work/rmmod.out" 2>&1; then
		pass module-unload
	else
		fail module-unload "rmmod vmm after the guests: $(tail -n 1 "$work/rmmod.out")"
		new_dmesg
	fi
}

load_unload_loop() {
	local i start t_ins=0 t_rm=0 t0

	unload_vmm
	start=$(now)
	for ((i = 1; i <= LAB_LOOPS; i++)); do
		t0=${EPOCHREALTIME/[.,]/}
		if ! insmod_vmm; then
			fail "load-unload-$LAB_LOOPS" "insmod #$i: $(tail -n 1 "$work/insmod.out")"
			return
		fi
		if [ ! -c /dev/vmm ]; then
			sleep 0.1
			if [ ! -c /dev/vmm ]; then
				fail "load-unload-$LAB_LOOPS" "no /dev/vmm after insmod #$i"
				unload_vmm
				return
			fi
		fi
		t_ins=$((t_ins + ${EPOCHREALTIME/[.,]/} - t0))
		t0=${EPOCHREALTIME/[.,]/}
		if ! rmmod vmm > "$work/rmmod.out" 2>&1; then
			fail "load-unload-$LAB_LOOPS" "rmmod #$i: $(tail -n 1 "$work/rmmod.out")"
			return
		fi
		t_rm=$((t_rm + ${EPOCHREALTIME/[.,]/} - t0))
	done
	pass "load-unload-$LAB_LOOPS"
	echo "    $LAB_LOOPS cycles in $(elapsed "$start")s (insmod $((t_ins / 1000))ms, rmmod $((t_rm / 1000))ms in all)"
}

# kvm_amd (or kvm_intel) and vmm.ko exclude each other while either has
# the hardware enabled.
kvm_checks() {
	local kvm_mod hold_pid i

	case $LAB in amd) kvm_mod=kvm_amd ;; *) kvm_mod=kvm_intel ;; esac
	if [ ! -x "$kvm_hold" ]; then
		fail kvm-busy "no $kvm_hold (run.sh builds it)"
		fail kvm-reverse "no $kvm_hold"
		return
	fi
	unload_vmm
	if ! modprobe "$kvm_mod" > "$work/modprobe.out" 2>&1; then
		fail kvm-busy "modprobe $kvm_mod failed: $(tail -n 1 "$work/modprobe.out")"
		fail kvm-reverse "modprobe $kvm_mod failed"
		return
	fi

	# 1. A KVM VM is open: vmm.ko must refuse with EBUSY.
	"$kvm_hold" > "$work/hold.out" 2>&1 &
	hold_pid=$!
	for ((i = 0; i < 100; i++)); do
		grep -q 'ready' "$work/hold.out" && break
		kill -0 "$hold_pid" 2>/dev/null || break
		sleep 0.1
	done
	if ! grep -q 'ready' "$work/hold.out"; then
		fail kvm-busy "kvm-hold could not open a VM under $kvm_mod"
		show "$work/hold.out"
	else
		mark_dmesg
		if insmod_vmm; then
			fail kvm-busy "insmod vmm.ko succeeded while a KVM VM was open"
			unload_vmm
		elif grep -q 'Device or resource busy' "$work/insmod.out"; then
			pass kvm-busy
			vmm_lines
		else
			fail kvm-busy "insmod failed, but not with EBUSY: $(tail -n 1 "$work/insmod.out")"
			new_dmesg
		fi
	fi
	kill "$hold_pid" 2>/dev/null
	wait "$hold_pid" 2>/dev/null

	# 2. vmm.ko loaded (the VM above is gone): KVM_CREATE_VM must fail.
	mark_dmesg
	if ! insmod_vmm; then
		fail kvm-reverse "vmm.ko does not load with $kvm_mod idle: $(tail -n 1 "$work/insmod.out")"
		new_dmesg
	else
		timeout 20 "$kvm_hold" > "$work/hold2.out" 2>&1 &
		hold_pid=$!
		for ((i = 0; i < 100; i++)); do
			kill -0 "$hold_pid" 2>/dev/null || break
			grep -q 'ready' "$work/hold2.out" && break
			sleep 0.1
		done
		if grep -q 'ready' "$work/hold2.out"; then
			fail kvm-reverse "KVM_CREATE_VM succeeded while vmm.ko was loaded"
			kill "$hold_pid" 2>/dev/null
			wait "$hold_pid" 2>/dev/null
		else
			wait "$hold_pid"
			if [ $? = 2 ]; then
				pass kvm-reverse
				sed 's/^/    | /' "$work/hold2.out"
			else
				fail kvm-reverse "kvm-hold failed before KVM_CREATE_VM"
				show "$work/hold2.out"
			fi
		fi
		unload_vmm || echo "    (rmmod vmm failed)"
	fi
	modprobe -r "$kvm_mod" > /dev/null 2>&1 || true
}

# --- the Intel lab ----------------------------------------------------------

# The lab CPU must offer VT-x with EPT, as the Intel lab is meant to.
cpu_vmx() {
	if ! grep -qw vmx /proc/cpuinfo; then
		fail cpu-vmx "no vmx flag in the lab's /proc/cpuinfo"
		grep -m1 '^flags' /proc/cpuinfo | sed 's/^/    | /'
		return
	fi
	pass cpu-vmx
	grep -m1 '^vmx flags' /proc/cpuinfo | cut -c1-200 | sed 's/^/    | /'
}

# host_prog NAME TIMEOUT FULL: run build/lab/NAME, a static program built
# from tests/lab/NAME.c by run.sh that prints PASS/FAIL lines and exits 0
# when all passed.  On a pass, FULL=1 shows all its lines, else its last.
host_prog() {
	local name=$1 secs=$2 full=$3 prog=$LAB_REPO/build/lab/$1

	if [ ! -x "$prog" ]; then
		fail "$name" "no $prog (run.sh builds it)"
		return
	fi
	mark_dmesg
	if timeout "$secs" "$prog" > "$work/$name.out" 2>&1; then
		pass "$name"
		if [ "$full" = 1 ]; then
			sed 's/^/    | /' "$work/$name.out"
		else
			echo "    $(tail -n 1 "$work/$name.out")"
		fi
	else
		fail "$name" "tests/lab/$name.c failed"
		show "$work/$name.out"
		new_dmesg
	fi
}

# A refused VM entry (invalid guest state) must reach userspace as
# VMM_EXIT_FAIL_ENTRY, and the vCPU must run once the state is fixed.
fail_entry() {
	host_prog fail-entry 20 1
}

# The VMM_CAP_LAPIC ioctls from userspace (MSI, GET/SET_LAPIC, MP state),
# 64 vCPUs torn down with APIC timers armed and MSIs in flight, and one
# TSC per VM.
lapic_abi() {
	host_prog lapic-abi 60 0
}

# --- main ------------------------------------------------------------------

echo "LAB: $suite mode $LAB_MODE on $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs, $(grep -m1 -o -w -e svm -e vmx /proc/cpuinfo || echo no-virt) $(grep -m1 -o -w -e npt -e ept /proc/cpuinfo || echo no-2d-paging)"
host_vendor=$(awk -F': ' '/^vendor_id/ { print $2; exit }' /proc/cpuinfo)

if [ ! -f "$ko_src" ]; then
	case $LAB_MODE in
	main) fail module-load "vmm.ko not built (no $ko_src)" ;;
	nosvm|nonpt|novmx|noept) fail "refuse-$LAB_MODE" "vmm.ko not built (no $ko_src)" ;;
	esac
else
	cp "$ko_src" "$ko"
fi

case $LAB_MODE in
nosvm|novmx) [ -f "$ko" ] && refuse "refuse-$LAB_MODE" "No such device" ;;
nonpt|noept) [ -f "$ko" ] && refuse "refuse-$LAB_MODE" "Operation not supported" ;;
main)
	# shellcheck source=tests/lab/cfg.sh
	. "$here/cfg.sh"
	if ! cfg_load "$LAB_CFG" "$LAB" 2> "$work/cfg.err"; then
		fail tests-cfg "$(cat "$work/cfg.err")"
		CFG_NAMES=()
	fi
	loaded=0
	[ "$LAB" = intel ] && cpu_vmx
	if [ -f "$ko" ] && module_load; then
		loaded=1
	fi
	vmctl_info
	for t in "${CFG_NAMES[@]}"; do
		if [ -n "$LAB_TESTS" ] && [[ " $LAB_TESTS " != *" $t "* ]]; then
			continue
		fi
		if [ "$loaded" = 0 ]; then
			fail "$t" "vmm.ko not loaded"
			continue
		fi
		# A quarantined test: reported, and still run when named.
		if [ -n "${CFG_SKIP[$t]}" ] && [ -z "$LAB_TESTS" ]; then
			skip "$t" "${CFG_SKIP[$t]}"
			continue
		fi
		run_test "$t"
	done
	if [ "$LAB" = intel ] && [ -z "$LAB_TESTS" ]; then
		if [ "$loaded" = 1 ]; then
			fail_entry
		else
			fail fail-entry "vmm.ko not loaded"
		fi
	fi
	if [ -z "$LAB_TESTS" ] || [[ " $LAB_TESTS " == *" lapic-abi "* ]]; then
		if [ "$loaded" = 1 ]; then
			lapic_abi
		else
			fail lapic-abi "vmm.ko not loaded"
		fi
	fi
	if [ "$loaded" = 1 ]; then
		module_unload
	else
		skip module-unload "vmm.ko not loaded"
	fi
	if [ -z "$LAB_TESTS" ]; then
		if [ -f "$ko" ]; then
			load_unload_loop
		else
			fail "load-unload-$LAB_LOOPS" "vmm.ko not built"
		fi
		if [ -f "$ko" ]; then
			kvm_checks
		else
			fail kvm-busy "vmm.ko not built"
			fail kvm-reverse "vmm.ko not built"
		fi
	fi
	;;
*) fail setup "unknown lab mode '$LAB_MODE'" ;;
esac
rm -rf "$work"
echo "LAB: done"
