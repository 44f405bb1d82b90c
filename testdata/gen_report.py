#!/usr/bin/env python3
"""Generate years of rotated mail logs with cracked submission accounts.

    python3 testdata/gen_report.py --out DIR --labels FILE [--seed N]
        [--start YYYY-MM] [--end YYYY-MM] [--scale small|medium]
        [--mta postfix|exim]

The scenario behind `subsubmit report`: the server "mail" of a small
German ISP (domain example.org, our address 192.0.2.10, a few hundred
accounts), default 2013-01 to 2024-12, monthly logrotate with dateext
(DIR/maillog-YYYYMMDD.gz, the last file plain; gzip MTIME = the file's last
line; BSD timestamps without a year).  Users connect from German
residential providers (Telekom, Vodafone, O2, 1&1 Versatel, Unitymedia,
NetCologne; mobile carriers without reverse names), an office NAT, webmail
(Roundcube on localhost, later on 10.0.3.15).  Password guessers come from
foreign dynamic ranges; spam is sent from cloud servers.

Software history (real formats of each version, formats.md):
  * until 2017-07-18 Postfix 2.11: no counters after "disconnect from";
  * 2017-07-18 Postfix 3.1 (then 3.4 from 2019-08-03, TLS 1.3 lines):
    "disconnect from ... ehlo=2 starttls=1 auth=0/3 ...";
  * Dovecot auth_verbose=yes (passdb passwd-file, sql from 2018-03-11):
    the back-end line "auth: sql(user,ip): Password mismatch" comes 2-3 s
    before each Postfix SASL warning, which names no user;
  * 2024-06-18 10:12 Postfix 3.9.0 and auth_verbose=no: the warnings end
    in "(reason unavailable), sasl_username=USER", no back-end lines.

With --mta exim the server runs Exim instead of Postfix: what Postfix
logged goes, in Exim's words, to Exim's own DIR/mainlog-YYYYMMDD[.gz]
("YYYY-MM-DD HH:MM:SS" stamps; log_selector +incoming_interface
+incoming_port +received_recipients; server_set_id from the 2024 upgrade,
as Postfix then names the user), rotated with maillog, which keeps
Dovecot's lines.  The random draws are those of the Postfix rendering, so
both variants hold the same scenario and the same labels.

Incidents (each seed, scale small): malware-era bulk (2013-2015: no
failures, a login from a new cloud or foreign address and a mass
mailing), dictionary-era bulk (failures for the account from several
foreign addresses, one of them succeeds -- a test message, or AUTH and
QUIT in the session of its failures -- then hours later a cloud server
sends thousands of recipients, remote servers start citing block lists,
the administrator purges the queue and resets the password, and the spam
server keeps failing), stealth (other cracked accounts sending ~10
messages every few days for weeks from the bulk server's address, its
/24 or another block of its provider), at-risk (cracked, not used),
attacked (guessed, never cracked), and the traps (typos, a phone with a
stale password, travellers, a newsletter, an application on a cloud
server, webmail, an office NAT).

FILE gets account,label,detail for every account name that appears in
the logs (label bulk, stealth, at-risk, attacked or clean).  Stdlib only;
deterministic for a given seed and options (no clock, no hash order).
"""

import argparse
import csv
import gzip
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reportsim as rs  # noqa: E402
from reportsim import R, DOMAIN, HOST  # noqa: E402
import mailsim  # noqa: E402
from mailsim import epoch, civil, iso, TOD, day_prefix  # noqa: E402
from gen_demo import ROLES, SENDERS, poisson  # noqa: E402

FIRST = ("andreas", "anna", "bernd", "birgit", "christian", "claudia",
         "daniel", "doris", "dieter", "elke", "frank", "gabi", "gerhard",
         "heike", "helmut", "ines", "jan", "jens", "julia", "juergen",
         "karin", "katrin", "klaus", "lars", "lena", "manfred", "marion",
         "markus", "martina", "michael", "monika", "nicole", "olaf",
         "petra", "peter", "ralf", "renate", "sabine", "sandra", "silke",
         "stefan", "susanne", "thomas", "tobias", "ulrike", "ute", "uwe",
         "volker", "werner", "wolfgang", "yvonne", "sven", "kerstin",
         "holger", "anja", "dirk", "tanja", "joerg", "bettina", "rainer")
LAST = ("mueller", "schmidt", "schneider", "fischer", "weber", "meyer",
        "wagner", "becker", "schulz", "hoffmann", "koch", "richter", "klein",
        "wolf", "schroeder", "neumann", "schwarz", "braun", "zimmermann",
        "krueger", "hofmann", "hartmann", "lange", "schmitt", "werner",
        "krause", "meier", "lehmann", "schmid", "schulze", "maier", "koehler",
        "herrmann", "walter", "koenig", "mayer", "huber", "kaiser", "fuchs",
        "peters", "lang", "scholz", "moeller", "jung", "hahn", "keller",
        "vogel", "friedrich", "guenther", "berger")
MALWARE_END = epoch(2016, 1, 1)
WEBMAIL_MOVE = epoch(2019, 9, 24, 7, 30)
WM_LOCAL = ("localhost", "127.0.0.1", "127.0.0.1", "secured")
WM_VM = ("unknown", "10.0.3.15", "10.0.3.2", "TLS")
SCALES = {"small": dict(users=230, traffic=0.75, news_weekly=150,
                        news_size=(40, 110), bulk=(1200, 2000), bg=0.25,
                        alerts=0.03),
          "medium": dict(users=600, traffic=4.0, news_weekly=99999,
                         news_size=(60, 250), bulk=(3000, 6000), bg=1.0,
                         alerts=0.1)}


class Plan:
    """Users, their addresses, scripted events and the labels."""

    def __init__(self, seed, t0, t1, scale):
        self.seed = seed
        self.t0, self.t1 = t0, t1
        self.sc = SCALES[scale]
        self.mode = "old"
        r = self.r = R("report", "plan", seed)
        self.qmgr_pid = r.randint(700, 2400)
        self.anvil_pid = r.randint(20000, 90000)
        self.events = []
        self.windows = []           # our address on block lists
        self.labels = {}
        self.dead = set()
        self.n = 0
        self.make_users()

    # -- helpers -----------------------------------------------------------
    def ev(self, t, name, *args):
        self.n += 1
        self.events.append((int(t), self.n, name, args))

    def listed(self, t):
        for a, b in self.windows:
            if a <= t < b:
                return True
        return False

    def label(self, name, lab, detail):
        self.labels[name] = (lab, detail)

    def free_users(self, k):
        out = []
        for u in self.pool:
            if len(out) == k:
                break
            out.append(u)
        self.pool = self.pool[k:]
        return out

    # -- users -------------------------------------------------------------
    def make_users(self):
        r = self.r
        used = set(ROLES)
        self.users = []
        isps = [k for k, w in rs.HOME_WEIGHTS for _ in range(w)]
        while len(self.users) < self.sc["users"]:
            f, l = r.choice(FIRST), r.choice(LAST)
            name = r.choice(("%s.%s" % (f, l), "%s.%s" % (f, l),
                             f[0] + l, "%s%s" % (f, l),
                             "%s.%s%d" % (f, l, r.randint(2, 9))))
            if name in used:
                continue
            used.add(name)
            isp = r.choice(isps)
            u = dict(name=name, isp=isp,
                     v6=isp == "telekom" and r.random() < 0.25,
                     mobile=isp if isp in rs.MOBILE else
                     r.choice(tuple(rs.MOBILE)),
                     port=465 if r.random() < 0.25 else 587,
                     method="LOGIN" if r.random() < 0.3 else "PLAIN",
                     mbox="pop3" if r.random() < 0.15 else "imap",
                     weight=r.choice((1, 1, 1, 2, 2, 3, 5, 8)),
                     webmail=r.choice((0, 0, 0, 0, 0.4, 1.0)),
                     office=None, away=[])
            u["contacts"] = self.contacts(r)
            self.users.append(u)
            self.label(name, "clean", "trap:webmail" if u["webmail"] == 1.0
                       else "normal")
        self.byname = {u["name"]: u for u in self.users}
        self.known = set(self.byname)
        self.pool = [u for u in self.users if u["webmail"] < 1.0]
        r.shuffle(self.pool)

    def contacts(self, r):
        out = []
        for _ in range(r.randint(3, 10)):
            k = r.random()
            if k < 0.3:
                out.append(None)            # a local user, chosen later
            elif k < 0.75:
                out.append("%s.%s@%s" % (r.choice(FIRST), r.choice(LAST),
                                         r.choice(rs.HOME_FREEMAIL)))
            else:
                out.append("%s@%s" % (r.choice(FIRST), rs.de_domain(r)))
        return out

    def home(self, u, t):
        """(name, ip) of the user's own line at time t."""
        nets, days = rs.HOME_ISPS[u["isp"]]
        per = int(t // 86400 // days)
        rr = R("home", self.seed, u["name"], per)
        if u["v6"] and t >= epoch(2017, 1, 1):
            return rs.telekom_v6(rr)
        return rs.home_client(u["isp"], rr, t)

    def where(self, u, t, r, for_submit):
        """A client address for the user's routine session at t."""
        for a, b, host in u["away"]:
            if a <= t < b:
                return host, None
        c = civil(t)
        if u["office"] and c.weekday() < 5 and 8 <= c.hour < 18 and \
                r.random() < 0.9:
            return u["office"], None
        if u["webmail"] and r.random() < u["webmail"]:
            wm = WM_LOCAL if t < WEBMAIL_MOVE else WM_VM
            return (wm[0], wm[1]), wm
        if r.random() < 0.12:
            return rs.mobile_client(u["mobile"], r), None
        return self.home(u, t), None


def pick_time(r, t0, t1, lo_h=7, hi_h=22):
    d0 = t0 // 86400 + 1
    d1 = max(d0, t1 // 86400 - 1)
    d = r.randint(d0, d1)
    return d * 86400 + int(r.uniform(lo_h, hi_h) * 3600)


def clip(t0, t1, a, b):
    return max(t0, a), min(t1, b)


# ---------------------------------------------------------------------------
# Scripted incidents.

def spam_bulk(p, r, user, clients, t_start, total, keep_failing=True,
              port=587):
    """A mass mailing from clients (list of (name, ip)) until the admin
    resets the password; returns (t_first, t_last, t_reset, recipients)."""
    nsess = r.randint(14, 22)
    per = max(20, total // nsess)
    t = t_start
    doms = p.spam_domains
    nr = 0
    first = t
    for i in range(nsess):
        host = clients[i % len(clients)]
        msgs = []
        left = per
        while left > 0:
            k = min(left, r.randint(15, 45))
            msgs.append(rs.recipients_spam(r, k, doms))
            left -= k
        p.ev(t, "submit", port, host[0], host[1], user["name"], "LOGIN",
             msgs, (), True, None, True)
        nr += per
        last = t
        t += r.randint(300, 1500) // max(1, len(clients) - 1 if
                                         len(clients) > 1 else 1)
    t_list = first + max(3000, int((last - first) * r.uniform(0.15, 0.3)))
    t_reset = last + r.randint(1200, 7200)
    p.windows.append((t_list, t_reset + r.randint(36, 96) * 3600))
    p.ev(t_reset, "purge", "%s@%s" % (user["name"], DOMAIN))
    if keep_failing:
        t = t_reset + r.randint(600, 3000)
        end = t + r.randint(10, 30) * 3600
        while t < end:
            host = r.choice(clients)
            p.ev(t, "attack", port, host[0], host[1],
                 [(user["name"], "LOGIN")] * r.choice((1, 1, 2)), "quit")
            t += r.randint(600, 3000)
    # the owner logs in with the new password the next day
    tu = t_reset + r.randint(14, 30) * 3600
    p.ev(tu, "routine_submit", user["name"], r.choice((0, 0, 1)))
    return first, last, t_reset, nr


def crack(p, r, t, user, host, kind):
    """The attacker's first success for user from host."""
    n = user["name"]
    if kind == "msg":
        rc = "%s%s%d@%s" % (r.choice(FIRST), r.choice(("", ".", "_")),
                            r.randint(60, 99),
                            r.choice(("gmail.com", "yahoo.com", "mail.ru",
                                      "hotmail.com")))
        p.ev(t, "submit", 587, host[0], host[1], n, "LOGIN", [[rc]],
             [(n, "LOGIN")] * r.choice((0, 1, 2)), True)
    elif kind == "imap":
        p.ev(t, "mb_fail", "imap", host[1], [n] * r.choice((1, 2)))
        p.ev(t + r.randint(20, 90), "mb_login", n, host[1], "imap", rs.LIP,
             "TLS", True)
    else:                                       # "auth": AUTH ok, QUIT
        p.ev(t, "submit", 587, host[0], host[1], n, "LOGIN", [],
             [(n, "LOGIN")] * r.choice((1, 2, 3)), True)


def dictionary(p, r, t_a0, t_a1, targets, attackers, unknown):
    """Guessing sessions; targets: {name: crack time or None}.  Returns
    {name: [(t, host)]} failures before each crack."""
    hist = {n: [] for n in targets}
    t = t_a0
    busy = {}
    while t < t_a1:
        host = r.choice(attackers)
        active = [n for n, tc in targets.items() if tc is None or t < tc - 600]
        pool = active + unknown
        k = r.choice((1, 1, 2, 3, 4))
        tries = [(r.choice(pool), r.choice(("LOGIN", "LOGIN", "PLAIN")))
                 for _ in range(k)]
        tries.sort(key=lambda x: pool.index(x[0]))
        p.ev(t, "attack", r.choice((587, 587, 587, 465)), host[0], host[1],
             tries, r.choice(("quit", "quit", "lost")))
        busy.setdefault(host[1], []).append(t)
        for n, _ in tries:
            if n in hist:
                hist[n].append((t, host))
        t += r.randint(900, 4 * 3600)
    # at least three guessing addresses before every crack
    for n, tc in targets.items():
        if tc is None:
            continue
        ips = {h[1] for tt, h in hist[n] if tt < tc}
        while len(ips) < 3:
            host = r.choice([a for a in attackers if a[1] not in ips])
            tt = free_slot(tc - r.randint(2, 20) * 3600 - r.randint(0, 3000),
                           host[1], busy)
            p.ev(tt, "attack", 587, host[0], host[1],
                 [(n, "LOGIN")] * r.choice((1, 2)), "quit")
            hist[n].append((tt, host))
            ips.add(host[1])
    return hist, busy


def free_slot(t, ip, busy):
    """t moved until no other session of ip is within 5 minutes."""
    times = busy.get(ip, [])
    while any(abs(t - x) < 300 for x in times):
        t += 317
    busy.setdefault(ip, []).append(t)
    return t


def gang(p, r, tc, bulk, bulk_crack, stealth, atrisk, attacked, prov):
    """One dictionary-era crew.  stealth: [(user, variant, crack kind or
    None)], atrisk: [(user, crack kind)]."""
    attackers = [rs.foreign_client(r) for _ in range(r.randint(7, 10))]
    unknown = r.sample(ROLES, r.randint(4, 8))
    for n in unknown:
        p.unknown.add(n)
    targets = {bulk["name"]: tc}
    sc = {}
    for u, variant, kind in stealth:
        if kind is not None:
            sc[u["name"]] = tc + r.randint(2, 12) * 86400 + r.randint(0, 80000)
            targets[u["name"]] = sc[u["name"]]
    ac = {}
    for u, kind in atrisk:
        ac[u["name"]] = tc + r.randint(5, 25) * 86400 + r.randint(0, 80000)
        targets[u["name"]] = ac[u["name"]]
    for u in attacked:
        targets[u["name"]] = None
    t_a0 = tc - r.randint(25, 45) * 86400
    t_a1 = max(targets[n] or tc for n in targets) + r.randint(5, 15) * 86400
    t_a1 = min(t_a1, p.t1 - 2 * 86400)
    hist, busy = dictionary(p, r, t_a0, t_a1, targets, attackers, unknown)

    def crack_from(name, t):
        hosts = [h for tt, h in hist[name] if tt < t]
        host = r.choice(hosts)
        return host, free_slot(t, host[1], busy)

    # the bulk account
    host, tcr = crack_from(bulk["name"], tc)
    crack(p, r, tcr, bulk, host, bulk_crack)
    cname, cip = rs.cloud_client(r, prov, tcr)
    c1 = (cname, cip)
    tb = tcr + r.randint(2 * 3600, 8 * 3600)
    total = r.randint(*p.sc["bulk"])
    first, last, reset, nr = spam_bulk(p, r, bulk, [c1], tb, total)
    p.label(bulk["name"], "bulk",
            "crack=%s crack_ip=%s (%s) abuse=%s..%s from %s rcpts~%d "
            "reset=%s" % (iso(tcr), host[1], bulk_crack, iso(first),
                          iso(last), cip, nr, iso(reset)))
    p.spam_ips.append(cip)
    # stealth accounts from the same address, its /24, or the provider
    net24 = cip.rsplit(".", 1)[0]
    for u, variant, kind in stealth:
        if variant == "same":
            cl = c1
        elif variant == "s24":
            cl = rs.cloud_client(r, prov, tcr, net24)
            while cl[1] == cip:
                cl = rs.cloud_client(r, prov, tcr, net24)
        else:
            while True:
                cl = rs.cloud_client(r, prov, tcr)
                if cl[1].split(".")[:2] != cip.split(".")[:2]:
                    break
        if kind is not None:
            hostc, tcs = crack_from(u["name"], sc[u["name"]])
            crack(p, r, tcs, u, hostc, kind)
            t = max(tcs, reset + 2 * 86400) + r.randint(0, 4) * 86400
            how = "crack=%s crack_ip=%s (%s)" % (iso(tcs), hostc[1], kind)
        else:
            t = reset + r.randint(3, 9) * 86400
            how = "crack=unseen"
        end = min(t + r.randint(28, 56) * 86400, p.t1 - 86400)
        nb = nm = 0
        first = None
        while t < end:
            tt = t + r.randint(3600, 20 * 3600)
            first = first or tt
            msgs = [rs.recipients_spam(r, r.choice((1, 1, 2, 3)),
                                       p.spam_domains)
                    for _ in range(r.randint(8, 12))]
            p.ev(tt, "submit", 587, cl[0], cl[1], u["name"], "LOGIN", msgs,
                 (), True, None, True)
            nb += 1
            nm += len(msgs)
            t += r.randint(2, 5) * 86400
        p.label(u["name"], "stealth",
                "%s abuse=%s..%s from %s (%s of bulk %s) batches=%d "
                "messages=%d" % (how, iso(first), iso(tt), cl[1], variant,
                                 cip, nb, nm))
    for u, kind in atrisk:
        hostc, tca = crack_from(u["name"], ac[u["name"]])
        crack(p, r, tca, u, hostc, kind)
        p.label(u["name"], "at-risk", "crack=%s crack_ip=%s (%s)" % (
            iso(tca), hostc[1], kind))
    for u in attacked:
        n = len(hist[u["name"]])
        p.label(u["name"], "attacked", "failures~%d sessions from %d "
                "addresses %s..%s" % (n, len({h[1] for _, h in
                                             hist[u["name"]]}),
                                      iso(t_a0), iso(t_a1)))


def malware(p, r, t, user, clients, desc):
    total = r.randint(*p.sc["bulk"])
    first, last, reset, nr = spam_bulk(p, r, user, clients, t, total)
    p.label(user["name"], "bulk",
            "malware-era crack=%s abuse=%s..%s from %s (%s) rcpts~%d "
            "reset=%s" % (iso(first), iso(first), iso(last),
                          ";".join(c[1] for c in clients), desc, nr,
                          iso(reset)))
    p.spam_ips += [c[1] for c in clients]


def lone_atrisk(p, r, t, user, kind):
    """A recent crack by a few guessers, not used (yet)."""
    attackers = [rs.foreign_client(r) for _ in range(4)]
    unknown = r.sample(ROLES, 3)
    p.unknown.update(unknown)
    hist, busy = dictionary(p, r, t - r.randint(20, 40) * 86400,
                            t + 3 * 86400, {user["name"]: t}, attackers,
                            unknown)
    hosts = [h for tt, h in hist[user["name"]] if tt < t]
    host = r.choice(hosts)
    t = free_slot(t, host[1], busy)
    crack(p, r, t, user, host, kind)
    p.label(user["name"], "at-risk", "crack=%s crack_ip=%s (%s)" % (
        iso(t), host[1], kind))


def background(p, r):
    """Guessing that never succeeds: role names, a few real accounts."""
    t0, t1 = p.t0, p.t1
    m = t0
    targets = [u["name"] for u in p.bg_attacked]
    win = (max(t0, epoch(2019, 1, 1)), min(t1, epoch(2023, 6, 30)))
    if win[1] - win[0] < 200 * 86400:
        win = (t0 + (t1 - t0) // 3, t1 - (t1 - t0) // 6)
    while m < t1:
        y = civil(m).year + civil(m).month / 12.0
        lam = p.sc["bg"] * (4 if y < 2016 else
                            4 + 36 * min(1.0, (y - 2016) / 8.5))
        end = min(t1, m + 30 * 86400)
        for _ in range(poisson(r, lam)):
            host = rs.foreign_client(r)
            t = r.randint(m, end - 1)
            names = r.sample(ROLES, r.randint(1, 4))
            if win[0] <= t < win[1] and targets and r.random() < 0.35:
                names.append(r.choice(targets))
            p.unknown.update(n for n in names if n not in p.known)
            for _ in range(r.choice((1, 1, 2, 3))):
                tries = [(r.choice(names), r.choice(("LOGIN", "PLAIN")))
                         for _ in range(r.choice((1, 2, 3, 5, 8)))]
                p.ev(t, "attack", r.choice((587, 587, 465)), host[0], host[1],
                     tries, r.choice(("quit", "lost", "errors")))
                t += r.randint(120, 1800)
        if y >= 2014:
            for _ in range(poisson(r, 1.5)):
                host = rs.foreign_client(r)
                names = r.sample(ROLES, r.randint(1, 3))
                p.unknown.update(names)
                p.ev(r.randint(m, end - 1), "mb_fail",
                     r.choice(("imap", "pop3")), host[1],
                     [r.choice(names) for _ in range(r.randint(1, 3))])
        m = end
    for u in p.bg_attacked:
        p.label(u["name"], "attacked", "background guessing %s..%s" % (
            iso(win[0]), iso(win[1])))


# ---------------------------------------------------------------------------
# Traps.

def traps(p, r):
    t0, t1 = p.t0, p.t1
    # typos from the user's own line
    for u in p.free_users(3):
        for _ in range(r.randint(3, 6)):
            p.ev(pick_time(r, t0, t1), "routine_submit", u["name"],
                 r.choice((1, 1, 2)))
        p.label(u["name"], "clean", "trap:typo")
    # a phone with a stale password, for days, from the home line
    for u in p.free_users(r.choice((1, 2))):
        u["isp"] = "telekom" if u["isp"] == "unitymedia" else u["isp"]
        u["v6"] = False
        a = pick_time(r, t0 + (t1 - t0) // 3, t1 - 30 * 86400, 17, 18)
        b = a + r.randint(60, 120) * 3600
        t = a
        n = 0
        while t < b:
            h = civil(t).hour
            if h >= 17 or h < 8 or civil(t).weekday() >= 5:
                host = p.home(u, t)
                p.ev(t, "mb_fail", u["mbox"], host[1], [u["name"]])
                n += 1
                if r.random() < 0.06:
                    p.ev(t + r.randint(20, 200), "submit_fail", u["name"],
                         host, r.choice((1, 2)))
                    n += 1
            t += r.randint(600, 1200)
        for d in range(a // 86400, b // 86400 + 1):
            p.ev(d * 86400 + r.randint(19 * 3600, 22 * 3600),
                 "routine_submit", u["name"], 0)
        host = p.home(u, b)
        p.ev(b, "mb_login", u["name"], host[1], u["mbox"])
        p.label(u["name"], "clean", "trap:stale-phone %s..%s ~%d failures" % (
            iso(a), iso(b), n))
    # travellers
    for i, u in enumerate(p.free_users(2)):
        kind = r.choice(("spain", "italy", "us", "thailand"))
        a = pick_time(r, t0 + 60 * 86400, t1 - 60 * 86400, 14, 20)
        b = a + r.randint(7, 9) * 86400
        host = rs.hotel_client(r, kind)
        u["away"].append((a, b, host))
        t = a
        first = True
        while t < b:
            for _ in range(r.randint(3, 5)):
                p.ev(pick_time(r, t, t + 86400, 7, 23), "mb_login",
                     u["name"], host[1], u["mbox"])
            for _ in range(r.randint(1, 3)):
                p.ev(pick_time(r, t, t + 86400, 8, 22), "routine_submit",
                     u["name"], 1 if (first and i == 0) else 0)
                first = False
            t += 86400
        p.label(u["name"], "clean", "trap:traveller %s %s..%s from %s" % (
            kind, iso(a), iso(b), host[1]))
    # the office NAT
    o = r.choice(((91, r.randint(0, 63)), (93, r.randint(192, 255))))
    oct4 = (o[0], o[1], r.randint(0, 255), r.randint(1, 254))
    office = (rs._ptr_telekom(oct4), "%d.%d.%d.%d" % oct4)
    for u in p.free_users(r.randint(8, 12)):
        u["office"] = office
        u["weight"] = max(u["weight"], 5)
        p.label(u["name"], "clean", "trap:office-nat %s" % office[1])
    # the newsletter, from a fixed office address since the start
    u = p.free_users(1)[0]
    oct4 = (89, r.randint(244, 247), r.randint(0, 255), r.randint(1, 254))
    nl = (rs._ptr_versatel(oct4), "%d.%d.%d.%d" % oct4)
    u["office"] = nl
    subs = []
    for _ in range(400):
        if r.random() < 0.85:
            a = "%s.%s%s@%s" % (r.choice(FIRST), r.choice(LAST),
                                r.choice(("", "", str(r.randint(1, 99)))),
                                r.choice(rs.HOME_FREEMAIL))
        else:
            a = "%s@%s" % (r.choice(FIRST + ("info", "kontakt")),
                           rs.de_domain(r))
        if r.random() < 0.03:
            p.dead.add(a)
        subs.append(a)
    c = civil(t0)
    d = (t0 // 86400 + (1 - c.weekday()) % 7) * 86400    # a Tuesday
    k = 0
    weekly = t1 - p.sc["news_weekly"] * 86400
    lo, hi = p.sc["news_size"]
    while d < t1 - 86400:
        frac = (d - t0) / max(1, t1 - t0)
        size = int(lo + (hi - lo) * frac) + r.randint(-10, 10)
        if d >= weekly or civil(d).day <= 7:
            rc = subs[:max(20, size)]
            msgs = [rc[i:i + 50] for i in range(0, len(rc), 50)]
            p.ev(d + r.randint(9 * 3600, 11 * 3600), "submit", 587, nl[0],
                 nl[1], u["name"], "LOGIN", msgs, (), True, None, False,
                 (18000, 60000))
            k += 1
        d += 7 * 86400
    p.label(u["name"], "clean", "trap:newsletter %d issues from %s" % (k,
                                                                       nl[1]))
    # an application on a cloud server, always through its account
    u = p.free_users(1)[0]
    app = rs.cloud_client(r, "hetzner", t0, "88.198")
    d = t0 // 86400 * 86400 + 86400
    k = 0
    dests = ["%s@%s" % (x["name"], DOMAIN) for x in r.sample(p.users, 2)] + \
        ["%s.%s@%s" % (r.choice(FIRST), r.choice(LAST), "gmx.de")]
    while d < t1 - 86400:
        if civil(d).weekday() == 0:
            p.ev(d + 6 * 3600 + r.randint(0, 300), "submit", 465, app[0],
                 app[1], u["name"], "PLAIN", [dests], (), True)
            k += 1
        if r.random() < p.sc["alerts"]:
            rc = [r.choice(dests)] if r.random() < 0.5 else \
                ["%s.%s@%s" % (r.choice(FIRST), r.choice(LAST),
                               r.choice(rs.HOME_FREEMAIL))]
            p.ev(d + r.randint(0, 86399), "submit", 465, app[0], app[1],
                 u["name"], "PLAIN", [rc], (), True)
            k += 1
        d += 86400
    u["weight"] = 0
    p.label(u["name"], "clean", "trap:cloud-app %d sessions from %s" % (
        k, app[1]))


# ---------------------------------------------------------------------------

def make_plan(seed, t0, t1, scale):
    p = Plan(seed, t0, t1, scale)
    r = p.r
    p.unknown = set()
    p.spam_ips = []
    p.spam_domains = [rs.foreign_domain(r) for _ in range(250)]
    traps(p, r)
    p.bg_attacked = p.free_users(2)
    background(p, r)
    # malware era: no failures, a new address, a mass mailing
    me = clip(t0 + 20 * 86400, t1 - 20 * 86400, t0, MALWARE_END - 20 * 86400)
    if me[1] - me[0] > 60 * 86400:
        u = p.free_users(1)[0]
        t = pick_time(r, me[0] + (me[1] - me[0]) // 8,
                      me[0] + (me[1] - me[0]) * 2 // 5, 0, 24)
        malware(p, r, t, u, [rs.cloud_client(r, "ovh", t)], "cloud")
        if me[1] - me[0] > 240 * 86400:
            u = p.free_users(1)[0]
            t = pick_time(r, me[0] + (me[1] - me[0]) * 3 // 5,
                          me[0] + (me[1] - me[0]) * 9 // 10, 0, 24)
            malware(p, r, t, u, [rs.foreign_client(r) for _ in range(3)],
                    "foreign botnet")
    else:
        print("gen_report: no malware-era incident (the period starts "
              "after 2015)", file=sys.stderr)
    # dictionary era
    d0 = max(t0, MALWARE_END) + 50 * 86400
    d1 = t1 - 5 * 86400
    if d1 - d0 < 200 * 86400:
        sys.exit("gen_report: the period needs at least a year after 2015")
    provs = ["vultr", "aws", "ovh", "digitalocean", "linode", "contabo"]
    r.shuffle(provs)
    lo, hi = clip(d0, d1 - 150 * 86400, epoch(2018, 9, 1),
                  epoch(2020, 6, 30))
    if hi - lo < 30 * 86400:
        lo, hi = d0, d0 + (d1 - d0) // 2
    tc1 = pick_time(r, lo, hi, 0, 24)
    us = p.free_users(1 + 2 + 1 + 2)
    gang(p, r, tc1, us[0], "auth" if tc1 > rs.COUNTERS_FROM else "msg",
         [(us[1], "same", "msg"), (us[2], "s24", "imap")],
         [(us[3], "msg")], us[4:6], provs[0])
    lo, hi = clip(d0, d1 - 110 * 86400, rs.UPGRADE + 20 * 86400,
                  rs.UPGRADE + 90 * 86400)
    if hi - lo < 10 * 86400 or lo < tc1 + 200 * 86400:
        lo, hi = tc1 + 120 * 86400, max(tc1 + 121 * 86400, d1 - 110 * 86400)
    tc2 = pick_time(r, lo, hi, 0, 24)
    s4 = r.random() < 0.6
    us = p.free_users(1 + 1 + int(s4) + 1 + 2)
    st = [(us[1], "same", None)]
    if s4:
        st.append((us[2], "asn", "auth"))
    gang(p, r, tc2, us[0], "msg", st, [(us[1 + len(st)], "imap")],
         us[2 + len(st):], provs[1])
    if r.random() < 0.7:
        u = p.free_users(1)[0]
        lone_atrisk(p, r, t1 - r.randint(10, 25) * 86400 -
                    r.randint(0, 86399), u, "auth")
    for n in p.unknown:
        if n not in p.known:
            p.label(n, "attacked", "no such account")
    restarts(p, r)
    return p


def restarts(p, r):
    for t in (rs.COUNTERS_FROM, rs.TLS13_FROM, rs.UPGRADE):
        if p.t0 < t < p.t1:
            p.ev(t, "restart", True)
    t = p.t0 + r.randint(20, 120) * 86400
    while t < p.t1:
        p.ev(t + r.randint(3 * 3600, 5 * 3600), "restart", False)
        t += r.randint(60, 200) * 86400


def postfix_version(t):
    if t < rs.COUNTERS_FROM:
        return "2.11.3"
    if t < rs.TLS13_FROM:
        return "3.1.8"
    if t < rs.UPGRADE:
        return "3.4.14"
    return "3.9.0"


def dovecot_version(t):
    if t < rs.COUNTERS_FROM:
        return "2.2.13"
    if t < rs.TLS13_FROM:
        return "2.2.27 (c0f36b0)"
    if t < rs.UPGRADE:
        return "2.3.4.1 (f79e8e7e4)"
    return "2.3.19.1 (9b53102964)"


class Runner:
    def __init__(self, plan):
        self.p = plan
        self.r = R("report", "sim", plan.seed)
        self.sim = rs.Sim(plan, self.r, plan.t0, plan.t1)
        self.sim.new_master()

    # -- events ------------------------------------------------------------
    def run(self, t, name, args):
        s = self.sim
        s.at(t)
        getattr(self, "ev_" + name)(t, *args)

    def ev_submit(self, t, *a):
        self.sim.submit(t, *a)

    def ev_attack(self, t, *a):
        self.sim.attack(t, *a)

    def ev_mb_fail(self, t, *a):
        self.sim.mb_fail(t, *a)

    def ev_mb_login(self, t, *a):
        self.sim.mb_login(t, *a)

    def ev_purge(self, t, sender):
        self.sim.purge(t, sender)

    def ev_restart(self, t, upgrade):
        s, r = self.sim, self.r
        if s.exim:
            return self.exim_restart(t, upgrade)
        s.emit(t, "%s postfix/master[%d]: terminating on signal 15" % (
            HOST, s.plan.master_pid if hasattr(s.plan, "master_pid") else
            s.qmgr - 3))
        t += r.uniform(1, 40 if upgrade else 3)
        if upgrade or r.random() < 0.5:
            s.emit(t, "%s dovecot: master: Dovecot v%s starting up for imap, "
                   "pop3, lmtp (core dumps disabled)" % (
                       HOST, dovecot_version(t)))
        t += r.uniform(0.5, 3)
        s.emit(t, "%s postfix/postfix-script[%d]: starting the Postfix mail "
               "system" % (HOST, s.pid()))
        mp = s.pid()
        s.plan.master_pid = mp
        s.emit(t + 0.05, "%s postfix/master[%d]: daemon started -- version "
               "%s, configuration /etc/postfix" % (HOST, mp,
                                                   postfix_version(t)))
        s.new_master()

    def exim_restart(self, t, upgrade):
        """ev_restart for an Exim server: the same draws, Exim's words."""
        s, r = self.sim, self.r
        s.xemit(t, "exim 4.96 daemon terminating on signal 15")
        t += r.uniform(1, 40 if upgrade else 3)
        if upgrade or r.random() < 0.5:
            s.emit(t, "%s dovecot: master: Dovecot v%s starting up for imap, "
                   "pop3, lmtp (core dumps disabled)" % (
                       HOST, dovecot_version(t)))
        t += r.uniform(0.5, 3)
        s.pid()
        mp = s.pid()
        s.plan.master_pid = mp
        s.xemit(t + 0.05, "exim 4.96 daemon started: pid=%d, -q30m, "
                "listening for SMTP on port 25 (IPv4) port 587 (IPv4) port "
                "465 (IPv4)" % mp)
        s.new_master()

    def user_rcpts(self, u, r):
        out = []
        for c in r.sample(u["contacts"], min(len(u["contacts"]),
                                             r.choice((1, 1, 1, 2, 3)))):
            out.append(c if c else "%s@%s" % (r.choice(self.p.users)["name"],
                                              DOMAIN))
        return out

    def ev_routine_submit(self, t, name, typos):
        p, r = self.p, self.r
        u = p.byname[name]
        host, wm = p.where(u, t, r, True)
        port = 587 if wm else u["port"]
        fails = [(name, u["method"])] * typos
        self.sim.submit(t, port, host[0], host[1], name, u["method"],
                        [self.user_rcpts(u, r)], fails, wm is None)

    def ev_submit_fail(self, t, name, host, n):
        u = self.p.byname[name]
        self.sim.attack(t, u["port"], host[0], host[1],
                        [(name, u["method"])] * n, "quit")

    def routine_mailbox(self, t, u, typo):
        p, r, s = self.p, self.r, self.sim
        host, wm = p.where(u, t, r, False)
        if wm:
            if typo:
                s.mb_fail(t, "imap", wm[1], [u["name"]], wm[2], wm[3])
                t += r.randint(8, 40)
            s.mb_login(t, u["name"], wm[1], "imap", wm[2], wm[3])
            return
        if typo:
            s.mb_fail(t, u["mbox"], host[1], [u["name"]])
            t += r.randint(8, 40)
        s.mb_login(t, u["name"], host[1], u["mbox"])

    def normal_day(self, day):
        """Everyday traffic starting on day (planned and run here)."""
        p, r, s = self.p, self.r, self.sim
        f = p.sc["traffic"]
        wk = civil(day * 86400).weekday() < 5
        jobs = []
        for _ in range(poisson(r, f * (1.0 if wk else 0.5))):
            jobs.append((day * 86400 + int(r.uniform(7, 22) * 3600), 0))
        for _ in range(poisson(r, f * 1.6)):
            jobs.append((day * 86400 + int(r.uniform(6, 23.5) * 3600), 1))
        for _ in range(poisson(r, f * 0.25)):
            jobs.append((day * 86400 + r.randint(0, 86399), 2))
        for _ in range(poisson(r, f * 0.15)):
            jobs.append((day * 86400 + r.randint(0, 86399), 3))
        return jobs

    def run_job(self, t, kind):
        p, r, s = self.p, self.r, self.sim
        if kind in (0, 1):
            u = self.pick_user(r)
            if u is None:
                return
            for a, b, host in u["away"]:
                if a - 86400 <= t < b + 86400:
                    return
            if kind == 0:
                host, wm = p.where(u, t, r, True)
                typo = r.random() < 0.015 and wm is None and \
                    host != u["office"]
                port = 587 if wm else u["port"]
                msgs = [self.user_rcpts(u, r)]
                if r.random() < 0.1:
                    msgs.append(self.user_rcpts(u, r))
                s.submit(t, port, host[0], host[1], u["name"], u["method"],
                         msgs, [(u["name"], u["method"])] if typo else (),
                         wm is None)
            else:
                self.routine_mailbox(t, u, r.random() < 0.01)
        elif kind == 2:
            dom, mk = r.choice(SENDERS[:5])
            name, ip = mk(r)
            sender = "%s.%s@%s" % (r.choice(FIRST), r.choice(LAST), dom)
            s.inbound(t, name, ip, sender,
                      ["%s@%s" % (self.pick_user(r)["name"], DOMAIN)])
        else:
            s.scan25(t, rs.foreign_client(r)[1],
                     r.choice(("ehlo", "relay", "connect")))

    def pick_user(self, r):
        if not hasattr(self, "cum"):
            import bisect
            self.bisect = bisect.bisect
            self.cum = []
            acc = 0
            for u in self.p.users:
                acc += u["weight"]
                self.cum.append(acc)
        x = r.random() * self.cum[-1]
        return self.p.users[self.bisect(self.cum, x)]


def write_file(path, lines, compress, exim=False):
    last = lines[-1][0] >> 24 if lines else 0
    data = []
    pfx = {}
    for k, body in lines:
        t = k >> 24
        d = t // 86400
        pf = pfx.get(d)
        if pf is None:
            pf = pfx[d] = mailsim.iso_day_prefix(t) if exim else \
                day_prefix(t)
        data.append("%s%s %s\n" % (pf, TOD[t % 86400], body))
    raw = "".join(data).encode("utf-8")
    with open(path, "wb") as f:
        if compress:
            g = gzip.GzipFile(filename="", mode="wb", fileobj=f,
                              compresslevel=6, mtime=0)
            g.write(raw)
            g.close()
            f.seek(4)
            f.write(struct.pack("<I", last))
        else:
            f.write(raw)
    if not compress:
        os.utime(path, (last, last))
    return len(raw)


def generate(p, out):
    rn = Runner(p)
    s = rn.sim
    r = rn.r
    # rotation just after midnight on the 1st
    months = []
    c = civil(p.t0)
    y, m = c.year, c.month
    while True:
        y, m = (y, m + 1) if m < 12 else (y + 1, 1)
        b = epoch(y, m, 1)
        months.append(b)
        if b >= p.t1:
            break
    bounds = [p.t0] + [b + r.randint(40, 1500) for b in months]
    names = ["maillog-%s" % civil(b).strftime("%Y%m%d") for b in months]
    s.t1 = bounds[-1]
    ev = sorted(p.events)
    ei = 0
    fi = 0
    total = 0
    day = p.t0 // 86400
    lastday = bounds[-1] // 86400
    while day <= lastday:
        jobs = [(t, 0, k) for t, k in rn.normal_day(day)
                if bounds[0] <= t < bounds[-1] - 900]
        hi = (day + 1) * 86400
        while ei < len(ev) and ev[ei][0] < hi:
            e = ev[ei]
            ei += 1
            if bounds[0] <= e[0] < bounds[-1] - 900:
                jobs.append((e[0], 1, e))
        jobs.sort(key=lambda j: (j[0], j[1], j[2][1] if j[1] else j[2]))
        for t, scripted, j in jobs:
            s.run_pending(t)
            if scripted:
                rn.run(t, j[2], j[3])
            else:
                s.at(t)
                rn.run_job(t, j)
        if day % 30 == 0:
            s.refresh_agents()
        day += 1
        # write every file whose lines can no longer change
        while fi < len(names) and (day * 86400 >= bounds[fi + 1] + 6 * 86400
                                   or day > lastday):
            s.run_pending(min(day * 86400, bounds[fi + 1]))
            lim = bounds[fi + 1] << 24
            s.lines.sort()
            k = 0
            while k < len(s.lines) and s.lines[k][0] < lim:
                k += 1
            last = fi == len(names) - 1
            path = os.path.join(out, names[fi] + ("" if last else ".gz"))
            total += write_file(path, s.lines[:k], not last)
            del s.lines[:k]
            if s.exim:
                # Exim's own mainlog, rotated with the syslog file
                s.xlines.sort()
                k = 0
                while k < len(s.xlines) and s.xlines[k][0] < lim:
                    k += 1
                path = os.path.join(out, "main" + names[fi][4:] +
                                    ("" if last else ".gz"))
                total += write_file(path, s.xlines[:k], not last, True)
                del s.xlines[:k]
            fi += 1
    return names, total


def parse_month(s, end=False):
    y, m = (int(x) for x in s.split("-"))
    if end:
        y, m = (y, m + 1) if m < 12 else (y + 1, 1)
    return epoch(y, m, 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1].strip())
    ap.add_argument("--out", required=True)
    ap.add_argument("--labels", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", default="2013-01")
    ap.add_argument("--end", default="2024-12")
    ap.add_argument("--scale", default="small", choices=sorted(SCALES))
    ap.add_argument("--mta", choices=("postfix", "exim"), default="postfix",
                    help="Exim's own mainlog instead of Postfix's lines")
    args = ap.parse_args()
    t0 = parse_month(args.start)
    t1 = parse_month(args.end, True)
    if t1 - t0 < 400 * 86400:
        ap.error("the period must span more than a year")
    p = make_plan(args.seed, t0, t1, args.scale)
    p.mta = args.mta
    os.makedirs(args.out, exist_ok=True)
    for f in os.listdir(args.out):
        if f.startswith(("maillog-", "mainlog-")):
            os.unlink(os.path.join(args.out, f))
    names, total = generate(p, args.out)
    with open(args.labels, "w", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(("account", "label", "detail"))
        for n in sorted(p.labels):
            wr.writerow((n,) + p.labels[n])
    counts = {}
    for lab, _ in p.labels.values():
        counts[lab] = counts.get(lab, 0) + 1
    print("gen_report: seed %d: %d files, %.1f MB uncompressed; %s" % (
        args.seed, len(names), total / 1e6,
        ", ".join("%s %d" % kv for kv in sorted(counts.items()))),
        file=sys.stderr)


if __name__ == "__main__":
    main()
