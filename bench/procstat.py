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



def memory_map(pid):
    """Resident bytes of the process by kind of mapping, from /proc/<pid>/smaps:
    `gc`: the .NET GC's regions (the run of adjacent anonymous mappings around its reservation of a GiB or more);
    `malloc`: glibc's [heap] and its thread arenas (anonymous mappings at 64 MiB boundaries): native allocations,
    zlib's and OpenSSL's among them; `stack`: thread stacks (anonymous mappings right after a one-page guard);
    `image`: the binary and libraries (and the binary's zeroed data right after it); `other`: the rest (a malloc
    over the mmap threshold, the runtime's own bookkeeping)."""
    maps = []  # [start, end, perms, name, rss]
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            head = line.split(None, 5)
            if len(head) >= 5 and "-" in head[0] and not head[0].endswith(":"):
                start, end = (int(x, 16) for x in head[0].split("-"))
                maps.append([start, end, head[1], head[5].strip() if len(head) > 5 else "", 0])
            elif line.startswith("Rss:"):
                maps[-1][4] = int(line.split()[1]) * 1024
    kind = ["other"] * len(maps)
    for i, (start, end, perms, name, _) in enumerate(maps):
        if name == "[heap]":
            kind[i] = "malloc"
        elif name.startswith("[stack"):
            kind[i] = "stack"
        elif name:
            kind[i] = "image"
        elif i > 0 and maps[i - 1][1] == start and maps[i - 1][3].startswith("/"):
            kind[i] = "image"
        elif i > 0 and maps[i - 1][1] == start and maps[i - 1][2] == "---p" and maps[i - 1][1] - maps[i - 1][0] <= 64 << 10:
            kind[i] = "stack"
        elif start % (64 << 20) == 0 and end - start <= 64 << 20:
            kind[i] = "malloc"
    # The GC's reservation, and the committed mappings that split it, adjacent to each other.
    for i, (start, end, perms, name, _) in enumerate(maps):
        if not name and perms == "---p" and end - start >= 1 << 30:
            j = i
            while j > 0 and not maps[j - 1][3] and maps[j - 1][1] == maps[j][0]:
                j -= 1
            k = i
            while k + 1 < len(maps) and not maps[k + 1][3] and maps[k + 1][0] == maps[k][1]:
                k += 1
            for n in range(j, k + 1):
                kind[n] = "gc"
    kinds = {"gc": 0, "malloc": 0, "stack": 0, "image": 0, "other": 0}
    for n, m in enumerate(maps):
        kinds[kind[n]] += m[4]
    return kinds
