/* The monitoring is live: Prometheus's HTTP API
 * (https://prometheus.io/docs/prometheus/latest/querying/api/) asked for the
 * scrape targets of the namespace (up) and its firing alerts (ALERTS). The
 * alerts convert writes carry the namespace label, so both queries select
 * by it. */
#include "verify/verify.h"
#include "yaml/parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Enough for a query's answer about one namespace; more is cut short and
 * fails to parse, which the check reports. */
#define ANSWER_ARENA (16u * 1024 * 1024)

static int keep_first(struct ynode *root, int index, void *user)
{
	if (index == 0)
		*(struct ynode **)user = root;
	return 0;
}

/* RFC 3986: everything but the unreserved characters percent-encoded. */
static void percent_encode(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || strchr("-._~", ch))
			buf_putc(b, (char)ch);
		else
			buf_printf(b, "%%%02X", ch);
	}
}

/* Runs an instant query; the result list, or NULL with the reason in err. */
static const struct ynode *instant_query(const char *base, const char *promql, const struct http_opts *h,
					 struct arena *a, char *err, size_t errlen)
{
	struct buf path = BUF_INIT, body = BUF_INIT;
	struct diags quiet;
	struct ynode *root = NULL;
	const struct ynode *result = NULL;
	char *url;
	long status;

	buf_puts(&path, "/api/v1/query?query=");
	percent_encode(&path, promql);
	url = path.failed ? NULL : url_join(base, buf_cstr(&path));
	buf_free(&path);
	if (!url) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	status = http_get_body(url, h, &body, err, errlen);
	diags_init(&quiet);
	if (status >= 0 && status != 200)
		snprintf(err, errlen, "%s answered %ld, expected 200", url, status);
	else if (status == 200 &&
		 (yaml_parse_stream(a, &quiet, "prometheus", body.data ? body.data : "", body.len, &yaml_default_limits,
				    keep_first, &root) != 0 || !root ||
		  !(result = y_get(y_get(root, "data"), "result")) || result->kind != Y_SEQ)) {
		snprintf(err, errlen, "%s did not answer with a Prometheus query result", url);
		result = NULL;
	}
	diags_free(&quiet);
	buf_free(&body);
	free(url);
	return result;
}

static const char *label(const struct ynode *sample, const char *name)
{
	const char *v = y_text(y_get(y_get(sample, "metric"), name));

	return v ? v : "";
}

static void targets_up(const char *base, const char *ns, const struct http_opts *h, struct checks *c)
{
	struct arena a;
	char err[300] = "", query[200], down[300] = "";
	const struct ynode *result;
	size_t up = 0, ndown = 0;

	arena_init(&a, ANSWER_ARENA);
	snprintf(query, sizeof(query), "up{namespace=\"%s\"}", ns);
	result = instant_query(base, query, h, &a, err, sizeof(err));
	for (size_t i = 0; result && i < result->n; i++) {
		const struct ynode *value = y_get(result->items[i], "value");
		const char *v = value && value->kind == Y_SEQ && value->n == 2 ? y_text(value->items[1]) : NULL;
		size_t used = strlen(down);

		if (v && strcmp(v, "1") == 0) {
			up++;
			continue;
		}
		if (ndown++ < 3 && used < sizeof(down))
			snprintf(down + used, sizeof(down) - used, "%s%s %s", used ? ", " : "", label(result->items[i], "job"),
				 label(result->items[i], "pod")[0] ? label(result->items[i], "pod")
								  : label(result->items[i], "instance"));
	}
	if (!result)
		check_add(c, "monitoring", "prometheus targets", false, "%s", err);
	else if (up + ndown == 0)
		check_add(c, "monitoring", "prometheus targets", false,
			  "no scrape target in namespace %s: Prometheus does not select the PodMonitors (their release label) "
			  "or the pods are not running", ns);
	else
		check_add(c, "monitoring", "prometheus targets", ndown == 0, "%zu of %zu targets in namespace %s up%s%s", up,
			  up + ndown, ns, ndown ? "; down: " : "", down);
	arena_free(&a);
}

static void no_alert_firing(const char *base, const char *ns, const struct http_opts *h, struct checks *c)
{
	struct arena a;
	char err[300] = "", query[200], names[300] = "";
	const struct ynode *result;

	arena_init(&a, ANSWER_ARENA);
	snprintf(query, sizeof(query), "ALERTS{alertstate=\"firing\",namespace=\"%s\"}", ns);
	result = instant_query(base, query, h, &a, err, sizeof(err));
	for (size_t i = 0; result && i < result->n && i < 5; i++) {
		size_t used = strlen(names);

		if (used < sizeof(names))
			snprintf(names + used, sizeof(names) - used, "%s%s", used ? ", " : "",
				 label(result->items[i], "alertname"));
	}
	if (!result)
		check_add(c, "monitoring", "alerts", false, "%s", err);
	else
		check_add(c, "monitoring", "alerts", result->n == 0, result->n ? "%zu alerts firing in namespace %s: %s%s"
										 : "%zu alerts firing in namespace %s%s%s",
			  result->n, ns, names, result->n > 5 ? ", ..." : "");
	arena_free(&a);
}

void health_monitoring(const char *url, const char *ns, const struct http_opts *h, struct checks *c)
{
	targets_up(url, ns, h, c);
	no_alert_firing(url, ns, h, c);
}
