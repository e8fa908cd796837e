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

const struct t_case t_migrate_cases[] = {
	{"migrate: backup file names stay in the backup directory", test_backup_names},
	{"migrate traffic: names that cannot break out of a Traefik rule", test_traffic_names},
	{"migrate: filestore names from the far side must stay inside the directory", test_safe_path},
	{"migrate: which filestore paths are named by their SHA-1", test_content_addressed},
	{"migrate: connection strings for pg_dump and pg_restore carry no password", test_child_conninfo},
	{"migrate: slot names from database names", test_slot_names},
	{NULL, NULL},
};
