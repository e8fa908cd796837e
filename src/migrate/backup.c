/* The backup before anything else: pg_dump -Fc of the source database,
 * written under a temporary name, checked with pg_restore --list, then
 * renamed. A backup already there and readable is kept (a resumed run does
 * not take another). */
#include "migrate/migrate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsio.h"

static int readable_dump(const char *path, struct diags *d)
{
	char *argv[] = {"pg_restore", "--list", (char *)path, NULL};

	return migrate_run_tool(argv, NULL, d);
}

int migrate_backup(const struct migrate_opts *o, const char *db, char **path, struct diags *d)
{
	char *tmp = NULL;
	int rc = -1;

	*path = NULL;
	if (make_dirs(o->backup_dir, 0700) != 0) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){o->backup_dir, 0, 0}, "choose a writable directory",
			 "cannot create the backup directory: %s", strerror(errno));
		return -1;
	}
	if (asprintf(path, "%s/%s.dump", o->backup_dir, db) < 0 || asprintf(&tmp, "%s/.%s.dump.tmp", o->backup_dir, db) < 0) {
		free(*path);
		*path = NULL;
		return -1;
	}
	if (file_exists(*path)) {
		struct diags quiet;

		diags_init(&quiet);
		rc = readable_dump(*path, &quiet) == 0 ? 0 : -1;
		diags_free(&quiet);
		if (rc == 0) {
			free(tmp);
			return 0;
		}
	}
	{
		const char *args[] = {"pg_dump", "--format=custom", "--no-sync", "--file", tmp, NULL};

		if (migrate_run_pg_tool(args, &o->source, db, NULL, d) != 0)
			goto out;
	}
	if (readable_dump(tmp, d) != 0) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){tmp, 0, 0}, NULL, "the backup is not readable by pg_restore --list");
		goto out;
	}
	if (chmod(tmp, 0600) != 0 || rename(tmp, *path) != 0) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){*path, 0, 0}, NULL, "cannot keep the backup: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (rc != 0) {
		unlink(tmp);
		free(*path);
		*path = NULL;
	}
	free(tmp);
	return rc;
}
