/* kgenius verify: data, health, TLS and performance of the new deployment,
 * against the old one, in one report. */
#include <curl/curl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/db_opts.h"
#include "migrate/filestore.h"
#include "migrate/migrate.h"
#include "util/json.h"
#include "verify/verify.h"

struct verify_args {
	const char *odoo, *keycloak, *realm, *kc_mgmt, *compare, *filestore, *fs_src_shell, *fs_dst_shell;
	const char *prometheus, *ns;
	char *paths_arg;
	struct http_opts http;
	struct perf_opts perf;
	struct migrate_opts db;
	int format;                /* enum report_format */
};

#define F(field) offsetof(struct verify_args, field)
static const struct opt_spec health_specs[] = {
	{.name = "odoo", .arg = "URL", .field = F(odoo),
	 .help = "Odoo's public URL: /web/health, /web/login, the /websocket upgrade"},
	{.name = "keycloak", .arg = "URL", .field = F(keycloak),
	 .help = "Keycloak's public URL: the realm's OpenID discovery and its issuer"},
	{.name = "realm", .arg = "REALM", .field = F(realm), .help = "the realm, with --keycloak"},
	{.name = "keycloak-management", .arg = "URL", .field = F(kc_mgmt),
	 .help = "Keycloak's management interface (port 9000): /health/ready"},
	{.name = "prometheus", .arg = "URL", .field = F(prometheus),
	 .help = "Prometheus's URL: the namespace's targets are up, none of its\nalerts is firing"},
	{.name = "namespace", .arg = "NS", .field = F(ns), .help = "the namespace, with --prometheus"},
	{.name = "cacert", .arg = "FILE", .field = F(http.cacert),
	 .help = "also trust this CA (a private or self-signed certificate)"},
	{.name = "min-cert-days", .arg = "N", .kind = OPTION_INT, .field = F(http.min_cert_days),
	 .help = "fail when a certificate expires within N days", .def = "14", .min = 0, .max = 3650},
	{0},
};

static const struct opt_spec perf_specs[] = {
	{.name = "compare-with", .arg = "URL", .field = F(compare),
	 .help = "the old (Compose) Odoo URL to compare --odoo with"},
	{.name = "paths", .arg = "P1,P2,...", .field = F(paths_arg),
	 .help = "the paths requested in turn (default /web/login,/web/health)"},
	{.name = "concurrency", .arg = "N", .kind = OPTION_INT, .field = F(perf.concurrency),
	 .help = "requests in flight", .def = "8", .min = 1, .max = 256},
	{.name = "duration", .arg = "SECONDS", .kind = OPTION_REAL, .field = F(perf.duration), .help = "per side",
	 .def = "10", .min = 0, .above_min = true, .max = 3600},
	{.name = "max-slowdown", .arg = "PERCENT", .kind = OPTION_REAL, .field = F(perf.max_slowdown),
	 .help = "fail when the new one has that much less throughput, a slower\n"
		 "median, or more errors; p95 and p99 are reported",
	 .def = "10", .min = 0, .max = 10000, .scale = 0.01},
	{0},
};

static const struct opt_spec data_specs[] = {
	{.name = "filestore", .arg = "SRC:DST", .field = F(filestore),
	 .help = "compare the filestores (every file hashed on both sides)"},
	{.name = "filestore-source-shell", .arg = "CMD", .field = F(fs_src_shell),
	 .help = "SRC is on the far side of CMD (as migrate filestore --source-shell)"},
	{.name = "filestore-target-shell", .arg = "CMD", .field = F(fs_dst_shell),
	 .help = "DST is on the far side of CMD"},
	{.name = "format", .kind = OPTION_ENUM, .field = F(format), .help = "report format", .choices = report_formats},
	{0},
};
#undef F

/* What no option sets: how long a request may take, the servers' names. */
static void verify_args_init(void *args)
{
	struct verify_args *a = args;

	a->http.timeout_ms = 10000;
	db_endpoints_init(&a->db);
}

const struct opt_command verify_command = {
	"verify",
	"usage: kgenius verify [options]\n\n"
	"Checks the new deployment and prints one report; exit 1 when any check fails.\n",
	(const struct opt_section[]){{"Health and TLS", health_specs, 0},
				     {"Performance (the same request mix on both, side by side)", perf_specs, 0},
				     {"Data (the databases as kgenius migrate db verify)", db_specs, offsetof(struct verify_args, db)},
				     {NULL, data_specs, 0},
				     {NULL, NULL, 0}},
	"\nExit status: 0 every check passed, 1 a check failed, 2 usage, 3 a check could not run.\n",
	sizeof(struct verify_args), verify_args_init,
};

static int check_args(struct verify_args *a)
{
	const struct opt_command *c = &verify_command;

	if (a->keycloak && !a->realm)
		return opt_usage_error(c, "--keycloak goes with --realm");
	if (a->prometheus && !a->ns)
		return opt_usage_error(c, "--prometheus goes with --namespace");
	if (a->compare && !a->odoo)
		return opt_usage_error(c, "--compare-with compares with --odoo");
	if (a->db.ndbs && (!a->db.source.conninfo || !a->db.target.conninfo))
		return opt_usage_error(c, "--db goes with --source and --target");
	if (a->filestore && !strchr(a->filestore, ':'))
		return opt_usage_error(c, "--filestore takes SRC:DST");
	if (!a->odoo && !a->keycloak && !a->db.ndbs && !a->filestore && !a->prometheus)
		return opt_usage_error(c, "say what to verify: --odoo, --keycloak, --db, --filestore or --prometheus");
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

/* Both sides of the performance check, for the JSON report. */
struct perf_pair {
	bool measured;
	struct perf_result old, new_;
};

static void perf_checks(struct verify_args *a, struct checks *c, struct perf_pair *pp)
{
	struct perf_result *old = &pp->old, *new_ = &pp->new_;
	double slow = a->perf.max_slowdown;
	bool ok;

	if (perf_run(a->compare, &a->perf, &a->http, old) != 0 || perf_run(a->odoo, &a->perf, &a->http, new_) != 0) {
		check_add(c, "performance", "request mix", false, "libcurl could not run the load");
		return;
	}
	pp->measured = true;
	/* Worse means less throughput, a slower median or more errors; the tail
	 * (p95, p99) is reported beside them, too noisy over seconds to judge. */
	ok = new_->rps >= old->rps / (1 + slow) && new_->p50 <= old->p50 * (1 + slow) + 1.0 &&
	     (double)new_->errors / (double)(new_->requests ? new_->requests : 1) <=
		     (double)old->errors / (double)(old->requests ? old->requests : 1) + 0.001;
	check_add(c, "performance", "request mix", ok,
		  "new %.0f req/s, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, %zu errors; old %.0f req/s, p50 %.1f ms, p95 %.1f ms, "
		  "p99 %.1f ms, %zu errors (%d in flight, %.0f s each, allowed %.0f%% worse)", new_->rps, new_->p50, new_->p95,
		  new_->p99, new_->errors, old->rps, old->p50, old->p95, old->p99, old->errors, a->perf.concurrency,
		  a->perf.duration, slow * 100);
}

static void perf_side_json(struct json *j, const char *key, const char *url, const struct perf_result *r)
{
	json_key(j, key);
	json_object(j);
	json_member_str(j, "url", url);
	json_member_uint(j, "requests", r->requests);
	json_member_uint(j, "errors", r->errors);
	json_member_fixed(j, "rps", r->rps, 1);
	json_member_fixed(j, "p50_ms", r->p50, 2);
	json_member_fixed(j, "p95_ms", r->p95, 2);
	json_member_fixed(j, "p99_ms", r->p99, 2);
	json_end(j);
}

static void report_json(const struct verify_args *a, const struct checks *c, const struct perf_pair *pp, size_t failed,
			struct buf *out)
{
	struct json j;

	json_init(&j, out, false);
	json_object(&j);
	json_member_bool(&j, "ok", failed == 0);
	json_key(&j, "checks");
	json_array(&j);
	for (size_t i = 0; i < c->n; i++) {
		json_object(&j);
		json_member_str(&j, "group", c->v[i].group);
		json_member_str(&j, "name", c->v[i].name);
		json_member_bool(&j, "ok", c->v[i].ok);
		json_member_str(&j, "detail", c->v[i].detail);
		json_end(&j);
	}
	json_end(&j);
	if (pp->measured) {
		json_key(&j, "performance");
		json_object(&j);
		perf_side_json(&j, "old", a->compare, &pp->old);
		perf_side_json(&j, "new", a->odoo, &pp->new_);
		json_end(&j);
	}
	json_end(&j);
	buf_putc(out, '\n');
}

static void report_text(const struct checks *c, size_t failed, struct buf *out)
{
	for (size_t i = 0; i < c->n; i++)
		buf_printf(out, "%-4s %-12s %-40s %s\n", c->v[i].ok ? "ok" : "FAIL", c->v[i].group, c->v[i].name,
			   c->v[i].detail);
	buf_printf(out, "%zu checks, %zu failed\n", c->n, failed);
}

static void health_checks(const struct verify_args *a, struct checks *c)
{
	if (a->odoo) {
		health_odoo(a->odoo, &a->http, c);
		if (strncmp(a->odoo, "https://", 8) == 0)
			health_tls(a->odoo, &a->http, c);
	}
	if (a->keycloak) {
		health_keycloak(a->keycloak, a->realm, a->kc_mgmt, &a->http, c);
		if (strncmp(a->keycloak, "https://", 8) == 0)
			health_tls(a->keycloak, &a->http, c);
	}
	if (a->prometheus)
		health_monitoring(a->prometheus, a->ns, &a->http, c);
}

int cmd_verify(struct cli *cli, void *args, int nops, char **ops)
{
	struct verify_args *a = args;
	struct checks c;
	struct perf_pair pp;
	struct buf out = BUF_INIT;
	struct diags d;
	size_t failed = 0;
	int rc;

	memset(&c, 0, sizeof(c));
	memset(&pp, 0, sizeof(pp));
	if (nops > 0)
		return opt_usage_error(&verify_command, "verify takes options only, not '%s'", ops[0]);
	rc = check_args(a);
	if (rc != KG_EXIT_OK)
		return rc;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "kgenius verify: libcurl cannot start\n");
		return KG_EXIT_ENV;
	}
	diags_init(&d);
	data_checks(a, &c, &d);
	health_checks(a, &c);
	if (a->compare)
		perf_checks(a, &c, &pp);
	for (size_t i = 0; i < c.n; i++)
		failed += !c.v[i].ok;
	if (a->format == REPORT_JSON)
		report_json(a, &c, &pp, failed, &out);
	else
		report_text(&c, failed, &out);
	rc = failed ? KG_EXIT_FINDINGS : KG_EXIT_OK;
	if (cli_write_buf(NULL, &out, 0) != KG_EXIT_OK)
		rc = KG_EXIT_ENV;
	cli_report(cli, &d);
	buf_free(&out);
	diags_free(&d);
	curl_global_cleanup();
	return rc;
}
