/*
 * tests/test_corpus.c - real lines nobody here wrote (../shared/corpus):
 * every labelled password failure in fail2ban's postfix, dovecot and exim
 * samples must come out of "subsubmit events" as a failure event on that
 * file line, with the labelled address, user and time of day; and no
 * corpus file may crash the program.
 *
 * The selection of lines is made here from the label and the text of the
 * line, independently of the parsers under test.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <sys/stat.h>

#include "io/ipaddr.h"
#include "tests/testutil.h"

struct label {
	bool	match;
	char	host[64];
	char	user[128];
	char	time[40];
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

static bool
parse_label(const char *line, struct label *l)
{
	const char *j = strstr(line, "failJSON:");
	const char *m;

	if (line[0] != '#' || j == NULL)
		return false;
	memset(l, 0, sizeof(*l));
	m = strstr(j, "\"match\"");
	l->match = m != NULL && strstr(m, "true") != NULL &&
	    (strstr(m, "false") == NULL || strstr(m, "true") < strstr(m,
	    "false"));
	json_str(j, "host", l->host, sizeof(l->host));
	json_str(j, "user", l->user, sizeof(l->user));
	json_str(j, "time", l->time, sizeof(l->time));
	return true;
}

/* password_failure - our reading of "reports a failed authentication". */
static bool
password_failure(const char *line)
{
	static const char *const yes[] = {
		"authentication failed", "auth failed", "unknown user",
		"Password mismatch", "password mismatch",
		"pam_authenticate() failed", "invalid credentials",
		"authentication failure;", "proxy dest auth failed",
		" authenticator failed for ",
	};
	static const char *const no[] = {
		"Connection lost to authentication server",
		"no auth attempts", "plaintext auth",
		"disconnected before auth was ready",
		"didn't finish SASL auth", "tls_handshake_not_finished",
	};
	size_t i;
	bool hit = false;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		hit = hit || strstr(line, yes[i]) != NULL;
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (strstr(line, no[i]) != NULL)
			return false;
	return hit;
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

/* bsd_stamp - the line starts with a BSD time stamp "Mmm d hh:mm:ss". */
static bool
bsd_stamp(const char *line)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *m;

	m = strstr(months, (char[4]){ line[0], line[1], line[2], 0 });
	return m != NULL && (m - months) % 3 == 0 && line[3] == ' ';
}

/* iso_stamp - the line starts with "YYYY-MM-DD hh:mm:ss" (Exim's own). */
static bool
iso_stamp(const char *line)
{
	return strlen(line) > 19 && line[4] == '-' && line[7] == '-' &&
	    line[10] == ' ' && line[13] == ':';
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

/* check_file - run events over a corpus file and hold it to the labels. */
static void
check_file(const char *leaf, int min_checked)
{
	const char *corpus = env_or("CORPUS", "../shared/corpus");
	char path[4096], cmd[16384], line[65536];
	const char *out = tmp_path(leaf);
	struct csv_table t;
	struct label lab;
	bool pending = false;
	unsigned long lineno = 0;
	int checked = 0, rc;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/fail2ban/%s", corpus, leaf);
	if (access(path, R_OK) != 0)
		cr_skip_test("corpus not found at %s", path);
	snprintf(cmd, sizeof(cmd), "'%s' events --format csv --quiet "
	    "--year 2005 '%s' > '%s'", env_or("SUBSUBMIT", "subsubmit"), path,
	    out);
	rc = run_cmd(cmd);
	cr_assert(rc == 0, "events exited %d on %s", rc, leaf);
	cr_assert_eq(tbl_load(out, &t), 0);
	fp = fopen(path, "r");
	cr_assert_not_null(fp);
	while (fgets(line, sizeof(line), fp) != NULL) {
		size_t r;
		bool found = false;

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (parse_label(line, &lab)) {
			pending = true;
			continue;
		}
		if (line[0] == '#' || line[0] == '\0' || !pending)
			continue;
		pending = false;
		if (!lab.match || !password_failure(line))
			continue;
		/*
		 * fail2ban's journal sample is a journal entry without any
		 * time stamp (no "time" label either): not a log line.
		 */
		if (lab.time[0] == '\0' && !bsd_stamp(line) &&
		    !iso_stamp(line))
			continue;
		checked++;
		for (r = 0; r < t.nrows && !found; r++) {
			const char *ev = tbl_get(&t, r, "event");

			if (strtoul(tbl_get(&t, r, "line"), NULL, 10) != lineno ||
			    (strcmp(ev, "auth-fail") != 0 &&
			    strcmp(ev, "auth-backend") != 0))
				continue;
			found = true;
			cr_expect(same_ip(tbl_get(&t, r, "ip"), lab.host),
			    "%s:%lu: ip '%s', label '%s'", leaf, lineno,
			    tbl_get(&t, r, "ip"), lab.host);
			if (lab.user[0] != '\0')
				cr_expect_str_eq(tbl_get(&t, r, "account"),
				    lab.user, "%s:%lu: account", leaf, lineno);
			if (bsd_stamp(line) || iso_stamp(line))
				cr_expect(time_matches(lab.time,
				    tbl_get(&t, r, "time")),
				    "%s:%lu: time '%s', label '%s'", leaf,
				    lineno, tbl_get(&t, r, "time"), lab.time);
		}
		cr_expect(found, "%s:%lu: no failure event for: %s", leaf,
		    lineno, line);
	}
	fclose(fp);
	unlink(out);
	cr_expect_geq(checked, min_checked, "only %d labelled lines checked",
	    checked);
}

Test(corpus, fail2ban_postfix_failures)
{
	check_file("postfix.log", 10);
}

Test(corpus, fail2ban_dovecot_failures)
{
	check_file("dovecot.log", 30);
}

Test(corpus, fail2ban_exim_failures)
{
	check_file("exim.log", 11);
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
