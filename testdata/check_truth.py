#!/usr/bin/env python3
"""Cross-check a generated log set against its truth file.

    python3 testdata/check_truth.py DIR TRUTH.csv

Re-reads every maillog file in DIR independently of the generator and
checks that: the failure lines found by plain pattern matching are
exactly the truth rows (file, line, time, service, ip, account, count);
times never go backwards within or across files (the year is carried
from the dateext names); each gzip header MTIME is the time of the
file's last line.  Prints a summary and exits 1 on any mismatch.
"""

import csv
import datetime
import gzip
import os
import re
import struct
import sys

MON = {m: i + 1 for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep "
                                      "Oct Nov Dec".split())}
ENV = re.compile(r"^([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d) (\S+) "
                 r"([^:\[]+)(?:\[\d+\])?: (.*)$", re.S)
PF = re.compile(r"^(?:message repeated (\d+) times: \[ )?warning: [^\[]*"
                r"\[([^\]]+)\]: SASL \S+ authentication failed: "
                r".*?(?:, sasl_username=(.*?))?\]?$", re.S)
DA = re.compile(r"^auth: passwd-file\((.*),([0-9a-fA-F.:]+)(?:,<[^>]+>)?\): "
                r"(?:Password mismatch|unknown user)$", re.S)
DL = re.compile(r"^(imap|pop3)-login: .*\(auth failed, (\d+) attempts in "
                r"\d+ secs\): user=<(.*)>, method=\S+, rip=([^,]+), ", re.S)
SVC = {"postfix/submission/smtpd": "submission",
       "postfix/smtps/smtpd": "smtps", "postfix/smtpd": "smtp"}


def files(d):
    names = sorted(n for n in os.listdir(d)
                   if re.match(r"^maillog-\d{8}(\.gz)?$", n))
    return names


def main():
    d, truth_path = sys.argv[1], sys.argv[2]
    with open(truth_path, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["file", "line", "time", "service", "ip", "account",
                       "count"], rows[0]
    want = [tuple(r) for r in rows[1:]]
    got = []
    bad = 0
    prev = None
    for name in files(d):
        path = os.path.join(d, name)
        anchor = datetime.datetime.strptime(name[8:16], "%Y%m%d")
        if name.endswith(".gz"):
            with open(path, "rb") as f:
                hdr = f.read(10)
            mtime = struct.unpack("<I", hdr[4:8])[0]
            data = gzip.decompress(open(path, "rb").read())
        else:
            mtime = None
            data = open(path, "rb").read()
        lines = data.split(b"\n")
        assert lines[-1] == b"", name + ": no final newline"
        lines = lines[:-1]
        # year: the last line carries the anchor's year, walk backwards
        stamps = []
        for raw in lines:
            m = ENV.match(raw.decode("utf-8"))
            assert m, "%s: unparsable %r" % (name, raw[:80])
            stamps.append(m)
        year = anchor.year
        mon_next = None
        years = [0] * len(stamps)
        for i in range(len(stamps) - 1, -1, -1):
            mon = MON[stamps[i].group(1)]
            if mon_next is not None and mon - mon_next >= 6:
                year -= 1
            mon_next = mon
            years[i] = year
        for i, m in enumerate(stamps):
            t = datetime.datetime(years[i], MON[m.group(1)],
                                  int(m.group(2)), int(m.group(3)),
                                  int(m.group(4)), int(m.group(5)))
            if prev is not None and t < prev:
                print("%s:%d: time goes back" % (name, i + 1))
                bad += 1
            prev = t
            tag, msg = m.group(7), m.group(8)
            row = None
            pm = PF.match(msg) if tag in SVC else None
            if pm:
                row = (SVC[tag], pm.group(2), pm.group(3) or "",
                       pm.group(1) or "1")
            elif tag == "dovecot":
                am = DA.match(msg)
                lm = DL.match(msg)
                if am:
                    row = ("auth", am.group(2), am.group(1), "1")
                elif lm:
                    row = (lm.group(1), lm.group(4), lm.group(3),
                           lm.group(2))
            if row:
                got.append((name, str(i + 1), t.strftime("%Y-%m-%dT%H:%M:%S"),
                            row[0], row[1], row[2], row[3]))
        if mtime is not None:
            last = datetime.datetime(1970, 1, 1) + \
                datetime.timedelta(seconds=mtime)
            if last != prev:
                print("%s: gzip MTIME %s, last line %s" % (name, last, prev))
                bad += 1
        if prev.date() > anchor.date():
            print("%s: last line %s after the dateext date" % (name, prev))
            bad += 1
    if got != want:
        gs, ws = set(got), set(want)
        for r in sorted(gs - ws)[:10]:
            print("not in truth:", r)
        for r in sorted(ws - gs)[:10]:
            print("missing from logs:", r)
        if gs == ws:
            print("same rows, different order")
        bad += 1
    print("%d truth rows, %d files, %s" % (len(want), len(files(d)),
                                           "OK" if not bad else "FAILED"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
