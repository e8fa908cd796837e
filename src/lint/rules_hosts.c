/* Host names the API server and clients accept: an Ingress's hosts, an
 * HTTPRoute's and a Gateway listener's hostnames, and KC_HOSTNAME (checked
 * from rules_server.c's pass over the containers) must be DNS
 * names (RFC 1123 subdomains, lower case, as the API server validates
 * Ingress hosts: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-subdomain-names),
 * optionally with a leading "*." where a wildcard is allowed. */
#include <ctype.h>
#include <string.h>

#include "lint/internal.h"

static bool label_ok(const char *s, size_t len)
{
	if (len < 1 || len > 63 || s[0] == '-' || s[len - 1] == '-')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-'))
			return false;
	return true;
}

/* Whether host (len bytes) is a DNS subdomain; "*." first when wildcard. */
static bool dns_name_ok(const char *host, size_t len, bool wildcard)
{
	if (wildcard && len > 2 && strncmp(host, "*.", 2) == 0) {
		host += 2;
		len -= 2;
	}
	if (len < 1 || len > 253)
		return false;
	while (len) {
		const char *dot = memchr(host, '.', len);
		size_t n = dot ? (size_t)(dot - host) : len;

		if (!label_ok(host, n))
			return false;
		host += n + (dot ? 1 : 0);
		len -= n + (dot ? 1 : 0);
		if (dot && !len)
			return false;  /* a trailing dot */
	}
	return true;
}

static void check_host(struct lint_run *r, const struct ynode *node, const char *what, bool wildcard)
{
	const char *h = y_text(node);

	if (h && !dns_name_ok(h, strlen(h), wildcard))
		lint_report(r, "APP017", &node->pos, "%s \"%s\" is not a DNS name (lower-case letters, digits, - and ., "
						     "labels of 1 to 63 characters%s): the API server or the clients refuse it",
			    what, h, wildcard ? ", an optional leading *." : "");
}

static void each_host(struct lint_run *r, const struct ynode *list, const char *what)
{
	for (size_t i = 0; list && list->kind == Y_SEQ && i < list->n; i++)
		check_host(r, list->items[i], what, true);
}

/* KC_HOSTNAME: a host name, or (Keycloak 25+) a URL whose host is one. */
void keycloak_hostname(struct lint_run *r, const struct ynode *c)
{
	const struct ynode *env = y_get(c, "env");

	for (size_t i = 0; env && env->kind == Y_SEQ && i < env->n; i++) {
		const char *n = y_text(y_get(env->items[i], "name"));
		const struct ynode *v = y_get(env->items[i], "value");
		const char *h = y_text(v), *scheme;
		size_t len;

		if (!n || !h || strcmp(n, "KC_HOSTNAME") != 0)
			continue;
		scheme = strstr(h, "://");
		if (scheme)
			h = scheme + 3;
		len = strcspn(h, ":/");
		if (!dns_name_ok(h, len, false))
			lint_report(r, "APP017", &v->pos, "KC_HOSTNAME \"%s\" does not name a DNS host: Keycloak builds its "
							  "URLs and token issuer from it", y_text(v));
	}
}

void rules_hosts(struct lint_run *r, const struct ynode *doc)
{
	const char *kind = y_text(y_get(doc, "kind"));
	const struct ynode *spec;

	if (!kind || (strcmp(kind, "Ingress") != 0 && strcmp(kind, "HTTPRoute") != 0 && strcmp(kind, "Gateway") != 0))
		return;
	spec = y_get(doc, "spec");
	if (strcmp(kind, "Ingress") == 0) {
		const struct ynode *rules = y_get(spec, "rules"), *tls = y_get(spec, "tls");

		for (size_t i = 0; rules && rules->kind == Y_SEQ && i < rules->n; i++)
			if (y_get(rules->items[i], "host"))
				check_host(r, y_get(rules->items[i], "host"), "Ingress host", true);
		for (size_t i = 0; tls && tls->kind == Y_SEQ && i < tls->n; i++)
			each_host(r, y_get(tls->items[i], "hosts"), "TLS host");
	} else if (strcmp(kind, "HTTPRoute") == 0)
		each_host(r, y_get(spec, "hostnames"), "HTTPRoute hostname");
	else if (strcmp(kind, "Gateway") == 0) {
		const struct ynode *ls = y_get(spec, "listeners");
		for (size_t i = 0; ls && ls->kind == Y_SEQ && i < ls->n; i++)
			if (y_get(ls->items[i], "hostname"))
				check_host(r, y_get(ls->items[i], "hostname"), "Gateway listener hostname", true);
	}
}
