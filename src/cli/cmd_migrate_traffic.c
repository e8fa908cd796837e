/* kgenius migrate traffic: the old Traefik's configuration that forwards
 * the application's names to the cluster at the switch, and the DNS plan
 * around it (src/migrate/traffic.c). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "migrate/migrate.h"

void help_migrate_traffic(FILE *out)
{
	fputs("usage: kgenius migrate traffic --domain DOMAIN --to ADDRESS -o FILE [options]\n\n"
	      "Writes the old host's Traefik (v2 or v3) dynamic configuration that forwards erp.DOMAIN and\n"
	      "auth.DOMAIN to the cluster's load balancer ADDRESS (HTTPS passed through by SNI, HTTP with its\n"
	      "Host header), and prints the plan: lower the DNS TTL first, install FILE at the cutover's switch\n"
	      "point (--hook), then move DNS, so that every request reaches the new deployment wherever DNS\n"
	      "points.\n\n"
	      "Options:\n"
	      "  --https-entrypoint NAME   the old Traefik's HTTPS entry point (default websecure)\n"
	      "  --http-entrypoint NAME    its HTTP entry point (default web)\n"
	      "  --dns-ttl SECONDS         the records' current TTL (default 3600)\n\n"
	      "Exit status: 0 written, 2 usage, 3 the file cannot be written.\n", out);
}

int cmd_migrate_traffic(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"domain", required_argument, NULL, 1},
		{"to", required_argument, NULL, 2},
		{"https-entrypoint", required_argument, NULL, 3},
		{"http-entrypoint", required_argument, NULL, 4},
		{"dns-ttl", required_argument, NULL, 5},
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct traffic_opts t = {NULL, NULL, "websecure", "web", 3600};
	const char *file = NULL;
	struct buf conf = BUF_INIT, plan = BUF_INIT;
	struct diags d;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		switch (c) {
		case 1: t.domain = optarg; break;
		case 2: t.to = optarg; break;
		case 3: t.https_entrypoint = optarg; break;
		case 4: t.http_entrypoint = optarg; break;
		case 5:
			t.old_ttl = atoi(optarg);
			if (t.old_ttl < 1)
				return migrate_usage_error("--dns-ttl takes a number of seconds");
			break;
		case 'o': file = optarg; break;
		case 'h': help_migrate_traffic(stdout); return KG_EXIT_OK;
		case ':': return migrate_usage_error("an option needs a value");
		default: return migrate_usage_error("unknown option");
		}
	}
	if (!t.domain || !t.to || !file || optind != argc)
		return migrate_usage_error("give --domain, --to and -o FILE");
	diags_init(&d);
	rc = traffic_check(&t, &d) == 0 ? KG_EXIT_OK : KG_EXIT_BAD_INPUT;
	if (rc == KG_EXIT_OK) {
		traffic_config(&t, &conf);
		traffic_plan(&t, file, &plan);
		rc = conf.failed || plan.failed ? KG_EXIT_ENV : cli_write_output(file, conf.data, conf.len, 0644);
		/* With -o -, the configuration takes standard output and the plan stderr. */
		if (rc == KG_EXIT_OK)
			rc = strcmp(file, "-") == 0 ? (fputs(plan.data, stderr) >= 0 ? KG_EXIT_OK : KG_EXIT_ENV)
						    : cli_write_output(NULL, plan.data, plan.len, 0);
	}
	if (cli_report(cli, &d) != KG_EXIT_OK && rc == KG_EXIT_OK)
		rc = KG_EXIT_ENV;
	buf_free(&conf);
	buf_free(&plan);
	diags_free(&d);
	return rc;
}
