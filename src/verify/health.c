/* Health of the new deployment, asked over HTTP with libcurl: Odoo's health
 * and login pages and its websocket upgrade, Keycloak's discovery document
 * and readiness, and the TLS certificates in front of them. */
#include "verify/verify.h"
#include "yaml/parse.h"

#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void check_add(struct checks *c, const char *group, const char *name, bool ok, const char *fmt, ...)
{
	struct check *k;
	va_list ap;

	if (c->n >= VERIFY_MAX_CHECKS)
		return;
	k = &c->v[c->n++];
	snprintf(k->group, sizeof(k->group), "%s", group);
	snprintf(k->name, sizeof(k->name), "%s", name);
	k->ok = ok;
	va_start(ap, fmt);
	vsnprintf(k->detail, sizeof(k->detail), fmt, ap);
	va_end(ap);
}

static int keep_root(struct ynode *root, int index, void *user)
{
	if (index == 0)
		*(struct ynode **)user = root;
	return 0;
}

struct response {
	long status;
	struct buf body;
	bool upgraded;             /* a 101 was seen: the transfer is stopped there */
};

#define BODY_MAX (1024 * 1024)
#define DISCOVERY_MAX (64 * 1024)

static size_t on_body(char *p, size_t size, size_t n, void *user)
{
	struct response *r = user;

	if (r->body.len + size * n <= BODY_MAX)
		buf_append(&r->body, p, size * n);
	return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *user)
{
	struct response *r = user;

	/* a websocket upgrade answers 101 and then speaks another protocol */
	if (size * n >= 12 && memcmp(p, "HTTP/1.1 101", 12) == 0) {
		r->upgraded = true;
		r->status = 101;
		return 0;
	}
	return size * n;
}

static CURL *easy(const char *url, const struct http_opts *h, struct response *r)
{
	CURL *c = curl_easy_init();

	if (!c)
		return NULL;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, h->timeout_ms);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "kgenius-verify");
	if (h->cacert)
		curl_easy_setopt(c, CURLOPT_CAINFO, h->cacert);
	return c;
}

/* GET url; the status, or -1 with the transport error in err. */
static long get(const char *url, const struct http_opts *h, struct curl_slist *headers, struct response *r, char *err,
		size_t errlen)
{
	CURL *c = easy(url, h, r);
	CURLcode rc;

	if (!c) {
		snprintf(err, errlen, "libcurl cannot start");
		return -1;
	}
	if (headers)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	else if (!(r->upgraded && rc == CURLE_WRITE_ERROR)) {
		snprintf(err, errlen, "%s", curl_easy_strerror(rc));
		r->status = -1;
	}
	curl_easy_cleanup(c);
	return r->status;
}

static char *join_url(const char *base, const char *path)
{
	char *s = NULL;
	size_t n = strlen(base);

	while (n > 0 && base[n - 1] == '/')
		n--;
	if (asprintf(&s, "%.*s%s", (int)n, base, path) < 0)
		return NULL;
	return s;
}

static void expect(struct checks *c, const char *group, const char *name, const char *url, long want,
		   const char *body_has, const struct http_opts *h, struct curl_slist *headers)
{
	struct response r = {0, BUF_INIT, false};
	char err[256] = "";
	long status = get(url, h, headers, &r, err, sizeof(err));
	const char *body = r.body.data ? r.body.data : "";

	if (status < 0)
		check_add(c, group, name, false, "%s: %s", url, err);
	else if (status != want)
		check_add(c, group, name, false, "%s answered %ld, expected %ld", url, status, want);
	else if (body_has && !strstr(body, body_has))
		check_add(c, group, name, false, "%s answered %ld without %s", url, status, body_has);
	else
		check_add(c, group, name, true, "%s answered %ld", url, status);
	buf_free(&r.body);
}

void health_odoo(const char *base, const struct http_opts *h, struct checks *c)
{
	char *health = join_url(base, "/web/health"), *login = join_url(base, "/web/login"), *ws = join_url(base, "/websocket");
	struct curl_slist *upgrade = NULL;

	upgrade = curl_slist_append(upgrade, "Connection: Upgrade");
	upgrade = curl_slist_append(upgrade, "Upgrade: websocket");
	upgrade = curl_slist_append(upgrade, "Sec-WebSocket-Version: 13");
	upgrade = curl_slist_append(upgrade, "Sec-WebSocket-Key: a2dlbml1cy12ZXJpZnkhIQ==");
	if (health && login && ws && upgrade) {
		expect(c, "health", "odoo /web/health", health, 200, "pass", h, NULL);
		expect(c, "health", "odoo /web/login", login, 200, "<form", h, NULL);
		expect(c, "health", "odoo websocket upgrade", ws, 101, NULL, h, upgrade);
	}
	curl_slist_free_all(upgrade);
	free(health);
	free(login);
	free(ws);
}

/* The "issuer" of a discovery document, or NULL; in a static buffer. */
static const char *issuer_of(const char *json, size_t len)
{
	static __thread char issuer[512];
	struct arena a;
	struct diags quiet;
	struct ynode *root = NULL;
	const char *v;

	issuer[0] = '\0';
	arena_init(&a, 16u * 1024 * 1024);
	diags_init(&quiet);
	if (yaml_parse_stream(&a, &quiet, "discovery", json, len, &yaml_default_limits, keep_root, &root) == 0 && root &&
	    (v = y_text(y_get(root, "issuer"))) != NULL)
		snprintf(issuer, sizeof(issuer), "%s", v);
	diags_free(&quiet);
	arena_free(&a);
	return issuer[0] ? issuer : NULL;
}

void health_keycloak(const char *base, const char *realm, const char *management, const struct http_opts *h,
		     struct checks *c)
{
	char *path = NULL, *url;

	if (asprintf(&path, "/realms/%s/.well-known/openid-configuration", realm) < 0)
		return;
	url = join_url(base, path);
	/* the issuer must be the public URL: tokens carry it, and clients compare it */
	if (url) {
		struct response r = {0, BUF_INIT, false};
		char err[256] = "";
		long status = get(url, h, NULL, &r, err, sizeof(err));
		const char *body = r.body.data ? r.body.data : "";
		char want[600];
		/* a discovery document is a few KiB; parsing a large hostile one
		 * would cost far more memory than its size */
		bool too_large = r.body.len > DISCOVERY_MAX;
		const char *got = too_large ? NULL : issuer_of(body, r.body.len);
		size_t bl = strlen(base);

		while (bl > 0 && base[bl - 1] == '/')
			bl--;
		snprintf(want, sizeof(want), "%.*s/realms/%s", (int)bl, base, realm);
		if (status < 0)
			check_add(c, "health", "keycloak discovery", false, "%s: %s", url, err);
		else if (status != 200)
			check_add(c, "health", "keycloak discovery", false, "%s answered %ld, expected 200", url, status);
		else if (too_large)
			check_add(c, "health", "keycloak discovery", false,
				  "%s answered more than %d KiB, not a discovery document; check the URL", url, DISCOVERY_MAX >> 10);
		else if (!got || strcmp(got, want) != 0)
			check_add(c, "health", "keycloak discovery", false,
				  "%s: the issuer is not %.*s/realms/%s; tokens issued before the move will be refused "
				  "(set KC_HOSTNAME to the public URL)", url, (int)bl, base, realm);
		else
			check_add(c, "health", "keycloak discovery", true, "%s answered 200 with the issuer %.*s/realms/%s", url,
				  (int)bl, base, realm);
		buf_free(&r.body);
	}
	free(url);
	free(path);
	if (management) {
		char *ready = join_url(management, "/health/ready");

		if (ready)
			expect(c, "health", "keycloak /health/ready", ready, 200, "UP", h, NULL);
		free(ready);
	}
}

/* "Jan  1 00:00:00 2030 GMT" as curl's certinfo gives it. */
static time_t parse_cert_date(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (!strptime(s, "%b %d %H:%M:%S %Y", &tm))
		return (time_t)-1;
	return timegm(&tm);
}

void health_tls(const char *url, const struct http_opts *h, struct checks *c)
{
	struct response r = {0, BUF_INIT, false};
	struct curl_certinfo *ci = NULL;
	CURL *e = easy(url, h, &r);
	char name[160];
	CURLcode rc;

	snprintf(name, sizeof(name), "certificate of %s", url);
	if (!e)
		return;
	curl_easy_setopt(e, CURLOPT_CERTINFO, 1L);
	curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	rc = curl_easy_perform(e);
	if (rc != CURLE_OK) {
		check_add(c, "tls", name, false, "%s (the chain, the host name or the dates do not hold)", curl_easy_strerror(rc));
	} else if (curl_easy_getinfo(e, CURLINFO_CERTINFO, &ci) != CURLE_OK || !ci || ci->num_of_certs < 1) {
		check_add(c, "tls", name, false, "no certificate information from libcurl");
	} else {
		time_t expires = (time_t)-1;

		for (struct curl_slist *s = ci->certinfo[0]; s; s = s->next)
			if (strncmp(s->data, "Expire date:", 12) == 0)
				expires = parse_cert_date(s->data + 12 + strspn(s->data + 12, " "));
		if (expires == (time_t)-1)
			check_add(c, "tls", name, false, "no expiry date in the certificate");
		else {
			double days = difftime(expires, time(NULL)) / 86400.0;

			check_add(c, "tls", name, days >= h->min_cert_days,
				  "valid for this host name, expires in %.0f days%s", days,
				  days >= h->min_cert_days ? "" : ": renew it (cert-manager renews 30 days before)");
		}
	}
	curl_easy_cleanup(e);
	buf_free(&r.body);
}

long http_get_body(const char *url, const struct http_opts *h, struct buf *body, char *err, size_t errlen)
{
	struct response r = {0, BUF_INIT, false};
	long status = get(url, h, NULL, &r, err, errlen);

	*body = r.body;
	return status;
}

char *url_join(const char *base, const char *path)
{
	return join_url(base, path);
}
