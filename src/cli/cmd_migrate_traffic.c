/* kgenius migrate traffic: the old Traefik's configuration that forwards
 * the application's names to the cluster at the switch, and the DNS plan
 * around it (src/migrate/traffic.c). */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "migrate/migrate.h"

struct traffic_args {
	struct traffic_opts t;
	const char *file;
};

#define F(field) offsetof(struct traffic_args, field)
static const struct opt_spec traffic_specs[] = {
	{.name = "domain", .arg = "DOMAIN", .field = F(t.domain), .help = "erp.DOMAIN and auth.DOMAIN are forwarded"},
	{.name = "to", .arg = "ADDRESS", .field = F(t.to),
	 .help = "the cluster's load balancer: an address or a host name"},
	{.name = "output", .short_name = 'o', .arg = "FILE", .field = F(file),
	 .help = "where the configuration goes (- for standard output; the plan then goes to stderr)"},
	{.name = "https-entrypoint", .arg = "NAME", .field = F(t.https_entrypoint),
	 .help = "the old Traefik's HTTPS entry point", .def = "websecure"},
	{.name = "http-entrypoint", .arg = "NAME", .field = F(t.http_entrypoint), .help = "its HTTP entry point",
	 .def = "web"},
	{.name = "dns-ttl", .arg = "SECONDS", .kind = OPTION_INT, .field = F(t.old_ttl),
	 .help = "the records' current TTL", .def = "3600", .min = 1, .max = 604800},
	{0},
};
#undef F

const struct opt_command migrate_traffic_command = {
	"migrate traffic",
	"usage: kgenius migrate traffic --domain DOMAIN --to ADDRESS -o FILE [options]\n\n"
	"Writes the old host's Traefik (v2 or v3) dynamic configuration that forwards erp.DOMAIN and\n"
	"auth.DOMAIN to the cluster's load balancer ADDRESS (HTTPS passed through by SNI, HTTP with its\n"
	"Host header), and prints the plan: lower the DNS TTL first, install FILE at the cutover's switch\n"
	"point (--hook), then move DNS, so that every request reaches the new deployment wherever DNS\n"
	"points.\n",
	(const struct opt_section[]){{"Options", traffic_specs, 0}, {NULL, NULL, 0}},
	"\nExit status: 0 written, 2 usage, 3 the file cannot be written.\n",
	sizeof(struct traffic_args), NULL,
};

/* The configuration to the file, the plan to stdout (stderr with -o -). */
static int write_both(const char *file, const struct buf *conf, const struct buf *plan)
{
	int rc = cli_write_buf(file, conf, 0644);

	if (rc != KG_EXIT_OK)
		return rc;
	if (strcmp(file, "-") == 0)
		return fputs(plan->data ? plan->data : "", stderr) >= 0 ? KG_EXIT_OK : KG_EXIT_ENV;
	return cli_write_buf(NULL, plan, 0);
}

int cmd_migrate_traffic(struct cli *cli, void *args, int nops, char **ops)
{
	struct traffic_args *a = args;
	struct buf conf = BUF_INIT, plan = BUF_INIT;
	struct diags d;
	int rc;

	if (nops > 0)
		return opt_usage_error(&migrate_traffic_command, "unexpected argument '%s'", ops[0]);
	if (!a->t.domain || !a->t.to || !a->file)
		return opt_usage_error(&migrate_traffic_command, "give --domain, --to and -o FILE");
	diags_init(&d);
	rc = traffic_check(&a->t, &d) == 0 ? KG_EXIT_OK : KG_EXIT_BAD_INPUT;
	if (rc == KG_EXIT_OK) {
		traffic_config(&a->t, &conf);
		traffic_plan(&a->t, a->file, &plan);
		rc = write_both(a->file, &conf, &plan);
	}
	if (cli_report(cli, &d) != KG_EXIT_OK && rc == KG_EXIT_OK)
		rc = KG_EXIT_ENV;
	buf_free(&conf);
	buf_free(&plan);
	diags_free(&d);
	return rc;
}
