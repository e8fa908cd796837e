/* The commands of kgenius-online: those of `kgenius` that talk to running
 * services, with libpq and libcurl (src/cli/online.c). */
#include "cli/cli.h"

const struct command kg_online_commands[] = {
	{"migrate", kg_migrate_summary, NULL, cmd_migrate,
	 {&migrate_db_command, &migrate_filestore_command, &migrate_keycloak_command, &migrate_traffic_command}, NULL},
	{"verify", kg_verify_summary, cmd_verify, NULL, {&verify_command}, NULL},
	{"help", "show help for kgenius or for one command", NULL, cmd_help, {NULL}, "usage: kgenius help [<command>]\n"},
	{"version", "print the version", NULL, cmd_version, {NULL}, "usage: kgenius version\n"},
	{NULL, NULL, NULL, NULL, {NULL}, NULL},
};
