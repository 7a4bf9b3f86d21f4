#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Install every Debian package that the build, the tests and the labs need.
# Idempotent; run as root (make deps).
set -euo pipefail

pkgs=(
	build-essential pkg-config bc kmod
	linux-image-amd64 linux-headers-amd64     # lab kernel + its headers
	sparse                                     # make sparse (C=2)
	libnl-3-dev libnl-genl-3-dev libnl-route-3-dev liburing-dev
	check                                      # unit tests
	qemu-system-x86 busybox-static cpio        # AMD lab
	qemu-utils                                 # qcow2 interoperability
	bochs bochs-term bochsbios vgabios isolinux syslinux-common xorriso   # Intel lab
	clang libclang-rt-14-dev                   # fuzzing (libFuzzer + ASan)
	iproute2 python3
)

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: must run as root (apt-get install)" >&2
	exit 1
fi

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#pkgs[@]} packages present"
	exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
