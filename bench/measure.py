"""One command, measured: its wall time and the peak memory of that process alone.

Every benchmark script measures through `measure`. The peak comes from GNU
time (Debian's `time` package), not from `wait4`: Python starts children with
vfork, and the kernel carries the size of the memory a process replaces at
`exec` into its peak, so `wait4` reported at least the Python script's own
size. Output is drained while the command runs, so a command that prints a
lot cannot stall on a full pipe.
"""
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

TIME = Path("/usr/bin/time")


def measure(cmd, cwd=None, env=None):
    """(seconds, peak MB, stdout, stderr) of `cmd`; exits with its stderr if it fails."""
    if not TIME.exists():
        sys.exit("the benchmarks read peak memory from GNU time: apt-get install time")
    peak_file = tempfile.NamedTemporaryFile(prefix="flashdeck-peak-", delete=False)
    peak_file.close()
    start = time.perf_counter()
    proc = subprocess.Popen([str(TIME), "-f", "%M", "-o", peak_file.name, *map(str, cmd)],
                            cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    chunks = {}
    readers = [threading.Thread(target=lambda k=k, s=s: chunks.__setitem__(k, s.read()))
               for k, s in (("out", proc.stdout), ("err", proc.stderr))]
    for reader in readers:
        reader.start()
    _, status, _ = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    for reader in readers:
        reader.join()
    peak_lines = Path(peak_file.name).read_text().strip().splitlines()
    os.unlink(peak_file.name)
    stdout = chunks["out"].decode(errors="replace")
    stderr = chunks["err"].decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{' '.join(map(str, cmd))} exited {code}:\n{stderr[-2000:]}")
    return elapsed, int(peak_lines[-1]) / 1024, stdout, stderr
