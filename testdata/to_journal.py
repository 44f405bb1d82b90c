#!/usr/bin/env python3
"""Turn the syslog lines of a demo set into journalctl output.

    python3 testdata/to_journal.py --in testdata/demo \
        --out testdata/demo-journal

Reads the logrotate set written by gen_demo.py (maillog-YYYYMMDD[.gz],
oldest first; mail.err is a subset of the same lines and is left out) and
writes what journalctl would print for the same entries on a machine whose
journal received them over syslog:

    journal.json.gz       journalctl -o json (one object per line)
    journal.short-iso.gz  journalctl -o short-iso

The syslog files carry local wall time without a year or zone.  The year is
walked from the first file's dateext date (a month that goes back means a
new year, as subsubmit's year inference does), and the wall time is taken
as UTC: the JSON __REALTIME_TIMESTAMP is that time in microseconds since
the epoch and short-iso prints it with +00:00.  So subsubmit sees the same
civil times in both forms, and report and errors must agree with the
syslog set.

Field names and shapes follow systemd's Journal JSON Format and
systemd.journal-fields(7): every value is a string; syslog entries carry
_TRANSPORT=syslog, PRIORITY, SYSLOG_FACILITY, SYSLOG_IDENTIFIER,
SYSLOG_PID (when the line had one), SYSLOG_TIMESTAMP (the raw stamp with
its trailing space), MESSAGE and the trusted fields (_PID, _UID, _GID,
_COMM, _EXE, _CMDLINE, _SYSTEMD_*, _BOOT_ID, _MACHINE_ID, _HOSTNAME).
Dovecot logs through syslog(3) without LOG_PID, so its lines have no
SYSLOG_PID, but the journal still records the sender's _PID, and
journalctl -o short-iso prints it as "dovecot[PID]:".

Stdlib only; deterministic (ids are hashes of fixed strings, gzip MTIME 0).
"""

import argparse
import calendar
import gzip
import hashlib
import io
import json
import os
import re
import sys
import time

MONTHS = {m: i for i, m in enumerate(calendar.month_abbr) if m}
LINE = re.compile(r"^([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d) "
                  r"(\S+) ([^\[: ]+)(?:\[(\d+)\])?: (.*)$")
NAME = re.compile(r"^maillog-(\d{8})(\.gz)?$")
UNITS = {"postfix": "postfix@-.service", "dovecot": "dovecot.service"}
UIDS = {"postfix": "104", "dovecot": "0"}


def hexid(*parts):
    """A 128-bit id as 32 hex digits, from fixed strings."""
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:32]


def priority(msg):
    """The syslog severity Postfix and Dovecot log such a message at."""
    for word, prio in (("fatal:", "2"), ("panic:", "2"), ("error:", "3"),
                       ("warning:", "4")):
        if msg.startswith(word) or (": " + word) in msg[:64]:
            return prio
    return "6"


def demo_files(src):
    """The rotated files of the set, oldest first, with their dates."""
    out = []
    for base in os.listdir(src):
        m = NAME.match(base)
        if m:
            out.append((m.group(1), os.path.join(src, base)))
    if not out:
        sys.exit("to_journal.py: no maillog-YYYYMMDD files in %s" % src)
    return sorted(out)


def read_lines(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="\n") as f:
        for line in f:
            yield line.rstrip("\n")


class Walk:
    """The year of each line: starts at the first file's date, and moves
    on when the month goes back (December to January)."""

    def __init__(self, first_date, first_mon):
        year, mon = int(first_date[:4]), int(first_date[4:6])
        self.year = year - 1 if first_mon > mon else year
        self.mon = first_mon

    def next(self, mon):
        if mon < self.mon:
            self.year += 1
        self.mon = mon
        return self.year


def trusted(tag, msg, pid):
    """_COMM, _PID, _EXE and _CMDLINE of the process that logged."""
    system = tag.split("/")[0]
    if system == "dovecot":
        comm = msg.split(":", 1)[0].split("(", 1)[0]
        if not re.match(r"^[a-z][a-z0-9-]*$", comm):
            comm = "dovecot"
        pid = str(1000 + int(hexid("pid", comm)[:4], 16) % 50000)
        exe = "/usr/lib/dovecot/" + comm if comm != "dovecot" else \
            "/usr/sbin/dovecot"
        return comm, pid, exe, "dovecot/" + comm
    comm = tag.split("/")[-1]
    return (comm, pid, "/usr/lib/postfix/sbin/" + comm,
            comm + " -n " + (tag.split("/")[1] if tag.count("/") > 1
                             else "smtp") + " -t inet -u")


class Journal:
    def __init__(self, host):
        self.boot = hexid("boot", host)
        self.machine = hexid("machine", host)
        self.seqid = hexid("seqnum", host)
        self.seq = 0
        self.boot_usec = None

    def entry(self, usec, stamp, host, tag, pid, msg):
        """The fields of one entry, in journalctl's order."""
        self.seq += 1
        if self.boot_usec is None:
            self.boot_usec = usec - 86400 * 10**6
        mono = usec - self.boot_usec
        xor = hexid("xor", str(self.seq))[:16]
        comm, tpid, exe, cmdline = trusted(tag, msg, pid)
        system = tag.split("/")[0]
        unit = UNITS.get(system, system + ".service")
        e = {
            "__CURSOR": "s=%s;i=%x;b=%s;m=%x;t=%x;x=%s" % (
                self.seqid, self.seq, self.boot, mono, usec, xor),
            "__REALTIME_TIMESTAMP": str(usec),
            "__MONOTONIC_TIMESTAMP": str(mono),
            "__SEQNUM": str(self.seq),
            "__SEQNUM_ID": self.seqid,
            "_BOOT_ID": self.boot,
            "_TRANSPORT": "syslog",
            "PRIORITY": priority(msg),
            "SYSLOG_FACILITY": "2",
            "SYSLOG_IDENTIFIER": tag,
        }
        if pid:
            e["SYSLOG_PID"] = pid
        e["SYSLOG_TIMESTAMP"] = stamp + " "
        e["MESSAGE"] = msg
        e.update({
            "_PID": tpid,
            "_UID": UIDS.get(system, "0"),
            "_GID": UIDS.get(system, "0"),
            "_COMM": comm,
            "_EXE": exe,
            "_CMDLINE": cmdline,
            "_CAP_EFFECTIVE": "0",
            "_SYSTEMD_CGROUP": "/system.slice/" + unit,
            "_SYSTEMD_UNIT": unit,
            "_SYSTEMD_SLICE": "system.slice",
            "_SYSTEMD_INVOCATION_ID": hexid("invocation", host, unit),
            "_MACHINE_ID": self.machine,
            "_HOSTNAME": host,
            "_RUNTIME_SCOPE": "system",
            "_SOURCE_REALTIME_TIMESTAMP": str(usec - 37),
        })
        return e


def short_iso(e):
    """journalctl -o short-iso: identifier[_PID], else SYSLOG_PID."""
    t = int(e["__REALTIME_TIMESTAMP"]) // 10**6
    pid = e.get("_PID") or e.get("SYSLOG_PID")
    return "%s %s %s%s: %s" % (
        time_iso(t), e["_HOSTNAME"], e["SYSLOG_IDENTIFIER"],
        "[%s]" % pid if pid else "", e["MESSAGE"])


def time_iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(t))


def time_full(e):
    """A time as journalctl's header prints it (Sun 2023-12-03 01:50:42 UTC)."""
    t = int(e["__REALTIME_TIMESTAMP"]) // 10**6
    return time.strftime("%a %Y-%m-%d %H:%M:%S UTC", time.gmtime(t))


def convert(src):
    """(json lines, short-iso lines, lines skipped) of the set at src."""
    files = demo_files(src)
    walk, journal = None, {}
    js, short, ends, skipped = [], [], [], 0
    for date, path in files:
        for line in read_lines(path):
            m = LINE.match(line)
            if not m:
                skipped += 1
                continue
            mon, mday, hh, mm, ss, host, tag, pid, msg = m.groups()
            mon = MONTHS[mon]
            if walk is None:
                walk = Walk(date, mon)
            year = walk.next(mon)
            usec = calendar.timegm((year, mon, int(mday), int(hh), int(mm),
                                    int(ss), 0, 0, 0)) * 10**6
            stamp = line[:15]
            j = journal.setdefault(host, Journal(host))
            e = j.entry(usec, stamp, host, tag, pid, msg)
            js.append(json.dumps(e, ensure_ascii=False,
                                 separators=(",", ":")))
            short.append(short_iso(e))
            ends = [ends[0] if ends else time_full(e), time_full(e)]
    return js, short, ends, skipped


def write_gz(path, lines):
    """lines to a gzip file with MTIME 0 and no name: the same bytes on
    every run."""
    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                       filename="") as gz:
        gz.write(("\n".join(lines) + "\n").encode("utf-8"))
    with open(path, "wb") as f:
        f.write(raw.getvalue())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1].strip())
    ap.add_argument("--in", dest="src", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    js, short, ends, skipped = convert(args.src)
    os.makedirs(args.out, exist_ok=True)
    head = "-- Logs begin at %s, end at %s. --" % tuple(ends)
    write_gz(os.path.join(args.out, "journal.json.gz"), js)
    write_gz(os.path.join(args.out, "journal.short-iso.gz"), [head] + short)
    if skipped:
        print("to_journal.py: %d lines not in syslog form, left out"
              % skipped, file=sys.stderr)


if __name__ == "__main__":
    main()
