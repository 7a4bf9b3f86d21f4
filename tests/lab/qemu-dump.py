#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""qemu-dump.py - where were the lab's CPUs when it hung?

Called by run.sh when a lab boot reaches its timeout, before QEMU is
stopped: asks QEMU's monitor (a unix socket) for every CPU's registers,
prints one line per CPU with RIP, CPL, HLT state and, for kernel
addresses, the symbol (from the lab's /proc/kallsyms, which lab-init.sh
copies out when it loads vmm.ko; addresses inside vmm.ko also get a
file:line from addr2line, against the .text address lab-init.sh printed),
then tells QEMU to quit.

usage: qemu-dump.py MONITOR_SOCKET KALLSYMS CONSOLE_LOG VMM_KO
"""
import bisect
import re
import socket
import subprocess
import sys


def monitor(path, cmds):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.settimeout(3)

    def read():
        buf = b''
        try:
            while True:
                d = s.recv(65536)
                if not d:
                    break
                buf += d
        except socket.timeout:
            pass
        return buf.decode(errors='replace')

    read()
    out = []
    for c in cmds:
        s.sendall(c.encode() + b'\n')
        out.append(read())
    return out


def load_map(path):
    syms = []
    try:
        with open(path) as f:
            for line in f:
                f = line.split()
                if len(f) >= 3 and f[1] in 'tTwW' and int(f[0], 16):
                    syms.append((int(f[0], 16), ' '.join(f[2:])))
    except OSError:
        pass
    syms.sort()
    return syms


def symbolize(rip, syms, keys, vmm_text, vmm_ko):
    sym = ''
    if rip >= 0xffff800000000000 and keys:
        i = bisect.bisect_right(keys, rip) - 1
        if i >= 0 and rip - syms[i][0] < 0x100000:
            sym = f'{syms[i][1]}+{rip - syms[i][0]:#x}'
    if vmm_text and vmm_text <= rip < vmm_text + 0x100000:
        off = rip - vmm_text
        try:
            r = subprocess.run(['addr2line', '-f', '-i', '-e', vmm_ko, '-j', '.text',
                                hex(off)], capture_output=True, text=True, timeout=20)
            where = ' / '.join(l.strip() for l in r.stdout.splitlines())
        except (OSError, subprocess.SubprocessError):
            where = '?'
        return f'{sym} (vmm.ko .text+{off:#x} {where})'
    if sym:
        return sym
    if rip < 0x800000000000:
        return 'user or guest address'
    return 'kernel address (no symbols: vmm.ko was never loaded?)'


def main():
    sock, kallsyms, log, vmm_ko = sys.argv[1:5]
    vmm_text = 0
    try:
        with open(log, errors='replace') as f:
            for line in f:
                m = re.match(r'LAB: vmm\.ko \.text (0x[0-9a-f]+)', line)
                if m:
                    vmm_text = int(m.group(1), 16)
    except OSError:
        pass
    try:
        regs, = monitor(sock, ['info registers -a'])
    except OSError as e:
        print(f'cannot reach the QEMU monitor: {e}')
        return 1
    syms = load_map(kallsyms)
    keys = [a for a, _ in syms]
    cpu = '?'
    for line in regs.splitlines():
        m = re.match(r'CPU#(\d+)', line)
        if m:
            cpu = m.group(1)
        m = re.match(r'RIP=([0-9a-f]+) RFL=([0-9a-f]+) .*CPL=(\d) .*HLT=(\d)', line)
        if m:
            rip = int(m.group(1), 16)
            print(f'CPU{cpu}: RIP={rip:#x} RFLAGS={m.group(2)} CPL={m.group(3)} '
                  f'HLT={m.group(4)} {symbolize(rip, syms, keys, vmm_text, vmm_ko)}')
        if line.startswith(('CS =', 'CR0=', 'EFER=')):
            print(f'      {line.strip()}')
    try:
        monitor(sock, ['quit'])
    except OSError:
        pass
    return 0


if __name__ == '__main__':
    sys.exit(main())
