/* kgenius convert: Compose project in, Kubernetes manifests out. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/project_opts.h"
#include "compose/values.h"
#include "convert/convert.h"

void help_convert(FILE *out)
{
	fputs("usage: kgenius convert [options]\n\n"
	      "Reads a Compose project (Odoo, PostgreSQL, Keycloak, Traefik) and writes the manifests\n"
	      "of a production deployment on DigitalOcean Kubernetes: odoo-deployment.yaml,\n"
	      "postgres-statefulset.yaml, keycloak-deployment.yaml, ingress.yaml, config.yaml, and\n"
	      "namespace.yaml, rbac.yaml, network-policies.yaml, pdb.yaml, cluster-issuer.yaml,\n"
	      "kustomization.yaml, NOTES.md (what you must still provide, every warning).\n\n"
	      "Project options:\n", out);
	fputs(project_options_help, out);
	fputs("\nOutput options:\n"
	      "  -o, --output DIR           output directory (default kubernetes)\n"
	      "  --namespace NS             namespace (default: the project name)\n"
	      "  --domain DOMAIN            Odoo at erp.DOMAIN, Keycloak at auth.DOMAIN (default: the\n"
	      "                             hosts of the Traefik labels)\n"
	      "  --storage-class CLASS      PostgreSQL volume class (default do-block-storage)\n"
	      "  --rwx-storage-class CLASS  ReadWriteMany class for the Odoo filestore when more than one\n"
	      "                             Odoo pod runs (default nfs-csi)\n"
	      "  --db-size SIZE             PostgreSQL volume (default 20Gi)\n"
	      "  --filestore-size SIZE      Odoo filestore volume (default 50Gi)\n"
	      "  --odoo-replicas N          minimum Odoo web pods (default 2)\n"
	      "  --odoo-max-replicas N      HPA maximum (default 6)\n"
	      "  --odoo-cpu CPUS            Odoo CPU limit (default: Compose's deploy limit, else 2)\n"
	      "  --odoo-memory SIZE         Odoo memory limit (default: Compose's deploy limit, else 4g)\n"
	      "  --autoscaling hpa|keda     hpa: autoscaling/v2 on CPU and memory (default); keda: a KEDA\n"
	      "                             ScaledObject on Odoo's busy workers, counted in PostgreSQL\n"
	      "  --keda-namespace NS        where KEDA runs (default keda)\n"
	      "  --keycloak-replicas N      Keycloak pods (default 2)\n"
	      "  --postgres statefulset|cnpg\n"
	      "                             statefulset: one PostgreSQL pod with nightly pg_dump (default);\n"
	      "                             cnpg: a CloudNativePG Cluster (replicas, failover, WAL archiving,\n"
	      "                             PgBouncer); never a StatefulSet with several replicas\n"
	      "  --pg-instances N           CloudNativePG instances (default 3)\n"
	      "  --cnpg-namespace NS        where the CloudNativePG operator runs (default cnpg-system)\n"
	      "  --recovery-target-time T   cnpg: postgres-recovery.yaml recovers to this RFC 3339 time\n"
	      "                             (2026-11-27T09:30:00Z) instead of the end of the WAL\n"
	      "  --pg-max-connections N     PostgreSQL max_connections (default: what the connection\n"
	      "                             budget needs, at least 200)\n"
	      "  --ingress traefik|nginx|gateway\n"
	      "                             traefik: Ingress and Middleware resources (default); nginx:\n"
	      "                             ingress-nginx annotations; gateway: Gateway API Gateway and\n"
	      "                             HTTPRoutes (DOKS ships Cilium's)\n"
	      "  --gateway-class NAME       GatewayClass for --ingress gateway (default cilium)\n"
	      "  --ingress-namespace NS     where the controller runs (default traefik, ingress-nginx,\n"
	      "                             or kube-system for the gateway)\n"
	      "  --issuer-email EMAIL       Let's Encrypt account (default: Traefik's ACME e-mail)\n"
	      "  --secrets generate|reference\n"
	      "                             generate: Secrets with values (strong ones from the project,\n"
	      "                             others from the system's random source, kept across runs);\n"
	      "                             reference: no values, NOTES lists the Secrets to create\n"
	      "  --backup-bucket NAME       S3 bucket for backups (default PROJECT-backups)\n"
	      "  --backup-endpoint URL      S3 endpoint (default https://nyc3.digitaloceanspaces.com)\n"
	      "  --backup-retention-days N  (default 14)\n"
	      "  --operators-group GROUP    RBAC group of the people who operate Odoo\n\n"
	      "Exit status: 0 written (warnings in NOTES.md), 2 the project cannot be converted as\n"
	      "asked (the message says why and what to do), 3 cannot write.\n", out);
}

enum {
	OPT_NAMESPACE = 3000, OPT_DOMAIN, OPT_STORAGE, OPT_RWX, OPT_DB_SIZE, OPT_FS_SIZE, OPT_REPLICAS,
	OPT_MAX_REPLICAS, OPT_CPU, OPT_MEMORY, OPT_KC_REPLICAS, OPT_MAX_CONN, OPT_INGRESS, OPT_INGRESS_NS,
	OPT_EMAIL, OPT_SECRETS, OPT_BUCKET, OPT_ENDPOINT, OPT_RETENTION, OPT_GROUP, OPT_AUTOSCALING, OPT_KEDA_NS,
	OPT_POSTGRES, OPT_PG_INSTANCES, OPT_CNPG_NS, OPT_GATEWAY_CLASS, OPT_RECOVERY_TIME,
};

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

static bool parse_int(const char *s, int min, int max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max)
		return false;
	*out = (int)v;
	return true;
}

static int bad_value(const char *opt, const char *why)
{
	fprintf(stderr, "kgenius convert: %s %s\n", opt, why);
	return KG_EXIT_BAD_INPUT;
}

static int own_option(struct convert_options *o, int c, const char *arg)
{
	const char *err;
	int64_t bytes;

	switch (c) {
	case 'o': o->out_dir = arg; break;
	case OPT_NAMESPACE: o->ns = arg; break;
	case OPT_DOMAIN: o->domain = arg; break;
	case OPT_STORAGE: o->storage_class = arg; break;
	case OPT_RWX: o->rwx_storage_class = arg; break;
	case OPT_DB_SIZE: o->db_size = arg; break;
	case OPT_FS_SIZE: o->filestore_size = arg; break;
	case OPT_EMAIL: o->issuer_email = arg; break;
	case OPT_BUCKET: o->backup_bucket = arg; break;
	case OPT_ENDPOINT: o->backup_endpoint = arg; break;
	case OPT_GROUP: o->operators_group = arg; break;
	case OPT_INGRESS_NS: o->ingress_namespace = arg; break;
	case OPT_KEDA_NS: o->keda_namespace = arg; break;
	case OPT_CNPG_NS: o->cnpg_namespace = arg; break;
	case OPT_GATEWAY_CLASS: o->gateway_class = arg; break;
	case OPT_RECOVERY_TIME:
		if (!rfc3339_time(arg))
			return bad_value("--recovery-target-time", "must be an RFC 3339 time with its offset, "
					 "for example 2026-11-27T09:30:00Z");
		o->recovery_target_time = arg;
		break;
	case OPT_PG_INSTANCES:
		if (!parse_int(arg, 2, 9, &o->pg_instances))
			return bad_value("--pg-instances", "must be a number from 2 to 9");
		break;
	case OPT_POSTGRES:
		if (strcmp(arg, "statefulset") == 0)
			o->postgres = PG_STATEFULSET;
		else if (strcmp(arg, "cnpg") == 0)
			o->postgres = PG_CNPG;
		else
			return bad_value("--postgres", "must be statefulset or cnpg");
		break;
	case OPT_AUTOSCALING:
		if (strcmp(arg, "hpa") == 0)
			o->autoscaling = AUTOSCALE_HPA;
		else if (strcmp(arg, "keda") == 0)
			o->autoscaling = AUTOSCALE_KEDA;
		else
			return bad_value("--autoscaling", "must be hpa or keda");
		break;
	case OPT_REPLICAS:
		if (!parse_int(arg, 1, 100, &o->odoo_replicas))
			return bad_value("--odoo-replicas", "must be a number from 1 to 100");
		break;
	case OPT_MAX_REPLICAS:
		if (!parse_int(arg, 1, 100, &o->odoo_max_replicas))
			return bad_value("--odoo-max-replicas", "must be a number from 1 to 100");
		break;
	case OPT_KC_REPLICAS:
		if (!parse_int(arg, 1, 20, &o->keycloak_replicas))
			return bad_value("--keycloak-replicas", "must be a number from 1 to 20");
		break;
	case OPT_MAX_CONN:
		if (!parse_int(arg, 20, 10000, &o->pg_max_connections))
			return bad_value("--pg-max-connections", "must be a number from 20 to 10000");
		break;
	case OPT_RETENTION:
		if (!parse_int(arg, 1, 3650, &o->backup_retention_days))
			return bad_value("--backup-retention-days", "must be a number from 1 to 3650");
		break;
	case OPT_CPU:
		if (parse_cpus(arg, &o->odoo_cpu, &err) != 0 || o->odoo_cpu < 0.5 || o->odoo_cpu > 64)
			return bad_value("--odoo-cpu", "must be a number of CPUs from 0.5 to 64");
		break;
	case OPT_MEMORY:
		if (parse_bytes(arg, &bytes, &err) != 0 || bytes < (1LL << 30))
			return bad_value("--odoo-memory", "must be a size of at least 1g, like 4g");
		o->odoo_memory = bytes;
		break;
	case OPT_INGRESS:
		if (strcmp(arg, "traefik") == 0)
			o->ingress = INGRESS_TRAEFIK;
		else if (strcmp(arg, "nginx") == 0)
			o->ingress = INGRESS_NGINX;
		else if (strcmp(arg, "gateway") == 0)
			o->ingress = INGRESS_GATEWAY;
		else
			return bad_value("--ingress", "must be traefik, nginx or gateway");
		break;
	case OPT_SECRETS:
		if (strcmp(arg, "generate") == 0)
			o->secrets = SECRETS_GENERATE;
		else if (strcmp(arg, "reference") == 0)
			o->secrets = SECRETS_REFERENCE;
		else
			return bad_value("--secrets", "must be generate or reference");
		break;
	default:
		return -1;
	}
	return KG_EXIT_OK;
}

static int parse_args(int argc, char **argv, struct project_args *pa, struct convert_options *o)
{
	static const struct option own[] = {
		{"output", required_argument, NULL, 'o'},
		{"namespace", required_argument, NULL, OPT_NAMESPACE},
		{"domain", required_argument, NULL, OPT_DOMAIN},
		{"storage-class", required_argument, NULL, OPT_STORAGE},
		{"rwx-storage-class", required_argument, NULL, OPT_RWX},
		{"db-size", required_argument, NULL, OPT_DB_SIZE},
		{"filestore-size", required_argument, NULL, OPT_FS_SIZE},
		{"odoo-replicas", required_argument, NULL, OPT_REPLICAS},
		{"odoo-max-replicas", required_argument, NULL, OPT_MAX_REPLICAS},
		{"odoo-cpu", required_argument, NULL, OPT_CPU},
		{"odoo-memory", required_argument, NULL, OPT_MEMORY},
		{"keycloak-replicas", required_argument, NULL, OPT_KC_REPLICAS},
		{"pg-max-connections", required_argument, NULL, OPT_MAX_CONN},
		{"ingress", required_argument, NULL, OPT_INGRESS},
		{"ingress-namespace", required_argument, NULL, OPT_INGRESS_NS},
		{"issuer-email", required_argument, NULL, OPT_EMAIL},
		{"secrets", required_argument, NULL, OPT_SECRETS},
		{"backup-bucket", required_argument, NULL, OPT_BUCKET},
		{"backup-endpoint", required_argument, NULL, OPT_ENDPOINT},
		{"backup-retention-days", required_argument, NULL, OPT_RETENTION},
		{"operators-group", required_argument, NULL, OPT_GROUP},
		{"autoscaling", required_argument, NULL, OPT_AUTOSCALING},
		{"keda-namespace", required_argument, NULL, OPT_KEDA_NS},
		{"postgres", required_argument, NULL, OPT_POSTGRES},
		{"pg-instances", required_argument, NULL, OPT_PG_INSTANCES},
		{"cnpg-namespace", required_argument, NULL, OPT_CNPG_NS},
		{"gateway-class", required_argument, NULL, OPT_GATEWAY_CLASS},
		{"recovery-target-time", required_argument, NULL, OPT_RECOVERY_TIME},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct option opts[40];
	char shortopts[32];
	int c, r;

	project_merge_options(opts, sizeof(opts) / sizeof(opts[0]), own);
	snprintf(shortopts, sizeof(shortopts), ":%so:h", project_short_options);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		r = project_opt(pa, c, optarg, "convert");
		if (r < 0)
			return KG_EXIT_BAD_INPUT;
		if (r > 0)
			continue;
		if (c == 'h') {
			help_convert(stdout);
			return -1;
		}
		if (c == ':') {
			fprintf(stderr, "kgenius convert: option %s needs a value\n", argv[optind - 1]);
			return KG_EXIT_BAD_INPUT;
		}
		r = c == '?' ? -1 : own_option(o, c, optarg);
		if (r < 0) {
			fprintf(stderr, "kgenius convert: unknown option '%s'; see 'kgenius convert --help'\n",
				argv[optind - 1]);
			return KG_EXIT_BAD_INPUT;
		}
		if (r)
			return r;
	}
	if (optind < argc) {
		fprintf(stderr, "kgenius convert: unexpected argument '%s'\n", argv[optind]);
		return KG_EXIT_BAD_INPUT;
	}
	if (o->odoo_max_replicas < o->odoo_replicas)
		return bad_value("--odoo-max-replicas", "must be at least --odoo-replicas");
	return KG_EXIT_OK;
}

int cmd_convert(struct cli *cli, int argc, char **argv)
{
	struct project_args pa;
	struct convert_options o;
	struct compose_project p;
	struct diags d;
	int rc;

	project_args_init(&pa, cli->environ_);
	convert_defaults(&o);
	rc = parse_args(argc, argv, &pa, &o);
	if (rc < 0)
		return KG_EXIT_OK;
	if (rc)
		return rc;
	diags_init(&d);
	if (compose_load(&p, &pa.o, &d) == 0)
		rc = convert_run(&p, &o, &d);
	else
		rc = KG_EXIT_BAD_INPUT;
	if (cli_report(cli, &d) != KG_EXIT_OK && rc == KG_EXIT_OK)
		rc = KG_EXIT_BAD_INPUT;
	if (rc == KG_EXIT_OK && cli->verbosity >= 0)
		fprintf(stderr, "kgenius convert: wrote %s/ (see %s/NOTES.md)\n", o.out_dir, o.out_dir);
	compose_free(&p);
	diags_free(&d);
	return rc;
}
