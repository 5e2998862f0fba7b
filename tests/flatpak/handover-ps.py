#!/usr/bin/python3
"""The relink-handover processes of one sandbox, seen from the host.

    tests/flatpak/handover-ps.py watch OUT ROOT
    tests/flatpak/handover-ps.py left ROOT

ROOT: the pid of the `flatpak run` (bubblewrap) whose sandbox to look in;
only processes below it count (other programs on the machine, the host
tests among them, run relink-handover too). A bridge whose parent died is
reparented to the sandbox's init, still below ROOT.

watch: writes "request T" and then, every 10 ms, "T PID PPID STATE THREADS" for
each such process into OUT (and how many threads it has left), T in CLOCK_MONOTONIC milliseconds (the clock
of desktop-stub.py's log), until killed.
left: prints each one that is still there (a zombie too: ps would show
its name as "<defunct>"), with its parent's signal masks, for the message.
"""

import os
import sys
import time


def stat_of(pid):
    """(name, state, parent) of @pid, or None."""
    try:
        with open("/proc/%s/stat" % pid) as f:
            stat = f.read()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2:].split()
    return stat[stat.find("(") + 1:stat.rfind(")")], fields[0], int(fields[1])


def below(pid, root):
    seen = 0
    while pid > 1 and seen < 64:
        if pid == root:
            return True
        info = stat_of(pid)
        if info is None:
            return False
        pid = info[2]
        seen += 1
    return False


def bridges(root):
    for pid in filter(str.isdigit, os.listdir("/proc")):
        info = stat_of(pid)
        if info is not None and info[0] == "relink-handover" and below(int(pid), root):
            yield int(pid), info[2], info[1]


def main():
    if sys.argv[1] == "watch":
        out = open(sys.argv[2], "a", buffering=1, encoding="utf-8")
        root = int(sys.argv[3])
        out.write("request %.1f\n" % (time.monotonic() * 1000))
        while True:
            for pid, ppid, state in bridges(root):
                try:
                    threads = len(os.listdir("/proc/%d/task" % pid))
                except OSError:
                    threads = 0
                out.write("%.1f %d %d %s %d\n" % (time.monotonic() * 1000, pid, ppid, state, threads))
            time.sleep(0.01)
    else:
        for pid, ppid, state in bridges(int(sys.argv[2])):
            print("pid %d state %s, parent %d:" % (pid, state, ppid))
            try:
                with open("/proc/%d/status" % ppid) as f:
                    for line in f:
                        if line.split(":")[0] in ("Name", "NSpid", "SigBlk", "SigIgn", "SigCgt"):
                            print("  " + line.strip())
            except OSError:
                pass


if __name__ == "__main__":
    main()
