/* The backup before anything else: a fresh pg_dump -Fc of the source
 * database, written under a temporary name, checked with pg_restore
 * --list, then renamed over any older one. An older file is never reused:
 * it would lack everything created since it was taken. */
#include "migrate/migrate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsio.h"

void migrate_backup_name(const char *db, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)db; *p && n + 4 < cap; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		    *p == '-')
			out[n++] = (char)*p;
		else {
			out[n++] = '%';
			out[n++] = hex[*p >> 4];
			out[n++] = hex[*p & 15];
		}
	}
	out[n] = '\0';
}

static int readable_dump(const char *path, struct diags *d)
{
	char *argv[] = {"pg_restore", "--list", (char *)path, NULL};

	return migrate_run_tool(argv, NULL, d);
}

int migrate_backup(const struct migrate_opts *o, size_t k, FILE *events, struct diags *d)
{
	const char *db = o->dbs[k];
	char name[400], *path = NULL, *tmp = NULL;
	int rc = -1;

	if (make_dirs(o->backup_dir, 0700) != 0) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){o->backup_dir, 0, 0}, "choose a writable directory",
			 "cannot create the backup directory: %s", strerror(errno));
		return -1;
	}
	migrate_backup_name(db, name, sizeof(name));
	if (asprintf(&path, "%s/%s.dump", o->backup_dir, name) < 0 || asprintf(&tmp, "%s/.%s.dump.tmp", o->backup_dir, name) < 0) {
		free(path);
		return -1;
	}
	migrate_event(events, o->events_json, "backup", "%s: pg_dump -Fc to %s", db, path);
	{
		const char *args[] = {"pg_dump", "--format=custom", "--no-sync", "--file", tmp, NULL};

		if (migrate_run_pg_tool(args, &o->source, db, NULL, d) != 0)
			goto out;
	}
	if (readable_dump(tmp, d) != 0) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){tmp, 0, 0}, NULL, "the backup is not readable by pg_restore --list");
		goto out;
	}
	if (chmod(tmp, 0600) != 0 || rename(tmp, path) != 0) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){path, 0, 0}, NULL, "cannot keep the backup: %s", strerror(errno));
		goto out;
	}
	migrate_event(events, o->events_json, "backup", "%s: %s taken now, readable by pg_restore --list", db, path);
	rc = 0;
out:
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	free(path);
	return rc;
}
