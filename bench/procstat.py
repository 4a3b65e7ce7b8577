"""What the bench scripts measure of a process, from /proc, and a free loopback port for it to listen on."""
import os
import socket

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_times(pid):
    """(user, system) CPU seconds of all the process's threads."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) / TICKS, int(fields[12]) / TICKS


def cpu_seconds(pid):
    """User plus system CPU seconds."""
    return sum(cpu_times(pid))


def status_bytes(pid, field):
    """A size line of /proc/<pid>/status in bytes: VmHWM (peak RSS), VmRSS (current RSS)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def peak_rss(pid):
    return status_bytes(pid, "VmHWM")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss(pid):
    return status_bytes(pid, "VmRSS")


def threads(pid):
    """The Threads line of /proc/<pid>/status."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return 0


def open_fds(pid):
    """Entries of /proc/<pid>/fd: every open file, socket, pipe and epoll/eventfd descriptor."""
    return len(os.listdir(f"/proc/{pid}/fd"))
