/* kgenius verify: data, health, TLS and performance of the new deployment,
 * against the old one, in one report. */
#include <curl/curl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "migrate/filestore.h"
#include "migrate/migrate.h"
#include "util/json.h"
#include "verify/verify.h"

void help_verify(FILE *out)
{
	fputs("usage: kgenius verify [options]\n\n"
	      "Checks the new deployment and prints one report; exit 1 when any check fails.\n\n"
	      "Health and TLS:\n"
	      "  --odoo URL                 Odoo's public URL: /web/health, /web/login, the /websocket upgrade\n"
	      "  --keycloak URL --realm R   Keycloak's public URL: the realm's OpenID discovery and its issuer\n"
	      "  --keycloak-management URL  Keycloak's management interface (port 9000): /health/ready\n"
	      "  --cacert FILE              also trust this CA (a private or self-signed certificate)\n"
	      "  --min-cert-days N          fail when a certificate expires within N days (default 14)\n"
	      "Performance (the same request mix on both, side by side):\n"
	      "  --compare-with URL         the old (Compose) Odoo URL to compare --odoo with\n"
	      "  --paths P1,P2,...          the paths requested in turn (default /web/login,/web/health)\n"
	      "  --concurrency N            requests in flight (default 8)\n"
	      "  --duration SECONDS         per side (default 10)\n"
	      "  --max-slowdown PERCENT     fail when the new one has that much less throughput, a slower\n"
	      "                             median, or more errors (default 10); p95 and p99 are reported\n"
	      "Data:\n"
	      "  --source CONNINFO --target CONNINFO --db NAME[:TARGET]...   kgenius migrate db verify\n"
	      "  --filestore SRC:DST        compare the filestores (every file hashed on both sides)\n"
	      "  --filestore-source-shell CMD, --filestore-target-shell CMD\n"
	      "  --format text|json\n\n"
	      "Exit status: 0 every check passed, 1 a check failed, 2 usage, 3 a check could not run.\n", out);
}

enum {
	OPT_ODOO = 7000, OPT_KC, OPT_REALM, OPT_KC_MGMT, OPT_CACERT, OPT_MIN_DAYS, OPT_COMPARE, OPT_PATHS, OPT_CONC,
	OPT_DURATION, OPT_SLOWDOWN, OPT_SOURCE, OPT_TARGET, OPT_DB, OPT_FILESTORE, OPT_FS_SRC_SHELL, OPT_FS_DST_SHELL,
	OPT_FORMAT,
};

struct verify_args {
	const char *odoo, *keycloak, *realm, *kc_mgmt, *compare, *filestore, *fs_src_shell, *fs_dst_shell;
	char *paths_arg;
	struct http_opts http;
	struct perf_opts perf;
	struct migrate_opts db;
	bool json;
};

static int usage(const char *msg)
{
	fprintf(stderr, "kgenius verify: %s; see 'kgenius verify --help'\n", msg);
	return KG_EXIT_BAD_INPUT;
}

static int parse(int argc, char **argv, struct verify_args *a)
{
	static const struct option opts[] = {
		{"odoo", required_argument, NULL, OPT_ODOO},
		{"keycloak", required_argument, NULL, OPT_KC},
		{"realm", required_argument, NULL, OPT_REALM},
		{"keycloak-management", required_argument, NULL, OPT_KC_MGMT},
		{"cacert", required_argument, NULL, OPT_CACERT},
		{"min-cert-days", required_argument, NULL, OPT_MIN_DAYS},
		{"compare-with", required_argument, NULL, OPT_COMPARE},
		{"paths", required_argument, NULL, OPT_PATHS},
		{"concurrency", required_argument, NULL, OPT_CONC},
		{"duration", required_argument, NULL, OPT_DURATION},
		{"max-slowdown", required_argument, NULL, OPT_SLOWDOWN},
		{"source", required_argument, NULL, OPT_SOURCE},
		{"target", required_argument, NULL, OPT_TARGET},
		{"db", required_argument, NULL, OPT_DB},
		{"filestore", required_argument, NULL, OPT_FILESTORE},
		{"filestore-source-shell", required_argument, NULL, OPT_FS_SRC_SHELL},
		{"filestore-target-shell", required_argument, NULL, OPT_FS_DST_SHELL},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_ODOO: a->odoo = optarg; break;
		case OPT_KC: a->keycloak = optarg; break;
		case OPT_REALM: a->realm = optarg; break;
		case OPT_KC_MGMT: a->kc_mgmt = optarg; break;
		case OPT_CACERT: a->http.cacert = optarg; break;
		case OPT_MIN_DAYS: a->http.min_cert_days = atoi(optarg); break;
		case OPT_COMPARE: a->compare = optarg; break;
		case OPT_PATHS: a->paths_arg = optarg; break;
		case OPT_CONC:
			a->perf.concurrency = atoi(optarg);
			if (a->perf.concurrency < 1 || a->perf.concurrency > 256)
				return usage("--concurrency takes 1 to 256");
			break;
		case OPT_DURATION:
			a->perf.duration = atof(optarg);
			if (a->perf.duration <= 0 || a->perf.duration > 3600)
				return usage("--duration takes 0 to 3600 seconds");
			break;
		case OPT_SLOWDOWN: a->perf.max_slowdown = atof(optarg) / 100.0; break;
		case OPT_SOURCE: a->db.source.conninfo = optarg; break;
		case OPT_TARGET: a->db.target.conninfo = optarg; break;
		case OPT_DB: {
			char *colon = strchr(optarg, ':');

			if (a->db.ndbs == MIGRATE_MAX_DBS)
				return usage("at most 16 --db");
			if (colon)
				*colon = '\0';
			a->db.dbs[a->db.ndbs] = optarg;
			a->db.target_dbs[a->db.ndbs++] = colon ? colon + 1 : optarg;
			break;
		}
		case OPT_FILESTORE: a->filestore = optarg; break;
		case OPT_FS_SRC_SHELL: a->fs_src_shell = optarg; break;
		case OPT_FS_DST_SHELL: a->fs_dst_shell = optarg; break;
		case OPT_FORMAT:
			if (strcmp(optarg, "json") == 0)
				a->json = true;
			else if (strcmp(optarg, "text") != 0)
				return usage("--format takes text or json");
			break;
		case 'h': help_verify(stdout); return -1;
		case ':': return usage("an option needs a value");
		default: return usage("unknown option");
		}
	}
	if (optind < argc)
		return usage("verify takes options only");
	if (a->keycloak && !a->realm)
		return usage("--keycloak goes with --realm");
	if (a->compare && !a->odoo)
		return usage("--compare-with compares with --odoo");
	if (a->db.ndbs && (!a->db.source.conninfo || !a->db.target.conninfo))
		return usage("--db goes with --source and --target");
	if (a->filestore && !strchr(a->filestore, ':'))
		return usage("--filestore takes SRC:DST");
	if (!a->odoo && !a->keycloak && !a->db.ndbs && !a->filestore)
		return usage("say what to verify: --odoo, --keycloak, --db or --filestore");
	for (char *p = a->paths_arg ? strtok(a->paths_arg, ",") : NULL; p; p = strtok(NULL, ","))
		if (a->perf.npaths < VERIFY_MAX_PATHS)
			a->perf.paths[a->perf.npaths++] = p;
	if (a->perf.npaths == 0) {
		a->perf.paths[a->perf.npaths++] = "/web/login";
		a->perf.paths[a->perf.npaths++] = "/web/health";
	}
	return 0;
}

static void data_checks(struct verify_args *a, struct checks *c, struct diags *d)
{
	if (a->db.ndbs) {
		struct vreport rep;

		if (migrate_verify(&a->db, &rep, d) != 0)
			check_add(c, "data", "databases", false, "the verification could not run (see the errors above)");
		for (size_t k = 0; k < rep.ndbs; k++) {
			const struct vdb *db = &rep.dbs[k];
			size_t same = 0;
			char name[128];

			for (size_t i = 0; i < db->ntables; i++)
				same += db->tables[i].match;
			snprintf(name, sizeof(name), "database %s -> %s", db->src_db, db->dst_db);
			check_add(c, "data", name, db->ok, "%zu/%zu tables identical, %zu sequences, %zu differences", same,
				  db->ntables, db->sequences, vdb_differences(db));
		}
		vreport_free(&rep);
	}
	if (a->filestore) {
		char *spec = strdup(a->filestore), *colon = spec ? strchr(spec, ':') : NULL;
		struct fs_opts o = {{"source", spec, a->fs_src_shell ? a->fs_src_shell : "sh"},
				    {"target", colon ? colon + 1 : "", a->fs_dst_shell ? a->fs_dst_shell : "sh"},
				    2, false, true, true, true};
		struct fs_stats st;

		if (colon)
			*colon = '\0';
		if (spec && migrate_filestore(&o, &st, NULL, d) == 0)
			check_add(c, "data", "filestore", fs_unresolved(&st) == 0,
				  "%zu files on the source, %zu identical on the target (every file hashed), %zu problems%s%s%s",
				  st.src_files, st.unchanged, fs_unresolved(&st), st.nproblems ? ": " : "",
				  st.nproblems ? st.problems[0].path : "", st.nproblems > 1 ? ", ..." : "");
		else
			check_add(c, "data", "filestore", false, "the comparison could not run (see the errors above)");
		fs_stats_free(&st);
		free(spec);
	}
}

static void perf_checks(struct verify_args *a, struct checks *c, struct buf *extra)
{
	struct perf_result old, new_;
	double slow = a->perf.max_slowdown;
	bool ok;

	if (perf_run(a->compare, &a->perf, &a->http, &old) != 0 || perf_run(a->odoo, &a->perf, &a->http, &new_) != 0) {
		check_add(c, "performance", "request mix", false, "libcurl could not run the load");
		return;
	}
	/* Worse means less throughput, a slower median or more errors; the tail
	 * (p95, p99) is reported beside them, too noisy over seconds to judge. */
	ok = new_.rps >= old.rps / (1 + slow) && new_.p50 <= old.p50 * (1 + slow) + 1.0 &&
	     (double)new_.errors / (double)(new_.requests ? new_.requests : 1) <=
		     (double)old.errors / (double)(old.requests ? old.requests : 1) + 0.001;
	check_add(c, "performance", "request mix", ok,
		  "new %.0f req/s, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, %zu errors; old %.0f req/s, p50 %.1f ms, p95 %.1f ms, "
		  "p99 %.1f ms, %zu errors (%d in flight, %.0f s each, allowed %.0f%% worse)", new_.rps, new_.p50, new_.p95,
		  new_.p99, new_.errors, old.rps, old.p50, old.p95, old.p99, old.errors, a->perf.concurrency, a->perf.duration,
		  slow * 100);
	buf_printf(extra, ",\"performance\":{\"old\":{\"url\":");
	json_string(extra, a->compare);
	buf_printf(extra, ",\"requests\":%zu,\"errors\":%zu,\"rps\":%.1f,\"p50_ms\":%.2f,\"p95_ms\":%.2f,\"p99_ms\":%.2f},"
		   "\"new\":{\"url\":", old.requests, old.errors, old.rps, old.p50, old.p95, old.p99);
	json_string(extra, a->odoo);
	buf_printf(extra, ",\"requests\":%zu,\"errors\":%zu,\"rps\":%.1f,\"p50_ms\":%.2f,\"p95_ms\":%.2f,\"p99_ms\":%.2f}}",
		   new_.requests, new_.errors, new_.rps, new_.p50, new_.p95, new_.p99);
}

int cmd_verify(struct cli *cli, int argc, char **argv)
{
	struct verify_args a;
	struct checks c;
	struct buf out = BUF_INIT, extra = BUF_INIT;
	struct diags d;
	size_t failed = 0;
	int rc;

	memset(&a, 0, sizeof(a));
	memset(&c, 0, sizeof(c));
	a.http.timeout_ms = 10000;
	a.http.min_cert_days = 14;
	a.perf.concurrency = 8;
	a.perf.duration = 10;
	a.perf.max_slowdown = 0.10;
	a.db.source.name = "source";
	a.db.target.name = "target";
	rc = parse(argc, argv, &a);
	if (rc)
		return rc < 0 ? KG_EXIT_OK : rc;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "kgenius verify: libcurl cannot start\n");
		return KG_EXIT_ENV;
	}
	diags_init(&d);
	data_checks(&a, &c, &d);
	if (a.odoo) {
		health_odoo(a.odoo, &a.http, &c);
		if (strncmp(a.odoo, "https://", 8) == 0)
			health_tls(a.odoo, &a.http, &c);
	}
	if (a.keycloak) {
		health_keycloak(a.keycloak, a.realm, a.kc_mgmt, &a.http, &c);
		if (strncmp(a.keycloak, "https://", 8) == 0)
			health_tls(a.keycloak, &a.http, &c);
	}
	if (a.compare)
		perf_checks(&a, &c, &extra);
	for (size_t i = 0; i < c.n; i++)
		failed += !c.v[i].ok;
	if (a.json) {
		buf_printf(&out, "{\"ok\":%s,\"checks\":[", failed ? "false" : "true");
		for (size_t i = 0; i < c.n; i++) {
			buf_puts(&out, i ? ",{\"group\":" : "{\"group\":");
			json_string(&out, c.v[i].group);
			buf_puts(&out, ",\"name\":");
			json_string(&out, c.v[i].name);
			buf_printf(&out, ",\"ok\":%s,\"detail\":", c.v[i].ok ? "true" : "false");
			json_string(&out, c.v[i].detail);
			buf_putc(&out, '}');
		}
		buf_puts(&out, "]");
		buf_append(&out, extra.data ? extra.data : "", extra.len);
		buf_puts(&out, "}\n");
	} else {
		for (size_t i = 0; i < c.n; i++)
			buf_printf(&out, "%-4s %-12s %-40s %s\n", c.v[i].ok ? "ok" : "FAIL", c.v[i].group, c.v[i].name,
				   c.v[i].detail);
		buf_printf(&out, "%zu checks, %zu failed\n", c.n, failed);
	}
	rc = failed ? KG_EXIT_FINDINGS : KG_EXIT_OK;
	if (out.failed || cli_write_output(NULL, out.data ? out.data : "", out.len, 0) != KG_EXIT_OK)
		rc = KG_EXIT_ENV;
	cli_report(cli, &d);
	buf_free(&out);
	buf_free(&extra);
	diags_free(&d);
	curl_global_cleanup();
	return rc;
}
