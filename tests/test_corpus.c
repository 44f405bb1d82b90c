/*
 * tests/test_corpus.c - real lines nobody here wrote (../shared/corpus):
 * every labelled authentication failure in every corpus file must come
 * out of "subsubmit events" as a failure event (auth-fail or
 * auth-backend) on that file line, with the labelled address and user
 * (and time of day where the label has one); lines that report a reject,
 * a rate limit, a spam verdict or a blacklist must not give one; and no
 * corpus file may crash the program.
 *
 * The selection of lines is made here from the labels and the text of
 * the line, independently of the parsers under test:
 *   fail2ban  "# failJSON:" with "match": true and failure text; the label
 *             gives host, user and time.
 *   crowdsec  "# csJSON:" with "parsed": true and failure text; the label
 *             gives source_ip and the user fields (its classification is a
 *             hint only, see corpus/README.md).  Files with only
 *             "# csScenario:" hold the failure lines against its sources.
 *   wazuh     "# wazuhJSON:" with "expect": "pass" and failure text; the
 *             address and user of the event must appear in the line.
 * Each file's coverage is printed and written as a Markdown table to
 * $TEST_TMPDIR/corpus-coverage.md (the README's "Corpus coverage").
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <sys/stat.h>

#include "io/ipaddr.h"
#include "tests/testutil.h"

/*
 * Files whose parsers live on other branches until they are merged: their
 * coverage is printed but missing events do not fail the test.  Remove a
 * name when its parser lands.  False auth events fail everywhere.
 */
static const char *const pending[] = {
	"",	/* none: every parser has landed */
};

/*
 * Labelled failures a file must hold at least (so that a change in the
 * selection above cannot quietly empty a file).
 */
static const struct floor {
	const char	*name;
	unsigned	 min;
} floors[] = {
	{ "fail2ban/postfix.log",	10 },
	{ "fail2ban/dovecot.log",	30 },
	{ "fail2ban/cyrus-imap.log",	10 },
	{ "fail2ban/sieve.log",		3 },
	{ "fail2ban/uwimap-auth.log",	6 },
	{ "fail2ban/solid-pop3d.log",	8 },
	{ "fail2ban/perdition.log",	1 },
	{ "fail2ban/kerio.log",		1 },
	{ "fail2ban/domino-smtp.log",	7 },
	{ "fail2ban/oracleims.log",	3 },
	{ "crowdsec/zimbra-logs.log",	3 },
	{ "crowdsec/zimbra-bf.log",	7 },
	{ "crowdsec/dovecot-logs.log",	13 },
	{ "wazuh/dovecot.log",		6 },
};

enum lclass {
	LC_NONE,	/* not checked */
	LC_AUTH,	/* must give a failure event */
	LC_OTHER,	/* must not give one */
};

struct label {
	bool	valid;
	bool	yes;		/* match true, parsed true, expect pass */
	bool	sources_only;	/* crowdsec file with csScenario only */
	char	host[64];
	char	user[128];
	char	time[40];
	char	sources[16][48];
	int	nsources;
};

/* json_str - the string value of "key" in a one-line JSON object. */
static bool
json_str(const char *j, const char *key, char *out, size_t outsz)
{
	char pat[64];
	const char *p, *q;

	snprintf(pat, sizeof(pat), "\"%s\"", key);
	if ((p = strstr(j, pat)) == NULL)
		return false;
	p += strlen(pat);
	while (*p == ' ' || *p == ':')
		p++;
	if (*p != '"')
		return false;
	q = strchr(++p, '"');
	if (q == NULL || (size_t)(q - p) >= outsz)
		return false;
	memcpy(out, p, (size_t)(q - p));
	out[q - p] = '\0';
	return true;
}

/* json_true - "key": true. */
static bool
json_true(const char *j, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\"", key);
	if ((p = strstr(j, pat)) == NULL)
		return false;
	p += strlen(pat);
	while (*p == ' ' || *p == ':')
		p++;
	return strncmp(p, "true", 4) == 0;
}

/* f2b_label - "#failJSON: {...}". */
static bool
f2b_label(const char *line, struct label *l)
{
	const char *j = strstr(line, "failJSON:");

	if (line[0] != '#' || j == NULL)
		return false;
	l->yes = json_true(j, "match");
	json_str(j, "host", l->host, sizeof(l->host));
	json_str(j, "user", l->user, sizeof(l->user));
	json_str(j, "time", l->time, sizeof(l->time));
	return true;
}

/* cs_sources - the "sources" list of "# csScenario:". */
static void
cs_sources(const char *j, struct label *l)
{
	const char *p = strstr(j, "\"sources\"");
	const char *q;

	if (p == NULL || (p = strchr(p, '[')) == NULL)
		return;
	while (l->nsources < 16 && (p = strchr(p, '"')) != NULL &&
	    (q = strchr(p + 1, '"')) != NULL && (size_t)(q - p - 1) <
	    sizeof(l->sources[0]) && (strchr(p, ']') == NULL ||
	    strchr(p, ']') > q)) {
		memcpy(l->sources[l->nsources], p + 1, (size_t)(q - p - 1));
		l->sources[l->nsources++][q - p - 1] = '\0';
		p = q + 1;
	}
}

/* cs_label - "# csJSON: {...}"; the user from the first user field. */
static bool
cs_label(const char *line, struct label *l)
{
	static const char *const users[] = {
		"dovecot_user", "username", "user", "target_user",
	};
	const char *j = strstr(line, "csJSON:");
	size_t i;

	if (line[0] != '#' || j == NULL)
		return false;
	l->yes = json_true(j, "parsed");
	json_str(j, "source_ip", l->host, sizeof(l->host));
	for (i = 0; i < 4 && l->user[0] == '\0'; i++)
		json_str(j, users[i], l->user, sizeof(l->user));
	return true;
}

/* wz_label - "# wazuhJSON: {...}". */
static bool
wz_label(const char *line, struct label *l)
{
	const char *j = strstr(line, "wazuhJSON:");
	char expect[16] = "";

	if (line[0] != '#' || j == NULL)
		return false;
	json_str(j, "expect", expect, sizeof(expect));
	l->yes = strcmp(expect, "pass") == 0;
	return true;
}

static const struct labeller {
	const char	*dir;
	bool		(*read)(const char *, struct label *);
} labellers[] = {
	{ "fail2ban",	f2b_label },
	{ "crowdsec",	cs_label },
	{ "wazuh",	wz_label },
};

/* any_of - true when line holds one of the n needles. */
static bool
any_of(const char *line, const char *const *needles, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strstr(line, needles[i]) != NULL)
			return true;
	return false;
}

/* auth_failure - our reading of "reports a failed authentication". */
static bool
auth_failure(const char *line)
{
	static const char *const yes[] = {
		"authentication failed", "auth failed", "unknown user",
		"Password mismatch", "password mismatch",
		"pam_authenticate() failed", "invalid credentials",
		"authentication failure", "proxy dest auth failed",
		"Authentication failed", "authenticator failed",
		"AUTH failure", "LOGIN FAILED", "result=permfail",
		"auth failure:", "badlogin:", "Login failed user=",
		"login failures user=", "Login disabled user=",
		"BREAK-IN ATTEMPT user=",
		" override of user=", "login not allowed", "APOP secret",
		"Failed SMTP login", "Failed IMAP login", "Failed POP3 login",
		"mi=\"Bad password\"", "status=\"failed",
	};
	static const char *const no[] = {
		"Connection lost to authentication server",
		"no auth attempts", "plaintext auth",
		"disconnected before auth was ready",
		"didn't finish SASL auth", "tls_handshake_not_finished",
	};

	return any_of(line, yes, sizeof(yes) / sizeof(yes[0])) &&
	    !any_of(line, no, sizeof(no) / sizeof(no[0]));
}

/* not_auth - a reject, rate limit, spam verdict or blacklist hit. */
static bool
not_auth(const char *line)
{
	static const char *const no[] = {
		"reject", "Reject", "blocked", "blacklist", "black list",
		"dnsbl", "DNSBL", "rblsmtpd", "badiprbl", "spamhaus",
		"Spamhaus", "Spam", "spam", "Relay attempt",
		"Relay access denied", "unknown recipient", "doesn't exist",
		"no reverse DNS", "ratelimit", "rate limit", "User unknown",
		"sender verify fail", "relay not permit",
	};

	return !auth_failure(line) &&
	    any_of(line, no, sizeof(no) / sizeof(no[0]));
}

static bool
same_ip(const char *a, const char *b)
{
	struct ipaddr x, y;

	if (!ipaddr_parse_loose(span_make(a, strlen(a)), &x, NULL) ||
	    !ipaddr_parse_loose(span_make(b, strlen(b)), &y, NULL))
		return strcmp(a, b) == 0;
	return memcmp(&x, &y, sizeof(x)) == 0;
}

/* time_matches - label "2005-03-7T02:09:33" vs event "2005-03-07T02:09:33". */
static bool
time_matches(const char *label, const char *ev)
{
	int lm, ld, lh, lmi, ls, em, ed, eh, emi, es;

	if (sscanf(label, "%*d-%d-%dT%d:%d:%d", &lm, &ld, &lh, &lmi, &ls)
	    != 5 || sscanf(ev, "%*d-%d-%dT%d:%d:%d", &em, &ed, &eh, &emi,
	    &es) != 5)
		return false;
	return lm == em && ld == ed && lh == eh && lmi == emi && ls == es;
}

/* in_sources - the address is one of the csScenario sources. */
static bool
in_sources(const struct label *l, const char *ip)
{
	int i;

	for (i = 0; i < l->nsources; i++)
		if (same_ip(l->sources[i], ip))
			return true;
	return false;
}

/* Coverage of one file. */
struct cover {
	char		name[320];
	unsigned	auth, found, other, false_ev;
	bool		pending;
};

/* is_failure_row - the row is an auth-fail or auth-backend on lineno. */
static bool
is_failure_row(const struct csv_table *t, size_t r, unsigned long lineno)
{
	const char *ev = tbl_get(t, r, "event");

	return strtoul(tbl_get(t, r, "line"), NULL, 10) == lineno &&
	    (strcmp(ev, "auth-fail") == 0 || strcmp(ev, "auth-backend") == 0);
}

/*
 * row_matches - the row agrees with the label; why says how it does not.
 * Without a labelled address (wazuh) the event's address and user must
 * appear in the line.
 */
static bool
row_matches(const struct csv_table *t, size_t r, const struct label *l,
    const char *line, char *why, size_t whysz)
{
	const char *ip = tbl_get(t, r, "ip"), *acct = tbl_get(t, r, "account");
	const char *when = tbl_get(t, r, "time");

	if (l->sources_only ? !in_sources(l, ip) : l->host[0] != '\0' ?
	    !same_ip(ip, l->host) : (ip[0] == '\0' || strstr(line, ip) ==
	    NULL)) {
		snprintf(why, whysz, "ip '%s', label '%s'", ip, l->host);
		return false;
	}
	if (l->user[0] != '\0' ? strcmp(acct, l->user) != 0 :
	    strstr(line, acct) == NULL) {
		snprintf(why, whysz, "account '%s', label '%s'", acct,
		    l->user);
		return false;
	}
	if (l->time[0] != '\0' && strlen(when) == 19 &&
	    !time_matches(l->time, when)) {
		snprintf(why, whysz, "time '%s', label '%s'", when, l->time);
		return false;
	}
	return true;
}

/* classify - the class of a log line under its label. */
static enum lclass
classify(const char *line, const struct label *l)
{
	if (!l->valid && !l->sources_only)
		return LC_NONE;
	if (auth_failure(line))
		return l->sources_only || l->yes ? LC_AUTH : LC_NONE;
	return not_auth(line) ? LC_OTHER : LC_NONE;
}

/* check_line - hold one classified line to the events on it. */
static void
check_line(struct cover *cv, const struct csv_table *t, unsigned long lineno,
    const char *line, const struct label *l, enum lclass cls)
{
	char why[512] = "no failure event";
	bool any = false, ok = false;
	size_t r;

	for (r = 0; r < t->nrows && !ok; r++) {
		if (!is_failure_row(t, r, lineno))
			continue;
		any = true;
		ok = cls == LC_AUTH && row_matches(t, r, l, line, why,
		    sizeof(why));
	}
	if (cls == LC_OTHER) {
		cv->other++;
		cv->false_ev += any;
		cr_expect(!any, "%s:%lu: failure event for a line that is "
		    "not one: %.200s", cv->name, lineno, line);
		return;
	}
	cv->auth++;
	cv->found += ok;
	if (!ok && !cv->pending)
		cr_expect(false, "%s:%lu: %s: %.200s", cv->name, lineno, why,
		    line);
}

/* read_scenario - a crowdsec file with csScenario and no csJSON. */
static void
read_scenario(const char *path, struct label *l)
{
	char line[65536];
	bool json = false;
	FILE *fp = fopen(path, "r");

	if (fp == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, "# csScenario:", 13) == 0)
			cs_sources(line, l);
		json = json || strncmp(line, "# csJSON:", 9) == 0;
	}
	fclose(fp);
	l->sources_only = !json && l->nsources > 0;
}

/* check_file - run events over a corpus file and hold it to its labels. */
static void
check_file(const struct labeller *lb, const char *path, struct cover *cv)
{
	char line[65536];
	const char *out = tmp_path("corpus.csv");
	struct csv_table t;
	struct label lab = { 0 }, scen = { 0 };
	unsigned long lineno = 0;
	int rc;
	FILE *fp;

	read_scenario(path, &scen);
	rc = run_fmt("'%s' events --format csv --quiet --year 2005 '%s' > "
	    "'%s' 2>/dev/null", test_bin(), path, out);
	cr_assert(rc == 0 || rc == 65, "events exited %d on %s", rc, path);
	cr_assert_eq(tbl_load(out, &t), 0);
	cr_assert_not_null(fp = fopen(path, "r"));
	while (fgets(line, sizeof(line), fp) != NULL) {
		struct label next = { 0 };
		enum lclass cls;

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (lb->read(line, &next)) {
			lab = next;
			lab.valid = true;
			continue;
		}
		if (line[0] == '#' || line[0] == '\0')
			continue;
		cls = classify(line, scen.sources_only ? &scen : &lab);
		lab.valid = false;
		if (cls != LC_NONE)
			check_line(cv, &t, lineno, line, scen.sources_only ?
			    &scen : &lab, cls);
	}
	fclose(fp);
	tbl_free(&t);
	unlink(out);
}

/* floor_of - the least number of labelled failures in a file. */
static unsigned
floor_of(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(floors) / sizeof(floors[0]); i++)
		if (strcmp(floors[i].name, name) == 0)
			return floors[i].min;
	return 0;
}

/* is_pending - the file's parser is not on this branch yet. */
static bool
is_pending(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(pending) / sizeof(pending[0]); i++)
		if (strcmp(pending[i], name) == 0)
			return true;
	return false;
}

static int
cmp_cover(const void *a, const void *b)
{
	return strcmp(((const struct cover *)a)->name,
	    ((const struct cover *)b)->name);
}

/* report - one coverage line per file, and the Markdown table. */
static void
report(struct cover *cv, size_t n)
{
	char md[4096];
	FILE *fp;
	size_t i;

	snprintf(md, sizeof(md), "%s/corpus-coverage.md",
	    env_or("TEST_TMPDIR", "/tmp"));
	fp = fopen(md, "w");

	qsort(cv, n, sizeof(*cv), cmp_cover);
	if (fp != NULL)
		fprintf(fp, "| file | auth failures found | rejects, spam, "
		    "blacklist lines left alone |\n|---|---:|---:|\n");
	for (i = 0; i < n; i++) {
		fprintf(stderr, "%s: %u/%u auth failures found%s\n",
		    cv[i].name, cv[i].found, cv[i].auth,
		    cv[i].pending ? " (parser pending)" : "");
		if (fp != NULL && cv[i].auth + cv[i].other > 0)
			fprintf(fp, "| %s | %u/%u | %u/%u |\n", cv[i].name,
			    cv[i].found, cv[i].auth,
			    cv[i].other - cv[i].false_ev, cv[i].other);
	}
	if (fp != NULL)
		fclose(fp);
}

/* Every file of every corpus folder, held to its labels. */
Test(corpus, every_labelled_failure, .timeout = 280)
{
	const char *corpus = env_or("CORPUS", "../shared/corpus");
	static struct cover cv[128];
	size_t i, n = 0;
	unsigned total = 0;

	for (i = 0; i < sizeof(labellers) / sizeof(labellers[0]); i++) {
		char dir[4096], path[8192];
		struct dirent *de;
		DIR *d;

		snprintf(dir, sizeof(dir), "%s/%s", corpus, labellers[i].dir);
		if ((d = opendir(dir)) == NULL)
			cr_skip_test("corpus not found at %s", dir);
		while ((de = readdir(d)) != NULL && n < 128) {
			if (de->d_name[0] == '.' ||
			    strcmp(de->d_name, "README.md") == 0)
				continue;
			snprintf(cv[n].name, sizeof(cv[n].name), "%s/%s",
			    labellers[i].dir, de->d_name);
			cv[n].pending = is_pending(cv[n].name);
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			check_file(&labellers[i], path, &cv[n]);
			cr_expect_geq(cv[n].auth, floor_of(cv[n].name),
			    "%s: only %u labelled failures", cv[n].name,
			    cv[n].auth);
			total += cv[n].auth;
			n++;
		}
		closedir(d);
	}
	report(cv, n);
	cr_expect_geq(n, 40, "only %zu corpus files", n);
	cr_expect_geq(total, 200, "only %u labelled failures", total);
}

/* Every corpus file: no crash, no sanitizer report, a documented exit. */
Test(corpus, no_file_crashes, .timeout = 240)
{
	const char *corpus = env_or("CORPUS", "../shared/corpus");
	static const char *const dirs[] = { "fail2ban", "crowdsec", "wazuh" };
	char dir[4096], cmd[16384];
	struct dirent *de;
	size_t i;
	int n = 0;

	for (i = 0; i < 3; i++) {
		DIR *d;

		snprintf(dir, sizeof(dir), "%s/%s", corpus, dirs[i]);
		if ((d = opendir(dir)) == NULL)
			cr_skip_test("corpus not found at %s", dir);
		while ((de = readdir(d)) != NULL) {
			int rc;

			if (de->d_name[0] == '.')
				continue;
			snprintf(cmd, sizeof(cmd), "'%s' events --format csv "
			    "--quiet '%s/%s' > /dev/null 2>&1",
			    env_or("SUBSUBMIT", "subsubmit"), dir, de->d_name);
			rc = run_cmd(cmd);
			cr_expect(rc == 0 || rc == 65, "%s/%s: exit %d",
			    dirs[i], de->d_name, rc);
			n++;
		}
		closedir(d);
	}
	cr_expect_geq(n, 40, "only %d corpus files", n);
}
