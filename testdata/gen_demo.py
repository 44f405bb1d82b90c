#!/usr/bin/env python3
"""Generate subsubmit's demo mail logs (or a large benchmark set).

    python3 testdata/gen_demo.py --out DIR [--seed N] [--start DATE]
        [--end DATE] [--postfix-version V] [--scale MB] [--truth FILE]
        [--jobs N] [--mta postfix|exim]

Writes a logrotate set (weekly, dateext, compress, delaycompress) of a
small ISP's mail server into DIR: maillog-YYYYMMDD.gz for every week but
the last, maillog-YYYYMMDD (plain) for the last, plus mail.err.  Each gzip
header's MTIME is the time of its file's last line.  Without --scale the
volume is small (the committed demo) and the ground truth goes to --truth
(default: DIR.truth.csv, i.e. testdata/demo.truth.csv for
testdata/demo): one row per authentication-failure line.  With --scale MB
the same mix is scaled to about MB megabytes of uncompressed log, and the
truth file is only written when --truth is given.

With --mta exim the same scenario is an Exim server's (testdata/demo-exim):
each week also has Exim's own mainlog-YYYYMMDD[.gz] ("YYYY-MM-DD
HH:MM:SS" stamps), which holds what Postfix logged in the other variant,
and maillog-YYYYMMDD[.gz] keeps Dovecot's lines.  The random draws are
the same, so the two variants hold the same sessions.

Stdlib only; deterministic for a given seed and options (no clock).
"""

import argparse
import bisect
import csv
import datetime
import math
import multiprocessing
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mailsim  # noqa: E402
from mailsim import DOMAIN, epoch, civil  # noqa: E402

FIRST = ("anna", "bruno", "carla", "david", "elena", "felix", "greta",
         "hugo", "ines", "jonas", "karin", "lukas", "marta", "nils", "olga",
         "paul", "rosa", "simon", "tina", "urs", "vera", "walter", "xenia",
         "yann", "zoe", "alain", "beatrice", "claude", "denise", "etienne",
         "fabienne", "gilles", "helene", "ivan", "julie", "kevin", "laure",
         "marc", "nadia", "olivier", "pascal", "quentin", "regine", "sylvie",
         "thierry", "valerie")
LAST = ("muller", "meier", "schmid", "keller", "weber", "huber", "schneider",
        "meyer", "steiner", "fischer", "gerber", "brunner", "baumann",
        "frei", "zimmermann", "moser", "widmer", "wyss", "graf", "roth",
        "dubois", "martin", "bernard", "robert", "richard", "petit", "durand",
        "leroy", "moreau", "simon", "laurent", "lefebvre", "michel", "garcia")

# Networks that look like ordinary public Internet space: hosting,
# scanners, residential.  Used for clients that are not our users.
NETS = ("45.125.66", "80.94.95", "141.98.10", "141.98.11", "185.196.8",
        "193.32.162", "194.169.175", "87.120.84", "91.92.240", "103.145.13",
        "212.70.149", "178.20.210", "5.34.207", "45.95.146", "92.118.39",
        "185.242.226", "89.248.165", "89.248.163", "80.82.77", "94.102.61",
        "78.128.113", "46.148.40", "77.90.185", "103.151.140", "117.50.170",
        "222.186.30", "218.92.0", "61.177.172", "113.31.103", "190.14.36",
        "181.49.122", "186.96.145", "41.216.188", "102.165.35", "36.92.111",
        "114.5.193", "27.79.40", "14.162.145", "171.224.177", "49.88.112")
CLOUD = (("159.89", None), ("167.71", None), ("164.90", None),
         ("95.216", "hetzner"), ("65.108", "hetzner"), ("51.89", "ovh"),
         ("54.38", "ovh"), ("3.120", "aws"), ("18.196", "aws"))
SENDERS = (
    ("gmail.com", lambda r: (lambda n: ("mail-%s-f%d.google.com" % (
        r.choice(("wm1", "ej1", "ed1", "wr1", "lf1", "pj1", "oi1")), n),
        "209.85.%d.%d" % (r.choice((128, 160, 208, 218, 221)), n)))(
        r.randint(41, 99))),
    ("outlook.com", lambda r: ("mail-%s.outbound.protection.outlook.com" % (
        r.choice(("am6eur05olkn20", "db8eur05olkn20", "vi1eur04olkn20")) +
        "%02d" % r.randint(1, 99)), "40.92.%d.%d" % (r.randint(16, 99),
                                                     r.randint(2, 250)))),
    ("gmx.de", lambda r: ("mout.gmx.net", "212.227.15.%d" % r.choice(
        (15, 18, 19)))),
    ("web.de", lambda r: ("mout.web.de", "212.227.15.%d" % r.choice((3, 4)))),
    ("orange.fr", lambda r: ("smtp-%d.smtpout.orange.fr" % r.randint(10, 30),
                             "80.12.242.%d" % r.randint(10, 90))),
    ("example.net", lambda r: ("smtp.example.net", "198.51.100.26")),
    ("example.com", lambda r: ("mail.example.com", "203.0.113.5")),
)
REMOTE_DOMS = ("gmail.com", "gmail.com", "outlook.com", "hotmail.com",
               "yahoo.com", "gmx.de", "web.de", "orange.fr", "example.net",
               "example.com")
SPAM_DOMS = ("gmail.com", "gmail.com", "gmail.com", "hotmail.com",
             "outlook.com", "yahoo.com", "gmx.de", "web.de", "orange.fr",
             "example.net", "example.com")
ROLES = ("admin", "info", "test", "office", "sales", "contact", "support",
         "webmaster", "postmaster", "user", "mail", "marketing", "billing",
         "noreply", "hr", "service", "accounts", "team", "scanner", "backup")
HOURS = (1, .5, .3, .3, .3, .5, 1, 3, 6, 8, 8, 7, 5, 6, 8, 8, 7, 6, 4, 3, 3,
         2, 2, 1.5)
HOURS_CUM = [sum(HOURS[:i + 1]) for i in range(24)]
PLAN = None


def public_ip(r):
    if r.random() < 0.6:
        return "%s.%d" % (r.choice(NETS), r.randint(2, 254))
    while True:
        a, b = r.randint(1, 223), r.randint(0, 255)
        if a in (10, 127, 100, 169, 172, 192, 198, 203, 0):
            continue
        return "%d.%d.%d.%d" % (a, b, r.randint(0, 255), r.randint(1, 254))


def cloud_host(r):
    net, kind = r.choice(CLOUD)
    ip = "%s.%d.%d" % (net, r.randint(0, 255), r.randint(2, 254))
    o = ip.split(".")
    if kind == "hetzner":
        name = "static.%s.%s.%s.%s.clients.your-server.de" % tuple(o[::-1])
    elif kind == "ovh":
        name = "ip%s.ip-%s-%s-%s.eu" % (o[3], o[0], o[1], o[2])
    elif kind == "aws":
        name = "ec2-%s.eu-central-1.compute.amazonaws.com" % "-".join(o)
    else:
        name = "unknown"
    return name, ip


def poisson(r, lam):
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, int(r.gauss(lam, math.sqrt(lam)) + 0.5))
    n, p, lim = 0, 1.0, math.exp(-lam)
    while True:
        p *= r.random()
        if p < lim:
            return n
        n += 1


class Plan:
    pass


# German access networks for the users' home lines: (first octets, reverse
# name pattern).  The users live where the server does, so the country of
# their logins is the home country.
HOME_ISPS = (
    ((91, 0, 63), lambda o: "p%02x%02x%02x%02x.dip0.t-ipconnect.de" % o),
    ((93, 192, 255), lambda o: "p%02x%02x%02x%02x.dip0.t-ipconnect.de" % o),
    ((79, 192, 255), lambda o: "p%02x%02x%02x%02x.dip0.t-ipconnect.de" % o),
    ((88, 152, 155), lambda o: "ip-%03d-%03d-%03d-%03d.um26.pools."
     "vodafone-ip.de" % o),
    ((77, 8, 15), lambda o: "dynamic-%03d-%03d-%03d-%03d.%d.%d.pool."
     "telefonica.de" % (o + o[:2])),
    ((78, 34, 35), lambda o: "xdsl-%d-%d-%d-%d.nc.de" % o),
)


def german_homes(r, users):
    """Move the users' documentation-range lines to German ISPs (keeping
    which of them have no reverse name)."""
    used = set()
    for u in users:
        ips = []
        for host, ip in u["ips"]:
            if not ip.startswith(("192.0.2.", "198.51.100.", "203.0.113.")):
                ips.append((host, ip))
                continue
            while True:
                (a, lo, hi), ptr = r.choice(HOME_ISPS)
                o = (a, r.randint(lo, hi), r.randint(0, 255),
                     r.randint(1, 254))
                new = "%d.%d.%d.%d" % o
                if new not in used:
                    break
            used.add(new)
            ips.append((host if host == "unknown" else ptr(o), new))
        u["ips"] = ips


def make_users(r, n):
    users = []
    used = set()
    doc = ["192.0.2.%d" % i for i in range(20, 250)] + \
        ["198.51.100.%d" % i for i in range(30, 250)] + \
        ["203.0.113.%d" % i for i in range(10, 250)]
    r.shuffle(doc)
    misses = 0
    while len(users) < n:
        f, l = r.choice(FIRST), r.choice(LAST)
        name = r.choice((f, "%s.%s" % (f, l), f[0] + l, "%s%s" % (f, l[0])))
        if name in used:
            # The name space holds about 3000 names; a large --scale asks
            # for more users, which used to loop for ever.  After a run
            # of misses, a number makes the name new (small sets, where
            # misses are rare, come out as before).
            misses += 1
            if misses < 50:
                continue
            name = "%s%d" % (name, len(users))
            if name in used:
                continue
        misses = 0
        used.add(name)
        k = len(users)
        ips = []
        for _ in range(r.choice((1, 1, 2, 2, 3))):
            if k % 13 == 5 and not ips:
                ip = "2001:db8:%x:%x::%x" % (r.randint(1, 0xffff),
                                            r.randint(0, 0xff),
                                            r.randint(2, 0xfff))
            elif doc:
                ip = doc.pop()
            else:
                ip = "%s.%d" % (r.choice(NETS), r.randint(2, 254))
            o = ip.split(".")
            ptr = r.random()
            if ":" in ip or ptr < 0.3:
                host = "unknown"
            elif ptr < 0.7:
                host = "host-%s.dyn.example.net" % "-".join(o)
            else:
                host = "cpe-%s.example.com" % "-".join(o)
            ips.append((host, ip))
        users.append({
            "name": name,
            "ips": ips,
            "port": 465 if r.random() < 0.25 else 587,
            "method": "LOGIN" if r.random() < 0.2 else "PLAIN",
            "mbox": "pop3" if r.random() < 0.2 else "imap",
            "weight": r.choice((1, 1, 2, 3, 5, 8)),
            "contacts": None,
        })
    names = [u["name"] for u in users]
    for u in users:
        c = []
        for _ in range(r.randint(3, 12)):
            if r.random() < 0.35:
                c.append("%s@%s" % (r.choice(names), DOMAIN))
            else:
                c.append("%s.%s@%s" % (r.choice(FIRST), r.choice(LAST),
                                       r.choice(REMOTE_DOMS)))
        u["contacts"] = c
    return users


def at(r, day_t, lo_h, hi_h):
    return day_t + int(r.uniform(lo_h * 3600, hi_h * 3600))


def pick_day(r, t0, t1, lo_h=2, hi_h=22):
    days = (t1 - t0) // 86400
    d = t0 - t0 % 86400 + 86400 * r.randint(1, max(1, days - 2))
    return at(r, d, lo_h, hi_h)


def make_plan(args):
    r = mailsim.Random("plan:%d" % args.seed)
    p = Plan()
    p.seed = args.seed
    p.mode = mailsim.postfix_mode(args.postfix_version)
    p.mta = args.mta
    p.qmgr_pid = r.randint(700, 2400)
    p.anvil_pid = r.randint(20000, 90000)
    p.factor = args.factor
    nusers = 40 if p.factor <= 1 else int(40 * math.sqrt(p.factor))
    p.users = make_users(r, nusers)
    german_homes(mailsim.Random("homes:%d" % args.seed), p.users)
    p.known = set(u["name"] for u in p.users)
    t0, t1 = args.t0, args.t1
    bounds = [t0]
    while bounds[-1] + 7 * 86400 < t1:
        bounds.append(bounds[-1] + 7 * 86400)
    bounds.append(t1)
    # logrotate runs from a daily timer shortly after midnight
    p.bounds = [b + r.randint(40, 1500) for b in bounds]
    p.names = ["maillog-%s" % civil(b).strftime("%Y%m%d")
               for b in bounds[1:]]
    p.xnames = ["mainlog-%s" % civil(b).strftime("%Y%m%d")
                for b in bounds[1:]]
    p.script = make_script(r, p, p.bounds[0], p.bounds[-1])
    p.script.sort(key=lambda e: e[0])
    return p


def first_date(t0, t1, month, day, margin=3):
    y = civil(t0).year
    for yy in (y, y + 1):
        try:
            t = epoch(yy, month, day)
        except ValueError:
            continue
        if t0 + margin * 86400 <= t <= t1 - margin * 86400:
            return t
    return None


def make_script(r, p, t0, t1):
    """Scripted sessions: (time, kind, args)."""
    s = []
    span = t1 - t0
    users = [u for u in p.users]
    r.shuffle(users)
    victim, traveler, phone = users[0], users[1], users[2]
    day = lambda frac: t0 - t0 % 86400 + int(span * frac) // 86400 * 86400
    ny = first_date(t0, t1, 1, 1) or day(0.4) + 86400
    leap = first_date(t0, t1, 2, 29, 1) or day(0.85)

    # 1. dictionary attack on submission against role accounts
    ip = "%s.%d" % (r.choice(NETS), r.randint(2, 254))
    t = at(r, day(0.08), 2, 3)
    names = list(ROLES[:9]) + [u["name"] for u in users[5:8]]
    for _ in range(28):
        tries = [(r.choice(names), "PLAIN") for _ in range(r.choice((1, 1, 2,
                                                                     3)))]
        s.append((t, "authfail", (587, "unknown", ip, tries,
                                  r.choice(("quit", "lost")))))
        t += r.randint(20, 240)
    s.append((t + 600, "anvil", ("submission", ip, 3, 1, t - 3000)))

    # 2. slow distributed guessing of real accounts, one try per client
    targets = [u["name"] for u in users[3:7]] + [victim["name"]]
    for _ in range(30):
        t = pick_day(r, t0, t1)
        ip = public_ip(r)
        tries = [(r.choice(targets), r.choice(("LOGIN", "PLAIN")))]
        s.append((t, "authfail", (r.choice((587, 587, 465)), "unknown", ip,
                                  tries, "lost")))

    # 3. targeted guessing, then a working password, then a test message
    t = ny - r.randint(4, 5) * 86400 + r.randint(1 * 3600, 4 * 3600)
    ips = [public_ip(r) for _ in range(3)]
    for i in range(9):
        ip = ips[i % 3]
        tries = [(victim["name"], "LOGIN") for _ in range(r.randint(1, 3))]
        s.append((t, "authfail", (587, "unknown", ip, tries, "quit")))
        t += r.randint(300, 2400)
    crack_ip = ips[1]
    s.append((t, "send", (587, "unknown", crack_ip, victim["name"], "LOGIN",
                          [["%s%d@%s" % (r.choice(FIRST), r.randint(70, 99),
                                         "gmail.com")]],
                          [(victim["name"], "LOGIN")] * 2, False)))

    # 4. the account is used from a cloud host across New Year
    name, ip = cloud_host(r)
    gang = {"ips": ips, "crack": crack_ip, "cloud": (name, ip), "ny": ny}
    t = ny - r.randint(5400, 10800)
    sender = "%s@%s" % (victim["name"], DOMAIN)
    for i in range(5):
        msgs = []
        for _ in range(2):
            msgs.append(["%s.%s%d@%s" % (r.choice(FIRST), r.choice(LAST),
                                         r.randint(1, 99),
                                         r.choice(SPAM_DOMS))
                         for _ in range(r.randint(18, 32))])
        s.append((t, "send", (587, name, ip, victim["name"], "LOGIN", msgs,
                              [], True)))
        t += r.randint(900, 2400)
    t = ny + r.randint(9 * 3600, 10 * 3600)
    s.append((t, "purge", (sender,)))
    t += r.randint(1800, 5000)
    for i in range(4):
        s.append((t, "authfail", (587, name, ip, [(victim["name"], "LOGIN")],
                                  "quit")))
        t += r.randint(200, 900)

    # 5. LOGIN guessing on smtps, one run folded by rsyslog, on Feb 29
    ip = "%s.%d" % (r.choice(NETS), r.randint(2, 254))
    t = at(r, leap, 3, 4)
    for i in range(10):
        tries = [(r.choice(ROLES), "LOGIN")]
        rep = 3 if i == 4 else 0
        if rep:
            tries = [("info", "LOGIN")]
        s.append((t, "authfail", (465, "unknown", ip, tries, "lost", rep)))
        t += r.randint(30, 200)

    # 6. IMAP guessing, several accounts, with Dovecot sessions
    ip = public_ip(r)
    t = at(r, day(0.62), 1, 2)
    pool = [u["name"] for u in users[8:14]] + list(ROLES[:4])
    for i in range(12):
        tries = [r.choice(pool) for _ in range(r.randint(1, 3))]
        s.append((t, "mbfail", ("imap", ip, tries)))
        t += r.randint(40, 400)

    # 7. POP3 guessing
    ip = public_ip(r)
    t = at(r, day(0.33), 4, 5)
    for i in range(6):
        s.append((t, "mbfail", ("pop3", ip, [r.choice(ROLES[:8])])))
        t += r.randint(60, 600)

    # 8. a user abroad: a typo, then ordinary use from a hotel
    c, d = r.randint(1, 250), r.randint(1, 250)
    host = "%d.red-88-26-%d.dynamicip.rima-tde.net" % (d, c)
    ip = "88.26.%d.%d" % (c, d)
    t = at(r, day(0.7), 8, 9)
    s.append((t, "authfail", (traveler["port"], host, ip,
                              [(traveler["name"], traveler["method"])],
                              "quit")))
    for d in range(3):
        tt = t + d * 86400 + r.randint(60, 600)
        s.append((tt, "send", (traveler["port"], host, ip, traveler["name"],
                               traveler["method"],
                               [[r.choice(traveler["contacts"])]], [],
                               False)))
        s.append((tt + 3000, "login", (traveler["name"], ip,
                                       traveler["mbox"])))

    # 9. a phone with an old password retries all afternoon
    ip = "198.51.100.%d" % r.randint(2, 19)
    t = at(r, day(0.5), 13, 14)
    for i in range(14):
        s.append((t, "mbfail", ("imap", ip, [phone["name"]],
                                "Disconnected")))
        t += r.randint(280, 900)
    s.append((t + 1200, "login", (phone["name"], ip, "imap")))

    # 10. error lines that rsyslog also copies to mail.err
    for frac, body in ((0.45, "postfix/smtpd[%d]: error: open database "
                        "/etc/postfix/sender_access.db: No such file or "
                        "directory"),
                       (0.451, "postfix/smtpd[%d]: error: open database "
                        "/etc/postfix/sender_access.db: No such file or "
                        "directory"),
                       (0.6, "postfix/sendmail[%d]: fatal: Recipient "
                        "addresses must be specified on the command line or "
                        "via the -t option"),
                       (0.97, "postfix/postfix-script[%d]: fatal: the Postfix "
                        "mail system is already running")):
        s.append((at(r, day(frac), 9, 17), "error", (body,)))

    # 11-12 draw from their own generators, here and in the weeks, so the
    # sessions above and the everyday traffic stay as they were
    s += stealth_script(p, users, gang, t0, t1)
    s += at_risk_script(p, users, gang, t0, t1)
    return s


def pick_user(users, taken, ok):
    for u in users:
        if u["name"] not in taken and ok(u):
            return u
    return None


def scripted_names(users):
    # victim, traveller, phone and everyone the attacks above name
    return set(u["name"] for u in users[:14])


def stealth_script(p, users, gang, t0, t1):
    """11. the gang cracks a second account and uses it quietly: a few
    failures from its addresses before Christmas, a test message from one
    of them, then, after the first account was reset, small batches from
    the same cloud host every few days while the owner keeps using it."""
    r = mailsim.Random("stealth:%d" % p.seed)
    taken = scripted_names(users) | set(u["name"] for u in p.users[:6])
    u = pick_user(p.users, taken, lambda u: len(u["ips"]) == 1 and
                  ":" not in u["ips"][0][1] and u["weight"] >= 3)
    if u is None:
        return []
    p.stealth = u["name"]
    s = []
    ny = gang["ny"]
    att = [gang["ips"][0], gang["ips"][2]]
    t = ny - 10 * 86400 + r.randint(1 * 3600, 5 * 3600)
    for i in range(5):
        ip = att[i % 2]
        tries = [(u["name"], "PLAIN") for _ in range(r.randint(1, 2))]
        s.append((t, "authfail", (587, "unknown", ip, tries, "quit"),
                  "stealth:%d:%d" % (p.seed, i)))
        t += r.randint(8 * 3600, 20 * 3600)
    s.append((t, "send", (587, "unknown", att[0], u["name"], "PLAIN",
                          [["%s%d@%s" % (r.choice(FIRST), r.randint(70, 99),
                                         "gmail.com")]],
                          [(u["name"], "PLAIN")], False),
              "stealth:%d:crack" % p.seed))
    name, ip = gang["cloud"]
    t = ny + r.randint(2, 3) * 86400 + r.randint(2 * 3600, 6 * 3600)
    end = epoch(civil(ny).year, 2, 20)
    k = 0
    while t < min(end, t1 - 86400):
        nmsg = r.randint(8, 12)
        done = 0
        while done < nmsg:
            n = min(nmsg - done, r.randint(3, 5))
            msgs = [["%s.%s%d@%s" % (r.choice(FIRST), r.choice(LAST),
                                     r.randint(1, 99), r.choice(SPAM_DOMS))
                     for _ in range(r.randint(1, 3))] for _ in range(n)]
            s.append((t, "send", (587, name, ip, u["name"], "PLAIN", msgs,
                                  [], False),
                      "stealth:%d:b%d" % (p.seed, k)))
            k += 1
            done += n
            t += r.randint(600, 3000)
        t += r.randint(3, 5) * 86400 + r.randint(-4 * 3600, 4 * 3600)
    return s


def at_risk_script(p, users, gang, t0, t1):
    """12. a week of guessing in mid-February from several addresses
    that also try other names; one of them gets in, then nothing."""
    r = mailsim.Random("atrisk:%d" % p.seed)
    taken = scripted_names(users) | set(u["name"] for u in p.users[:6])
    taken.add(getattr(p, "stealth", ""))
    u = pick_user(reversed(p.users), taken, lambda u: len(u["ips"]) == 1 and
                  ":" not in u["ips"][0][1])
    if u is None:
        return []
    p.at_risk = u["name"]
    s = []
    nets = ("45.125.66", "80.94.95", "193.32.162", "212.70.149",
            "92.118.39", "178.20.210")
    ips = ["%s.%d" % (n, r.randint(2, 254)) for n in r.sample(nets, 4)]
    others = list(ROLES[:6]) + [x["name"] for x in users[3:6]]
    y = civil(gang["ny"]).year
    t = epoch(y, 2, 11) + r.randint(1 * 3600, 5 * 3600)
    for i in range(16):
        ip = ips[i % 4]
        tries = [(r.choice(others), "PLAIN")]
        if i % 2 == 0 or i >= 12:
            tries.append((u["name"], "PLAIN"))
        r.shuffle(tries)
        s.append((t, "authfail", (587, "unknown", ip, tries,
                                  r.choice(("quit", "lost"))),
                  "atrisk:%d:%d" % (p.seed, i)))
        t += r.randint(6 * 3600, 12 * 3600)
    s.append((t, "send", (587, "unknown", ips[1], u["name"], "PLAIN", [],
                          [(u["name"], "PLAIN")], False),
              "atrisk:%d:ok" % p.seed))
    return s


def run_script(w, t, kind, a):
    known = w.plan.known.__contains__
    if kind == "authfail":
        port, name, ip, tries, end = a[:5]
        rep = a[5] if len(a) > 5 else 0
        w.auth_fail_session(t, port, name, ip, tries, known, end, rep)
    elif kind == "send":
        port, name, ip, user, method, msgs, fails, spam = a
        w.send_session(t, port, name, ip, user, method, msgs, fails=fails,
                       known=known, spam=spam)
    elif kind == "mbfail":
        proto, ip, tries = a[:3]
        w.mailbox_fail(t, proto, ip, tries, known, a[3] if len(a) > 3
                       else None)
    elif kind == "login":
        w.mailbox_login(t, a[0], a[1], a[2])
    elif kind == "purge":
        w.purge(t, a[0])
    elif kind == "anvil":
        w.anvil_stats(t, *a)
    elif kind == "error":
        w.error_line(t, "%s %s" % (mailsim.HOST, a[0] % w.pid()))


def hour_time(r, day_t, flat=False):
    if flat:
        return day_t + int(r.random() * 86400)
    h = bisect.bisect(HOURS_CUM, r.random() * HOURS_CUM[-1])
    return day_t + h * 3600 + int(r.random() * 3600)


def normal_day(w, lo, hi, day_t):
    """Everyday traffic for one day, sessions starting in [lo, hi)."""
    r = w.rng
    p = w.plan
    f = p.factor
    known = p.known.__contains__
    wk = civil(day_t).weekday() < 5
    weights = [u["weight"] for u in p.users]
    cum = []
    acc = 0
    for x in weights:
        acc += x
        cum.append(acc)
    jobs = []
    for _ in range(poisson(r, f * (3 if wk else 1))):
        jobs.append((hour_time(r, day_t), 0))
    for _ in range(poisson(r, f * (5 if wk else 3))):
        jobs.append((hour_time(r, day_t), 1))
    for _ in range(poisson(r, f * 2)):
        jobs.append((hour_time(r, day_t, True), 2))
    for _ in range(poisson(r, f * 2)):
        jobs.append((hour_time(r, day_t, True), 3))
    for _ in range(poisson(r, f * 0.4)):
        jobs.append((hour_time(r, day_t, True), 4))
    for _ in range(poisson(r, f * 0.2)):
        jobs.append((hour_time(r, day_t, True), 5))
    for t, kind in jobs:
        if not lo <= t < hi:
            continue
        if kind == 0:
            u = p.users[bisect.bisect(cum, r.random() * acc)]
            host, ip = u["ips"][0] if r.random() < 0.7 else r.choice(u["ips"])
            if r.random() < 0.03:
                w.auth_fail_session(t, u["port"], host, ip,
                                    [(u["name"], u["method"])], known, "quit")
                t += r.randint(15, 90)
            n = 1 if r.random() < 0.7 else r.randint(2, 4)
            rc = r.sample(u["contacts"], min(n, len(u["contacts"])))
            msgs = [rc] if r.random() < 0.9 else [rc, [r.choice(
                u["contacts"])]]
            w.send_session(t, u["port"], host, ip, u["name"], u["method"],
                           msgs, known=known)
        elif kind == 1:
            u = p.users[bisect.bisect(cum, r.random() * acc)]
            host, ip = r.choice(u["ips"])
            if r.random() < 0.015:
                w.mailbox_fail(t, u["mbox"], ip, [u["name"]], known)
                t += r.randint(10, 60)
            w.mailbox_login(t, u["name"], ip, u["mbox"])
        elif kind == 2:
            dom, mk = r.choice(SENDERS)
            name, ip = mk(r)
            sender = "%s.%s@%s" % (r.choice(FIRST), r.choice(LAST), dom)
            rc = ["%s@%s" % (r.choice(p.users)["name"], DOMAIN)]
            w.inbound(t, name, ip, sender, rc, r.random() < 0.9)
        elif kind == 3:
            k = r.choices(("auth", "auth_quit", "dnsbl", "relay", "ehlo",
                           "connect"), (22, 8, 25, 10, 20, 15))[0]
            rc = "%s@%s" % (r.choice(p.users)["name"], DOMAIN) \
                if k == "dnsbl" else "%s.%s@%s" % (
                    r.choice(FIRST), r.choice(LAST), r.choice(REMOTE_DOMS))
            w.noise25(t, public_ip(r), k, rc)
        elif kind == 4:
            w.noise_sub(t, public_ip(r), r.choice((587, 587, 465)))
        else:
            ip = public_ip(r)
            port = r.choice((587, 587, 465))
            name = r.choice(ROLES + tuple(u["name"] for u in p.users[:6]))
            tries = [(name, r.choice(("LOGIN", "PLAIN")))
                     for _ in range(r.choice((1, 1, 1, 2, 5)))]
            w.auth_fail_session(t, port, "unknown", ip, tries, known,
                                r.choice(("quit", "lost")))


def driver(w, day_done):
    p = w.plan
    quiet = w.t1 - 900
    d = w.t0 - w.t0 % 86400
    script = [e for e in p.script if w.t0 <= e[0] < quiet]
    i = 0
    while d < w.t1:
        lo, hi = max(d, w.t0), min(d + 86400, quiet)
        if lo < hi:
            normal_day(w, lo, hi, d)
        while i < len(script) and script[i][0] < d + 86400:
            e = script[i]
            if len(e) > 3:
                saved = w.rng
                w.rng = mailsim.Random(e[3])
                run_script(w, *e[:3])
                w.rng = saved
            else:
                run_script(w, *e)
            i += 1
        day_done(d + 86400)
        d += 86400


def build_week(idx, out_dir=None, sink=None):
    p = PLAN
    t0, t1 = p.bounds[idx], p.bounds[idx + 1]
    name = p.names[idx]
    last = idx == len(p.names) - 1
    fname = name if last else name + ".gz"
    rng = mailsim.Random("week:%d:%d" % (p.seed, idx))
    w = mailsim.Week(p, idx, rng, t0, t1, fname)
    target = sink if sink is not None else os.path.join(out_dir, fname)
    xtarget = None
    if p.mta == "exim":
        w.xname = p.xnames[idx] if last else p.xnames[idx] + ".gz"
        xtarget = sink if sink is not None else os.path.join(out_dir,
                                                             w.xname)
    st = mailsim.write_week(w, target, not last and sink is None, driver,
                            xtarget)
    return fname, st["truth"], st["bytes"], w.errors


class Counter:
    def __init__(self):
        self.n = 0

    def write(self, b):
        self.n += len(b)

    def seek(self, _):
        pass

    def close(self):
        pass


def calibrate(args):
    """Bytes per day of the mix at factor 1, measured on one week at
    factor 10 without the scripted sessions."""
    global PLAN
    a = argparse.Namespace(**vars(args))
    a.factor = 10
    a.t1 = a.t0 + 7 * 86400
    PLAN = make_plan(a)
    PLAN.script = []
    c = Counter()
    build_week(0, sink=c)
    return c.n / 7 / 10


def parse_date(s):
    return datetime.datetime.strptime(s, "%Y-%m-%d")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1].strip())
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", default="2023-12-03")
    ap.add_argument("--end", default="2024-03-10")
    ap.add_argument("--postfix-version", default="3.4")
    ap.add_argument("--scale", type=float, default=0,
                    help="megabytes of uncompressed log (benchmark set)")
    ap.add_argument("--truth", default=None)
    ap.add_argument("--jobs", type=int, default=0)
    ap.add_argument("--mta", choices=("postfix", "exim"), default="postfix",
                    help="render the Postfix lines as Exim's mainlog")
    args = ap.parse_args()
    args.t0 = epoch(*parse_date(args.start).timetuple()[:3])
    args.t1 = epoch(*parse_date(args.end).timetuple()[:3])
    if args.t1 - args.t0 < 14 * 86400:
        ap.error("the period must be at least two weeks")
    args.factor = 1
    if args.scale:
        per_day = calibrate(args)
        days = (args.t1 - args.t0) / 86400
        args.factor = max(1.0, args.scale * 1e6 / days / per_day)
    global PLAN
    PLAN = make_plan(args)
    os.makedirs(args.out, exist_ok=True)
    n = len(PLAN.names)
    jobs = args.jobs or (min(n, os.cpu_count() or 1) if args.scale else 1)
    if jobs > 1:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(jobs) as pool:
            res = pool.starmap(build_week, [(i, args.out) for i in range(n)])
    else:
        res = [build_week(i, args.out) for i in range(n)]
    errors = sorted(e for r in res for e in r[3])
    with open(os.path.join(args.out, "mail.err"), "wb") as f:
        for t, body in errors:
            f.write(("%s%s %s\n" % (mailsim.day_prefix(t),
                                    mailsim.TOD[t % 86400], body))
                    .encode("ascii"))
    truth = args.truth
    if truth is None and not args.scale:
        out = os.path.normpath(args.out)
        truth = out + ".truth.csv"
    if truth:
        with open(truth, "w", newline="") as f:
            wr = csv.writer(f, lineterminator="\n")
            wr.writerow(("file", "line", "time", "service", "ip", "account",
                         "count"))
            for r in res:
                wr.writerows(r[1])
    total = sum(r[2] for r in res)
    rows = sum(len(r[1]) for r in res)
    print("wrote %d files, %.1f MB uncompressed, %d failure lines%s" % (
        n * (2 if args.mta == "exim" else 1) + 1, total / 1e6, rows,
        (" -> " + truth) if truth else ""),
        file=sys.stderr)


if __name__ == "__main__":
    main()
