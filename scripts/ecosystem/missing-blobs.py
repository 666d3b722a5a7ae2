#!/usr/bin/env python3
"""Lists, one a line, the paths of COMMIT's tree in the git repository CHECKOUT whose blobs are absent (a snapshot
that left out its largest files). Used by scripts/ecosystem-check.sh to leave them out of the checkout."""

import subprocess
import sys


def main(checkout, commit):
    git = ["git", "-C", checkout]
    tree = subprocess.run(git + ["ls-tree", "-r", "-z", "--full-tree", commit], capture_output=True, check=True).stdout
    blobs = []
    for entry in tree.split(b"\0"):
        if not entry:
            continue
        meta, path = entry.split(b"\t", 1)
        _mode, kind, oid = meta.split(b" ")
        if kind == b"blob":
            blobs.append((oid, path))
    if not blobs:
        return 0
    answer = subprocess.run(git + ["cat-file", "--batch-check=%(objectname)"],
                            input=b"".join(oid + b"\n" for oid, _ in blobs), capture_output=True, check=True).stdout
    for (_oid, path), line in zip(blobs, answer.split(b"\n")):
        if line.endswith(b" missing"):
            if b"\n" in path:
                print(f"missing-blobs: a path with a newline cannot be left out: {path!r}", file=sys.stderr)
                return 1
            sys.stdout.buffer.write(path + b"\n")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
