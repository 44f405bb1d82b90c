/*
 * analysis/origin.c - country, owner and kind of an address from the
 * operator's data files and the logged reverse name.  No network lookups.
 */
#include "analysis/origin.h"

#include <string.h>

#include "io/diag.h"

void
origin_db_init(struct origin_db *o)
{
	memset(o, 0, sizeof(*o));
	geo_init(&o->country);
	geo_init(&o->asn);
	netclass_set_init(&o->trusted);
	sbuf_init(&o->ld.err);
	sbuf_init(&o->ld.said);
}

void
origin_db_release(struct origin_db *o)
{
	struct sbuf err = SBUF_INIT;

	(void)origin_db_load_wait(o, &err);
	sbuf_release(&err);
	sbuf_release(&o->ld.err);
	sbuf_release(&o->ld.said);
	geo_release(&o->country);
	geo_release(&o->asn);
	netclass_set_release(&o->trusted);
}

int
origin_db_load(struct origin_db *o, const char *const *geo, size_t ngeo,
    const char *asn, struct sbuf *err)
{
	size_t i;
	int n;

	if (ngeo == 0) {
		if ((n = geo_load_defaults(&o->country, err)) < 0)
			return -1;
		o->ncountry_files = n;
	}
	for (i = 0; i < ngeo; i++) {
		if (geo_load_country(&o->country, geo[i], err) != 0)
			return -1;
		o->ncountry_files++;
	}
	if (asn != NULL) {
		if (geo_load_asn(&o->asn, asn, err) != 0)
			return -1;
		o->nasn_files++;
	}
	return 0;
}

static void *
load(void *arg)
{
	struct origin_db *o = arg;
	struct origin_loader *ld = &o->ld;

	ld->rc = origin_db_load(o, ld->geo, ld->ngeo, ld->asn, &ld->err);
	return NULL;
}

/* load_held - load on a thread, its warnings kept for the wait. */
static void *
load_held(void *arg)
{
	struct origin_db *o = arg;

	diag_hold(&o->ld.said);
	(void)load(o);
	diag_hold(NULL);
	return NULL;
}

void
origin_db_load_start(struct origin_db *o, const char *const *geo,
    size_t ngeo, const char *asn)
{
	struct origin_loader *ld = &o->ld;
	bool in_place = asn != NULL && strcmp(asn, "-") == 0;
	size_t i;

	ld->geo = geo;
	ld->ngeo = ngeo;
	ld->asn = asn;
	ld->rc = 0;
	ld->started = true;
	for (i = 0; i < ngeo; i++)
		if (strcmp(geo[i], "-") == 0)
			in_place = true;
	if (!in_place && pthread_create(&ld->thr, NULL, load_held, o) == 0)
		ld->threaded = true;
	else
		(void)load(o);
}

int
origin_db_load_wait(struct origin_db *o, struct sbuf *err)
{
	struct origin_loader *ld = &o->ld;

	if (!ld->started)
		return 0;
	if (ld->threaded) {
		pthread_join(ld->thr, NULL);
		diag_print_held(&ld->said);
		sbuf_reset(&ld->said);
	}
	ld->started = ld->threaded = false;
	if (ld->rc != 0)
		sbuf_add(err, ld->err.buf, ld->err.len);
	sbuf_reset(&ld->err);
	return ld->rc;
}

void
origin_lookup(void *ctx, const struct ipaddr *ip, const char *rdns,
    struct ip_origin *out)
{
	struct origin_db *o = ctx;
	struct geo_hit hit;
	enum net_kind k;

	memset(out, 0, sizeof(*out));
	if (o->ncountry_files > 0 && geo_lookup(&o->country, ip, &hit))
		memcpy(out->cc, hit.cc, sizeof(out->cc));
	if (o->nasn_files > 0 && geo_lookup(&o->asn, ip, &hit))
		out->asn = hit.asn;
	k = netclass_of(&o->trusted, ip, span_make(rdns, strlen(rdns)),
	    out->asn);
	out->cloud = k == NET_CLOUD;
	out->residential = k == NET_RESIDENTIAL;
	out->trusted = k == NET_TRUSTED || k == NET_PRIVATE;
}
