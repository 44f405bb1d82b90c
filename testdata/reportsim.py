"""Line builders and address plans for gen_report.py (the `report` scenario).

The host "mail" of a small German ISP (domain example.org, address
192.0.2.10) over many years.  Sim extends mailsim.Week with what this
scenario needs and mailsim does not do: the software versions in force at
each moment (Postfix 2.11 without disconnect counters, 3.1/3.4 with them,
3.9 with ", sasl_username=" in SASL failures; Dovecot's passdb passwd-file,
later sql; auth_verbose switched off with the Postfix 3.9 upgrade), remote
servers keyed by domain with era-correct replies, block-list rejections of
our address while it is listed, retries, expiry and postsuper purges.

Client addresses: German residential providers with their real reverse-name
schemes (the users), foreign dynamic ranges (the password guessers), cloud
providers (the spam senders, and one legitimate application).  All numbers
are drawn deterministically from the seed; nothing reads the clock.
"""

import heapq
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mailsim  # noqa: E402
from mailsim import epoch  # noqa: E402

HOST = "mail"
MYHOST = "mail.example.org"
mailsim.HOST = HOST          # the Week line builders read these at call time
mailsim.MYHOST = MYHOST
DOMAIN = mailsim.DOMAIN
LIP = mailsim.LIP
# Postfix's syslog names and the services of their listeners
SVC_OF = {"postfix/submission/smtpd": "submission",
          "postfix/smtps/smtpd": "smtps", "postfix/smtpd": "smtp"}

# Software history of the host (see gen_report.py's docstring).
COUNTERS_FROM = epoch(2017, 7, 18, 9, 41, 12)   # Postfix 2.11.3 -> 3.1.8
SQL_FROM = epoch(2018, 3, 11, 2, 14, 50)        # passdb passwd-file -> sql
TLS13_FROM = epoch(2019, 8, 3, 6, 2, 31)        # Postfix 3.4 / OpenSSL 1.1.1
UPGRADE = epoch(2024, 6, 18, 10, 12, 40)        # Postfix 3.9.0, auth_verbose=no
NEW_REPLIES = epoch(2016, 6, 1)                 # remote reply texts change

TLS_OLD = ("TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)",
           "TLSv1.2 with cipher ECDHE-RSA-AES128-GCM-SHA256 (128/128 bits)",
           "TLSv1 with cipher DHE-RSA-AES256-SHA (256/256 bits)")


def R(*key):
    """A generator seeded from a key (never Python's salted hash())."""
    return mailsim.Random(":".join(str(k) for k in key))


# ---------------------------------------------------------------------------
# Client addresses and their reverse names, as Postfix prints them.

def _ptr_telekom(o):
    return "p%02X%02X%02X%02X.dip0.t-ipconnect.de" % tuple(o)


def _ptr_vodafone(o, t):
    dom = "pools.vodafone-ip.de" if t >= epoch(2015, 3, 1) else \
        "pools.arcor-ip.net"
    return "dslb-%03d-%03d-%03d-%03d.%03d.%03d.%s" % (o[0], o[1], o[2], o[3],
                                                     o[0], o[1], dom)


def _ptr_o2(o):
    return "x%02x%02x%02x%02x.dyn.telefonica.de" % tuple(o)


def _ptr_versatel(o):
    return "i%02X%02X%02X%02X.versanet.de" % tuple(o)


def _ptr_unitymedia(o, r):
    return "ip-%d-%d-%d-%d.hsi%02d.unitymediagroup.de" % (
        o[0], o[1], o[2], o[3], r.randint(2, 16))


def _ptr_netcologne(o):
    return "xdsl-%d-%d-%d-%d.nc.de" % tuple(o)


# provider: (first two octets to draw from, reverse-name builder, days an
# address is kept: DSL lines reconnect daily, cable keeps it for months)
HOME_ISPS = {
    "telekom": ([(79, b) for b in range(192, 256)] +
                [(91, b) for b in range(0, 64)] +
                [(93, b) for b in range(192, 256)] +
                [(87, b) for b in range(128, 192)] +
                [(217, b) for b in range(224, 256)], 1),
    "vodafone": ([(88, b) for b in range(64, 80)] +
                 [(92, b) for b in range(72, 80)] +
                 [(178, b) for b in range(0, 16)], 1),
    "o2": ([(77, b) for b in range(176, 192)], 1),
    "versatel": ([(89, b) for b in range(244, 248)], 1),
    "unitymedia": ([(95, 222), (95, 223), (109, 192), (109, 193)], 120),
    "netcologne": ([(87, 78), (87, 79), (89, 0), (89, 1)], 1),
}
HOME_WEIGHTS = (("telekom", 45), ("vodafone", 20), ("o2", 10),
                ("versatel", 8), ("unitymedia", 12), ("netcologne", 5))
# German mobile networks: carrier-grade NAT, no reverse name.
MOBILE = {"telekom": (80, 187), "vodafone": (109, 40), "o2": (82, 113)}


def home_client(isp, r, t):
    """(name, ip) of a German residential line of provider isp."""
    nets, _ = HOME_ISPS[isp]
    a, b = r.choice(nets)
    o = (a, b, r.randint(0, 255), r.randint(1, 254))
    ip = "%d.%d.%d.%d" % o
    if isp == "telekom":
        return _ptr_telekom(o), ip
    if isp == "vodafone":
        return _ptr_vodafone(o, t), ip
    if isp == "o2":
        return _ptr_o2(o), ip
    if isp == "versatel":
        return _ptr_versatel(o), ip
    if isp == "unitymedia":
        return _ptr_unitymedia(o, r), ip
    return _ptr_netcologne(o), ip


def telekom_v6(r):
    g = [0x2003, r.choice((0xc8, 0xd4, 0xe1, 0xe7, 0xf3))] + \
        [r.randint(0x1000, 0xffff) for _ in range(6)]
    ip = ":".join("%x" % x for x in g)
    return "p" + "".join("%04x" % x for x in g) + ".dip0.t-ipconnect.de", ip


def mobile_client(carrier, r):
    a, b = MOBILE[carrier]
    return "unknown", "%d.%d.%d.%d" % (a, b, r.randint(0, 255),
                                       r.randint(1, 254))


# Foreign dynamic ranges the password guessers use (and hotels).
def foreign_client(r, kind=None):
    kinds = ("telesp", "vnpt", "viettel", "chinanet", "chinanet", "airtel",
             "rostelecom", "ttnet", "telmex", "telkom", "comcast", "iran",
             "egypt", "ukraine", "fibertel", "bsnl")
    k = kind or r.choice(kinds)
    x, y = r.randint(0, 255), r.randint(1, 254)
    if k == "telesp":
        a, b = r.choice(((187, r.randint(10, 120)), (189, r.randint(0, 120)),
                         (201, r.randint(0, 95))))
        return "%d-%d-%d-%d.dsl.telesp.net.br" % (a, b, x, y), \
            "%d.%d.%d.%d" % (a, b, x, y)
    if k == "vnpt":
        ip = "14.%d.%d.%d" % (r.randint(160, 191), x, y)
        return "unknown", ip
    if k == "viettel":
        return "unknown", "27.%d.%d.%d" % (r.randint(64, 79), x, y)
    if k == "chinanet":
        a, b = r.choice(((222, 186), (218, 92), (61, 177), (112, 85),
                         (49, 88), (117, 80), (183, 136)))
        return "unknown", "%d.%d.%d.%d" % (a, b, x, y)
    if k == "airtel":
        b = r.randint(160, 191)
        return "abts-north-dynamic-%03d.%d.%d.122.airtelbroadband.in" % (
            y, x, b), "122.%d.%d.%d" % (b, x, y)
    if k == "rostelecom":
        b = r.randint(26, 29)
        return "broadband-95-%d-%d-%d.ip.moscow.rt.ru" % (b, x, y), \
            "95.%d.%d.%d" % (b, x, y)
    if k == "ttnet":
        b = r.randint(160, 191)
        return "78.%d.%d.%d.dynamic.ttnet.com.tr" % (b, x, y), \
            "78.%d.%d.%d" % (b, x, y)
    if k == "telmex":
        b = r.randint(128, 255)
        return "dsl-189-%d-%d-%d-dyn.prod-infinitum.com.mx" % (b, x, y), \
            "189.%d.%d.%d" % (b, x, y)
    if k == "telkom":
        return "unknown", "36.%d.%d.%d" % (r.randint(72, 95), x, y)
    if k == "comcast":
        st = r.choice(("ma", "ca", "fl", "il", "ga", "pa", "tx"))
        a, b = r.choice(((73, r.randint(0, 255)), (24, r.randint(0, 63)),
                         (98, r.randint(192, 255))))
        return "c-%d-%d-%d-%d.hsd1.%s.comcast.net" % (a, b, x, y, st), \
            "%d.%d.%d.%d" % (a, b, x, y)
    if k == "iran":
        return "unknown", "5.%d.%d.%d" % (r.randint(112, 127), x, y)
    if k == "egypt":
        return "unknown", "41.%d.%d.%d" % (r.randint(32, 47), x, y)
    if k == "ukraine":
        return "unknown", "46.%d.%d.%d" % (r.randint(200, 203), x, y)
    if k == "fibertel":
        b = r.choice((46, 47))
        return "%d-%d-%d-%d.fibertel.com.ar" % (181, b, x, y), \
            "181.%d.%d.%d" % (b, x, y)
    return "unknown", "117.%d.%d.%d" % (r.randint(192, 223), x, y)


def hotel_client(r, kind):
    """A guest network abroad: Spain, Italy, the US, Thailand."""
    x, y = r.randint(0, 255), r.randint(1, 254)
    if kind == "spain":
        return "%d.red-88-26-%d.dynamicip.rima-tde.net" % (y, x), \
            "88.26.%d.%d" % (x, y)
    if kind == "italy":
        b = r.choice((20, 21, 22, 23))
        return "host%d-%d-dynamic.%d-87-r.retail.telecomitalia.it" % (
            y, x, b), "87.%d.%d.%d" % (b, x, y)
    if kind == "us":
        return "c-73-%d-%d-%d.hsd1.fl.comcast.net" % (x % 64 + 100, x, y), \
            "73.%d.%d.%d" % (x % 64 + 100, x, y)
    return "ppp-171-%d-%d-%d.revip8.asianet.co.th" % (96 + x % 8, x, y), \
        "171.%d.%d.%d" % (96 + x % 8, x, y)


# Cloud providers: address blocks and their reverse names.
def cloud_client(r, prov, t, net=None):
    """(name, ip) of a server at a hosting provider; net fixes the /24
    (a.b.c) or the /16 (a.b) to draw from."""
    if net is not None and net.count(".") == 2:
        a, b, c = (int(x) for x in net.split("."))
    else:
        if net is not None:
            a, b = (int(x) for x in net.split("."))
        elif prov == "aws":
            a, b = r.choice(((3, 120), (3, 121), (3, 122), (3, 124),
                             (18, 184), (18, 192), (35, 156), (52, 28)))
        elif prov == "vultr":
            a, b = r.choice(((45, 32), (45, 63), (45, 76), (45, 77),
                             (108, 61), (149, 28), (207, 148)))
        elif prov == "ovh" and t < epoch(2017, 1, 1):
            a, b = r.choice(((5, 135), (37, 59), (37, 187), (46, 105),
                             (94, 23), (176, 31), (178, 32), (188, 165)))
        elif prov == "ovh":
            a, b = r.choice(((51, 89), (51, 75), (54, 38), (137, 74),
                             (5, 135), (37, 187), (146, 59)))
        elif prov == "digitalocean":
            a, b = r.choice(((159, 89), (167, 71), (164, 90), (138, 68),
                             (46, 101), (188, 166)))
        elif prov == "linode":
            a, b = r.choice(((172, 104), (172, 105), (45, 79), (139, 162)))
        elif prov == "contabo":
            a, b = r.choice(((173, 212), (207, 180), (62, 171)))
        else:                                   # hetzner
            a, b = r.choice(((88, 198), (78, 46), (144, 76), (5, 9)))
        c = r.randint(0, 255)
    d = r.randint(2, 254)
    ip = "%d.%d.%d.%d" % (a, b, c, d)
    if prov == "aws":
        return "ec2-%d-%d-%d-%d.eu-central-1.compute.amazonaws.com" % (
            a, b, c, d), ip
    if prov == "vultr":
        dom = "vultrusercontent.com" if t >= epoch(2021, 3, 1) else \
            "vultr.com"
        return "%s.%s" % (ip, dom), ip
    if prov == "ovh":
        if r.random() < 0.5:
            return "ns%d.ip-%d-%d-%d.eu" % (r.randint(3000000, 3999999), a,
                                            b, c), ip
        return "ip%d.ip-%d-%d-%d.eu" % (d, a, b, c), ip
    if prov == "digitalocean":
        return "unknown", ip
    if prov == "linode":
        if t >= epoch(2020, 6, 1):
            return "%d-%d-%d-%d.ip.linodeusercontent.com" % (a, b, c, d), ip
        return "li%d-%d.members.linode.com" % (r.randint(100, 2000), d), ip
    if prov == "contabo":
        return "vmi%d.contaboserver.net" % r.randint(100000, 999999), ip
    return "static.%d-%d-%d-%d.clients.your-server.de" % (a, b, c, d), ip


# ---------------------------------------------------------------------------
# Remote domains.

# domain: (mx name, mx address, reply family, block list the MX uses)
FREEMAIL = {
    "gmail.com": ("gmail-smtp-in.l.google.com", "142.250.27.26", "google",
                  None),
    "googlemail.com": ("gmail-smtp-in.l.google.com", "142.250.27.27",
                       "google", None),
    "yahoo.com": ("mta7.am0.yahoodns.net", "67.195.204.72", "yahoo", None),
    "yahoo.de": ("mx-eu.mail.am0.yahoodns.net", "188.125.72.74", "yahoo",
                 None),
    "aol.com": ("mx-aol.mail.gm0.yahoodns.net", "67.195.204.79", "yahoo",
                None),
    "hotmail.com": ("hotmail-com.olc.protection.outlook.com",
                    "104.47.58.33", "outlook", None),
    "outlook.com": ("outlook-com.olc.protection.outlook.com",
                    "104.47.56.161", "outlook", None),
    "live.com": ("live-com.olc.protection.outlook.com", "104.47.55.33",
                 "outlook", None),
    "hotmail.de": ("hotmail-de.olc.protection.outlook.com", "104.47.7.33",
                   "outlook", None),
    "gmx.de": ("mx00.emig.gmx.net", "212.227.15.9", "gmx", None),
    "gmx.net": ("mx01.emig.gmx.net", "212.227.17.5", "gmx", None),
    "web.de": ("mx-ha03.web.de", "212.227.17.8", "gmx", None),
    "t-online.de": ("mx00.t-online.de", "194.25.134.8", "tonline", None),
    "freenet.de": ("mx.freenet.de", "195.4.92.217", "exim", "spamhaus"),
    "arcor.de": ("mx.arcor.de", "151.189.21.116", "postfix", "spamhaus"),
    "mail.ru": ("mxs.mail.ru", "94.100.180.104", "mailru", None),
    "yandex.ru": ("mx.yandex.ru", "77.88.21.249", "yandex", None),
    "qq.com": ("mx3.qq.com", "203.205.219.57", "postfix", None),
    "163.com": ("163mx01.mxmail.netease.com", "220.181.14.141", "postfix",
                None),
    "libero.it": ("smtp-in.libero.it", "213.209.1.129", "postfix",
                  "spamhaus"),
    "orange.fr": ("smtp-in.orange.fr", "80.12.242.33", "orange", None),
    "free.fr": ("mx1.free.fr", "212.27.48.6", "postfix", "spamhaus"),
    "uol.com.br": ("mx.uol.com.br", "200.147.36.15", "postfix", "spamcop"),
    "naver.com": ("mx1.naver.com", "125.209.238.100", "postfix", None),
    "rediffmail.com": ("mx.rediffmail.com", "202.137.235.12", "postfix",
                       "barracuda"),
    "comcast.net": ("mx1.comcast.net", "96.114.157.80", "postfix",
                    "spamhaus"),
}
SPAM_FREEMAIL = ("gmail.com", "gmail.com", "gmail.com", "yahoo.com",
                 "yahoo.com", "hotmail.com", "hotmail.com", "outlook.com",
                 "live.com", "aol.com", "mail.ru", "yandex.ru", "qq.com",
                 "163.com", "libero.it", "orange.fr", "free.fr", "uol.com.br",
                 "naver.com", "rediffmail.com", "comcast.net", "gmx.de",
                 "web.de", "t-online.de")
HOME_FREEMAIL = ("gmx.de", "gmx.de", "web.de", "web.de", "t-online.de",
                 "t-online.de", "gmail.com", "gmail.com", "googlemail.com",
                 "freenet.de", "yahoo.de", "arcor.de", "hotmail.de",
                 "outlook.com")
SYL = ("ab", "al", "an", "ar", "be", "bra", "ca", "co", "da", "de", "el",
       "fa", "fer", "ga", "in", "ka", "ke", "la", "lo", "ma", "mi", "na",
       "no", "or", "pa", "pe", "ra", "ri", "sa", "se", "ta", "te", "to",
       "ul", "va", "ve", "vi", "za")
WORDS_DE = ("bau", "holz", "dach", "elektro", "auto", "haus", "technik",
            "garten", "reisen", "immobilien", "praxis", "kanzlei", "metall",
            "service", "druck", "moebel", "optik", "bad", "heizung", "logistik",
            "werbung", "handel", "medien", "system", "energie", "planung")
WORDS_X = ("grupo", "nova", "tec", "agro", "servi", "inter", "global", "prime",
           "trade", "soft", "net", "logis", "metal", "plast", "alfa", "delta",
           "sigma", "vision", "oriente", "sol", "norte", "sul", "max", "home")
TLDS_X = ("com.br", "com.br", "it", "co.jp", "cn", "ru", "com", "com",
          "com.mx", "co.uk", "fr", "es", "in", "vn", "pl", "com.tr", "co.id",
          "com.ar", "ro", "co.za")


def de_domain(r):
    return "%s-%s.de" % (r.choice(WORDS_DE), r.choice(WORDS_DE)) \
        if r.random() < 0.5 else "%s%s.de" % (r.choice(WORDS_DE),
                                              r.choice(WORDS_DE))


def foreign_domain(r):
    return "%s%s.%s" % (r.choice(WORDS_X), r.choice(WORDS_X + SYL),
                        r.choice(TLDS_X))


def remote_of(dom):
    """(mx, ip, family, dnsbl) of a domain; fixed per domain name."""
    v = FREEMAIL.get(dom)
    if v is not None:
        return v
    r = R("dom", dom)
    k = r.random()
    ip = "%d.%d.%d.%d" % (r.choice((62, 80, 81, 85, 91, 109, 145, 185, 193,
                                    194, 195, 200, 201, 202, 210, 212, 213)),
                          r.randint(0, 255), r.randint(0, 255),
                          r.randint(2, 254))
    bl = r.choice(("spamhaus", "spamhaus", "spamhaus", "spamcop",
                   "barracuda", "uceprotect", None, None))
    if k < 0.03:
        return (None, None, "nxdomain", None)
    if k < 0.05:
        return ("mx.%s" % dom, ip, "timeout", None)
    if k < 0.30:
        tenant = dom.replace(".", "-")
        return ("%s.mail.protection.outlook.com" % tenant,
                "104.47.%d.%d" % (r.randint(0, 127), r.randint(2, 254)),
                "outlook", None)
    if k < 0.42:
        return ("aspmx.l.google.com", "142.250.%d.%d" % (
            r.randint(0, 200), r.randint(2, 254)), "google", None)
    if k < 0.55:
        return ("mail.%s" % dom, ip, "exim", bl)
    return ("mx%s.%s" % (r.choice(("", "1", "01", "00")), dom), ip,
            "postfix", bl)


class Sim(mailsim.Week):
    """The whole period as one generation run; lines are cut into rotated
    files by the caller."""

    def __init__(self, plan, rng, t0, t1):
        self.now = t0
        super().__init__(plan, 0, rng, t0, t1, "")
        self._pid = rng.randint(2000, 9000)
        self.pq = []
        self.pq_n = 0
        self.stuck = {}
        self.at(t0)

    # -- versions ----------------------------------------------------------
    def at(self, t):
        self.now = t
        self.mode = "new" if t >= UPGRADE else "old"
        self.verbose = t < UPGRADE
        self.counters_on = t >= COUNTERS_FROM
        self.passdb = "sql" if t >= SQL_FROM else "passwd-file"

    def pid(self):
        self._pid += self.rng.randint(1, 9)
        lim = 32768 if self.now < epoch(2021, 8, 14) else 4194304
        if self._pid >= lim:
            self._pid = 300 + self.rng.randint(0, 500)
        return self._pid

    def new_master(self):
        """Postfix restarted: new qmgr, fresh delivery agents."""
        self.qmgr = self.pid()
        self.refresh_agents()

    def refresh_agents(self):
        self.cleanups = [self.pid() for _ in range(3)]
        self.smtps = [self.pid() for _ in range(5)]
        self.lmtps = [self.pid() for _ in range(2)]
        self.bounce = self.pid()

    def tls_text(self):
        r = self.rng
        if self.now >= TLS13_FROM and r.random() < 0.85:
            return mailsim.TLS_TAIL
        return TLS_OLD[0] if r.random() < 0.8 else r.choice(TLS_OLD)

    # -- Dovecot -----------------------------------------------------------
    def dovecot_auth(self, t, user, ip, known, session=None):
        if not self.verbose:
            return
        msg = "Password mismatch" if known else "unknown user"
        if session:
            body = "%s dovecot: auth: %s(%s,%s,<%s>): %s" % (
                HOST, self.passdb, user, ip, session, msg)
        else:
            body = "%s dovecot: auth: %s(%s,%s): %s" % (
                HOST, self.passdb, user, ip, msg)
        self.emit(t, body)

    def mb_login(self, t, user, ip, proto, lip=LIP, sec="TLS", short=False):
        r = self.rng
        self.at(t)
        sid = self.sid()
        mpid = self.pid()
        self.emit(t, "%s dovecot: %s-login: Login: user=<%s>, method=PLAIN, "
                  "rip=%s, lip=%s, mpid=%d, %s, session=<%s>" % (
                      HOST, proto, user, ip, lip, mpid, sec, sid))
        if proto == "imap":
            t += r.uniform(1, 6) if short else r.uniform(5, 1800)
            self.emit(t, "%s dovecot: imap(%s)<%d><%s>: Logged out in=%d "
                      "out=%d deleted=0 expunged=0 trashed=0 hdr_count=0 "
                      "hdr_bytes=0 body_count=0 body_bytes=0" % (
                          HOST, user, mpid, sid, r.randint(40, 2400),
                          r.randint(300, 90000) if not short else
                          r.randint(300, 1500)))
        else:
            t += r.uniform(1, 20)
            n = 0 if short else r.randint(0, 3)
            sz = sum(r.randint(2000, 60000) for _ in range(n))
            self.emit(t, "%s dovecot: pop3(%s)<%d><%s>: Disconnected: "
                      "Logged out top=0/0, retr=%d/%d, del=%d/%d, size=%d" % (
                          HOST, user, mpid, sid, n, sz, n,
                          r.randint(n, n + 4), sz + r.randint(0, 90000)))
        return t

    def mb_fail(self, t, proto, ip, attempts, lip=LIP, sec="TLS"):
        r = self.rng
        self.at(t)
        known = self.plan.known.__contains__
        sid = self.sid()
        start = t
        t += r.uniform(0.2, 2)
        for u in attempts:
            self.dovecot_auth(t, u, ip, known(u), sid)
            t += 2 + r.uniform(0.2, 4)
        reason = r.choice(("Disconnected", "Disconnected", "Aborted login"))
        self.emit(t, "%s dovecot: %s-login: %s (auth failed, %d attempts in "
                  "%d secs): user=<%s>, method=PLAIN, rip=%s, lip=%s, %s, "
                  "session=<%s>" % (HOST, proto, reason, len(attempts),
                                    int(t - start), attempts[-1], ip, lip,
                                    sec, sid))
        return t

    # -- Postfix smtpd -----------------------------------------------------
    def s_open(self, t, port, name, ip, tls=True):
        self.at(t)
        tag = {587: "postfix/submission/smtpd", 465: "postfix/smtps/smtpd",
               25: "postfix/smtpd"}[port]
        pid = self.pid()
        if not self.exim:
            self.emit(t, "%s %s[%d]: connect from %s[%s]" % (HOST, tag, pid,
                                                            name, ip))
        if tls or port == 465:
            t += self.rng.uniform(0.05, 0.6)
            text = self.tls_text()
            self.tls12 = text is not mailsim.TLS_TAIL
            if not self.exim:
                self.emit(t, "%s %s[%d]: Anonymous TLS connection "
                          "established from %s[%s]: %s" % (
                              HOST, tag, pid, name, ip, text))
        return t, tag, pid

    def s_close(self, t, tag, pid, name, ip, port, auth_ok, auth_n, mails,
                rcpts, quit=True, tls=True, end=None):
        if self.exim:
            return t    # Exim logs no end of a session by default
        if end == "lost":
            self.emit(t, "%s %s[%d]: lost connection after AUTH from %s[%s]" %
                      (HOST, tag, pid, name, ip))
        elif end == "errors":
            self.emit(t, "%s %s[%d]: too many errors after AUTH from %s[%s]" %
                      (HOST, tag, pid, name, ip))
        stats = ""
        if self.counters_on:
            stats = " " + self.counters(port, auth_ok, auth_n, mails, rcpts,
                                        quit, tls)
        self.emit(t, "%s %s[%d]: disconnect from %s[%s]%s" % (
            HOST, tag, pid, name, ip, stats))
        return t

    def s_fails(self, t, tag, pid, name, ip, tries):
        """Failed AUTHs on one connection, spaced so that each back-end
        line joins its warning unambiguously (formats.md section 10)."""
        r = self.rng
        known = self.plan.known
        prev = None
        for user, method in tries:
            if prev is None:
                t += r.uniform(0.4, 2.5)
            elif user == prev:
                t += r.uniform(2.0, 3.5)
            else:
                t += r.uniform(4.5, 9)
            prev = user
            self.dovecot_auth(t, user, ip, user in known)
            t += 2 + r.uniform(0, 0.9)
            if self.exim:
                self.exim_fail(t, SVC_OF[tag], pid, name, ip, user, method)
                continue
            self.emit(t, "%s %s[%d]: warning: %s[%s]: SASL %s authentication "
                      "failed: %s" % (HOST, tag, pid, name, ip, method,
                                      self.fail_text(method, user)))
        return t

    def attack(self, t, port, name, ip, tries, end="quit"):
        tls = port == 465 or self.rng.random() < 0.4
        t, tag, pid = self.s_open(t, port, name, ip, tls)
        t = self.s_fails(t, tag, pid, name, ip, tries)
        t += self.rng.uniform(0.1, 2)
        return self.s_close(t, tag, pid, name, ip, port, 0, len(tries), 0, 0,
                            end == "quit", tls, end)

    def submit(self, t, port, name, ip, user, method, msgs, fails=(),
               tls=True, sender=None, spam=False, size=None):
        """One session: failed tries, a good AUTH, then msgs (lists of
        recipients; none = log in and quit, which leaves no user name)."""
        r = self.rng
        sender = sender or "%s@%s" % (user, DOMAIN)
        t, tag, pid = self.s_open(t, port, name, ip, tls)
        t = self.s_fails(t, tag, pid, name, ip, fails)
        t += r.uniform(0.3, 2.5)
        nr = 0
        t0s = t
        for rcpts in msgs:
            qid = self.qid()
            if self.exim:
                self.recv = (name, ip, port, pid, user, method, tls)
            else:
                self.emit(t, "%s %s[%d]: %s: client=%s[%s], sasl_method=%s, "
                          "sasl_username=%s" % (HOST, tag, pid, qid, name,
                                                ip, method, user))
            t += r.uniform(0.05, 0.3) + 0.005 * len(rcpts)
            if size:
                sz = r.randint(*size)
            elif spam:
                sz = r.randint(3000, 9000)
            else:
                sz = r.randint(1800, 40000)
                if r.random() < 0.1:
                    sz = r.randint(100000, 9000000)
            self.cleanup_queue(t, qid, sender, sz, rcpts, spam)
            nr += len(rcpts)
            t += r.uniform(0.2, 1.5) if not spam else r.uniform(0.4, 3)
        self.recv = None
        t += r.uniform(0.1, 1)
        if self.exim and not msgs:
            self.xemit(t, "no MAIL in SMTP connection from %s I=[%s]:%d "
                       "D=%ds A=%s:%s C=EHLO,AUTH,QUIT" % (
                           mailsim.exim_host(name, ip, pid), LIP, port,
                           int(t - t0s), mailsim.AUTHN[method], user))
        return self.s_close(t, tag, pid, name, ip, port, 1, len(fails) + 1,
                            len(msgs), nr, True, tls)

    def inbound(self, t, name, ip, sender, rcpts):
        r = self.rng
        tls = r.random() < 0.85
        t, tag, pid = self.s_open(t, 25, name, ip, tls)
        t += r.uniform(0.2, 1.5)
        qid = self.qid()
        if self.exim:
            self.recv = (name, ip, 25, pid, None, None, tls)
        else:
            self.emit(t, "%s %s[%d]: %s: client=%s[%s]" % (HOST, tag, pid,
                                                           qid, name, ip))
        t += r.uniform(0.1, 0.6)
        self.cleanup_queue(t, qid, sender, r.randint(2500, 120000), rcpts,
                           msgid=self.msgid(t, sender.split("@")[1]))
        self.recv = None
        t += r.uniform(0.1, 0.5)
        return self.s_close(t, tag, pid, name, ip, 25, 0, 0, 1, len(rcpts),
                            True, tls)

    def scan25(self, t, ip, kind):
        r = self.rng
        t, tag, pid = self.s_open(t, 25, "unknown", ip, False)
        t += r.uniform(0.3, 6)
        xh = mailsim.exim_host("unknown", ip, pid)
        if kind == "ehlo":
            if self.exim:
                self.xemit(t, "SMTP connection from %s I=[%s]:25 lost" % (
                    xh, LIP))
                return
            self.emit(t, "%s %s[%d]: lost connection after EHLO from "
                      "unknown[%s]" % (HOST, tag, pid, ip))
            stats = "ehlo=1 commands=1"
        elif kind == "relay":
            rc = "%s%d@%s" % (r.choice(("info", "sales", "admin")),
                              r.randint(1, 99), r.choice(SPAM_FREEMAIL))
            helo = r.choice(("User", "ylmf-pc", "[%s]" % ip))
            if self.exim:
                self.xemit(t, "H=(%s) %s I=[%s]:25 F=<%s> rejected RCPT "
                           "<%s>: relay not permitted" % (helo, xh, LIP, rc,
                                                          rc))
                return
            self.emit(t, "%s %s[%d]: NOQUEUE: reject: RCPT from unknown[%s]: "
                      "454 4.7.1 <%s>: Relay access denied; from=<%s> to=<%s>"
                      " proto=ESMTP helo=<%s>" % (HOST, tag, pid, ip, rc, rc,
                                                  rc, helo))
            stats = "ehlo=1 mail=1 rcpt=0/1 rset=1 quit=1 commands=4/5"
        else:
            if self.exim:
                self.xemit(t, "SMTP connection from %s I=[%s]:25 lost" % (
                    xh, LIP))
                return
            self.emit(t, "%s %s[%d]: lost connection after CONNECT from "
                      "unknown[%s]" % (HOST, tag, pid, ip))
            stats = "commands=0/0"
        self.emit(t, "%s %s[%d]: disconnect from unknown[%s]%s" % (
            HOST, tag, pid, ip, " " + stats if self.counters_on else ""))

    # -- delivery ----------------------------------------------------------
    def deliver(self, t, qid, sender, size, rcpts, spam, retry=0,
                t_arr=None, mid=None):
        r = self.rng
        t_arr = t if t_arr is None else t_arr
        bydom = {}
        for a in rcpts:
            bydom.setdefault(a.split("@")[1], []).append(a)
        deferred, bounced = [], []
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
            if retry < (2 if spam else 5):
                wait = min(4000, 300 * 2 ** retry) * r.uniform(0.9, 1.3)
                self.pq_n += 1
                heapq.heappush(self.pq, (tend + wait, self.pq_n,
                                         (qid, sender, size, len(rcpts),
                                          deferred, spam, retry + 1, t_arr)))
            elif spam:
                self.stuck.setdefault(sender, []).append(qid)
            else:
                te = t_arr + 5 * 86400 + r.uniform(100, 3000)
                if self.exim:
                    # XXX Exim would log "** R: retry timeout exceeded" for
                    # each recipient; Postfix logs no recipient here, and
                    # the two variants are to count the same outcomes.
                    self.xemit(te + 0.3, "%s Completed" % self.xid(qid, te))
                else:
                    self.emit(te, "%s postfix/qmgr[%d]: %s: from=<%s>, "
                              "status=expired, returned to sender" % (
                                  HOST, self.qmgr, qid, sender))
                    self.emit(te + 0.3, "%s postfix/qmgr[%d]: %s: removed"
                              % (HOST, self.qmgr, qid))
        elif self.exim:
            self.xemit(tend + 0.01, "%s Completed" % self.xid(qid, tend))
        else:
            self.emit(tend + 0.01, "%s postfix/qmgr[%d]: %s: removed" % (
                HOST, self.qmgr, qid))
        return tend

    def run_pending(self, upto):
        while self.pq and self.pq[0][0] < upto:
            t, _, item = heapq.heappop(self.pq)
            self.at(t)
            self.queue_run(t, item)

    def purge(self, t, sender):
        """postsuper -d for every stuck message of one sender."""
        self.run_pending(t)
        keep = []
        gone = list(self.stuck.pop(sender, []))
        for p in self.pq:
            if p[2][1] == sender:
                gone.append(p[2][0])
            else:
                keep.append(p)
        heapq.heapify(keep)
        self.pq = keep
        if not gone:
            return
        pid = self.pid()
        for q in gone:
            t += 0.002
            if self.exim:
                self.xemit(t, "%s removed by root" % self.xid(q, t))
                self.xemit(t, "%s Completed" % self.xid(q, t))
                continue
            self.emit(t, "%s postfix/postsuper[%d]: %s: removed" % (HOST, pid,
                                                                   q))
        if self.exim:
            return
        self.emit(t, "%s postfix/postsuper[%d]: Deleted: %d message%s" % (
            HOST, pid, len(gone), "" if len(gone) == 1 else "s"))

    def ok_reply(self, kind, t):
        r = self.rng
        if kind == "tonline":
            return "250 2.0.0 Message accepted."
        if kind == "exim":
            return "250 OK id=1%s-000%s-%s" % (r.token(5), r.token(3),
                                              r.token(2))
        if kind in ("mailru", "yandex"):
            return "250 OK id=1%s-000%s-%s" % (r.token(5), r.token(3),
                                              r.token(2)) \
                if kind == "mailru" else \
                "250 2.0.0 Ok: queued on mail-nwsmtp-mxfront-production-" \
                "main-%d.%s.yp-c.yandex.net %d-%s" % (
                    r.randint(10, 99), r.choice(("sas", "vla", "iva")),
                    int(t), r.token(8))
        return super().ok_reply(kind, t)

    def unknown_user(self, kind, mx, mxip, a):
        r = self.rng
        pre = "host %s[%s] said: " % (mx, mxip)
        if kind == "google":
            return "5.1.1", pre + (
                "550-5.1.1 The email account that you tried to reach does "
                "not exist. Please try 550-5.1.1 double-checking the "
                "recipient's email address for typos or 550-5.1.1 "
                "unnecessary spaces. Learn more at 550 5.1.1  https://"
                "support.google.com/mail/?p=NoSuchUser %s.%d - gsmtp (in "
                "reply to RCPT TO command)" % (r.token(20, mailsim.ALNUM),
                                               r.randint(1, 499)))
        if kind == "outlook":
            return "5.5.0", pre + (
                "550 5.5.0 Requested action not taken: mailbox unavailable "
                "(%d:%d:-2147467259) (in reply to RCPT TO command)" % (
                    r.randint(10**9, 2 * 10**9), r.randint(1000, 9999)))
        if kind == "yahoo":
            return "5.0.0", pre + (
                "554 delivery error: dd This user doesn't have a %s account "
                "(%s) [0] - mta%d.mail.bf1.yahoo.com (in reply to end of "
                "DATA command)" % (a.split("@")[1], a, r.randint(1000, 9999)))
        if kind == "gmx":
            return "5.0.0", pre + ("550 Requested action not taken: mailbox "
                                   "unavailable (in reply to RCPT TO command)")
        if kind == "tonline":
            return "5.1.1", pre + ("550 5.1.1 <%s>: Recipient address "
                                   "rejected: User unknown (in reply to RCPT "
                                   "TO command)" % a)
        if kind == "mailru":
            return "5.0.0", pre + (
                "550 Message was not accepted -- invalid mailbox.  Local "
                "mailbox %s is unavailable: user not found (in reply to end "
                "of DATA command)" % a)
        if kind == "exim":
            return "5.0.0", pre + ("550 Unrouteable address (in reply to RCPT "
                                   "TO command)")
        return "5.1.1", pre + ("550 5.1.1 <%s>: Recipient address rejected: "
                               "User unknown in virtual mailbox table (in "
                               "reply to RCPT TO command)" % a)

    def block_reply(self, kind, bl, mx, mxip, t, spam):
        """The reply of a server that refuses our address while it is
        listed, or None.  (dsn, status, text)."""
        r = self.rng
        pre = "host %s[%s] said: " % (mx, mxip)
        new = t >= NEW_REPLIES
        if kind == "google":
            if r.random() > (0.7 if spam else 0.08):
                return None
            code = "4.7.28" if t >= epoch(2017, 9, 1) else "4.7.0"
            c = "421-" + code
            return (code, "deferred", pre + (
                "%s [%s      15] Our system has detected an unusual rate of "
                "%s unsolicited mail originating from your IP address. To "
                "protect our %s users from spam, mail sent from your IP "
                "address has been temporarily %s rate limited. Please visit "
                "%s  https://support.google.com/mail/?p=UnsolicitedIPError "
                "to %s review our Bulk Email Senders Guidelines. %s.%d - "
                "gsmtp (in reply to end of DATA command)" % (
                    c, LIP, c, c, c, c, "421 " + code,
                    r.token(20, mailsim.ALNUM), r.randint(1, 499))))
        if kind == "outlook":
            if r.random() > 0.92:
                return None
            if new:
                return ("5.7.1", "bounced", pre + (
                    "550 5.7.1 Unfortunately, messages from [%s] weren't "
                    "sent. Please contact your Internet service provider "
                    "since part of their network is on our block list "
                    "(S3150). You can also refer your provider to http://"
                    "mail.live.com/mail/troubleshooting.aspx#errors. "
                    "[%s.eurprd0%d.prod.outlook.com] (in reply to MAIL FROM "
                    "command)" % (LIP, "VE1EUR03FT0%02d" % r.randint(1, 60),
                                  r.randint(1, 8))))
            return ("5.0.0", "bounced", pre + (
                "550 SC-001 (BAY004-MC%dF%d) Unfortunately, messages from %s "
                "weren't sent. Please contact your Internet service provider "
                "since part of their network is on our block list. You can "
                "also refer your provider to http://mail.live.com/mail/"
                "troubleshooting.aspx#errors. (in reply to MAIL FROM command)"
                % (r.randint(1, 6), r.randint(1, 40), LIP)))
        if kind == "yahoo":
            if r.random() > (0.8 if spam else 0.15):
                return None
            url = "https://postmaster.yahooinc.com/error-codes" if \
                t >= epoch(2021, 9, 1) else \
                "https://help.yahoo.com/kb/postmaster/SLN3434.html"
            return ("4.7.0", "deferred", pre + (
                "421 4.7.0 [TSS04] Messages from %s temporarily deferred due "
                "to unexpected volume or user complaints - 4.16.55.1; see %s "
                "(in reply to MAIL FROM command)" % (LIP, url)))
        if kind == "gmx":
            if r.random() > 0.85:
                return None
            word = "block" if t >= epoch(2020, 7, 1) else "black"
            return ("5.0.0", "bounced", pre + (
                "554-%s (mxgmx%03d) Nemesis ESMTP Service not available "
                "554-No SMTP service 554-IP address is %s listed. 554 For "
                "explanation visit https://postmaster.gmx.net/en/error-"
                "messages?ip=%s&c=bl (in reply to MAIL FROM command)" % (
                    "web.de" if mx.endswith("web.de") else "gmx.net",
                    r.randint(1, 120), word, LIP)))
        if kind == "tonline":
            if r.random() > 0.85:
                return None
            return ("5.0.0", "bounced", pre + (
                "554 IP=%s - A problem occurred. (Ask your postmaster for "
                "help or to contact tosa@rx.t-online.de to clarify.) (BL) "
                "(in reply to MAIL FROM command)" % LIP))
        if kind in ("mailru", "yandex"):
            if not spam or r.random() > 0.6:
                return None
            if kind == "mailru":
                return ("5.0.0", "bounced", pre + (
                    "550 spam message rejected. Please visit http://help."
                    "mail.ru/notspam-support/id?c=%s or report details to "
                    "abuse@corp.mail.ru. Error code: %s. ID: %s. (in reply "
                    "to end of DATA command)" % (r.token(40), r.token(32),
                                                 r.token(24))))
            return ("5.7.1", "bounced", pre + (
                "554 5.7.1 [2] Message rejected under suspicion of SPAM; "
                "https://ya.cc/1IrBc %d-%s (in reply to end of DATA "
                "command)" % (int(t), r.token(8))))
        if bl is None or r.random() > 0.8:
            return None
        if bl == "spamhaus":
            url = "https://check.spamhaus.org/listed/?searchterm=%s" % LIP \
                if t >= epoch(2023, 3, 1) else \
                "https://www.spamhaus.org/query/ip/%s" % LIP
            return ("5.7.1", "bounced", pre + (
                "554 5.7.1 Service unavailable; Client host [%s] blocked "
                "using zen.spamhaus.org; %s (in reply to RCPT TO command)" %
                (LIP, url)))
        if bl == "spamcop":
            return ("5.7.1", "bounced", pre + (
                "550 5.7.1 Service unavailable; Client host [%s] blocked "
                "using bl.spamcop.net; Blocked - see https://www.spamcop.net/"
                "bl.shtml?%s (in reply to RCPT TO command)" % (LIP, LIP)))
        if bl == "barracuda":
            return ("5.7.1", "bounced", pre + (
                "554 5.7.1 Service unavailable; Client host [%s] blocked "
                "using b.barracudacentral.org; http://www.barracudanetworks."
                "com/reputation/?pr=1&ip=%s (in reply to RCPT TO command)" %
                (LIP, LIP)))
        return ("5.7.1", "bounced", pre + (
            "550 5.7.1 Service unavailable; Client host [%s] blocked using "
            "dnsbl-1.uceprotect.net; IP %s is UCEPROTECT-Level 1 listed. See "
            "http://www.uceprotect.net/rblcheck.php?ipr=%s (in reply to RCPT "
            "TO command)" % (LIP, LIP, LIP)))

    def smtp(self, tt, qid, dom, addrs, t_arr, spam, retry):
        r = self.rng
        spid = r.choice(self.smtps)
        mx, mxip, kind, bl = remote_of(dom)
        deferred, bounced = [], []
        if kind == "nxdomain":
            tt += r.uniform(0.01, 0.3)
            for a in addrs:
                delays = self.delays(t_arr, tt, 0)
                if self.exim:
                    self.xemit(tt, "%s ** %s: Unrouteable address" % (
                        self.xid(qid, tt), a))
                else:
                    self.emit(tt, "%s postfix/smtp[%d]: %s: to=<%s>, "
                              "relay=none, %s, dsn=5.4.4, status=bounced "
                              "(Host or domain name not found. Name service "
                              "error for name=%s type=A: Host not found)" % (
                                  HOST, spid, qid, a, delays, dom))
                bounced.append(a)
            return tt, deferred, bounced
        if kind == "timeout":
            tt += 30
            for a in addrs:
                delays = self.delays(t_arr, tt, 30)
                if self.exim:
                    self.xemit(tt, "%s == %s R=dnslookup T=remote_smtp "
                               "defer (110): Connection timed out" % (
                                   self.xid(qid, tt), a))
                else:
                    self.emit(tt, "%s postfix/smtp[%d]: %s: to=<%s>, "
                              "relay=none, %s, dsn=4.4.1, status=deferred "
                              "(connect to %s[%s]:25: Connection timed out)"
                              % (HOST, spid, qid, a, delays, mx, mxip))
                deferred.append(a)
            return tt, deferred, bounced
        conn = r.uniform(0.05, 0.9)
        tt += conn + r.uniform(0.1, 1.2)
        verdict = None
        if self.plan.listed(tt):
            verdict = self.block_reply(kind, bl, mx, mxip, tt, spam)
        dead = 0.12 if spam else 0.004
        for a in addrs:
            tt += r.uniform(0.001, 0.05)
            if verdict is not None:
                dsn, status, text = verdict
            elif r.random() < dead or a in self.plan.dead:
                dsn, text = self.unknown_user(kind, mx, mxip, a)
                status = "bounced"
            elif spam and r.random() < 0.03:
                dsn, status, text = ("4.4.2", "deferred", "lost connection "
                                     "with %s[%s] while sending RCPT TO" % (
                                         mx, mxip))
            else:
                dsn, status, text = "2.0.0", "sent", self.ok_reply(kind, tt)
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


def recipients_spam(r, k, doms):
    out = []
    for _ in range(k):
        dom = r.choice(SPAM_FREEMAIL) if r.random() < 0.62 else r.choice(doms)
        lp = r.random()
        if lp < 0.4:
            name = "%s%s%d" % (r.choice(mailsim.ALNUM[:26]),
                               r.token(r.randint(4, 9),
                                       mailsim.ALNUM[:26]),
                               r.randint(1, 999))
        elif lp < 0.7:
            name = "%s.%s" % (r.token(r.randint(3, 7), mailsim.ALNUM[:26]),
                              r.token(r.randint(4, 8), mailsim.ALNUM[:26]))
        else:
            name = r.choice(("info", "sales", "contato", "vendas", "admin",
                             "office", "contact", "export", "compras"))
            dom = r.choice(doms)
        out.append("%s@%s" % (name, dom))
    return out
