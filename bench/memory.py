"""Memory of the running process, read from /proc (Linux), for the benchmark scripts."""

from __future__ import annotations

import resource


def _status_mb(key: str) -> float | None:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key):
                return int(line.split()[1]) / 1024
    return None


def rss_mb() -> float:
    return _status_mb("VmRSS:") or 0.0


def peak_mb() -> float:
    """This process's peak RSS (VmHWM: unlike ru_maxrss, not inherited from the parent at exec)."""
    peak = _status_mb("VmHWM:")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
