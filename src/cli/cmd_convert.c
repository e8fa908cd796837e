/* kgenius convert: Compose project in, Kubernetes manifests out. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/project_opts.h"
#include "compose/values.h"
#include "convert/convert.h"

struct convert_args {
	struct project_args pa;
	struct convert_options o;
};

/* The enum options are stored through an int. */
_Static_assert(sizeof(enum ingress_kind) == sizeof(int) && sizeof(enum secrets_mode) == sizeof(int) &&
		       sizeof(enum autoscaling_mode) == sizeof(int) && sizeof(enum postgres_mode) == sizeof(int) &&
		       sizeof(enum monitoring_mode) == sizeof(int),
	       "enum options are stored as int");

static const char *const ingress_kinds[] = {"traefik", "nginx", "gateway", NULL};
static const char *const secrets_modes[] = {"generate", "reference", NULL};
static const char *const autoscaling_modes[] = {"hpa", "keda", NULL};
static const char *const postgres_modes[] = {"statefulset", "cnpg", NULL};
static const char *const monitoring_modes[] = {"prometheus", "none", NULL};

static const char *parse_odoo_cpu(void *section, char *value)
{
	struct convert_options *o = section;
	const char *err;

	if (parse_cpus(value, &o->odoo_cpu, &err) != 0 || o->odoo_cpu < 0.5 || o->odoo_cpu > 64)
		return "takes a number of CPUs from 0.5 to 64";
	return NULL;
}

static const char *parse_odoo_memory(void *section, char *value)
{
	struct convert_options *o = section;
	const char *err;
	int64_t bytes;

	if (parse_bytes(value, &bytes, &err) != 0 || bytes < (1LL << 30))
		return "takes a size of at least 1g, like 4g";
	o->odoo_memory = bytes;
	return NULL;
}

/* RFC 3339 with its offset (a time without one is ambiguous in a restore):
 * YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM). */
static bool rfc3339_time(const char *s)
{
	static const char form[] = "dddd-dd-ddTdd:dd:dd";
	size_t i;

	for (i = 0; form[i]; i++)
		if (form[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != form[i])
			return false;
	if (s[i] == '.')
		for (i++; s[i] >= '0' && s[i] <= '9'; i++)
			;
	if (s[i] == 'Z')
		return s[i + 1] == '\0';
	return (s[i] == '+' || s[i] == '-') && strlen(s + i) == 6 && s[i + 3] == ':' &&
	       s[i + 1] >= '0' && s[i + 1] <= '9' && s[i + 2] >= '0' && s[i + 2] <= '9' &&
	       s[i + 4] >= '0' && s[i + 4] <= '9' && s[i + 5] >= '0' && s[i + 5] <= '9';
}

static const char *parse_recovery_time(void *section, char *value)
{
	struct convert_options *o = section;

	if (!rfc3339_time(value))
		return "must be an RFC 3339 time with its offset, for example 2026-11-27T09:30:00Z";
	o->recovery_target_time = value;
	return NULL;
}

#define F(field) offsetof(struct convert_options, field)
static const struct opt_spec convert_specs[] = {
	{.name = "output", .short_name = 'o', .arg = "DIR", .field = F(out_dir), .help = "output directory"},
	{.name = "namespace", .arg = "NS", .field = F(ns), .help = "namespace (default: the project name)"},
	{.name = "domain", .arg = "DOMAIN", .field = F(domain),
	 .help = "Odoo at erp.DOMAIN, Keycloak at auth.DOMAIN (default: the\nhosts of the Traefik labels)"},
	{.name = "storage-class", .arg = "CLASS", .field = F(storage_class),
	 .help = "PostgreSQL volume class, and the filestore's with one Odoo pod"},
	{.name = "rwx-storage-class", .arg = "CLASS", .field = F(rwx_storage_class),
	 .help = "ReadWriteMany class for the Odoo filestore when more than one\nOdoo pod runs"},
	{.name = "db-size", .arg = "SIZE", .field = F(db_size), .help = "PostgreSQL volume"},
	{.name = "filestore-size", .arg = "SIZE", .field = F(filestore_size), .help = "Odoo filestore volume"},
	{.name = "odoo-replicas", .arg = "N", .kind = OPTION_INT, .field = F(odoo_replicas),
	 .help = "minimum Odoo web pods", .min = 1, .max = 100},
	{.name = "odoo-max-replicas", .arg = "N", .kind = OPTION_INT, .field = F(odoo_max_replicas),
	 .help = "HPA maximum", .min = 1, .max = 100},
	{.name = "odoo-cpu", .arg = "CPUS", .kind = OPTION_CUSTOM,
	 .help = "Odoo CPU limit (default: Compose's deploy limit, else 2)", .parse = parse_odoo_cpu},
	{.name = "odoo-memory", .arg = "SIZE", .kind = OPTION_CUSTOM,
	 .help = "Odoo memory limit (default: Compose's deploy limit, else 4g)", .parse = parse_odoo_memory},
	{.name = "autoscaling", .kind = OPTION_ENUM, .field = F(autoscaling),
	 .help = "hpa: autoscaling/v2 on CPU; keda: a KEDA\n"
		 "ScaledObject on Odoo's busy workers, counted in PostgreSQL",
	 .choices = autoscaling_modes},
	{.name = "keda-namespace", .arg = "NS", .field = F(keda_namespace), .help = "where KEDA runs"},
	{.name = "keycloak-replicas", .arg = "N", .kind = OPTION_INT, .field = F(keycloak_replicas),
	 .help = "Keycloak pods", .min = 1, .max = 20},
	{.name = "postgres", .kind = OPTION_ENUM, .field = F(postgres),
	 .help = "statefulset: one PostgreSQL pod with nightly pg_dump;\n"
		 "cnpg: a CloudNativePG Cluster (replicas, failover, WAL archiving,\n"
		 "PgBouncer); never a StatefulSet with several replicas",
	 .choices = postgres_modes},
	{.name = "pg-instances", .arg = "N", .kind = OPTION_INT, .field = F(pg_instances),
	 .help = "CloudNativePG instances", .min = 2, .max = 9},
	{.name = "cnpg-namespace", .arg = "NS", .field = F(cnpg_namespace),
	 .help = "where the CloudNativePG operator runs"},
	{.name = "recovery-target-time", .arg = "T", .kind = OPTION_CUSTOM,
	 .help = "cnpg: postgres-recovery.yaml recovers to this RFC 3339 time\n(2026-11-27T09:30:00Z) instead of the end of the WAL",
	 .parse = parse_recovery_time},
	{.name = "pg-max-connections", .arg = "N", .kind = OPTION_INT, .field = F(pg_max_connections),
	 .help = "PostgreSQL max_connections (default: what the connection\nbudget needs, at least 200)", .min = 20,
	 .max = 10000},
	{.name = "ingress", .kind = OPTION_ENUM, .field = F(ingress),
	 .help = "traefik: Ingress and Middleware resources; nginx:\n"
		 "ingress-nginx annotations; gateway: Gateway API Gateway and\n"
		 "HTTPRoutes (DOKS ships Cilium's)",
	 .choices = ingress_kinds},
	{.name = "gateway-class", .arg = "NAME", .field = F(gateway_class),
	 .help = "GatewayClass for --ingress gateway"},
	{.name = "ingress-namespace", .arg = "NS", .field = F(ingress_namespace),
	 .help = "where the controller runs (default traefik, ingress-nginx,\nor kube-system for the gateway)"},
	{.name = "issuer-email", .arg = "EMAIL", .field = F(issuer_email),
	 .help = "Let's Encrypt account (default: Traefik's ACME e-mail)"},
	{.name = "secrets", .kind = OPTION_ENUM, .field = F(secrets),
	 .help = "generate: the values as files under secrets/ for kustomize's\nsecretGenerator (strong ones from the project, others from the\n"
		 "system's random source, kept across runs);\n"
		 "reference: no values, NOTES lists the Secrets to create",
	 .choices = secrets_modes},
	{.name = "backup-bucket", .arg = "NAME", .field = F(backup_bucket),
	 .help = "S3 bucket for backups (default PROJECT-backups)"},
	{.name = "backup-endpoint", .arg = "URL", .field = F(backup_endpoint), .help = "S3 endpoint"},
	{.name = "backup-retention-days", .arg = "N", .kind = OPTION_INT, .field = F(backup_retention_days),
	 .help = "days the backups are kept", .min = 1, .max = 3650},
	{.name = "monitoring", .kind = OPTION_ENUM, .field = F(monitoring), .choices = monitoring_modes,
	 .help = "prometheus: monitoring.yaml for the Prometheus Operator\n(metrics endpoints, monitors, alerts, dashboards); none: no\nmonitoring"},
	{.name = "monitoring-namespace", .arg = "NS", .field = F(monitoring_namespace),
	 .help = "where kube-prometheus-stack runs"},
	{.name = "monitoring-release", .arg = "NAME", .field = F(monitoring_release),
	 .help = "kube-prometheus-stack's Helm release (its Prometheus selects\nthe label release: NAME)"},
	{.name = "odoo-image", .arg = "REF", .field = F(odoo_image),
	 .help = "the image you pushed of an Odoo the project builds\n(default: the service's image:, the tag Compose builds)"},
	{.name = "keycloak-image", .arg = "REF", .field = F(keycloak_image),
	 .help = "the same for a Keycloak the project builds"},
	{.name = "operators-group", .arg = "GROUP", .field = F(operators_group),
	 .help = "RBAC group of the people who operate Odoo"},
	{0},
};
#undef F

/* convert's defaults are kept with its options (convert_defaults), so that
 * its tests and the command start from the same. */
static void convert_args_init(void *args)
{
	struct convert_args *a = args;

	project_args_init(&a->pa);
	convert_defaults(&a->o);
}

const struct opt_command convert_command = {
	"convert",
	"usage: kgenius convert [options]\n\n"
	"Reads a Compose project (Odoo, PostgreSQL, Keycloak, Traefik) and writes the manifests\n"
	"of a production deployment on DigitalOcean Kubernetes: odoo-deployment.yaml,\n"
	"postgres-statefulset.yaml, keycloak-deployment.yaml, ingress.yaml, config.yaml, and\n"
	"rbac.yaml, network-policies.yaml, pdb.yaml, cluster-issuer.yaml, monitoring.yaml,\n"
	"kustomization.yaml (with a secretGenerator over secrets/, mode 0600, git-ignored);\n"
	"namespace.yaml and storage.yaml, applied once and outside the kustomization;\n"
	"restore-job.yaml (run by hand); NOTES.md (what you must still provide, every warning).\n",
	(const struct opt_section[]){{"Project options", project_specs, offsetof(struct convert_args, pa)},
				     {"Output options", convert_specs, offsetof(struct convert_args, o)},
				     {NULL, NULL, 0}},
	"\nExit status: 0 written (warnings in NOTES.md), 2 the project cannot be converted as\n"
	"asked (the message says why and what to do), 3 cannot write.\n",
	sizeof(struct convert_args), convert_args_init,
};

int cmd_convert(struct cli *cli, void *args, int nops, char **ops)
{
	struct convert_args *a = args;
	struct compose_project p;
	struct diags d;
	char problem[512];
	int rc;

	a->pa.o.environ_ = cli->environ_;
	if (nops > 0)
		return opt_usage_error(&convert_command, "unexpected argument '%s'", ops[0]);
	if (convert_options_problem(&a->o, problem, sizeof(problem)))
		return opt_usage_error(&convert_command, "%s", problem);
	if (a->o.odoo_max_replicas < a->o.odoo_replicas)
		return opt_usage_error(&convert_command, "--odoo-max-replicas must be at least --odoo-replicas");
	diags_init(&d);
	if (compose_load(&p, &a->pa.o, &d) == 0)
		rc = convert_run(&p, &a->o, &d);
	else
		rc = KG_EXIT_BAD_INPUT;
	if (cli_report(cli, &d) != KG_EXIT_OK && rc == KG_EXIT_OK)
		rc = KG_EXIT_BAD_INPUT;
	if (rc == KG_EXIT_OK && cli->verbosity >= 0)
		fprintf(stderr, "kgenius convert: wrote %s/ (see %s/NOTES.md)\n", a->o.out_dir, a->o.out_dir);
	compose_free(&p);
	diags_free(&d);
	return rc;
}
