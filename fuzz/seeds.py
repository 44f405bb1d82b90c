#!/usr/bin/env python3
"""Write the fuzzers' seed corpora under OUT, from the repository's test
data, ../shared/corpus (when present) and fuzz/seeds (stdlib only).

    python3 fuzz/seeds.py ROOT OUT

OUT/lines      one log line per file (envelope and parser targets)
OUT/logs       whole small logs, and pairs of them joined by the
               "#--next-file--" line that fuzz_scan splits on
OUT/reader     compressed and plain files
OUT/geo        range files
OUT/statefile  audit state files
Each also gets fuzz/seeds/KIND/*: our own seeds and every input that once
made a fuzzer fail, so that each run checks them again first.
Nothing is written into the repository.
"""

import glob
import gzip
import hashlib
import os
import shutil
import sys

LINES_PER_FILE = 300
LOG_MAX = 32 * 1024


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            pass  # truncated: the reader seeds keep the raw bytes
    return data


def put(d, data):
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    root, out = sys.argv[1], sys.argv[2]
    dirs = {}
    for k in ("lines", "logs", "reader", "geo", "statefile"):
        dirs[k] = os.path.join(out, k)
        os.makedirs(dirs[k], exist_ok=True)
    td = os.path.join(root, "testdata")
    logs = sorted(glob.glob(os.path.join(td, "demo", "*")) +
                  glob.glob(os.path.join(td, "hostile", "*.log")) +
                  glob.glob(os.path.join(td, "hostile", "*.gz")) +
                  glob.glob(os.path.join(td, "hostile", "rollover", "*")) +
                  glob.glob(os.path.join(root, "..", "shared", "corpus",
                                         "*", "*.log")))
    small = []
    for p in logs:
        if not os.path.isfile(p):
            continue
        data = read(p)
        for line in data.split(b"\n")[:LINES_PER_FILE]:
            if line:
                put(dirs["lines"], line)
        part = data[:LOG_MAX]
        put(dirs["logs"], part)
        small.append(part[:4096])
    for a, b in zip(small, small[1:]):
        put(dirs["logs"], a + b"\n#--next-file--\n" + b)
    for p in glob.glob(os.path.join(td, "hostile", "*.gz")):
        put(dirs["reader"], open(p, "rb").read())
    demo = sorted(glob.glob(os.path.join(td, "demo", "*.gz")),
                  key=os.path.getsize)
    for p in demo[:1]:
        put(dirs["reader"], open(p, "rb").read())
    for p in glob.glob(os.path.join(td, "geo", "*")):
        put(dirs["geo"], open(p, "rb").read()[:LOG_MAX])
    for k in dirs:
        for p in glob.glob(os.path.join(root, "fuzz", "seeds", k, "*")):
            shutil.copy(p, dirs[k])


if __name__ == "__main__":
    main()
