/* The knowledge base against its fixtures: each entry is ranked first on its
 * positive fixture and absent from its negative one (a healthy output that
 * produces no diagnosis at all). Then the readers and the ranking rules. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose/diagnose.h"
#include "util/buf.h"
#include "t.h"

#define KB_DIR "tests/data/diagnose/kb"

/* Diagnoses text as if it were a file named name. */
static void diagnose_text(struct dx_run *run, struct diags *d, const char *name, const char *text)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");

	diags_init(d);
	if (dx_init(run, d) != 0 || !fp)
		abort();
	dx_read_stream(run, name, fp);
	fclose(fp);
	if (dx_finish(run) != 0)
		abort();
}

static void diagnose_file(struct dx_run *run, struct diags *d, const char *path)
{
	diags_init(d);
	if (dx_init(run, d) != 0)
		abort();
	dx_read_path(run, path);
	if (dx_finish(run) != 0)
		abort();
}

static const char *top_id(const struct dx_run *run)
{
	return run->ndiagnoses ? dx_kb[run->diagnoses[0].entry].id : "(none)";
}

static bool has(const struct dx_run *run, const char *id)
{
	for (size_t i = 0; i < run->ndiagnoses; i++)
		if (strcmp(dx_kb[run->diagnoses[i].entry].id, id) == 0)
			return true;
	return false;
}

static void done(struct dx_run *run, struct diags *d)
{
	dx_free(run);
	diags_free(d);
}

static bool entry_seen(const struct dx_run *run, size_t entry)
{
	for (size_t s = 0; s < DX_MAX_SIGS; s++)
		if (run->hits[entry].sig[s].count > 0)
			return true;
	return false;
}

static enum dx_kind expected_kind(enum dx_level level)
{
	return level == DX_CAUSE ? DXK_CAUSE : level == DX_UNRECOGNISED ? DXK_UNRECOGNISED : DXK_INSUFFICIENT;
}

static void test_kb_fixtures(void)
{
	size_t n = dx_kb_count();

	CHECK(n >= 30);
	for (size_t i = 0; i < n; i++) {
		const char *id = dx_kb[i].id;
		char path[512];
		struct dx_run run;
		struct diags d;

		snprintf(path, sizeof(path), "%s/%s.pos.txt", KB_DIR, id);
		diagnose_file(&run, &d, path);
		CHECK_INT((long long)d.errors, 0);
		if (dx_kb[i].level == DX_FACT) {
			/* A fact is never reported: it rules out or completes what is. */
			CHECK(entry_seen(&run, i));
			CHECK(run.ndiagnoses > 0);
			CHECK(!has(&run, id));
		} else {
			CHECK_STR(top_id(&run), id);
			if (run.ndiagnoses)
				CHECK_INT(run.diagnoses[0].kind, expected_kind(dx_kb[i].level));
		}
		done(&run, &d);

		snprintf(path, sizeof(path), "%s/%s.neg.txt", KB_DIR, id);
		diagnose_file(&run, &d, path);
		CHECK_INT((long long)d.errors, 0);
		CHECK(run.lines > 0);
		if (run.ndiagnoses)
			fprintf(stderr, "    %s.neg.txt gives %s\n", id, top_id(&run));
		CHECK_INT((long long)run.ndiagnoses, 0);
		done(&run, &d);
	}
}

/* Every fixture belongs to an entry, and every entry is well formed. */
static void test_kb_table(void)
{
	DIR *dir = opendir(KB_DIR);
	struct dirent *de;
	size_t files = 0;

	CHECK(dir != NULL);
	while (dir && (de = readdir(dir))) {
		char id[256];
		const char *dot = strstr(de->d_name, ".pos.txt");

		if (!dot)
			dot = strstr(de->d_name, ".neg.txt");
		if (de->d_name[0] == '.')
			continue;
		files++;
		CHECK(dot != NULL);
		if (!dot)
			continue;
		snprintf(id, sizeof(id), "%.*s", (int)(dot - de->d_name), de->d_name);
		if (!dx_kb_find(id))
			fprintf(stderr, "    %s: no knowledge-base entry %s\n", de->d_name, id);
		CHECK(dx_kb_find(id) != NULL);
	}
	if (dir)
		closedir(dir);
	CHECK_INT((long long)files, 2 * (long long)dx_kb_count());
	for (const struct dx_entry *e = dx_kb; e->id; e++) {
		CHECK(e->title && e->cause && e->fix && e->sigs[0].anchor);
		CHECK(e->level == DX_CAUSE || e->collect != NULL);
		for (size_t k = 0; k < 8 && e->yields_to[k]; k++)
			CHECK(dx_kb_find(e->yields_to[k]) != NULL);
		for (size_t k = 0; k < 6 && e->ruled_out_by[k]; k++)
			CHECK(dx_kb_find(e->ruled_out_by[k]) != NULL);
		for (size_t s = 0; s < DX_MAX_SIGS && e->sigs[s].anchor; s++) {
			CHECK(e->sigs[s].confidence > 0 && e->sigs[s].confidence < 100);
			/* the anchor decides which lines the pattern runs on: a two-letter one ("og") put a regex
			 * on almost every line and doubled the time of 100 MB of logs */
			if (strlen(e->sigs[s].anchor) < 3)
				fprintf(stderr, "    %s: anchor \"%s\" is shorter than 3 bytes\n", e->id, e->sigs[s].anchor);
			CHECK(strlen(e->sigs[s].anchor) >= 3);
			CHECK(!e->sigs[s].requires || dx_kb_find(e->sigs[s].requires) != NULL);
		}
		for (const struct dx_entry *f = e + 1; f->id; f++)
			CHECK(strcmp(e->id, f->id) != 0);
	}
}

static bool same_signature(const struct dx_signature *a, const struct dx_signature *b)
{
	if (strcmp(a->anchor, b->anchor) != 0 || a->requires || b->requires)
		return false;
	return a->pattern && b->pattern ? strcmp(a->pattern, b->pattern) == 0 : !a->pattern && !b->pattern;
}

static bool yields(const struct dx_entry *e, const char *id)
{
	for (size_t k = 0; k < 8 && e->yields_to[k]; k++)
		if (strcmp(e->yields_to[k], id) == 0)
			return true;
	return false;
}

/* Two causes that claim the same words at the same confidence, neither
 * yielding to the other, are one family written twice: which one ranks
 * first is decided by their order in the table (pg-key-file-mode and
 * pg-ssl-key-permissions were). */
static void test_kb_no_tied_duplicates(void)
{
	for (const struct dx_entry *e = dx_kb; e->id; e++)
		for (const struct dx_entry *f = e + 1; f->id; f++) {
			if (e->level != DX_CAUSE || f->level != DX_CAUSE || yields(e, f->id) || yields(f, e->id))
				continue;
			for (size_t s = 0; s < DX_MAX_SIGS && e->sigs[s].anchor; s++)
				for (size_t t = 0; t < DX_MAX_SIGS && f->sigs[t].anchor; t++) {
					bool tied = same_signature(&e->sigs[s], &f->sigs[t]) &&
						    e->sigs[s].confidence == f->sigs[t].confidence;

					if (tied)
						fprintf(stderr, "    %s and %s: \"%s\" at %d%%\n", e->id, f->id,
							e->sigs[s].anchor, e->sigs[s].confidence);
					CHECK(!tied);
				}
		}
}

/* Signatures whose wording no public source we could read prints or quotes:
 * each keeps its version and has no source until one is found (issue 16).
 * The anchor with the entry and the index names the signature. */
static const struct {
	const char *id;
	size_t sig;
	const char *anchor;
} unsourced_sigs[] = {
	{"db-timeout", 0, "timeout expired"},
	{"odoo-missing-db-params", 0, "Missing required database parameters"},
	{"attach-limit", 0, "cannot attach more than"},
	{"keycloak-probe-port", 0, "probe failed"},       /* probe failed: ...:8080/health */
	{"odoo-websocket", 3, "/websocket"},              /* WebSocket connection to '...' failed */
	{"odoo-websocket", 4, "/websocket"},              /* /websocket ... HTTP/1.1" 400 */
	{"odoo-websocket", 5, "/longpolling/"},           /* /longpolling/poll HTTP/1.1" 404 */
	{"unrecognised-cluster-failure", 6, "False"},     /* Ready: False, in cmctl status */
};

static bool unsourced(const char *id, size_t sig, const char *anchor)
{
	for (size_t i = 0; i < sizeof(unsourced_sigs) / sizeof(unsourced_sigs[0]); i++)
		if (strcmp(unsourced_sigs[i].id, id) == 0 && unsourced_sigs[i].sig == sig &&
		    strcmp(unsourced_sigs[i].anchor, anchor) == 0)
			return true;
	return false;
}

/* Every signature says which versions print its wording and links to where
 * that wording is printed or quoted, so a new signature cannot come without
 * them; the few listed above have a version and no source yet. */
static void test_kb_sources(void)
{
	size_t listed = 0;

	for (const struct dx_entry *e = dx_kb; e->id; e++) {
		for (size_t s = 0; s < DX_MAX_SIGS && e->sigs[s].anchor; s++) {
			const struct dx_signature *g = &e->sigs[s];
			bool exempt = unsourced(e->id, s, g->anchor);
			bool linked = g->source && strncmp(g->source, "https://", 8) == 0;

			if (!g->version || (exempt ? g->source != NULL : !linked))
				fprintf(stderr, "    %s signature %zu (%s): version %s, source %s\n", e->id, s, g->anchor,
					g->version ? g->version : "(none)", g->source ? g->source : "(none)");
			CHECK(g->version != NULL && g->version[0] != '\0');
			CHECK(exempt ? g->source == NULL : linked);
			listed += exempt;
		}
	}
	/* a listed signature that was renumbered or removed leaves the list */
	CHECK_INT((long long)listed, (long long)(sizeof(unsourced_sigs) / sizeof(unsourced_sigs[0])));
}

static void test_requires_and_yields(void)
{
	struct dx_run run;
	struct diags d;

	/* the initdb banner alone is a healthy first start */
	diagnose_text(&run, &d, "a", "The files belonging to this database system will be owned by user \"postgres\".\n");
	CHECK_INT((long long)run.ndiagnoses, 0);
	done(&run, &d);
	/* in a restart loop it points at lost+found, ahead of the loop itself */
	diagnose_text(&run, &d, "b",
		      "NAME READY STATUS RESTARTS AGE\ndb-0 0/1 CrashLoopBackOff 3 1m\n\n"
		      "The files belonging to this database system will be owned by user \"postgres\".\n");
	CHECK_STR(top_id(&run), "pg-lost-found");
	CHECK(has(&run, "crashloop"));
	CHECK_INT(run.diagnoses[1].kind, DXK_SYMPTOM);
	done(&run, &d);
	/* the precise DETAIL line replaces the generic FATAL one */
	diagnose_text(&run, &d, "c",
		      "FATAL:  password authentication failed for user \"odoo\"\n"
		      "DETAIL:  Role \"odoo\" does not exist.\n");
	CHECK_STR(top_id(&run), "pg-role-missing");
	CHECK(!has(&run, "pg-auth-failed"));
	CHECK_STR(run.diagnoses[0].subject, "odoo");
	done(&run, &d);
	/* a broad entry yields to the one that names the same lines' cause (rather than being outranked by a
	 * raised confidence): each precise entry's fixture gives it alone */
	static const char *const precise[][2] = {
		{"keycloak-jvm-heap-from-node", "oom-killed"},
		{"keycloak-provider-duplicate-classes", "keycloak-build-failed"},
		{"admission-webhook-untrusted-cert", "admission-webhook-unreachable"},
		{"flannel-no-subnet", "cni-sandbox-failed"},
		{"cert-dns01-nameserver-unreachable", "network-timeout"},
		{"pg-extension-version-behind", "pg-preload-library-missing"},
		{"pgbackrest-host-options-wrong-side", "pg-archive-failing"},
	};
	for (size_t i = 0; i < sizeof precise / sizeof precise[0]; i++) {
		char path[256];

		snprintf(path, sizeof(path), "%s/%s.pos.txt", KB_DIR, precise[i][0]);
		diagnose_file(&run, &d, path);
		CHECK_STR(top_id(&run), precise[i][0]);
		if (has(&run, precise[i][1]))
			fprintf(stderr, "    %s.pos.txt also gives %s\n", precise[i][0], precise[i][1]);
		CHECK(!has(&run, precise[i][1]));
		done(&run, &d);
	}
	/* a library wkhtmltopdf lacks is Odoo's report tool's, not any image's */
	diagnose_text(&run, &d, "w", "/usr/local/bin/wkhtmltopdf: error while loading shared libraries: libXrender.so.1: "
				     "cannot open shared object file: No such file or directory\n");
	CHECK_STR(top_id(&run), "odoo-wkhtmltopdf-broken");
	CHECK(!has(&run, "image-library-missing"));
	done(&run, &d);
	/* an OOMKilled pod without the JVM's estimate is still oom-killed */
	diagnose_text(&run, &d, "d", "NAME READY STATUS RESTARTS AGE\nkeycloak-0 0/1 OOMKilled 5 6m\n");
	CHECK_STR(top_id(&run), "oom-killed");
	done(&run, &d);
}

static void test_readers(void)
{
	struct dx_run run;
	struct diags d;

	/* kubectl get events -o yaml: a message folded over lines is whole again */
	diagnose_text(&run, &d, "ev.yaml",
		      "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Event\n"
		      "  involvedObject: {kind: Pod, name: odoo-1}\n  reason: Failed\n  type: Warning\n"
		      "  message: 'Failed to pull image \"odoo:99\": details: (Tag 99\n    not found in repository docker.io/odoo)'\n");
	CHECK_STR(top_id(&run), "image-tag-not-found");
	CHECK_INT((long long)run.hits[run.diagnoses[0].entry].nobjects, 1);
	CHECK_STR(run.hits[run.diagnoses[0].entry].objects[0], "odoo-1");
	done(&run, &d);
	/* kubectl get pods -A: the NAMESPACE column shifts the others */
	diagnose_text(&run, &d, "pods",
		      "NAMESPACE   NAME        READY   STATUS      RESTARTS      AGE\n"
		      "erp         odoo-abc    0/1     OOMKilled   3 (20s ago)   5m\n");
	CHECK_STR(top_id(&run), "oom-killed");
	CHECK_STR(run.hits[run.diagnoses[0].entry].objects[0], "odoo-abc");
	done(&run, &d);
	/* docker compose logs prefixes name the service */
	diagnose_text(&run, &d, "compose", "db_1  | FATAL:  role \"erp\" does not exist\n");
	CHECK_STR(run.hits[run.diagnoses[0].entry].objects[0], "db_1");
	done(&run, &d);
	/* a pod's name in brackets (kubetail) names it; a program's tag in brackets does not */
	diagnose_text(&run, &d, "kubetail", "[db-0] FATAL:  role \"erp\" does not exist\n");
	CHECK_STR(top_id(&run), "pg-role-missing");
	CHECK_STR(run.hits[run.diagnoses[0].entry].objects[0], "db-0");
	done(&run, &d);
	diagnose_text(&run, &d, "tag", "[pg-main] FATAL:  role \"erp\" does not exist\n");
	CHECK_INT((long long)run.hits[run.diagnoses[0].entry].nobjects, 0);
	done(&run, &d);
	/* JSON log lines are read by field, escapes undone */
	diagnose_text(&run, &d, "json",
		      "{\"level\":\"ERROR\",\"message\":\"FATAL: password authentication failed for user \\\"kc\\\"\"}\n");
	CHECK_STR(top_id(&run), "pg-auth-failed");
	CHECK_STR(run.diagnoses[0].subject, "kc");
	done(&run, &d);
	/* describe: the exit code of the last run is kept for the restart loop */
	diagnose_text(&run, &d, "describe",
		      "Name:         odoo-abc\nStatus:       Running\n    State:          Waiting\n"
		      "      Reason:       CrashLoopBackOff\n    Last State:     Terminated\n"
		      "      Reason:       Error\n      Exit Code:    127\n");
	CHECK_STR(top_id(&run), "crashloop");
	CHECK_INT(run.diagnoses[0].exit_code, 127);
	CHECK_STR(run.hits[run.diagnoses[0].entry].objects[0], "odoo-abc");
	done(&run, &d);
}

static void test_long_lines(void)
{
	size_t n = 200 * 1024;
	char *text = malloc(n + 200);
	struct dx_run run;
	struct diags d;

	if (!text)
		abort();
	memset(text, 'x', n);
	strcpy(text + n, "fe_sendauth: no password supplied\nsorry, too many clients already\n");
	diagnose_text(&run, &d, "long", text);
	CHECK_INT((long long)run.truncated_lines, 1);
	CHECK_INT((long long)run.lines, 2);
	/* the end of a cut line is skipped, the next line is read */
	CHECK(!has(&run, "pg-no-password"));
	CHECK(has(&run, "pg-too-many-clients"));
	done(&run, &d);
	free(text);
}

static void test_redact(void)
{
	char a[] = "dsn host=db password=Hunter2Secret user=odoo";
	char b[] = "jdbc:postgresql://kc:KcPassw0rd@pg:5432/keycloak";
	char c[] = "{\"PASSWORD\": \"abc\", \"db_password\":\"xyz123\"}";
	char pg[] = "PGPASSWORD=s3cr3tpw psql -h db -U odoo";
	char conf[] = "db_password = my pass phrase";
	char bearer[] = "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig";
	char basic[] = "Authorization: Basic b2RvbzpvZG9vcGFzcw==";
	char api[] = "curl -s 'https://api.example.com/v1?api_key=AKIA1234567890' -o out";
	char at[] = "postgresql://odoo:p@ss@word@db:5432/erp";
	char quoted[] = "password: \"two words\" user: odoo";
	char prose[] = "FATAL:  password authentication failed for user \"odoo\"";

	dx_redact(a);
	dx_redact(b);
	dx_redact(c);
	CHECK_STR(a, "dsn host=db password=**** user=odoo");
	CHECK_STR(b, "jdbc:postgresql://kc:****@pg:5432/keycloak");
	CHECK(!strstr(c, "abc") && !strstr(c, "xyz123"));
	dx_redact(pg);
	CHECK_STR(pg, "PGPASSWORD=**** psql -h db -U odoo");
	dx_redact(conf);
	CHECK_STR(conf, "db_password = ****");
	dx_redact(bearer);
	CHECK_STR(bearer, "Authorization: Bearer ****");
	dx_redact(basic);
	CHECK_STR(basic, "Authorization: Basic ****");
	dx_redact(api);
	CHECK(!strstr(api, "AKIA1234567890"));
	dx_redact(at);
	CHECK_STR(at, "postgresql://odoo:****@db:5432/erp");
	dx_redact(quoted);
	CHECK_STR(quoted, "password: \"****\" user: odoo");
	dx_redact(prose);
	CHECK_STR(prose, "FATAL:  password authentication failed for user \"odoo\"");
}

/* Escape sequences from the input never reach the terminal. */
static void test_defang(void)
{
	char colour[] = "\033[31mERROR\033[0m [org.keycloak] boom\a\r";
	char title[] = "x\033]0;owned\007y";
	struct dx_run run;
	struct diags d;
	struct buf b = BUF_INIT;

	dx_defang(colour);
	CHECK_STR(colour, "ERROR [org.keycloak] boom??");
	dx_defang(title);
	CHECK(!strchr(title, 0x1b) && !strchr(title, 0x07));
	diagnose_text(&run, &d, "esc", "\033[31m2024-01-01 ERROR\033[0m [org.keycloak.services] (main) \033]0;pwned\007 kaboom\n");
	CHECK_STR(top_id(&run), "unrecognised-log-error");
	dx_render(&run, DX_HUMAN, false, &b);
	CHECK(b.data && !memchr(b.data, 0x1b, b.len) && !memchr(b.data, 0x07, b.len) && !memchr(b.data, '\r', b.len));
	buf_free(&b);
	done(&run, &d);
}

/* Failure lines no entry explains are reported, grouped by component;
 * lines that show no failure are not. */
static void test_unrecognised(void)
{
	struct dx_run run;
	struct diags d;
	struct buf b = BUF_INIT;

	diagnose_text(&run, &d, "u",
		      "db_1    | 2024-01-01 10:00:00 UTC [7] FATAL:  the frobnicator could not start\n"
		      "odoo_1  | 2024-01-01 10:00:01,000 1 ERROR erp odoo.addons.foo: frobnicate failed\n"
		      "10.0.0.1 - - [01/Jan/2024:10:00:02 +0000] \"GET /web HTTP/1.1\" 503 12 \"-\" \"curl\"\n");
	CHECK_INT((long long)run.ndiagnoses, 2);
	CHECK_STR(top_id(&run), "unrecognised-log-error");
	CHECK_INT(run.diagnoses[0].kind, DXK_UNRECOGNISED);
	dx_render(&run, DX_HUMAN, false, &b);
	CHECK(b.data && strstr(b.data, "   db_1:\n") && strstr(b.data, "   odoo_1:\n"));
	buf_free(&b);
	done(&run, &d);
	/* a known cause takes the lines it explains; no unrecognised beside it */
	diagnose_text(&run, &d, "k", "FATAL:  password authentication failed for user \"odoo\"\nERROR: boom\n");
	CHECK_STR(top_id(&run), "pg-auth-failed");
	CHECK(!has(&run, "unrecognised-log-error"));
	done(&run, &d);
	diagnose_text(&run, &d, "h", "2024-01-01 10:00:00,000 1 INFO erp odoo.modules.loading: Modules loaded.\n");
	CHECK_INT((long long)run.ndiagnoses, 0);
	done(&run, &d);
}

/* A restart loop whose pasted kubectl logs show no failure: the main
 * process ended normally. An error in that log, or a liveness probe's kill,
 * says otherwise; what follows the next prompt is not that log. */
static void test_logs_without_failure(void)
{
	struct dx_run run;
	struct diags d;

	diagnose_text(&run, &d, "a", "Warning  BackOff  15s (x7 over 1m)  kubelet  Back-off restarting failed container\n"
				       "$ oc logs hello-v2-1-fjchl\nHello World!\n");
	CHECK_STR(top_id(&run), "container-exits-completed");
	CHECK(run.diagnoses[0].kind == DXK_CAUSE && run.diagnoses[0].confidence == 60);
	done(&run, &d);
	/* empty, closed by the next prompt */
	diagnose_text(&run, &d, "b", "  * pod/centos-1-dl5dp is crash-looping\n$ oc logs centos-1-dl5dp -c centos\n$\n"
				       "$ oc get pods\n");
	CHECK_STR(top_id(&run), "container-exits-completed");
	done(&run, &d);
	/* the log shows an error */
	diagnose_text(&run, &d, "c", "Warning  BackOff  15s (x7 over 1m)  kubelet  Back-off restarting failed container\n"
				       "$ kubectl logs api-1\nstarting\nERROR: config file /etc/api.yaml: No such file or directory\n");
	CHECK(!has(&run, "container-exits-completed"));
	done(&run, &d);
	/* a clean log and no restart loop */
	diagnose_text(&run, &d, "d", "$ kubectl logs api-1\nlistening on :8080\n");
	CHECK_INT((long long)run.ndiagnoses, 0);
	done(&run, &d);
	/* a healthy pod's clean log says nothing of another pod's restarts */
	diagnose_text(&run, &d, "f", "NAME   READY   STATUS             RESTARTS   AGE\ndb-0   0/1     CrashLoopBackOff   5          3m\n"
				       "web-7d9f8b7c4-x2x9k   1/1     Running   0   3m\n$ kubectl logs web-7d9f8b7c4-x2x9k\nready\n");
	CHECK(!has(&run, "container-exits-completed"));
	done(&run, &d);
	/* nor when the pod table that shows the restarts comes after the log */
	diagnose_text(&run, &d, "h", "$ kubectl logs web-7d9f8b7c4-x2x9k\nready\n$ kubectl get pods\n"
				       "NAME   READY   STATUS             RESTARTS   AGE\ndb-0   0/1     CrashLoopBackOff   5          3m\n"
				       "web-7d9f8b7c4-x2x9k   1/1     Running   0   3m\n");
	CHECK(!has(&run, "container-exits-completed"));
	done(&run, &d);
	/* and a clean log of the restarting pod itself is evidence wherever its table is */
	diagnose_text(&run, &d, "i", "$ kubectl logs db-0\nstarting\n$ kubectl get pods\n"
				       "NAME   READY   STATUS             RESTARTS   AGE\ndb-0   0/1     CrashLoopBackOff   5          3m\n");
	CHECK(has(&run, "container-exits-completed"));
	done(&run, &d);
	/* nor does a filtered log that prints nothing */
	diagnose_text(&run, &d, "g", "Warning  BackOff  15s (x7 over 1m)  kubelet  Back-off restarting failed container\n"
				       "$ kubectl logs api-1 --previous | grep -i error\n$\n");
	CHECK(!has(&run, "container-exits-completed"));
	done(&run, &d);
	/* past the table's bound a clean log is counted, for the report's note, never dropped unsaid */
	{
		char many[4096];
		size_t n = 0;

		for (int i = 0; i <= DX_MAX_CLEAN_LOGS; i++)
			n += (size_t)snprintf(many + n, sizeof(many) - n, "$ kubectl logs api-%d\nready\n", i);
		diagnose_text(&run, &d, "m", many);
		CHECK_INT((long long)run.clean_logs_unjudged, 1);
		done(&run, &d);
	}
	/* Completed because a failed liveness probe stopped it gracefully */
	diagnose_text(&run, &d, "e", "    State:          Waiting\n      Reason:       CrashLoopBackOff\n"
				       "    Last State:     Terminated\n      Reason:       Completed\n      Exit Code:    0\n"
				       "  Warning  Unhealthy  3s (x9 over 2m)  kubelet  Liveness probe failed: HTTP probe failed with "
				       "statuscode: 500\n  Normal   Killing    3s (x3 over 2m)  kubelet  Container api failed liveness "
				       "probe, will be restarted\n");
	CHECK(!has(&run, "container-exits-completed"));
	done(&run, &d);
}

/* A failure line no signature matched, in words most of one signature's:
 * the nearest entry, as similar, above the catch-all; words that many
 * entries share decide nothing. */
static void test_similar(void)
{
	struct dx_run run;
	struct diags d;
	struct buf b = BUF_INIT;

	/* PgBouncer's "pooler error: client_login_timeout", reworded */
	diagnose_text(&run, &d, "s", "2024-05-02 10:00:01 ERROR client_login_timeout hit: pooler dropped the client\n");
	CHECK_INT((long long)run.ndiagnoses, 2);
	CHECK_STR(top_id(&run), "pgbouncer-client-login-timeout");
	CHECK_INT(run.diagnoses[0].kind, DXK_SIMILAR);
	CHECK(run.diagnoses[1].kind == DXK_UNRECOGNISED);
	CHECK(run.diagnoses[0].confidence > 0 && run.diagnoses[0].confidence <= 50);
	dx_render(&run, DX_HUMAN, false, &b);
	CHECK(b.data && strstr(b.data, "similar: no signature matched") && strstr(b.data, "s:1: 2024-05-02"));
	buf_free(&b);
	done(&run, &d);
	/* common words only */
	diagnose_text(&run, &d, "c", "2024-05-02 10:00:01 ERROR failed to connect to the thing: connection error\n");
	CHECK_INT((long long)run.ndiagnoses, 1);
	CHECK_INT(run.diagnoses[0].kind, DXK_UNRECOGNISED);
	done(&run, &d);
	/* an exact match leaves no room for a guess */
	diagnose_text(&run, &d, "e", "FATAL:  password authentication failed for user \"odoo\"\n"
				       "ERROR client_login_timeout hit: pooler dropped the client\n");
	CHECK_STR(top_id(&run), "pg-auth-failed");
	CHECK(!has(&run, "pgbouncer-client-login-timeout"));
	done(&run, &d);
	/* most of a signature's words, without what tells it from its neighbours, is no guess: the value
	 * its pattern's alternatives name ("localhost"), the anchor's number ("signal 9"), the anchor's
	 * words rather than a path's ("Permission denied: '/var/lib/odoo") */
	static const char *const not_similar[] = {
		"dial tcp 10.0.0.9:443: connect: connection refused\n",
		"2024-01-01 10:00:00.000 UTC [1] LOG:  server process (PID 77) was terminated by signal 8: Floating point "
		"exception\n",
		"ls: cannot access '/var/lib/odoo/filestore/erp': No such file or directory\n",
		NULL,
	};
	for (size_t i = 0; not_similar[i]; i++) {
		diagnose_text(&run, &d, "n", not_similar[i]);
		if (run.ndiagnoses && run.diagnoses[0].kind != DXK_UNRECOGNISED)
			fprintf(stderr, "    guessed %s: %s", top_id(&run), not_similar[i]);
		CHECK(run.ndiagnoses > 0 && run.diagnoses[0].kind == DXK_UNRECOGNISED);
		done(&run, &d);
	}
}

/* Each line alone is a failure (with unrecognised, one no entry knows). */
static void expect_failure_each(const char *const lines[], bool unrecognised)
{
	struct dx_run run;
	struct diags d;

	for (size_t i = 0; lines[i]; i++) {
		diagnose_text(&run, &d, "m", lines[i]);
		/* A similar guess may stand above the catch-all; the catch-all still took the line. */
		size_t first = run.ndiagnoses > 1 && run.diagnoses[0].kind == DXK_SIMILAR ? 1 : 0;

		if (run.ndiagnoses == 0 || (unrecognised && run.diagnoses[first].kind != DXK_UNRECOGNISED))
			fprintf(stderr, "    not %s failure: %s", unrecognised ? "an unrecognised" : "a", lines[i]);
		CHECK(run.ndiagnoses > 0);
		if (unrecognised && run.ndiagnoses)
			CHECK_INT(run.diagnoses[first].kind, DXK_UNRECOGNISED);
		done(&run, &d);
	}
}

/* Each component's own failure marker, alone, is an unrecognised failure
 * (never "no known failure"): one line per log or output format. */
static void test_failure_markers(void)
{
	static const char *const lines[] = {
		"2024-01-01 10:00:00,000 1 CRITICAL erp odoo.service.server: Failed to load server-wide module\n",
		"KeyError: 'frobnicator'\n",
		"java.lang.IllegalStateException: the frobnicator is closed\n",
		"Exception in thread \"main\" java.lang.IllegalStateException: boom\n",
		"SEVERE: Servlet.service() threw an exception\n",
		"E0714 17:46:58.123456       1 reflector.go:138] failed to list *v1.Pod: Unauthorized\n",
		"F0714 17:46:58.123456       1 main.go:40] cannot start\n",
		"2024-01-01 10:00:00.000 UTC [1] LOG:  server process (PID 77) was terminated by signal 8: Floating point exception\n",
		"pg_dump: error: query failed: frobbed\n",
		"dial tcp 10.0.0.9:443: connect: connection refused\n",
		"{\"level\":\"error\",\"msg\":\"reconcile\"}\n",
		"{\"error\":\"Unable to frobnicate\"}\n",
		"time=\"2024-01-01T10:00:00Z\" level=warning msg=\"retry\" error=\"EOF\"\n",
		"2024/01/01 10:00:00 [alert] 7#7: worker process exited on signal 11 [crit]\n",
		"HTTP/1.1 404 Not Found\n",
		"< HTTP/2 503\n",
		"GET https://erp.example.com/web net::ERR_CONNECTION_RESET\n",
		"curl: (7) Failed to connect to erp.example.com port 443\n",
		"curl: (35) OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to erp.example.com:443\n",
		"wget: server returned error: HTTP/1.1 418 I'm a teapot\n",
		/* cut before kubectl's question: the whole line is kube-api-unreachable's (w18c) */
		"The connection to the server 10.0.0.1:6443 was refused\n",
		"  NetworkUnavailable   True    Tue, 11 Jun 2024 07:20:01 +0000   NoRouteCreated   RouteController failed\n",
		"  Ready            False   Tue, 11 Jun 2024 07:20:01 +0000   KubeletNotReady   PLEG is not healthy\n",
		"      Reason:       Error\n",
		"ERRO[0000] error waiting for container: context canceled\n",
		"WARN[0000] forwarding to https://odoo:8443: x509: malformed certificate\n",
		"2024-12-03T10:00:00Z ERR Router skipped routerName=erp@file\n",
		"2024-12-03T10:00:00Z FTL Command stopped\n",
		"odoo-1 exited with code 1\n",
		"Error response from daemon: driver failed programming external connectivity on endpoint erp-odoo-1\n",
		"Segmentation fault (core dumped)\n",
		"-bash: cd: /srv/exports: Too many levels of symbolic links\n",
		"sh: 1: cd: can't cd to /mounted\n",
		";; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 56670\n",
		"Database backup error\n",
		"*1 upstream rejected request with error 1 while reading response header from upstream\n",
		/* a pod's name in brackets before its line (kubetail) leaves the klog marker readable */
		"[cert-manager-6b78b7c997-qnwcw] E1115 09:37:35.892337       1 pki.go:128] \"msg\"=\"error decoding\"\n",
		NULL,
	};
	struct dx_run run;
	struct diags d;

	expect_failure_each(lines, true);
	/* a group that only delimits the match names no subject */
	diagnose_text(&run, &d, "s", "10.0.0.1 - - [01/Jan/2024:10:00:02 +0000] \"GET /web HTTP/1.1\" 503 12\n");
	CHECK(run.ndiagnoses && run.diagnoses[0].subject == NULL);
	done(&run, &d);
	/* the component that printed a line no pod names */
	CHECK_STR(dx_component_of("E0714 17:46:58.123456 1 reflector.go:138] failed to list *v1.Pod"), "controller");
	CHECK_STR(dx_component_of("[ERROR] plugin/errors: 2 erp. A: read udp 10.0.0.1:1->10.0.0.2:53: i/o timeout"),
		  "coredns");
	CHECK_STR(dx_component_of("HTTP/1.1 404 Not Found"), "http");
	CHECK_STR(dx_component_of("  DiskPressure  True  Tue, 11 Jun 2024"), "node");
	/* a line that a signature takes only with another entry's evidence is
	 * still a failure when that entry is never seen */
	diagnose_text(&run, &d, "r", "ERROR boom nginx.ingress.kubernetes.io/proxy-body-size: 1m\n");
	CHECK_STR(top_id(&run), "unrecognised-log-error");
	done(&run, &d);
}

/* A failure said in words, with no level marker, is a failure: one line
 * per phrase family of unrecognised-failure-words and of the kernel's and
 * the ingress's own pages. */
static void test_failure_words(void)
{
	static const char *const lines[] = {
		"could not open extension control file \"/x/vector.control\": No such file or directory\n",
		"COULD NOT REACH SERVER\n",
		"cannot allocate memory for the frobnicator\n",
		"Can't locate the frobnicator\n",
		"Can\u2019t reach this page\n",
		"Unable to connect to the frobnicator\n",
		"DETAIL: The database was created using collation version 2.36, but the operating system provides 2.41.\n",
		"backup of erp failed\n",
		"Database creation error: database \"erp\" already exists\n",
		"Processed 10 items, 3 failed\n",
		"STATUS: FAILED\n",
		"Temporary failure in name resolution\n",
		"open /data/x: No such file or directory\n",
		"mkdir /var/lib/odoo/sessions: permission denied\n",
		"write /var/lib/postgresql/data/base/1: No space left on device\n",
		"connect to 10.0.0.4 port 5432: Connection timed out\n",
		"read tcp 10.0.0.1:5432: Connection reset by peer\n",
		"connect: No route to host\n",
		"connect: Network is unreachable\n",
		"open /etc/odoo/odoo.conf: Read-only file system\n",
		"the operation timed out\n",
		"timeout when waiting for 3rd party check iframe message\n",
		"\"secret mynamespace/ does not exist\"\n",
		"module web_enterprise: not found\n",
		"The database manager has been disabled by the administrator\n",
		"access denied for user odoo\n",
		"denied: requested access to the resource is denied\n",
		"pods is forbidden: User \"system:serviceaccount:erp:default\" cannot list resource \"pods\"\n",
		"UnauthorizedOperation: You are not authorized to perform this operation.\n",
		"Invalid parameter: redirect_uri\n",
		"checksum mismatch\n",
		"database files are incompatible with server\n",
		"Killed\n",
		"Out of memory: Killed process 4242 (postgres) total-vm:303548kB\n",
		"[669754.414000] postgres invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0\n",
		"[669754.414100] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),task=postgres,pid=4242\n",
		"[669754.414900] Tasks state (memory values in pages):\n",
		"[669754.414927] [68454]    26 68454    75887     7530   368640        0           999 postgres\n",
		"[669754.414927] [  68454]    26 68454    75887     7530     7000      300      230   368640        0     999 postgres\n",
		"default backend - 404\n",
		"<html><head><title>502 Bad Gateway</title></head>\n",
		"\"Error configuring TLS for ingress erp/odoo: secret erp/ does not exist\"\n",
		"PostgreSQL Error: could not obtain lock on row in relation \u201cir_cron\u201d\n",
		"/docker-entrypoint.sh: line 57: syntax error near unexpected token `fi'\n",
		"Refused to frame 'https://sso.example.com/' because it violates the following Content Security Policy "
		"directive: \"frame-src 'self'\".\n",
		/* an exception retold inside a line; a 5xx given only as a number */
		"Traceback: ir_attachment.py:921 os.stat(stream.path) \u2192 FileNotFoundError: /var/lib/odoo/filestore/x\n",
		"GET /web/content/12 -> 500\n",
		"$ curl -s -o /dev/null -w '%{http_code}' http://odoo:8069/web/login\n502\n",
		/* a 500 retold in lower case, alone or opening its message */
		"admin console: internal server error\n",
		"restore: 500: internal server error: pg_restore exited with 1\n",
		/* the launcher killed is a crash, unlike its exit at a shutdown */
		"2024-06-11 07:20:01.305 UTC [48] LOG:  background worker \"logical replication launcher\" (PID 54) was "
		"terminated by signal 9: Killed\n",
		NULL,
	};
	static const char *const healthy[] = {
		";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 1234\n",
		"sh: 1 file changed\n",
		"2024-06-11 07:20:05,112 1 INFO erp odoo.modules.loading: 62 modules loaded, 0 errors\n",
		"erp : ok=12 changed=0 unreachable=0 failed=0 skipped=1\n",
		"Processed 10 items, 0 failed\n",
		"odoo_cron_jobs_failed_total 0\n",
		"          failureThreshold: 3\n",
		"  - key: failure-domain.beta.kubernetes.io/zone\n",
		"    Liveness: http-get http://:9000/health/live delay=0s timeout=1s period=10s #success=1 #failure=3\n",
		"odoo-7d9f8b6c5-x2x9q    1/1     Running   0          3d\n",
		"2024-06-11 07:21:00.120 UTC [1] LOG:  database system is ready to accept connections\n",
		"HINT:  Future log output will appear in directory \"log\".\n",
		"Data page checksums are disabled.\n",
		"2024-06-11 07:20:01.540 UTC [29] LOG:  invalid record length at 0/1A2B3C8: expected at least 24, got 0\n",
		"2024-06-11 07:20:05,112 1 INFO erp odoo.addons.base.models.ir_cron: Job 'Mail: Email Queue Manager' (4) done\n",
		"2024-06-11 07:20:06,210 1 INFO erp werkzeug: 10.0.0.7 - - \"GET /web/health HTTP/1.1\" 200 - 2 0.001 0.004\n",
		"2024-06-11 07:21:04,002 INFO  [io.quarkus] (main) Keycloak 26.0.5 on JVM started in 9.713s.\n",
		"2024-06-11 07:21:03,551 INFO  [org.keycloak.services] (main) KC-SERVICES0050: Initializing master realm\n",
		"Pods Statuses:  0 Active / 1 Succeeded / 0 Failed\n",
		"    restartPolicy: OnFailure\n",
		"            echo \"backup: database name '$db' cannot name a file; rename it\" >&2\n",
		"  - printf 'could not find %s\\n' \"$f\"\n",
		"      # cannot rewrite it.\n",
		"          name: Denied\n",
		"                  description: The number of continuous failed issuance attempts up till now.\n",
		"2024-12-03T10:00:00Z INF Traefik version 3.2.1 built on 2024-11-20T14:36:21Z version=3.2.1\n",
		"2024-12-03T10:00:01Z WRN A new release of Traefik has been found: 3.2.2\n",
		/* autovacuum yielding to a lock request, at ERROR level */
		"2024-05-02 03:10:11.201 UTC [4121] ERROR:  canceling autovacuum task\n",
		/* a count of refusals, a heading that is no title of an error page */
		"requests: 1200 accepted, 0 rejected\n",
		"webhook_admission_rejected 0\n",
		"## Handling an error\n",
		/* an exception's name inside a sentence with no message after it; a 2xx retold */
		"handles ValueError and KeyError:\n",
		"GET /web/login -> 200\n",
		"$ curl -s -o /dev/null -w '%{http_code}' http://odoo:8069/web/login\n200\n",
		/* a metric or a count named after a 500, a changelog's line; a docstring saying what a function raises */
		"internal server error rate 0.0\n",
		"internal server errors: 0\n",
		"alert: internal server error ratio below threshold (0.00%)\n",
		"Fixed: Internal server error when saving a partner (#1234)\n",
		"    :raises ValueError: if the value is negative\n",
		"    Raises ValueError: if the name is empty\n",
		"    \"\"\"Raise UserError: when the journal is missing.\"\"\"\n",
		"10.0.0.7 - - [11/Jun/2024:07:20:06 +0000] \"GET /web/image HTTP/1.1\" 200 1500 0.500 \"-\" \"curl/8.5.0\"\n",
		"http_requests_total{code=\"500\",method=\"GET\"} 0\n",
		"  \"status\": 500,\n",
		/* every start of PostgreSQL's official image, Keycloak 17-24, ingress-nginx (tests/data/diagnose/healthy) */
		"2024-06-11 07:20:01.305 UTC [48] LOG:  background worker \"logical replication launcher\" (PID 54) exited "
		"with exit code 1\n",
		"2024-06-11 07:20:37,000 WARN  [org.infinispan.CONFIG] (keycloak-cache-init) ISPN000569: Unable to persist "
		"Infinispan internal caches as no global state enabled\n",
		"I0611 07:20:00.300000       7 main.go:101] \"SSL fake certificate created\" "
		"file=\"/etc/ingress-controller/ssl/default-fake-certificate.pem\"\n",
		/* cert-manager's first issuance of every Certificate */
		"I1015 10:00:00.000000       1 trigger_controller.go:160] cert-manager/certificates-trigger \"msg\"=\"Certificate "
		"must be re-issued\" \"key\"=\"erp/odoo-tls\" \"reason\"=\"DoesNotExist\" \"message\"=\"Issuing certificate as "
		"Secret does not exist\"\n",
		NULL,
	};
	/* a message's words without its value, inside a sentence that goes on: a script saying what it checks
	 * before it acts; no known cause may take it (that the words are failure words is another question) */
	static const char *const checks[] = {
		"postgres-init: Data directory does not exist, running initdb\n",
		"migrate  | INFO  Schema does not exist, creating it\n",
		"exporter | level=info msg=\"pg_stat_statements extension is not available, query metrics disabled\"\n",
		"logical-replication | INFO publication does not exist, creating publication odoo_pub\n",
		"setup | FATAL: database does not exist is expected on a first boot; creating it\n",
		"check: column contains null values: 0 rows\n",
		NULL,
	};
	struct dx_run run;
	struct diags d;

	expect_failure_each(lines, false);
	for (size_t i = 0; healthy[i]; i++) {
		diagnose_text(&run, &d, "h", healthy[i]);
		if (run.ndiagnoses)
			fprintf(stderr, "    %s in a healthy line: %s", top_id(&run), healthy[i]);
		CHECK_INT((long long)run.ndiagnoses, 0);
		done(&run, &d);
	}
	/* kubectl 1.22+'s RESTARTS "1 (5s ago)" is no age: this pod is ten seconds old */
	diagnose_text(&run, &d, "h", "NAME    READY   STATUS     RESTARTS     AGE\nweb-0   1/2     Running    1 (5s ago)   10s\n"
				     "job-0   0/1     Init:0/1   1 (4s ago)   12s\n");
	CHECK(!has(&run, "pod-not-ready") && !has(&run, "pod-init-waiting"));
	done(&run, &d);
	for (size_t i = 0; checks[i]; i++) {
		diagnose_text(&run, &d, "h", checks[i]);
		for (size_t k = 0; k < run.ndiagnoses; k++) {
			const struct dx_entry *e = &dx_kb[run.diagnoses[k].entry];

			if (e->level != DX_UNRECOGNISED)
				fprintf(stderr, "    %s in a check that goes on: %s", e->id, checks[i]);
			CHECK(e->level == DX_UNRECOGNISED);
		}
		done(&run, &d);
	}
}

/* text's first diagnosis is id's */
static void expect_top(const char *id, const char *text)
{
	struct dx_run run;
	struct diags d;

	diagnose_text(&run, &d, "w", text);
	if (strcmp(top_id(&run), id) != 0)
		fprintf(stderr, "    %s, not %s: %s", top_id(&run), id, text);
	CHECK_STR(top_id(&run), id);
	done(&run, &d);
}

/* The same failure as other versions and programs print it: each wording
 * (with the line it needs beside it, if any) ranks its entry first. */
static void test_wordings(void)
{
	/* branch cata: wordings the similar guess alone named before their signature */
	static const char cata_entrypoint_v2[] = "time=\"2023-04-02T10:11:12Z\" level=error msg=\"entryPoint \\\"websecure\\\" "
						 "doesn't exist\" entryPointName=websecure routerName=odoo@kubernetescrd\n";
	static const char *const cata_similar_before[] = {cata_entrypoint_v2};
	static const struct {
		const char *id, *text;
	} cases[] = {
		/* after the third held-out set: its classes in other programs' words */
		/* the fourth round's families, in each runtime's and version's words */
		{"pg-backend-killed", "2020-06-25 06:27:40.241 CEST [2506] LOG:  server process (PID 2617) was terminated by signal "
				      "9: Killed\n"},
		{"odoo-conf-dashed-options", "2024-02-20 11:42:08,118 1 ERROR ? odoo.service.server: Worker (57) virtual memory limit "
					     "(2147483648) reached.\n[options]\nlimit-memory-hard = 4294967296\n"},
		{"keycloak-cache-stack", "2024-01-09 12:00:41,402 ERROR [org.keycloak.quarkus.runtime.cli.ExecutionExceptionHandler] "
					 "(main) ERROR: dns_query can not be null or empty\n"},
		{"keycloak-cache-stack", "Caused by: org.infinispan.commons.CacheConfigurationException: ISPN000541: Error while "
					 "trying to create a channel using the specified configuration '[TCP(bind_port=7800)]'\n"},
		{"pg-client-no-scram", "panic: pq: unknown authentication response: 10\n"},
		{"pg-client-no-scram", "Caused by: org.postgresql.util.PSQLException: The authentication type 10 is not supported. Check "
				 "that you have configured the pg_hba.conf file to include the client's IP address or subnet\n"},
		{"cronjob-missed-start-times", "E0307 15:40:23.754617 1 controller.go:163] Cannot determine if default/backup needs "
					       "to be started: Too many missed start times to list\n"},
		{"cronjob-missed-start-times", "LAST SEEN   TYPE      REASON               OBJECT                 MESSAGE\n"
					       "2m          Warning   TooManyMissedTimes   cronjob/backup         too many missed start "
					       "times: 101. Set or decrease .spec.startingDeadlineSeconds or check clock skew\n"},
		{"ingress-backend-protocol", "<html>\n<head><title>400 The plain HTTP request was sent to HTTPS port</title></head>\n"},
		{"ingress-backend-protocol", "2024/07/16 14:12:02 [error] 31#31: *5 SSL_do_handshake() failed (SSL: error:0A00010B:"
					     "SSL routines::wrong version number) while SSL handshaking to upstream, client: 10.0.0.1\n"},
		{"ingress-backend-protocol", "2022-06-10 09:19:38 +0000 SSL error, peer: 10.233.102.237, peer cert: : "
					     "#<Puma::MiniSSL::SSLError: OpenSSL error: error:1407609C:SSL routines:"
					     "SSL23_GET_CLIENT_HELLO:http request - 156>\n"},
		{"pg-statement-timeout", "2024-05-02 09:14:07 UTC [311] ERROR:  canceling statement due to lock timeout\n"},
		{"pg-statement-timeout", "2024-05-02 09:14:07 UTC [311] odoo@erp FATAL:  terminating connection due to "
					 "idle-in-transaction timeout\n"},
		{"pg-statement-timeout", "org.postgresql.util.PSQLException: ERROR: canceling statement due to user request\n"},
		{"registry-ca-untrusted", "Error response from daemon: Get \"https://reg.example.com/v2/\": tls: failed to verify "
					  "certificate: x509: certificate signed by unknown authority\n"},
		{"registry-ca-untrusted", "ctr: failed to do request: Head https://reg.example.com/v2/library/nginx/manifests/1.25: "
					  "x509: certificate signed by unknown authority\n"},
		{"registry-ca-untrusted", "error pulling image configuration: Get https://storage.example.com/blobs/sha256:ab: x509: "
					  "certificate signed by unknown authority\n"},
		{"ingress-fake-certificate", "*  subject: O=Acme Co; CN=Kubernetes Ingress Controller Fake Certificate\n"},
		{"ingress-fake-certificate", "        ssl_certificate /etc/ingress-controller/ssl/default-fake-certificate.pem;\n"},
		{"keycloak-strict-https", "Mixed Content: The page at 'http://kc:8080/admin/master/console/' was loaded over HTTP, "
					  "but requested https://kc:8443/realms/master/protocol/openid-connect/3p-cookies/"
					  "step1.html\n"},
		{"dns-unresolved", "nslookup: can't resolve 'postgres.erp'\n"},
		/* the third round's families, in each version's and program's words */
		{"pg-collation-version-mismatch", "2024-01-01 10:00:00 UTC [9] WARNING:  collation \"en_US\" has version "
						  "mismatch\n"},
		{"pg-extension-missing", "ERROR:  could not open extension control file \"/usr/share/postgresql/13/extension/"
					 "postgis.control\": No such file or directory\n"},
		{"traefik-ingress-tls-secret-missing", "{\"level\":\"error\",\"providerName\":\"kubernetescrd\",\"ingress\":\"odoo\","
						       "\"namespace\":\"erp\",\"error\":\"secret erp/odoo-tls does not exist\","
						       "\"message\":\"Error configuring TLS\"}\n"},
		{"traefik-ingress-tls-secret-missing", "ERROR\tError configuring TLS: secret erp/odoo-tls does not exist\" "
						       "providerName=kubernetes namespace=erp ingress=odoo\n"},
		{"odoo-cron-lock", "2020-03-21 13:30:02.825 UTC [14793] odoo@erp ERROR:  could not obtain lock on row in "
				   "relation \"ir_cron\"\n"},
		{"keycloak-redirect-uri-mismatch", "12:59:22,743 WARN  [org.keycloak.events] (default task-14) "
						   "type=LOGIN_ERROR, realmId=erp, clientId=odoo, userId=null, "
						   "error=invalid_redirect_uri\n"},
		{"keycloak-db-primary-key-required", "ERROR: Unable to create or change a table without a primary key, when "
						     "the system variable 'sql_require_primary_key' is set.\n"},
		{"node-oom-kill", "[123.456] Out of memory: Killed process 4242 (postgres) total-vm:303548kB, anon-rss:2097152kB\n"},
		{"oom-killed", "[123.400] postgres invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0\n"},
		{"keycloak-proxy-headers", "{error: 'Timeout when waiting for 3rd party check iframe message.'}\n"},
		{"csi-provisioner-cloud-unauthorized", "E0312 17:40:25.065 1 utils.go:90] failed to create volume: unable to "
						       "authenticate (unauthorized, 15184c16fb506e24)\n"},
		{"init-waits-for-completed-job", "Error from server (NotFound): jobs.batch \"erp-migrations\" not found\n"},
		{"ingress-path-not-matched", "10.0.0.1 - - [10/Jan/2024:02:53:54 +0000] \"GET /web HTTP/2.0\" 404 548 \"-\" "
					     "\"curl\" 28 0.000 [upstream-default-backend] [] 127.0.0.1:8181 548 0.001 404\n"},
		{"odoo-websocket", "Traceback (most recent call last):\n  File \"/usr/lib/python3/dist-packages/odoo/addons/"
				   "bus/websocket.py\", line 817, in open_connection\nKeyError: 'socket'\n"},
		{"odoo-websocket", "2024/06/11 07:20:01 [error] 29#29: *81 connect() failed (111: Connection refused) while "
				   "connecting to upstream, client: 10.0.0.4, request: \"GET /websocket HTTP/1.1\", upstream: "
				   "\"http://10.244.0.9:8072/websocket\", host: \"erp.example.com\"\n"},
		{"keycloak-build-mismatch", "The previous optimized build will be overridden with the following build options:\n"
					    "        - db=postgres > db=dev-file\n"},
		{"keycloak-probe-port", "$ curl -s http://keycloak:8080/health/live\n"
					"{\"error\":\"Unable to find matching target resource method\"}\n"},
		{"runasnonroot-nonnumeric", "Warning  Failed  10s  kubelet  Container has runAsNonRoot and image has non-numeric "
					    "user(odoo), cannot verify user in non-root\n"},
		{"runasnonroot-nonnumeric", "Error: container has runAsNonRoot and image has non-numeric user (odoo), cannot "
					    "verify user is non-root (pod: \"odoo-0_erp(5f1c)\", container: odoo)\n"},
		{"runasnonroot-root", "Warning  Failed  3s  kubelet  Error: container's runAsUser breaks non-root policy (pod: "
				      "\"odoo-0_erp(5f1c)\", container: odoo)\n"},
		{"dns-unresolved", "curl: (6) Could not resolve host: erp-db\n"},
		{"dns-unresolved", "Error: getaddrinfo ENOTFOUND erp-db\n"},
		{"dns-unresolved", "** server can't find erp-db: NXDOMAIN\n"},
		{"dns-unresolved", "wget: bad address 'erp-db'\n"},
		{"cluster-dns-unavailable", "dial tcp: lookup kubernetes.default.svc : i/o timeout\n"},
		{"cluster-dns-unavailable", "lookup postgres on 10.96.0.10:53: server misbehaving\n"},
		{"cluster-dns-unavailable", ";; connection timed out; no servers could be reached\n"},
		{"cluster-dns-unavailable", "Error: getaddrinfo EAI_AGAIN postgres\n"},
		{"coredns-upstream-timeout", "[ERROR] plugin/errors: 2 erp.example.com. AAAA: read udp 10.244.0.3:4312->"
					    "67.207.67.3:53: i/o timeout\n"},
		{"pg-major-version-mismatch", "FATAL:  database files are incompatible with server\n"},
		{"pg-major-version-mismatch", "DETAIL:  The database cluster was initialized with CATALOG_VERSION_NO 201907221, "
					      "but the server was compiled with CATALOG_VERSION_NO 201909212.\n"},
		{"pg-wal-corrupt", "LOG:  invalid checkpoint record\nFATAL:  could not locate required checkpoint record\n"},
		{"pg-wal-corrupt", "PANIC:  WAL contains references to invalid pages\n"},
		{"pg-wal-corrupt", "WARNING:  invalid page in block 12 of relation base/16384/16385\nCONTEXT:  WAL redo at "
				   "0/3000060 for Heap/INSERT\n"},
		{"do-account-volume-limit", "error resizing volume: volume/snapshot capacity limit exceeded\n"},
		{"odoo-wkhtmltopdf", "Wkhtmltopdf failed (error code: -8). Message: b''\n"},
		{"odoo-worker-limits", "Wkhtmltopdf failed (error code: -11). Message: b''\n"},
		{"password-quote-breaks-image-setup", "sed: -e expression #1, char 31: unknown option to `s'\n"},
		{"password-quote-breaks-image-setup", "sed: bad option in substitution expression\n"},
		{"password-quote-breaks-image-setup",
		 "Error executing 'postInstallation': ERROR:  syntax error at or near \"1\"\n"},
		{"multi-attach", "Warning  FailedAttachVolume  2m  attachdetach-controller  Volume is already exclusively attached "
				 "to one node and can't be attached to another\n"},
		{"image-arch-mismatch", "Failed to pull image \"odoo:17.0\": rpc error: code = NotFound desc = failed to pull and "
					"unpack image \"docker.io/library/odoo:17.0\": no match for platform in manifest: not found\n"},
		{"image-arch-mismatch", "no matching manifest for linux/arm64/v8 in the manifest list entries\n"},
		{"psp-rejected", "Error creating: pods \"odoo-7d9f8b7c4-\" is forbidden: unable to validate against any pod "
				  "security policy: []\n"},
		{"sched-node-mismatch", "0/2 nodes are available: 2 node(s) had taints that the pod didn't tolerate.\n"},
		{"sched-node-mismatch", "0/2 nodes are available: 2 node(s) didn't match node selector.\n"},
		{"sched-node-mismatch", "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules.\n"},
		{"sched-node-mismatch", "0/1 nodes are available: 1 node(s) were unschedulable.\n"},
		{"pod-evicted", "Warning  Evicted  5m  kubelet  Pod ephemeral local storage usage exceeds the total limit of "
				"containers 1Gi.\n"},
		{"pod-evicted", "Warning  Evicted  5m  kubelet  Container odoo exceeded its local ephemeral storage limit \"1Gi\".\n"},
		{"service-no-endpoints", "W0611 07:20:01.512345       7 controller.go:1214] Service \"erp/odoo\" does not have "
					"any active Endpoint.\n"},
		{"cert-challenge-pending", "acme: authorization error for erp.example.com: 400 urn:ietf:params:acme:error:connection: "
					   "Timeout during connect (likely firewall problem)\n"},
		{"cert-challenge-pending", "time=\"2024-06-11T07:20:01Z\" level=error msg=\"Unable to obtain ACME certificate for "
					   "domains \\\"erp.example.com\\\"\" providerName=le.acme\n"},
		{"cert-issuer-missing", "Warning  ErrorIssuerNotFound  5s  cert-manager-controller  Issuer issuer.certmanager.k8s.io "
					"\"letsencrypt-staging\" not found does not exist\n"},
		{"cert-issuer-missing", "E0127 11:05:36.980788       1 controller.go:156] ingress-shim controller: Re-queuing item "
					"\"default/erp\" due to error processing: clusterissuer.certmanager.k8s.io "
					"\"letsencrypt-prod\" not found\n"},
		{"traefik-middleware-missing", "{\"entryPointName\":\"websecure\",\"level\":\"error\",\"msg\":\"middleware "
					       "\\\"auth@kubernetescrd\\\" does not exist\",\"routerName\":\"erp@kubernetes\"}\n"},
		{"config-key-missing", "MountVolume.SetUp failed for volume \"config\" : configmap references non-existent "
				       "config key: odoo.conf\n"},
		{"image-pull-backoff", "Normal  BackOff  2m (x6 over 4m)  kubelet  Back-off pulling image \"odoo:17.0\"\n"},
		{"db-timeout", "Caused by: java.net.SocketTimeoutException: Connect timed out\n"},
		{"ingress-bad-gateway", "2024-06-11T07:20:01Z ERR Skipping service: no endpoints found ingress=odoo namespace=erp "
					"providerName=kubernetes serviceName=odoo\n"},
		{"acme-account-invalid", "Failed to register ACME account: 400 urn:ietf:params:acme:error:invalidContact: Error "
					 "creating new account :: contact email has forbidden domain \"example.com\"\n"},
		{"keycloak-proxy-headers", "{\"issuer\":\"http://auth.example.com/realms/erp\",\"authorization_endpoint\":"
					   "\"http://auth.example.com/realms/erp/protocol/openid-connect/auth\"}\n"},
		{"odoo-db-not-initialized", "2024-06-11 07:20:01,112 1 ERROR odoo odoo.sql_db: bad query: SELECT latest_version "
					    "FROM ir_module_module WHERE name='base'\nERROR: relation \"ir_module_module\" does "
					    "not exist\n"},
		{"pg-run-dir-unwritable", "chmod: changing permissions of '/var/run/postgresql': Operation not permitted\n"},
		{"pg-initdb-unknown-uid", "initdb: could not look up effective user ID 1000360000: user does not exist\n"},
		{"network-timeout", "curl: (28) Failed to connect to keycloak port 8080 after 130012 ms: Timeout was reached\n"},
		{"network-timeout", "java.net.ConnectException: Connection timed out\n"},
		{"network-timeout", "wget: download timed out\n"},
		{"odoo-module-missing", "2024-06-11 07:20:01,112 1 WARNING erp odoo.modules.loading: Some modules have "
					"inconsistent states, some dependencies may be missing: ['web_responsive']\n"},
		{"keycloak-build-mismatch", "ERROR: The '--optimized' flag was used for first ever server start. Please don't use "
					    "this flag for the first startup or use 'kc.sh build' to build the server first.\n"},
		{"db-timeout", "failed to connect to `host=postgres user=odoo database=odoo`: dial error (dial tcp "
			       "10.245.12.7:5432: i/o timeout)\n"},
		/* PostgreSQL's two pg_hba refusals, 9.x-11 (SSL on/off) and 12+ (encryption), as clients print them */
		{"pg-hba-missing", "psql: error: connection to server at \"db\" (10.0.0.5), port 5432 failed: FATAL:  "
				   "pg_hba.conf rejects connection for host \"10.244.1.7\", user \"odoo\", database \"odoo\", "
				   "no encryption\n"},
		{"pg-hba-missing", "org.postgresql.util.PSQLException: FATAL: no pg_hba.conf entry for replication connection "
				   "from host \"10.0.0.3\", user \"standby\", SSL off\n"},
		{"pg-hba-missing", "psycopg2.OperationalError: FATAL:  no pg_hba.conf entry for host \"10.244.0.9\", user "
				   "\"odoo\", database \"odoo\", SSL encryption\n"},
		{"pg-hba-missing", "FATAL:  pg_hba.conf rejects replication connection for host \"10.0.0.3\", user \"repl\", "
				   "GSS encryption\n"},
		{"pg-shm-too-small", "ERROR: during \"GET /v1/accounts\": pq: could not resize shared memory segment "
				     "\"/PostgreSQL.710526079\" to 4194304 bytes: No space left on device\n"},
		{"pg-shm-too-small", "PG::DiskFull: ERROR: could not resize shared memory segment \"/PostgreSQL.394945862\" "
				     "to 16777216 bytes: No space left on device\n"},
		{"pg-shm-too-small", "ERROR:  could not map dynamic shared memory segment\n"},
		{"pg-shm-too-small", "migrate: pgmigrate: core 0001_baseline: ERROR: could not resize shared memory\nsegment "
				     "\"/PostgreSQL.2791547698\" to 33554432 bytes: No space left on device (SQLSTATE 53100)\n"},
		{"pg-data-dir-mode", "FATAL:  data directory \"/var/lib/postgresql/data\" has invalid permissions\nDETAIL:  "
				     "Permissions should be u=rwx (0700) or u=rwx,g=rx (0750).\n"},
		{"pg-data-permission", "FATAL:  data directory \"/var/lib/postgresql/data\" has wrong ownership\n"},
		/* the client's setting that points at its own container, beside a connection failure */
		{"db-localhost", "services:\n  keycloak:\n    environment:\n      - KC_DB_URL=jdbc:postgresql://localhost/keycloak\n"
				 "ERROR: Failed to obtain JDBC connection\n"},
		{"db-localhost", "    environment:\n      PGHOST: \"127.0.0.1\"\nfailed to connect to `host=127.0.0.1 user=odoo "
				 "database=odoo`: server error\n"},
		{"db-localhost", "[options]\ndb_host = localhost\ndb_port = 5432\nERROR: Unable to acquire JDBC Connection\n"},
		{"db-localhost", "Environment:\n      HOST:      0.0.0.0\nCaused by: org.postgresql.util.PSQLException: The "
				 "connection attempt failed.\n"},
		{"db-localhost", "DATABASE_URL=postgresql://odoo:secret@[::1]:5432/odoo\nHikariPool-1 - Exception during pool "
				 "initialization: Failed to initialize pool\n"},
		{"db-localhost", "Caused by: org.postgresql.util.PSQLException: Connection to 0.0.0.0:5432 refused. Check that the "
				 "hostname and port are correct and that the postmaster is accepting TCP/IP connections.\n"},
		{"db-connection-failed", "REDIS_HOST=localhost\nERROR: Failed to obtain JDBC connection\n"},
		{"db-localhost", "[options]\ndb_host = 127.0.0.1\nDatabase connection failure: connection to server at "
				 "\"127.0.0.2\" (127.0.0.2), port 5432 failed: Connection timed out\n"},
		{"db-connection-failed", "psql: error: connection to server at \"db\" (10.0.0.5), port 5432 failed: No route "
					 "to host\n"},
		{"sched-insufficient", "0/3 nodes are available: 3 Insufficient pods.\n"},
		/* the scheduler's words for each cause, Kubernetes 1.7 (predicate names), 1.8-1.17, 1.18+ */
		{"node-pressure", "Warning  FailedScheduling  2m  default-scheduler  No nodes are available that match all of "
				  "the following predicates:: NodeUnderDiskPressure (1).\n"},
		{"node-pressure", "Warning  FailedScheduling  2m  default-scheduler  0/1 nodes are available: 1 node(s) had "
				  "memory pressure.\n"},
		{"node-pressure", "Warning  FailedScheduling  2m  default-scheduler  0/3 nodes are available: 3 node(s) had "
				  "untolerated taint {node.kubernetes.io/memory-pressure: }. preemption: 0/3 nodes are available: 3 "
				  "Preemption is not helpful for scheduling.\n"},
		{"node-pressure", "0/2 nodes are available: 2 node(s) had taint {node.kubernetes.io/disk-pressure: }, that the "
				  "pod didn't tolerate.\n"},
		{"node-pressure", "Normal  NodeHasDiskPressure  3m  kubelet  Node pool-erp-r7k2x status is now: "
				  "NodeHasDiskPressure\n"},
		{"node-pressure", "Warning  ImageGCFailed  3m  kubelet  failed to garbage collect required amount of images. "
				  "Wanted to free 4121743360 bytes, but freed 0 bytes\n"},
		{"sched-node-mismatch", "No nodes are available that match all of the following predicates:: MatchNodeSelector (2), "
					"PodToleratesNodeTaints (1).\n"},
		{"sched-node-mismatch", "0/3 nodes are available: 3 node(s) were not ready.\n"},
		{"sched-insufficient", "No nodes are available that match all of the following predicates:: Insufficient cpu (1).\n"},
		{"volume-node-affinity", "No nodes are available that match all of the following predicates:: "
					 "NoVolumeZoneConflict (3).\n"},
		{"attach-limit", "No nodes are available that match all of the following predicates:: MaxEBSVolumeCount (1).\n"},
		{"pod-pending", "0/3 nodes are available: 3 node(s) didn't satisfy plugin(s) [frobnicate].\n"},
		{"ingress-proxy-protocol-mismatch", "10.244.0.1 - - [11/Jun/2024:07:20:01 +0000] \"PROXY TCP4 203.0.113.7 "
						    "10.110.0.3 51234 443\" 400 150 \"-\" \"-\" 0 0.000 [] [] - - - - "
						    "4f1c\n"},
				/* every client's words for a redirect loop */
		{"ingress-ssl-redirect-loop", "This page isn't working\nerp.example.com redirected you too many times.\n"
					      "ERR_TOO_MANY_REDIRECTS\n"},
		{"ingress-ssl-redirect-loop", "The page isn't redirecting properly\n"},
		{"ingress-ssl-redirect-loop", "The page isn\xe2\x80\x99t redirecting properly\n"},
		{"ingress-ssl-redirect-loop", "Safari Can't Open the Page: Too many redirects occurred trying to open "
					      "\"https://erp.example.com/\".\n"},
		{"ingress-ssl-redirect-loop", "requests.exceptions.TooManyRedirects: Exceeded 30 redirects.\n"},
		{"ingress-ssl-redirect-loop", "20 redirections exceeded.\n"},
		{"ingress-ssl-redirect-loop", "Get \"https://erp.example.com/\": stopped after 10 redirects\n"},
		{"ingress-ssl-redirect-loop", "java.net.ProtocolException: Server redirected too many  times (20)\n"},
		{"ingress-ssl-redirect-loop", "SSL/TLS encryption mode: Flexible\ncurl: (47) Maximum (50) redirects followed\n"},
		{"pg-connection-lost", "server closed the connection unexpectedly\n"},
		{"pg-connection-lost", "psycopg2.OperationalError: SSL connection has been closed unexpectedly\n"},
		{"pg-deadlock", "org.postgresql.util.PSQLException: ERROR: deadlock detected\n"},
		{"pg-serialization-failure", "2024-02-02 17:58:12,473 25 WARNING erp odoo.service.model: SERIALIZATION_FAILURE, maximum number of tries reached\n"},
		{"pg-lock-table-full", "Caused by: org.postgresql.util.PSQLException: ERROR: out of shared memory  Hint: You might need to increase max_pred_locks_per_transaction.\n"},
		{"pg-standby-conflict", "2024-05-07 07:31:02.412 UTC [311] report@erp FATAL:  terminating connection due to conflict with recovery\n"},
		{"pg-read-only-transaction", "org.postgresql.util.PSQLException: ERROR: cannot execute nextval() in a read-only transaction\n"},
		{"pg-server-shutdown", "failed to connect to `host=/controller/run user=postgres database=postgres`: server error (FATAL: the database system is shutting down (SQLSTATE 57P03))\n"},
		{"pg-ssl-unsupported", "org.postgresql.util.PSQLException: The server does not support SSL.\n"},
		{"pg-out-of-memory", "org.postgresql.util.PSQLException: FATAL: out of memory  Detail: Failed on request of size 12288 in memory context \"TopMemoryContext\".\n"},
		{"pg-dump-version-mismatch", "pg_dump: error: server version: 16.4 (Debian 16.4-1.pgdg120+2); pg_dump version: 14.4\n"},
		{"pg-dump-version-mismatch", "pg_restore: [archiver] unsupported version (1.14) in file header\n"},
		{"pg-restore-not-archive", "pg_restore: [archiver] input file appears to be a text format dump. Please use psql.\n"},
		{"pg-restore-ownership", "pg_restore: error: could not execute query: ERROR: must be able to SET ROLE \"postgres\"\n"},
		{"pg-schema-permission", "2023-01-26 17:47:59.294 UTC [76] ERROR:  permission denied for schema public at character 28\n"},
		{"pg-no-createdb", "psycopg2.ProgrammingError: permission denied to create database\n"},
		{"pg-template-encoding", "createdb: database creation failed: ERROR:  new encoding (UTF8) is incompatible with the encoding of the template database (SQL_ASCII)\n"},
		{"pg-database-in-use", "error: source database \"template1\" is being accessed by other users\n"},
		{"pgbouncer-max-client-conn", "psql: ERROR:  no more connections allowed (max_client_conn)\n"},
		{"pg-prepared-statement-pooler", "db error: ERROR: prepared statement \"s3817\" already exists\n"},
		{"pg-prepared-statement-pooler", "asyncpg.exceptions.InvalidSQLStatementNameError: prepared statement \"__asyncpg_stmt_37__\" does not exist\n"},
		{"pg-wraparound", "WARNING:  database \"erp\" must be vacuumed within 118852709 transactions\n"},
		{"pg-data-dir-in-use", "2024-03-02 06:34:13.721 UTC [29] FATAL:  lock file \"/var/run/postgresql/.s.PGSQL.5432.lock\" already exists\n"},
		{"pg-extension-not-preloaded", "FATAL:  extension \"timescaledb\" must be preloaded\n"},
		{"pg-standby-settings-lower", "FATAL:  hot standby is not possible because max_worker_processes = 8 is a lower setting than on the master server (its value was 16)\n"},
		{"pg-archive-failing", "ERROR [157]: unable to push WAL 00000001000000000000003D asynchronously after 60 second(s)\n"},
		{"pgbouncer-startup-parameter", "2014-03-10 21:13:59.385 5773 WARNING C-0x1be8bb0: (nodb)/(nouser)@127.0.0.1:38733 Pooler Error: Unsupported startup parameter: extra_float_digits\n"},
		{"pg-table-permission", "django.db.utils.ProgrammingError: permission denied for relation census_race\n"},
		{"pg-table-permission", "org.postgresql.util.PSQLException: ERROR: permission denied for sequence res_partner_id_seq\n"},
		{"pg-ssl-verify-failed", "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at \"127.0.0.1\", port 5432 failed: server certificate for \"localhost\" does not match host name \"127.0.0.1\"\n"},
		{"pg-ssl-verify-failed", "org.postgresql.util.PSQLException: The hostname erp-db could not be verified by hostnameverifier PgjdbcHostnameVerifier.\n"},
		{"pg-client-no-scram", "psycopg2.OperationalError: SCRAM authentication requires libpq version 10 or above\n"},
		{"pg-recovery-killed", "failed to connect to `host=/controller/run user=postgres database=postgres`: server error (FATAL: the database system is not yet accepting connections (SQLSTATE 57P03))\n"},
		{"pg-connection-lost", "org.postgresql.util.PSQLException: An I/O error occurred while sending to the backend.\n"},
		{"pg-timeline-diverged", "FATAL:  could not start WAL streaming: ERROR:  requested starting point 1F5/C1000000 on timeline 20 is not in this server's history\n"},
		{"pg-config-invalid", "LOG:  invalid value for parameter \"log_destination\": \"stder\"\n"},
		{"pg-ssl-unsupported", "2018/09/10 05:17:01 pq: SSL is not enabled on the server\n"},
		{"pg-data-permission", "chown: changing ownership of ‘/var/lib/postgresql/data’: Operation not permitted\n"},
		{"pg-data-permission", "mkdir: cannot create directory ‘/bitnami/postgresql/data’: Permission denied\n"},
		{"pg-data-permission", "postgresql 16:31:16.15 WARN  ==> Lack of permissions on data directory!\n"},
		{"db-timeout", "failed to connect to `host=erp-db-do-user-1-0.k.db.ondigitalocean.com user=doadmin database=defaultdb`: dial error (dial tcp 10.110.0.7:25060: connect: connection timed out)\n"},
		{"pg-transaction-aborted", "psycopg2.InternalError: current transaction is aborted, commands ignored until end of transaction block\n"},
		{"pgbackrest-stanza", "       repo1: [FileMissingError] unable to load info file '/var/lib/pgbackrest/archive/db/archive.info' or '/var/lib/pgbackrest/archive/db/archive.info.copy':\n"},
		{"pg-role-connection-limit", "Error: too many connections for database \"postgres\"\n"},
		{"pgbouncer-server-login-failed", "server login has been failing, try again later (server_login_retry)\n"},
		{"db-refused", "failed to connect to `host=postgres user=keycloak database=keycloak`: dial error (dial tcp 10.245.12.40:5432: connect: connection refused)\n"},
		{"db-refused", "Error: connect ECONNREFUSED 10.245.12.40:5432\n"},
		{"db-localhost", "panic: dial tcp 127.0.0.1:5432: connect: connection refused\n"},
		{"db-localhost", "[BUG] connect ECONNREFUSED 127.0.0.1:5432\n"},
		{"pg-server-shutdown", "{\"level\":\"info\",\"ts\":\"2023-02-23T19:40:57Z\",\"logger\":\"postgres\",\"msg\":\"record\",\"logging_pod\":\"gitea-1\",\"record\":{\"log_time\":\"2023-02-23 19:40:57.910 UTC\",\"error_severity\":\"FATAL\",\"sql_state_code\":\"57P03\",\"message\":\"the database system is shutting down\",\"backend_type\":\"client backend\"}}\n"},
		{"unrecognised-log-error", "{\"level\":\"info\",\"ts\":\"2023-12-23T16:49:41Z\",\"logger\":\"postgres\",\"msg\":\"record\",\"logging_pod\":\"bzs-pg-1\",\"record\":{\"error_severity\":\"FATAL\",\"sql_state_code\":\"XX000\",\"message\":\"frobnicator exploded\"}}\n"},
		{"unrecognised-log-error", "{\"timestamp\":\"2024-06-18 17:17:14.409 CDT\",\"pid\":184885,\"session_id\":\"66720769.2d235\",\"error_severity\":\"FATAL\",\"message\":\"frobnicator exploded\",\"backend_type\":\"postmaster\",\"query_id\":0}\n"},
		{"pg-ssl-verify-failed", "connection failed: connection to server at \"192.168.1.100\", port 5432 failed: SSL error: certificate verify failed\n"},
		{"db-connection-failed", "Caused by: org.hibernate.exception.JDBCConnectionException: could not execute statement\n"},
		/* the fifth round's application-edge families, in each version's and client's words */
		{"odoo-filestore-missing", "IOError: [Errno 2] No such file or directory: u'/home/travis/.local/share/Odoo/filestore/"
					   "openerp_test/58/58fd4f74ff005d177019f05fa0a5fad6562b5fcf'\n"},
		{"odoo-assets-compilation", "Could not execute command 'lessc'This error occured while compiling the bundle "
					    "'web.assets_backend' containing:\n"},
		{"odoo-assets-compilation", "Could not get content for /payment_mollie_official/static/src/scss/payment_form.scss.\n"},
		{"odoo-python-dependency", "Unable to install module \"odoo-rest-api-master\" because an external dependency is not "
					   "met: No module named dictfier\n"},
		{"odoo-schema-not-updated", "ProgrammingError: column res_partner.image does not exist\n"},
		{"odoo-smtp-failed", "Mail delivery failed via SMTP server 'box1028.bluehost.com'.\nSMTPRecipientsRefused: "
				     "{'agallaf@sam-it.biz': (550, 'Sender verify failed')}\n"},
		{"keycloak-cookie-not-found", "2023-11-17 13:44:20,629 WARN  [org.keycloak.events] (executor-thread-1) "
					      "type=IDENTITY_PROVIDER_LOGIN_ERROR, realmId=application, clientId=null, userId=null, "
					      "ipAddress=x.x.x.x, error=cookie_not_found\n"},
		{"keycloak-code-not-valid", "\"{\\\"error\\\": \\\"invalid_grant\\\", \\\"error_description\\\": \\\"Code not valid\\\"}\"\n"},
		{"keycloak-issuer-mismatch", "refresh token stdout: {\"error\":\"invalid_grant\",\"error_description\":\"Invalid token "
					     "issuer. Expected 'http://lagoon-core-keycloak:8080/auth/realms/lagoon'\"}\n"},
		{"keycloak-issuer-mismatch", "Grant validation failed. Reason: invalid token (wrong ISS)\n"},
		{"keycloak-hostname-v1-options", "Keycloak 25\n        - hostname-strict-https: Available only when hostname:v1 "
						 "feature is enabled.\n"},
		{"keycloak-no-admin", "[keycloak:4.0.8] You need local access to create the initial admin user ?\n"},
		{"keycloak-client-credentials", "fastapi_keycloak.exceptions.KeycloakError: HTTP 403: {'error': "
						"'unauthorized_client', 'error_description': 'Invalid client secret'}\n"},
		{"keycloak-client-credentials", "{\"error\":\"unauthorized_client\",\"error_description\":\"Client secret not provided "
						"in request\"}\n"},
		{"keycloak-client-credentials", "type=CODE_TO_TOKEN_ERROR, realmId=ServoRealm, clientId=servoweb, userId=null, "
						"ipAddress=xx.xx.xxx.xxx, error=invalid_client_credentials, grant_type=authorization_code\n"},
		{"ingress-snippets-disabled", "Error: admission webhook \"validate.nginx.ingress.kubernetes.io\" denied the request: "
					      "annotation group ServerSnippet contains risky annotation based on ingress configuration\n"},
		{"ingress-snippets-disabled", "admission webhook \"validate.nginx.ingress.kubernetes.io\" denied the request: "
					      "nginx.ingress.kubernetes.io/server-snippet annotation cannot be used. Snippet directives are "
					      "disabled by the Ingress administrator\n"},
		{"traefik-entrypoint-missing", "ERR No valid entryPoint for this router routerName=avatar@docker\n"},
		{"cert-digitalocean-dns-auth", "[ERROR] acme: Error -> One or more domains had a problem:\n[*.example.com] acme: error "
					       "presenting token: digitalocean: HTTP 401: unauthorized: Unable to authenticate you.\n"},
		{"cert-digitalocean-dns-auth", "Error presenting token: HTTP 403: forbidden: You do not have access for the attempted "
					       "action\n"},
		{"issuer-secret-namespace", "error getting digitalocean token: secret \"digitalocean-dns\" not found\n"},
		{"keycloak-session-not-active", "Failed to get token: invalid_grant: Session not active\n"},
		{"keycloak-client-not-found", "We are sorry...\nInvalid parameter: redirect_uri\n2022-09-27 19:15:44,416 WARN  "
					      "[org.keycloak.events] (executor-thread-27) type=LOGIN_ERROR, realmId=2e32eeed, "
					      "clientId=myclient, userId=null, ipAddress=127.0.0.1, error=client_not_found\n"},
		{"cert-order-invalid", "message: 'The certificate request has failed to complete and will be retried: Failed to wait "
				       "for order resource \"ingress-one-tls-1-3091599191\" to become ready: order is in \"invalid\" "
				       "state: '\n"},
		{"https-to-plain-port", "curl https://echo.mydomain.com gives me : error:1408F10B:SSL routines:ssl3_get_record:"
					"wrong version number\n"},
		{"https-to-plain-port", "[root@master160 istio-0.5.1]# curl -I -k https://172.24.4.161:30761/status/200\ncurl: (35) SSL "
					"received a record that exceeded the maximum permissible length.\n"},
		{"https-to-plain-port", "https: error: SSLError: HTTPSConnectionPool(host='xxx.xxx', port=80): Max retries exceeded "
					"with url: / (Caused by SSLError(SSLError(1, '[SSL: WRONG_VERSION_NUMBER] wrong version number "
					"(_ssl.c:997)')))\n"},
		{"letsencrypt-staging-certificate", "******.tk uses an invalid security certificate. Error code: "
						    "SEC_ERROR_UNKNOWN_ISSUER\nissuer: CN=Fake LE Intermediate X1\n"},
		{"odoo-master-password", "Still says: Database backup error: Access denied\n"},
		{"nginx-upstream-host-not-found", "nginx_1                    | 2020/07/02 02:40:28 [emerg] 1#1: host not found in "
						  "upstream \"realtime\" in /etc/nginx/conf.d/default.conf:7\n"},
		{"keycloak-db-newer", "Incorrect state of migration. You are trying to run server version '25.0.0' against a "
				      "database which was migrated to snapshot version '999.0.0'.\n"},
		{"traefik-middleware-missing", "time=\"2020-07-09T06:51:22Z\" level=error msg=\"the service \\\"autsi@docker\\\" does "
					       "not exist\" routerName=autsi@file entryPointName=web-secure\n"},
		{"keycloak-unknown-option", "ubik-keycloak     | Unknown option: 'start-dev'\nubik-keycloak     | Did you mean: kc.sh "
					    "start-dev or kc.sh import or kc.sh start?\nubik-keycloak exited with code 2\n"},
		{"keycloak-unknown-option", "11:28:01,457 INFO  [org.jboss.modules] (main) JBoss Modules version 2.0.0.Final\n"
					    "WFLYSRV0073: Invalid option 'start'\n"},
		{"keycloak-cluster-timeouts", "Infinispan throws repeated ISPN000476: Timed out waiting for responses on 'work' cache "
					      "operations (scheduled tasks).\n"},
		{"ingress-fake-certificate", "x509: certificate is valid for ingress.local and not valid for other server defined "
					     "using regex\n"},
		{"ingress-path-invalid", "Getting Error: admission webhook \"validate.nginx.ingress.kubernetes.io\" denied the "
					 "request: ingress contains invalid paths: path /p.js cannot be used with pathType Exact\n"},
		{"ingress-path-invalid", "Warning: path /foo(/|$)(.*) cannot be used with pathType Prefix\n"},
		{"keycloak-proxy-headers", "Firefox loads admin UI shows blank window with text \"somethingWentWrong\" (as in the "
					   "image above)\n"},
		{"keycloak-proxy-headers", "then show up a js alert with a message `failed to initialize keycloak`.\n"},
		{"keycloak-build-failed", "ERROR: Failed to run 'build' command\n"},
		{"traefik-no-router", "$ curl -k https://erp.example.com/\n404 page not found\n"},
		{"cert-challenge-pending", "E0411 10:23:00.840727       1 sync.go:185] cert-manager/controller/challenges "
					   "\"msg\"=\"propagation check failed\" \"error\"=\"DNS record for \\\"x.y.z.domain.com\\\" not "
					   "yet propagated\" \"dnsName\"=\"x.y.z.domain.com\" \"resource_kind\"=\"Challenge\"\n"},
		{"cert-challenge-pending", "I0405 08:59:44.960847       1 sync.go:173] propagation check failed: DNS record for "
					   "\"e7kd9n9.churro.io\" not yet propagated\n"},
		{"pg-locale-missing", "initdb: error: invalid locale settings; check LANG and LC_* environment variables\n"},
		{"pg-locale-missing", "ERROR:  invalid locale name: \"de_DE.utf8\"\n"},
		{"pg-sequence-behind", "ERROR: duplicate key value violates unique constraint \"sites_pkey\" (SQLSTATE 23505)\n"},
		{"pg-restore-target-not-empty", "pg_restore: [archiver (db)] could not execute query: ERROR:  relation \"products\" already exists\n"},
		{"pg-peer-ident-auth", "ERROR: failed connection establishing: pq: Ident authentication failed for user \"postgres\"\n"},
		{"liquibase-changelog-lock", "NAME         READY   STATUS             RESTARTS     AGE\n"
					     "keycloak-0   0/1     CrashLoopBackOff   6 (2m ago)   14m\n"
					     "2024-05-10 09:43:53,351 INFO  [liquibase.lockservice] (main) Waiting for changelog lock....\n"},
		{"pg-data-dir-not-initialised", "FATAL:  \"/var/lib/postgresql/data\" is not a valid data directory\n"},
		{"pg-data-dir-not-initialised", "2014-09-05 19:39:17 UTC FATAL:  data directory \"/shared/postgresql\" does not exist\n"},
		{"pg-wal-corrupt", "psql: error: connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: FATAL: could not open file \"base/16384/2601\": No such file or directory\n"},
		{"pg-wal-corrupt", "ActiveRecord::ConnectionNotEstablished: connection to server at \"172.18.0.8\", port 5432 failed: FATAL:  could not open file \"base/16384/pg_filenode.map\": No such file or directory\n"},
		{"pg-wal-corrupt", "psql: FATAL:  could not open relation mapping file \"global/pg_filenode.map\": No such file or directory\n"},
		/* the cluster's families (issue 16), in each version's and program's words */
		{"resource-quota-exceeded", "Error from server (Forbidden): error when creating \"odoo.yaml\": pods \"odoo\" is "
					    "forbidden: exceeded quota: erp-quota, requested: requests.cpu=20, used: "
					    "requests.cpu=32575m, limited: requests.cpu=50\n"},
		{"resource-quota-exceeded", "Error creating: Pod \"odoo-\" is forbidden: cpu is limited by quota, must make "
					    "explicit request.\n"},
		{"limitrange-violation", "Error creating: pods \"odoo-1\" is forbidden: cpu max limit to request ratio per "
					 "Container is 12, but provided ratio is 12.500000.\n"},
		{"rbac-forbidden", "E0418 04:56:17.489683 1 reflector.go:201] Failed to list *v1.Pod: pods is forbidden: User "
				   "\"system:serviceaccount:erp:default\" cannot list pods at the cluster scope\n"},
		{"cni-sandbox-failed", "Warning  FailedCreatePodSandBox  10m  kubelet, node-1  Failed create pod sandbox: rpc "
				       "error: code = Unknown desc = failed to set up sandbox container \"f11f\" network for pod "
				       "\"odoo-1\": NetworkPlugin cni failed to set up pod \"odoo-1_erp\" network: unexpected end "
				       "of JSON input\n"},
		{"probe-timeout", "Warning  Unhealthy  3m  kubelet  Readiness probe errored: rpc error: code = DeadlineExceeded "
				  "desc = context deadline exceeded\n"},
		{"probe-timeout", "Readiness probe failed: Get http://10.56.1.161:8000/: net/http: request canceled while "
				  "waiting for connection (Client.Timeout exceeded while awaiting headers)\n"},
		{"probe-connection-refused", "Warning  Unhealthy  2m  kubelet  Liveness probe failed: Get "
					     "http://172.17.0.7:3000/: dial tcp 172.17.0.7:3000: getsockopt: connection refused\n"},
		{"entrypoint-not-executable", "Error: failed to start container \"galera\": Error response from daemon: oci "
					      "runtime error: container_linux.go:265: starting container process caused \"exec: "
					      "\\\"/entrypoint.sh\\\": permission denied\"\n"},
		{"entrypoint-interpreter-missing", "standard_init_linux.go:195: exec user process caused \"no such file or "
						   "directory\"\n"},
		{"entrypoint-interpreter-missing", "standard_init_linux.go:228: exec user process caused: no such file or "
						   "directory\n"},
		{"entrypoint-interpreter-missing", "[FATAL tini (6)] exec /usr/local/bin/entrypoint.sh failed: No such file or "
						   "directory\n"},
		{"image-never-pull", "  Warning  Failed  51m (x12 over 53m)  kubelet  Error: ErrImageNeverPull\n"},
		{"image-invalid-name", "Failed to apply default image tag \"None:None\": couldn't parse image reference "
				       "\"None:None\": invalid reference format: repository name must be lowercase\n"},
		{"job-deadline-exceeded", "I0404 18:33:16.892774 1 event.go:218] Event(v1.ObjectReference{Kind:\"Job\"}): type: "
					  "'Warning' reason: 'DeadlineExceeded' Job was active longer than specified deadline\n"},
		{"service-no-endpoints", "Error from server (ServiceUnavailable): no endpoints available for service "
					 "\"metrics-server\"\n"},
		{"kube-api-certificate", "Unable to connect to the server: remote error: tls: expired certificate\n"},
		{"kube-api-unauthorized", "error: You must be logged in to the server (Unauthorized)\n"},
		{"api-version-removed", "Error: UPGRADE FAILED: resource mapping not found for name: \"odoo\" namespace: \"\" "
					"from \"\": no matches for kind \"Ingress\" in version \"networking.k8s.io/v1beta1\"\n"
					"ensure CRDs are installed first\n"},
		{"api-version-removed", "error: unable to recognize \"backup.yaml\": no matches for kind \"CronJob\" in version "
					"\"batch/v1beta1\"\n"},
		{"crd-missing", "Error: INSTALLATION FAILED: unable to build kubernetes objects from release manifest: [unable "
				"to recognize \"\": no matches for kind \"Certificate\" in version \"cert-manager.io/v1\"]\n"},
		{"crd-missing", "E0403 04:47:13.304231 1 reflector.go:153] Failed to list *v1alpha2.Issuer: the server could not "
				"find the requested resource (get issuers.cert-manager.io)\n"},
		{"immutable-field", "The StatefulSet \"postgres\" is invalid: spec: Forbidden: updates to statefulset spec for "
				    "fields other than 'replicas', 'template', and 'updateStrategy' are forbidden.\n"},
		{"autoscaler-no-scale-up", "Normal  NotTriggerScaleUp  2m  cluster-autoscaler  pod didn't trigger scale-up (it "
					   "wouldn't fit if a new node is added): 1 max limit reached\n"},
		{"apiserver-unreachable-from-pod", "[WARNING] plugin/kubernetes: Kubernetes API connection failure: Get "
						   "\"https://10.43.0.1:443/version\": dial tcp 10.43.0.1:443: connect: no route "
						   "to host\n"},
		{"coredns-loop", "2018/12/12 13:33:22 [FATAL] plugin/loop: Seen \"HINFO IN 7087784449798295848.7359092265978106814.\" "
				 "more than twice, loop detected\n"},
		{"cni-not-ready", "  Ready  False  KubeletNotReady  runtime network not ready: NetworkReady=false "
				  "reason:NetworkPluginNotReady message:docker: network plugin is not ready: cni config "
				  "uninitialized\n"},
		{"pss-violation", "Warning: would violate PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false "
				  "(container \"odoo\" must set securityContext.allowPrivilegeEscalation=false)\n"},
		{"sched-insufficient", "0/7 nodes are available: 1 Too many pods, 6 node(s) didn't match Pod's node "
				       "affinity/selector.\n"},
		{"command-not-found", "Error: failed to create containerd task: OCI runtime create failed: container_linux.go:345: "
				      "starting container process caused \"exec: \\\"sh\\\": executable file not found in "
				      "$PATH\": unknown\n"},
		{"command-not-found", "Error: failed to start container \"user\": Error response from daemon: failed to create "
				      "task for container: OCI runtime create failed: runc create failed: unable to start "
				      "container process: error during container init: exec: \"./user\": stat ./user: no such "
				      "file or directory: unknown\n"},
		{"hpa-no-metrics", "$ kubectl top pods -n erp\nerror: Metrics API not available\n"},
		{"do-volume-wrong-droplet", "E0312 17:40:25.065 1 csi_attacher.go:318] rpc error: code = FailedPrecondition "
					    "desc = volume is attached to the wrong droplet(\"133696412\"), dettach the volume to "
					    "fix it\n"},
		{"kubeconfig-missing", "Error: INSTALLATION FAILED: Kubernetes cluster unreachable: Get "
				       "\"http://localhost:8080/version\": dial tcp 127.0.0.1:8080: connect: connection refused\n"},
		{"kubeconfig-missing", "E0713 07:45:47.871185 24992 memcache.go:265] couldn't get current server API group list: "
				       "Get \"http://localhost:8080/api?timeout=32s\": dial tcp 127.0.0.1:8080: connect: connection "
				       "refused\n"},
		{"manifest-yaml-syntax", "error converting YAML to JSON: yaml: line 12: did not find expected key\n"},
		{"invalid-object-name", "The Service \"Customer-api-service\" is invalid: metadata.name: Invalid value: "
					"\"Customer-api-service\": a DNS-1035 label must consist of lower case alphanumeric "
					"characters or '-', start with an alphabetic character, and end with an alphanumeric "
					"character\n"},
		{"invalid-object-name", "NetworkPolicy.extensions \"allow-ipBlock\" is invalid: metadata.name: Invalid value: "
					"\"allow-ipBlock\": a DNS-1123 subdomain must consist of lower case alphanumeric "
					"characters, '-' or '.'\n"},
		{"image-pull-network", "Error response from daemon: Get https://registry-1.docker.io/v2/library/fedora/manifests/"
				       "latest: Get https://auth.docker.io/token?scope=repository%3Alibrary%2Ffedora%3Apull&service="
				       "registry.docker.io: net/http: request canceled (Client.Timeout exceeded while awaiting "
				       "headers)\n"},
		{"block-storage-rwx", "Error Message: failed to provision volume with StorageClass \"hcloud-volumes\": rpc error: "
				      "code = InvalidArgument desc = capability at index 0 is not supported\n"},
		{"kube-api-unreachable", "error: couldn't read version from server: Get https://107.178.212.121/api: dial tcp "
					 "107.178.212.121:443: i/o timeout\n"},
		{"image-pull-backoff", "Error from server (BadRequest): container \"app\" in pod \"app-pod\" is waiting to "
				       "start: image can't be pulled\n"},
		{"probe-http-4xx", "Warning  Unhealthy  2m43s (x9 over 3m19s)  kubelet  Liveness probe failed: HTTP probe failed "
				   "with statuscode: 404\nNormal  Killing  2m43s  kubelet  Container httpd failed liveness probe, "
				   "will be restarted\n"},
		{"subpath-not-a-directory", "Error: failed to start container \"odoo\": Error response from daemon: OCI runtime "
					    "create failed: container_linux.go:349: starting container process caused "
					    "\"process_linux.go:449: container init caused \\\"rootfs_linux.go:58: mounting "
					    "...: not a directory\\\"\": unknown: Are you trying to mount a directory onto a file "
					    "(or vice-versa)? Check if the specified host path exists and is the expected type\n"},
		{"do-droplet-limit", "Error: POST https://api.digitalocean.com/v2/kubernetes/clusters: 422 (request \"fe2f\") "
				     "validation error: autoscale desired max nodes exceed limits, 24 additional nodes but not "
				     "enough available droplet limit\n"},
		{"sched-node-mismatch", "Warning  FailedScheduling  2m17s  default-scheduler  0/6 nodes are available: 2 node(s) "
					"didn't match pod topology spread constraints.\n"},
		{"sched-node-mismatch", "Warning  FailedScheduling  <unknown>  default-scheduler  0/2 nodes are available: 2 node(s) "
					"didn't have free ports for the requested pod ports.\n"},
		{"node-pressure", "cdi-apiserver-5b4cfb4d57-99b44   openshift-cnv   Evicted   oct-03-09-compute   Pod The node had "
				  "condition: [DiskPressure].\n"},
		{"command-not-found", "error: Internal error occurred: error executing command in container: failed to exec in "
				      "container: failed to start exec \"4f1c\": OCI runtime exec failed: exec failed: unable to "
				      "start container process: exec: \"bash\": executable file not found in $PATH: unknown\n"},
		{"port-forward-refused", "E1105 19:11:16.188662 401772 portforward.go:413] an error occurred forwarding 3320 -> "
					 "3320: error forwarding port 3320 to pod x, uid : failed to execute portforward in network "
					 "namespace \"/var/run/netns/x\": failed to connect to localhost:3320 inside namespace \"x\", "
					 "IPv4: dial tcp4 127.0.0.1:3320: connect: connection refused\n"},
		{"namespace-stuck-terminating", "NamespaceDeletionDiscoveryFailure  True  Tue, 06 Dec 2022 10:23:44 +0300  "
						"DiscoveryFailed  Discovery failed for some groups, 1 failing: unable to retrieve "
						"the complete list of server APIs: bashible.deckhouse.io/v1alpha1: the server is "
						"currently unable to handle the request\n"},
		{"kube-api-unreachable", "$ kubectl get pods\nUnable to connect to the server: net/http: TLS handshake timeout\n"},
		{"nodeport-out-of-range", "Error: UPGRADE FAILED: failed to create resource: Service \"ess-sfu\" is invalid: "
					  "spec.ports[268].nodePort: Invalid value: 32768: provided port is not in the valid range. "
					  "The range of valid ports is 30000-32767\n"},
		{"drain-refused", "$ kubectl drain x.x.x.x\nnode \"x.x.x.x\" already cordoned\nerror: pods with local storage "
				  "(use --delete-local-data to override): glusterfs-storage-5h928; DaemonSet-managed pods (use "
				  "--ignore-daemonsets to ignore): glusterfs-storage-5h928\n"},
		{"pvc-resize-refused", "could not update persistent volume claim: \"persistentvolumeclaims \\\"pgdata-0\\\" is "
				       "forbidden: only dynamically provisioned pvc can be resized and the storageclass that "
				       "provisions the pvc must support resize\"\n"},
		{"node-pressure", "Warning  Failed  2m  kubelet  Failed to pull image \"odoo:17.0\": rpc error: code = Unknown "
				  "desc = failed to register layer: Error processing tar file(exit status 1): write "
				  "/usr/lib/python3/x.so: no space left on device\n"},
		{"node-pressure", "level=info msg=\"apply failure, attempting cleanup\" error=\"failed to extract layer "
				  "sha256:5dac: mount callback failed on /var/lib/containerd/tmpmounts/m1: write "
				  "/var/lib/containerd/tmpmounts/m1/lib/libc-2.24.so: no space left on device: unknown\"\n"},
		{"manifest-required-field", "Kubectl apply failed. Error: error: error validating \"/tmp/app\": error validating "
					    "data: ValidationError(StatefulSet.spec): missing required field \"serviceName\" in "
					    "io.k8s.api.apps.v1beta2.StatefulSetSpec\n"},
		{"mount-failed", "Warning  FailedMount  30s  kubelet, worker-1  Unable to mount volumes for pod "
				 "\"test_default(28f0)\": timeout expired waiting for volumes to attach/mount for pod "
				 "\"default\"/\"test\". list of unattached/unmounted volumes=[html]\n"},
		{"pg-connection-lost", "psycopg2.DatabaseError: SSL SYSCALL error: Operation timed out\n"},
		{"db-timeout", "psycopg2.DatabaseError: SSL SYSCALL error: Connection timed out\n"},
		{"pg-table-permission", "2022-10-08 23:32:18.610 CEST Reason: liquibase.exception.DatabaseException: ERROR: must be owner of table core_user [Failed SQL: (0) ALTER TABLE \"public\".\"core_user\" ADD \"settings\" TEXT]\n"},
		{"pg-restore-ownership", "pg_restore: [archiver (db)] could not execute query: ERROR:  must be owner of extension plpgsql\n"},
		{"pg-client-during-startup", "psql: error: connection to server at \"localhost\" (127.0.0.1), port 5432 failed: FATAL:  the database system is starting up\n"},
		/* the same refusal beside the server's own log of a crash recovery: the start is a WAL replay */
		{"pg-recovery-killed", "LOG:  database system was not properly shut down; automatic recovery in progress\n"
				       "psql: error: connection to server at \"localhost\" (127.0.0.1), port 5432 failed: FATAL:  the database system is starting up\n"},
		/* issue 16's tuning half: a build option refused at start --optimized, any build option */
		{"keycloak-build-mismatch", "Unknown option: '--health-enabled'\nPossible solutions: --http-enabled, --hostname\n"
					    "Try 'kc.sh start --help' for more information on the available options.\n"},
		{"keycloak-build-mismatch", "ERROR: Unknown option: '--features'\n"},
		{"keycloak-unknown-option", "Unknown option: '--db-url-hostname'\nPossible solutions: --db-url-host\n"},
		{"keycloak-proxy-headers", "2025-08-14 20:42:10,923 WARN  [org.keycloak.cookie.DefaultCookieProvider] "
					   "(executor-thread-4) Non-secure context detected; cookies are not secured, and will not be "
					   "available in cross-origin POST requests. Please review whether this direct HTTP usage is "
					   "expected.\n"},
		/* a probe answered 5xx: the application's own failure, not the probe's; a startup probe's 503 is a
		 * server still starting */
		{"probe-startup-failed", "  Warning  Unhealthy  40s (x3 over 1m)  kubelet  Startup probe failed: HTTP probe failed with "
				  "statuscode: 500\n  Normal   Killing    40s  kubelet  Container odoo failed startup probe, will "
				  "be restarted\n"},
		{"pod-not-ready", "Warning  Unhealthy  2m (x12 over 4m)  kubelet  Liveness probe failed: HTTP probe failed with "
				  "statuscode: 502\nNormal  Killing  2m  kubelet  Container keycloak failed liveness probe, will be "
				  "restarted\n"},
		/* a Service with no endpoints, as its describe and its Endpoints object say it */
		{"service-no-endpoints", "Name:                     keycloak\nSelector:                 app.kubernetes.io/name=kc\n"
					 "Type:                     ClusterIP\nPort:                     http  8080/TCP\n"
					 "Endpoints:                <none>\nSession Affinity:         None\n"},
		{"service-no-endpoints", "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Endpoints\",\n  \"metadata\": {\"name\": \"odoo\"},\n"
					 "  \"subsets\": []\n}\n"},
		{"service-no-endpoints", "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: odoo\n  namespace: erp\nsubsets:\n"
					 "- notReadyAddresses:\n  - ip: 10.244.0.31\n  ports:\n  - port: 8069\n"},
		{"service-no-endpoints", "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: odoo\n  namespace: erp\n"},
		/* Python's own words for a library the image lacks, and for Odoo's own packages off the path */
		{"odoo-python-dependency", "  File \"/mnt/extra-addons/sms_gateway/models/sms.py\", line 4, in <module>\n"
					   "    import phonenumbers\nImportError: No module named phonenumbers\n"},
		{"odoo-python-dependency", "2024-03-01 10:00:01,101 1 CRITICAL ? odoo.modules.module: Couldn't load module "
					   "account_oauth\nModuleNotFoundError: No module named 'jwt'\n"},
		{"odoo-module-missing", "2024-07-12 08:51:38,893 6390 ERROR ? odoo.service.server: Failed to load server-wide module "
					"`web`.\nModuleNotFoundError: No module named 'odoo.addons.web'\n"},
		/* a changed changeset (same checksum version) vs a database a later Keycloak wrote (9 then 8) */
		{"keycloak-liquibase-checksum", "ERROR: liquibase.exception.ValidationFailedException: Validation Failed:\n"
						"     1 change sets check sum\n          META-INF/scim-changelog.xml::scim-sdk-1.0::"
						"pascal knueppel was: 7:54900cba59debc2ce8fe7a3a8067e8b2 but is now: "
						"7:0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f\n"},
		{"keycloak-db-newer", "ERROR: liquibase.exception.ValidationFailedException: Validation Failed:\n     113 changesets "
				      "check sum\n          META-INF/jpa-changelog-1.0.0.Final.xml::1.0.0.Final-KEYCLOAK-5461::"
				      "sthorger@redhat.com was: 9:6f1016664e21e16d26517a4418f5e3df but is now: "
				      "8:bda77d94bf90182a1e30c24f1c155ec7\n"},
		/* a DNS-01 credential the provider refuses an action: Route 53's IAM, Cloudflare via certbot and lego */
		{"cert-dns01-permission", "E0416 08:42:48.342874       1 controller.go:157] \"re-queuing item due to error processing\" "
					  "err=\"failed to change Route 53 record set: operation error Route 53: "
					  "ChangeResourceRecordSets, https response error StatusCode: 403, api error AccessDenied: User: "
					  "arn:aws:sts::111122223333:assumed-role/cert-manager/cert-manager is not authorized to perform: "
					  "route53:ChangeResourceRecordSets on resource: arn:aws:route53:::hostedzone/Z0EXAMPLE\"\n"},
		{"cert-dns01-permission", "certbot.errors.PluginError: Unable to determine zone_id for example.com using zone names: "
					  "['example.com', 'com']. The error from Cloudflare was: 0 Actor 'com.cloudflare.api.token.' "
					  "requires permission 'com.cloudflare.api.account.zone.list' to list zones\n"},
		{"cert-dns01-permission", "  Warning  PresentError  1m  cert-manager  Error presenting challenge: Cloudflare API "
					  "Error for POST \"/zones/0123/dns_records\" Error: Authentication error (10000)\n"},
		/* 502s beside a rollout are transient; beside a Service with no ready pod, persistent */
		{"ingress-rollout-502", "time=\"2025-02-19T09:14:27Z\" level=debug msg=\"'502 Bad Gateway' caused by: dial tcp "
					"10.244.2.15:8080: connect: connection refused\"\n  Normal  Killing  40s  kubelet  Stopping "
					"container keycloak\n"},
		/* the controller names the Service that has no endpoint: that, not the 502 it causes, is the finding */
		{"service-no-endpoints", "W0514 09:12:41.000000 7 controller.go:1110] Service \"erp/odoo\" does not have any "
					"active Endpoint.\n2m  Normal  ScalingReplicaSet  deployment/odoo  Scaled down replica set "
					"odoo-58d7c9f6b to 0\n<html><head><title>502 Bad Gateway</title></head></html>\n"},
		/* JSON logs that keep what failed in detail (PostgreSQL's jsonlog) or details (PostgREST) */
		{"pg-auth-failed", "{\"code\":\"PGRST000\",\"details\":\"connection to server at \\\"db\\\" (10.0.0.5), port 5432 "
				   "failed: FATAL:  password authentication failed for user \\\"authenticator\\\"\\n\",\"hint\":null,"
				   "\"message\":\"Database connection error. Retrying the connection.\"}\n"},
		{"pg-client-no-scram", "{\"details\":\"SCRAM authentication requires libpq version 10 or above\\n\",\"code\":\"\","
				 "\"message\":\"Database connection error\"}\n"},
		/* a webhook's name in escaped quotes (kubectl prints the server's message as a Go string) */
		{"admission-webhook-unreachable", "Error from server (InternalError): error when creating \"issuer.yaml\": Internal "
						  "error occurred: failed calling webhook \\\"webhook.cert-manager.io\\\": Post "
						  "\\\"https://cert-manager-webhook.cert-manager.svc:443/mutate?timeout=10s\\\": dial tcp "
						  "10.96.0.20:443: connect: connection refused\n"},
		/* Odoo 12-17 say at DEBUG level that the data directory refused a directory */
		{"odoo-filestore-permission", "2024-05-01 10:00:00,000 1 DEBUG ? odoo.tools.config: Failed to create addons data "
					      "dir /var/lib/odoo/addons/17.0\n"},
		/* any signature, on a message whose quotes a logger escaped */
		{"cert-issuer-missing", "E1127 cert-manager/issuers \"msg\"=\"error\" \"error\"=\"Referenced \\\"ClusterIssuer\\\" not "
					"found: clusterissuer.cert-manager.io \\\"letsencrypt-prod\\\" not found\"\n"},
		/* Keycloak's event code as people quote it */
		{"keycloak-cookie-not-found", "After the upgrade to 26 the login through our SAML IdP fails: Cookie_not_found\n"},
		/* Keycloak's further families (b16d), in each version's and client's words */
		{"keycloak-cluster-timeouts", "2025-05-09 19:29:02,339 WARN  [org.jgroups.protocols.pbcast.GMS] (main) "
					      "cc5d00201f04-49634: JOIN(cc5d00201f04-49634) sent to 7768a0cf6a4a-2231 timed out "
					      "(after 2000 ms), on try 0\n"},
		{"keycloak-auth-path-removed", "Caused by: java.lang.IllegalArgumentException: Unable to resolve Configuration with "
					       "the provided Issuer of \"http://localhost:8080/auth/realms/PolarBookshop\"\n"},
		{"keycloak-auth-path-removed", "Logging into http://localhost:8080/auth as user admin of realm master\nnull "
					       "[RESTEASY003210: Could not find resource for full path: "
					       "http://localhost:8080/auth/realms/master/protocol/openid-connect/token]\n"},
		{"keycloak-db-vendor-invalid", "Missing mandatory environment variable DB_VENDOR. Allowed values are [h2, "
					       "postgresql, oracle]\n"},
		{"keycloak-provider-incompatible", "2023-07-14 10:01:02,120 ERROR [org.keycloak.quarkus.runtime.cli."
						   "ExecutionExceptionHandler] (main) ERROR: jakarta/ws/rs/core/UriInfo\n"},
		{"keycloak-provider-incompatible", "2024-10-08 07:53:40,125 ERROR [org.keycloak.services.error.KeycloakErrorHandler] "
						   "(executor-thread-154) Uncaught server error: java.lang.NoSuchMethodError: "
						   "'jakarta.ws.rs.core.Response org.keycloak.services.cors.Cors.build()'\n"},
		{"keycloak-db-url-driver", "URL format error; must be \"jdbc:h2:{ {.|mem:}[name] | [file:]fileName | "
					   "{tcp|ssl}:[//]server[:port][,server2[:port]]/name }[;key=value...]\"\n"},
		{"keycloak-smtp-failed", "Caused by: com.sun.mail.smtp.SMTPSendFailedException: 451 5.7.3 STARTTLS is required to "
					 "send mail [DBBPR09CA0030.eurprd09.prod.outlook.com]\n"},
		{"keycloak-smtp-failed", "com.sun.mail.smtp.SMTPSendFailedException: 530 5.7.1 Authentication required\n"},
		{"keycloak-ldap-connection", "2024-02-01 09:03:32,570 ERROR [org.keycloak.services] (executor-thread-3) "
					     "KC-SERVICES0055: Error when connecting to LDAP: 1.1.1.1:80: "
					     "javax.naming.CommunicationException: 1.1.1.1:80\n"},
		{"keycloak-theme-template", "keycloak           | Template not found for name \"field.ftl\".\n"},
		{"keycloak-audience-mismatch", "... Error creating session during OAuth2 callback: oidc: expected audience "
					       "\"kubernetes-dashboard\" got [\"account\"]\n"},
		{"keycloak-ssl-required-external", "We are sorry...\nHTTPS required\n$ kcadm.sh get realms/master --fields "
						   "sslRequired\n{ \"sslRequired\" : \"external\" }\n"},
		{"keycloak-migration-timeout", "2023-08-11 09:12:31,533 WARN  [com.arjuna.ats.arjuna] (Transaction Reaper Worker 0) "
					       "ARJUNA012108: CheckedAction::check - atomic action 0:ffffc0a8a1d7:9f47:64d5fa53:0 "
					       "aborting with 1 threads active!\n"},
		{"keycloak-invalid-scope", "16:13:10,768 ERROR [org.keycloak.services] (default task-54) KC-SERVICES0093: Invalid "
					   "parameter value for: scope\n"},
		{"tls-client-untrusted", "Caused by: org.springframework.web.client.ResourceAccessException: I/O error on GET "
						   "request for \"https://keycloak.corp/realms/x/.well-known/openid-configuration\": "
						   "PKIX path building failed: sun.security.provider.certpath."
						   "SunCertPathBuilderException: unable to find valid certification path to requested "
						   "target\n"},
		{"keycloak-kid-not-found", "2019-11-14 11:42:54.261 ERROR 1 --- [nio-8080-exec-7] o.k.a.rotation.JWKPublicKeyLocator "
					   "      : Error when sending request to retrieve realm keys\n"},
		{"keycloak-issuer-mismatch", "[jwt_session.go:51] Error retrieving session from token in Authorization header: "
					     "[unable to verify bearer token, failed to verify token: oidc: id token issued by a "
					     "different provider, expected \"https://keycloak/auth/realms/x\" got "
					     "\"https://frontend/api/auth\"]\n"},
		{"keycloak-theme-not-found", "ERROR [org.keycloak.theme.DefaultThemeManager] (executor-thread-1) Failed to find "
					     "WELCOME theme my-theme, using built-in themes\nERROR [org.keycloak.quarkus.runtime."
					     "services.resources.QuarkusWelcomeResource] (executor-thread-1) Theme is null please check "
					     "the \"--spi-theme-default\" parameter\n"},
		{"keycloak-token-exchange-refused", "{\"error\":\"access_denied\",\"error_description\":\"Client is not the holder "
						    "of the token\"}\n"},
		{"keycloak-tls-file-missing", "2024-09-06 16:59:38,906 ERROR [org.keycloak.quarkus.runtime.cli.ExecutionExceptionHandler] "
					      "(main) Error details:: java.nio.file.NoSuchFileException: /opt/keycloak/conf/tls/cert.pem\n"},
		{"keycloak-cors-web-origins", "Access to XMLHttpRequest at 'https://auth.example.com/realms/erp/protocol/openid-connect/"
					      "token' from origin 'http://localhost:4200' has been blocked by CORS policy: No "
					      "'Access-Control-Allow-Origin' header is present on the requested resource.\n"},
		{"keycloak-realm-file-newer", "[main] ERROR Main - {\"error\":\"Unrecognized field \\\"adminPermissionsClient\\\" (class "
					      "org.keycloak.representations.idm.RealmRepresentation), not marked as ignorable\"}\n"},
		/* Odoo's families in each version's and each program's words (b16c) */
		{"odoo-custom-mount-shadows-image", "Traceback (most recent call last):\n  File \"/usr/bin/odoo\", line 8, in "
						    "<module>\n    odoo.cli.main()\nAttributeError: module 'odoo' has no "
						    "attribute 'cli'\n"},
		{"odoo-port-in-use", "Exception in thread openerp.service.httpd:\nerror: [Errno 98] Address already in use\n"},
		{"odoo-addons-path-invalid", "openerp-server: error: option --addons-path: The addons-path '../custom_modules' does "
					     "not seem to a be a valid Addons Directory!\n"},
		{"odoo-addons-path-invalid", "odoo: error: option --addons-path: no such directory: '/mnt/extra-addons/oca'\n"},
		{"odoo-module-other-version", "501 WARNING odoo odoo.addons.base.models.ir_ui_view: Can't render custom view "
					      "base.user_groups_view for model res.users.\nError: Since 17.0, attributes "
					      "\"attrs\" and \"states\" are no longer used.\n"},
		{"odoo-module-other-version", "odoo.exceptions.ValidationError: Since 17.0, the \"attrs\" and \"states\" "
					      "attributes are no longer used.\nView: estate.property.form\n"},
		{"odoo-module-other-version", "CRITICAL galdb odoo.modules.module: Couldn't load module auth_crypt\nCRITICAL galdb "
					      "odoo.modules.module: No module named 'odoo.addons.base.res'\nERROR galdb "
					      "odoo.modules.registry: Failed to load registry\n"},
		{"odoo-view-inheritance-broken", "ValueError: L'élément '<t t-name=\"l10n_ch.l10n_ch_swissqr_template\">' ne peut "
						 "être localisé dans la vue parente\n"},
		{"odoo-view-inheritance-broken", "ValueError: El elemento '<xpath expr=\"//div[@id='wrapwrap']/header/div\">' no "
						 "puede ser localizado en la vista padre\n"},
		{"odoo-view-field-missing", "ValueError: Das Feld `top_directories` existiert nicht\n\nFehler Kontext:\nAnsicht "
					    "`muk_dms_settings.form`\n"},
		{"odoo-view-field-missing", "ValueError: El campo `mercadolibre_state` no existe\n"},
		{"odoo-cron-blocks-module-operations", "Odoo Server Error - Warning The server is busy right now, module operations "
						      "are not possible at this time, please try again later.\n"},
		{"odoo-cron-blocks-module-operations", "User Error:\nRecord cannot be modified right now: This cron task is currently "
						      "being executed and may not be modified Please try again in a few minutes\n"},
		{"odoo-wkhtmltopdf-unpatched", "QXcbConnection: Could not connect to display\nAborted\n"},
		{"odoo-wkhtmltopdf-missing", "Wkhtmltopdf was not found on this system. The report will be displayed in HTML.\n"},
		{"odoo-python-library-too-new", "After installing the .deb package, the start of odoo fails with:\nlxml-html-clean is "
						"now a separate package\n"},
		{"odoo-locale-not-utf8", "UnicodeEncodeError: 'ascii' codec can't encode characters in position 0-6: ordinal not "
					 "in range(128)\n"},
		{"odoo-model-no-access-rules", "WARNING erp odoo.modules.loading: The models ['onlyoffice.odoo'] have no access rules "
					       "in module onlyoffice_odoo, consider adding some, like:\n"},
		{"odoo-database-exists", "Database creation error: database \"postgres\" already exists\n"},
		{"odoo-view-field-missing", "    raise ValueError(\"Invalid field %r on model %r\" % (key, self._name))\nValueError: "
					    "Invalid field 'res_model_id' on model 'mail.activity.type'\n"},
		{"odoo-view-field-missing", "ValueError: Model not found: base.module.record\n\nError context:\nView "
					    "`base_module_record_objects`\n"},
		/* PostgreSQL's clients in each driver's words (b16b) */
		{"db-localhost", "ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', 5432)\n"},
		{"db-refused", "ConnectionRefusedError: [Errno 111] Connect call failed ('10.245.3.4', 5432)\n"},
		{"pg-database-missing", "    at Connection.parseE (/app/node_modules/pg/lib/connection.js:554:11)\n"
					"error: database \"lisk\" does not exist\n"},
		{"pg-no-password", "Error: SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string\n"},
		{"pg-no-password", "Error: SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a non-empty string\n"},
		{"pg-pgpass-ignored", "WARNING: password file \"/etc/pgpass/..data\" is not a plain file\n"},
		{"pgadmin-default-credentials", "You need to define the PGADMIN_DEFAULT_EMAIL and PGADMIN_DEFAULT_PASSWORD or "
						"PGADMIN_DEFAULT_PASSWORD_FILE environment variables.\n"},
		{"libpq-library-missing", "ImportError: Error loading shared library libpq.so.5: No such file or directory "
					  "(needed by /usr/lib/python3.7/site-packages/psycopg2/_psycopg.cpython-37m-x86_64-linux-gnu.so)\n"},
		{"pg-ssl-shared-after-fork", "psycopg.OperationalError: consuming input failed: decryption failed or bad record mac\n"},
		{"db-ipv6-unreachable", "failed to connect to postgres: failed to connect to `host=db.abc.supabase.co user=postgres "
					"database=postgres`: dial error (dial tcp [2406:da14:271:9903:c1bf:5f4c:ff8a:9e0c]:5432: "
					"connect: no route to host)\n"},
		{"pgbouncer-unknown-database", "psql: error: connection to server at \"10.0.0.5\", port 30432 failed: FATAL:  "
					       "no such database: db_test\n"},
		{"pgpool-pool-passwd", "psql: ERROR:  failed to authenticate with backend using md5\nDETAIL:  valid password not found\n"},
		{"pg-timezone-invalid", "org.postgresql.util.PSQLException: FATAL: invalid value for parameter \"TimeZone\": \"Europe/Kyiv\"\n"},
		{"db-pool-timeout", "sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached, connection timed "
				    "out, timeout 30.00 (Background on this error at: https://sqlalche.me/e/20/3o7r)\n"},
		{"db-pool-timeout", "directus-1  | KnexTimeoutError: Knex: Timeout acquiring a connection. The pool is probably full. "
				    "Are you missing a .transacting(trx) call?\n"},
		{"db-localhost", "Error: P1001: Can't reach database server at `localhost`:`5432`\n"},
		{"db-connection-failed", "Error: P1001: Can't reach database server at `postgres`:`5432`\n"},
		{"pg-ssl-key-permissions", "2022-06-01 18:24:51.139 GMT [37] FATAL:  private key file "
					   "\"/var/run/autocert.step.sm/site.key\" has group or world access\n"},
		{"pg-ssl-key-permissions", "psql: error: connection to server at \"db\" (10.0.0.5), port 5432 failed: private key "
					   "file \"/root/.postgresql/postgresql.key\" has group or world access; file must have "
					   "permissions u=rw (0600) or less if owned by the current user, or permissions u=rw,g=r (0640) "
					   "or less if owned by root\n"},
		{"db-pool-timeout", "  message: \"timeout exceeded when trying to connect\"\n"},
		{"db-pool-timeout", "Npgsql.NpgsqlException: The connection pool has been exhausted, either raise MaxPoolSize "
				    "(currently 100) or Timeout (currently 15 seconds)\n"},
		{"pg-auth-failed", "Error: P1000: Authentication failed against database server at `db`, the provided database "
				   "credentials for `postgres` are not valid.\n"},
		{"db-timeout", "Error: Connection terminated due to connection timeout\n"},
		{"db-pool-timeout", "ActiveRecord::ConnectionTimeoutError: could not obtain a connection from the pool within 5.000 "
				    "seconds (waited 5.001 seconds); all pooled connections were in use\n"},
		/* a TCP probe's log line is no cause beside a real one */
		{"pg-auth-failed", "2026-11-27 10:00:30.002 UTC [81] LOG:  incomplete startup packet\n2026-11-27 10:00:31.402 UTC "
				   "[88] FATAL:  password authentication failed for user \"odoo\"\n"},
		{"crashloop", "2026-11-27 10:00:30.002 UTC [81] LOG:  incomplete startup packet\n"
			      "postgres-0   0/1     CrashLoopBackOff   5 (20s ago)   4m\n"},
		{"do-db-wrong-port", "org.postgresql.util.PSQLException: Connection to db-pg-ams3-1234.b.db.ondigitalocean.com:5432 "
				     "refused. Check that the hostname and port are correct and that the postmaster is accepting "
				     "TCP/IP connections.\n"},
		{"jdbc-url-invalid", "java.sql.SQLException: No suitable driver\n"},
		{"sqlalchemy-postgres-scheme", "sqlalchemy.exc.NoSuchModuleError: Can't load plugin: sqlalchemy.dialects:postgres.asyncpg\n"},
		{"pgadmin-default-credentials", "[2022-09-21 15:16:35 +0000] [86] [DEBUG] POST /authenticate/login\nThe email address is "
						"not valid. It must have exactly one @-sign.\n"},
		/* b16f: Kubernetes families, each version's and program's words */
		{"node-mount-helper-missing", "Output: mount: wrong fs type, bad option, bad superblock on 10.110.0.5:/exports,\n"
					      "       missing codepage or helper program, or other error\n"},
		{"kubelet-admission-rejected", "Message:      Pod Predicate NodeAffinity failed\n"},
		{"kubelet-admission-rejected", "  Warning  OutOfcpu  43m  kubelet  Node didn't have enough resource: cpu, requested: "
					       "1000, used: 94939, capacity: 95690\n"},
		{"readonly-filesystem", "Error: mkdir /srv/odoo/sessions: read-only file system\n"},
		{"node-inotify-limit", "Failed to allocate directory watch: Too many open files\n"},
		{"metrics-server-kubelet-tls", "E0120 1 manager.go:111] unable to fully scrape metrics from source "
					       "kubelet_summary:pool-erp-r7k2x: unable to fetch metrics from Kubelet pool-erp-r7k2x "
					       "(10.133.247.135): Get https://10.133.247.135:10250/stats/summary?only_cpu_and_memory=true: "
					       "x509: cannot validate certificate for 10.133.247.135 because it doesn't contain any IP "
					       "SANs\n"},
		{"kubeconfig-exec-plugin", "Get \"https://1f2e.k8s.ondigitalocean.com/api/v1/nodes?timeout=1m0s\": getting "
					   "credentials: exec: exec: \"doctl\": executable file not found in $PATH\n"},
		{"kubeconfig-exec-plugin", "error: exec plugin: invalid apiVersion \"client.authentication.k8s.io/v1alpha1\"\n"},
		{"kubeconfig-exec-plugin", "Unable to connect to the server: getting credentials: exec plugin is configured to use "
					   "API version client.authentication.k8s.io/v1beta1, plugin returned version "
					   "client.authentication.k8s.io/v1alpha1\n"},
		{"coredns-upstream-timeout", "[ERROR] 2 mirrors.example.com. AAAA: unreachable backend: read udp "
					     "10.99.17.97:60877->10.10.10.252:53: i/o timeout\n"},
		{"psp-rejected", "Warning  FailedCreate  42s (x15 over 2m4s)  replicaset-controller  Error creating: pods "
				 "\"gatekeeper-controller-manager-77ccf5456f-\" is forbidden: unable to validate against any pod "
				 "security policy: []\n"},
		{"psp-rejected", "E0330 04:09:55.319033 1 daemon_controller.go:292] kube-system/kube-proxy failed with : pods "
				 "\"kube-proxy-\" is forbidden: no providers available to validate pod request\n"},
		{"kubelet-unreachable-from-apiserver", "Error from server: Get https://192.168.134.21:10250/containerLogs/default/"
						       "odoo-c98d79f7d-lv979/odoo?tailLines=20: dial tcp 192.168.134.21:10250: i/o "
						       "timeout\n"},
		{"kubelet-unreachable-from-apiserver", "Error from server: error dialing backend: dial tcp 192.168.1.14:10250: "
						       "getsockopt: no route to host\n"},
		{"nfs-mount-refused", "Output: Running scope as unit run-124486.scope. mount.nfs: mounting 10.110.0.5:/nfs/odoo "
				      "failed, reason given by server: No such file or directory\n"},
		{"node-inotify-limit", "E0103 01:49:48.644861 30646 file.go:76] Unable to read manifest path "
				       "\"/etc/kubernetes/manifests\": unable to create inotify: inotify_init: too many open files\n"},
		{"node-pleg-unhealthy", "Mar 13 16:02:43 node-w3fz kubelet[1450]: I0313 16:02:43.934473 1450 kubelet.go:1778] "
					"skipping pod synchronization - [PLEG is not healthy: pleg was last seen active 3m5.30015447s "
					"ago; threshold is 3m0s]\n"},
		{"kubelet-cgroup-driver-mismatch", "failed to create kubelet: misconfiguration: kubelet cgroup driver: \"systemd\" "
						   "is different from docker cgroup driver: \"cgroupfs\"\n"},
		{"manifest-wrong-type", "Error from server (BadRequest): error when creating \"odoo.yaml\": Deployment in version "
					"\"v1\" cannot be handled as a Deployment: v1.Deployment.Spec: v1.DeploymentSpec.Template: "
					"v1.PodTemplateSpec.Spec: v1.PodSpec.Containers: []v1.Container: v1.Container.Env: "
					"[]v1.EnvVar: v1.EnvVar.Value: ReadString: expects \" or n, but found 5, error found in #10 "
					"byte of ...|,\"value\":5432},{\"nam|...\n"},
		{"selector-template-mismatch", "Error from server (Invalid): error when creating \"odoo.yaml\": Deployment.apps "
					       "\"odoo\" is invalid: [spec.selector: Required value, spec.template.metadata.labels: "
					       "Invalid value: map[string]string{\"app\":\"odoo\"}: `selector` does not match "
					       "template `labels`]\n"},
		{"kube-api-ca-untrusted", "Unable to connect to the server: x509: certificate signed by unknown authority\n"},
		{"node-swap-enabled", "error: failed to run Kubelet: Running with swap on is not supported, please disable swap! or "
				      "set --fail-swap-on flag to false. /proc/swaps contained: [Filename Type Size Used "
				      "Priority /dev/dm-1 partition 4001788 0 -1]\n"},
		{"containerd-cri-disabled", "F0731 11:15:41.472387 9557 server.go:266] failed to run Kubelet: failed to create "
					    "kubelet: rpc error: code = Unimplemented desc = unknown service "
					    "runtime.v1alpha2.RuntimeService\n"},
		{"helm-resource-ownership", "{\"level\":\"error\",\"msg\":\"Reconciler error\",\"error\":\"Helm install failed: "
					    "rendered manifests contain a resource that already exists. Unable to continue with "
					    "install: ServiceAccount \\\"odoo\\\" in namespace \\\"erp\\\" exists and cannot be imported "
					    "into the current release: invalid ownership metadata\"}\n"},
		{"manifest-unknown-field", "error: error validating \"030-Deployment-grafana.yaml\": error validating data: "
					   "ValidationError(Deployment.spec.template.spec.containers[0]): unknown field \"readOnly\" in "
					   "io.k8s.api.core.v1.Container; if you choose to ignore these errors, turn validation off with "
					   "--validate=false\n"},
		{"manifest-unknown-field", "error validating \"daemonset.yaml\": error validating data: found invalid field request "
					   "for v1.ResourceRequirements; if you choose to ignore these errors, turn validation off with "
					   "--validate=false\n"},
		{"image-layer-depth", "Error response from daemon: max depth exceeded\n"},
		{"hpa-no-metrics", "E1025 10:02:11.5 1 horizontal.go:201] failed to compute desired number of replicas: failed to get "
				   "cpu utilization: did not receive metrics for any ready pods\n"},
		{"hpa-missing-requests", "  12m  11m  4  {horizontal-pod-autoscaler }  Warning  FailedGetMetrics  failed to get CPU "
					 "consumption and request: some pods do not have request for cpu\n"},
		{"volume-provisioner-absent", "  Normal  ExternalProvisioning  45s (x25 over 6m38s)  persistentvolume-controller  "
					      "Waiting for a volume to be created either by the external provisioner "
					      "'rook-ceph.rbd.csi.ceph.com' or manually by the system administrator. If volume creation "
					      "is delayed, please verify that the provisioner is running and correctly registered.\n"},
		{"kube-api-unreachable", "Unable to connect to the server: dial tcp: lookup 8175cb92-4c1d.k8s.ondigitalocean.com: "
					 "no such host\n"},
		{"logs-container-waiting", "Error from server (BadRequest): previous terminated container \"odoo\" in pod "
					   "\"odoo-7d9f8b7c4-x2x9k\" not found\n"},
		{"immutable-field", "The Pod \"shpod\" is invalid: spec: Forbidden: pod updates may not change fields other than "
				    "`spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds` or "
				    "`spec.tolerations` (only additions to existing tolerations)\n"},
		{"kube-api-ca-untrusted", "Unable to connect to the server: x509: certificate is valid for 127.0.0.1, 10.152.183.1, "
					  "not 192.168.31.101\n"},
		{"sandbox-image-pull-failed", "Warning  FailedCreatePodSandBox  3m13s (x6214 over 22h)  kubelet, 172.16.127.119  "
					      "Failed create pod sandbox: rpc error: code = Unknown desc = failed to inspect sandbox "
					      "image \"registry.example.com/google-containers/pause-amd64:3.0\": Error response from "
					      "daemon: no such image\n"},
		{"sandbox-image-pull-failed", "Warning  FailedCreatePodSandBox  4s  kubelet  Failed to create pod sandbox: rpc "
					      "error: code = Unknown desc = failed pulling image \"registry.k8s.io/pause:3.6\": Error "
					      "response from daemon: Head \"https://registry.k8s.io/v2/pause/manifests/3.6\": dial tcp "
					      "142.251.8.82:443: i/o timeout\n"},
		{"helm-release-name-in-use", "Error: cannot re-use a name that is still in use\nhelm.go:84: [debug] cannot re-use a "
					     "name that is still in use\n"},
		{"metrics-server-node-address", "E0925 17:50:02.785406 1 manager.go:102] unable to fully collect metrics: [unable "
						"to fully scrape metrics from source kubelet_summary:k8sdev02: unable to fetch metrics "
						"from Kubelet k8sdev02 (k8sdev02): Get https://k8sdev02:10250/stats/summary/: dial tcp: "
						"lookup k8sdev02 on 10.96.0.10:53: server misbehaving]\n"},
		{"exec-container-not-running", "error: unable to forward port because pod is not running. Current status=Pending\n"},
		/* the edge's families (b16e), in each program's and version's words */
		{"proxy-backend-cert-untrusted", "2024/03/02 10:11:12 [error] 31#31: *7 upstream SSL certificate verify error: (20:"
						 "unable to get local issuer certificate) while SSL handshaking to upstream\n"},
		{"proxy-backend-cert-untrusted", "time=\"2018-11-19T12:16:23Z\" level=debug msg=\"'500 Internal Server Error' caused "
						 "by: x509: certificate signed by unknown authority\"\n"},
		{"coredns-upstream-timeout", "[ERROR] plugin/errors: 2 3797952284163317497.7063757873447144811. HINFO: read udp "
						"192.168.209.17:36807->20.128.8.8:53: i/o timeout\n"},
		{"traefik-static-config-invalid", "{\"level\":\"error\",\"error\":\"command traefik error: incompatible deprecated "
						  "static option found\",\"message\":\"Command error\"}\n"},
		{"traefik-static-config-invalid", "2019/09/17 04:18:32 command traefik error: field not found, node: address\n"},
		{"traefik-acme-storage-permissions", "Unable to add ACME provider to the providers list: unable to get ACME "
						     "account: permissions 755 for /letsencrypt/acme.json are too open, please use 600\n"},
		{"tls-client-untrusted", "Caused by: javax.net.ssl.SSLHandshakeException: PKIX path building failed: "
					 "sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid "
					 "certification path to requested target\n"},
		{"tls-client-untrusted", "Error: unable to verify the first certificate\n    at TLSSocket.onConnectSecure "
					 "(node:_tls_wrap:1674:34) {\n  code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'\n"},
		{"tls-client-untrusted", "ERROR: Test failed: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self "
					 "signed certificate in certificate chain (_ssl.c:1091)\n"},
		{"tls-client-untrusted", "ERROR: cannot verify localhost's certificate, issued by '/CN=Common Name':\n"},
		{"tls-hostname-mismatch", "W0104 15:03:24.260457 8 controller.go:1068] ssl certificate y does not contain a "
					  "Common Name or Subject Alternative Name for host test.x.co.uk Reason: x509: "
					  "certificate is valid for *.y.io, y.io, not test.x.co.uk\n"},
		{"tls-hostname-mismatch", "Get \"https://10.100.1.100:8443/\": tls: failed to verify certificate: x509: cannot "
					  "validate certificate for 10.100.1.100 because it doesn't contain any IP SANs\n"},
		{"tls-certificate-expired", "E0912 15:45:15.713155 8 backend_ssl.go:161] Error generating CA certificate chain for "
					    "Secret \"default/cafe-secret\": x509: certificate has expired or is not yet valid\n"},
		{"tls-certificate-expired", "The certificate expired on May 30, 2017 at 7:51 PM. Error code: "
					    "SEC_ERROR_EXPIRED_CERTIFICATE\n"},
		{"cloudflare-origin-tls", "SSL handshake failed Error code 525\nVisit cloudflare.com for more information.\n"},
		{"cloudflare-origin-tls", "<p data-translate=\"origin_ssl_bad_handshake\">CloudFlare is unable to establish an SSL "
					  "connection to the origin server.</p>\n"},
		{"cloudflare-origin-unreachable", "{\"error\":\"Error: 522 {\\\"title\\\":\\\"Error 522: Connection timed out\\\","
						  "\\\"status\\\":522}\"}\n"},
		{"traefik-k8s-service-not-found", "time=\"2020-11-24T09:29:47Z\" level=error msg=\"Error while building "
						  "TraefikService: kubernetes service not found: kube-system/s2\" "
						  "providerName=kubernetescrd serviceName=mirror2\n"},
		{"traefik-k8s-service-not-found", "time=\"2021-03-19T07:37:23Z\" level=error msg=\"Cannot create service: cannot "
						  "define a port\" providerName=kubernetes serviceName=proxy-service "
						  "servicePort=http namespace=mvtest\n"},
		{"service-port-name-required", "Failed to create Service for template 'yourkit': Service \"zakaria-test-yourkit\" "
					       "is invalid: [spec.ports[0].name: Required value, spec.ports[1].name: Required "
					       "value]\n"},
		{"networkpolicy-drops", "-> hubble-relay pod :4245  POLICY_DENIED\n"},
		{"acme-caa-forbids", "Error accepting authorization: acme: authorization error for whoami.sub.example.com: 400 "
				     "urn:ietf:params:acme:error:dns: DNS problem: SERVFAIL looking up CAA for example.com - the "
				     "domain's nameservers may be malfunctioning\n"},
		{"acme-caa-forbids", "\"problem\": {\"type\": \"urn:ietf:params:acme:error:caa\", \"detail\": \"CAA record for "
				     "[acme-dns.example.com] prevents issuance\"}\n"},
		{"tls-client-untrusted", "erp.example.com uses an invalid security certificate. Error code: "
					 "SEC_ERROR_UNKNOWN_ISSUER\n"},
		{"proxy-bind-privileged-port", "time=\"2017-10-09T13:04:54Z\" level=error msg=\"Error creating server: listen "
					       "tcp :443: bind: permission denied\"\n"},
		{"nginx-resolver-unusable", "2017/11/14 10:25:24 [error] 163#163: *54 no resolver defined to resolve my-service, "
					    "client: 10.255.0.2, server: my-service.company.tld, request: \"GET / HTTP/1.1\"\n"},
		{"host-port-in-use", "Error response from daemon: failed to set up container networking: driver failed "
				     "programming external connectivity on endpoint traefik-dashboard-frontend (d03220ea0057): "
				     "Bind for 0.0.0.0:3000 failed: port is already allocated\n"},
		{"host-port-in-use", "nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address in use)\n"},
		{"host-port-in-use", "Error response from daemon: failed to set up container networking: driver failed "
				     "programming external connectivity on endpoint rocketchat-traefik-1 (e381b2d67e88): failed to "
				     "bind host port 0.0.0.0:80/tcp: address already in use\n"},
		{"ingress-fake-certificate", "W1104 16:56:04.503448       7 controller.go:1270] Error getting SSL certificate "
					     "\"prod/grafana-tls\": local SSL certificate prod/grafana-tls was not found. Using "
					     "default certificate\n"},
		{"ingress-service-missing", "W0109 20:31:05.799389   11266 controller.go:754] Error obtaining Service "
					    "\"example/http-svc-canary\": no object matching key \"example/http-svc-canary\" in local "
					    "store\n"},
		{"tls-protocol-version", " [-] mail.example.com  Failed: [('SSL routines', 'ssl_choose_client_version', "
					 "'unsupported protocol')]\n"},
		{"tls-protocol-version", "curl: (35) error:1409442E:SSL routines:ssl3_read_bytes:tlsv1 alert protocol version\n"},
		{"cert-dns01-zone-not-found", "Warning   PresentError   challenge/tls-mytest-9w7g6-3173284640-619540661   Error "
					      "presenting challenge: No matching GoogleCloud domain found for domain xyz.\n"},
		{"cert-dns01-zone-not-found", "bp.example.xyz: obtaining certificate: presenting for challenge: could not determine "
					      "zone for domain \"_acme-challenge.bp.example.xyz\": could not find the start of "
					      "authority for _acme-challenge.bp.example.xyz.: NOERROR\n"},
		{"ingress-bad-gateway", "<html>\n<head><title>503 Service Temporarily Unavailable</title></head>\n"},
		/* b16a: PostgreSQL's upgrade, shared memory, replication and TLS families in their other versions' words */
		{"pg-upgrade-checksums-mismatch", "Checking cluster versions                                     ok\n"
						  "old cluster does not use data checksums but the new one does\nFailure, exiting\n"},
		{"pg-upgrade-locale-mismatch", "encodings for database \"template1\" do not match:  old \"UTF8\", new "
					       "\"SQL_ASCII\"\nFailure, exiting\n"},
		{"pg-upgrade-missing-libraries", "could not load library \"$libdir/dblink\": ERROR:  could not access file "
						 "\"$libdir/dblink\": No such file or directory\n"},
		{"pg-logical-wal-level", "ERROR:  logical decoding on standby requires \"wal_level\" >= \"logical\" on the "
					 "primary\n"},
		{"pg-logical-wal-level", "RuntimeError: Enable logical decoding by setting wal_level=logical\n"},
		{"pg-ssl-key-permissions", "waiting for server to start....2020-10-27 11:37:28.737 GMT [46] FATAL:  could not load "
					   "private key file \"/var/run/secrets/pg/certs/tls.key\": Permission denied\n"},
		{"pg-hugepages-bus-error", "2022-04-05 12:06:05.719 GMT [1] LOG:  server process (PID 229) was terminated by signal "
					   "7: Bus error\n"},
		{"pg-shared-memory-too-large", "2013-08-23 13:00:27 UTC FATAL:  could not create shared memory segment: Invalid "
					       "argument\n"},
		{"pg-data-corrupt", "pq: could not read block 12288 in file \"base/16385/16944\": read only 0 of 8192 bytes\n"},
		{"pg-data-corrupt", "2020-10-11 18:14:47.199 UTC [16901] FATAL:  unexpected data beyond EOF in block 76469 of "
				    "relation base/18516/22231\n"},
		{"pg-data-corrupt", "index_placex: UPDATE failed: ERROR:  unexpected chunk number 0 (expected 1) for toast value "
				    "11918252 in pg_toast_2187265\n"},
		{"pg-archive-failing", "ERROR: [082]: WAL segment 0000002600003D1800000055 was not archived before the 1800000ms "
				       "timeout\n       HINT: check the archive_command to ensure that all options are correct\n"},
		{"pg-run-as-root", "Initialising PostgreSQL 17 data directory\ninitdb: error: cannot be run as root\n"},
		{"pg-invalid-byte-sequence", "2021-04-29 15:11:20.085 GMT [3272] ERROR:  invalid byte sequence for encoding "
					     "\"UTF8\": 0x00\n"},
		{"pg-data-dir-not-initialised", "postgres | postgres: could not access the server configuration file "
						"\"/postgres/etc/default.conf\": No such file or directory\n"},
		{"pg-extension-version-behind", "ERROR:  could not access file \"$libdir/timescaledb-2.9.3\": No such file or "
						"directory\n"},
		{"pg-backend-crashed", "2019-01-18 00:07:00 UTC::@:[4340]:LOG:  worker process: pg_cron scheduler (PID 6153) was "
				       "terminated by signal 11: Segmentation fault\n"},
		{"pg-archive-failing", "{\"level\":\"info\",\"logger\":\"barman-cloud-check-wal-archive\",\"msg\":\"2023-08-29 "
				       "07:10:28,043 [24892] ERROR: Barman cloud WAL archive check exception: An error occurred (403) "
				       "when calling the HeadBucket operation: Forbidden\",\"pipe\":\"stderr\"}\n"},
		{"pg-upgrade-old-cluster-unclean", "There seems to be a postmaster servicing the old cluster.\nPlease shutdown "
						   "that postmaster and try again.\nFailure, exiting\n"},
		/* an abort after a PANIC is the PANIC's cause, not a crash */
		{"pg-disk-full", "PANIC:  could not write to file \"pg_wal/xlogtemp.930\": No space left on device\nLOG:  WAL "
				 "writer process (PID 930) was terminated by signal 6: Aborted\n"},
		{"pg-temp-file-limit", "ERROR: temporary file size exceeds \"temp_file_limit\" (32768kB)\n"},
		{"pg-temp-file-limit", "asyncpg.exceptions.ConfigurationLimitExceededError: temporary file size exceeds "
				       "temp_file_limit (1021877kB)\n"},
		{"pg-role-nologin", "postgres_1 | 2021-06-04 08:57:00.020 UTC [55] FATAL:  role \"group.readwrite\" is not "
				    "permitted to log in\n"},
		/* t16x: a lock request that waits, in the server's log and in psql's aligned and expanded forms (whose
		 * "column | value" lines are no Compose log prefix) */
		{"pg-ddl-waits-for-lock", "2021-09-25 05:13:21 CDT [30400]: [1-1] user=app,db=app LOG:  process 30400 still "
					  "waiting for AccessExclusiveLock on relation 18777 of database 16475 after 1000.343 ms\n"},
		{"pg-ddl-waits-for-lock", " res_partner | 16415 | 4711 | AccessExclusiveLock | f\n"},
		{"pg-ddl-waits-for-lock", "-[ RECORD 1 ]------+--------------------\nrelation           | res_partner\n"
					  "mode               | AccessExclusiveLock\ngranted            | f\n"},
		/* t16x: a message whose value the person cut (an ellipsis where the pattern wants the value) */
		{"keycloak-issuer-mismatch", "Invalid token issuer. Expected ...\n"},
		{"keycloak-issuer-mismatch", "2024-01-22 10:02:11,305 WARN  [org.keycloak.events] (executor-thread-9) "
					     "Invalid token issuer. Expected \xe2\x80\xa6\n"},
		/* t16x: huge pages the pod may not use, or too few: at initdb in the shell's words, at query time as EFAULT */
		{"pg-hugepages-bus-error", "sh: line 1:   153 Bus error               (core dumped) \"/usr/pgsql-13/bin/postgres\" "
					   "--boot -x0 -F -c max_connections=100 -c shared_buffers=1000 < \"/dev/null\"\n"},
		{"pg-hugepages-bus-error", "2023-09-22 10:11:02.120 UTC [812] ERROR:  could not read block 204 in file "
					   "\"base/16384/16412\": Bad address\n"},
		/* t16x: a host name with an underscore (a Compose name), in the hostname provider and in an LDAP URL */
		{"keycloak-hostname-invalid-underscore", "\tat org.keycloak.quarkus.runtime.hostname.DefaultHostnameProvider."
							 "isHostFromFrontEndUrl(DefaultHostnameProvider.java:165)\n"},
		{"keycloak-hostname-invalid-underscore", "2022-07-21 13:09:35,120 ERROR [org.keycloak.services] (executor-thread-27) "
							 "KC-SERVICES0055: Error when connecting to LDAP: Cannot parse url: "
							 "ldap://openldap_bv/: javax.naming.NamingException: Cannot parse url: "
							 "ldap://openldap_bv/ [Root exception is java.net.MalformedURLException: "
							 "unsupported authority: openldap_bv]\n"},
		/* t16x: a Keycloakify theme built before the running Keycloak, in its generated template's words */
		{"keycloak-theme-template", "\t- Failed at: #if !object[key]??  [in template \"login.ftl\" in function "
					    "\"toJsDeclarationString\" at line 253, column 17]\n"},
		/* the sixth set's cluster side (t16y): each class in other programs' and versions' words */
		{"ingress-tls-secret-invalid", "W1021 08:25:35.964113       6 backend_ssl.go:46] Error obtaining X.509 certificate: "
					       "unexpected error creating SSL Cert: no certificate PEM data found, make sure "
					       "certificate content starts with 'BEGIN CERTIFICATE'\n"},
		{"ingress-tls-secret-invalid", "time=\"2024-03-02T10:00:00Z\" level=error msg=\"Error configuring TLS for ingress "
					       "erp/odoo: tls: failed to find any PEM data in key input\"\n"},
		{"ingress-tls-secret-invalid", "nginx: [emerg] PEM_read_bio_X509_AUX(\"/etc/nginx/secrets/erp-odoo\") failed (SSL: "
					       "error:0906D06C:PEM routines:PEM_read_bio:no start line:Expecting: TRUSTED "
					       "CERTIFICATE)\n"},
		{"ingress-tls-secret-invalid", "W0412 09:14:31.118204       7 backend_ssl.go:47] Error obtaining X.509 certificate: "
					       "unexpected error creating SSL Cert: certificate and private key does not have a "
					       "matching public key: tls: private key does not match public key\n"},
		/* a klog line without its header still says error */
		{"unrecognised-log-error", "reflector.go:153] error syncing widget erp/odoo: frobnication refused\n"},
		{"unrecognised-log-error", "W0124 13:32:33.518743       9 reflector.go:153] error syncing widget erp/odoo: "
					   "frobnication refused\n"},
		{"metrics-server-kubelet-tls", "E0311 09:12:01.000000       1 scraper.go:140] \"Failed to scrape node\" err=\"Get "
					       "\\\"https://10.110.0.4:10250/metrics/resource\\\": tls: failed to verify certificate: "
					       "x509: certificate signed by unknown authority\" node=\"pool-erp-1\"\n"},
		{"image-pull-network", "Error: initializing source docker://quay.io/keycloak/keycloak:26.0: pinging container "
				       "registry quay.io: Get \"https://quay.io/v2/\": dial tcp: lookup quay.io on 10.0.0.2:53: no "
				       "such host\n"},
		{"image-pull-network", "ctr: failed to resolve reference \"registry.example.com/erp/odoo:17\": failed to do "
				       "request: Head \"https://registry.example.com/v2/erp/odoo/manifests/17\": dial tcp "
				       "10.1.2.3:443: i/o timeout\n"},
		{"probe-http-4xx", "10.244.1.1 - - [02/Jun/2024:17:53:58 +0000] \"GET /web/health HTTP/1.1\" 404 207 \"-\" "
				   "\"kube-probe/1.29\"\n"},
		{"probe-http-4xx", "Warning  Unhealthy  2m  kubelet  Readiness probe failed: Get \"http://10.244.1.9:8069/healthz\": "
				   "context deadline exceeded\n127.0.0.1 - - [02/Jun/2024:17:53:58 +0000] \"GET /healthz "
				   "HTTP/1.1\" 404 153 \"-\" \"curl/8.5.0\"\n"},
		{"busybox-nslookup-short-name", "Server:\t\t10.0.0.10\nAddress:\t10.0.0.10:53\n\n** server can't find kubernetes: "
						"NXDOMAIN\n\n*** Can't find kubernetes: No answer\n"},
		{"certificate-not-ready", "NAMESPACE   NAME      READY   SECRET    AGE\nerp         erp-tls   False   erp-tls   3h\n"},
		{"certificate-not-ready", "    Message:               The certificate request has failed to complete and will be "
					  "retried: issuer returned an error\n"},
		{"poststart-hook-failed", "odoo-7d9c5b6f4-x2kqp   0/1     PostStartHookError: command '/bin/sh -c /opt/warm.sh' "
					  "exited with 126: ''   3 (20s ago)   2m\n"},
		{"crashloop", "$ oc status -v\nErrors:\n  * pod/centos-1-dl5dp is crash-looping\n"},
		{"odoo-schema-not-updated", "ERROR openerp.sql_db: Programming error: column ir_ui_view.arch does not exist\n"},
		{"odoo-schema-not-updated", "2019-09-23 14:22:10,651 701 ERROR testDB odoo.sql_db: bad query: b'SELECT "
					    "\"res_lang\".\"id\" FROM \"res_lang\"'\nERROR: column res_lang.week_start does not exist\n"},
		/* sampled threads (tests/data/diagnose/samples/odoo-keycloak.txt): other wordings of known families */
		{"keycloak-proxy-headers", "Refused to frame 'http://new-auth.dev.company.com/' because it violates the "
					   "following Content Security Policy directive: \"frame-src 'self'\".\n"},
		{"keycloak-login-timeout", "22:32:12,019 WARN  [org.keycloak.events] (default task-1) type=LOGIN_ERROR, "
					   "realmId=master, clientId=null, userId=null, ipAddress=10.6.105.167, "
					   "error=expired_code, restart_after_timeout=true\n"},
		{"keycloak-provider-incompatible", "Build step org.keycloak.quarkus.deployment.KeycloakProcessor#"
						   "configureKeycloakSessionFactory threw an exception: java.lang.NoClassDefFoundError: "
						   "org/keycloak/authentication/DisplayTypeAuthenticatorFactory\n"},
		{"odoo-view-field-missing", "Field \"website_hide_price\" does not exist in model \"res.config.settings\"\n"},
		{"odoo-worker-limits", "2024-03-01 10:12:55,301 61 INFO erp odoo.service.server: Worker (61) CPU time limit (600) "
				       "reached.\n"},
		/* a line only a fact matches is still a failure line (facts are never reported) */
		{"unrecognised-log-error", "2026-09-03 13:17:52,169 1 ERROR devel odoo.sql_db: bad query: b'INSERT INTO "
					   "\"ir_ui_view\" (\"active\") VALUES (true)'\n"},
		/* b17c's sample: the cluster's and the edge's wordings users paste */
		{"config-object-missing", "  Warning  Failed  29m  kubelet, ip-10-50-155-108.ec2.internal  Error: secrets "
					  "\"busybox-secret-47\" not found\n"},
		{"cert-challenge-pending", "  Reason:  Waiting for http-01 challenge propagation: wrong status code '403', "
					   "expected '200'\n"},
		{"cert-challenge-pending", "E0814 01:25:31.000000 1 sync.go:190] cert-manager/challenges \"msg\"=\"propagation "
					   "check failed\" \"error\"=\"wrong status code '404', expected '200'\" \"dnsName\"="
					   "\"apache.mydomain.fr\"\n"},
		{"cert-dns01-zone-not-found", "E1007 21:54:11.244949 1 sync.go:282] cert-manager/challenges/finalizer \"msg\"="
					      "\"error cleaning up challenge\" \"error\"=\"GET https://api.digitalocean.com/v2/"
					      "domains/ru/records: 404 (request \\\"1d51\\\") Resource not found\"\n"},
		{"cert-dns01-zone-not-found", "challenges controller: Re-queuing item \"default/polluxisme-2801170174-0\" due to "
					      "error processing: POST https://api.digitalocean.com/v2/domains/_acme-challenge."
					      "polluxis.me/records: 404 The resource you were accessing could not be found.\n"},
		{"do-volume-wrong-droplet", "  Warning  FailedAttachVolume  3s  attachdetach-controller  AttachVolume.Attach "
					    "failed for volume \"pvc-7ff22820\" : rpc error: code = Internal desc = failed to "
					    "publish volume: volume is already attached to a server, please detach it first "
					    "(service_error)\n"},
		{"ingress-upstream-read-timeout", "2024/01/01 10:00:00 [error] 31#31: *1 upstream timed out (110: Connection "
						  "timed out) while reading response header from upstream, client: 10.0.0.1, "
						  "server: odoo.example.com, request: \"POST /web/dataset/call_kw HTTP/1.1\", "
						  "upstream: \"http://10.244.0.5:8069/web/dataset/call_kw\"\n"},
		{"ingress-upstream-read-timeout", "upstream request timeout\n"},
		{"probe-liveness-failed", "Killing container with id docker://70a8:pod \"my-pod-3965_my-namespace(9b28)\" "
					  "container \"my-container\" is unhealthy, it will be killed and re-created.\n"},
		{"cert-challenge-pending", "acme: authorization for identifier example.com is invalid\n"},
		{"init-container-failed", "tls-app-dc7787455-69rhx   0/1       Init:Error   1          6s\n"},
		{"attach-limit", "AttachVolume.Attach failed for volume \"pvc-1f2e\" : rpc error: code = ResourceExhausted "
				 "desc = max number of volumes (8) already attached to instance\n"},
		{"cronjob-forbid-skips-runs", "  Normal  JobAlreadyActive  27s (x7 over 2m56s)  cronjob-controller  Not starting job "
					      "because prior execution is running and concurrency policy is Forbid\n"},
		{"volume-node-affinity", "  Warning  FailedAttachVolume  84s  attachdetach-controller  AttachVolume.Attach failed for "
					 "volume \"pvc-44c2\" : rpc error: code = Internal desc = Could not attach volume "
					 "\"vol-0689\" to node \"i-0a7e\": InvalidVolume.ZoneMismatch: The volume 'vol-0689' is "
					 "not in the same availability zone as instance 'i-0a7e'\n"},
		{"volume-filesystem-mismatch", "mount: /var/lib/kubelet/plugins/kubernetes.io/aws-ebs/mounts/aws/us-east-2a/vol-087b: "
					       "wrong fs type, bad option, bad superblock on /dev/nvme1n1, missing codepage or "
					       "helper program, or other error.\n"},
		{"traefik-docker-port-missing", "time=\"2019-12-08T15:02:01Z\" level=error msg=\"port is missing\" "
						"providerName=docker container=local-whoami-lgo9ik9s4sxqkaw0b38os7fgr\n"},
		{"traefik-docker-port-missing", "level=debug msg=\"Filtering container without port, scrapy_whoami.1: port label "
						"is missing, please use traefik.port as default value or define port label for "
						"all segments ('traefik.<segment_name>.port')\"\n"},
		{"ingress-bad-gateway", "2023/08/11 15:59:08 [error] 7058#7058: *116182913 recv() failed (104: Connection reset by "
					"peer) while reading response header from upstream, client: 10.35.117.157, server: "
					"abc.com, request: \"POST /contokenv2 HTTP/1.1\", upstream: \"http://10.45.61.13:5000/api/v\"\n"},
		{"do-volume-device-missing", "time=\"2018-08-23T09:09:56Z\" level=error msg=\"method failed\" error=\"rpc error: "
					     "code = Internal desc = formatting disk failed: exit status 1 cmd: 'mkfs.ext4 -F "
					     "/dev/disk/by-id/scsi-0DO_Volume_pvc-2f9a' output: \\\"mke2fs 1.43.7 (16-Oct-2017)"
					     "\\\\nThe file /dev/disk/by-id/scsi-0DO_Volume_pvc-2f9a does not exist and no size "
					     "was specified.\\\\n\\\"\" method=/csi.v0.Node/NodeStageVolume\n"},
		/* b17a's sample: PostgreSQL's failures in the words of the poolers and images that relay them */
		{"pg-database-missing", "2015-04-20 19:36:42.886 29835 WARNING server login failed: FATAL database \"erp\" does "
					"not exist\n"},
		{"pg-role-missing", "2022-06-15 07:50:11.679 UTC [16] WARNING server login failed: FATAL role "
				    "\"cnpg_pooler_pgbouncer\" does not exist\n"},
		{"pgbouncer-server-login-failed", "2024-05-02 09:14:07.011 UTC [1] WARNING server login failed: FATAL permission "
						  "denied for database \"erp\"\n"},
		{"pg-locale-missing", "2023-12-17 10:00:01.002 UTC [1] FATAL:  database files are incompatible with operating "
				      "system\nDETAIL:  The database cluster was initialized with LC_COLLATE \"de_DE.utf8\",  which "
				      "is not recognized by setlocale().\n"},
		{"pg-locale-missing", "ERROR:  collation \"sv_SE.UTF-8\" for encoding \"UTF8\" does not exist\n"},
		{"pg-collation-version-mismatch", "2023-02-11 10:00:00.000 UTC [88] WARNING:  database \"erp\" has no actual "
						  "collation version, but a version was recorded\n"},
		{"pg-auth-failed", "2021-02-17 09:12:01.118 UTC [1] WARNING C-0x55b3534cd150: erp/odoo@10.244.1.17:46936 pooler "
				   "error: password authentication failed\n"},
		{"pg-backend-crashed", "2024-01-16 14:53:22.282 UTC [1] LOG:  server process (PID 41) exited with exit code 141\n"
				       "2024-01-16 14:53:22.282 UTC [1] LOG:  terminating any other active server processes\n"},
		{"pgpool-backend-down", "2020-09-25 16:17:06: pid 1: LOG:  failed to connect to PostgreSQL server on "
					"\"pg-0:5432\", getsockopt() detected error \"Connection refused\"\n"},
		{"pg-data-corrupt", "2020-04-17 21:35:03.489 UTC [1822] WARNING:  page verification failed, calculated checksum "
				    "55148 but expected 46248\n2020-04-17 21:35:03.489 UTC [1822] FATAL:  invalid page in block 2423 "
				    "of relation global/5090\n"},
		{"pg-data-corrupt", "time=\"2020-04-03T23:11:21Z\" level=info msg=\"stderr=[WARN: invalid page checksums found in "
				    "file 10.244.1.30:/pgdata/erp/base/16411/16422 at pages 12-14\\n]\"\n"},
		{"pg-data-corrupt", "2022-01-21 08:56:00.560 GMT [1189384] FATAL:  could not access status of transaction 32769\n"
				    "2022-01-21 08:56:00.560 GMT [1189384] DETAIL:  Could not read from file \"pg_xact/0000\" at "
				    "offset 8192: read too few bytes.\n"},
		{"pg-data-permission", "db_1  | ERROR:  could not access status of transaction 0\ndb_1  | DETAIL:  Could not open "
				       "file \"pg_xact/0000\": Permission denied.\n"},
		{"pg-out-of-memory", "2022-07-13 07:32:04.922 CEST [58398]: [49-1] LOG:  could not fork new process for "
				     "connection: Cannot allocate memory\n"},
		{"pg-out-of-memory", "postgres_1  | LOG:  could not fork autovacuum worker process: Cannot allocate memory\n"},
		/* CloudNativePG's Pooler: PgBouncer's line inside "record" as level and msg */
		{"pg-role-missing", "{\"level\":\"info\",\"ts\":1655279411.679227,\"msg\":\"record\",\"pipe\":\"stderr\",\"record\":"
				    "{\"timestamp\":\"2022-06-15 07:50:11.679 UTC\",\"pid\":\"16\",\"level\":\"WARNING\",\"msg\":"
				    "\"server login failed: FATAL role \\\"cnpg_pooler_pgbouncer\\\" does not exist\"}}\n"},
		/* t17y: BusyBox's nslookup that walks the search list; Docker 1.10-1.11's missing command */
		{"busybox-nslookup-short-name", "Server:         10.245.0.10\nAddress:        10.245.0.10:53\n\n** server can't "
						"find db.erp.svc.cluster.local: NXDOMAIN\n\n*** Can't find db.svc.cluster.local: No "
						"answer\n*** Can't find db.cluster.local: No answer\n"},
		{"command-not-found", "docker: Error response from daemon: Container command '/usr/bin/odoo' not found or does "
				      "not exist..\n"},
		{"command-not-found", "Failed to start container with docker id 3c1f0e2a9b7d with error: API error (500): "
				      "Container command not found or does not exist.\n"},
		/* t17y: a plain-HTTP registry in Docker's words; a Helm 2 hook Job left over */
		{"registry-plain-http", "Error response from daemon: Get \"https://10.10.0.5:5000/v2/\": http: server gave HTTP "
					"response to HTTPS client\n"},
		{"registry-plain-http", "$ docker pull 10.10.0.5:5000/erp/odoo:17.0\nhttp: server gave HTTP response to HTTPS "
					"client\n"},
		{"helm-hook-job-left-over", "Error: UPGRADE FAILED: jobs.batch \"erp-db-migrate\" already exists\n"},
		{"helm-hook-job-left-over", "Error: failed pre-install: warning: Hook pre-install erp/templates/db-init-job.yaml "
					    "failed: jobs.batch \"erp-db-init\" already exists\n"},
		{"helm-hook-job-left-over", "$ helm install --name erp ./charts/erp\nError: jobs.batch \"erp-db-init\" already "
					    "exists\n"},
		/* the seventh set's tuning half: an https page's blocked http:// request names no app unless its path does */
		{"mixed-content-https-proxy", "Blocked loading mixed active content \u201chttp://erp.example.com/\u201d\n"},
		{"keycloak-proxy-headers", "Mixed Content: The page at 'https://sso.example.com/realms/erp/account/' was loaded "
					   "over HTTPS, but requested an insecure script 'http://sso.example.com/js/keycloak.js'.\n"},
		{"keycloak-provider-incompatible", "Caused by: java.lang.NoClassDefFoundError: javax/servlet/http/HttpServletRequest\n"},
		{"keycloak-provider-incompatible", "Caused by: java.lang.ClassNotFoundException: org.jboss.jandex.DotName\n"
						   "\tat io.quarkus.bootstrap.runner.RunnerClassLoader.loadClass("
						   "RunnerClassLoader.java:107)\n"},
		{"keycloak-login-iframe-cross-origin", "Refused to frame 'http://localhost:8180/' because an ancestor violates the "
						       "following Content Security Policy directive: \"frame-ancestors 'self'\".\n"},
		{"temp-dir-not-writable", "IOError: [Errno 2] No usable temporary directory found in ['/tmp', '/var/tmp', "
					  "'/usr/tmp', '/']\n"},
		{"keycloak-db-schema-not-applied", "2022-02-15 19:54:42,556 ERROR [org.keycloak.quarkus.runtime.cli."
						   "ExecutionExceptionHandler] (main) ERROR: ERROR: relation \"migration_model\" "
						   "does not exist\n"},
		{"odoo-port-in-use", "root@odoo-7d9f6c5b4-x2kqp:/# odoo -c /etc/odoo/odoo.conf -u sale -d erp\n"
				     "2021-04-06 10:12:01,004 1 ERROR erp odoo.http: Exception during JSON request handling.\n"
				     "Exception: bus.Bus unavailable\n"},
		{"script-variable-unset", "/usr/local/bin/backup.sh: line 9: PGPASSWORD_FILE: unbound variable\n"},
		{"odoo-port-in-use", "$ kubectl -n erp exec -it deploy/odoo -- odoo -u sale -d erp\n"
				     "Exception: bus.Bus unavailable\n"},
		{"odoo-port-in-use", "$ docker exec -it odoo_web_1 odoo --xmlrpc-port 8070 -u sale -d erp\n"
				     "Exception: bus.Bus unavailable\n"},
		{"unrecognised-script-error", "/entrypoint.sh: line 21: pg_isready: command not found\n"},
		/* Odoo's browser-side module loader, 11-16 (boot.js) and 17+ (module_loader.js) */
		{"odoo-js-modules-not-loaded", "error: Some modules could not be started \nMissing dependencies:    Array [ "
					       "\"website.customizeMenu\" ]\n"},
		{"keycloak-issuer-mismatch", "2023-05-10 09:12:44.101 DEBUG 1 --- [nio-8080-exec-3] o.s.s.oauth2.jwt.JwtClaimValidator"
					     "       : The iss claim is not valid\n"},
		/* after the seventh set's measurement: its held-out misses' wordings of known families */
		{"node-pressure", "W0818 03:35:27.856107    2658 eviction_manager.go:110] Failed to admit pod cadvisor(ce5092e5) - "
				  "node has conditions: %v%!(EXTRA []api.NodeConditionType=[MemoryPressure])\n"},
		{"hpa-no-metrics", "E0504 17:44:42.748706 2168494 memcache.go:287] couldn't get resource list for "
				   "custom.metrics.k8s.io/v1beta1: the server is currently unable to handle the request\n"},
		{"networkpolicy-drops", "curl: (7) Failed to connect to localhost port 32518: Connection refused\n"
					"-A KUBE-POD-FW-TLU4DFCYW4R6VQRF -m comment --comment \"rule to REJECT traffic destined for POD "
					"name:web-67497787-dgq2m namespace: default\" -m mark ! --mark 0x10000/0x10000 -j REJECT "
					"--reject-with icmp-port-unreachable\n"},
		{"odoo-js-modules-not-loaded", "Non loaded modules:      (2) ['web_editor.wysiwyg', 'website.editor']\n"},
		{"odoo-js-modules-not-loaded", "The following modules failed to load because of an error, you may find more "
					       "information in the devtools console: ['@my_module/js/widget']\n"},
		/* branch w18a: PostgreSQL server-side failures in other clients' and tools' words */
		{"pg-role-missing", "Error: pq: role \"postgres\" does not exist\n"},
		{"pg-role-missing", "asyncpg.exceptions.InvalidAuthorizationSpecificationError: role \"postgres\" does not exist\n"},
		{"pg-connection-lost", "Error: Connection terminated unexpectedly\n    at Connection.<anonymous> "
				       "(node_modules/pg/lib/client.js:132:73)\n"},
		{"pg-connection-lost", "asyncpg.exceptions.ConnectionDoesNotExistError: connection was closed in the middle of "
				       "operation\n"},
		{"pg-data-permission", "{\"level\":\"info\",\"ts\":\"2023-12-13T12:15:35Z\",\"logger\":\"initdb\",\"msg\":\"initdb: "
				       "error: could not create directory \\\"/var/lib/postgresql/data/pgdata\\\": Permission "
				       "denied\\n\",\"pipe\":\"stderr\"}\n"},
		{"pg-data-permission", "initdb: could not access directory \"/home/postgres/pgdata/pgroot/data\": Permission denied\n"},
		{"pg-data-permission", "mkdir: can't create directory '/var/lib/postgresql/data/pgdata': Permission denied\n"},
		{"pg-shared-memory-too-large", "FATAL:  could not create shared memory segment: No space left on device\n"
					       "DETAIL:  Failed system call was shmget(key=5432003, size=56, 03600).\n"
					       "HINT:  This error does *not* mean that you have run out of disk space.  It occurs either "
					       "if all available shared memory IDs have been taken\n"},
		{"pg-wal-corrupt", "nominatim                  | 2022-12-20 20:15:13.443 UTC [28] LOG:  invalid resource manager ID in "
				   "primary checkpoint record\n"},
		{"pg-data-dir-in-use", "FATAL:  pre-existing shared memory block (key 5432001, ID 0) is still in use\n"},
		{"pg-password-mismatch", "2020-08-05 02:43:25 EDT postgres 3539  FATAL:  password authentication failed for user "
					 "\"postgres\"\n2020-08-05 02:43:25 EDT postgres 3539  DETAIL:  User \"postgres\" has no "
					 "password assigned.\n"},
		/* beside another failure only the HINT's quoted words (16+) outrank it */
		{"pg-lock-table-full", "failed to store dump file command error: exit status 1, pg_dump: error: query failed: ERROR:  "
				       "out of shared memory\nHINT:  You might need to increase \"max_locks_per_transaction\".\n"
				       "2024-05-02 09:14:07 UTC [311] ERROR:  canceling statement due to statement timeout\n"},
		/* w18b: PostgreSQL clients, connection failures and the pods' runtime in other programs' and versions' words */
		{"db-refused", "(psycopg.OperationalError) connection failed: Connection refused web-1  |Is the server running on "
			       "that host and accepting TCP/IP connections?\n"},
		{"cluster-dns-unavailable", "gaierror: [Errno -3] Try again\n  File \"asyncpg/pool.py\", line 602, in _acquire\n"},
		{"node-oom-kill", "  Warning  SystemOOM                17m                   kubelet, node1  System OOM encountered\n"},
		{"hpa-missing-requests", "  Warning  FailedGetResourceMetric       109s (x2 over 2m4s)  horizontal-pod-autoscaler  failed "
					 "to get CPU utilization: unable to get metrics for resource CPU: no metrics returned from "
					 "resource metrics API\n  Warning  FailedGetResourceMetric       4s (x7 over 94s)     "
					 "horizontal-pod-autoscaler  failed to get CPU utilization: missing request for CPU\n"},
		{"probe-liveness-failed", "\"(combined from similar events): Liveness probe errored: rpc error: code = Unknown desc = "
					  "failed to exec in container: failed to start exec \"951c2753\": OCI runtime exec failed: "
					  "exec failed: unable to start container process: exec: \"/usr/bin/curl -f -s "
					  "http://localhost:54323/processes\": stat /usr/bin/curl -f -s http://localhost:54323/processes: "
					  "no such file or directory: unknown\"\n"},
		{"db-socket", "web-1  | 2025-08-08 12:42:06,352 1 INFO ? odoo: database: default@default:default \n"
			      "web-1  | 2025-08-08 12:42:06,352 1 INFO ? odoo.sql_db: Connection to the database failed \n"
			      "web-1  | Traceback (most recent call last):\n"},
		/* another program's /healthz on 8080 is no Keycloak health endpoint */
		{"probe-connection-refused", "Liveness probe failed: Get \"http://10.0.171.162:8080/healthz\": dial tcp "
					     "10.0.171.162:8080: connect: connection refused\n"},
		{"libpq-library-missing", "ImportError: no pq wrapper available.\nAttempts made:\n- couldn't import psycopg 'c' "
					  "implementation: No module named 'psycopg_c'\n- couldn't import psycopg 'binary' "
					  "implementation: No module named 'psycopg_binary'\n- couldn't import psycopg 'python' "
					  "implementation: libpq library not found\n"},
		{"pgpool-backend-down", "      pgpool_1    | 2017-12-04 14:05:03: pid 62: LOG:  reading status file: 3 th backend is "
					"set to down status\n"},
		{"oom-killed", "Aug 30 06:58:55.050705 ... kernel: oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-"
			       "containerd-ec9ee266.scope,mems_allowed=0-1,oom_memcg=/kubepods.slice/kubepods-burstable.slice,"
			       "task=pt_main_thread,pid=461754,uid=0\n"},
		{"oom-killed", "5193605.506728] Task in /kubepods/pod951f6bc5-c5a5-11ea-8707-80e455f266a2/024952d653ef killed as a "
			       "result of limit of /kubepo\n"},
		{"lb-pending", "ingress-nginx-controller   LoadBalancer   10.21.x.x   <pending>   80:30176/TCP,443:31383/TCP   41m\n"},
		{"db-timeout", "OperationalError: connection timeout expired\n"},
		{"db-timeout", "OperationalError: could not connect to server: Operation timed out\n"},
		{"hpa-no-metrics", "W1113 16:18:41.392771    7082 top_pod.go:266] Metrics not available for pod "
				   "default/nginx-7bfff5fd9f-rbklh, age: 2m20.39276264s\n"},
		/* w18d: Keycloak, Odoo, ingress and ACME entries in other programs' and versions' words */
		{"keycloak-issuer-unreachable", "oauth2-proxy  | [2025/01/01 20:42:43] [main.go:59] ERROR: Failed to initialise "
						"OAuth2 Proxy: error initialising provider: could not create provider data: error "
						"building OIDC ProviderVerifier: could not get verifier builder: error while discovery "
						"OIDC configuration: failed to discover OIDC configuration: unexpected status \"404\": "
						"{\"error\":\"HTTP 404 Not Found\"}\n"},
		{"keycloak-issuer-unreachable", "System.InvalidOperationException: IDX20803: Unable to obtain configuration from: "
						"'System.String'.\n"},
		{"keycloak-build-mismatch", "Build time option: '--health-enabled' not usable with pre-built image and --optimized\n"
					    "Possible solutions: --help-all, --help\n"},
		{"keycloak-proxy-headers", "  \"token-service\": \"http://yourdomain.com/auth/realms/master/protocol/openid-connect\",\n"},
		{"keycloak-proxy-headers", "    <script src=\"http://myhost.io/auth/js/keycloak.js?version=9dhzl\" "
					   "type=\"text/javascript\"></script>\n"},
		{"keycloak-tls-file-missing", "ERROR: /opt/keycloak/keycloak-22.0.0/conf/tls.crt\n"},
		{"keycloak-https-required", "02:26:29,528 WARN  [org.keycloak.events] (default task-42) type=LOGIN_ERROR, "
					    "realmId=master, clientId=null, userId=null, ipAddress=10.0.0.1, error=ssl_required\n"},
		{"keycloak-smtp-failed", "Failed to send email, please try again later.\n"},
		{"acme-account-invalid", "  \"type\": \"urn:ietf:params:acme:error:invalidEmail\",\n  \"detail\": \"Error creating new "
					 "account :: invalid contact domain. Contact emails @example.com are forbidden\",\n"},
		{"acme-account-invalid", "  Warning  ErrVerifyACMEAccount  31s (x3 over 36s)  cert-manager  Failed to verify ACME "
					 "account: Get \"https://acme-staging-v02.api.letsencrypt.org/directory\": dial tcp "
					 "188.142.193.142:443: connect: connection refused\n"},
		{"keycloak-db-url-driver", "2022-08-24 13:47:11,508 ERROR [org.keycloak.quarkus.runtime.cli.ExecutionExceptionHandler] "
					   "(main) ERROR: No suitable driver found for jdbc:postgresql://db:5432/keycloak?ssl=allow\n"},
		{"keycloak-db-url-driver", " - quarkus.datasource.jdbc.driver is set to 'org.postgresql.xa.PGXADataSource' but it is "
					   "build time fixed to 'org.h2.jdbcx.JdbcDataSource'. Did you change the property "
					   "quarkus.datasource.jdbc.driver after building the application?\n"},
		{"keycloak-kid-not-found", "com.nimbusds.jose.proc.BadJOSEException: Signed JWT rejected: Another algorithm expected, "
					   "or no matching key(s) found\n"},
		{"keycloak-kid-not-found", "IDX10501: Signature validation failed. Unable to match 'kid': "
					   "'f70df3b4-ef47-409b-b910-a71879a72fb8',  token:\n"},
		{"keycloak-audience-mismatch", "Microsoft.IdentityModel.Tokens.SecurityTokenInvalidAudienceException: IDX10214: Audience "
					       "validation failed. Audiences: 'master-realm, account'. Did not match: "
					       "validationParameters.ValidAudience: 'lamp-app' or validationParameters.ValidAudiences: "
					       "'lamp-app'.\n"},
		{"keycloak-audience-mismatch", "[nuxt-oidc-auth]  ERROR  [nuxt-oidc-auth]: [keycloak] Token validation failed: "
					       "JWTClaimValidationFailed: missing required \"aud\" claim code: 500\n"},
		{"keycloak-token-clock-skew", "breakfix: id_token used before issued\n"},
		{"password-quote-breaks-image-setup", "keycloak 00:00:02.75 INFO  ==> Loading user's custom files from "
						      "/docker-entrypoint-initdb.d ...\nsed: couldn't open file elcomeTheme>/g: No such "
						      "file or directory\n"},
		{"keycloak-admin-api-forbidden", "403 Client Error: Forbidden for url: https://iam.example.com/admin/realms/erp/users"
						 "?email=someone@example.com\n"},
		{"keycloak-admin-api-forbidden", "Request URL: \nhttps://auth.example.com/auth/admin/realms/erp/roles\nResult:\n"
						 "{error: \"unknown_error\"}\n"},
		{"odoo-list-db-disabled", "ERROR devel odoo.service.db: Database management functions blocked, admin disabled "
					  "database listing\n"},
		{"ingress-proxy-protocol-mismatch", "2018/12/12 10:01:02 [error] 291#291: *21768 broken header: "
						    "\"GET / HTTP/1.1\"\n"},
		{"traefik-cross-namespace", "level=error msg=\"Failed to create middleware keys: middleware "
					    "authelia/authelia-chain-authelia-auth is not in the IngressRoute namespace homebridge\" "
					    "providerName=kubernetescrd ingress=homebridge namespace=homebridge\n"},
		{"keycloak-db-primary-key-required", "     Reason: liquibase.exception.DatabaseException: Multiple primary key defined "
						     "[Failed SQL: (1068) ALTER TABLE keycloak.REALM_SOCIAL_CONFIG ADD PRIMARY KEY "
						     "(REALM_ID, NAME)]\n"},
		{"keycloak-provider-incompatible", "        \"exceptionType\":\"java.lang.NoClassDefFoundError\",\n"
						   "        \"message\":\"javax/ws/rs/client/ClientBuilder\",\n"},
		{"keycloak-proxy-headers", "    \"authServerUrl\": \"https://my.domain.com\",\n    \"authUrl\": \"http://my.domain.com\",\n"},
		{"keycloak-https-required", "WARN 1 --- [nio-8080-exec-1] o.k.adapters.RequestAuthenticator : SSL is required to "
					    "authenticate. Remote address 10.0.0.1 is secure: false, SSL required for: EXTERNAL .\n"},
		{"acme-rate-limit", "E0525 11:15:32.882338       1 setup.go:275] cert-manager/issuers \"msg\"=\"skipping retrying "
				    "account registration as a BadRequest response was returned from the ACME server\" "
				    "\"error\"=\"429 : 429 Too Many Requests\" \"resource_kind\"=\"Issuer\"\n"},
		{"k8s-service-link-env", "Running migrations\nINFO [alembic.runtime.migration] Context impl PostgresqlImpl.\n"
					 "Error: 'tcp' is not a valid port number.\n"},
		{"k8s-service-link-env", "Invalid HTTP port: tcp://172.31.14.133:9000\n"},
		{"k8s-service-link-env", "01:35:50,698 SEVERE [org.postgresql.Driver] (ServerService Thread Pool -- 58) Error in url: "
					 "jdbc:postgresql://postgres:tcp://10.96.241.80:5432/identity\n"},
		{"keycloak-issuer-unreachable", "2023-09-04 09:25:42,987 WARN  [io.qua.oid.run.OidcRecorder] (vert.x-eventloop-thread-1) "
						"OIDC server is not available at the 'http://sso.example.com/auth/realms/apicurio/realms/"
						"apicurio' URL. Please make sure it is correct.\n"},
		{"odoo-wkhtmltopdf-missing", "2024-06-16 22:04:22,585 3452 INFO ? odoo.addons.base.models.ir_actions_report: You need "
					     "Wkhtmltopdf to print a pdf version of the reports.\n"},
		{"keycloak-proxy-headers", "WARN  [org.keycloak.events] (executor-thread-26) type=LOGIN_ERROR, realmId=master, "
					   "clientId=security-admin-console, userId=null, ipAddress=10.0.0.1, error=invalid_redirect_uri, "
					   "redirect_uri=http://auth.example.com/admin/master/console/\n"},
		{"keycloak-tls-file-missing", "2023-01-31 23:34:42,938 ERROR [org.keycloak.quarkus.runtime.cli.ExecutionExceptionHandler] "
					      "(main) ERROR: /etc/certs/cert.p12\n"},
		/* w18d end */
		/* w18e: the edge's failures in other proxies' and clients' words (Envoy, HAProxy, Traefik 1.x, Node.js, Java) */
		{"ingress-bad-gateway", "< server: envoy\nupstream connect error or disconnect/reset before headers. reset reason: "
					"connection failure\n"},
		{"ingress-bad-gateway", "HTTP/2 503\ncontent-length: 57\nno healthy upstream\n"},
		{"ingress-bad-gateway", "{\"response_code\":503,\"response_code_details\":\"no_healthy_upstream\",\"response_flags\":"
					"\"UH\",\"upstream_host\":null}\n"},
		{"ingress-bad-gateway", "fail with a \"503 Service Unavailable. No server is available to handle this request.\"\n"},
		{"ingress-413", "traefik_1  | time=\"2020-07-01T15:22:41Z\" level=error msg=\"vulcand/oxy/buffer: error when reading "
				"request body, err: Maximum size &{0} was reached\"\n"},
		{"ingress-413", "time=\"2018-04-08T10:01:16Z\" level=error msg=\"exceeding the max size 4194304\"\n"},
		{"tls-hostname-mismatch", "ERROR : App : Startup : RequestError: Error: Hostname/IP doesn't match certificate's "
					  "altnames: \"Host: a.chainpoint.org. is not in the cert's altnames: DNS:api.mmm3.com\"\n"},
		{"tls-hostname-mismatch", " Down] Hostname/IP does not match certificate's altnames: Host: someserver.domain.com. is "
					  "not in the cert's altnames: \n"},
		{"tls-hostname-mismatch", "javax.net.ssl.SSLHandshakeException: No subject alternative DNS name matching "
					  "open.feishu.cn found.\n"},
		{"tls-hostname-mismatch", "W0502 21:23:31.247221       6 controller.go:1131] Unexpected error validating SSL "
					  "certificate \"default/test-secret\" for server \"sslexample.foo.com\": x509: certificate is "
					  "not valid for any names, but wanted to match sslexample.foo.com\n"},
		{"tls-hostname-mismatch", "W0810 00:43:18.602120       7 controller.go:1108] ssl certificate example/example-tls-secret "
					  "does not contain a common name for host example.bronze.mydomain.com\n"},
		{"tls-certificate-expired", "Error: certificate has expired\n    at TLSSocket.onConnectSecure (node:_tls_wrap:1530:34)\n"},
		{"tls-certificate-expired", "    at TLSWrap.ssl.onhandshakedone (_tls_wrap.js:473:38) code: 'CERT_HAS_EXPIRED', "
					    "response: undefined }\n"},
		{"cert-challenge-pending", "gv34.ddns.net:Verify error:Fetching http://gv34.ddns.net/.well-known/acme-challenge/"
					   "f7mrRoL3zCEQtqUQioLOG0xZvspbr8YNFuIrKDI2rVg: Timeout during connect (likely firewall "
					   "problem)\n"},
		{"cert-challenge-pending", "I0213 13:18:25.165293       1 http.go:111] could not reach 'http://urlblock.mycompany.com/"
					   ".well-known/acme-challenge/SB18eQcrrNCMpHqOIB3e': failed to GET 'http://urlblock."
					   "mycompany.com/.well-known/acme-challenge/SB18eQcrrNCMpHqOIB3e': Get http://urlblock."
					   "mycompany.com/.well-known/acme-challenge/SB18eQcrrNCMpHqOIB3e: dial tcp 10.254.2.152:80: "
					   "connect: connection timed out\n"},
		{"tls-client-untrusted", "{\"level\":\"error\",\"message\":\"uncaughtException: request to https://onlyoffice-test."
					 "domain.tld/ssologin.ashx?config=saml failed, reason: unable to get local issuer "
					 "certificate\"}\n"},
		{"tls-client-untrusted", "An error occurred during the request Error: unable to get local issuer certificate\n"},
		{"tls-client-untrusted", "  code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'\n"},
		{"ingress-class-missing", "I1122 14:40:25.536144       6 store.go:347] ignoring add for ingress hk-kafka-kafka-bootstrap "
					  "based on annotation kubernetes.io/ingress.class with value\n"},
		/* w18f: Kubernetes image pulls, volumes, scheduling and kubectl in other runtimes' and versions' words */
		{"image-pull-auth", "  Warning  Failed     24m (x4 over 25m)    kubelet            Failed to pull image \"gcr.io/m/"
				    "monolith:1.0.0\": rpc error: code = Unknown desc = failed to pull and unpack image \"gcr.io/m/"
				    "monolith:1.0.0\": failed to resolve reference \"gcr.io/m/monolith:1.0.0\": pulling from host "
				    "gcr.io failed with status code [manifests 1.0.0]: 403 Forbidden\n"},
		{"image-pull-auth", "europe-west1-docker.pkg.dev/foo/ar/python:3.9-slim: failed to authorize: failed to fetch "
				    "anonymous token: unexpected status: 403 Forbidden\n"},
		{"image-pull-auth", "Failed to pull image \"us-docker.pkg.dev/b/b/b:latest\": rpc error: code = Unknown desc = "
				    "Error response from daemon: Get https://us-docker.pkg.dev/v2/b/b/b/manifests/latest: denied: "
				    "Permission \"artifactregistry.repositories.downloadArtifacts\" denied on resource \"projects/b\"\n"},
		{"image-pull-auth", "Failed to pull image \"quay.io/ocm/index:1.0\": rpc error: code = Unknown desc = Error reading "
				    "manifest 1.0 in quay.io/ocm/index: unauthorized: access to the requested resource is not "
				    "authorized\n"},
		{"image-pull-auth", "E0823 03:09:05.926097    1018 remote_image.go:108] PullImage \"1.dkr.ecr.cn-north-1.amazonaws."
				    "com.cn/topic:m\" from image service failed: rpc error: code = Unknown desc = Error response from "
				    "daemon: repository 1.dkr.ecr.cn-north-1.amazonaws.com.cn/topic not found: does not exist or no "
				    "pull access\n"},
		{"image-pull-auth", "level=error msg=\"Not continuing with pull after error: denied: Your authorization token has "
				    "expired. Reauthenticate and try again.\"\n"},
		{"image-pull-auth", "Error response from daemon: error from registry: unauthorized\nunauthorized\n"},
		{"image-pull-auth", "FATA[0000] pulling image failed: rpc error: code = Unknown desc = Error reading manifest latest "
				    "in docker.io/crio/busybox: errors:\ndenied: requested access to the resource is denied\n"},
		{"image-pull-network", "pulling image failed: rpc error: code = Unknown desc = error pinging docker registry "
				       "registry-1.docker.io: Get \"https://registry-1.docker.io/v2/\": proxyconnect tcp: dial tcp: "
				       "lookup http: Temporary failure in name resolution\n"},
		{"image-pull-network", "E1113 07:28:18.745224 2133853 remote_image.go:114] \"PullImage from image service failed\" "
				       "err=\"rpc error: code = Unknown desc = failed to pull and unpack image \\\"docker.io/rancher/"
				       "klipper-lb:v0.3.4\\\": failed to copy: httpReadSeeker: failed open: failed to do request: Get "
				       "\\\"https://production.cloudflare.docker.com/registry-v2/docker/registry/v2/blobs/sha256/62/"
				       "6258/data\\\": dial tcp: lookup production.cloudflare.docker.com: Try again\"\n"},
		{"multi-attach", "Multi-Attach error for volume\"pvc-1\" Volume is already used by pod(s) bootstrap\n"},
		{"mount-failed", "    AttachVolume.Attach failed for volume \"pvc-2d75\" : attach command failed, status: Failure, "
				 "reason: storage creation at DigitalOcean for volume \"403f\" timed out\n"},
		{"kube-api-ca-untrusted", "E0109 17:11:10.338738    3049 memcache.go:265] couldn't get current server API group "
					  "list: Get \"https://caas.example.com/k8s/clusters/c-m-1/api?timeout=32s\": tls: failed to "
					  "verify certificate: x509: certificate signed by unknown authority\n"},
		{"kube-api-ca-untrusted", "Unable to connect to the server: tls: failed to verify certificate: x509: certificate "
					  "signed by unknown authority\n"},
		{"kube-api-ca-untrusted", "E0221 19:23:06.230543    2206 memcache.go:265] couldn't get current server API group "
					  "list: Get \"https://api.crc.testing:6443/api?timeout=32s\": tls: failed to verify certificate: "
					  "x509: certificate is valid for kubernetes, localhost, not api.crc.testing\n"},
		{"kube-api-ca-untrusted", "error: couldn't read version from server:x509: certificate signed by unknown authority\n"},
		{"command-not-found", "Start container heimdall failed: {\"message\":\"OCI runtime create failed: container_linux.go:345: "
				      "starting container process caused \\\"exec: \\\\\\\"/init\\\\\\\": stat /init: no such file or "
				      "directory\\\": unknown\"}.\n"},
		{"pvc-unbound", "Warning  FailedScheduling  1m (x72 over 21m)  default-scheduler  PersistentVolumeClaim is not bound: "
				"\"prometheus-server\" (repeated 5 times)\n"},
		{"pvc-unbound", "\"SchedulerPredicates failed due to PersistentVolumeClaim is not bound: \"nfs-demo\", which is "
				"unexpected\".\n"},
		{"no-default-storageclass", "    NAME           STATUS    VOLUME   CAPACITY   ACCESS MODES   STORAGECLASS   "
					    "VOLUMEATTRIBUTESCLASS   AGE\n"
					    "    data-mysql-0   Pending                                                  <unset>"
					    "                 37m\n"},
		{"storageclass-missing", "    airflow-claim   Pending                                      openmetadata-sc   <unset>"
					 "                 21m\n"},
		/* w18c: Odoo, admission and kubectl families in other versions' and programs' words */
		{"probe-connection-refused", "  Warning  Unhealthy  115s (x3 over 3m25s)   kubelet            Liveness probe failed: "
					     "Get \"http://x.x.x.x.x:8080/actuator/health\": dial tcp  x.x.x.x:8080: connect: "
					     "connection refused\n"},
		{"entrypoint-interpreter-missing", "misp_web  | /usr/bin/env: \u2018bash\\r\u2019: No such file or directory\n"},
		{"entrypoint-interpreter-missing", "/usr/bin/env: 'bash\\r': No such file or directory\n"},
		{"entrypoint-interpreter-missing", "./gateway_service_start.sh: /bin/sh^M: bad interpreter: No such file or "
						   "directory\n"},
		{"entrypoint-interpreter-missing", "env: can't execute 'bash': No such file or directory\n"},
		{"odoo-proxy-mode-off", "Mixed Content: The page at 'https://www.xxx.com/web?#id=3&view_type=form&model=res.company"
					"&action=51' was loaded over HTTPS, but requested an insecure image 'http://www.xxx.com/"
					"backend_theme_v10/static/src/img/material-background.jpg'. This content should also be "
					"served over HTTPS.\n"},
		{"odoo-proxy-mode-off", "Error: redirect_uri_mismatch\n\nThe redirect URI in the request, http://127.0.0.1:8069/"
					"auth_oauth/signin, does not match the ones authorized for the OAuth client.\n"},
		{"odoo-proxy-mode-off", "Request details: redirect_uri=http://myhostnamehere.com/google_gmail/confirm "
					"flowName=GeneralOAuthFlow\n"},
		{"odoo-proxy-mode-off", "https://www.facebook.com/dialog/oauth?response_type=token&redirect_uri=http%3A%2F%2F"
					"www.kartalin.online%2Fauth_oauth%2Fsignin&client_id=292020387996559\n"},
		{"odoo-port-in-use", "Exception in thread openerp.service.httpd:\nTraceback (most recent call last):\n"
				     "error: [Errno 98] Adresse déjà utilisée\n"},
		{"odoo-wkhtmltopdf-broken", " Command Error: /home/ofn/.gem/ruby/2.3.0/gems/wkhtmltopdf-binary-0.12.5/bin/"
					    "wkhtmltopdf_ubuntu_18.04_amd64: error while loading shared libraries: libXrender.so.1: "
					    "cannot open shared object file: No such file or directory\n"},
		{"admission-webhook-unreachable", "Error from server (InternalError): error when creating \"capi-quickstart.yaml\": "
						  "Internal error occurred: failed calling webhook \"default.cluster.cluster.x-k8s.io\": "
						  "Post \"https://capi-webhook-service.capi-system.svc:443/mutate-cluster-x-k8s-io-v1beta1-"
						  "cluster?timeout=10s\": no endpoints available for service \"capi-webhook-service\"\n"},
		{"kube-api-unauthorized", "E0722 11:41:09.420668       1 authentication.go:53] Unable to authenticate the request "
					  "due to an error: [invalid bearer token, oidc: verify token: oidc: token is expired (Token "
					  "Expiry: 2022-07-22 11:40:27 +0000 UTC)]\n"},
		{"resource-quota-exceeded", "  48s\t\t26s\t\t4\t{replicaset-controller }\t\t\tWarning\t\tFailedCreate\tError "
					    "creating: pods \"nginx-2040093540-\" is forbidden: Failed quota: quota: must specify "
					    "cpu,memory\n"},
		{"resource-quota-exceeded", "Error creating: Pod \"nginx-\" is forbidden: cpu quota is 200m, current usage is "
					    "200m, requesting 100m.\n"},
		{"probe-timeout", "E0709 00:32:48.042859    6781 remote_runtime.go:479] \"ExecSync cmd from runtime service "
				  "failed\" err=\"rpc error: code = DeadlineExceeded desc = context deadline exceeded\" "
				  "cmd=[/bin/sh -c test ! -f /etc/probe/not-ready]\n"},
		{"cni-sandbox-failed", "FATA[0000] run pod sandbox: rpc error: code = Unknown desc = failed to create pod network "
				       "sandbox k8s_nginx_default_hdishd83djaidwnduwk28bcsb_1(4338cd100cc1): error adding pod "
				       "default_nginx to CNI network \"k8s-pod-network\": pods \"nginx\" not found\n"},
		{"kube-api-unreachable", "The connection to the server 10.190.67.31:6443 was refused - did you specify the right "
					 "host or port?\n"},
		{"kube-api-unreachable", "E0601 11:38:36.650401  795967 memcache.go:265] couldn't get current server API group "
					 "list: Get https://Master_IP:6443/api?timeout=32s: dial tcp Master_IP:6443: connect: "
					 "connection refused\n"},
		/* after the eighth set's measurement: its known families in the words it showed */
		{"rbac-forbidden", "Error from server (Forbidden): error when creating \"rbac.yaml\": clusterroles.rbac.authorization.k8s.io "
				   "\"servicecatalog\" is forbidden: attempt to grant extra privileges: [...]\n"},
		{"keycloak-jdbc-ping-stale", "[jdbc-ping] SQLIntegrityConstraintViolationException: Duplicate entry\n"},
		{"keycloak-jdbc-ping-stale", "2025-11-14 08:19:39,067 WARN  [org.keycloak.jgroups.protocol.KEYCLOAK_JDBC_PING2] "
					     "(blocking-thread--p3-t2) Failed to fetch the cluster members from the database.: "
					     "java.sql.SQLSyntaxErrorException: Table 'kc.JGROUPS_PING' doesn't exist\n"},
		/* the wording round's structural findings: a message nested below a JSON log's fields (hasura#6999) */
		{"pg-client-no-scram", "{\"type\":\"startup\",\"level\":\"error\",\"detail\":{\"kind\":\"catalog_migrate\","
				       "\"info\":{\"internal\":\"SCRAM authentication requires libpq version 10 or above\\n\","
				       "\"error\":\"connection error\",\"code\":\"postgres-error\"}}}\n"},
		{"pg-prepared-statement-pooler", "ERROR: prepared statement name is already in use (SQLSTATE 08P01)\n"},
		/* tail-k8s: the Kubernetes long tail in the wordings users pasted */
		{"node-pressure", "  Warning  ImageGCFailed         59m                  kubelet  Failed to garbage collect required "
				  "amount of images. Attempted to free 4783028633 bytes, but only found 0 bytes eligible to free.\n"},
		{"image-pull-network", "E0920 10:00:37.381343  208045 remote_image.go:171] \"PullImage from image service failed\" "
				       "err=\"rpc error: code = Unknown desc = failed to pull and unpack image "
				       "\\\"registry.k8s.io/kube-proxy:v1.28.2\\\": failed to resolve reference "
				       "\\\"registry.k8s.io/kube-proxy:v1.28.2\\\": failed to do request: Head "
				       "\\\"https://registry.k8s.io/v2/kube-proxy/manifests/v1.28.2\\\": dial tcp "
				       "34.96.108.209:443: connect: connection timed out\"\n"},
		{"node-not-ready", "2m57s  Warning  FailedScheduling  pod/keeper-577cccc7db-s4r4v  0/1 nodes are available: 1 "
				   "node(s) had untolerated taint {node.kubernetes.io/unreachable: }. preemption: 0/1 nodes are "
				   "available: 1 Preemption is not helpful for scheduling.\n"},
		{"volume-chown-refused", "I'm using Digital Ocean volumes in here and `chown` command of init-container fails due "
					 "to `operation not permitted` error.\n"},
		{"volume-chown-refused", "chown: /vault/logs: Operation not permitted\n"},
		/* the tail-app sample's wordings of known Odoo and Keycloak families */
		{"odoo-python-library-too-new", "    import werkzeug.contrib.fixers\nModuleNotFoundError: No module named "
						"'werkzeug.contrib'\n"},
		{"odoo-module-other-version", "Error while importing module \"handyman\"\n\nmodule \"odoo.models\" has no "
					      "attribute \"Constraint\"\n"},
		{"keycloak-theme-template", "2025-01-13 21:27:41 FTL stack trace (\"~\" means nesting-related):\n"
					    "2025-01-13 21:27:41     - Failed at: ${lang}  [in template \"template.ftl\" in macro "
					    "\"registrationLayout\" at line 6, column 48]\n"},
		/* the edge's long tail, sampled: the wordings of known families that did not match */
		{"cert-challenge-pending", "E0427 07:06:30.343494 1 sync.go:190] cert-manager/challenges \"msg\"=\"propagation "
					   "check failed\" \"error\"=\"failed to perform self check GET request "
					   "'http://domain.tld/.well-known/acme-challenge/BxoPaSKOqSedr3HvG47jQGKNOxFJBTNDTUfoeNnzjEg': "
					   "Get \\\"http:/domain.tld/.well-known/acme-challenge/Bxo\\\": EOF\"\n"},
		{"cert-challenge-pending", "I0501 09:45:14.706320       1 sync.go:173] propagation check failed: presented key () "
					   "did not match expected (Fo3CAWzk0UsEhB0jxlI6jVAiPCjrWWYh2P60AjGdcJ4.7B1mYN3DcVOppBfez4X)\n"},
		{"certificate-not-ready", "sync.go:120] Issuer letsencrypt-staging not ready\n"
					  "controller.go:180] certificates controller: Re-queuing item \"default/passgen-crt\" due to "
					  "error processing: Issuer letsencrypt-staging not ready\n"},
		{"cert-dns01-zone-not-found", "Error presenting challenge: Zone app. not found in CloudFlare for domain "
					      "_acme-challenge.forwardauth.example.app.\n"},
		{"traefik-docker-network", "time=\"2018-12-16T15:00:25Z\" level=debug msg=\"'504 Gateway Timeout' caused by: "
					   "dial tcp 172.24.0.2:80: i/o timeout\"\n"},
		{"ingress-grpc-needs-http2", "2018/06/12 19:27:34 [info] 37#37: *228 client sent invalid request while reading "
					     "client request line, client: 10.2.0.65, server: _, request: \"PRI * HTTP/2.0\"\n"},
		{"cloudflare-origin-unreachable", "Web server is down ( Error code 521)\n"},
		{"nginx-names-hash-too-small", "nginx: [emerg] could not build the server_names_hash, you should increase "
					       "server_names_hash_bucket_size: 32\n"},
		{"nginx-tls-files-unusable", "nginx: [emerg] BIO_new_file(\"/etc/letsencrypt/live/content.town/fullchain.pem\") "
					     "failed (SSL: error:02001002:system library:fopen:No such file or directory:fopen("
					     "'/etc/letsencrypt/live/content.town/fullchain.pem','r') error:2006D080:BIO "
					     "routines:BIO_new_file:no such file)\n"},
		{"nginx-tls-files-unusable", "2016/09/21 09:12:14 [emerg] 1#1: SSL_CTX_use_PrivateKey_file(\"/etc/nginx/tls/key.pem\") "
					     "failed (SSL: error:0B080074:x509 certificate routines:X509_check_private_key:key "
					     "values mismatch)\n"},
		/* nginx's connect timeout to its upstream, not a database's ("server:" is nginx's server block) */
		{"ingress-bad-gateway", "2021/09/20 15:25:23 [error] 31#31: *60043 upstream timed out (110: Connection timed out) "
					"while connecting to upstream, client: 10.244.5.1, server: erp.example.com, request: "
					"\"GET /check HTTP/1.1\", upstream: \"http://10.244.6.15:8080/\", host: \"erp.example.com\"\n"},
		/* tail-pg's sample: other wordings of its families */
		{"pg-data-corrupt", "tenants=# select * from sessions;\nERROR:  invalid page in block 0 of relation "
				    "\"base/16593/17596\"\n"},
		{"pg-restore-newer-dump", "pg_restore: [archiver (db)] could not execute query: ERROR:  unrecognized configuration "
					  "parameter \"idle_in_transaction_session_timeout\"\n    Command was: SET "
					  "idle_in_transaction_session_timeout = 0;\n"},
		{"pg-template-collation", "Message returned: ERROR: new collation (en_US.UTF8) is incompatible with the collation "
					  "of the template database (en_US.UTF-8)\n"},
		{"pg-upgrade-image-lacks-binaries", "postgres_1  | check for \"/usr/lib/postgresql/9.6/bin\" failed: No such file "
						    "or directory\npostgres_1  | Failure, exiting\n"},
		{"pg-extension-version-behind", "ActiveRecord::StatementInvalid: PG::UndefinedFile: ERROR:  could not access file "
						"\"$libdir/postgis-2.4\": No such file or directory\n"},
		/* after the tenth set's measurement: its known families in the words it showed */
		{"pg-sequence-behind", "odoo duplicate key value violates unique constraint ir_model_data_pkey DETAIL: Key (id)=(11063) "
				       "already exists.\n"},
		{"pg-disk-full", "{\"level\":\"info\",\"ts\":\"2024-11-21T22:32:52.273202361Z\",\"msg\":\"Detected low-disk space "
				 "condition, avoid starting the instance\",\"logger\":\"instance-manager\"}\n"},
		{"probe-http-4xx", "$ curl http://demo-datahub-gms:8080/health/check/ready\n<html>\n<head>\n"
				   "<title>Error 401 Unauthorized to perform this action.</title>\n</head>\n"
				   "<body><h2>HTTP ERROR 401 Unauthorized to perform this action.</h2>\n"},
		{"probe-http-4xx", "/ # curl localhost/ready\n<html>\n<head><title>404 Not Found</title></head>\n"},
		{"probe-http-4xx", "$ curl -s http://localhost:8080/health/live\n{\"status\":404,\"error\":\"Not Found\"}\n"},
		{"unrecognised-log-error", " * Error deleting droplet: DELETE https://api.digitalocean.com/v2/droplets/1: 422 droplet "
					   "is locked\n"},
		{"unrecognised-log-error", "│ Error: creating Kubernetes cluster: POST https://api.digitalocean.com/v2/kubernetes/clusters: "
					   "422 validation error\n"},
		{"ingress-ssl-redirect-loop", "$ curl -sI https://erp.example.com/\nHTTP/1.1 308 Permanent Redirect\n"
					      "Location: https://erp.example.com/\n"},
		{"ingress-ssl-redirect-loop", "$ curl -v https://erp.example.com/web/login\n< HTTP/2 301\n< location: /web/login\n"},
		{"unrecognised-failure-phrase", "$ curl -s -o /dev/null -w '%{http_code}\\n' http://10.0.0.5:30080/shop/\n404\n"},
		{"unrecognised-failure-phrase", "GET /auth/resources/x/login/keycloak.v2/css/styles.css  -> 200\n"
						"GET /resources/x/login/keycloak.v2/css/styles.css       -> 404\n"},
		/* after the eleventh set's measurement: its known families in the words it showed */
		{"keycloak-logout-id-token-hint", "# Keycloak 18.0.0: \"Log out\" in the new Admin Console; the logout endpoint "
						  "answers:\nInvalid parameter: redirect_uri\n"},
		{"keycloak-redirect-uri-mismatch", "We are sorry...\nInvalid parameter: redirect_uri\n"},
		{"pg-extension-wrong-name", "Could not open extension control file \"/usr/share/postgresql/17/extension/"
					    "vectorchord.control\": No such file or directory.\n"},
		{"keycloak-jvm-heap-from-node", "OpenJDK 64-Bit Server VM warning: INFO: os::commit_memory(0x000000054b800000, "
						"8304721920, 0) failed; error='Not enough space' (errno=12)\n"},
		{"probe-connection-refused", "Liveness/Readiness probes are failing with getsockopt: connection refused\n"},
		{"cert-dns01-zone-not-found", "  Reason:      Failed to determine Route 53 hosted zone ID: Zone example.com. not "
					      "found in Route 53 for domain _acme-challenge.erp.example.com.\n"},
		{"cert-issuer-missing", "\"error\"=\"admission webhook \\\"webhook.cert-manager.io\\\" denied the request: "
					"spec.issuerRef: Forbidden: referenced signer resource does not exist: {pca-issuer "
					"AWSPCAClusterIssuer awspca.cert-manager.io/v1beta1}\"\n"},
		{"service-no-endpoints", "W0101 10:00:00.000000       7 controller.go:1044] Service \"erp/odoo\" does not have any "
					 "active Endpoint.\n"},
		{"pg-scram-md5", "environment: POSTGRES_HOST_AUTH_METHOD=scram-sha-256\npsql: error: could not connect to server: "
				 "FATAL:  password authentication failed for user \"odoo\"\n"},
		{"unrecognised-failure-phrase", "Ingress creating fails with \"context deadline exceeded\"\n"},
		{"keycloak-no-admin", "To create the administrative user open http://localhost:8080/, or set the environment "
				      "variables KC_BOOTSTRAP_ADMIN_USERNAME and KC_BOOTSTRAP_ADMIN_PASSWORD when starting the server.\n"},
		/* a message retold without the value it printed, its first word capitalised */
		{"pg-ssl-key-permissions", "Postgres won't start: Private key file has group or world access\n"},
		{"pg-wal-segment-removed", "replica stuck: requested WAL segment has already been removed\n"},
		/* the thirteenth set's known families in their words */
		{"pg-shm-too-small", "2024-03-02 10:00:01.120 UTC [8812] ERROR:  could not resize shared memory segment "
				     "\"/PostgreSQL.2211909\" to 67108864 bytes\n"},
		{"service-no-endpoints", "2023-06-07T16:01:37Z ERR Cannot create service error=\"subset not found\" ingress=odoo "
					 "namespace=erp providerName=kubernetes serviceName=odoo servicePort=8069\n"},
		{"keycloak-ssl-required-external", "Opening http://203.0.113.40:8080/admin/ in the browser gives:\nHTTPS required\n"},
		{"odoo-smtp-failed", "('Falha na entrega', \"SMTPRecipientsRefused: {'cliente@example.com': (550, b'5.1.1 User "
				     "unknown')}\")\n"},
		/* the thirteenth set's silences */
		{"pod-not-ready", "NAME                            READY   STATUS    RESTARTS   AGE\n"
				  "report-1549872000-7hrx7         1/2     Running   0          34m\n"},
		{"claim-provisioning-retried", "Events:\n  Type    Reason        Age               From                        Message\n"
					       "  ----    ------        ----              ----                        -------\n"
					       "  Normal  Provisioning  5s (x6 over 36s)  dobs.csi.digitalocean.com_x  External "
					       "provisioner is provisioning volume for claim \"erp/filestore\"\n"},
		{"unrecognised-failure-phrase", "after the upgrade the admin console shows: internal server error\n"},
		/* the twelfth set's classes */
		{"cert-dns01-nameserver-unreachable", "E0301 09:12:44.101 1 sync.go:186] cert-manager/challenges \"msg\"=\"propagation "
						      "check failed\" \"error\"=\"dial udp 198.51.100.7:53: i/o timeout\" "
						      "\"dnsName\"=\"erp.example.com\" \"type\"=\"DNS-01\"\n"},
		{"keycloak-db-vendor-invalid", "ERROR: Failed to run 'build' command.\nERROR: java.util.NoSuchElementException: No value "
					       "present\nERROR: No value present\n"},
		{"keycloak-db-vendor-invalid", "Invalid value for option '--db': postgresql. Expected values are: dev-file, dev-mem, "
					       "mariadb, mssql, mysql, oracle, postgres\n"},
		/* Keycloak 17+ asked under /auth: curl -i's status line, or only the JSON body a plain curl prints */
		{"keycloak-auth-path-removed", "$ curl -i https://auth.example.com/auth/admin/realms/erp/users\nHTTP/2 404\n"
					       "content-type: application/json\n\n{\"error\":\"HTTP 404 Not Found\"}\n"},
		{"keycloak-auth-path-removed", "$ curl -s http://keycloak:8080/auth/realms/erp/.well-known/openid-configuration\n"
					       "{ \"error\": \"HTTP 404 Not Found\" }\n"},
		/* Odoo's outgoing mail server test, as its dialog says it and as people retell it */
		{"odoo-smtp-failed", "Connection Test Failed! Here is what we got instead:\n 101\nNetwork is unreachable\n"},
		{"odoo-smtp-failed", "Settings > Technical > Outgoing Mail Servers > Test Connection:\n"
				     "Invalid Operation - 111 Connection refused\n"},
		/* issue 16's new families (kb_families.inc), in the wordings of other versions and images */
		{"image-build-not-root", "Step 3 : RUN apt-get -y install curl\nE: Could not open lock file /var/lib/dpkg/lock - open "
					 "(13: Permission denied)\nE: Unable to lock the administration directory (/var/lib/dpkg/), are you "
					 "root?\n"},
		{"image-build-not-root", "Reading package lists...\nE: Could not open lock file /var/lib/apt/lists/lock - open (13: "
					 "Permission denied)\nE: Unable to lock directory /var/lib/apt/lists/\n"},
		{"keycloak-theme-parent-removed", "aim_keycloak | 2023-08-01 14:25:52,338 WARN  [org.keycloak.theme.DefaultThemeManager] "
						  "(executor-thread-10) Not found parent theme 'keycloak' of theme 'keycloakify-starter'. "
						  "Unable to load ACCOUNT theme 'keycloakify-starter' due to this.\n"},
		{"odoo-module-data-duplicate-key", "  File \"/usr/local/src/odoo-source/odoo/modules/loading.py\", line 94, in "
						   "_load_data\n    tools.convert_file(cr, module_name, filename, idref, mode, noupdate, "
						   "kind, report)\npsycopg2.IntegrityError: duplicate key value violates unique "
						   "constraint \"res_groups_name_uniq\"\n"},
		{"keycloak-value-too-long", "\tat org.keycloak.models.jpa.RealmAdapter.addComponentModel(RealmAdapter.java:1980)\n"
					    "Caused by: org.postgresql.util.PSQLException: ERROR: value too long for type "
					    "character varying(4000)\n"},
		{"keycloak-value-too-long", "2023-02-22 11:27:16,457 ERROR [org.hibernate.engine.jdbc.spi.SqlExceptionHelper] "
					    "(executor-thread-521) Data truncation: Data too long for column 'DETAILS_JSON' at row 1\n"
					    "\tat org.keycloak.events.jpa.JpaEventStoreProvider.onEvent(JpaEventStoreProvider.java:78)\n"},
		{"keycloak-value-too-long", "19:24:57,007 ERROR [org.hibernate.engine.jdbc.spi.SqlExceptionHelper] (default task-1) "
					    "Value too long for column \"VALUE NVARCHAR(255)\": \"'[test1]... (285)\"; SQL statement:\n"
					    "insert into REALM_ATTRIBUTE (VALUE, NAME, REALM_ID) values (?, ?, ?) [22001-193]\n"},
		{"mount-destination-root", "ERROR: for caddy  Cannot create container for service caddy: invalid volume "
					   "specification: '3b79df07a8aa:/:rw': invalid mount config for type \"volume\": invalid "
					   "specification: destination can't be '/'\n"},
		{"odoo-unique-duplicates", "psycopg2.IntegrityError: could not create unique index \"ir_model_fields_name_unique\"\n"
					   "DETAIL:  Key (model, name)=(res.partner, property_delivery_carrier_id) is duplicated.\n"},
		{"pg-client-reaches-other-server", "docker run --name postgres8_docker -e POSTGRES_PASSWORD=postgres_password -p 5432 "
						   "-d postgres\nError: Error connecting to the server: FATAL:  password "
						   "authentication failed for user \"postgres\"\n"},
		{"pg-client-reaches-other-server", "./run-postgis-docker.sh -v tst -n postgis1\nsudo docker run --name \"postgis\" -d "
						   "-t kartoza/postgis\npsql: FATAL:  password authentication failed for user "
						   "\"culebron\"\n"},
		{"odoo-cron-registry-race", "Apr 16 07:15:51 ip-172-31-47-107 web: File \"/var/app/current/odoo/service/server.py\", "
					    "line 473, in cron_thread\nApr 16 07:15:51 ip-172-31-47-107 web: for db_name, registry in "
					    "registries.d.items():\nApr 16 07:15:51 ip-172-31-47-107 web: RuntimeError: OrderedDict "
					    "mutated during iteration\n"},
		{"image-build-not-root", "$ docker build -t bitnami/odoo:latest .\n6/21 /bin/bash: line 1: /usr/sbin/install_packages: "
					 "Permission denied\n"},
		/* branch cata: wordings the products' own source prints (csi-digitalocean, Traefik, lego, cert-manager) */
		{"block-storage-rwx", "  Warning  ProvisioningFailed  3m5s (x10 over 11m)  dobs.csi.digitalocean.com_csi-do-controller-0_13afcc46  "
				      "failed to provision volume with StorageClass \"do-block-storage\": rpc error: code = "
				      "InvalidArgument desc = volume capabilities cannot be satisified: unsupported access mode "
				      "MULTI_NODE_MULTI_WRITER\n"},
		{"traefik-entrypoint-missing", cata_entrypoint_v2},
		{"cert-dns01-zone-not-found", "time=\"2022-04-22T11:12:59Z\" level=error msg=\"Unable to obtain ACME certificate for "
					      "domains \\\"pihole.lab.example.au\\\": unable to generate a certificate for the domains "
					      "[pihole.lab.example.au]: error: one or more domains had a problem:\\n[pihole.lab.example.au] "
					      "[pihole.lab.example.au] acme: error presenting token: cloudflare: failed to find zone "
					      "lab.example.au.: zone could not be found\\n\" providerName=letsencrypt.acme\n"},
		{"certificate-not-ready", "  Normal  IssuerNotReady  2m    cert-manager-certificaterequests-issuer-acme  Referenced "
					  "issuer does not have a Ready status condition\n"},
		{"cert-challenge-pending", "E0714 17:30:16.123456       1 sync.go:190] cert-manager/challenges \"msg\"=\"propagation "
					   "check failed\" \"error\"=\"did not get expected response when querying endpoint, expected "
					   "\\\"TKspp86x.f4bpp\\\" but got: Hello, world!\" \"dnsName\"=\"www.example.net\"\n"},
		/* branch cata: ingress-nginx's controller and admission webhook, in the words of its source */
		{"ingress-fake-certificate", "W0805 09:17:39.123456       7 controller.go:1234] Error getting SSL certificate "
					     "\"argocd/prod-cert-tls\": local SSL certificate argocd/prod-cert-tls was not found\n"},
		{"ingress-fake-certificate", "W0805 09:17:39.123456       7 controller.go:1234] Error getting SSL certificate "
					     "\"tg/ingress-secret\": local SSL certificate \"tg/ingress-secret\" is invalid: x509: "
					     "certificate is not valid for any names, but wanted to match \"test.example.dev\"\n"},
		{"ingress-fake-certificate", "W0805 09:17:39.123456       7 controller.go:1150] SSL certificate \"erp/odoo-tls\" does "
					     "not contain a valid SSL certificate for server \"erp.example.com\"\n"},
		{"ingress-tls-secret-invalid", "W0301 10:00:00.000000       7 backend_ssl.go:47] Error obtaining X.509 certificate: "
					       "secret \"erp/odoo-tls\" contains no keypair or CA certificate\n"},
		{"ingress-tls-secret-invalid", "W0301 10:00:00.000000       7 backend_ssl.go:47] Error obtaining X.509 certificate: "
					       "key 'tls.key' missing from Secret \"erp/odoo-tls\"\n"},
		{"ingress-snippets-disabled", "Error: admission webhook \"validate.nginx.ingress.kubernetes.io\" denied the request: \n"
					      "nginx.ingress.kubernetes.io/configuration-snippet annotation cannot be used\n"},
		{"traefik-acme-storage-unwritable", "time=\"2024-04-27T09:40:02Z\" level=error msg=\"The ACME resolver \\\"le\\\" is "
						    "skipped from the resolvers list because: unable to get ACME account: open "
						    "/data/acme.json: permission denied\"\n"},
		{"traefik-acme-storage-unwritable", "ERR The ACME resolve is skipped from the resolvers list\n    error=\"unable to get "
						    "ACME account: open /letsencrypt/acme.json: permission denied\"\n"},
		/* catb: Keycloak's and Odoo's wordings read in their own source */
		{"keycloak-db-vendor-invalid", "ERROR: Invalid database vendor [postgresql]. Possible values are: dev-file, dev-mem, "
					       "mariadb, mssql, mysql, oracle, postgres.\n"},
		{"keycloak-build-mismatch", "ERROR: You can not 'start' the server in development mode. Please re-build the server "
					    "first, using 'kc.sh build' for the default production mode.\n"},
		{"keycloak-proxy-headers", "2025-01-10 09:00:00,000 WARN  [org.keycloak.quarkus.runtime.cli.Picocli] (main) Likely "
					   "misconfiguration detected. When using an edge proxy, you must use `proxy-headers`.\n"},
		{"keycloak-proxy-headers", "WARN  [org.keycloak.quarkus.runtime.cli.Picocli] (main) With HTTPS not enabled, "
					   "`proxy-headers` unset, and `hostname-strict=false`, the server is running in an insecure "
					   "context.\n"},
		{"keycloak-tls-file-missing", "ERROR: Failed to load 'https-*' material: NoSuchFileException /opt/keycloak/conf/tls.crt\n"},
		{"keycloak-keystore-type-mismatch", "ERROR: Unable to determine 'https-key-store-type' automatically. Adjust the file "
						    "extension or specify the property.\n"},
		{"keycloak-unknown-option", "Option: '--optimized start' is not expected to contain whitespace, please remove any "
					    "unnecessary quoting/escaping\n"},
		{"keycloak-unknown-option", "Option: '--import-realm' not valid for command build\n"},
		{"keycloak-unknown-option", "Run time option: '--hostname' not usable with build\n"},
		{"keycloak-unknown-option", "Option '--hostname' (hostname|URL) expects a single value.\n"},
		{"odoo-worker-limits", "2024-03-01 10:00:00,123 7 WARNING ? odoo.service.server: LongPolling virtual memory limit "
				       "reached: 2684354560\n"},
		{"odoo-worker-limits", "2024-03-01 10:00:00,123 7 WARNING ? odoo.service.server: Gevent virtual memory limit reached: "
				       "2684354560\n"},
		{"odoo-module-missing", "2024-03-01 10:00:00,123 7 ERROR ? odoo.service.server: Failed to load server-wide module "
					"`queue_job`.\n"},
		{"odoo-websocket", "2024-03-01 10:00:00,123 7 ERROR erp odoo.addons.bus.websocket: 400 Bad Request: Invalid connection "
				   "header\n"},
		{"odoo-connection-pool-full", "psycopg2.pool.PoolError: Failed to acquire cursor after 10 retries\n"},
		{"keycloak-cookie-not-found", "Restart login cookie not found. It may have expired; it may have been deleted or cookies "
					      "are disabled in your browser.\n"},
		{"odoo-module-missing", "2024-03-01 10:00:00,123 7 WARNING erp odoo.modules.loading: invalid module names, ignored: "
					"sale_custom\n"},
	};
	struct dx_run run;
	struct diags d;

	/* the table's size, not a terminator, ends it: a terminator left in its
	 * middle once kept every case after it from running */
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		expect_top(cases[i].id, cases[i].text);
	for (size_t i = 0; i < sizeof cata_similar_before / sizeof cata_similar_before[0]; i++) {
		diagnose_text(&run, &d, "c", cata_similar_before[i]);
		CHECK(run.ndiagnoses > 0 && run.diagnoses[0].kind == DXK_CAUSE);
		done(&run, &d);
	}
	/* a provisioner at work on the claim proves its StorageClass exists */
	diagnose_text(&run, &d, "p",
		      "data-postgres-0   Pending                                      do-block-storage   5m\n"
		      "Normal  Provisioning  1m  dobs.csi.digitalocean.com  External provisioner is provisioning volume for "
		      "claim \"erp/data-postgres-0\"\n");
	CHECK_STR(top_id(&run), "storageclass-missing");
	CHECK(run.ndiagnoses && run.diagnoses[0].ruled_out != NULL);
	done(&run, &d);
	/* a 404 on Keycloak's paths without /auth, or a body after a 200 status, is no /auth client */
	diagnose_text(&run, &d, "k", "$ curl http://keycloak:8080/realms/erp/health\n{\"error\":\"HTTP 404 Not Found\"}\n"
				     "$ curl -i http://keycloak:8080/auth/realms/erp\nHTTP/1.1 200 OK\n\n{\"error\":\"HTTP 404 Not Found\"}\n");
	CHECK(!has(&run, "keycloak-auth-path-removed"));
	done(&run, &d);
	/* Odoo's Invalid Operation dialog about anything but a connection is no mail server's */
	diagnose_text(&run, &d, "m", "Invalid Operation - You cannot delete an entry which has been posted once.\n");
	CHECK(!has(&run, "odoo-smtp-failed"));
	done(&run, &d);
	/* a redirect from http to https, or to another page, is no loop */
	diagnose_text(&run, &d, "r", "$ curl -sI http://erp.example.com/\nHTTP/1.1 308 Permanent Redirect\n"
				     "Location: https://erp.example.com/\n$ curl -sI https://erp.example.com/\nHTTP/2 303\n"
				     "location: /web/login\n");
	CHECK(!has(&run, "ingress-ssl-redirect-loop"));
	done(&run, &d);
	/* a request without a scheme (curl takes http://) is not the https one asked before it */
	diagnose_text(&run, &d, "s", "$ curl -sI https://erp.example.com/\nHTTP/2 200\n$ curl -sI erp.example.com\n"
				     "HTTP/1.1 308 Permanent Redirect\nLocation: https://erp.example.com/\n");
	CHECK_INT((long long)run.ndiagnoses, 0);
	done(&run, &d);
	/* a curl answered 200, or a status count that is no answer, is no failure */
	diagnose_text(&run, &d, "c", "$ curl -s -o /dev/null -w '%{http_code}\\n' https://erp.example.com/web/login\n200\n"
				     "$ curl -sI https://erp.example.com/\nHTTP/2 200\ncontent-length: 404\n");
	CHECK_INT((long long)run.ndiagnoses, 0);
	done(&run, &d);
	/* a web server's 401 page is no registry refusing a pull */
	diagnose_text(&run, &d, "u", "<title>Error 401 Unauthorized to perform this action.</title>\n");
	CHECK(!has(&run, "image-pull-auth"));
	done(&run, &d);
	/* a 404 page for a page that is not a health path is no probe's */
	diagnose_text(&run, &d, "w", "$ curl https://shop.example.com/cart\n<head><title>404 Not Found</title></head>\n");
	CHECK(!has(&run, "probe-http-4xx"));
	done(&run, &d);
	/* Keycloak's 404 alone says nothing about the port */
	diagnose_text(&run, &d, "k", "{\"error\":\"Unable to find matching target resource method\"}\n");
	CHECK(!has(&run, "keycloak-probe-port"));
	done(&run, &d);
	/* a granted lock, in psql's expanded display, is no wait */
	diagnose_text(&run, &d, "l", "-[ RECORD 1 ]------+--------------------\nmode               | AccessExclusiveLock\n"
				     "granted            | t\n");
	CHECK(!has(&run, "pg-ddl-waits-for-lock"));
	done(&run, &d);
	/* Java's refusal names no address: without pgJDBC's frames it is no database's (w18b: Keycloak's LDAP says it too) */
	diagnose_text(&run, &d, "j", "Caused by: java.net.ConnectException: Connection refused (Connection refused)\n"
				     "        at java.base/java.net.Socket.connect(Socket.java:609)\n"
				     "        at com.sun.jndi.ldap.Connection.createSocket(Connection.java:315)\n");
	CHECK(!has(&run, "db-refused"));
	done(&run, &d);
	/* PostgreSQL's HINT that it is not the disk is no node out of disk (w18a) */
	diagnose_text(&run, &d, "h", "HINT:  This error does *not* mean that you have run out of disk space.\n");
	CHECK_STR(top_id(&run), "pg-shared-memory-too-large");
	CHECK(!has(&run, "node-pressure"));
	done(&run, &d);
	/* a cut value is no value where the pattern tells the values apart (only an /auth/ path is that failure) */
	diagnose_text(&run, &d, "e", "ERROR [org.keycloak] Could not find resource for full path: ...\n");
	CHECK(!has(&run, "keycloak-auth-path-removed"));
	done(&run, &d);
	/* a claim's Status: Pending is no pod's phase; the pod described after it has one */
	diagnose_text(&run, &d, "c",
		      "Name:          data-db-0\nNamespace:     erp\nStorageClass:  do-block-storage\nStatus:        Pending\n"
		      "Volume:\n");
	CHECK(!has(&run, "pod-pending"));
	done(&run, &d);
	diagnose_text(&run, &d, "c",
		      "$ kubectl describe pvc/data-db-0\nStatus:        Pending\n");
	CHECK(!has(&run, "pod-pending"));
	done(&run, &d);
	diagnose_text(&run, &d, "c",
		      "Name:          data-db-0\nStorageClass:  do-block-storage\nStatus:        Pending\n\n"
		      "Name:         db-0\nNamespace:    erp\nStatus:       Pending\n");
	CHECK(has(&run, "pod-pending"));
	done(&run, &d);
	/* an OpenID provider's token endpoint answering 401 is no registry refusing a pull */
	diagnose_text(&run, &d, "o", "ERROR [org.keycloak.broker.oidc.AbstractOAuth2IdentityProvider] Unexpected response from "
				     "token endpoint https://login.example.com/oauth2/token. status=401 Unauthorized\n");
	CHECK(!has(&run, "image-pull-auth"));
	done(&run, &d);
	/* the same Go error in a probe's message, beside a pull, is the probe's */
	diagnose_text(&run, &d, "p",
		      "  Normal   Pulling    2m   kubelet  Pulling image \"quay.io/keycloak/keycloak:26.0\"\n"
		      "  Warning  Unhealthy  10s  kubelet  Liveness probe failed: Get \"https://10.244.1.7:9000/health/live\": "
		      "http: server gave HTTP response to HTTPS client\n");
	CHECK_STR(top_id(&run), "probe-scheme-mismatch");
	done(&run, &d);
	/* a pod seconds old is starting: its init containers and its second container have not had the time */
	diagnose_text(&run, &d, "y", "NAME                    READY   STATUS     RESTARTS   AGE\n"
				     "odoo-7d9f8b7c4-x2x9k    0/1     Init:0/1   0          4s\n"
				     "backup-1549872000-7hrx7 1/2     Running    0          9s\n");
	CHECK_INT((long long)run.ndiagnoses, 0);
	done(&run, &d);
}

/* kubectl's JSON and YAML object forms, alone or pasted after a command
 * among other lines: a pod's phase, its conditions, its containers' states
 * and messages folded over lines are evidence as the table and describe
 * forms are; a healthy pod's are not. */
static void test_object_forms(void)
{
	static const struct {
		const char *id, *text;
	} cases[] = {
		/* a server's JSON answer, pretty-printed: no kubectl object, read as lines (keycloak#36108) */
		{"keycloak-account-not-set-up", "{\n    \"error\": \"invalid_grant\",\n"
						"    \"error_description\": \"Account is not fully set up\"\n}\n"},
		/* a fragment of a pod's status, YAML, pasted after its command */
		{"crashloop", "$ kubectl get pod odoo-0 -o yaml\n...\n  status:\n    phase: Running\n    qosClass: Burstable\n"
			      "    containerStatuses:\n    - name: odoo\n      lastState:\n        terminated:\n"
			      "          exitCode: 1\n          reason: Error\n      ready: false\n      restartCount: 3\n"
			      "      state:\n        waiting:\n          reason: CrashLoopBackOff\n"},
		/* kubectl -o json pasted after its command */
		{"oom-killed", "$ kubectl get pod db-0 -o json\n{\n    \"status\": {\n        \"phase\": \"Running\",\n"
			       "        \"containerStatuses\": [{\"name\": \"db\", \"ready\": false, \"restartCount\": 2,\n"
			       "            \"lastState\": {\"terminated\": {\"reason\": \"OOMKilled\", \"exitCode\": 137}},\n"
			       "            \"state\": {\"running\": {}}}]\n    }\n}\nand then it restarts\n"},
		/* a message YAML folded in the middle of the scheduler's words */
		{"node-pressure", "$ kubectl get pod odoo-0 -o yaml\n  status:\n    conditions:\n    - lastProbeTime: null\n"
				  "      message: '0/1 nodes are available: 1 node(s) had memory\n        pressure.'\n"
				  "      reason: Unschedulable\n      status: \"False\"\n      type: PodScheduled\n"
				  "    phase: Pending\n    qosClass: BestEffort\n"},
		/* only the conditions, pasted from a longer output */
		{"node-pressure", "the pod stays Pending:\n    conditions:\n    - lastProbeTime: null\n"
				  "      message: '0/2 nodes are available: 2 node(s) had pid\n"
				  "        pressure.'\n      reason: Unschedulable\n      status: \"False\"\n"
				  "      type: PodScheduled\n"},
		/* the fourteenth and fifteenth held-out sets' wordings (session 9) */
		{"keycloak-issuer-mismatch", "[main.go:58] ERROR: Failed to initialise OAuth2 Proxy: error while discovery OIDC "
					     "configuration: oidc: issuer did not match the issuer returned by provider, expected "
					     "\"https://sso.example.com:8088/realms/erp\" got \"https://sso.example.com/realms/erp\"\n"},
		{"keycloak-issuer-mismatch", "ClientError: discovered metadata issuer does not match the expected issuer\n"},
		{"keycloak-issuer-mismatch", "OAuthCallbackError: unexpected iss value, expected https://sso.example.com/realms/erp, got: "
					     "http://keycloak:8080/realms/erp\n"},
		{"keycloak-issuer-mismatch", "UnauthorizedError: jwt issuer invalid. expected: https://sso.example.com/realms/erp\n"},
		{"keycloak-issuer-mismatch", "jwt.exceptions.InvalidIssuerError: Invalid issuer\n"},
		{"keycloak-issuer-mismatch", "invalid issuer\n"},
		{"image-pull-auth", "Error response from daemon: unknown: failed to resolve reference \"ghcr.io/erp/odoo:17\": "
				    "unexpected status from HEAD request to https://ghcr.io/v2/erp/odoo/manifests/17: 403 Forbidden\n"},
		{"tls-client-untrusted", "SSL Labs: This server's certificate chain is incomplete. Grade capped to B.\n"},
		{"traefik-resolver-missing", "time=\"2021-01-01T00:00:00Z\" level=warning msg=\"Router odoo@docker uses a non-existent "
					     "certificate resolver: le\"\n"},
		{"traefik-resolver-missing", "2024-05-01T10:00:00Z ERR Router uses a non-existent certificate resolver "
					     "certificateResolver=letsencrypt routerName=odoo@docker\n"},
		{"sched-node-mismatch", "Events:\n0/3 nodes available: 3 node(s) had untolerated taint.\n"},
		{"sched-node-mismatch", "Warning FailedScheduling default-scheduler 0/1 nodes are available:\n1 node(s) didn't match Pod's\n"
					"node affinity/selector.\n"},
		{"job-backoff-limit", "Name:           backup-1551194280\nPods Statuses:  0 Running / 0 Succeeded / 6 Failed\n"},
		{"rbac-forbidden", "Error from server (Forbidden): pods \"odoo-0\" is forbidden:\nUser \"system:serviceaccount:erp:deployer\" "
				   "cannot create resource \"pods/exec\" in API group \"\" in the namespace \"erp\"\n"},
		{"rbac-forbidden", "[ERROR] plugin/kubernetes: failed to list *v1.EndpointSlice: endpointslices.discovery.k8s.io is forbidden: "
				   "User `system:serviceaccount:kube-system:coredns` cannot list resource `endpointslices` in API group "
				   "`discovery.k8s.io` at the cluster scope\n"},
		{"rbac-forbidden", "E0409 reflector.go:138] endpointslices.discovery.k8s.io is forbidden: User \xe2\x80\x9c"
				   "system:serviceaccount:kube-system:coredns\xe2\x80\x9d cannot list resource \xe2\x80\x9c"
				   "endpointslices\xe2\x80\x9d in API group\n"},
		{"crashloop", "NAME READY STATUS RESTARTS AGE\nweb-1 0/1 CrashLoopBackOff 5 (12s ago) 2m14s\n$ kubectl logs web-1\n"
			      "$ kubectl describe pod web-1\nLast State: Terminated\nReason: Error\nExit Code: 1\n"},
		/* the sixteenth held-out set's wordings (session 9, after its measurement) */
		{"keycloak-unknown-option", "keycloak-1  | Option: 'start-dev --import-realm' is not expected to contain whitespace, "
					    "please remove any unnecessary quoting/escaping\n"},
		{"odoo-oauth-access-denied", "odoo.addons.auth_oidc.models.res_users: user_id claim not found in id_token (after mapping).\n"},
		{"odoo-module-other-version", "ValueError: Wrong value for ir.ui.view.type: 'list'\n"},
		{"odoo-worker-limits", "2026-09-03 11:41:44,713 0 ERROR erp-17 odoo.sh: Worker process (pid=67) was killed by signal 9 "
				       "(most likely hit a memory limit, please check your custom modules memory usage.)\n"},
		{"service-no-endpoints", "Name:\t\t\tweb\nSelector:\t\t<none>\nEndpoints:\t\t<none>\n"},
		{"kube-api-unauthorized", "E0803 04:27:47.110741   30616 memcache.go:265] \"Unhandled Error\" err=\"couldn't get current "
					  "server API group list: the server has asked for the client to provide credentials\"\n"},
		{"immutable-field", "cannot patch \"odoo\" with kind Deployment: Deployment.apps \"odoo\" is invalid: spec.selector: "
				    "Invalid value: v1.LabelSelector{MatchLabels:map[string\n    ]string{\n        \"app\": \"odoo\"\n"
				    "    }, MatchExpressions: []v1.LabelSelectorRequirement(nil)\n}: field is immutable\n"},
		{"keycloak-java-heap", "java.lang.OutOfMemoryError\n"},
		{"api-version-removed", "$ kubectl apply -f cluster-issuer.yml\nno matches for kind \"ClusterIssuer\" in version "
					"\"cert-manager.io/v1alpha2\"\n"},
		/* a Deployment's env beside the client's failure */
		{"db-localhost", "$ kubectl get deploy keycloak -o yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
				 "  name: keycloak\nspec:\n  template:\n    spec:\n      containers:\n      - name: keycloak\n"
				 "        env:\n        - name: KC_DB_URL_HOST\n          value: localhost\n\n"
				 "$ kubectl logs deploy/keycloak\nERROR: Failed to obtain JDBC connection\n"},
		/* a node's conditions as get node -o yaml prints them */
		{"node-pressure", "apiVersion: v1\nkind: Node\nmetadata:\n  name: pool-erp-r7k2x\nstatus:\n  conditions:\n"
				  "  - type: DiskPressure\n    status: \"True\"\n    reason: KubeletHasDiskPressure\n"
				  "    message: kubelet has disk pressure\n"},
		{NULL, NULL},
	};
	struct dx_run run;
	struct diags d;

	for (size_t i = 0; cases[i].id; i++)
		expect_top(cases[i].id, cases[i].text);
	/* a failed pod's status alone: its phase and its container's reason */
	diagnose_text(&run, &d, "f", "status:\n  phase: Failed\n  qosClass: Burstable\n  containerStatuses:\n  - name: job\n"
				     "    ready: false\n    state:\n      terminated:\n        exitCode: 2\n        reason: Error\n");
	CHECK(run.ndiagnoses > 0);
	done(&run, &d);
	/* a document that never closes, longer than the line reader's buffer, is read as lines */
	{
		size_t n = 1200u * 1024, len = 2;
		char *big = malloc(n + 64);

		CHECK(big != NULL);
		if (big) {
			memcpy(big, "{\n", 2);
			static const char entry[] = "  \"key\": \"a value that goes on\",\n";

			while (len + sizeof(entry) < n) {
				memcpy(big + len, entry, sizeof(entry) - 1);
				len += sizeof(entry) - 1;
			}
			big[len] = '\0';
			diagnose_text(&run, &d, "u", big);
			CHECK(run.lines > 30000);
			done(&run, &d);
			free(big);
		}
	}
	/* a running pod whose conditions are all True, pasted after its command, is no failure */
	diagnose_text(&run, &d, "h", "$ kubectl get pod odoo-0 -o yaml\n  status:\n    conditions:\n    - status: \"True\"\n"
				     "      type: Ready\n    - status: \"True\"\n      type: PodScheduled\n"
				     "    containerStatuses:\n    - name: odoo\n      ready: true\n      restartCount: 0\n"
				     "      state:\n        running:\n          startedAt: \"2024-06-11T07:20:01Z\"\n"
				     "    phase: Running\n    qosClass: Burstable\n");
	CHECK_INT((long long)run.ndiagnoses, 0);
	done(&run, &d);
}

/* A later line that proves a failure cleared or impossible lowers it
 * below what still holds, and the report names that line. */
static void test_ruled_out(void)
{
	struct dx_run run;
	struct diags d;

	diagnose_text(&run, &d, "r",
		      "psycopg2.OperationalError: could not translate host name \"db\" to address: Name or service not known\n"
		      "psycopg2.OperationalError: connection to server at \"db\" (10.0.0.5), port 5432 failed: "
		      "fe_sendauth: no password supplied\n");
	CHECK_STR(top_id(&run), "pg-no-password");
	CHECK(has(&run, "dns-unresolved"));
	CHECK(run.ndiagnoses == 2 && run.diagnoses[1].ruled_out != NULL);
	done(&run, &d);
	/* the other order: the name stopped resolving after the password error */
	diagnose_text(&run, &d, "r2",
		      "psycopg2.OperationalError: connection to server at \"db\" (10.0.0.5), port 5432 failed: "
		      "fe_sendauth: no password supplied\n"
		      "psycopg2.OperationalError: could not translate host name \"db\" to address: Name or service not known\n");
	CHECK(run.ndiagnoses == 2 && run.diagnoses[0].ruled_out == NULL && run.diagnoses[1].ruled_out == NULL);
	done(&run, &d);
	/* a pull that succeeds after a failed one: the failure was transient; before it, it is not */
	{
		static const char failed[] = "Warning  Failed  5m  kubelet  Failed to pull image \"odoo:17.0\": "
					     "toomanyrequests: You have reached your pull rate limit.\n";
		static const char pulled[] = "Normal  Pulled  1m  kubelet  Successfully pulled image \"odoo:17.0\" in 3.2s\n";
		char text[512];

		for (int after = 0; after < 2; after++) {
			snprintf(text, sizeof(text), "%s%s", after ? failed : pulled, after ? pulled : failed);
			diagnose_text(&run, &d, "i", text);
			CHECK(run.ndiagnoses == 1 && (run.diagnoses[0].ruled_out != NULL) == (after == 1));
			done(&run, &d);
		}
	}
	/* a crash recovery that ends (redo done, ready) was no loop; one that never ends is (kartoza/docker-postgis#235) */
	{
		static const char recovery[] = "2020-04-19 19:26:08.371 UTC [16] LOG:  database system was not properly shut "
					       "down; automatic recovery in progress\n";
		static const char done_line[] = "2020-04-19 19:26:08.373 UTC [16] LOG:  redo done at 0/327F4C8\n";
		char text[512];

		for (int ends = 0; ends < 2; ends++) {
			snprintf(text, sizeof(text), "%s%s", recovery, ends ? done_line : "");
			diagnose_text(&run, &d, "r", text);
			CHECK_STR(top_id(&run), "pg-recovery-killed");
			CHECK(run.ndiagnoses >= 1 && (run.diagnoses[0].ruled_out != NULL) == (ends == 1));
			done(&run, &d);
		}
	}
	/* Multi-Attach after the attach: still there */
	diagnose_text(&run, &d, "m",
		      "Normal   SuccessfulAttachVolume  9m  attachdetach-controller  AttachVolume.Attach succeeded for volume \"pvc-1\"\n"
		      "Warning  FailedAttachVolume      1m  attachdetach-controller  Multi-Attach error for volume \"pvc-1\" "
		      "Volume is already exclusively attached to one node and can't be attached to another\n");
	CHECK_STR(top_id(&run), "multi-attach");
	CHECK(run.diagnoses[0].ruled_out == NULL && run.diagnoses[0].confidence >= 90);
	done(&run, &d);
}

/* A Secret's value that decodes to a credential with a newline; certificates
 * and values without one are left alone. */
static void test_secret_newline(void)
{
	struct dx_run run;
	struct diags d;

	diagnose_text(&run, &d, "s", "data:\n  password: b2Rvbwo=\n  tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=\n");
	CHECK_STR(top_id(&run), "secret-trailing-newline");
	CHECK_STR(run.diagnoses[0].subject, "password");
	CHECK_INT((long long)run.ndiagnoses, 1);
	done(&run, &d);
	diagnose_text(&run, &d, "s2", "data:\n  password: b2Rvbw==\n  note: YQpiCg==\n");
	CHECK_INT((long long)run.ndiagnoses, 0);
	done(&run, &d);
}

/* What the paste shows besides log lines, beside the failure it explains. */
static void test_beside_the_failure(void)
{
	struct dx_run run;
	struct diags d;

	diagnose_text(&run, &d, "probe",
		      "    Readiness:  http-get http://:8080/health/ready delay=0s timeout=1s period=10s\n"
		      "  Warning  Unhealthy  10s (x9 over 90s)  kubelet  Readiness probe failed: HTTP probe failed with statuscode: 404\n");
	CHECK_STR(top_id(&run), "keycloak-probe-port");
	CHECK_STR(run.diagnoses[0].subject, "8080");
	done(&run, &d);
	/* the probe line alone says nothing */
	diagnose_text(&run, &d, "probe2", "    Readiness:  http-get http://:8080/health/ready delay=0s timeout=1s period=10s\n");
	CHECK_INT((long long)run.ndiagnoses, 0);
	done(&run, &d);
	diagnose_text(&run, &d, "oom",
		      "    Limits:\n      memory:  256Mi\n    Requests:\n      memory:  128Mi\n"
		      "    Last State:     Terminated\n      Reason:       OOMKilled\n      Exit Code:    137\n");
	CHECK_STR(top_id(&run), "oom-killed");
	CHECK_STR(run.diagnoses[0].subject, "256Mi");
	done(&run, &d);
	diagnose_text(&run, &d, "ing",
		      "Annotations:  nginx.ingress.kubernetes.io/backend-protocol: HTTP\n"
		      "2024/05/02 10:12:01 [error] 31#31: *5902 connect() failed (111: Connection refused) while connecting to upstream\n");
	CHECK_STR(top_id(&run), "ingress-bad-gateway");
	CHECK(run.diagnoses[0].count == 2);
	done(&run, &d);
}

const struct t_case t_diagnose_cases[] = {
	{"diagnose: every knowledge-base entry on its fixture and its negative fixture", test_kb_fixtures},
	{"diagnose: the knowledge base is well formed and every fixture has its entry", test_kb_table},
	{"diagnose: no two causes claim the same words at the same confidence without one yielding", test_kb_no_tied_duplicates},
	{"diagnose: every signature names the versions that print it and a source link", test_kb_sources},
	{"diagnose: signatures that require another entry; entries that yield", test_requires_and_yields},
	{"diagnose: events YAML, pods -A, Compose prefixes, JSON logs, describe exit codes", test_readers},
	{"diagnose: lines beyond 64 KiB are cut and counted", test_long_lines},
	{"diagnose: credentials in evidence are masked", test_redact},
	{"diagnose: terminal control characters from inputs are never printed", test_defang},
	{"diagnose: failure lines no entry explains are reported by component", test_unrecognised},
	{"diagnose: with no signature matched, the entry whose words a failure line holds, as similar", test_similar},
	{"diagnose: a restart loop whose pasted log shows no failure is a main process that ended", test_logs_without_failure},
	{"diagnose: a failure said in words is a failure; a healthy line that has the word is not", test_failure_words},
	{"diagnose: every component's failure marker alone is a failure", test_failure_markers},
	{"diagnose: each failure's wordings across versions and programs", test_wordings},
	{"diagnose: later evidence rules causes out, earlier does not", test_ruled_out},
	{"diagnose: pods' JSON and YAML objects, alone or pasted among other lines", test_object_forms},
	{"diagnose: a Secret's value that ends in a newline", test_secret_newline},
	{"diagnose: probes, memory limits and annotations beside the failure", test_beside_the_failure},
	{NULL, NULL},
};
