/* kgenius convert: Compose project in, Kubernetes manifests out. */
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
		       sizeof(enum autoscaling_mode) == sizeof(int) && sizeof(enum postgres_mode) == sizeof(int),
	       "enum options are stored as int");

static const char *const ingress_kinds[] = {"traefik", "nginx", "gateway", NULL};
static const char *const secrets_modes[] = {"generate", "reference", NULL};
static const char *const autoscaling_modes[] = {"hpa", "keda", NULL};
static const char *const postgres_modes[] = {"statefulset", "cnpg", NULL};

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

#define F(field) offsetof(struct convert_options, field)
static const struct opt_spec convert_specs[] = {
	{.name = "output", .short_name = 'o', .arg = "DIR", .kind = OPTION_STRING, .field = F(out_dir), .help = "output directory"},
	{.name = "namespace", .arg = "NS", .kind = OPTION_STRING, .field = F(ns), .help = "namespace (default: the project name)"},
	{.name = "domain", .arg = "DOMAIN", .kind = OPTION_STRING, .field = F(domain),
	 .help = "Odoo at erp.DOMAIN, Keycloak at auth.DOMAIN (default: the\nhosts of the Traefik labels)"},
	{.name = "storage-class", .arg = "CLASS", .kind = OPTION_STRING, .field = F(storage_class),
	 .help = "PostgreSQL volume class, and the filestore's with one Odoo pod"},
	{.name = "rwx-storage-class", .arg = "CLASS", .kind = OPTION_STRING, .field = F(rwx_storage_class),
	 .help = "ReadWriteMany class for the Odoo filestore when more than one\nOdoo pod runs"},
	{.name = "db-size", .arg = "SIZE", .kind = OPTION_STRING, .field = F(db_size), .help = "PostgreSQL volume"},
	{.name = "filestore-size", .arg = "SIZE", .kind = OPTION_STRING, .field = F(filestore_size), .help = "Odoo filestore volume"},
	{.name = "odoo-replicas", .arg = "N", .kind = OPTION_INT, .field = F(odoo_replicas), .min = 1, .max = 100,
	 .help = "minimum Odoo web pods"},
	{.name = "odoo-max-replicas", .arg = "N", .kind = OPTION_INT, .field = F(odoo_max_replicas), .min = 1, .max = 100,
	 .help = "HPA maximum"},
	{.name = "odoo-cpu", .arg = "CPUS", .kind = OPTION_CUSTOM, .parse = parse_odoo_cpu,
	 .help = "Odoo CPU limit (default: Compose's deploy limit, else 2)"},
	{.name = "odoo-memory", .arg = "SIZE", .kind = OPTION_CUSTOM, .parse = parse_odoo_memory,
	 .help = "Odoo memory limit (default: Compose's deploy limit, else 4g)"},
	{.name = "autoscaling", .kind = OPTION_ENUM, .field = F(autoscaling), .choices = autoscaling_modes,
	 .help = "hpa: autoscaling/v2 on CPU; keda: a KEDA\nScaledObject on Odoo's busy workers, counted in PostgreSQL"},
	{.name = "keda-namespace", .arg = "NS", .kind = OPTION_STRING, .field = F(keda_namespace), .help = "where KEDA runs"},
	{.name = "keycloak-replicas", .arg = "N", .kind = OPTION_INT, .field = F(keycloak_replicas), .min = 1, .max = 20,
	 .help = "Keycloak pods"},
	{.name = "postgres", .kind = OPTION_ENUM, .field = F(postgres), .choices = postgres_modes,
	 .help = "statefulset: one PostgreSQL pod with nightly pg_dump;\ncnpg: a CloudNativePG Cluster (replicas, failover, WAL archiving,\n"
		 "PgBouncer); never a StatefulSet with several replicas"},
	{.name = "pg-instances", .arg = "N", .kind = OPTION_INT, .field = F(pg_instances), .min = 2, .max = 9,
	 .help = "CloudNativePG instances"},
	{.name = "cnpg-namespace", .arg = "NS", .kind = OPTION_STRING, .field = F(cnpg_namespace),
	 .help = "where the CloudNativePG operator runs"},
	{.name = "pg-max-connections", .arg = "N", .kind = OPTION_INT, .field = F(pg_max_connections), .min = 20, .max = 10000,
	 .help = "PostgreSQL max_connections (default: what the connection\nbudget needs, at least 200)"},
	{.name = "ingress", .kind = OPTION_ENUM, .field = F(ingress), .choices = ingress_kinds,
	 .help = "traefik: Ingress and Middleware resources; nginx:\ningress-nginx annotations; gateway: Gateway API Gateway and\n"
		 "HTTPRoutes (DOKS ships Cilium's)"},
	{.name = "gateway-class", .arg = "NAME", .kind = OPTION_STRING, .field = F(gateway_class),
	 .help = "GatewayClass for --ingress gateway"},
	{.name = "ingress-namespace", .arg = "NS", .kind = OPTION_STRING, .field = F(ingress_namespace),
	 .help = "where the controller runs (default traefik, ingress-nginx,\nor kube-system for the gateway)"},
	{.name = "issuer-email", .arg = "EMAIL", .kind = OPTION_STRING, .field = F(issuer_email),
	 .help = "Let's Encrypt account (default: Traefik's ACME e-mail)"},
	{.name = "secrets", .kind = OPTION_ENUM, .field = F(secrets), .choices = secrets_modes,
	 .help = "generate: the values as files under secrets/ for kustomize's\nsecretGenerator (strong ones from the project, others from the\nsystem's random source, kept across runs);\n"
		 "reference: no values, NOTES lists the Secrets to create"},
	{.name = "backup-bucket", .arg = "NAME", .kind = OPTION_STRING, .field = F(backup_bucket),
	 .help = "S3 bucket for backups (default PROJECT-backups)"},
	{.name = "backup-endpoint", .arg = "URL", .kind = OPTION_STRING, .field = F(backup_endpoint), .help = "S3 endpoint"},
	{.name = "backup-retention-days", .arg = "N", .kind = OPTION_INT, .field = F(backup_retention_days), .min = 1,
	 .max = 3650, .help = "days the backups are kept"},
	{.name = "odoo-image", .arg = "REF", .kind = OPTION_STRING, .field = F(odoo_image),
	 .help = "the image you pushed of an Odoo the project builds\n(default: the service's image:, the tag Compose builds)"},
	{.name = "keycloak-image", .arg = "REF", .kind = OPTION_STRING, .field = F(keycloak_image),
	 .help = "the same for a Keycloak the project builds"},
	{.name = "operators-group", .arg = "GROUP", .kind = OPTION_STRING, .field = F(operators_group),
	 .help = "RBAC group of the people who operate Odoo"},
	{.name = NULL},
};
#undef F

static const struct opt_section convert_sections[] = {
	{"Project options", project_specs, offsetof(struct convert_args, pa)},
	{"Output options", convert_specs, offsetof(struct convert_args, o)},
	{NULL, NULL, 0},
};

static void convert_args_init(void *args)
{
	struct convert_args *a = args;

	project_args_init(&a->pa);
	convert_defaults(&a->o);
}

const struct opt_command convert_command = {
	.name = "convert",
	.synopsis = "usage: kgenius convert [options]\n\n"
		    "Reads a Compose project (Odoo, PostgreSQL, Keycloak, Traefik) and writes the manifests\n"
		    "of a production deployment on DigitalOcean Kubernetes: odoo-deployment.yaml,\n"
		    "postgres-statefulset.yaml, keycloak-deployment.yaml, ingress.yaml, config.yaml, and\n"
		    "rbac.yaml, network-policies.yaml, pdb.yaml, cluster-issuer.yaml, kustomization.yaml\n"
		    "(with a secretGenerator over secrets/, mode 0600, git-ignored); namespace.yaml and\n"
		    "storage.yaml, applied once and outside the kustomization; NOTES.md (what you must\n"
		    "still provide, every warning).\n",
	.sections = convert_sections,
	.epilogue = "\nExit status: 0 written (warnings in NOTES.md), 2 the project cannot be converted as\n"
		    "asked (the message says why and what to do), 3 cannot write.\n",
	.args_size = sizeof(struct convert_args),
	.init = convert_args_init,
};

void help_convert(FILE *out)
{
	opt_help_defaults(out, &convert_command);
}

int cmd_convert(struct cli *cli, int argc, char **argv)
{
	struct convert_args a;
	struct compose_project p;
	struct diags d;
	int rc, operands;
	char problem[512];

	rc = opt_parse(&convert_command, &a, argc, argv, &operands);
	if (rc)
		return rc == OPT_HELP_SHOWN ? KG_EXIT_OK : rc;
	a.pa.o.environ_ = cli->environ_;
	if (operands < argc)
		return opt_usage_error(&convert_command, "unexpected argument '%s'", argv[operands]);
	if (a.o.odoo_max_replicas < a.o.odoo_replicas)
		return opt_usage_error(&convert_command, "--odoo-max-replicas must be at least --odoo-replicas");
	if (convert_options_problem(&a.o, problem, sizeof(problem)))
		return opt_usage_error(&convert_command, "%s", problem);
	diags_init(&d);
	if (compose_load(&p, &a.pa.o, &d) == 0)
		rc = convert_run(&p, &a.o, &d);
	else
		rc = KG_EXIT_BAD_INPUT;
	if (cli_report(cli, &d) != KG_EXIT_OK && rc == KG_EXIT_OK)
		rc = KG_EXIT_BAD_INPUT;
	if (rc == KG_EXIT_OK && cli->verbosity >= 0)
		fprintf(stderr, "kgenius convert: wrote %s/ (see %s/NOTES.md)\n", a.o.out_dir, a.o.out_dir);
	compose_free(&p);
	diags_free(&d);
	return rc;
}
