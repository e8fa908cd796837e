/* What migrate does without a server: connection strings for children
 * (the password taken out, values quoted), slot names. The rest runs against
 * real clusters in tests/integration/migrate.sh. */
#include <stdlib.h>
#include <string.h>

#include "migrate/filestore.h"
#include "migrate/migrate.h"
#include "t.h"

static void test_child_conninfo(void)
{
	struct pg_endpoint ep = {"source", "host=db port=5432 user=odoo password=s3cr'et dbname=postgres", NULL};
	char *ci = NULL, *pw = NULL;

	CHECK_INT(pg_child_conninfo(&ep, "odoo's", &ci, &pw), 0);
	CHECK(ci && !strstr(ci, "s3cr"));
	CHECK(ci && strstr(ci, "dbname='odoo\\'s'") != NULL);
	CHECK(ci && strstr(ci, "host='db'") != NULL);
	CHECK(ci && strstr(ci, "application_name='kgenius-migrate'") != NULL);
	CHECK_STR(pw, "s3cr'et");
	free(ci);
	free(pw);
	/* a password from a file wins, and a URI works too */
	ep.conninfo = "postgresql://odoo:fromuri@db:5432/postgres";
	ep.password = "fromfile";
	CHECK_INT(pg_child_conninfo(&ep, NULL, &ci, &pw), 0);
	CHECK_STR(pw, "fromfile");
	CHECK(ci && !strstr(ci, "fromuri") && strstr(ci, "dbname='postgres'"));
	free(ci);
	free(pw);
	ep.conninfo = "not a = valid 'conninfo";
	CHECK_INT(pg_child_conninfo(&ep, NULL, &ci, &pw), -1);
}

static void test_slot_names(void)
{
	char out[64];

	migrate_slot_name("kgenius_", "Odoo-Prod.2024", out, sizeof(out));
	CHECK_STR(out, "kgenius_odoo_prod_2024");
	migrate_slot_name("kgenius_back_", "x", out, sizeof(out));
	CHECK_STR(out, "kgenius_back_x");
	migrate_slot_name("kgenius_", "a-very-long-database-name-that-goes-on-and-on-and-on-forever-and-ever", out, 64);
	CHECK(strlen(out) == 63);
}

static void test_content_addressed(void)
{
	CHECK(fs_content_addressed("./filestore/odoo/3f/3f0a9bbd2b3e2f6b9a1c4d5e6f708192a3b4c5d6"));
	CHECK(fs_content_addressed("3f/3f0a9bbd2b3e2f6b9a1c4d5e6f708192a3b4c5d6"));
	CHECK(!fs_content_addressed("./filestore/odoo/ab/3f0a9bbd2b3e2f6b9a1c4d5e6f708192a3b4c5d6"));   /* wrong folder */
	CHECK(!fs_content_addressed("./filestore/odoo/3f/3F0A9BBD2B3E2F6B9A1C4D5E6F708192A3B4C5D6"));   /* upper case */
	CHECK(!fs_content_addressed("./filestore/odoo/3f/3f0a9bbd2b3e2f6b9a1c4d5e6f708192a3b4c5d"));    /* 39 */
	CHECK(!fs_content_addressed("./filestore/odoo/checklist/3f/3f0a"));
	CHECK(!fs_content_addressed("3f0a9bbd2b3e2f6b9a1c4d5e6f708192a3b4c5d6"));
}

static void test_backup_names(void)
{
	char out[64];

	migrate_backup_name("odoo_prod-1", out, sizeof(out));
	CHECK_STR(out, "odoo_prod-1");
	migrate_backup_name("../x", out, sizeof(out));
	CHECK_STR(out, "%2E%2E%2Fx");
	migrate_backup_name("a b/.", out, sizeof(out));
	CHECK_STR(out, "a%20b%2F%2E");
	migrate_backup_name("\xc3\xa9t\xc3\xa9", out, sizeof(out));
	CHECK_STR(out, "%C3%A9t%C3%A9");
	/* cut at a whole escape, never in the middle of one */
	migrate_backup_name("//////////", out, 8);
	CHECK_STR(out, "%2F%2F");
}

static void test_traffic_names(void)
{
	struct traffic_opts t = {"example.com", "203.0.113.10", "websecure", "web", 3600};
	struct diags d;
	struct buf b = BUF_INIT;

	diags_init(&d);
	CHECK_INT(traffic_check(&t, &d), 0);
	traffic_config(&t, &b);
	CHECK(b.data && strstr(b.data, "rule: \"HostSNI(`auth.example.com`)\"") != NULL);
	t.to = "[2001:db8::1]";
	CHECK_INT(traffic_check(&t, &d), 0);
	t.domain = "example.com`) || HostSNI(`*";
	CHECK_INT(traffic_check(&t, &d), -1);
	t.domain = "example.com";
	t.to = "10.0.0.1:443";
	CHECK_INT(traffic_check(&t, &d), -1);
	t.to = "10.0.0.1";
	t.https_entrypoint = "web secure";
	CHECK_INT(traffic_check(&t, &d), -1);
	buf_free(&b);
	diags_free(&d);
}

/* Names from the far side's listing: only ones that stay inside the directory. */
static void test_safe_path(void)
{
	CHECK(fs_safe_path("./odoo/3f/3f0a9bbd2b3e2f6b9a1c4d5e6f708192a3b4c5d6"));
	CHECK(fs_safe_path("./notes with spaces and a 'quote'.txt"));
	CHECK(fs_safe_path("./a..b/..c"));
	CHECK(!fs_safe_path("../x"));
	CHECK(!fs_safe_path("./a/../../x"));
	CHECK(!fs_safe_path("./.."));
	CHECK(!fs_safe_path("./a/./b"));
	CHECK(!fs_safe_path("./a//b"));
	CHECK(!fs_safe_path("./a/"));
	CHECK(!fs_safe_path("/etc/passwd"));
	CHECK(!fs_safe_path("a/b"));
	CHECK(!fs_safe_path("./new\nline"));
	CHECK(!fs_safe_path("./"));
}

/* The JSON lines programs read: keys, order and number forms as documented. */
static void test_report_json(void)
{
	char *keys[] = {"(777) differs"};
	struct vtable vt[] = {{.qname = "public.a\"b", .src_rows = 3, .dst_rows = 2, .keys = keys, .nkeys = 1, .more_keys = 4},
			      {.qname = "public.c", .src_rows = 1, .dst_rows = 1, .match = true, .note = "no key"}};
	struct vdiff diff = {"sequence", "public.s", NULL};
	static struct vreport rep;
	struct cutover_result res = {1.5, 0.25, 2, 5, 1, 0, {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.0004}};
	struct buf b = BUF_INIT;

	rep.ndbs = 1;
	rep.dbs[0] = (struct vdb){.src_db = "odoo", .dst_db = "odoo2", .tables = vt, .ntables = 2, .diffs = &diff,
				  .ndiffs = 1, .more_diffs = 0, .sequences = 7, .seconds = 2.0};
	vreport_json(&rep, &b);
	CHECK_STR(buf_cstr(&b), "{\"ok\":false,\"databases\":[{\"source\":\"odoo\",\"target\":\"odoo2\",\"ok\":false,"
		  "\"seconds\":2.000,\"sequences\":7,\"large_objects\":0,\"tables\":[{\"table\":\"public.a\\\"b\","
		  "\"source_rows\":3,\"target_rows\":2,\"identical\":false,\"keys\":[\"(777) differs\"],\"more_keys\":4,"
		  "\"note\":null},{\"table\":\"public.c\",\"source_rows\":1,\"target_rows\":1,\"identical\":true,\"keys\":[],"
		  "\"more_keys\":0,\"note\":\"no key\"}],\"differences\":[{\"kind\":\"sequence\",\"item\":\"public.s\","
		  "\"detail\":\"\"}],\"more_differences\":0}]}\n");
	b.len = 0;
	cutover_report("cutover", &res, true, &b);
	CHECK_STR(buf_cstr(&b), "{\"event\":\"cutover\",\"write_unavailable_seconds\":1.500,\"caught_up_seconds\":0.250,"
		  "\"steps\":{\"fence\":0.100,\"catch_up\":0.200,\"sequences\":0.300,\"counts\":0.400,\"rollback_setup\":0.500,"
		  "\"subscription\":0.600,\"hook\":0.000},\"sequences\":2,\"large_objects\":0,\"tables\":5,\"sessions_ended\":1}\n");
	buf_free(&b);
}

const struct t_case t_migrate_cases[] = {
	{"migrate: verify's and cutover's JSON reports, key by key", test_report_json},
	{"migrate: backup file names stay in the backup directory", test_backup_names},
	{"migrate traffic: names that cannot break out of a Traefik rule", test_traffic_names},
	{"migrate: filestore names from the far side must stay inside the directory", test_safe_path},
	{"migrate: which filestore paths are named by their SHA-1", test_content_addressed},
	{"migrate: connection strings for pg_dump and pg_restore carry no password", test_child_conninfo},
	{"migrate: slot names from database names", test_slot_names},
	{NULL, NULL},
};
