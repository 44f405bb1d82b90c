#!/usr/bin/env python3
"""Check that gen_report.py's labels are honest: re-read the logs and find
each labelled pattern in the real lines.

    python3 testdata/check_report_scenario.py DIR LABELS [-v]

Independent of the generator's internals: it parses the log lines
(formats.md) and only knows, as an administrator would, which reverse
names and ranges are German residential lines, German mobile networks,
local relays and hosting providers.  Exit 0 when every account passes,
1 otherwise (each problem printed).
"""

import collections
import csv
import datetime
import gzip
import os
import re
import sys

MON = {m: i + 1 for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep "
                                      "Oct Nov Dec".split())}
HOME_PTR = ("t-ipconnect.de", "vodafone-ip.de", "arcor-ip.net",
            "telefonica.de", "versanet.de", "unitymediagroup.de", ".nc.de")
DE_MOBILE = ("80.187.", "109.40.", "82.113.")
CLOUD_PTR = ("amazonaws.com", "your-server.de", "vultr.com",
             "vultrusercontent.com", "linodeusercontent.com",
             "members.linode.com", "contaboserver.net")
CLOUD_NETS = ("159.89.", "167.71.", "164.90.", "138.68.", "46.101.",
              "188.166.")
OVH = re.compile(r"^(ns\d+|ip\d+)\.ip-\d+-\d+-\d+\.eu$")
DNSBL = re.compile(r"spamhaus|spamcop|barracuda|uceprotect|block list|"
                   r"block listed|black listed|S3150|SC-001|4\.7\.28|"
                   r"unusual rate|\(BL\)|TSS04", re.I)

RE_LINE = re.compile(r"^(\w{3}) +(\d+) (\d\d):(\d\d):(\d\d) (\S+) ([^:\[]+)"
                     r"(?:\[(\d+)\])?: (.*)$")
RE_CONN = re.compile(r"^connect from ([^\[]*)\[([^\]]+)\]")
RE_WARN = re.compile(r"^warning: ([^\[]*)\[([^\]]+)\]: SASL \S+ "
                     r"authentication failed: (.*)$")
RE_CLIENT = re.compile(r"^([0-9A-F]+): client=([^\[]*)\[([^\]]+)\]"
                       r"(?:, sasl_method=\S+, sasl_username=(.*))?$")
RE_DISC = re.compile(r"^disconnect from ([^\[]*)\[([^\]]+)\](.*)$")
RE_AUTHDB = re.compile(r"^auth: [\w-]+\((.*),([0-9a-f.:]+)(,<[^>]*>)?\): "
                       r"(Password mismatch|unknown user)")
RE_LOGIN = re.compile(r"^(imap|pop3)-login: Login: user=<([^>]*)>, "
                      r"method=\S+, rip=([^,]+),")
RE_LFAIL = re.compile(r"^(imap|pop3)-login: .*\(auth failed, (\d+) attempts"
                      r".*\): user=<([^>]*)>, method=\S+, rip=([^,]+),")
RE_QMGR = re.compile(r"^([0-9A-F]+): from=<([^>]*)>, size=\d+, nrcpt=(\d+)")
RE_DELIV = re.compile(r"^([0-9A-F]+): to=<[^>]*>, relay=.*?, "
                      r"dsn=[\d.]+, status=(\w+) \((.*)$")
RE_LMTP = re.compile(r"^lmtp\(([^)]*)\)")
EPOCH = datetime.datetime(1970, 1, 1)
# German residential address blocks (what a geo database would say; the
# Dovecot lines carry no reverse name).
DE_NETS = ("79.", "91.", "93.", "87.", "217.", "88.6", "88.7", "92.7",
           "178.", "77.1", "89.24", "95.22", "109.19", "89.0.", "89.1.")


def german(ip):
    if not ip.startswith(DE_NETS):
        return False
    a, b = (int(x) for x in ip.split(".")[:2])
    return (a == 79 and b >= 192) or (a == 91 and b < 64) or \
        (a == 93 and b >= 192) or (a == 87 and 128 <= b < 192) or \
        (a == 87 and b in (78, 79)) or (a == 217 and b >= 224) or \
        (a == 88 and 64 <= b < 80) or (a == 92 and 72 <= b < 80) or \
        (a == 178 and b < 16) or (a == 77 and 176 <= b < 192) or \
        (a == 89 and (244 <= b < 248 or b in (0, 1))) or \
        (a == 95 and b in (222, 223)) or (a == 109 and b in (192, 193))


def kind_of(name, ip):
    """home, mobile, local, cloud or foreign."""
    if ip.startswith("127.") or ip.startswith("10."):
        return "local"
    if name.endswith(HOME_PTR) or ip.startswith("2003:") or \
            (name in ("", "unknown") and german(ip)):
        return "home"
    if ip.startswith(DE_MOBILE):
        return "mobile"
    if name.endswith(CLOUD_PTR) or OVH.match(name) or \
            ip.startswith(CLOUD_NETS):
        return "cloud"
    return "foreign"


def files_in_order(d):
    out = []
    for f in os.listdir(d):
        m = re.match(r"^maillog-(\d{8})(\.gz)?$", f)
        if m:
            out.append((m.group(1), f))
    return [(os.path.join(d, f), k) for k, f in sorted(out)]


class Acct:
    def __init__(self):
        self.fails = []         # (t, ip, kind)
        self.succ = []          # (t, ip, kind, how)
        self.qids = []          # (t, ip, kind, nrcpt)
        self.sent = self.deferred = self.bounced = self.dnsbl = 0


def parse(d):
    acc = collections.defaultdict(Acct)
    seen = set()
    sess = {}
    backend = collections.defaultdict(list)    # ip -> [(t, user)]
    qown = {}                   # qid -> (user, ip, kind, t)
    qdone = set()
    ipusers = collections.defaultdict(set)
    for path, anchor in files_in_order(d):
        ay, am = int(anchor[:4]), int(anchor[4:6])
        op = gzip.open if path.endswith(".gz") else open
        with op(path, "rt", encoding="utf-8", errors="replace") as f:
            for line in f:
                m = RE_LINE.match(line.rstrip("\n"))
                if not m:
                    continue
                mon = MON[m.group(1)]
                y = ay if mon <= am else ay - 1
                t = int((datetime.datetime(y, mon, int(m.group(2)),
                                           int(m.group(3)), int(m.group(4)),
                                           int(m.group(5))) - EPOCH)
                        .total_seconds())
                tag, pid, msg = m.group(7), m.group(8), m.group(9)
                if tag == "dovecot":
                    parse_dovecot(t, msg, acc, seen, backend)
                    continue
                if tag.endswith("/smtpd"):
                    key = (tag, pid)
                    c = RE_CONN.match(msg)
                    if c:
                        sess[key] = {"ip": c.group(2), "name": c.group(1),
                                     "fails": [], "mail": False}
                        continue
                    s = sess.get(key)
                    if s is None:
                        continue
                    w = RE_WARN.match(msg)
                    if w:
                        rest = w.group(3)
                        user = None
                        i = rest.find(", sasl_username=")
                        if i >= 0:
                            user = rest[i + 16:]
                        else:
                            cand = [x for x in backend[s["ip"]]
                                    if -1 <= t - x[0] <= 5]
                            if cand:
                                user = cand[-1][1]
                                backend[s["ip"]].remove(cand[-1])
                        if user:
                            seen.add(user)
                            acc[user].fails.append(
                                (t, s["ip"], kind_of(s["name"], s["ip"])))
                            s["fails"].append(user)
                        continue
                    c = RE_CLIENT.match(msg)
                    if c and c.group(4):
                        user = c.group(4)
                        seen.add(user)
                        k = kind_of(c.group(2), c.group(3))
                        qown[c.group(1)] = (user, c.group(3), k, t)
                        if not s["mail"]:
                            acc[user].succ.append((t, c.group(3), k, "mail"))
                        s["mail"] = True
                        ipusers[c.group(3)].add(user)
                        continue
                    c = RE_DISC.match(msg)
                    if c:
                        sess.pop(key, None)
                        st = c.group(3)
                        am_ = re.search(r" auth=(\d+)", st)
                        if am_ and int(am_.group(1)) > 0 and not s["mail"] \
                                and len(set(s["fails"])) == 1:
                            user = s["fails"][0]
                            acc[user].succ.append(
                                (t, s["ip"], kind_of(s["name"], s["ip"]),
                                 "auth"))
                    continue
                if tag == "postfix/qmgr":
                    q = RE_QMGR.match(msg)
                    if q and q.group(1) in qown and q.group(1) not in qdone:
                        qdone.add(q.group(1))
                        user, ip, k, t0 = qown[q.group(1)]
                        acc[user].qids.append((t0, ip, k, int(q.group(3))))
                    continue
                if tag == "postfix/smtp":
                    q = RE_DELIV.match(msg)
                    if q and q.group(1) in qown:
                        a = acc[qown[q.group(1)][0]]
                        st = q.group(2)
                        if st == "sent":
                            a.sent += 1
                        elif st == "deferred":
                            a.deferred += 1
                        elif st == "bounced":
                            a.bounced += 1
                        if st != "sent" and DNSBL.search(q.group(3)):
                            a.dnsbl += 1
                    continue
    return acc, seen, ipusers


def parse_dovecot(t, msg, acc, seen, backend):
    a = RE_AUTHDB.match(msg)
    if a:
        seen.add(a.group(1))
        if not a.group(3):
            lst = backend[a.group(2)]
            lst.append((t, a.group(1)))
            if len(lst) > 50:
                del lst[:25]
        return
    m = RE_LOGIN.match(msg)
    if m:
        seen.add(m.group(2))
        ip = m.group(3)
        acc[m.group(2)].succ.append((t, ip, kind_of("", ip), "imap"))
        return
    m = RE_LFAIL.match(msg)
    if m:
        seen.add(m.group(3))
        ip = m.group(4)
        for _ in range(int(m.group(2))):
            acc[m.group(3)].fails.append((t, ip, kind_of("", ip)))
        return
    m = RE_LMTP.match(msg)
    if m:
        seen.add(m.group(1))


def foreignish(k):
    return k in ("foreign", "cloud")


def day_groups(qids):
    g = collections.defaultdict(lambda: [0, 0])
    for t, ip, k, n in qids:
        g[t // 86400][0] += 1
        g[t // 86400][1] += n
    return g


def check(acc, seen, ipusers, labels, verbose):
    bad = []
    spam_ips = set()
    dovecot_ip_kind = {}

    def fail(n, why):
        bad.append("%s (%s): %s" % (n, labels.get(n, ("?",))[0], why))

    for n in sorted(seen):
        if n not in labels:
            fail(n, "appears in the logs but has no label")
    for n in sorted(labels):
        if n not in seen:
            fail(n, "labelled but never appears in the logs")
    # which IPs are the spam servers: >= 1000 recipients in a day
    bulk_ips = {}
    for n, (lab, det) in labels.items():
        if lab != "bulk":
            continue
        a = acc[n]
        rc = collections.Counter()
        for t, ip, k, nr in a.qids:
            if foreignish(k):
                rc[ip] += nr
        bulk_ips[n] = {ip for ip, v in rc.items() if v >= 200}
        spam_ips |= bulk_ips[n]
    for n in sorted(labels):
        lab, det = labels[n]
        a = acc[n]
        out = [q for q in a.qids if foreignish(q[2])]
        fails_ext = [f for f in a.fails if foreignish(f[2])]
        if lab == "bulk":
            tot = sum(q[3] for q in out)
            if tot < 1000:
                fail(n, "only %d recipients from abroad" % tot)
                continue
            first = min(q[0] for q in out if q[1] in bulk_ips[n])
            share = (a.deferred + a.bounced) / max(1, a.sent + a.deferred +
                                                   a.bounced)
            if share < 0.2:
                fail(n, "deferred+bounced share %.2f" % share)
            if a.dnsbl < 10:
                fail(n, "%d block-list citations" % a.dnsbl)
            before = [f for f in fails_ext if f[0] < first]
            after = [f for f in a.fails if f[0] > first and
                     f[1] in bulk_ips[n]]
            if not after:
                fail(n, "the spam address never fails after the reset")
            if "malware-era" in det:
                if before:
                    fail(n, "malware-era but %d failures before the abuse" %
                         len(before))
                if any(s[1] in bulk_ips[n] for s in a.succ if s[0] < first):
                    fail(n, "malware-era abuse address seen before")
            else:
                ips = {f[1] for f in before}
                if len(ips) < 2:
                    fail(n, "failures from %d foreign addresses before the "
                         "abuse" % len(ips))
                cr = [s for s in a.succ if s[0] < first and s[1] in ips]
                if not cr:
                    fail(n, "no success from a failing address before the "
                         "abuse")
                elif cr[-1][1] in bulk_ips[n]:
                    fail(n, "the abuse comes from the crack address")
                elif not 600 <= first - cr[-1][0] <= 12 * 3600:
                    fail(n, "crack %ds before the abuse" %
                         (first - cr[-1][0]))
            if verbose:
                print("%s bulk: %d rcpts, share %.2f, dnsbl %d, failures "
                      "before %d from %d ips" % (n, tot, share, a.dnsbl,
                                                 len(before),
                                                 len({f[1] for f in before})))
        elif lab == "stealth":
            cl = [q for q in out if q[2] == "cloud"]
            days = day_groups(cl)
            msgs = sum(v[0] for v in days.values())
            span = (max(days) - min(days)) if days else 0
            if len(days) < 5 or span < 14 or not 40 <= msgs <= 300 or \
                    max(v[0] for v in days.values()) > 15:
                fail(n, "batches: %d days over %d days, %d messages" % (
                    len(days), span, msgs))
                continue
            ips = {q[1] for q in cl}
            link = set()
            for ip in ips:
                for s in spam_ips:
                    if ip == s:
                        link.add("same")
                    elif ip.rsplit(".", 1)[0] == s.rsplit(".", 1)[0]:
                        link.add("/24")
            names = set()
            if not link:
                # the provider only: same reverse-name scheme
                link.add("provider")
            if "crack=unseen" not in det:
                first = min(q[0] for q in cl)
                fips = {f[1] for f in fails_ext if f[0] < first}
                if len(fips) < 2 or not any(
                        s[1] in fips and s[0] < first for s in a.succ):
                    fail(n, "no crack seen before the batches")
            elif "same" not in link:
                fail(n, "crack unseen and no address shared with bulk")
            others = set()
            for ip in ips:
                others |= ipusers[ip] - {n}
            if verbose:
                print("%s stealth: %d batches over %d days, %d messages, "
                      "link %s, address also used by %s" % (
                          n, len(days), span, msgs, "/".join(sorted(link)),
                          ",".join(sorted(others)) or "-"))
        elif lab == "at-risk":
            fips = {f[1] for f in fails_ext}
            cr = [s for s in a.succ if s[1] in fips and
                  any(f[1] == s[1] and f[0] < s[0] for f in fails_ext)]
            if len(fips) < 2 or not cr:
                fail(n, "no success from a failing foreign address")
                continue
            after = [q for q in out if q[0] >= cr[0][0] - 60]
            if len(after) > 1 or any(q[3] > 1 for q in after):
                fail(n, "sends after the crack: %r" % after)
            if verbose:
                print("%s at-risk: failures from %d ips, crack %s via %s" % (
                    n, len(fips), cr[0][1], cr[0][3]))
        else:
            fips = {f[1] for f in fails_ext}
            cr = [s for s in a.succ if s[1] in fips and foreignish(s[2])]
            # a traveller may mistype once at the hotel
            if cr and not det.startswith("trap:traveller"):
                fail(n, "success from a failing foreign address %s" %
                     cr[0][1])
            if lab == "attacked" and not a.fails:
                fail(n, "attacked but no failures")
            bigday = [v for v in day_groups(out).values() if v[1] > 50]
            if bigday and not det.startswith("trap:newsletter"):
                fail(n, "sends %d recipients a day from abroad" %
                     max(v[1] for v in bigday))
            trap_checks(n, det, a, ipusers, fail, verbose)
    return bad


def trap_checks(n, det, a, ipusers, fail, verbose):
    if det.startswith("trap:stale-phone"):
        home = [f for f in a.fails if f[2] == "home"]
        if len(home) < 100:
            fail(n, "only %d failures from home lines" % len(home))
            return
        span = home[-1][0] - home[0][0]
        ok = [s for s in a.succ if s[0] > home[-1][0]]
        if span < 2 * 86400 or not ok:
            fail(n, "failures span %ds, success after: %d" % (span, len(ok)))
        if verbose:
            print("%s stale phone: %d failures from %d home addresses over "
                  "%.1f days" % (n, len(home), len({f[1] for f in home}),
                                 span / 86400))
    elif det.startswith("trap:newsletter"):
        ips = {q[1] for q in a.qids if q[3] >= 20}
        big = [q for q in a.qids if q[3] >= 20]
        issues = len({q[0] // 86400 for q in big})
        if len(ips) != 1 or issues < 12:
            fail(n, "%d issues from %d addresses" % (issues, len(ips)))
        if verbose:
            print("%s newsletter: %d issues, %d recipients, from %s" % (
                n, issues, sum(q[3] for q in big), ",".join(ips)))
    elif det.startswith("trap:cloud-app"):
        ips = {q[1] for q in a.qids}
        kinds = {q[2] for q in a.qids}
        if len(ips) != 1 or kinds != {"cloud"} or a.fails:
            fail(n, "app: ips %r kinds %r failures %d" % (ips, kinds,
                                                          len(a.fails)))
    elif det.startswith("trap:traveller"):
        ab = [s for s in a.succ if s[2] == "foreign"]
        days = {s[0] // 86400 for s in ab}
        if len(days) < 5:
            fail(n, "abroad on %d days only" % len(days))
    elif det.startswith("trap:office-nat"):
        ip = det.split()[-1]
        if len(ipusers[ip]) < 5:
            fail(n, "office address used by %d accounts" % len(ipusers[ip]))
    elif det.startswith("trap:typo"):
        ok = any(s[1] == f[1] and 0 <= s[0] - f[0] < 600
                 for f in a.fails for s in a.succ)
        if not ok:
            fail(n, "no typo followed by a success")
    elif det.startswith("trap:webmail"):
        if not any(s[2] == "local" for s in a.succ) and a.succ:
            fail(n, "webmail user never logs in through the relay")


def main():
    args = [x for x in sys.argv[1:] if x != "-v"]
    verbose = "-v" in sys.argv[1:]
    if len(args) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    labels = {}
    with open(args[1], newline="") as f:
        for row in csv.DictReader(f):
            labels[row["account"]] = (row["label"], row["detail"])
    acc, seen, ipusers = parse(args[0])
    bad = check(acc, seen, ipusers, labels, verbose)
    cnt = collections.Counter(v[0] for v in labels.values())
    for b in bad:
        print("FAIL " + b)
    print("%s: %d accounts (%s): %s" % (
        args[0], len(labels), ", ".join("%s %d" % kv for kv in
                                        sorted(cnt.items())),
        "%d problems" % len(bad) if bad else "all patterns present"))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
