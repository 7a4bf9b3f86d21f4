#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
#
# initramfs-init.sh - /init of the lab's initramfs (busybox sh, PID 1).
#
# Mounts the build machine's / (shared read-only by QEMU's 9p, mount tag
# "hostroot") on /mnt, gives it fresh /proc, /sys, /dev and writable
# tmpfs on /tmp and /run, and runs tests/lab/lab-init.sh chrooted there,
# so the lab uses the build machine's bash, kmod, vmctl and its shared
# libraries without packing any of them.  Then dumps the kernel log
# between markers for run.sh to check, and powers off.
# The 9p/virtio modules are in /lib/modules, loaded in the order of
# /modules.list (modprobe --show-depends order, computed by run.sh).

/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin /proc /sys /dev /mnt /tmp
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec < /dev/console > /dev/console 2>&1
# Only emergencies on the console: results and kernel messages must not
# interleave.  The full log is dumped at the end.
dmesg -n 1

param() {
	for p in $(cat /proc/cmdline); do
		case $p in "vmmlab.$1="*) echo "${p#*=}"; return ;; esac
	done
}
lab=$(param lab)
repo=$(param repo)
# vmmlab.script: another in-lab script instead (run.sh amd-script).
script=$(param script)
[ -n "$script" ] || script=$repo/tests/lab/lab-init.sh
echo "LAB: init on $(uname -r)"

end() {
	echo "==== lab dmesg begin ===="
	dmesg
	echo "==== lab dmesg end ===="
	echo "LAB: power off"
	sync
	sleep 1
	poweroff -f
	# Not reached unless poweroff failed: power off through sysrq, and
	# failing that let init exit (panic=-1 and -no-reboot end QEMU).
	echo o > /proc/sysrq-trigger
	sleep 5
	exit 1
}

# The Intel lab (Bochs, no 9p): everything lab-init.sh needs is packed
# into this initramfs under $repo (run.sh, make_intel_initramfs).
if [ -f /packed ]; then
	mount -t tmpfs tmpfs /tmp
	mount -t tmpfs tmpfs /run
	/bin/bash "$script"
	echo "LAB: ${script##*/} exited with status $?"
	end
fi

for m in $(cat /modules.list); do
	insmod "/lib/modules/$m" || echo "LAB: insmod $m failed"
done
# cache=loose: the share does not change under a run, and without a cache
# every exec re-reads its shared libraries over 9p (seconds per insmod).
if ! mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=512000,cache=loose hostroot /mnt; then
	echo "FAIL: lab-$lab/setup cannot mount the build machine's / over 9p"
	end
fi
mount -t proc proc /mnt/proc
mount -t sysfs sysfs /mnt/sys
mount -t devtmpfs devtmpfs /mnt/dev
mount -t tmpfs tmpfs /mnt/tmp
mount -t tmpfs tmpfs /mnt/run
# The repository comes as a share of its own: a clone under /tmp would be
# hidden by the tmpfs above.  The mount point exists in the read-only
# share, or can be made in the tmpfs that hides it.
mkdir -p "/mnt$repo" 2> /dev/null
if ! mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=512000,cache=loose repo "/mnt$repo"; then
	echo "FAIL: lab-$lab/setup cannot mount the repository $repo over 9p"
	end
fi
if [ ! -f "/mnt$script" ]; then
	echo "FAIL: lab-$lab/setup no $script in the shared /"
	end
fi
chroot /mnt /bin/bash "$script"
echo "LAB: ${script##*/} exited with status $?"
end
