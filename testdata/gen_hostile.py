#!/usr/bin/env python3
"""Write subsubmit's hostile input fixtures (deterministic, stdlib only).

    python3 testdata/gen_hostile.py [--out testdata/hostile]

Every line is a real Postfix or Dovecot failure (or success) format, so
the parser accepts it; only the attacker-controlled fields (user names,
client names) carry the hostile bytes.  Files:

  escapes.log        ESC/OSC/CSI sequences, BEL, DEL, C1 controls (raw and
                     UTF-8 encoded), invalid UTF-8, a bidi override,
                     rsyslog's #033 escaping
  formula.log        spreadsheet formulas and shell syntax as user names
  nul.log            NUL bytes inside failure lines
  empty.log          0 bytes
  fake.gz            a plain-text log named .gz
  truncated.log.gz   a gzip of 200 lines, cut in the middle of the stream
  rollover/maillog-20240101
                     Dec 31 -> Jan 1 inside one dateext file
  nologs/notes.txt   a folder without mail logs

The over-long (1 MB) line is made by the tests at run time, not here.
"""

import argparse
import gzip
import io
import os

H = b"mx1"
IP = b"203.0.113.7"


def pf(ts, pid, name, ip, method, reason, svc=b"submission"):
    tag = b"postfix/smtpd" if svc == b"smtp" else b"postfix/" + svc + \
        b"/smtpd"
    return b"%s %s %s[%d]: warning: %s[%s]: SASL %s authentication failed: " \
        b"%s" % (ts, H, tag, pid, name, ip, method, reason)


def pf_user(ts, pid, name, ip, user, method=b"LOGIN"):
    return pf(ts, pid, name, ip, method,
              b"(reason unavailable), sasl_username=" + user)


def dv_auth(ts, user, ip, msg=b"unknown user", session=None):
    s = b",<" + session + b">" if session else b""
    return b"%s %s dovecot: auth: passwd-file(%s,%s%s): %s" % (
        ts, H, user, ip, s, msg)


def dv_login(ts, proto, user, ip, n=1, secs=2, session=b"Xy3pQk7vAbcDefGh"):
    return b"%s %s dovecot: %s-login: Disconnected (auth failed, %d " \
        b"attempts in %d secs): user=<%s>, method=PLAIN, rip=%s, " \
        b"lip=192.0.2.10, TLS, session=<%s>" % (ts, H, proto, n, secs, user,
                                               ip, session)


def pf_ok(ts, pid, name, ip, user, qid=b"4F1A52C0A3"):
    return b"%s %s postfix/submission/smtpd[%d]: %s: client=%s[%s], " \
        b"sasl_method=PLAIN, sasl_username=%s" % (ts, H, pid, qid, name, ip,
                                                 user)


def stamp(i, base=b"Feb 12 03:"):
    return base + b"%02d:%02d" % (i // 60, i % 60)


HOSTILE_USERS = [
    b"\x1b]0;pwned\x07admin",             # OSC: set terminal title
    b"\x1b[2Jroot",                        # CSI: clear screen
    b"\x1b[31mred\x1b[0m",                 # SGR colours
    b"\x1b]8;;http://x/\x07link\x1b]8;;\x07",  # OSC 8 hyperlink
    b"del\x7fuser",                        # DEL
    b"c1\x9b31mraw",                       # raw C1 CSI (invalid UTF-8)
    b"c1\xc2\x9b2Jutf8",                   # C1 CSI encoded as UTF-8
    b"bad\xff\xfeutf8",                    # invalid bytes
    b"over\xc0\xaflong",                   # overlong encoding of '/'
    b"trunc\xe2\x82",                      # truncated sequence
    b"surr\xed\xa0\x80ogate",              # UTF-16 surrogate
    b"bidi\xe2\x80\xaetxt.exe",            # U+202E right-to-left override
    b"bell\x07\x08\x08\x08bs",             # BEL and backspaces
    b"cr\rcarriage",                       # CR inside the line
    b"#033]0;pwned#007admin",              # rsyslog's escaping of the same
    b"caf\xc3\xa9-\xe7\x94\xa8\xe6\x88\xb7",  # valid UTF-8, kept as is
    b"long" + b"\x1b[1m" * 30 + b"end",    # escapes past the 80-byte cap
]

FORMULAS = [
    b'=HYPERLINK("http://x","y")',
    b"@SUM(1+1)",
    b"+cmd|' /C calc'!A0",
    b"-2+3",
    b"=cmd|' /C calc'!A0",
    b"`reboot`",
    b"$(reboot)",
    b"\t=1+1",
    b'a"b,c;d',
    b"'quoted'",
    b"x'; DROP TABLE users;--",
    b"%s%s%n",
]


def escapes():
    out = []
    i = 0
    for u in HOSTILE_USERS:
        out.append(dv_auth(stamp(i), u, IP))
        i += 2
        out.append(pf_user(stamp(i), 4100 + i, b"unknown", IP, u))
        i += 1
        out.append(dv_auth(stamp(i), u, IP, b"Password mismatch",
                           b"S%015d" % i))
        out.append(dv_login(stamp(i), b"imap", u, IP, 1, 2,
                            b"S%015d" % i))
        i += 3
    # hostile client names in the Postfix NAME[ADDR] field
    for name in (b"evil\x1b[2J.example", b"\x1b]0;x\x07", b"n\x7fx",
                 b"\xff\xfe.example", b"a]b[c"):
        out.append(pf(stamp(i), 4300 + i, name, b"198.51.100.66", b"PLAIN",
                      b""))
        i += 1
    # a hostile user that succeeds (the account column of success events)
    out.append(pf_ok(stamp(i), 4400, b"unknown", b"198.51.100.67",
                     b"\x1b]0;pwned\x07admin"))
    return b"\n".join(out) + b"\n"


def formula():
    out = []
    i = 0
    for u in FORMULAS:
        out.append(dv_auth(stamp(i, b"Feb 13 04:"), u, IP))
        i += 2
        out.append(pf_user(stamp(i, b"Feb 13 04:"), 5100 + i, b"unknown",
                           IP, u))
        i += 1
        out.append(dv_login(stamp(i, b"Feb 13 04:"), b"pop3", u, IP, 2, 9,
                            b"F%015d" % i))
        i += 2
        out.append(pf_ok(stamp(i, b"Feb 13 04:"), 5200 + i, b"unknown",
                         b"198.51.100.68", u, b"5A%08X" % i))
        i += 1
    # formulas in the client name, too
    out.append(pf(stamp(i, b"Feb 13 04:"), 5300, b"=cmd|' /C calc'!A0",
                  b"198.51.100.69", b"LOGIN", b"UGFzc3dvcmQ6"))
    return b"\n".join(out) + b"\n"


def nul():
    out = [
        pf(b"Feb 14 05:00:01", 6001, b"unknown", b"203.0.113.9", b"LOGIN",
           b"UGFzc3dvcmQ6"),
        pf_user(b"Feb 14 05:00:04", 6001, b"unknown", b"203.0.113.9",
                b"ad\x00min"),
        dv_auth(b"Feb 14 05:00:06", b"ro\x00ot", b"203.0.113.9"),
        pf(b"Feb 14 05:00:08", 6002, b"unknown", b"203.0.113.9", b"PLAIN",
           b"\x00"),
        dv_login(b"Feb 14 05:00:10", b"imap", b"\x00", b"203.0.113.9"),
        b"Feb 14 05:00:12 mx1 postfix/submission/smtpd[6003]: warning: "
        b"unknown[203.0.\x00113.9]: SASL LOGIN authentication failed: "
        b"UGFzc3dvcmQ6",
        b"Feb 14 05:00:13 mx1 postfix/submission/smtpd[6003]:\x00 warning: "
        b"unknown[203.0.113.9]: SASL LOGIN authentication failed: "
        b"UGFzc3dvcmQ6",
        pf(b"Feb 14 05:00:15", 6004, b"unknown", b"203.0.113.9", b"LOGIN",
           b"UGFzc3dvcmQ6"),
    ]
    return b"\n".join(out) + b"\n"


def truncated():
    out = []
    users = (b"admin", b"info", b"test", b"office", b"sales")
    for i in range(100):
        ts = b"Feb 15 06:%02d:%02d" % (i // 30, i % 30 * 2)
        ip = b"198.51.100.%d" % (100 + i % 7)
        out.append(dv_auth(ts, users[i % 5], ip))
        out.append(pf(ts, 7000 + i, b"unknown", ip, b"PLAIN", b""))
    raw = b"\n".join(out) + b"\n"
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=1708009200,
                       compresslevel=6) as g:
        g.write(raw)
    data = buf.getvalue()
    return data[:len(data) * 55 // 100]


def fake_gz():
    return b"\n".join([
        dv_auth(b"Feb 16 07:00:01", b"admin", b"198.51.100.90"),
        pf(b"Feb 16 07:00:03", 8001, b"unknown", b"198.51.100.90", b"PLAIN",
           b""),
        pf(b"Feb 16 07:00:09", 8001, b"unknown", b"198.51.100.90", b"LOGIN",
           b"UGFzc3dvcmQ6"),
    ]) + b"\n"


def rollover():
    out = []
    for i, (ts, user) in enumerate(((b"Dec 31 23:58:57", b"admin"),
                                    (b"Dec 31 23:59:58", b"info"),
                                    (b"Jan  1 00:00:01", b"test"),
                                    (b"Jan  1 00:01:02", b"office"))):
        out.append(dv_auth(ts, user, b"198.51.100.91"))
        out.append(pf(ts, 9001 + i, b"unknown", b"198.51.100.91", b"PLAIN",
                      b""))
    return b"\n".join(out) + b"\n"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(here, "hostile"))
    out = ap.parse_args().out
    files = {
        "escapes.log": escapes(),
        "formula.log": formula(),
        "nul.log": nul(),
        "empty.log": b"",
        "fake.gz": fake_gz(),
        "truncated.log.gz": truncated(),
        "rollover/maillog-20240101": rollover(),
        "nologs/notes.txt": b"This folder holds no mail logs.\n",
    }
    for name, data in files.items():
        path = os.path.join(out, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
