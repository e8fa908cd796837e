#include "profiles/profiles.h"

#include <string.h>

/* The newest series kgenius knows; "latest" and unversioned tags get it. */
#define ODOO_NEWEST 19
#define POSTGRES_NEWEST 18
#define KEYCLOAK_NEWEST_MAJOR 26
#define KEYCLOAK_NEWEST_MINOR 4

/* Odoo image UIDs: 16 (Debian bullseye) 101, 17 (Ubuntu jammy) 101
 * (inferred), 18+ (Ubuntu noble) 100. GID 101 everywhere. */
static const struct {
	int major;
	int uid;
	bool verified;
} odoo_uids[] = {
	{16, 101, true},
	{17, 101, false},
	{18, 100, true},
	{19, 100, true},
};

void odoo_profile(const struct image *img, struct odoo_profile *p)
{
	int major = img->major > 0 ? img->major : ODOO_NEWEST;

	memset(p, 0, sizeof(*p));
	p->uid = 100;
	p->gid = 101;
	p->uid_verified = false;
	for (size_t i = 0; i < sizeof(odoo_uids) / sizeof(odoo_uids[0]); i++) {
		if (major <= odoo_uids[i].major || i + 1 == sizeof(odoo_uids) / sizeof(odoo_uids[0])) {
			p->uid = odoo_uids[i].uid;
			p->uid_verified = odoo_uids[i].verified && major >= 16;
			break;
		}
	}
	p->ws_path = major >= 16 ? "/websocket" : "/longpolling";
	p->ws_port_key = major >= 17 ? "gevent_port" : "longpolling_port";
	p->liveness_path = "/web/health";
	/* 17 and 18 check the database with ?db_server_status=1; older
	 * builds ignore the parameter and still answer 200. */
	p->readiness_path = major >= 17 ? "/web/health?db_server_status=1" : "/web/health";
	p->limit_request = major >= 18 ? "65536" : "8192";
}

void postgres_profile(const struct image *img, struct postgres_profile *p)
{
	int major = img->major > 0 ? img->major : POSTGRES_NEWEST;

	memset(p, 0, sizeof(*p));
	p->uid = img->alpine ? 70 : 999;
	if (major >= 18) {
		/* 18+ keeps PGDATA in /var/lib/postgresql/18/docker. */
		p->mount_path = "/var/lib/postgresql";
		p->pgdata = NULL;
	} else {
		/* A block volume's root holds lost+found: initdb needs a subdirectory. */
		p->mount_path = "/var/lib/postgresql/data";
		p->pgdata = "/var/lib/postgresql/data/pgdata";
	}
}

void keycloak_profile(const struct image *img, struct keycloak_profile *p)
{
	int major = img->major > 0 ? img->major : KEYCLOAK_NEWEST_MAJOR;
	int minor = img->major > 0 ? img->minor : KEYCLOAK_NEWEST_MINOR;

	memset(p, 0, sizeof(*p));
	p->uid = 1000;
	p->management_port = major >= 25;
	p->hostname_v2 = major >= 25;
	p->bootstrap_admin = major >= 26;
	p->jdbc_ping = major > 26 || (major == 26 && minor >= 1);
	p->admin_user_var = p->bootstrap_admin ? "KC_BOOTSTRAP_ADMIN_USERNAME" : "KEYCLOAK_ADMIN";
	p->admin_password_var = p->bootstrap_admin ? "KC_BOOTSTRAP_ADMIN_PASSWORD" : "KEYCLOAK_ADMIN_PASSWORD";
}
