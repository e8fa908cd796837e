/* pg_dump and pg_restore as children, and progress events.
 *
 * A child gets the password in its environment (PGPASSWORD), never on its
 * command line, where `ps` would show it. */
#include "migrate/migrate.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/json.h"

extern char **environ;

static char **child_environ(const char *password, const char *pgoptions)
{
	size_t n = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 3, sizeof(*env));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if ((strncmp(environ[i], "PGPASSWORD=", 11) != 0 || !password) &&
		    (strncmp(environ[i], "PGOPTIONS=", 10) != 0 || !pgoptions))
			env[k++] = environ[i];
	if (pgoptions)
		env[k++] = (char *)pgoptions;
	if (password) {
		size_t len = strlen(password) + 12;

		env[k] = malloc(len);
		if (!env[k]) {
			free(env);
			return NULL;
		}
		snprintf(env[k++], len, "PGPASSWORD=%s", password);
	}
	env[k] = NULL;
	return env;
}

static void free_child_environ(char **env, const char *password)
{
	size_t n = 0;

	if (!env)
		return;
	while (env[n])
		n++;
	if (password && n > 0) {
		explicit_bzero(env[n - 1], strlen(env[n - 1]));
		free(env[n - 1]);
	}
	free(env);
}

static int run_tool(char *const argv[], const char *password, const char *pgoptions, const char *out_path,
		    struct diags *d)
{
	posix_spawn_file_actions_t fa;
	char errpath[] = "/tmp/kgenius-tool.XXXXXX";
	int errfd = mkstemp(errpath), status = 0, rc;
	char **env = child_environ(password, pgoptions);
	pid_t pid;

	if (errfd < 0 || !env) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){argv[0], 0, 0}, NULL, "cannot run: %s", strerror(errno));
		if (errfd >= 0)
			close(errfd);
		free_child_environ(env, password);
		return -1;
	}
	unlink(errpath);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, errfd, STDERR_FILENO);
	if (out_path)
		posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	else
		posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	free_child_environ(env, password);
	if (rc != 0) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){argv[0], 0, 0}, "install postgresql-client (pg_dump, pg_restore)",
			 "cannot run: %s", strerror(rc));
		close(errfd);
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char msg[2048];
		ssize_t n;

		lseek(errfd, 0, SEEK_SET);
		n = read(errfd, msg, sizeof(msg) - 1);
		msg[n > 0 ? n : 0] = '\0';
		for (char *p = msg; *p; p++)
			if (*p == '\n')
				*p = ' ';
		diag_add(d, DIAG_ERROR, &(struct srcpos){argv[0], 0, 0}, NULL, "failed (exit %d): %s",
			 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), msg[0] ? msg : "no message");
		close(errfd);
		return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	close(errfd);
	return 0;
}

int migrate_run_tool(char *const argv[], const char *out_path, struct diags *d)
{
	return run_tool(argv, NULL, NULL, out_path, d);
}

int migrate_run_pg_tool(const char *const args[], const struct pg_endpoint *ep, const char *dbname,
			const char *pgoptions, struct diags *d)
{
	char *conninfo = NULL, *password = NULL, *dbarg = NULL, *argv[24];
	size_t n = 0;
	int rc = -1;

	if (pg_child_conninfo(ep, dbname, &conninfo, &password) != 0 || asprintf(&dbarg, "--dbname=%s", conninfo) < 0) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){ep->name, 0, 0}, NULL, "invalid connection string");
		dbarg = NULL;
		goto out;
	}
	while (args[n] && n < 22) {
		argv[n] = (char *)args[n];
		n++;
	}
	argv[n++] = dbarg;
	argv[n] = NULL;
	rc = run_tool(argv, password, pgoptions, NULL, d);
out:
	if (password)
		explicit_bzero(password, strlen(password));
	free(password);
	free(conninfo);
	free(dbarg);
	return rc;
}

void migrate_event(FILE *fp, bool json, const char *event, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (!fp)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (json) {
		struct buf b = BUF_INIT;

		buf_puts(&b, "{\"event\":");
		json_string(&b, event);
		buf_puts(&b, ",\"message\":");
		json_string(&b, msg);
		buf_puts(&b, "}\n");
		if (!b.failed)
			fwrite(b.data, 1, b.len, fp);
		buf_free(&b);
	} else
		fprintf(fp, "%s: %s\n", event, msg);
	fflush(fp);
}
