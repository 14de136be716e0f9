#!/usr/bin/env python3
"""Interrupts `lzgen new --force` at random points and checks that the
target is always the old tree or the new one, never a mix.

Three kinds of trial, each over a copy of one rendered repo (the "old" tree,
plus a file of the user's) that `new --force` replaces with another answer
set (the "new" tree, with more files and different contents):

- SIGINT: right after the signal, the target must be old or new, and no
  staging folder may remain; the exit code must say which (130 = old).
- SIGKILL: the process cannot clean up, so right after the signal the target
  may be half moved, but then the staging folder holds the journal that says
  so. The next lzgen run beside the target (here `new` without --force, which
  then refuses to write) must leave it old or new, with no staging folder.
- Concurrent: two `new --force` runs with different answers start together;
  the result must be one of the two trees, whole.

Half of the signals land anywhere in the run; a quarter wait for the
staging folder to appear and land while files are written or moved; a
quarter wait for the journal (the moves have begun) and land within 4 ms. Usage:

    interrupt_trials.py LZGEN_BINARY [TRIALS]

Prints the figures and exits 1 if any trial ends in a mix.
"""

import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

BIN = os.path.abspath(sys.argv[1])
TRIALS = int(sys.argv[2]) if len(sys.argv) > 2 else 100
SEED = int(os.environ.get("TRIAL_SEED", "13"))

BASE = ["--preset", "enterprise", "--yes", "--set", "organization.iac=both"]
OLD = BASE + ["--set", "organization.name=alpha"]
NEW = BASE + [
    "--set", "organization.name=bravo",
    "--set", "organization.regions=[us-east-1,eu-west-1,ap-southeast-2]",
]
# As large as NEW, so that neither concurrent run reliably finishes first.
OTHER = NEW + ["--set", "organization.name=charlie"]
USER_FILE = ("notes/mine.txt", b"the user's own notes\n")


def tree(root):
    """Every file under root: relative path -> (bytes, mode)."""
    out = {}
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, root)] = (f.read(), os.stat(path).st_mode & 0o777)
    return out


def render(work, name, args):
    target = os.path.join(work, name)
    subprocess.run([BIN, "new", target] + args, check=True, capture_output=True)
    path, data = USER_FILE
    os.makedirs(os.path.join(target, os.path.dirname(path)), exist_ok=True)
    with open(os.path.join(target, path), "wb") as f:
        f.write(data)
    return target, tree(target)


def leftovers(work):
    return [n for n in os.listdir(work) if n.startswith(".t.lzgen-")]


def journalled(work):
    return any(os.path.exists(os.path.join(work, n, "journal")) for n in leftovers(work))


def which(state, trees):
    for name, expected in trees.items():
        if state == expected:
            return name
    return "MIX"


def fresh_target(work, old_dir):
    target = os.path.join(work, "t")
    shutil.rmtree(target, ignore_errors=True)
    for n in leftovers(work):
        shutil.rmtree(os.path.join(work, n))
    shutil.copytree(old_dir, target, symlinks=True)
    return target


def next_run(target):
    """Any later lzgen run beside the target; this one refuses to write."""
    run = subprocess.run([BIN, "new", target, "--yes"], capture_output=True, timeout=60)
    return run.returncode


def main():
    rng = random.Random(SEED)
    work = tempfile.mkdtemp(prefix="lzgen-trials-")
    try:
        old_dir, old = render(work, "old", OLD)
        _, new = render(work, "new", NEW)
        _, other = render(work, "other", OTHER)
        assert old != new and set(old) != set(new)
        durations, writes = [], []
        for _ in range(7):
            target = fresh_target(work, old_dir)
            start = time.monotonic()
            proc = subprocess.Popen([BIN, "new", target, "--force"] + NEW,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            while not leftovers(work) and proc.poll() is None:
                pass
            staged = time.monotonic()
            assert proc.wait() == 0
            durations.append(time.monotonic() - start)
            writes.append(time.monotonic() - staged)
            assert tree(target) == new
        run_time = statistics.median(durations)
        write_window = 1.3 * statistics.median(writes)
        print(f"uninterrupted `new --force`: median {run_time * 1000:.0f} ms over {len(durations)} runs, "
              f"of which writing {statistics.median(writes) * 1000:.0f} ms; "
              f"{len(old)} files before, {len(new)} after")

        failures = []
        figures = {}
        for sig in (signal.SIGINT, signal.SIGKILL):
            counts = {}
            for trial in range(TRIALS):
                target = fresh_target(work, old_dir)
                proc = subprocess.Popen([BIN, "new", target, "--force"] + NEW,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                aimed = ""
                if trial % 2 == 0:
                    time.sleep(rng.uniform(0, run_time))
                elif trial % 4 == 1:
                    # Wait for the staging folder to appear, then strike
                    # while files are written or moved.
                    while not leftovers(work) and proc.poll() is None:
                        pass
                    time.sleep(rng.uniform(0, write_window))
                else:
                    # Wait for the journal (the moves begin), then strike
                    # within a few milliseconds: while files are moved.
                    while not journalled(work) and proc.poll() is None:
                        pass
                    time.sleep(rng.uniform(0, 0.004))
                    if proc.poll() is None:
                        aimed = "sent while files were moved: "
                proc.send_signal(sig)
                _, err = proc.communicate(timeout=60)
                code = proc.returncode
                right_after = which(tree(target), {"old": old, "new": new})
                pending = journalled(work)
                stray = leftovers(work)
                if sig == signal.SIGINT:
                    # Ctrl-C cleans up at once: no mix, no staging folder, and
                    # the exit code tells the truth.
                    if right_after == "MIX" or stray:
                        failures.append(f"SIGINT trial {trial}: {right_after}, leftovers {stray}")
                    if code == 130 and right_after != "old":
                        failures.append(f"SIGINT trial {trial}: exit 130 but the tree is {right_after}: {err!r}")
                    if code == 0 and right_after != "new":
                        failures.append(f"SIGINT trial {trial}: exit 0 but the tree is {right_after}")
                    if code not in (0, 130, -2):
                        failures.append(f"SIGINT trial {trial}: exit {code}: {err!r}")
                else:
                    if right_after == "MIX" and not pending:
                        failures.append(f"SIGKILL trial {trial}: a mix with no journal to undo it")
                refused = next_run(target)
                after = which(tree(target), {"old": old, "new": new})
                if after == "MIX" or leftovers(work) or refused != 2:
                    failures.append(f"{sig.name} trial {trial}: after the next run {after}, "
                                    f"leftovers {leftovers(work)}, exit {refused}")
                key = f"{aimed}{right_after}{' (journalled, then undone)' if pending else ''} -> {after}"
                if stray and not pending:
                    key += " (staging folder removed by the next run)"
                counts[key] = counts.get(key, 0) + 1
            figures[sig.name] = counts

        counts = {}
        for trial in range(TRIALS):
            target = fresh_target(work, old_dir)
            procs = [subprocess.Popen([BIN, "new", target, "--force"] + args,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                     for args in (NEW, OTHER)]
            codes = [p.wait(timeout=120) for p in procs]
            result = which(tree(target), {"new": new, "other": other})
            if result == "MIX" or leftovers(work) or codes != [0, 0]:
                failures.append(f"concurrent trial {trial}: {result}, exits {codes}, leftovers {leftovers(work)}")
            counts[result] = counts.get(result, 0) + 1
        figures["concurrent"] = counts

        for kind, counts in figures.items():
            print(f"{kind}: {TRIALS} trials")
            for key, n in sorted(counts.items()):
                print(f"  {n:4d}  {key}")
        if failures:
            print(f"{len(failures)} failure(s):")
            for f in failures[:40]:
                print("  " + f)
            return 1
        print(f"0 failures in {3 * TRIALS} trials (seed {SEED})")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
