/* migrate and verify run in a second program, kgenius-online, beside
 * kgenius: they need libpq and libcurl, which with their own libraries
 * (GnuTLS, Kerberos, LDAP, ... 30 in all) took the dynamic loader 4 ms and
 * 6 MiB at every start, more than linting a whole example project. So
 * kgenius loads libfyaml and libcrypto only, and hands these commands over
 * with the command line as given, as git hands https to git-remote-https. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

#define ONLINE_PROGRAM "kgenius-online"

/* path: the directory of the running program, then ONLINE_PROGRAM; false
 * when it cannot be told (no /proc, a path too long). */
static bool online_path(char *path, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", path, size - 1);
	char *slash;

	if (n <= 0 || (size_t)n >= size - 1)
		return false;
	path[n] = '\0';
	slash = strrchr(path, '/');
	if (!slash || (size_t)(slash + 1 - path) + sizeof(ONLINE_PROGRAM) > size)
		return false;
	memcpy(slash + 1, ONLINE_PROGRAM, sizeof(ONLINE_PROGRAM));
	return true;
}

int cli_run_online(struct cli *cli, int argc, char **argv)
{
	char path[PATH_MAX];

	(void)argc;
	(void)argv;
	fflush(NULL);
	if (online_path(path, sizeof(path))) {
		cli->argv[0] = path;
		execv(path, cli->argv);
	} else {
		cli->argv[0] = (char *)ONLINE_PROGRAM;
		execvp(ONLINE_PROGRAM, cli->argv);
	}
	fprintf(stderr,
		"kgenius: cannot run %s: %s; migrate and verify are in that program, which `make` builds and `make "
		"install` installs beside kgenius: build or install both\n",
		cli->argv[0], strerror(errno));
	return KG_EXIT_ENV;
}
