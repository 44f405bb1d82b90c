#!/usr/bin/env python3
"""Generate a seven-year rotated mail-log set with a known failure trend.

    python3 testdata/gen_trend.py --out DIR [--seed N] --truth FILE

A small ISP's server "mail" from 2015-01 to 2021-12: Postfix (submission,
smtps, port 25) with Dovecot as its SASL back-end, and Dovecot IMAP/POP3.
Dictionary attacks on submission grow from tens of failures a month in
2015 to thousands in 2021 (with noise and a few bursts); smtps attacks
are smaller, IMAP and POP3 guessing is low and flat, and about twenty
users mistype a password now and then.  Postfix is upgraded from 3.4 to
3.9 in June 2020: before that the SASL warnings name no user and Dovecot
(auth_verbose=yes) logs the back-end line the tool joins them to; after
it the warnings carry ", sasl_username=U" and auth_verbose is off.

Monthly logrotate with dateext: DIR/maillog-YYYYMMDD.gz for every month
but the last, which stays a plain DIR/maillog-YYYYMMDD.  Rotation runs
just after midnight on the 1st; each gzip header's MTIME is the time of
its file's last line (local time read as UTC) and carries no file name.

FILE gets the truth in exactly the form of
`subsubmit errors --by month --format csv`: period,service,failures,ips,
accounts, one row per month (no gaps) and service (canonical order, only
services with a failure).  The counting rules are those of formats.md
section 12 and the tool: one per Postfix warning, N per Dovecot
"(auth failed, N attempts ...)" line and per rsyslog "message repeated N
times"; back-end lines, "Connection lost to authentication server",
"Invalid authentication mechanism" and "tried to use disallowed plaintext
auth" never count.  To keep the back-end join unambiguous, one client
address never runs two Postfix SASL sessions at once and never starts an
attempt for another user less than 6 s after the previous one.

Stdlib only; deterministic for a given seed (no clock, no hash order).
"""

import argparse
import csv
import heapq
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mailsim  # noqa: E402
from mailsim import civil, epoch  # noqa: E402
from gen_demo import (FIRST, LAST, ROLES, make_users, poisson,  # noqa: E402
                      public_ip)

HOST = "mail"
FIRST_YEAR, LAST_YEAR = 2015, 2021
SERVICES = ("submission", "smtps", "smtp", "imap", "pop3", "managesieve")
# The Postfix 3.4 -> 3.9 upgrade (and auth_verbose turned off with it).
UPGRADE = epoch(2020, 6, 17, 10, 24, 31)
# Monthly submission failures at the start of each year (log-linear in
# between), before noise and bursts.
SUB_LEVEL = ((2015, 22), (2016, 30), (2017, 45), (2018, 130), (2019, 300),
             (2020, 500), (2021, 780), (2022, 1080))
SMTPS_LEVEL = ((2015, 7), (2016, 9), (2017, 12), (2018, 22), (2019, 40),
               (2020, 65), (2021, 95), (2022, 125))
QUIET = 900          # no session starts this close before a rotation

mailsim.HOST = HOST  # the Week line builders read it at call time


def level(table, t):
    """Interpolate a (year, value) table log-linearly at time t."""
    c = civil(t)
    y = c.year + (c.timetuple().tm_yday - 1) / 366.0
    for (y0, v0), (y1, v1) in zip(table, table[1:]):
        if y0 <= y < y1:
            f = (y - y0) / (y1 - y0)
            return math.exp(math.log(v0) + f * (math.log(v1) - math.log(v0)))
    return table[-1][1]


class TrendWeek(mailsim.Week):
    """A month of log, with the session builders this scenario needs.

    Truth tuples are (service, ip, account, count) for counted lines only;
    the account is what the tool can know: the user of a joined back-end
    line (3.4 era) or of sasl_username (3.9 era), else ""."""

    def at(self, t):
        """Postfix version and Dovecot verbosity in force at time t."""
        self.mode = "old" if t < UPGRADE else "new"
        self.verbose = t < UPGRADE

    def dovecot_auth(self, t, user, ip, known, session=None):
        if not self.verbose:
            return
        msg = "Password mismatch" if known else "unknown user"
        if session:
            body = "%s dovecot: auth: passwd-file(%s,%s,<%s>): %s" % (
                HOST, user, ip, session, msg)
        else:
            body = "%s dovecot: auth: passwd-file(%s,%s): %s" % (
                HOST, user, ip, msg)
        self.emit(t, body)

    def sasl_tries(self, t, tag, svc, pid, name, ip, tries, known,
                   backend=True):
        """Failed AUTHs on one connection; back-end lines when verbose.

        A new user is tried at least 6.5 s after the previous back-end
        line; the same user again at least 2 s after the last warning, so
        no back-end line falls in another warning's join window."""
        r = self.rng
        prev = None
        for user, method in tries:
            if prev is None:
                t += r.uniform(0.4, 2.5)
            elif user == prev:
                t += r.uniform(2.0, 3.5)
            else:
                t += r.uniform(4.5, 9)
            prev = user
            joined = backend and self.verbose
            if joined:
                self.dovecot_auth(t, user, ip, known(user))
            t += 2 + r.uniform(0, 0.9)
            acct = user if (joined or self.mode != "old") else ""
            self.emit(t, "%s %s[%d]: warning: %s[%s]: SASL %s authentication "
                      "failed: %s" % (HOST, tag, pid, name, ip, method,
                                      self.fail_text(method, user)),
                      (svc, ip, acct, 1))
        return t

    def attack(self, t, port, name, ip, tries, known, end="quit", repeat=0):
        """One attacking connection; repeat folds the last try N times."""
        r = self.rng
        self.at(t)
        tag, svc = self.smtpd_tag(port)
        pid = self.pid()
        self.emit(t, "%s %s[%d]: connect from %s[%s]" % (HOST, tag, pid, name,
                                                        ip))
        tls = port == 465 or r.random() < 0.4    # bots rarely do STARTTLS
        if tls:
            t += r.uniform(0.05, 0.8)
            self.emit(t, "%s %s[%d]: Anonymous TLS connection established "
                      "from %s[%s]: %s" % (HOST, tag, pid, name, ip,
                                           mailsim.TLS_TAIL12))
        t = self.sasl_tries(t, tag, svc, pid, name, ip, tries, known,
                            backend=not repeat)
        n = len(tries)
        if repeat:
            user, method = tries[-1]
            t += r.uniform(3, 6) * repeat
            self.emit(t, "%s %s[%d]: message repeated %d times: [ warning: "
                      "%s[%s]: SASL %s authentication failed: %s]" % (
                          HOST, tag, pid, repeat, name, ip, method,
                          self.fail_text(method, user)),
                      (svc, ip, self.fail_account(user), repeat))
            n += repeat
        t += r.uniform(0.1, 2)
        if end == "lost":
            self.emit(t, "%s %s[%d]: lost connection after AUTH from %s[%s]" %
                      (HOST, tag, pid, name, ip))
        elif end == "errors":
            self.emit(t, "%s %s[%d]: too many errors after AUTH from %s[%s]" %
                      (HOST, tag, pid, name, ip))
        self.emit(t, "%s %s[%d]: disconnect from %s[%s] %s" % (
            HOST, tag, pid, name, ip,
            self.counters(port, 0, n, 0, 0, end == "quit", tls)))
        return t

    def user_submit(self, t, u, host, ip, typos, known):
        """A user's mail client: typos failed AUTHs, then a good one and a
        message handed to the queue (no delivery lines, to stay small)."""
        r = self.rng
        self.at(t)
        port = u["port"]
        t, tag, svc, pid = self.smtpd_open(t, port, host, ip)
        t = self.sasl_tries(t, tag, svc, pid, host, ip,
                            [(u["name"], u["method"])] * typos, known)
        t += r.uniform(0.5, 2.5)
        qid = self.qid()
        self.emit(t, "%s %s[%d]: %s: client=%s[%s], sasl_method=%s, "
                  "sasl_username=%s" % (HOST, tag, pid, qid, host, ip,
                                        u["method"], u["name"]))
        t += r.uniform(0.05, 0.4)
        self.emit(t, "%s postfix/cleanup[%d]: %s: message-id=<%s>" % (
            HOST, self.cleanups[0], qid,
            self.msgid(t, mailsim.DOMAIN)))
        self.emit(t, "%s postfix/qmgr[%d]: %s: from=<%s@%s>, size=%d, "
                  "nrcpt=1 (queue active)" % (HOST, self.qmgr, qid, u["name"],
                                              mailsim.DOMAIN,
                                              r.randint(1500, 60000)))
        t += r.uniform(0.2, 1.2)
        self.emit(t, "%s %s[%d]: disconnect from %s[%s] %s" % (
            HOST, tag, pid, host, ip,
            self.counters(port, 1, typos + 1, 1, 1, True)))
        return t

    def mailbox(self, t, u, ip, typos, known):
        """IMAP/POP3 client of a user: failed sessions, then a login."""
        self.at(t)
        if typos:
            t = self.mailbox_fail(t, u["mbox"], ip, [u["name"]] * typos,
                                  known) + self.rng.uniform(5, 40)
        self.mailbox_login(t, u["name"], ip, u["mbox"])
        return t

    def guess(self, t, proto, ip, names, known):
        self.at(t)
        return self.mailbox_fail(t, proto, ip, names, known)

    def plaintext(self, t, proto, ip):
        """Refused cleartext login: no password checked, not counted."""
        self.emit(t, "%s dovecot: %s-login: Disconnected (tried to use "
                  "disallowed plaintext auth): user=<>, rip=%s, lip=%s, "
                  "session=<%s>" % (HOST, proto, ip, mailsim.LIP, self.sid()))
        return t

    def authserver_lost(self, t, port, host, ip, method):
        """Dovecot auth socket down: Postfix's 454, not an attack."""
        r = self.rng
        t, tag, svc, pid = self.smtpd_open(t, port, host, ip)
        t += r.uniform(0.3, 1.5)
        self.emit(t, "%s %s[%d]: warning: %s[%s]: SASL %s authentication "
                  "failed: Connection lost to authentication server" % (
                      HOST, tag, pid, host, ip, method))
        t += r.uniform(0.1, 1)
        self.emit(t, "%s %s[%d]: disconnect from %s[%s] %s" % (
            HOST, tag, pid, host, ip, self.counters(port, 0, 1, 0, 0, True)))
        return t

    def bad_mech(self, t, port, ip, method):
        """An unsupported mechanism: no password checked, not counted."""
        r = self.rng
        t, tag, svc, pid = self.smtpd_open(t, port, "unknown", ip)
        t += r.uniform(0.3, 1.5)
        self.emit(t, "%s %s[%d]: warning: unknown[%s]: SASL %s authentication "
                  "failed: Invalid authentication mechanism" % (
                      HOST, tag, pid, ip, method))
        t += r.uniform(0.1, 1)
        self.emit(t, "%s %s[%d]: disconnect from unknown[%s] %s" % (
            HOST, tag, pid, ip, self.counters(port, 0, 1, 0, 0, True)))
        return t


class Plan:
    pass


def make_plan(seed):
    r = mailsim.Random("trend:plan:%d" % seed)
    p = Plan()
    p.seed = seed
    p.mode = "old"
    p.qmgr_pid = r.randint(700, 2400)
    p.anvil_pid = r.randint(20000, 90000)
    p.users = make_users(r, 20)
    p.known = set(u["name"] for u in p.users)
    months = [(y, m) for y in range(FIRST_YEAR, LAST_YEAR + 1)
              for m in range(1, 13)]
    starts = [epoch(y, m, 1) for y, m in months]
    nxt = months[1:] + [(LAST_YEAR + 1, 1)]
    ends = [epoch(y, m, 1) for y, m in nxt]
    # logrotate runs from a daily timer shortly after midnight
    p.bounds = [starts[0] + r.randint(40, 1500)] + \
        [e + r.randint(40, 1500) for e in ends]
    p.names = ["maillog-%s" % civil(e).strftime("%Y%m%d") for e in ends]
    # a few burst months after 2017 (a botnet finds the server)
    p.bursts = set(r.sample(range(26, len(months)), 5))
    # a dictionary of names the attackers try
    p.dict = list(ROLES) + [u["name"] for u in p.users] + \
        list(FIRST[:30]) + ["%s.%s" % (r.choice(FIRST), r.choice(LAST))
                            for _ in range(30)]
    return p


def attacker_names(r, p):
    k = r.choice((1, 2, 2, 3, 3, 4, 5))
    return r.sample(p.dict, k)


def campaign(r, p, t0, t1, port, budget, sessions_max):
    """One IP's sessions: [(start, "attack", args)], failures planned."""
    ip = public_ip(r)
    names = attacker_names(r, p)
    method = r.choice(("LOGIN", "LOGIN", "PLAIN"))
    t = t0 + int(r.random() * max(1, t1 - t0))
    out = []
    total = 0
    for _ in range(r.randint(1, sessions_max)):
        if total >= budget:
            break
        n = min(r.choice((1, 2, 3, 4, 6, 8, 10, 12, 15)), budget - total)
        if r.random() < 0.5:
            tries = [(r.choice(names), method) for _ in range(n)]
        else:   # one name hammered, then the next
            tries = sorted(((r.choice(names), method) for _ in range(n)),
                           key=lambda x: names.index(x[0]))
        repeat = 0
        if r.random() < 0.03 and budget - total > n + 2:
            repeat = r.randint(2, min(12, budget - total - n))
            if t >= UPGRADE:    # identical text needs the same user
                tries = [tries[0]] * n
        end = r.choice(("quit", "quit", "lost", "lost", "errors")) \
            if n >= 5 else r.choice(("quit", "lost"))
        out.append((t, "attack", (port, "unknown", ip, tries, end, repeat)))
        total += n + repeat
        t += 10 * n + repeat * 6 + r.randint(15, 900)
    return out, total


def month_plan(r, p, idx, t0, t1):
    """Everything that starts in one month's file, as (time, kind, args)."""
    ev = []
    lo, hi = t0 + 60, t1 - QUIET - 600
    mid = (lo + hi) // 2
    users = p.users

    # dictionary attacks on submission and smtps
    for port, table, smax in ((587, SUB_LEVEL, 12), (465, SMTPS_LEVEL, 5)):
        target = level(table, mid) * math.exp(r.gauss(0, 0.25))
        if port == 587 and idx in p.bursts:
            target *= r.uniform(1.6, 2.6)
        target = max(3, int(target))
        done = 0
        while done < target:
            s, n = campaign(r, p, lo, hi, port,
                            min(target - done, r.randint(4, 80)), smax)
            ev += s
            done += n

    # IMAP and POP3 guessing: low and flat
    for proto, lam in (("imap", 4), ("pop3", 3)):
        for _ in range(poisson(r, lam)):
            ip = public_ip(r)
            t = r.randint(lo, hi)
            names = attacker_names(r, p)
            for _ in range(r.randint(1, 3)):
                tries = [r.choice(names) for _ in range(r.randint(1, 3))]
                ev.append((t, "guess", (proto, ip, tries)))
                t += r.randint(30, 400)

    # normal users: everyday traffic and a typo now and then
    days = (hi - lo) // 86400
    for d in range(days + 1):
        day = lo - lo % 86400 + d * 86400
        for _ in range(poisson(r, 0.45)):
            u = r.choice(users)
            host, ip = r.choice(u["ips"])
            ev.append((r.randint(day + 7 * 3600, day + 22 * 3600), "submit",
                       (u, host, ip, 0)))
        for _ in range(poisson(r, 0.45)):
            u = r.choice(users)
            ev.append((r.randint(day + 6 * 3600, day + 23 * 3600), "mailbox",
                       (u, r.choice(u["ips"])[1], 0)))
        for _ in range(poisson(r, 0.45)):
            ev.append((r.randint(day, day + 86399), "noise25",
                       (public_ip(r), r.choice(("auth", "auth_quit", "ehlo",
                                                "connect", "relay")))))
        if r.random() < 0.15:
            ev.append((r.randint(day, day + 86399), "noise_sub",
                       (public_ip(r), r.choice((587, 465)))))
    for u in users:
        for _ in range(poisson(r, 1.2)):    # mistyped SMTP password
            host, ip = r.choice(u["ips"])
            ev.append((r.randint(lo, hi), "submit",
                       (u, host, ip, r.choice((1, 1, 1, 2, 3)))))
        for _ in range(poisson(r, 0.8)):    # mistyped IMAP/POP3 password
            ev.append((r.randint(lo, hi), "mailbox",
                       (u, r.choice(u["ips"])[1], r.choice((1, 1, 2)))))

    # lines that must not count
    for _ in range(poisson(r, 4)):
        ev.append((r.randint(lo, hi), "plaintext", ("pop3", public_ip(r))))
    if r.random() < 0.4:
        ev.append((r.randint(lo, hi), "plaintext", ("imap", public_ip(r))))
    if r.random() < 0.5 and mid < UPGRADE:
        ev.append((r.randint(lo, hi), "badmech",
                   (r.choice((587, 465)), public_ip(r),
                    r.choice(("CRAM-MD5", "DIGEST-MD5", "NTLM")))))
    c = civil(mid)
    if (c.year, c.month) in ((2018, 3), (2021, 2)):
        # the Dovecot auth socket went away for a quarter of an hour
        t = epoch(c.year, c.month, 14, 9, 12, 5)
        for u in users[:8]:
            host, ip = u["ips"][0]
            ev.append((t + r.randint(0, 900), "lost",
                       (u["port"], host, ip, u["method"])))

    # Feb 29: an smtps LOGIN run folded by rsyslog, and a submission run
    if c.month == 2 and c.year % 4 == 0:
        ip = public_ip(r)
        t = epoch(c.year, 2, 29, 3, 14, 0)
        for i in range(8):
            rep = 4 if i == 3 else 0
            tries = [(r.choice(ROLES[:6]), "LOGIN")] * (1 if rep else 2)
            ev.append((t, "attack", (465, "unknown", ip, tries, "lost", rep)))
            t += r.randint(40, 200)
        ip = public_ip(r)
        t = epoch(c.year, 2, 29, 22, 40, 0)
        names = attacker_names(r, p)
        for i in range(12):
            tries = [(r.choice(names), "PLAIN") for _ in range(3)]
            ev.append((t, "attack", (587, "unknown", ip, tries, "quit", 0)))
            t += r.randint(30, 120)
    return ev


POSTFIX_SASL = ("attack", "submit", "lost", "badmech")


def driver_for(events):
    def driver(w, day_done):
        known = w.plan.known.__contains__
        quiet = w.t1 - QUIET
        heap = [(t, i, k, a) for i, (t, k, a) in enumerate(events)]
        heapq.heapify(heap)
        seq = len(heap)
        busy = {}
        while heap:
            t, i, kind, a = heapq.heappop(heap)
            if t >= quiet or t < w.t0:
                continue
            if kind in POSTFIX_SASL:
                ip = a[2] if kind in ("attack", "submit", "lost") else a[1]
                free = busy.get(ip)
                if free is not None and t < free + 10:
                    seq += 1
                    heapq.heappush(heap, (free + 10 + w.rng.randint(0, 300),
                                          seq, kind, a))
                    continue
            if kind == "attack":
                port, name, ip, tries, end, rep = a
                busy[ip] = w.attack(t, port, name, ip, tries, known, end, rep)
            elif kind == "submit":
                u, host, ip, typos = a
                busy[ip] = w.user_submit(t, u, host, ip, typos, known)
            elif kind == "lost":
                port, host, ip, method = a
                busy[ip] = w.authserver_lost(t, port, host, ip, method)
            elif kind == "badmech":
                port, ip, method = a
                busy[ip] = w.bad_mech(t, port, ip, method)
            elif kind == "mailbox":
                u, ip, typos = a
                w.mailbox(t, u, ip, typos, known)
            elif kind == "guess":
                proto, ip, names = a
                w.guess(t, proto, ip, names, known)
            elif kind == "plaintext":
                w.plaintext(t, a[0], a[1])
            elif kind == "noise25":
                w.noise25(t, a[0], a[1])
            elif kind == "noise_sub":
                w.noise_sub(t, a[0], a[1])
        day_done(w.t1)
    return driver


def build_month(p, idx, out_dir):
    t0, t1 = p.bounds[idx], p.bounds[idx + 1]
    last = idx == len(p.names) - 1
    fname = p.names[idx] + ("" if last else ".gz")
    r = mailsim.Random("trend:month:%d:%d" % (p.seed, idx))
    events = month_plan(r, p, idx, t0, t1)
    w = TrendWeek(p, idx, r, t0, t1, fname)
    w.verbose = True
    path = os.path.join(out_dir, fname)
    st = mailsim.write_week(w, path, not last, driver_for(events))
    if last:
        os.utime(path, (st["last"], st["last"]))
    return st


def truth_rows(rows):
    """Aggregate per-line truth into the tool's month table."""
    cells = {}
    months = set()
    for _f, _line, when, svc, ip, acct, cnt in rows:
        key = (when[:7], svc)
        c = cells.setdefault(key, [0, set(), set()])
        c[0] += cnt
        c[1].add(ip)
        if acct:
            c[2].add(acct)
        months.add(when[:7])
    if not months:
        return []
    svcs = [s for s in SERVICES if any(k[1] == s for k in cells)]
    y, m = map(int, min(months).split("-"))
    end = max(months)
    out = []
    while True:
        per = "%04d-%02d" % (y, m)
        for s in svcs:
            c = cells.get((per, s))
            out.append((per, s, c[0], len(c[1]), len(c[2])) if c
                       else (per, s, 0, 0, 0))
        if per == end:
            break
        y, m = (y, m + 1) if m < 12 else (y + 1, 1)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1].strip())
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--lines", default=None,
                    help="also write the per-line truth (file,line,...)")
    args = ap.parse_args()
    p = make_plan(args.seed)
    os.makedirs(args.out, exist_ok=True)
    rows = []
    total = 0
    for idx in range(len(p.names)):
        st = build_month(p, idx, args.out)
        rows += st["truth"]
        total += st["bytes"]
    with open(args.truth, "w", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(("period", "service", "failures", "ips", "accounts"))
        wr.writerows(truth_rows(rows))
    if args.lines:
        with open(args.lines, "w", newline="") as f:
            wr = csv.writer(f, lineterminator="\n")
            wr.writerow(("file", "line", "time", "service", "ip", "account",
                         "count"))
            wr.writerows(rows)
    print("wrote %d files, %.1f MB uncompressed, %d failures in %d lines "
          "-> %s" % (len(p.names), total / 1e6, sum(r[6] for r in rows),
                     len(rows), args.truth), file=sys.stderr)


if __name__ == "__main__":
    main()
