/* The way the traffic moves at cutover. DNS for erp.<domain> and
 * auth.<domain> keeps pointing at the old host for the record's TTL after
 * the switch, so users would land on a fenced Odoo. The plan:
 *   - before: lower the TTL, at least the old TTL ahead of the cutover;
 *   - at the switch (the cutover's --hook): the old host's Traefik forwards
 *     both names to the cluster's load balancer, from a dynamic
 *     configuration file its file provider watches; so every request
 *     reaches the new deployment wherever DNS points;
 *   - then: DNS points at the load balancer; the forward stays until the
 *     old TTL has passed, then goes.
 * HTTPS is passed through by SNI (a TCP router with tls.passthrough), so
 * the cluster's own certificate and the websocket reach the client
 * unchanged; TCP routers on an entry point apply before its HTTP routers
 * (https://doc.traefik.io/reference/routing-configuration/tcp/routing/router).
 * Plain HTTP is forwarded with its Host header at a priority above the
 * project's own routers, so that cert-manager's HTTP-01 challenges reach
 * the cluster before DNS moves. Traefik v2 and v3 read this file; Traefik
 * v1 has another format. */
#include "migrate/migrate.h"

#include <ctype.h>
#include <string.h>

/* Letters, digits, '-' and '.', as a DNS name or an IPv4 address; an IPv6
 * address in brackets. Nothing that could end a Traefik rule's backquotes. */
static bool plain_host(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 253)
		return false;
	if (s[0] == '[')
		return n > 2 && s[n - 1] == ']' && strspn(s + 1, "0123456789abcdefABCDEF:") == n - 2;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.')
			return false;
	return s[0] != '.' && s[0] != '-';
}

static bool entrypoint_name(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < 64 && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == n;
}

int traffic_check(const struct traffic_opts *t, struct diags *d)
{
	if (!entrypoint_name(t->https_entrypoint) || !entrypoint_name(t->http_entrypoint)) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){"--https-entrypoint", 0, 0},
			 "give the names of the old Traefik's entry points (letters, digits, '-', '_')",
			 "%s or %s is not an entry point name", t->https_entrypoint, t->http_entrypoint);
		return -1;
	}
	if (!plain_host(t->domain))
		diag_add(d, DIAG_ERROR, &(struct srcpos){"--domain", 0, 0}, "give the domain, for example example.com",
			 "%s is not a domain name", t->domain);
	if (!plain_host(t->to))
		diag_add(d, DIAG_ERROR, &(struct srcpos){"--to", 0, 0},
			 "give the load balancer's address (kubectl get svc -A -o wide shows its EXTERNAL-IP)",
			 "%s is not a host name or an address", t->to);
	return plain_host(t->domain) && plain_host(t->to) ? 0 : -1;
}

static void tcp_part(const struct traffic_opts *t, const char *const *names, struct buf *b)
{
	buf_puts(b, "tcp:\n  routers:\n");
	for (size_t i = 0; names[i]; i++)
		buf_printf(b, "    kgenius-%s-https:\n      entryPoints: [\"%s\"]\n      rule: \"HostSNI(`%s.%s`)\"\n"
			      "      service: kgenius-cluster-https\n      tls:\n        passthrough: true\n",
			   names[i], t->https_entrypoint, names[i], t->domain);
	buf_printf(b, "  services:\n    kgenius-cluster-https:\n      loadBalancer:\n        servers:\n"
		      "          - address: \"%s:443\"\n", t->to);
}

static void http_part(const struct traffic_opts *t, const char *const *names, struct buf *b)
{
	buf_puts(b, "http:\n  routers:\n");
	for (size_t i = 0; names[i]; i++)
		buf_printf(b, "    kgenius-%s-http:\n      entryPoints: [\"%s\"]\n      rule: \"Host(`%s.%s`)\"\n"
			      "      priority: 100000\n      service: kgenius-cluster-http\n",
			   names[i], t->http_entrypoint, names[i], t->domain);
	buf_printf(b, "  services:\n    kgenius-cluster-http:\n      loadBalancer:\n        passHostHeader: true\n"
		      "        servers:\n          - url: \"http://%s\"\n", t->to);
}

void traffic_config(const struct traffic_opts *t, struct buf *b)
{
	static const char *const names[] = {"erp", "auth", NULL};

	buf_printf(b, "# Written by kgenius migrate traffic: erp.%s and auth.%s forwarded to the cluster's load\n"
		      "# balancer %s. Put it where the old host's Traefik (v2 or v3) file provider watches, at the\n"
		      "# cutover's switch point; remove it once DNS has pointed at %s for longer than the old TTL.\n",
		   t->domain, t->domain, t->to, t->to);
	tcp_part(t, names, b);
	http_part(t, names, b);
}

void traffic_plan(const struct traffic_opts *t, const char *file, struct buf *b)
{
	buf_printf(b, "traffic plan for erp.%s and auth.%s -> %s\n", t->domain, t->domain, t->to);
	buf_printf(b, "  1. now, at least %d s (the records' current TTL) before the cutover: lower the TTL of both\n"
		      "     records to 60 s at the DNS provider (dig +noall +answer erp.%s shows the current one);\n",
		   t->old_ttl, t->domain);
	buf_printf(b, "  2. at the switch: the cutover's hook copies %s into the directory the old Traefik's file\n"
		      "     provider watches (providers.file.directory, watch: true), for example\n"
		      "       --hook 'cp %s /etc/traefik/dynamic/ && kubectl -n erp scale deploy/odoo --replicas=2'\n"
		      "     from then on every request reaching the old host is passed to the cluster;\n",
		   file, file);
	buf_printf(b, "  3. then point both records at %s; after 60 s more clients arrive directly, and after %d s\n"
		      "     (the old TTL, for resolvers that cached it before step 1) remove the file from the old host.\n",
		   t->to, t->old_ttl);
}
