/* The knowledge base against its fixtures: each entry is ranked first on its
 * positive fixture and absent from its negative one (a healthy output that
 * produces no diagnosis at all). Then the readers and the ranking rules. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose/diagnose.h"
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
		CHECK_STR(top_id(&run), id);
		CHECK_INT((long long)d.errors, 0);
		if (run.ndiagnoses)
			CHECK_INT(run.diagnoses[0].kind, dx_kb[i].level == DX_CAUSE ? DXK_CAUSE : DXK_INSUFFICIENT);
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
		for (size_t s = 0; s < DX_MAX_SIGS && e->sigs[s].anchor; s++) {
			CHECK(e->sigs[s].confidence > 0 && e->sigs[s].confidence < 100);
			CHECK(!e->sigs[s].requires || dx_kb_find(e->sigs[s].requires) != NULL);
		}
		for (const struct dx_entry *f = e + 1; f->id; f++)
			CHECK(strcmp(e->id, f->id) != 0);
	}
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

	dx_redact(a);
	dx_redact(b);
	dx_redact(c);
	CHECK_STR(a, "dsn host=db password=**** user=odoo");
	CHECK_STR(b, "jdbc:postgresql://kc:****@pg:5432/keycloak");
	CHECK(!strstr(c, "abc") && !strstr(c, "xyz123"));
}

const struct t_case t_diagnose_cases[] = {
	{"diagnose: every knowledge-base entry on its fixture and its negative fixture", test_kb_fixtures},
	{"diagnose: the knowledge base is well formed and every fixture has its entry", test_kb_table},
	{"diagnose: signatures that require another entry; entries that yield", test_requires_and_yields},
	{"diagnose: events YAML, pods -A, Compose prefixes, JSON logs, describe exit codes", test_readers},
	{"diagnose: lines beyond 64 KiB are cut and counted", test_long_lines},
	{"diagnose: credentials in evidence are masked", test_redact},
	{NULL, NULL},
};
