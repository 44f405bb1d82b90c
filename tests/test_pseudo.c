/*
 * tests/test_pseudo.c - --pseudonymize: SHA-256 and HMAC-SHA256 against
 * the FIPS 180-4 and RFC 4231 vectors, the pseudonyms (stable, keyed,
 * prefix-preserving, one to one), and end to end over testdata/demo: no
 * real account, address or reverse name in any output, /24 networks kept,
 * the verdicts unchanged.
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <unistd.h>

#include "io/pseudo.h"
#include "io/sha256.h"
#include "tests/testutil.h"

#define bin test_bin
#define td test_data
#define run run_fmt

#define KEY	"an example key for the pseudonym tests"

static void
hexof(const uint8_t *d, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void
check_sha(const void *p, size_t len, size_t chunk, const char *want)
{
	struct sha256 s;
	uint8_t d[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];
	size_t off, n;

	sha256_init(&s);
	for (off = 0; off < len; off += n) {
		n = len - off < chunk ? len - off : chunk;
		sha256_update(&s, (const char *)p + off, n);
	}
	sha256_final(&s, d);
	hexof(d, SHA256_LEN, hex);
	cr_expect_str_eq(hex, want, "sha256 of %zu bytes (chunks of %zu)",
	    len, chunk);
}

/* FIPS 180-4 examples (and the NIST one-million-'a' message). */
Test(pseudo, sha256_fips_vectors)
{
	static const char m448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklm"
	    "klmnlmnomnopnopq";
	char *ma = malloc(1000000);
	size_t chunk;

	check_sha("", 0, 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934"
	    "ca495991b7852b855");
	check_sha("abc", 3, 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a"
	    "9cb410ff61f20015ad");
	for (chunk = 1; chunk <= 64; chunk += 7)
		check_sha(m448, 56, chunk, "248d6a61d20638b8e5c026930c3e6039a33"
		    "ce45964ff2167f6ecedd419db06c1");
	memset(ma, 'a', 1000000);
	check_sha(ma, 1000000, 997, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48"
	    "a497200e046d39ccc7112cd0");
	free(ma);
}

/* RFC 4231 test cases 1, 2, 3, 4, 6 and 7 (5 truncates the output). */
Test(pseudo, hmac_rfc4231_vectors)
{
	static const struct {
		uint8_t		key_byte;	/* 0: key is given */
		size_t		key_len;
		const char	*key;
		uint8_t		msg_byte;	/* 0: msg is given */
		size_t		msg_len;
		const char	*msg;
		const char	*want;
	} tc[] = {
		{ 0x0b, 20, NULL, 0, 8, "Hi There", "b0344c61d8db38535ca8afce"
		    "af0bf12b881dc200c9833da726e9376c2e32cff7" },
		{ 0, 4, "Jefe", 0, 28, "what do ya want for nothing?",
		    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b9"
		    "64ec3843" },
		{ 0xaa, 20, NULL, 0xdd, 50, NULL, "773ea91e36800e46854db8ebd09"
		    "181a72959098b3ef8c122d9635514ced565fe" },
		{ 0, 25, "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c"
		    "\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19",
		    0xcd, 50, NULL, "82558a389a443c0ea4cc819899f2083a85f0faa3e"
		    "578f8077a2e3ff46729665b" },
		{ 0xaa, 131, NULL, 0, 54, "Test Using Larger Than Block-Size "
		    "Key - Hash Key First", "60e431591ee0b67f0d8a26aacbf5b77f8e"
		    "0bc6213728c5140546040f0ee37f54" },
		{ 0xaa, 131, NULL, 0, 152, "This is a test using a larger than "
		    "block-size key and a larger than block-size data. The key "
		    "needs to be hashed before being used by the HMAC algorithm"
		    ".", "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7"
		    "f51535c3a35e2" },
	};
	size_t i;

	for (i = 0; i < sizeof(tc) / sizeof(tc[0]); i++) {
		uint8_t key[131], msg[152], d[SHA256_LEN];
		char hex[2 * SHA256_LEN + 1];
		struct sha256_hmac m;

		if (tc[i].key != NULL)
			memcpy(key, tc[i].key, tc[i].key_len);
		else
			memset(key, tc[i].key_byte, tc[i].key_len);
		if (tc[i].msg != NULL)
			memcpy(msg, tc[i].msg, tc[i].msg_len);
		else
			memset(msg, tc[i].msg_byte, tc[i].msg_len);
		sha256_hmac_init(&m, key, tc[i].key_len);
		sha256_hmac(&m, msg, tc[i].msg_len, d);
		hexof(d, SHA256_LEN, hex);
		cr_expect_str_eq(hex, tc[i].want, "RFC 4231 case %zu", i);
		/* The two-part form hashes the concatenation. */
		sha256_hmac2(&m, msg, 3, msg + 3, tc[i].msg_len - 3, d);
		hexof(d, SHA256_LEN, hex);
		cr_expect_str_eq(hex, tc[i].want, "case %zu in two parts", i);
		sha256_hmac_release(&m);
	}
}

Test(pseudo, names_stable_keyed_tagged)
{
	struct pseudo a, a2, b;
	char x[PSEUDO_STRLEN], y[PSEUDO_STRLEN];
	size_t i;

	pseudo_init(&a, KEY, strlen(KEY));
	pseudo_init(&a2, KEY, strlen(KEY));
	pseudo_init(&b, "another key, as long as the first", 33);
	pseudo_name(&a, 'u', "alice@example.org", 17, x);
	cr_expect_eq(strlen(x), PSEUDO_STRLEN - 1);
	cr_expect(strncmp(x, "u-", 2) == 0);
	for (i = 2; i < strlen(x); i++)
		cr_expect(strchr("0123456789abcdef", x[i]) != NULL);
	cr_expect_str_eq(pseudo_name(&a2, 'u', "alice@example.org", 17, y), x);
	cr_expect_str_neq(pseudo_name(&b, 'u', "alice@example.org", 17, y), x);
	cr_expect_str_neq(pseudo_name(&a, 'u', "alice@example.orh", 17, y), x);
	cr_expect_str_neq(pseudo_name(&a, 'h', "alice@example.org", 17, y) + 2,
	    x + 2);
	cr_expect_str_eq(pseudo_str(NULL, 'u', "alice", x), "alice");
	cr_expect_str_eq(pseudo_str(&a, 'u', "", x), "");
	pseudo_release(&a);
	pseudo_release(&a2);
	pseudo_release(&b);
}

static struct ipaddr
ip_of(const char *s)
{
	struct ipaddr a;

	cr_assert(ipaddr_parse(span_make(s, strlen(s)), &a), "%s", s);
	return a;
}

/* How many leading bytes two addresses share. */
static int
common(const struct ipaddr *x, const struct ipaddr *y)
{
	int i;

	for (i = 0; i < 16 && x->b[i] == y->b[i]; i++)
		;
	return i;
}

Test(pseudo, ipv4_keeps_prefixes_and_is_one_to_one)
{
	struct pseudo ps, other;
	struct ipaddr in, out, first, seen[256], o2;
	char buf[IPADDR_STRLEN], s[32];
	int i, j;

	pseudo_init(&ps, KEY, strlen(KEY));
	pseudo_init(&other, "another key, as long as the first", 33);
	for (i = 0; i < 256; i++) {
		snprintf(s, sizeof(s), "198.51.100.%d", i);
		in = ip_of(s);
		pseudo_ip(&ps, &in, &out);
		cr_expect(ipaddr_is_v4(&out), "%s", ipaddr_format(&out, buf));
		if (i == 0)
			first = out;
		cr_expect_geq(common(&first, &out), 15, "one /24 split");
		for (j = 0; j < i; j++)
			cr_expect_neq(seen[j].b[15], out.b[15],
			    "two addresses share a pseudonym");
		seen[i] = out;
	}
	/* Another /24 of the same /16: the /16 is kept, the /24 differs. */
	in = ip_of("198.51.101.7");
	pseudo_ip(&ps, &in, &out);
	cr_expect_eq(common(&first, &out), 14);
	/* Another key: another network. */
	in = ip_of("198.51.100.0");
	pseudo_ip(&other, &in, &o2);
	cr_expect_lt(common(&first, &o2), 16);
	cr_expect(memcmp(&first, &o2, sizeof(o2)) != 0);
	pseudo_release(&ps);
	pseudo_release(&other);
}

Test(pseudo, ipv6_keeps_48_and_64)
{
	struct pseudo ps;
	struct ipaddr a, b, c, d, pa, pb, pc, pd;

	pseudo_init(&ps, KEY, strlen(KEY));
	a = ip_of("2001:db8:1234:5678::1");
	b = ip_of("2001:db8:1234:5678::2");
	c = ip_of("2001:db8:1234:9999::1");
	d = ip_of("2001:db8:4321::1");
	pseudo_ip(&ps, &a, &pa);
	pseudo_ip(&ps, &b, &pb);
	pseudo_ip(&ps, &c, &pc);
	pseudo_ip(&ps, &d, &pd);
	cr_expect_eq(common(&pa, &pb), 15);	/* same /64 (and /120) */
	cr_expect_eq(common(&pa, &pc), 6);	/* same /48, not /64 */
	cr_expect_eq(common(&pa, &pd), 4);	/* same /32 only */
	cr_expect(!ipaddr_is_v4(&pa));
	pseudo_release(&ps);
}

Test(pseudo, scrub_hides_addresses_and_hosts)
{
	static const char text[] = "454 4.7.1 <bob@example.org>: Relay "
	    "access denied; Client host [84.139.152.188] via "
	    "relay=mx.example.net[2001:db8::25]:25, delay=1.4";
	struct pseudo ps;
	struct sbuf sb = SBUF_INIT;

	pseudo_init(&ps, KEY, strlen(KEY));
	pseudo_scrub(&ps, &sb, text, sizeof(text) - 1);
	cr_expect_null(strstr(sb.buf, "bob"), "%s", sb.buf);
	cr_expect_null(strstr(sb.buf, "84.139.152.188"), "%s", sb.buf);
	cr_expect_null(strstr(sb.buf, "example"), "%s", sb.buf);
	cr_expect_null(strstr(sb.buf, "2001:db8::25"), "%s", sb.buf);
	cr_expect_not_null(strstr(sb.buf, "454 4.7.1 <u-"), "%s", sb.buf);
	cr_expect_not_null(strstr(sb.buf, "Relay access denied; Client host ["),
	    "%s", sb.buf);
	cr_expect_not_null(strstr(sb.buf, "]:25, delay=1.4"), "%s", sb.buf);
	sbuf_release(&sb);
	pseudo_release(&ps);
}

/* ---- end to end over testdata/demo ---- */

/* demo_events - events --format csv of the demo, with opts, into path. */
static void
demo_events(const char *opts, const char *path)
{
	cr_assert_eq(run("'%s' events -q --format csv %s '%s/demo' > '%s'",
	    bin(), opts, td(), path), 0, "%s", test_cmdline);
}

Test(pseudo, stable_across_runs_and_keyed, .timeout = 120)
{
	const char *a = tmp_path("ps-a"), *b = tmp_path("ps-b");
	const char *c = tmp_path("ps-c"), *kf = tmp_path("ps-key");
	const char *err = tmp_path("ps-err");
	char *sa, *sb, *sc;
	FILE *fp;

	demo_events("--pseudonymize '" KEY "'", a);
	fp = fopen(kf, "w");
	cr_assert_not_null(fp);
	fputs(KEY "\n", fp);
	fclose(fp);
	cr_assert_eq(run("'%s' events -q --format csv "
	    "--pseudonymize-key-file '%s' '%s/demo' > '%s'", bin(), kf, td(),
	    b), 0);
	demo_events("--pseudonymize 'another key, as long as the first'", c);
	sa = slurp(a, NULL);
	sb = slurp(b, NULL);
	sc = slurp(c, NULL);
	cr_expect_str_eq(sa, sb, "the key file and the option differ");
	cr_expect_str_neq(sa, sc, "another key gives the same output");
	/* A short key works, with a warning; an empty key file is refused. */
	cr_expect_eq(run("'%s' events --pseudonymize short '%s/demo' "
	    ">/dev/null 2>'%s'", bin(), td(), err), 0);
	free(sc);
	sc = slurp(err, NULL);
	cr_expect_not_null(strstr(sc, "key has only 5 bytes"), "%s", sc);
	/* -q silences it, before or after the key (it once only did
	   before: the warning came while the options were read). */
	cr_expect_eq(run("'%s' events --pseudonymize short -q '%s/demo' "
	    ">/dev/null 2>'%s'", bin(), td(), err), 0);
	free(sc);
	sc = slurp(err, NULL);
	cr_expect_str_eq(sc, "", "-q after the key: %s", sc);
	cr_expect_eq(run("'%s' events --pseudonymize-key-file /dev/null "
	    "'%s/demo' >/dev/null 2>&1", bin(), td()), 64);
	cr_expect_eq(run("'%s' events --pseudonymize '' '%s/demo' "
	    ">/dev/null 2>&1", bin(), td()), 64);
	free(sa);
	free(sb);
	free(sc);
	unlink(a);
	unlink(b);
	unlink(c);
	unlink(kf);
	unlink(err);
}

/* The real values: every name and address the demo's events show. */
struct secrets {
	char	**v;
	size_t	  n, cap;
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
secret_add(struct secrets *s, const char *v)
{
	if (v[0] == '\0' || strcmp(v, "unknown") == 0)
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = strdup(v);
}

static bool
secret_has(const struct secrets *s, const char *tok)
{
	return bsearch(&tok, s->v, s->n, sizeof(*s->v), cmp_str) != NULL;
}

#define DELIMS	" \t\n\r,;=<>[]()\"'/?&"

/* plain_word - lower-case letters only ("mail", "contact", "user"). */
static bool
plain_word(const char *w)
{
	return w[0] != '\0' && strspn(w, "abcdefghijklmnopqrstuvwxyz") ==
	    strlen(w);
}

/*
 * secrets_load - the real values of the name columns; but not the plain
 * words that the logs' own texts hold too (attackers try "mail" and
 * "contact" as user names, and "mail=1" is a Postfix counter), nor the
 * words of this program's own output ("user=attributed", "accounts").
 */
static void
secrets_load(struct secrets *s, const char *events_csv)
{
	static const char *const cols[] = { "account", "ip", "client_name",
		"recipient" };
	static const char *const own[] = { "user", "accounts", "account" };
	struct csv_table t;
	struct secrets vocab = { 0 };
	size_t r, k, i, j;
	char *d, *tok, *save;

	memset(s, 0, sizeof(*s));
	cr_assert_eq(tbl_load(events_csv, &t), 0);
	for (r = 0; r < t.nrows; r++) {
		for (k = 0; k < 4; k++)
			secret_add(s, tbl_get(&t, r, cols[k]));
		d = strdup(tbl_get(&t, r, "detail"));
		for (save = NULL, tok = strtok_r(d, DELIMS, &save);
		    tok != NULL; tok = strtok_r(NULL, DELIMS, &save))
			if (plain_word(tok))
				secret_add(&vocab, tok);
		free(d);
	}
	for (k = 0; k < 3; k++)
		secret_add(&vocab, own[k]);
	tbl_free(&t);
	qsort(vocab.v, vocab.n, sizeof(*vocab.v), cmp_str);
	for (i = j = 0; i < s->n; i++) {
		if (plain_word(s->v[i]) && secret_has(&vocab, s->v[i]))
			free(s->v[i]);
		else
			s->v[j++] = s->v[i];
	}
	s->n = j;
	qsort(s->v, s->n, sizeof(*s->v), cmp_str);
	for (i = 0; i < vocab.n; i++)
		free(vocab.v[i]);
	free(vocab.v);
}

/*
 * leaks - the tokens of a file that are real values (0 when none); the
 * first few are logged unless what is NULL.
 */
static size_t
leaks(const struct secrets *s, const char *path, const char *what)
{
	char *text = slurp(path, NULL), *tok, *save = NULL;
	size_t found = 0, n;

	for (tok = strtok_r(text, DELIMS, &save); tok != NULL;
	    tok = strtok_r(NULL, DELIMS, &save)) {
		n = strlen(tok);
		while (n > 0 && (tok[n - 1] == '.' || tok[n - 1] == ':'))
			tok[--n] = '\0';
		if (secret_has(s, tok) && found++ < 5 && what != NULL)
			cr_log_error("%s: real value '%s' in the output", what,
			    tok);
	}
	free(text);
	return found;
}

Test(pseudo, no_real_name_or_address_in_any_output, .timeout = 240)
{
	static const char *const cmds[] = {
		"events --format csv", "events --format text",
		"report --format text", "report --format csv",
		"audit --always --now 2024-01-05 --format text",
		"audit --always --now 2024-01-05 --format csv",
		"timeline regine", "timeline nadia", "errors --format csv",
	};
	const char *real = tmp_path("ps-real"), *out = tmp_path("ps-out");
	struct secrets s;
	size_t i, n;
	int rc;

	demo_events("", real);
	secrets_load(&s, real);
	cr_assert_gt(s.n, 1000, "too few real values: %zu", s.n);
	/* The check can fail: without the option the values are there. */
	cr_assert_eq(run("'%s' report -q '%s/demo' > '%s'", bin(), td(), out),
	    0);
	cr_expect_gt(leaks(&s, out, NULL), 5);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		rc = run("'%s' %s -q --pseudonymize '" KEY "' '%s/demo' > '%s'",
		    bin(), cmds[i], td(), out);
		cr_expect(rc == 0 || rc == 1, "%s: exit %d", cmds[i], rc);
		n = leaks(&s, out, cmds[i]);
		cr_expect_eq(n, 0, "%s: %zu real values in the output", cmds[i],
		    n);
	}
	for (i = 0; i < s.n; i++)
		free(s.v[i]);
	free(s.v);
	unlink(real);
	unlink(out);
}

/* parse_v4 - the four bytes of dotted text; false when not IPv4. */
static bool
parse_v4(const char *s, unsigned b[4])
{
	char tail;

	return sscanf(s, "%u.%u.%u.%u%c", &b[0], &b[1], &b[2], &b[3], &tail) ==
	    4;
}

struct pair {
	char	real[48], ps[48];
};

static int
by_real(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	int c = strcmp(x->real, y->real);

	return c ? c : strcmp(x->ps, y->ps);
}

static int
by_ps(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	int c = strcmp(x->ps, y->ps);

	return c ? c : strcmp(x->real, y->real);
}

/*
 * one_to_one - sorted both ways, equal keys never meet different values;
 * returns how many keys came with more than one distinct partner row.
 */
static size_t
one_to_one(struct pair *v, size_t n, const char *what)
{
	size_t i, multi = 0;

	qsort(v, n, sizeof(*v), by_real);
	for (i = 1; i < n; i++)
		if (strcmp(v[i].real, v[i - 1].real) == 0)
			cr_expect_str_eq(v[i].ps, v[i - 1].ps, "%s %s maps to "
			    "two", what, v[i].real);
	qsort(v, n, sizeof(*v), by_ps);
	for (i = 1; i < n; i++)
		if (strcmp(v[i].ps, v[i - 1].ps) == 0)
			cr_expect_str_eq(v[i].real, v[i - 1].real, "two %ss "
			    "map to %s", what, v[i].ps);
	for (i = 1; i < n; i++)
		multi += strcmp(v[i].ps, v[i - 1].ps) != 0 ? 0 : 1;
	return multi;
}

/* Row by row, the real and the pseudonymous addresses agree on /24s. */
Test(pseudo, networks_kept_one_to_one, .timeout = 120)
{
	const char *real = tmp_path("ps-real"), *ps = tmp_path("ps-ps");
	struct csv_table tr, tp;
	struct pair *addr, *net;
	size_t r, n = 0, changed = 0, nets_with_two = 0, i;

	demo_events("", real);
	demo_events("--pseudonymize '" KEY "'", ps);
	cr_assert_eq(tbl_load(real, &tr), 0);
	cr_assert_eq(tbl_load(ps, &tp), 0);
	cr_assert_eq(tr.nrows, tp.nrows);
	addr = calloc(tr.nrows + 1, sizeof(*addr));
	net = calloc(tr.nrows + 1, sizeof(*net));
	for (r = 0; r < tr.nrows; r++) {
		const char *x = tbl_get(&tr, r, "ip");
		const char *y = tbl_get(&tp, r, "ip");
		unsigned a[4], b[4];

		cr_expect_eq(x[0] == '\0', y[0] == '\0');
		if (!parse_v4(x, a))
			continue;
		cr_assert(parse_v4(y, b), "row %zu: %s became %s", r, x, y);
		changed += strcmp(x, y) != 0;
		snprintf(addr[n].real, sizeof(addr[n].real), "%s", x);
		snprintf(addr[n].ps, sizeof(addr[n].ps), "%s", y);
		snprintf(net[n].real, sizeof(net[n].real), "%u.%u.%u", a[0],
		    a[1], a[2]);
		snprintf(net[n].ps, sizeof(net[n].ps), "%u.%u.%u", b[0], b[1],
		    b[2]);
		n++;
	}
	cr_expect_gt(n, 1000);
	cr_expect_gt(changed, n * 9 / 10, "addresses left as they were");
	one_to_one(addr, n, "address");
	one_to_one(net, n, "/24");
	/* Some /24 holds two distinct real addresses: it stays one /24. */
	qsort(addr, n, sizeof(*addr), by_real);
	for (i = 1; i < n; i++) {
		unsigned a[4], b[4];

		if (strcmp(addr[i].real, addr[i - 1].real) == 0)
			continue;
		parse_v4(addr[i].real, a);
		parse_v4(addr[i - 1].real, b);
		if (a[0] == b[0] && a[1] == b[1] && a[2] == b[2]) {
			nets_with_two++;
			cr_expect_eq(strncmp(addr[i].ps, addr[i - 1].ps,
			    strrchr(addr[i].ps, '.') - addr[i].ps + 1), 0,
			    "%s and %s: %s and %s", addr[i].real,
			    addr[i - 1].real, addr[i].ps, addr[i - 1].ps);
		}
	}
	cr_expect_gt(nets_with_two, 0, "no /24 with two addresses in the demo");
	free(addr);
	free(net);
	tbl_free(&tr);
	tbl_free(&tp);
	unlink(real);
	unlink(ps);
}

/* The verdicts, scores and summary do not depend on the option. */
Test(pseudo, verdicts_unchanged, .timeout = 120)
{
	const char *a = tmp_path("ps-va"), *b = tmp_path("ps-vb");
	const char *c = tmp_path("ps-vc"), *d = tmp_path("ps-vd");
	struct csv_table ta, tb;
	char *sa, *sb, *ea, *eb;
	size_t r;

	cr_assert_eq(run("'%s' report -q --format csv '%s/demo' > '%s'", bin(),
	    td(), a), 0);
	cr_assert_eq(run("'%s' report -q --format csv --pseudonymize '" KEY
	    "' '%s/demo' > '%s'", bin(), td(), b), 0);
	cr_assert_eq(tbl_load(a, &ta), 0);
	cr_assert_eq(tbl_load(b, &tb), 0);
	cr_assert_gt(ta.nrows, 0);
	cr_assert_eq(ta.nrows, tb.nrows);
	for (r = 0; r < ta.nrows; r++) {
		cr_expect_str_eq(tbl_get(&ta, r, "verdict"),
		    tbl_get(&tb, r, "verdict"));
		cr_expect_str_eq(tbl_get(&ta, r, "score"),
		    tbl_get(&tb, r, "score"));
		cr_expect_str_eq(tbl_get(&ta, r, "messages"),
		    tbl_get(&tb, r, "messages"));
		cr_expect_str_neq(tbl_get(&ta, r, "account"),
		    tbl_get(&tb, r, "account"));
	}
	cr_assert_eq(run("'%s' report -q '%s/demo' > '%s'", bin(), td(), c), 0);
	cr_assert_eq(run("'%s' report -q --pseudonymize '" KEY "' '%s/demo' > "
	    "'%s'", bin(), td(), d), 0);
	sa = slurp(c, NULL);
	sb = slurp(d, NULL);
	/* The summary runs up to the first blank line. */
	cr_assert_not_null(ea = strstr(sa, "\n\n"));
	cr_assert_not_null(eb = strstr(sb, "\n\n"));
	*ea = *eb = '\0';
	cr_expect_str_eq(sa, sb);
	free(sa);
	free(sb);
	tbl_free(&ta);
	tbl_free(&tb);
	unlink(a);
	unlink(b);
	unlink(c);
	unlink(d);
}
