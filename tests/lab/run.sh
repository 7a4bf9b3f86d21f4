#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# run.sh - the lab harness, build-machine side (shared/LAB.md).
#
#   tests/lab/run.sh amd [TEST...]    the AMD lab: QEMU TCG, nested SVM + NPT
#   tests/lab/run.sh intel            the Intel lab: Bochs, VT-x + EPT
#   tests/lab/run.sh amd-script FILE [TIMEOUT]
#                                     one AMD lab boot that runs FILE
#                                     instead of lab-init.sh (benchmarks)
#   tests/lab/run.sh intel-script FILE [TIMEOUT]
#                                     the same in the Intel lab; FILE is
#                                     inside the repository, and LAB_PACK
#                                     names more repository files (paths
#                                     relative to it) to pack for it
#
# The AMD lab boots Debian's kernel (/boot/vmlinuz-$KVER) in QEMU with a
# busybox initramfs that chroots into this machine's / shared read-only by
# 9p, and runs tests/lab/lab-init.sh there: vmm.ko load, vmctl info, every
# guest of tests/lab/tests.cfg, module unload, 100 load/unload cycles, and
# the kvm_amd coexistence checks.  Two short extra boots with -cpu max,-svm
# and -cpu max,-npt check that vmm.ko refuses to load.  Every boot's kernel
# log must be free of warnings, oopses and lockups.
#
# Prints one line per check, "PASS: lab-amd/NAME" or "FAIL: lab-amd/NAME
# why" (tests/check.sh collects them), with indented evidence lines.
# With TEST names, only those guest tests run (one boot, no refusal boots,
# no load loop or KVM checks): the quick way to rerun a test.
#
# Artifacts in build/lab/: amd-console.log (the main boot's serial
# console), amd-nosvm-console.log, amd-nonpt-console.log, the initramfs.
#
# Environment: KVER (default: the newest /lib/modules/*/build), LAB_TCG_THREAD
# (QEMU's TCG threading, single or multi; default single), LAB_TIMEOUT
# (seconds for the main boot; default from tests.cfg), LAB_LOOPS
# (load/unload cycles, default 100), QEMU (default qemu-system-x86_64),
# VMM_KO, VMCTL, LAB_CFG (absolute paths that replace kmod/vmm.ko,
# cli/vmctl and tests/lab/tests.cfg), LAB_LOCK (the lock file that keeps
# lab runs on this machine one at a time; "none" for no lock).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
here=$repo/tests/lab
out=$repo/build/lab
QEMU=${QEMU:-qemu-system-x86_64}
KVER=${KVER:-$(ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1 | cut -d/ -f4)}
LAB_LOOPS=${LAB_LOOPS:-100}

bad_log_re='WARNING:|BUG:|Oops|general protection fault|soft lockup|hard LOCKUP|rcu.*stall|Call Trace|blocked for more than|Kernel panic'

usage() {
	echo "usage: tests/lab/run.sh amd|intel [TEST...]" >&2
	echo "       tests/lab/run.sh amd-script|intel-script FILE [TIMEOUT]" >&2
	exit 2
}

# --- build-machine side preparation ----------------------------------------

# The initramfs: busybox-static, /init, and the 9p + virtio modules in the
# order modprobe --show-depends prints them (shared/LAB.md).
make_initramfs() {
	local dir=$out/initramfs.$$ mods m base

	rm -rf "$dir"
	mkdir -p "$dir/bin" "$dir/dev" "$dir/lib/modules" "$dir/proc" "$dir/sys" "$dir/mnt"
	cp /bin/busybox "$dir/bin/busybox"
	cp "$here/initramfs-init.sh" "$dir/init"
	chmod 755 "$dir/init"
	mods=$(modprobe -S "$KVER" -a --show-depends 9p 9pnet_virtio virtio_pci |
		awk '$1 == "insmod" && !seen[$2]++ { print $2 }')
	: > "$dir/modules.list"
	for m in $mods; do
		base=$(basename "$m")
		case $base in
		*.ko.xz) xz -dc "$m" > "$dir/lib/modules/${base%.xz}"; base=${base%.xz} ;;
		*.ko.zst) zstd -qdc "$m" > "$dir/lib/modules/${base%.zst}"; base=${base%.zst} ;;
		*) cp "$m" "$dir/lib/modules/" ;;
		esac
		echo "$base" >> "$dir/modules.list"
	done
	grep -q 9pnet_virtio "$dir/modules.list" || return 1
	(cd "$dir" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out/lab-initrd.gz.$$" ||
		return 1
	mv "$out/lab-initrd.gz.$$" "$out/lab-initrd.gz"
	rm -rf "$dir"
}

# --- one boot ----------------------------------------------------------------

# boot TAG CPU SMP TIMEOUT MODE [TESTS]: boots the lab, console to
# $out/amd-TAG-console.log (amd-console.log for the main boot).  With
# STREAM=1 the lab's result and evidence lines are shown as they come.
# Returns QEMU's (or timeout's) exit status.
boot() {
	local tag=$1 cpu=$2 smp=$3 tmo=$4 mode=$5 tests=${6:-} log rc sock wd
	# A soft lockup or a task stuck for 120 s panics the lab at once
	# (panic=-1 + -no-reboot end QEMU) instead of waiting for the timeout.
	# nokaslr: stable addresses from boot to boot (qemu-dump.py).
	local append="console=ttyS0,115200 quiet panic=-1 softlockup_panic=1 hung_task_panic=1 nokaslr vmmlab.lab=$lab vmmlab.mode=$mode vmmlab.repo=$repo vmmlab.loops=$LAB_LOOPS"

	[ -n "${VMM_KO:-}" ] && append+=" vmmlab.ko=$VMM_KO"
	[ -n "${VMCTL:-}" ] && append+=" vmmlab.vmctl=$VMCTL"
	[ -n "${LAB_CFG:-}" ] && append+=" vmmlab.cfg=$LAB_CFG"
	[ -n "${LAB_SCRIPT:-}" ] && append+=" vmmlab.script=$LAB_SCRIPT"

	[ -n "$tests" ] && append+=" vmmlab.tests=$tests"
	log=$(console_log "$tag")
	sock=$out/$lab-$tag-monitor.sock
	rm -f "$sock" "$out/$lab-$tag.timedout" "$out/$lab-$tag-cpus.txt"
	# The lab's only writable share: lab-init.sh leaves /proc/kallsyms
	# there for qemu-dump.py.
	rm -rf "$out/$lab-$tag-share"
	mkdir -p "$out/$lab-$tag-share"
	watchdog "$tmo" "$tag" < /dev/null > /dev/null 2>&1 &
	wd=$!
	set +e
	# One host thread for all the lab's CPUs (LAB_TCG_THREAD=multi for
	# one each): multi-threaded TCG sometimes lets a VMCB be overwritten
	# with the host state its own VMRUN saved (Documentation/testing.md,
	# "The emulators' own bugs"), which kills the guest with a triple fault.
	timeout -k 10 $((tmo + 30)) "$QEMU" -accel tcg,thread=${LAB_TCG_THREAD:-single} -smp "$smp" \
		-cpu "$cpu" -m 1536 -nographic -no-reboot \
		-monitor unix:"$sock",server=on,wait=off \
		-virtfs local,path="$out/$lab-$tag-share",mount_tag=labout,security_model=none \
		-kernel "/boot/vmlinuz-$KVER" -initrd "$out/lab-initrd.gz" \
		-append "$append" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-virtfs local,path="$repo",mount_tag=repo,security_model=none,readonly=on,multidevs=remap \
		< /dev/null 2>&1 | sed -u 's/\r$//' |
	if [ "${STREAM:-0}" = 1 ]; then
		tee "$log" | sed -n -u -e '/^==== lab dmesg begin/,$d' \
			-e '/^LAB: running /d' \
			-e '/^\(PASS\|FAIL\|SKIP\): \|^    \|^LAB: /p'
	else
		cat > "$log"
	fi
	rc=${PIPESTATUS[0]}
	kill "$wd" 2> /dev/null
	wait "$wd" 2> /dev/null
	[ -e "$out/$lab-$tag.timedout" ] && rc=124
	rm -f "$sock" "$out/$lab-$tag.timedout"
	set -e
	return "$rc"
}

# watchdog TIMEOUT TAG (in the background): at the timeout, record where
# the lab's CPUs are (qemu-dump.py, through QEMU's monitor socket) in
# $out/LAB-TAG-cpus.txt, then make QEMU quit.
watchdog() {
	local sp

	trap 'kill $sp 2> /dev/null; exit 0' TERM
	sleep "$1" &
	sp=$!
	wait "$sp"
	touch "$out/$lab-$2.timedout"
	timeout 60 python3 "$here/qemu-dump.py" "$out/$lab-$2-monitor.sock" \
		"$out/$lab-$2-share/kallsyms" "$(console_log "$2")" "${VMM_KO:-$repo/kmod/vmm.ko}" \
		> "$out/$lab-$2-cpus.txt" 2>&1
}

console_log() {
	if [ "$1" = main ]; then
		echo "$out/$lab-console.log"
	else
		echo "$out/$lab-$1-console.log"
	fi
}

# check_boot TAG RC TIMEOUT SUFFIX: the boot itself and its kernel log.
check_boot() {
	local tag=$1 rc=$2 tmo=$3 sfx=$4 log bad

	log=$(console_log "$tag")
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		echo "FAIL: lab-$lab/boot$sfx the lab did not finish within ${tmo}s (log: ${log#"$repo"/})"
		tail_log "$log"
		if [ -s "$out/$lab-$tag-cpus.txt" ]; then
			echo "    | where the lab's CPUs were at the timeout:"
			sed 's/^/    | /' "$out/$lab-$tag-cpus.txt"
		fi
	elif grep -q 'Kernel panic' "$log"; then
		echo "FAIL: lab-$lab/boot$sfx kernel panic: $(grep -m1 'Kernel panic' "$log")"
		tail_log "$log"
	elif ! grep -q '^LAB: power off' "$log"; then
		echo "FAIL: lab-$lab/boot$sfx the lab ended without powering off (QEMU status $rc; log: ${log#"$repo"/})"
		tail_log "$log"
	else
		echo "PASS: lab-$lab/boot$sfx"
	fi

	if ! grep -q '^==== lab dmesg end' "$log"; then
		echo "FAIL: lab-$lab/dmesg-clean$sfx no kernel log dump (the lab did not finish)"
		return
	fi
	bad=$(sed -n '/^==== lab dmesg begin/,/^==== lab dmesg end/p' "$log" |
		grep -E "$bad_log_re" || true)
	if [ -n "$bad" ]; then
		echo "FAIL: lab-$lab/dmesg-clean$sfx $(echo "$bad" | head -n 1)"
		sed -n '/^==== lab dmesg begin/,/^==== lab dmesg end/p' "$log" |
			grep -E -B 3 -A 25 -m 1 "$bad_log_re" | sed 's/^/    | /'
	else
		echo "PASS: lab-$lab/dmesg-clean$sfx"
	fi
}

# The console up to the kernel log dump: what the lab was doing last.
tail_log() {
	sed '/^==== lab dmesg begin/,$d' "$1" | tail -n 20 | sed 's/^/    | /'
}

# report_missing TAG NAME...: a FAIL for each check the lab did not report.
report_missing() {
	local log n

	log=$(console_log "$1")
	shift
	for n in "$@"; do
		grep -qE "^(PASS|FAIL|SKIP): lab-$lab/$n( |\$)" "$log" ||
			echo "FAIL: lab-$lab/$n no result: the lab stopped before it (see ${log#"$repo"/})"
	done
}

# Result lines of a non-streamed boot, with their evidence lines.
print_results() {
	sed -n -e '/^==== lab dmesg begin/,$d' -e '/^\(PASS\|FAIL\|SKIP\): \|^    /p' \
		"$(console_log "$1")"
}

# --- the AMD lab ---------------------------------------------------------------

run_amd() {
	local tests=("$@") t names sum=0 tmo rc rc1 rc2 start

	start=$(date +%s)
	mkdir -p "$out"
	if [ -z "$KVER" ] || [ ! -f "/boot/vmlinuz-$KVER" ]; then
		echo "FAIL: lab-$lab/setup no lab kernel: /boot/vmlinuz-$KVER (set KVER; make deps installs linux-image-amd64)"
		return 1
	fi
	for t in "$QEMU" busybox cpio modprobe gcc; do
		if ! command -v "$t" > /dev/null; then
			echo "FAIL: lab-$lab/setup $t not installed (make deps)"
			return 1
		fi
	done
	if [ ! -e /bin/busybox ] || ! /bin/busybox --list > /dev/null 2>&1; then
		echo "FAIL: lab-$lab/setup /bin/busybox missing (busybox-static)"
		return 1
	fi

	# Things the lab uses from the shared /: the guests, kvm-hold.
	if ! make -s -C tests/guest > "$out/guest-build.log" 2>&1; then
		echo "FAIL: lab-$lab/guests make -C tests/guest failed"
		tail -n 20 "$out/guest-build.log" | sed 's/^/    | /'
	fi
	if ! gcc -static -O2 -Wall -Wextra -Werror -o "$out/kvm-hold" "$here/kvm-hold.c" \
	     > "$out/kvm-hold-build.log" 2>&1; then
		echo "FAIL: lab-$lab/kvm-hold-build gcc -static tests/lab/kvm-hold.c failed"
		tail -n 20 "$out/kvm-hold-build.log" | sed 's/^/    | /'
		rm -f "$out/kvm-hold"
	fi
	build_lapic_abi
	if [ -f "${VMM_KO:-kmod/vmm.ko}" ]; then
		local vm
		vm=$(modinfo -F vermagic "${VMM_KO:-kmod/vmm.ko}" 2>/dev/null | awk '{ print $1 }')
		[ "$vm" = "$KVER" ] ||
			echo "LAB: note: kmod/vmm.ko is built for '$vm', the lab boots $KVER"
	fi
	if ! make_initramfs; then
		echo "FAIL: lab-$lab/setup could not build the initramfs"
		return 1
	fi

	# shellcheck source=tests/lab/cfg.sh
	. "$here/cfg.sh"
	if ! cfg_load "${LAB_CFG:-$here/tests.cfg}" "$lab"; then
		echo "FAIL: lab-$lab/tests-cfg ${LAB_CFG:-tests/lab/tests.cfg} is malformed"
		return 1
	fi
	if [ ${#tests[@]} -gt 0 ]; then
		for t in "${tests[@]}"; do
			[ "$t" = lapic-abi ] && continue	# a program, not a guest
			if [ -z "${CFG_FILE[$t]+x}" ]; then
				echo "FAIL: lab-$lab/$t no such test in tests/lab/tests.cfg"
				return 1
			fi
		done
		names=("${tests[@]}")
	else
		names=("${CFG_NAMES[@]}")
	fi
	for t in "${names[@]}"; do
		sum=$((sum + ${CFG_TIMEOUT[$t]:-60} + 5))
	done

	# Refusal boots first, side by side: short, one CPU each.
	if [ ${#tests[@]} -eq 0 ]; then
		# -la57 too: with -svm alone, QEMU 7.2's max CPU (5-level
		# paging on) gives every static glibc program of the lab a
		# non-absolute /proc/self/exe and they abort (busybox too).
		boot nosvm max,-svm,-la57 1 90 nosvm & rc1=0
		local p1=$!
		boot nonpt max,-npt 1 90 nonpt & rc2=0
		local p2=$!
		wait $p1 || rc1=$?
		wait $p2 || rc2=$?
		print_results nosvm
		report_missing nosvm refuse-nosvm
		check_boot nosvm "$rc1" 90 -nosvm
		print_results nonpt
		report_missing nonpt refuse-nonpt
		check_boot nonpt "$rc2" 90 -nonpt
	fi

	# The main boot: everything else.
	tmo=${LAB_TIMEOUT:-$((sum + 240))}
	echo "LAB: main boot, ${#names[@]} guest tests, timeout ${tmo}s, console in ${out#"$repo"/}/$lab-console.log"
	rc=0
	STREAM=1 boot main max 2 "$tmo" main "$(IFS=,; echo "${tests[*]}")" || rc=$?
	if [ ${#tests[@]} -gt 0 ]; then
		report_missing main module-load info info-json "${names[@]}" module-unload
	else
		report_missing main module-load info info-json "${names[@]}" lapic-abi \
			module-unload "load-unload-$LAB_LOOPS" kvm-busy kvm-reverse
	fi
	check_boot main "$rc" "$tmo" ""
	echo "LAB: $lab lab took $(($(date +%s) - start))s"
}

# --- an arbitrary in-lab script ----------------------------------------------

# run_script FILE TIMEOUT: one AMD lab boot (-cpu max, 2 CPUs) that runs
# FILE (bash, an absolute path in the shared / or the repository) chrooted,
# as lab-init.sh would be.  Prints FILE's output, then the boot and
# kernel-log checks.  Used by tests/bench/exits.sh.
run_script() {
	local script=$1 tmo=$2 rc=0

	if [ ! -f "$script" ] || [ "${script#/}" = "$script" ]; then
		echo "FAIL: lab-$lab/setup no script $script (an absolute path)"
		return 1
	fi
	if ! make_initramfs; then
		echo "FAIL: lab-$lab/setup could not build the initramfs"
		return 1
	fi
	LAB_SCRIPT=$script boot script max 2 "$tmo" script || rc=$?
	# From "LAB: init" on (the firmware's screen codes precede it).
	sed -n -e '/^==== lab dmesg begin/,$d' -e 's/^.*\(LAB: init \)/\1/' \
		-e '/^LAB: init /,$p' "$(console_log script)"
	check_boot script "$rc" "$tmo" -script
}

# --- the Intel lab ---------------------------------------------------------------
#
# Bochs 2.7 with a VT-x + EPT CPU model (shared/LAB-BOCHS.md).  Bochs has
# no 9p: the initramfs carries what lab-init.sh needs under /lab (vmm.ko,
# vmctl and its libraries, the guests, tests.cfg, bash and the GNU tools
# whose options busybox lacks), and initramfs-init.sh runs it directly
# when it finds /packed.  The lab boots once, from an ISO (isolinux), and
# runs every guest of tests.cfg meant for the Intel lab, the module
# checks and the kvm_intel coexistence checks; a second, short boot on a
# CPU model without VT-x checks that vmm.ko refuses to load.

BOCHS=${BOCHS:-bochs-bin}
intel_root=/lab

# pack_bin DIR FILE [DEST]: FILE into DIR (at DEST, default its own path)
# with the shared libraries ldd lists for it.
pack_bin() {
	local dir=$1 f=$2 dest=${3:-$2} lib

	mkdir -p "$dir$(dirname "$dest")"
	cp -L "$f" "$dir$dest"
	for lib in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*'); do
		[ -e "$dir$lib" ] && continue
		mkdir -p "$dir$(dirname "$lib")"
		cp -L "$lib" "$dir$lib"
	done
}

# tests/lab/lapic-abi.c: the VMM_CAP_LAPIC ioctls, run by lab-init.sh.
build_lapic_abi() {
	if ! gcc -static -O2 -Wall -Wextra -Werror -pthread -Iuapi \
	     -o "$out/lapic-abi" "$here/lapic-abi.c" > "$out/lapic-abi-build.log" 2>&1; then
		echo "FAIL: lab-$lab/lapic-abi-build gcc -static tests/lab/lapic-abi.c failed"
		tail -n 20 "$out/lapic-abi-build.log" | sed 's/^/    | /'
		rm -f "$out/lapic-abi"
	fi
}

make_intel_initramfs() {
	local dir=$out/intel-root.$$ r t f

	rm -rf "$dir"
	r=$dir$intel_root
	mkdir -p "$dir/bin" "$dir/dev" "$dir/proc" "$dir/sys" "$dir/tmp" "$dir/run" \
		"$dir/lib64" "$dir/usr/local/bin" \
		"$r/kmod" "$r/cli" "$r/tests/guest" "$r/tests/lab" "$r/build/lab"
	cp /bin/busybox "$dir/bin/busybox"
	cp "$here/initramfs-init.sh" "$dir/init"
	chmod 755 "$dir/init"
	: > "$dir/packed"
	: > "$dir/modules.list"
	# GNU tools first in lab-init.sh's PATH: busybox's timeout has no
	# --preserve-status, its date no %N.
	pack_bin "$dir" /bin/bash /bin/bash
	for t in timeout date; do
		pack_bin "$dir" "$(command -v $t)" "/usr/local/bin/$t"
	done
	[ -f "${VMM_KO:-kmod/vmm.ko}" ] && cp "${VMM_KO:-kmod/vmm.ko}" "$r/kmod/vmm.ko"
	[ -x "${VMCTL:-cli/vmctl}" ] && pack_bin "$dir" "$(realpath "${VMCTL:-cli/vmctl}")" "$intel_root/cli/vmctl"
	# The guests and what tests.cfg passes them (@GUESTS@/FILE).
	for f in tests/guest/*.bin tests/guest/*.elf tests/guest/*.txt; do
		[ -e "$f" ] && cp "$f" "$r/tests/guest/"
	done
	# kvm_intel for the coexistence checks, found by modprobe; without
	# .BTF and signature they load faster in Bochs (LAB-BOCHS.md).
	for m in $(modprobe -S "$KVER" -a --show-depends kvm_intel |
		   awk '$1 == "insmod" { print $2 }'); do
		f=$dir${m%.xz}
		f=${f%.zst}
		mkdir -p "$(dirname "$f")"
		case $m in
		*.ko.xz) xz -dc "$m" > "$f.tmp" ;;
		*.ko.zst) zstd -qdc "$m" > "$f.tmp" ;;
		*) cp "$m" "$f.tmp" ;;
		esac
		objcopy --remove-section .BTF "$f.tmp" "$f" 2>/dev/null || mv "$f.tmp" "$f"
		rm -f "$f.tmp"
	done
	depmod -b "$dir" "$KVER" 2>/dev/null || true
	cp "$here/lab-init.sh" "$here/cfg.sh" "$r/tests/lab/"
	cp "${LAB_CFG:-$here/tests.cfg}" "$r/tests/lab/tests.cfg"
	# intel-script: the script and what it needs, at their repository paths.
	for f in ${LAB_PACK:-}; do
		mkdir -p "$r/$(dirname "$f")"
		cp "$f" "$r/$f" || return 1
	done
	[ -x "$out/kvm-hold" ] && cp "$out/kvm-hold" "$r/build/lab/"
	[ -x "$out/fail-entry" ] && cp "$out/fail-entry" "$r/build/lab/"
	[ -x "$out/lapic-abi" ] && cp "$out/lapic-abi" "$r/build/lab/"
	# Uncompressed: decompressing inside Bochs is slow.
	(cd "$dir" && find . | cpio -o -H newc --quiet) > "$out/intel-initrd.$$" || return 1
	mv "$out/intel-initrd.$$" "$out/intel-initrd"
	rm -rf "$dir"
}

# make_intel_iso APPEND: the boot CD, isolinux + kernel + initramfs.
make_intel_iso() {
	local dir=$out/intel-iso.$$

	rm -rf "$dir"
	mkdir -p "$dir/isolinux"
	cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$dir/isolinux/"
	cp "/boot/vmlinuz-$KVER" "$dir/vmlinuz"
	cp "$out/intel-initrd" "$dir/initrd"
	cat > "$dir/isolinux/isolinux.cfg" <<-EOF
	DEFAULT lab
	PROMPT 0
	TIMEOUT 0
	LABEL lab
	  KERNEL /vmlinuz
	  INITRD /initrd
	  APPEND $1
	EOF
	xorriso -as mkisofs -quiet -o "$out/intel.iso.$$" -b isolinux/isolinux.bin \
		-c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
		"$dir" > "$out/intel-iso.log" 2>&1 || { rm -rf "$dir"; return 1; }
	mv "$out/intel.iso.$$" "$out/intel.iso"
	rm -rf "$dir"
}

# boot_intel TAG CPU TIMEOUT MODE: one Bochs run; serial console, without
# carriage returns, in console_log TAG.  STREAM=1 shows the result lines as
# they come.  Returns Bochs' (or timeout's) exit status.
boot_intel() {
	local tag=$1 cpu=$2 tmo=$3 mode=$4 log raw rc bpid
	local append="console=ttyS0,115200 quiet panic=-1 mitigations=off rodata=off init_on_alloc=0 cryptomgr.notests softlockup_panic=1 hung_task_panic=1 vmmlab.lab=$lab vmmlab.mode=$mode vmmlab.repo=$intel_root vmmlab.loops=$LAB_LOOPS"

	[ -n "${LAB_SCRIPT:-}" ] && append+=" vmmlab.script=$intel_root/$LAB_SCRIPT"

	log=$(console_log "$tag")
	raw=$log.raw
	make_intel_iso "$append" || return 1
	cat > "$out/bochsrc-$tag" <<-EOF
	megs: 512
	romimage: file=/usr/share/bochs/BIOS-bochs-latest, options=fastboot
	vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
	cpu: model=$cpu, count=1, ips=100000000, reset_on_triple_fault=0
	ata0-master: type=cdrom, path=$out/intel.iso, status=inserted
	boot: cdrom
	com1: enabled=1, mode=file, dev=$raw
	clock: sync=none, time0=local
	log: $out/bochs-$tag.log
	panic: action=fatal
	error: action=ignore
	info: action=ignore
	debug: action=ignore
	display_library: term
	sound: driver=dummy
	speaker: enabled=0
	EOF
	echo c > "$out/bochs-rc"
	rm -f "$raw"
	: > "$raw"
	set +e
	timeout -k 10 "$tmo" script -qfc \
		"$BOCHS -q -f $out/bochsrc-$tag -rc $out/bochs-rc < /dev/null" /dev/null \
		< /dev/null > /dev/null 2>&1 &
	bpid=$!
	if [ "${STREAM:-0}" = 1 ]; then
		tail -n +1 -f --pid=$bpid "$raw" | sed -u 's/\r$//' |
			sed -n -u -e '/^==== lab dmesg begin/,$d' \
				-e '/^LAB: running /d' \
				-e '/^\(PASS\|FAIL\|SKIP\): \|^    \|^LAB: /p'
	fi
	wait $bpid
	rc=$?
	set -e
	sed 's/\r$//' "$raw" > "$log"
	rm -f "$raw" "$out/intel.iso"
	return "$rc"
}

run_intel() {
	local t names=() sum=0 tmo rc start

	start=$(date +%s)
	mkdir -p "$out"
	LAB_LOOPS=${LAB_LOOPS_INTEL:-100}
	if [ -z "$KVER" ] || [ ! -f "/boot/vmlinuz-$KVER" ]; then
		echo "FAIL: lab-$lab/setup no lab kernel: /boot/vmlinuz-$KVER (set KVER; make deps installs linux-image-amd64)"
		return 1
	fi
	for t in "$BOCHS" script xorriso busybox cpio gcc ldd; do
		if ! command -v "$t" > /dev/null; then
			echo "FAIL: lab-$lab/setup $t not installed (make deps)"
			return 1
		fi
	done
	for t in /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 \
		 /usr/share/bochs/BIOS-bochs-latest /usr/share/bochs/VGABIOS-lgpl-latest; do
		if [ ! -f "$t" ]; then
			echo "FAIL: lab-$lab/setup no $t (make deps: isolinux syslinux-common bochsbios vgabios)"
			return 1
		fi
	done
	if ! make -s -C tests/guest > "$out/guest-build.log" 2>&1; then
		echo "FAIL: lab-$lab/guests make -C tests/guest failed"
		tail -n 20 "$out/guest-build.log" | sed 's/^/    | /'
	fi
	if ! gcc -static -O2 -Wall -Wextra -Werror -o "$out/kvm-hold" "$here/kvm-hold.c" \
	     > "$out/kvm-hold-build.log" 2>&1; then
		echo "FAIL: lab-$lab/kvm-hold-build gcc -static tests/lab/kvm-hold.c failed"
		rm -f "$out/kvm-hold"
	fi
	if ! gcc -static -O2 -Wall -Wextra -Werror -Iuapi -o "$out/fail-entry" \
	     "$here/fail-entry.c" > "$out/fail-entry-build.log" 2>&1; then
		echo "FAIL: lab-$lab/fail-entry-build gcc -static tests/lab/fail-entry.c failed"
		rm -f "$out/fail-entry"
	fi
	build_lapic_abi
	if ! make_intel_initramfs; then
		echo "FAIL: lab-$lab/setup could not build the initramfs"
		return 1
	fi
	# shellcheck source=tests/lab/cfg.sh
	. "$here/cfg.sh"
	if ! cfg_load "${LAB_CFG:-$here/tests.cfg}" "$lab"; then
		echo "FAIL: lab-$lab/tests-cfg ${LAB_CFG:-tests/lab/tests.cfg} is malformed"
		return 1
	fi
	names=("${CFG_NAMES[@]}")
	for t in "${names[@]}"; do
		sum=$((sum + CFG_TIMEOUT[$t] + 5))
	done
	tmo=${LAB_TIMEOUT:-$((sum + 300))}
	echo "LAB: Intel lab (Bochs, corei7_haswell_4770), ${#names[@]} guest tests, timeout ${tmo}s, console in ${out#"$repo"/}/$lab-console.log"
	rc=0
	STREAM=1 boot_intel main corei7_haswell_4770 "$tmo" main || rc=$?
	report_missing main cpu-vmx module-load info info-json "${names[@]}" fail-entry lapic-abi \
		module-unload "load-unload-$LAB_LOOPS" kvm-busy kvm-reverse
	check_boot main "$rc" "$tmo" ""

	# A CPU without VT-x (Bochs' 64-bit Pentium 4 model): vmm.ko must
	# refuse to load, with ENODEV and a reason in the kernel log.
	rc=0
	boot_intel novmx p4_prescott_celeron_336 180 novmx || rc=$?
	print_results novmx
	report_missing novmx refuse-novmx
	check_boot novmx "$rc" 180 -novmx
	echo "LAB: $lab lab took $(($(date +%s) - start))s"
}

# run_intel_script FILE TIMEOUT: one Bochs boot (VT-x CPU) that runs FILE,
# a repository file, instead of lab-init.sh; LAB_PACK lists the other
# repository files it needs.  Used by tests/bench/exits.sh.
run_intel_script() {
	local script=$1 tmo=$2 rc=0 rel

	rel=$(realpath --relative-to="$repo" "$script" 2>/dev/null) || rel=
	if [ ! -f "$script" ] || [ -z "$rel" ] || [ "${rel#../}" != "$rel" ]; then
		echo "FAIL: lab-$lab/setup no script $script inside $repo"
		return 1
	fi
	LAB_PACK="$rel ${LAB_PACK:-}"
	if ! make_intel_initramfs; then
		echo "FAIL: lab-$lab/setup could not build the initramfs"
		return 1
	fi
	LAB_SCRIPT=$rel boot_intel script corei7_haswell_4770 "$tmo" script || rc=$?
	sed -n -e '/^==== lab dmesg begin/,$d' -e 's/^.*\(LAB: init \)/\1/' \
		-e '/^LAB: init /,$p' "$(console_log script)"
	check_boot script "$rc" "$tmo" -script
}

lab=${1:-}
[ $# -gt 0 ] && shift

# One emulator at a time on this machine: two labs side by side starve
# each other's emulated CPUs into false lockups (Documentation/testing.md).
# LAB_LOCK names the lock file; LAB_LOCK=none skips the lock.
if [ "${LAB_LOCK:-/tmp/vmm-lab.lock}" != none ]; then
	exec 9>>"${LAB_LOCK:-/tmp/vmm-lab.lock}"
	if ! flock -n 9; then
		echo "LAB: waiting for another lab run (${LAB_LOCK:-/tmp/vmm-lab.lock})" >&2
		flock 9
	fi
fi
case $lab in
amd)
	mkdir -p "$out"
	run_amd "$@" 2>&1 | tee "$out/run.$$.out" || true
	grep -q '^FAIL: ' "$out/run.$$.out" && r=1 || r=0
	rm -f "$out/run.$$.out"
	exit "$r"
	;;
amd-script)
	[ $# -ge 1 ] || usage
	lab=amd
	mkdir -p "$out"
	run_script "$1" "${2:-600}" 2>&1 | tee "$out/run.$$.out" || true
	grep -q '^FAIL: ' "$out/run.$$.out" && r=1 || r=0
	rm -f "$out/run.$$.out"
	exit "$r"
	;;
intel-script)
	[ $# -ge 1 ] || usage
	lab=intel
	mkdir -p "$out"
	run_intel_script "$1" "${2:-1800}" 2>&1 | tee "$out/run.$$.out" || true
	grep -q '^FAIL: ' "$out/run.$$.out" && r=1 || r=0
	rm -f "$out/run.$$.out"
	exit "$r"
	;;
intel)
	mkdir -p "$out"
	run_intel "$@" 2>&1 | tee "$out/run.$$.out" || true
	grep -q '^FAIL: ' "$out/run.$$.out" && r=1 || r=0
	rm -f "$out/run.$$.out"
	exit "$r"
	;;
*)
	usage
	;;
esac
