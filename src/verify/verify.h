/* kgenius verify: the Phase 3 checks of the new deployment, in one report.
 * health.c asks the endpoints (libcurl), perf.c puts the same request mix on
 * the old and the new base URL (libcurl's multi interface); the command
 * (src/cli/cmd_verify.c) runs them with the data checks of migrate and
 * writes the report. */
#ifndef KG_VERIFY_H
#define KG_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/diag.h"

#define VERIFY_MAX_CHECKS 64
#define VERIFY_MAX_PATHS 16

struct check {
	char group[16];            /* data, health, tls, performance */
	char name[128];
	bool ok;
	char detail[512];
};

struct checks {
	struct check v[VERIFY_MAX_CHECKS];
	size_t n;
};

void check_add(struct checks *c, const char *group, const char *name, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

struct http_opts {
	const char *cacert;        /* trust this CA file too (a private or self-signed certificate) */
	long timeout_ms;
	int min_cert_days;         /* fail when a certificate expires sooner */
};

/* Odoo: /web/health, /web/login, the websocket upgrade on /websocket. */
void health_odoo(const char *base, const struct http_opts *h, struct checks *c);
/* Keycloak: the realm's OpenID discovery (and its issuer), and /health/ready
 * on the management URL when given. */
void health_keycloak(const char *base, const char *realm, const char *management, const struct http_opts *h,
		     struct checks *c);
/* TLS of an https URL: chain, host name, days to expiry. */
void health_tls(const char *url, const struct http_opts *h, struct checks *c);

/* GET url: the status (or -1 with the transport error in err), the body in
 * *body (at most 1 MiB; the caller frees it). */
long http_get_body(const char *url, const struct http_opts *h, struct buf *body, char *err, size_t errlen);
/* base + path, without doubled slashes; malloc'd, NULL when out of memory. */
char *url_join(const char *base, const char *path);

/* The monitoring is live: through Prometheus's HTTP API at url, every
 * target of namespace ns is up and no alert of ns is firing. */
void health_monitoring(const char *url, const char *ns, const struct http_opts *h, struct checks *c);

struct perf_result {
	double seconds;
	size_t requests, errors;
	double rps, p50, p95, p99;     /* latencies in milliseconds */
};

struct perf_opts {
	const char *paths[VERIFY_MAX_PATHS];
	size_t npaths;
	int concurrency;
	double duration;
	double max_slowdown;       /* 0.10: the new one may be 10% worse */
};

/* The request mix against base for the duration; 0, or -1 if libcurl fails. */
int perf_run(const char *base, const struct perf_opts *p, const struct http_opts *h, struct perf_result *r);

#endif
