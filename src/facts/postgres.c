/* PostgreSQL's facts (the official image). Sources:
 *   [DF]  https://github.com/docker-library/postgres (17/trixie, 18/trixie, 17/alpine Dockerfiles)
 *   [EP]  https://github.com/docker-library/postgres/blob/master/docker-entrypoint.sh
 *   [PGDATA 18] https://github.com/docker-library/postgres/pull/1259 */
#include "facts/facts.h"

#include <string.h>

#define POSTGRES_NEWEST 18

const struct postgres_constants postgres_constants = {
	.port = 5432,
	.uid_debian = 999,    /* [DF] the postgres user of the Debian variants */
	.uid_alpine = 70,     /* [DF] the postgres user of the Alpine variants */
	.legacy_data_dir = "/var/lib/postgresql/data",  /* [DF] PGDATA and VOLUME up to 17 */
	/* max_connections and superuser_reserved_connections defaults:
	 * https://www.postgresql.org/docs/current/runtime-config-connection.html */
	.default_max_connections = 100,
	.superuser_reserved = 3,
	.default_user = "postgres",   /* [EP] POSTGRES_USER:=postgres */
	/* pg_dump dumps servers of its own and older majors
	 * (https://www.postgresql.org/docs/current/app-pgdump.html). */
	.client_image = "postgres:18",
};

void postgres_facts(const struct image *img, struct postgres_facts *f)
{
	int major = img->major > 0 ? img->major : POSTGRES_NEWEST;

	memset(f, 0, sizeof(*f));
	f->uid = img->alpine ? postgres_constants.uid_alpine : postgres_constants.uid_debian;
	f->pgdata_at_mount_root = major < 18;
	if (major >= 18) {
		/* [PGDATA 18] PGDATA=/var/lib/postgresql/18/docker, VOLUME /var/lib/postgresql. */
		f->mount_path = "/var/lib/postgresql";
		f->pgdata = NULL;
	} else {
		/* A block volume's root holds lost+found, and initdb needs an empty
		 * directory: the documentation's "PGDATA ... subdirectory" advice
		 * (https://github.com/docker-library/docs/blob/master/postgres/content.md#pgdata). */
		f->mount_path = postgres_constants.legacy_data_dir;
		f->pgdata = "/var/lib/postgresql/data/pgdata";
	}
}
