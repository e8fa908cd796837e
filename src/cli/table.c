/* The commands of `kgenius`: migrate and verify, which talk to running
 * services, are in kgenius-online (src/cli/online.c says why). */
#include "cli/cli.h"

const char kg_migrate_summary[] =
	"move the data into the cluster: databases (plan, copy, verify, online cutover, rollback), filestore, Keycloak "
	"export, traffic";
const char kg_verify_summary[] =
	"check the new deployment: data against the source, health, TLS, performance against Compose";

const struct command kg_commands[] = {
	{"compose", "read a Compose project and print the resolved model (compose config)", cmd_compose, NULL,
	 {&compose_command}, NULL},
	{"convert", "write the Kubernetes manifests for a Compose project (DigitalOcean Kubernetes)", cmd_convert, NULL,
	 {&convert_command}, NULL},
	{"lint", "check Kubernetes manifests: schema, security, reliability, cross-resource, Odoo/Keycloak/PostgreSQL",
	 cmd_lint, NULL, {&lint_command}, NULL},
	{"diagnose", "explain failures from kubectl output and logs, down to the manifest or Compose line", cmd_diagnose,
	 NULL, {&diagnose_command}, NULL},
	{"migrate", kg_migrate_summary, NULL, cli_run_online, {NULL}, NULL},
	{"verify", kg_verify_summary, NULL, cli_run_online, {NULL}, NULL},
	{"help", "show help for kgenius or for one command", NULL, cmd_help, {NULL}, "usage: kgenius help [<command>]\n"},
	{"version", "print the version", NULL, cmd_version, {NULL}, "usage: kgenius version\n"},
	{NULL, NULL, NULL, NULL, {NULL}, NULL},
};
