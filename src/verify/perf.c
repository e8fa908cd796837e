/* The same request mix against a base URL for a fixed time: `concurrency`
 * requests in flight at once through libcurl's multi interface, the paths
 * taken in turn, each latency kept for the percentiles. */
#include "verify/verify.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"

#define MAX_CONCURRENCY 256
#define MAX_SAMPLES 2000000

static size_t discard(char *p, size_t size, size_t n, void *user)
{
	(void)p;
	(void)user;
	return size * n;
}

struct slot {
	CURL *easy;
	double started;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double percentile(const double *v, size_t n, double p)
{
	size_t i;

	if (n == 0)
		return 0;
	i = (size_t)(p * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

static void start(CURLM *m, struct slot *s, const char *base, const struct perf_opts *p, const struct http_opts *h,
		  size_t seq)
{
	char url[2048];
	size_t bl = strlen(base);

	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	snprintf(url, sizeof(url), "%.*s%s", (int)bl, base, p->paths[seq % p->npaths]);
	curl_easy_setopt(s->easy, CURLOPT_URL, url);
	curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(s->easy, CURLOPT_TIMEOUT_MS, h->timeout_ms);
	curl_easy_setopt(s->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->easy, CURLOPT_PRIVATE, s);
	if (h->cacert)
		curl_easy_setopt(s->easy, CURLOPT_CAINFO, h->cacert);
	s->started = clock_seconds();
	curl_multi_add_handle(m, s->easy);
}

int perf_run(const char *base, const struct perf_opts *p, const struct http_opts *h, struct perf_result *r)
{
	int conc = p->concurrency < 1 ? 1 : p->concurrency > MAX_CONCURRENCY ? MAX_CONCURRENCY : p->concurrency;
	struct slot slots[MAX_CONCURRENCY];
	double *lat = malloc(sizeof(double) * 1024), t0, end;
	size_t cap = 1024, seq = 0;
	CURLM *m = curl_multi_init();
	int running = 0, rc = -1;

	memset(r, 0, sizeof(*r));
	memset(slots, 0, sizeof(slots));
	if (!m || !lat || p->npaths == 0)
		goto out;
	t0 = clock_seconds();
	end = t0 + p->duration;
	for (int i = 0; i < conc; i++) {
		slots[i].easy = curl_easy_init();
		if (!slots[i].easy)
			goto out;
		start(m, &slots[i], base, p, h, seq++);
	}
	do {
		CURLMsg *msg;
		int left;

		if (curl_multi_perform(m, &running) != CURLM_OK || curl_multi_poll(m, NULL, 0, 100, NULL) != CURLM_OK)
			goto out;
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			struct slot *s = NULL;
			long status = 0;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
			curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
			curl_multi_remove_handle(m, msg->easy_handle);
			r->requests++;
			if (msg->data.result != CURLE_OK || status < 200 || status >= 400)
				r->errors++;
			if (r->requests <= MAX_SAMPLES) {
				if (r->requests > cap) {
					double *bigger = realloc(lat, sizeof(double) * cap * 2);

					if (!bigger)
						goto out;
					lat = bigger;
					cap *= 2;
				}
				lat[r->requests - 1] = (clock_seconds() - s->started) * 1000.0;
			}
			if (clock_seconds() < end)
				start(m, s, base, p, h, seq++);
		}
	} while (running > 0 || clock_seconds() < end);
	r->seconds = clock_seconds() - t0;
	{
		size_t n = r->requests < MAX_SAMPLES ? r->requests : MAX_SAMPLES;

		qsort(lat, n, sizeof(*lat), cmp_double);
		r->p50 = percentile(lat, n, 0.50);
		r->p95 = percentile(lat, n, 0.95);
		r->p99 = percentile(lat, n, 0.99);
	}
	r->rps = r->seconds > 0 ? (double)r->requests / r->seconds : 0;
	rc = 0;
out:
	for (int i = 0; i < conc; i++)
		if (slots[i].easy) {
			curl_multi_remove_handle(m, slots[i].easy);
			curl_easy_cleanup(slots[i].easy);
		}
	curl_multi_cleanup(m);
	free(lat);
	return rc;
}
