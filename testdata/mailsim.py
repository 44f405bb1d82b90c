"""Deterministic simulation of a small ISP mail server's syslog.

The host "mx1" runs Postfix (port 25, submission on 587, smtps on 465) and
Dovecot (IMAP, POP3, LMTP, SASL back-end for Postfix, auth_verbose=yes).
Everything is driven by random.Random instances seeded from the command
line; nothing reads the clock.  Times are seconds since the epoch and are
printed as the server's local time, which the simulation takes to be UTC.

The period is cut into logrotate weeks.  Each week is generated on its own
(from its own seeded generator, so weeks can run in parallel processes)
and written as one rotated file: lines are buffered a day at a time,
sorted by time and generation order, and written out.  A plan made once
from the master seed holds what spans weeks: the users, their addresses,
and the scripted sessions (see gen_demo.py), which each week runs when
their start time falls in its window.

The generator records every authentication-failure line it writes (file,
physical line number, time, service, client, account, attempt count) so
tests can compare the tool's output with it.

With plan.mta == "exim" the same scenario comes out as an Exim server's:
what Postfix would log goes to Exim's own mainlog, a second file of each
week ("YYYY-MM-DD HH:MM:SS" stamps, no host; log_selector
+incoming_interface +incoming_port +received_recipients), in Exim's
words; Dovecot's lines stay in the syslog file.  Every random draw of the
Postfix rendering is still made, in the same order, so both variants
describe the same sessions, users, addresses and times.
"""
import re

import base64
import datetime
import gzip
import random
import struct

HOST = "mx1"
LIP = "192.0.2.10"
DOMAIN = "example.org"
MYHOST = "mx1.example.org"

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
          "Oct", "Nov", "Dec")
TOD = ["%02d:%02d:%02d" % (s // 3600, s // 60 % 60, s % 60)
       for s in range(86400)]
HMS = [s.replace(":", "") for s in TOD]
EPOCH = datetime.datetime(1970, 1, 1)
_YMD = {}
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# Exim authenticators for the Dovecot SASL mechanisms (Debian's names)
AUTHN = {"LOGIN": "dovecot_login", "PLAIN": "dovecot_plain"}
PORTS = {"submission": 587, "smtps": 465, "smtp": 25}
X13 = "TLS1.3:TLS_AES_256_GCM_SHA384:256"
X12 = "TLS1.2:ECDHE-RSA-AES256-GCM-SHA384:256"

TLS_TAIL = ("TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) "
            "key-exchange X25519 server-signature RSA-PSS (2048 bits) "
            "server-digest SHA256")
TLS_TAIL12 = "TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)"


def civil(t):
    return EPOCH + datetime.timedelta(seconds=int(t))


def epoch(y, m, d, hh=0, mm=0, ss=0):
    return int((datetime.datetime(y, m, d, hh, mm, ss) - EPOCH)
               .total_seconds())


def stamp14(t):
    """YYYYmmddHHMMSS, as in Message-IDs."""
    t = int(t)
    d = t // 86400
    ymd = _YMD.get(d)
    if ymd is None:
        ymd = _YMD[d] = civil(t).strftime("%Y%m%d")
    return ymd + HMS[t % 86400]


def iso(t):
    return civil(t).strftime("%Y-%m-%dT%H:%M:%S")


def day_prefix(t):
    c = civil(t)
    return "%s %2d " % (MONTHS[c.month - 1], c.day)


def iso_day_prefix(t):
    return civil(t).strftime("%Y-%m-%d ")


def b62(n, width):
    out = ""
    for _ in range(width):
        out = B62[n % 62] + out
        n //= 62
    return out


def exim_id(t, qid):
    """An Exim message id (time, pid and fraction in base 62), made from
    the Postfix queue id so that no random draw is added."""
    v = int(qid, 16)
    return "%s-%s-%s" % (b62(int(t), 6), b62(v % 62 ** 6, 6),
                         b62(v >> 36, 2))


def exim_host(name, ip, pid):
    """Exim's H= text: the verified name if any, [ip] and the client
    port (made from the smtpd pid)."""
    port = 32768 + pid * 7919 % 28000
    if name == "unknown":
        return "[%s]:%d" % (ip, port)
    return "%s [%s]:%d" % (name, ip, port)


def exim_reply(text, rcpt, sender):
    """A Postfix delivery text as Exim words it: (after what, reply)."""
    if text.startswith("host ") and " said: " in text:
        text = text.split(" said: ", 1)[1]
    after = "end of data"
    m = text.rfind(" (in reply to ")
    if m >= 0:
        cmd = text[m + 14:].rstrip(")")
        text = text[:m]
        after = {"RCPT TO command": "RCPT TO:<%s>" % rcpt,
                 "MAIL FROM command": "MAIL FROM:<%s>" % sender}.get(
                     cmd, "end of data")
    return after, text


def fmt_delay(x):
    """Postfix prints delays with about two significant digits."""
    if x < 0.01:
        return "0"
    if x < 1:
        s = "%.2f" % x
    elif x < 10:
        s = "%.1f" % x
    else:
        return "%d" % x
    s = s.rstrip("0").rstrip(".")
    return s


def postfix_mode(version):
    """How SASL failures look: "old" (stale-buffer reason, no user), "mid"
    (3.8.3-3.8.5 and the matching 3.5-3.7 patch levels: reason plus user),
    "new" (3.9 and the matching patch levels: "(reason unavailable)")."""
    v = tuple(int(p) for p in version.split(".") if p.isdigit())
    v = (v + (0, 0, 0))[:3]
    if v >= (3, 9, 0):
        return "new"
    fixed = {(3, 8): (3, 6), (3, 7): (8, 11), (3, 6): (12, 15),
             (3, 5): (22, 25)}.get(v[:2])
    if fixed is None:
        return "old"
    if v[2] >= fixed[1]:
        return "new"
    return "mid" if v[2] >= fixed[0] else "old"


# Remote domains: (mx name, mx ip, reply builder key)
REMOTE = {
    "gmail.com": ("gmail-smtp-in.l.google.com", "142.250.27.26", "google"),
    "googlemail.com": ("gmail-smtp-in.l.google.com", "142.250.27.27",
                       "google"),
    "outlook.com": ("outlook-com.olc.protection.outlook.com", "52.101.68.8",
                    "outlook"),
    "hotmail.com": ("hotmail-com.olc.protection.outlook.com", "52.101.73.1",
                    "outlook"),
    "yahoo.com": ("mta7.am0.yahoodns.net", "67.195.204.72", "yahoo"),
    "gmx.de": ("mx00.emig.gmx.net", "212.227.15.9", "gmx"),
    "web.de": ("mx-ha03.web.de", "212.227.17.8", "gmx"),
    "orange.fr": ("smtp-in.orange.fr", "80.12.242.33", "orange"),
    "example.net": ("mx.example.net", "198.51.100.25", "postfix"),
    "example.com": ("mail.example.com", "203.0.113.5", "postfix"),
}

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


class Random(random.Random):
    """random.Random with cheaper choice() and randint() (the benchmark set
    makes millions of calls); still deterministic for a given seed."""

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randint(self, a, b):
        return a + int(self.random() * (b - a + 1))

    def token(self, n, alphabet=B64):
        """n characters drawn from alphabet (at most 64 symbols)."""
        bits = self.getrandbits(6 * n)
        k = len(alphabet)
        out = []
        for _ in range(n):
            out.append(alphabet[(bits & 63) % k])
            bits >>= 6
        return "".join(out)

    def b64(self, nbytes):
        return base64.b64encode(self.getrandbits(8 * nbytes)
                                .to_bytes(nbytes, "big")).decode("ascii")


class Week:
    """One rotated file's worth of simulation."""

    def __init__(self, plan, index, rng, t0, t1, name):
        self.plan = plan
        self.index = index
        self.rng = rng
        self.t0 = t0
        self.t1 = t1
        self.name = name
        self.xname = None       # Exim's mainlog file (exim mode)
        self.lines = []
        self.truth = {}
        self.seq = 0
        self.mode = plan.mode
        self._pid = rng.randrange(30000, 900000)
        self.qmgr = plan.qmgr_pid
        self.anvil = plan.anvil_pid
        self.cleanups = [self.pid() for _ in range(3)]
        self.smtps = [self.pid() for _ in range(5)]
        self.lmtps = [self.pid() for _ in range(2)]
        self.bounce = self.pid()
        self.pending = []       # (time, callable) for later queue runs
        self.errors = []        # lines that also go to mail.err
        self.exim = getattr(plan, "mta", "postfix") == "exim"
        self.xlines = []        # Exim mainlog lines (exim mode)
        self.xids = {}          # queue id -> Exim message id
        self.recv = None        # the client of the message being received
        self.tls12 = False      # the session's TLS version (exim mode)

    # -- small helpers -----------------------------------------------------
    def pid(self):
        self._pid += self.rng.randint(1, 37)
        if self._pid > 4194000:
            self._pid = 1000
        return self._pid

    def qid(self):
        return "%010X" % self.rng.getrandbits(40)

    def sid(self):
        return self.rng.b64(12)

    def emit(self, t, body, truth=None):
        t = int(t)
        if t >= self.t1:
            return False
        self.seq += 1
        key = (t << 24) | self.seq
        self.lines.append((key, body))
        if truth is not None:
            self.truth[key] = truth
        return True

    def xemit(self, t, body, truth=None):
        """A line of Exim's mainlog (exim mode)."""
        t = int(t)
        if t >= self.t1:
            return False
        self.seq += 1
        key = (t << 24) | self.seq
        self.xlines.append((key, body))
        if truth is not None:
            self.truth[key] = truth
        return True

    def xid(self, qid, t):
        if qid not in self.xids:
            self.xids[qid] = exim_id(t, qid)
        return self.xids[qid]

    def msgid(self, t, dom):
        r = self.rng
        k = r.random()
        if k < 0.4:
            return "%08x-%04x-%04x-%04x-%012x@%s" % (
                r.getrandbits(32), r.getrandbits(16), r.getrandbits(16),
                r.getrandbits(16), r.getrandbits(48), dom)
        if k < 0.7:
            return "%s.%s@%s" % (stamp14(t),
                                 r.token(10), dom)
        return "%s@%s" % (r.token(22), dom)

    # -- Dovecot -----------------------------------------------------------
    def dovecot_auth(self, t, user, ip, known, session=None):
        msg = "Password mismatch" if known else "unknown user"
        if session:
            body = "%s dovecot: auth: passwd-file(%s,%s,<%s>): %s" % (
                HOST, user, ip, session, msg)
        else:
            body = "%s dovecot: auth: passwd-file(%s,%s): %s" % (
                HOST, user, ip, msg)
        self.emit(t, body, ("auth", ip, user, 1))

    def mailbox_login(self, t, user, ip, proto):
        r = self.rng
        sid = self.sid()
        mpid = self.pid()
        self.emit(t, "%s dovecot: %s-login: Login: user=<%s>, method=PLAIN, "
                  "rip=%s, lip=%s, mpid=%d, TLS, session=<%s>" % (
                      HOST, proto, user, ip, LIP, mpid, sid))
        t += r.uniform(5, 1800) if proto == "imap" else r.uniform(1, 20)
        if proto == "imap":
            self.emit(t, "%s dovecot: imap(%s)<%d><%s>: Logged out in=%d "
                      "out=%d deleted=0 expunged=0 trashed=0 hdr_count=0 "
                      "hdr_bytes=0 body_count=0 body_bytes=0" % (
                          HOST, user, mpid, sid, r.randint(80, 2400),
                          r.randint(400, 90000)))
        else:
            n = r.randint(0, 3)
            sz = sum(r.randint(2000, 60000) for _ in range(n))
            self.emit(t, "%s dovecot: pop3(%s)<%d><%s>: Disconnected: "
                      "Logged out top=0/0, retr=%d/%d, del=%d/%d, size=%d" % (
                          HOST, user, mpid, sid, n, sz, n, r.randint(n, n + 4),
                          sz + r.randint(0, 90000)))

    def mailbox_fail(self, t, proto, ip, attempts, known, reason=None):
        """attempts: list of user names tried in one login session."""
        r = self.rng
        sid = self.sid()
        start = t
        t += r.uniform(0.2, 2)
        for u in attempts:
            self.dovecot_auth(t, u, ip, known(u), sid)
            t += 2 + r.uniform(0.2, 4)
        if reason is None:
            reason = r.choice(("Disconnected", "Disconnected",
                               "Aborted login"))
        n = len(attempts)
        self.emit(t, "%s dovecot: %s-login: %s (auth failed, %d attempts in "
                  "%d secs): user=<%s>, method=PLAIN, rip=%s, lip=%s, TLS, "
                  "session=<%s>" % (HOST, proto, reason, n, int(t - start),
                                    attempts[-1], ip, LIP, sid),
                  (proto, ip, attempts[-1], n))
        return t

    # -- Postfix smtpd -----------------------------------------------------
    def smtpd_tag(self, port):
        if port == 587:
            return "postfix/submission/smtpd", "submission"
        if port == 465:
            return "postfix/smtps/smtpd", "smtps"
        return "postfix/smtpd", "smtp"

    def fail_text(self, method, user):
        if self.mode == "old":
            return "UGFzc3dvcmQ6" if method == "LOGIN" else ""
        if self.mode == "mid":
            stale = "UGFzc3dvcmQ6" if method == "LOGIN" else \
                "(reason unavailable)"
            return "%s, sasl_username=%s" % (stale, user)
        return "(reason unavailable), sasl_username=%s" % user

    def fail_account(self, user):
        return "" if self.mode == "old" else user

    def counters(self, port, auth_ok, auth_n, mails, rcpts, quit, tls=True):
        """The Postfix 3.0+ disconnect statistics (name=ok[/total])."""
        starttls = tls and port != 465
        seq = [("ehlo", 2 if starttls else 1, 2 if starttls else 1)]
        if starttls:
            seq.append(("starttls", 1, 1))
        if auth_n:
            seq.append(("auth", auth_ok, auth_n))
        if mails:
            seq += [("mail", mails, mails), ("rcpt", rcpts, rcpts),
                    ("data", mails, mails)]
        if quit:
            seq.append(("quit", 1, 1))
        ok = sum(x[1] for x in seq)
        tot = sum(x[2] for x in seq)
        parts = ["%s=%d" % (n, s) if s == t else "%s=%d/%d" % (n, s, t)
                 for n, s, t in seq]
        parts.append("commands=%d" % ok if ok == tot else
                     "commands=%d/%d" % (ok, tot))
        return " ".join(parts)

    def smtpd_open(self, t, port, name, ip, tls=True):
        tag, svc = self.smtpd_tag(port)
        pid = self.pid()
        if not self.exim:
            self.emit(t, "%s %s[%d]: connect from %s[%s]" % (HOST, tag, pid,
                                                            name, ip))
        if tls:
            t += self.rng.uniform(0.05, 0.8)
            tail = TLS_TAIL if self.rng.random() < 0.8 else TLS_TAIL12
            self.tls12 = tail is TLS_TAIL12
            if not self.exim:
                self.emit(t, "%s %s[%d]: Anonymous TLS connection "
                          "established from %s[%s]: %s" % (
                              HOST, tag, pid, name, ip, tail))
        return t, tag, svc, pid

    def auth_failures(self, t, tag, svc, pid, name, ip, tries, known,
                      backend=True, pace=(0.5, 3)):
        """tries: list of (user, method); one failed AUTH each."""
        r = self.rng
        for user, method in tries:
            t += r.uniform(*pace)
            if backend:
                self.dovecot_auth(t, user, ip, known(user))
            t += 2 + r.uniform(0, 0.9)
            if self.exim:
                self.exim_fail(t, svc, pid, name, ip, user, method)
                continue
            self.emit(t, "%s %s[%d]: warning: %s[%s]: SASL %s authentication "
                      "failed: %s" % (HOST, tag, pid, name, ip, method,
                                      self.fail_text(method, user)),
                      (svc, ip, self.fail_account(user), 1))
        return t

    def exim_fail(self, t, svc, pid, name, ip, user, method):
        """Exim's failure line; set_id only where Postfix names the user
        (server_set_id mirrors the Postfix version's mode)."""
        acct = self.fail_account(user)
        self.xemit(t, "%s authenticator failed for %s I=[%s]:%d: 535 "
                   "Incorrect authentication data%s" % (
                       AUTHN[method], exim_host(name, ip, pid), LIP,
                       PORTS[svc], " (set_id=%s)" % acct if acct else ""),
                   (svc, ip, acct, 1))

    def auth_fail_session(self, t, port, name, ip, tries, known, end="quit",
                          repeat=0, backend=True):
        r = self.rng
        t0s = t
        t, tag, svc, pid = self.smtpd_open(t, port, name, ip)
        t = self.auth_failures(t, tag, svc, pid, name, ip, tries, known,
                               backend and not repeat)
        n = len(tries)
        if repeat:
            user, method = tries[-1]
            t0 = t
            t += r.uniform(3, 8) * repeat
            if self.exim:
                # Exim's own log does not fold repeats: one line each
                for i in range(repeat):
                    self.exim_fail(t0 + (t - t0) * (i + 1) / repeat, svc,
                                   pid, name, ip, user, method)
            else:
                self.emit(t, "%s %s[%d]: message repeated %d times: [ "
                          "warning: %s[%s]: SASL %s authentication failed: "
                          "%s]" % (HOST, tag, pid, repeat, name, ip, method,
                                   self.fail_text(method, user)),
                          (svc, ip, self.fail_account(user), repeat))
            n += repeat
        t += r.uniform(0.1, 2)
        if self.exim:
            if end == "lost":
                self.xemit(t, "unexpected disconnection while reading SMTP "
                           "command from %s I=[%s]:%d D=%ds" % (
                               exim_host(name, ip, pid), LIP, port,
                               int(t - t0s)))
            return t
        if end == "lost":
            self.emit(t, "%s %s[%d]: lost connection after AUTH from %s[%s]" %
                      (HOST, tag, pid, name, ip))
        self.emit(t, "%s %s[%d]: disconnect from %s[%s] %s" % (
            HOST, tag, pid, name, ip,
            self.counters(port, 0, n, 0, 0, end == "quit")))
        return t

    def send_session(self, t, port, name, ip, user, method, messages,
                     sender=None, fails=(), known=None, spam=False):
        """messages: list of recipient lists; fails: failed tries first."""
        r = self.rng
        sender = sender or "%s@%s" % (user, DOMAIN)
        t, tag, svc, pid = self.smtpd_open(t, port, name, ip)
        t = self.auth_failures(t, tag, svc, pid, name, ip, fails, known)
        t += r.uniform(0.3, 2.5 if not fails else 3)
        nr = 0
        t0s = t
        for rcpts in messages:
            qid = self.qid()
            if self.exim:
                self.recv = (name, ip, port, pid, user, method, True)
            else:
                self.emit(t, "%s %s[%d]: %s: client=%s[%s], sasl_method=%s, "
                          "sasl_username=%s" % (HOST, tag, pid, qid, name,
                                                ip, method, user))
            t += r.uniform(0.05, 0.3) + 0.01 * len(rcpts)
            size = r.randint(1800, 40000) if not spam else \
                r.randint(3000, 9000)
            if r.random() < 0.1 and not spam:
                size = r.randint(100000, 9000000)
            self.cleanup_queue(t, qid, sender, size, rcpts, spam)
            nr += len(rcpts)
            t += r.uniform(0.2, 1.5) if not spam else r.uniform(0.4, 3)
        self.recv = None
        if self.exim:
            if not messages:
                self.xemit(t, "no MAIL in SMTP connection from %s I=[%s]:%d "
                           "D=%ds A=%s:%s C=EHLO,STARTTLS,EHLO,AUTH,QUIT" % (
                               exim_host(name, ip, pid), LIP, port,
                               int(t - t0s), AUTHN[method], user))
            return t
        self.emit(t, "%s %s[%d]: disconnect from %s[%s] %s" % (
            HOST, tag, pid, name, ip,
            self.counters(port, 1, len(fails) + 1, len(messages), nr, True)))
        return t

    def cleanup_queue(self, t, qid, sender, size, rcpts, spam=False,
                      msgid=None):
        r = self.rng
        mid = msgid or self.msgid(t, sender.split("@")[-1] or MYHOST)
        cpid = r.choice(self.cleanups)
        if not self.exim:
            self.emit(t, "%s postfix/cleanup[%d]: %s: message-id=<%s>" % (
                HOST, cpid, qid, mid))
        t += r.uniform(0.01, 0.4)
        if self.exim:
            self.exim_received(t, qid, sender, size, rcpts, mid)
        else:
            self.emit(t, "%s postfix/qmgr[%d]: %s: from=<%s>, size=%d, "
                      "nrcpt=%d (queue active)" % (HOST, self.qmgr, qid,
                                                   sender, size, len(rcpts)))
        self.deliver(t, qid, sender, size, rcpts, spam, mid=mid)

    def exim_received(self, t, qid, sender, size, rcpts, mid):
        """The "<=" line of a message from an SMTP client (self.recv)."""
        name, ip, port, pid, user, method, tls = self.recv
        if user:
            proto, auth = "esmtpsa", " A=%s:%s" % (AUTHN[method], user)
        else:
            proto, auth = "esmtps" if tls else "esmtp", ""
        x = " X=%s CV=no" % (X12 if self.tls12 else X13) if tls else ""
        self.xemit(t, "%s <= %s H=%s I=[%s]:%d P=%s%s%s S=%d id=%s for %s" % (
            self.xid(qid, t), sender, exim_host(name, ip, pid), LIP, port,
            proto, x, auth, size, mid, " ".join(rcpts)))

    # -- delivery ----------------------------------------------------------
    def deliver(self, t, qid, sender, size, rcpts, spam, retry=0,
                t_arr=None, mid=None):
        r = self.rng
        t_arr = t if t_arr is None else t_arr
        bydom = {}
        for a in rcpts:
            bydom.setdefault(a.split("@")[1], []).append(a)
        deferred = []
        bounced = []
        tend = t
        for dom, addrs in bydom.items():
            tt = t + r.uniform(0.05, 0.6)
            if dom == DOMAIN:
                tt = self.lmtp(tt, qid, addrs, t_arr, mid)
            else:
                tt, d, b = self.smtp(tt, qid, dom, addrs, t_arr, spam, retry)
                deferred += d
                bounced += b
            tend = max(tend, tt)
        if bounced and sender:
            tend = self.ndr(tend + r.uniform(0.01, 0.2), qid, sender, bounced)
        if deferred:
            # Postfix backs off from 300 s to 4000 s between queue runs;
            # after a few runs the mail just waits (and may be purged).
            wait = min(4000, 300 * 2 ** retry) * r.uniform(0.9, 1.3)
            if retry >= 3:
                wait = 1e12
            self.pending.append((tend + wait,
                                 (qid, sender, size, len(rcpts), deferred,
                                  spam, retry + 1, t_arr)))
        elif self.exim:
            self.xemit(tend + 0.01, "%s Completed" % self.xid(qid, tend))
        else:
            self.emit(tend + 0.01, "%s postfix/qmgr[%d]: %s: removed" % (
                HOST, self.qmgr, qid))
        return tend

    def queue_run(self, t, item):
        qid, sender, size, nrcpt, rcpts, spam, retry, t_arr = item
        if not self.exim:
            self.emit(t, "%s postfix/qmgr[%d]: %s: from=<%s>, size=%d, "
                      "nrcpt=%d (queue active)" % (HOST, self.qmgr, qid,
                                                   sender, size, nrcpt))
        self.deliver(t, qid, sender, size, rcpts, spam, retry, t_arr)

    def purge(self, t, pattern):
        """The admin deletes queued mail from one sender (postsuper -d)."""
        self.run_pending(t)
        keep, gone = [], []
        for p in self.pending:
            (gone if p[1][1] == pattern else keep).append(p)
        self.pending = keep
        pid = self.pid()
        for p in gone:
            t += 0.001
            if self.exim:
                xid = self.xid(p[1][0], t)
                self.xemit(t, "%s removed by root" % xid)
                self.xemit(t, "%s Completed" % xid)
                continue
            self.emit(t, "%s postfix/postsuper[%d]: %s: removed" % (
                HOST, pid, p[1][0]))
        if gone and not self.exim:
            self.emit(t, "%s postfix/postsuper[%d]: Deleted: %d message%s" % (
                HOST, pid, len(gone), "" if len(gone) == 1 else "s"))

    def delays(self, t_arr, tt, conn):
        r = self.rng
        a = max(0.0, tt - t_arr - conn) * r.uniform(0.3, 0.6)
        b = r.choice((0, 0.01, 0.01, 0.02))
        c = conn
        d = max(0.0, tt - t_arr - a - b - c)
        total = a + b + c + d
        return "delay=%s, delays=%s/%s/%s/%s" % (
            fmt_delay(total), fmt_delay(a), fmt_delay(b), fmt_delay(c),
            fmt_delay(d))

    def lmtp(self, tt, qid, addrs, t_arr, mid=None):
        r = self.rng
        lpid = r.choice(self.lmtps)
        for a in addrs:
            tt += r.uniform(0.02, 0.2)
            sid = r.b64(16)[:22]
            dpid = self.pid()
            user = a.split("@")[0]
            self.emit(tt, "%s dovecot: lmtp(%s)<%d><%s>: msgid=<%s>: saved "
                      "mail to INBOX" % (HOST, user, dpid, sid,
                                         mid or self.msgid(tt, DOMAIN)))
            tt += r.uniform(0.01, 0.05)
            delays = self.delays(t_arr, tt, r.uniform(0, 0.02))
            if self.exim:
                self.xemit(tt, "%s => %s R=local_user T=dovecot_lmtp "
                           "H=localhost [127.0.0.1] C=\"250 2.0.0 <%s> %s "
                           "Saved\"" % (self.xid(qid, tt), a, a, sid))
                continue
            self.emit(tt, "%s postfix/lmtp[%d]: %s: to=<%s>, relay=%s"
                      "[private/dovecot-lmtp], %s, dsn=2.0.0, status=sent "
                      "(250 2.0.0 <%s> %s Saved)" % (
                          HOST, lpid, qid, a, MYHOST, delays, a, sid))
        return tt

    def smtp(self, tt, qid, dom, addrs, t_arr, spam, retry):
        r = self.rng
        spid = r.choice(self.smtps)
        mx, mxip, kind = REMOTE.get(dom, ("mx.%s" % dom, "198.51.100.40",
                                          "postfix"))
        conn = r.uniform(0.05, 0.9)
        tt += conn + r.uniform(0.1, 1.2)
        deferred, bounced = [], []
        verdict = self.spam_verdict(kind, tt, mx, mxip, retry) if spam \
            else None
        for a in addrs:
            tt += r.uniform(0.001, 0.05)
            if verdict is None:
                dsn, status, text = "2.0.0", "sent", self.ok_reply(kind, tt)
            else:
                dsn, status, text = verdict
            delays = self.delays(t_arr, tt, conn)
            if self.exim:
                self.exim_delivery(tt, qid, a, mx, mxip, status, text)
            else:
                self.emit(tt, "%s postfix/smtp[%d]: %s: to=<%s>, "
                          "relay=%s[%s]:25, %s, dsn=%s, status=%s (%s)" % (
                              HOST, spid, qid, a, mx, mxip, delays, dsn,
                              status, text))
            if status == "deferred":
                deferred.append(a)
            elif status == "bounced":
                bounced.append(a)
        return tt, deferred, bounced

    def exim_delivery(self, tt, qid, a, mx, mxip, status, text):
        xid = self.xid(qid, tt)
        if status == "sent":
            self.xemit(tt, "%s => %s R=dnslookup T=remote_smtp H=%s [%s] "
                       "X=%s CV=yes C=\"%s\"" % (xid, a, mx, mxip, X13,
                                                 text))
            return
        after, reply = exim_reply(text, a, "")
        self.xemit(tt, "%s %s %s R=dnslookup T=remote_smtp%s H=%s [%s]: SMTP "
                   "error from remote mail server after %s: %s" % (
                       xid, "==" if status == "deferred" else "**", a,
                       " defer (-44)" if status == "deferred" else "", mx,
                       mxip, after, reply))

    def ok_reply(self, kind, t):
        r = self.rng
        if kind == "google":
            return "250 2.0.0 OK  %d %s.%d - gsmtp" % (
                int(t), r.token(28, ALNUM), r.randint(1, 499))
        if kind == "outlook":
            return ("250 2.6.0 <%s> [InternalId=%d, Hostname=%s] %d bytes in "
                    "%.3f, %.3f KB/sec Queued mail for delivery -> 250 2.1.5" %
                    ("%08x@%s" % (r.getrandbits(32), DOMAIN),
                     r.getrandbits(44), "AM7EUR03HT%03d.eop-EUR03.prod."
                     "protection.outlook.com" % r.randint(1, 400),
                     r.randint(3000, 60000), r.uniform(0.05, 0.4),
                     r.uniform(20, 400)))
        if kind == "yahoo":
            return "250 ok dirdel"
        if kind == "gmx":
            return ("250 Requested mail action okay, completed: "
                    "id=1M%s-1r%s" % (r.token(10), r.token(8)))
        if kind == "orange":
            return "250 2.0.0 %s mail accepted for delivery" % r.token(12)
        return "250 2.0.0 Ok: queued as %s" % self.qid()

    def spam_verdict(self, kind, t, mx, mxip, retry):
        r = self.rng
        if kind == "google":
            return ("4.7.28", "deferred",
                    "host %s[%s] said: 421-4.7.28 Gmail has detected an "
                    "unusual rate of unsolicited mail originating from your "
                    "IP address. To protect our users from spam, mail sent "
                    "from your IP address has been temporarily rate limited. "
                    "421-4.7.28 For more information, go to 421 4.7.28  "
                    "https://support.google.com/mail/?p=UnsolicitedRateLimit"
                    "Error to review our Bulk Email Senders Guidelines. "
                    "%s.%d - gsmtp (in reply to end of DATA command)" % (
                        mx, mxip, r.token(28, ALNUM), r.randint(1, 499)))
        if kind == "outlook":
            return ("5.7.1", "bounced",
                    "host %s[%s] said: 550 5.7.1 Unfortunately, messages from "
                    "[%s] weren't sent. Please contact your Internet service "
                    "provider since part of their network is on our block "
                    "list (S3150). You can also refer your provider to "
                    "http://mail.live.com/mail/troubleshooting.aspx#errors. "
                    "[AM4PEPF%08X.eurprd04.prod.outlook.com %s.%03dZ "
                    "08DC%012X] (in reply to MAIL FROM command)" % (
                        mx, mxip, LIP, r.getrandbits(32), iso(t),
                        r.randint(0, 999), r.getrandbits(48)))
        if kind == "yahoo":
            return ("4.7.0", "deferred",
                    "host %s[%s] said: 421 4.7.0 [TSS04] Messages from %s "
                    "temporarily deferred due to unexpected volume or user "
                    "complaints - 4.16.55.1; see https://postmaster.yahooinc."
                    "com/error-codes (in reply to MAIL FROM command)" % (
                        mx, mxip, LIP))
        if kind in ("postfix", "orange") or r.random() < 0.5:
            return ("5.7.1", "bounced",
                    "host %s[%s] said: 554 5.7.1 Service unavailable; Client "
                    "host [%s] blocked using zen.spamhaus.org; https://www."
                    "spamhaus.org/query/ip/%s (in reply to RCPT TO command)" %
                    (mx, mxip, LIP, LIP))
        return ("2.0.0", "sent", self.ok_reply(kind, t))

    def ndr(self, t, qid, sender, bounced):
        r = self.rng
        nq = self.qid()
        if not self.exim:
            self.emit(t, "%s postfix/bounce[%d]: %s: sender non-delivery "
                      "notification: %s" % (HOST, self.bounce, qid, nq))
        t += r.uniform(0.01, 0.1)
        mid = "%s.%s@%s" % (stamp14(t), nq, MYHOST)
        cpid = r.choice(self.cleanups)
        size = r.randint(5000, 12000)
        if self.exim:
            self.xemit(t, "%s <= <> R=%s U=Debian-exim P=local S=%d "
                       "for %s" % (self.xid(nq, t), self.xid(qid, t), size,
                                   sender))
        else:
            self.emit(t, "%s postfix/cleanup[%d]: %s: message-id=<%s>" % (
                HOST, cpid, nq, mid))
            self.emit(t, "%s postfix/qmgr[%d]: %s: from=<>, size=%d, nrcpt=1 "
                      "(queue active)" % (HOST, self.qmgr, nq, size))
        if sender.endswith("@" + DOMAIN):
            t = self.lmtp(t + 0.05, nq, [sender], t, mid)
        else:
            dom = sender.split("@")[-1]
            t, _, _ = self.smtp(t, nq, dom, [sender], t, False, 0)
        if self.exim:
            self.xemit(t + 0.01, "%s Completed" % self.xid(nq, t))
        else:
            self.emit(t + 0.01, "%s postfix/qmgr[%d]: %s: removed" % (
                HOST, self.qmgr, nq))
        return t

    # -- port 25 -----------------------------------------------------------
    def inbound(self, t, name, ip, sender, rcpts, tls=True):
        r = self.rng
        t, tag, svc, pid = self.smtpd_open(t, 25, name, ip, tls)
        t += r.uniform(0.2, 1.5)
        qid = self.qid()
        if self.exim:
            self.recv = (name, ip, 25, pid, None, None, tls)
        else:
            self.emit(t, "%s %s[%d]: %s: client=%s[%s]" % (HOST, tag, pid,
                                                           qid, name, ip))
        t += r.uniform(0.1, 0.6)
        dom = sender.split("@")[1]
        self.cleanup_queue(t, qid, sender, r.randint(2500, 120000), rcpts,
                           msgid=self.msgid(t, dom))
        self.recv = None
        t += r.uniform(0.1, 0.5)
        if self.exim:
            return t
        self.emit(t, "%s %s[%d]: disconnect from %s[%s] %s" % (
            HOST, tag, pid, name, ip,
            self.counters(25, 0, 0, 1, len(rcpts), True, tls)))
        return t

    def noise25(self, t, ip, kind, rcpt=None):
        r = self.rng
        name = "unknown"
        tag = "postfix/smtpd"
        pid = self.pid()
        if not self.exim:
            self.emit(t, "%s %s[%d]: connect from %s[%s]" % (HOST, tag, pid,
                                                            name, ip))
        t += r.uniform(0.3, 6)
        helo = r.choice(("User", "WIN-%s" % r.token(
            11, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), "ylmf-pc",
            "localhost", "[%s]" % ip, "mail.example.com"))
        xh = "(%s) %s" % (helo, exim_host(name, ip, pid))
        if kind == "auth":
            if self.exim:
                self.xemit(t, "SMTP protocol error in \"AUTH LOGIN\" H=%s "
                           "I=[%s]:25 AUTH command used when not advertised"
                           % (xh, LIP))
                return t
            self.emit(t, "%s %s[%d]: lost connection after AUTH from %s[%s]"
                      % (HOST, tag, pid, name, ip))
            stats = "ehlo=1 auth=0/1 commands=1/2"
        elif kind == "auth_quit":
            if self.exim:
                self.xemit(t, "no MAIL in SMTP connection from %s I=[%s]:25 "
                           "D=%ds C=EHLO,AUTH,QUIT" % (xh, LIP, 1 + pid % 9))
                return t
            stats = "ehlo=1 auth=0/1 quit=1 commands=2/3"
        elif kind == "dnsbl":
            sender = "%s@%s" % (r.choice(("info", "sales", "noreply",
                                          "newsletter", "admin")),
                                r.choice(("example.com", "example.net",
                                          DOMAIN)))
            if self.exim:
                self.xemit(t, "H=%s I=[%s]:25 F=<%s> rejected RCPT <%s>: "
                           "JunkMail rejected - %s is listed at "
                           "zen.spamhaus.org; https://www.spamhaus.org/"
                           "query/ip/%s" % (xh, LIP, sender, rcpt, ip, ip))
            else:
                self.emit(t, "%s %s[%d]: NOQUEUE: reject: RCPT from %s[%s]: "
                          "554 5.7.1 Service unavailable; Client host [%s] "
                          "blocked using zen.spamhaus.org; https://www."
                          "spamhaus.org/query/ip/%s; from=<%s> to=<%s> "
                          "proto=ESMTP helo=<%s>" % (
                              HOST, tag, pid, name, ip, ip, ip, sender, rcpt,
                              helo))
            t += r.uniform(0.1, 1)
            stats = "ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4"
        elif kind == "relay":
            if self.exim:
                self.xemit(t, "H=%s I=[%s]:25 F=<%s> rejected RCPT <%s>: "
                           "relay not permitted" % (xh, LIP, rcpt, rcpt))
            else:
                self.emit(t, "%s %s[%d]: NOQUEUE: reject: RCPT from %s[%s]: "
                          "454 4.7.1 <%s>: Relay access denied; from=<%s> "
                          "to=<%s> proto=ESMTP helo=<%s>" % (
                              HOST, tag, pid, name, ip, rcpt, rcpt, rcpt,
                              helo))
            t += r.uniform(0.1, 1)
            stats = "ehlo=1 mail=1 rcpt=0/1 rset=1 quit=1 commands=4/5"
        elif kind == "ehlo":
            if self.exim:
                self.xemit(t, "SMTP connection from %s I=[%s]:25 lost" % (
                    xh, LIP))
                return t
            self.emit(t, "%s %s[%d]: lost connection after EHLO from %s[%s]"
                      % (HOST, tag, pid, name, ip))
            stats = "ehlo=1 commands=1"
        else:
            if self.exim:
                self.xemit(t, "SMTP connection from %s I=[%s]:25 lost" % (
                    exim_host(name, ip, pid), LIP))
                return t
            self.emit(t, "%s %s[%d]: lost connection after CONNECT from "
                      "%s[%s]" % (HOST, tag, pid, name, ip))
            stats = "commands=0/0"
        if self.exim:
            return t
        self.emit(t, "%s %s[%d]: disconnect from %s[%s] %s" % (
            HOST, tag, pid, name, ip, stats))
        return t

    def noise_sub(self, t, ip, port):
        r = self.rng
        tag, svc = self.smtpd_tag(port)
        pid = self.pid()
        if not self.exim:
            self.emit(t, "%s %s[%d]: connect from unknown[%s]" % (
                HOST, tag, pid, ip))
        t += r.uniform(0.2, 5)
        xh = exim_host("unknown", ip, pid)
        if port == 465:
            if self.exim:
                self.xemit(t, "TLS error on connection from %s I=[%s]:465 "
                           "(SSL_accept): error:0A000126:SSL routines::"
                           "unexpected eof while reading" % (xh, LIP))
                return
            self.emit(t, "%s %s[%d]: SSL_accept error from unknown[%s]: "
                      "lost connection" % (HOST, tag, pid, ip))
            self.emit(t, "%s %s[%d]: lost connection after CONNECT from "
                      "unknown[%s]" % (HOST, tag, pid, ip))
            stats = "commands=0/0"
        elif r.random() < 0.5:
            if self.exim:
                self.xemit(t, "SMTP connection from %s I=[%s]:%d lost" % (
                    xh, LIP, port))
                return
            self.emit(t, "%s %s[%d]: lost connection after EHLO from "
                      "unknown[%s]" % (HOST, tag, pid, ip))
            stats = "ehlo=1 commands=1"
        else:
            if self.exim:
                self.xemit(t, "SMTP connection from %s I=[%s]:%d lost while "
                           "reading message data" % (xh, LIP, port))
                return
            self.emit(t, "%s %s[%d]: lost connection after STARTTLS from "
                      "unknown[%s]" % (HOST, tag, pid, ip))
            stats = "ehlo=1 starttls=1 commands=2"
        self.emit(t, "%s %s[%d]: disconnect from unknown[%s] %s" % (
            HOST, tag, pid, ip, stats))

    def anvil_stats(self, t, svc, ip, rate, count, at):
        c = civil(at)
        when = "%s %2d %s" % (MONTHS[c.month - 1], c.day,
                             TOD[int(at) % 86400])
        if self.exim:
            self.rng.randint(0, 3)      # the draw of the Postfix lines
            return
        self.emit(t, "%s postfix/anvil[%d]: statistics: max connection rate "
                  "%d/60s for (%s:%s) at %s" % (HOST, self.anvil, rate, svc,
                                                ip, when))
        self.emit(t, "%s postfix/anvil[%d]: statistics: max connection count "
                  "%d for (%s:%s) at %s" % (HOST, self.anvil, count, svc, ip,
                                            when))
        self.emit(t, "%s postfix/anvil[%d]: statistics: max cache size %d at "
                  "%s" % (HOST, self.anvil, count + self.rng.randint(0, 3),
                          when))

    def error_line(self, t, body):
        if self.exim:
            body = self.exim_error(body)
        if self.emit(t, body):
            self.errors.append((int(t), body))

    def exim_error(self, body):
        """Exim's words for the Postfix error lines of the script."""
        m = re.search(r"\[(\d+)\]", body)
        pid = int(m.group(1)) if m else 1
        if "sender_access" in body:
            text = ("failed to open /etc/exim4/sender_access for linear "
                    "search: No such file or directory (euid=101 egid=101)")
        elif "Recipient addresses" in body:
            text = "no recipients found in headers"
        else:
            text = "another Exim daemon is already running"
        return "%s exim[%d]: %s" % (HOST, pid, text)

    # -- output ------------------------------------------------------------
    def run_pending(self, upto):
        while True:
            due = [p for p in self.pending if p[0] < upto]
            if not due:
                return
            self.pending = [p for p in self.pending if p[0] >= upto]
            due.sort(key=lambda p: p[0])
            for t, item in due:
                self.queue_run(t, item)

    def flush(self, out, upto, state, exim=False):
        """Write buffered lines dated before upto; keep the rest.  exim:
        the mainlog lines, with Exim's stamps."""
        lines = self.xlines if exim else self.lines
        day_pfx = iso_day_prefix if exim else day_prefix
        lines.sort()
        lim = upto << 24
        n = 0
        hi = len(lines)
        lo = 0
        while lo < hi:
            mid = (lo + hi) // 2
            if lines[mid][0] < lim:
                lo = mid + 1
            else:
                hi = mid
        n = lo
        if not n:
            return
        chunk = []
        pfx_cache = state["pfx"]
        truth = self.truth
        lineno = state["line"]
        for k, body in lines[:n]:
            t = k >> 24
            day = t // 86400
            pfx = pfx_cache.get(day)
            if pfx is None:
                pfx = pfx_cache[day] = day_pfx(t)
            chunk.append("%s%s %s\n" % (pfx, TOD[t % 86400], body))
            lineno += 1
            if k in truth:
                svc, ip, acct, cnt = truth.pop(k)
                state["truth"].append((state["name"], lineno, iso(t), svc,
                                       ip, acct, cnt))
        state["line"] = lineno
        state["last"] = lines[n - 1][0] >> 24
        data = "".join(chunk).encode("utf-8")
        state["bytes"] += len(data)
        out.write(data)
        del lines[:n]


def write_week(week, path, compress, driver, xpath=None):
    """Generate the week through driver(week, emit_day) and write path
    (and Exim's mainlog to xpath in exim mode)."""
    streams = [(path, False, week.name)]
    if xpath is not None:
        streams.append((xpath, True, week.xname))
    opened = []
    for target, exim, name in streams:
        state = {"pfx": {}, "line": 0, "truth": [], "bytes": 0,
                 "last": week.t0, "name": name}
        raw = open(target, "wb") if isinstance(target, str) else target
        out = gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                            compresslevel=6, mtime=0) if compress else raw
        opened.append((raw, out, state, exim))

    def flush_all(upto):
        for _, out, state, exim in opened:
            week.flush(out, upto, state, exim)

    def day_done(upto):
        week.run_pending(upto)
        flush_all(min(upto, week.t1))

    driver(week, day_done)
    week.run_pending(week.t1)
    flush_all(week.t1)
    for raw, out, state, _ in opened:
        if compress:
            out.close()
            raw.seek(4)
            raw.write(struct.pack("<I", state["last"]))
        raw.close()
    st = opened[0][2]
    if len(opened) > 1:
        x = opened[1][2]
        st = dict(st, truth=st["truth"] + x["truth"],
                  bytes=st["bytes"] + x["bytes"])
    return st
