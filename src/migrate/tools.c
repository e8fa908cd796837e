/* pg_dump and pg_restore as children, and progress events.
 *
 * A child gets the password in its environment (PGPASSWORD), never on its
 * command line, where `ps` would show it. A child dies with kgenius
 * (PR_SET_PDEATHSIG, https://man7.org/linux/man-pages/man2/prctl.2.html):
 * a pg_restore left running after kgenius was killed would race the
 * resumed copy on the target. */
#include "migrate/migrate.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
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

/* argv[0] as execve needs it: searched in PATH before the fork, since the
 * child of a threaded process may only make async-signal-safe calls. */
static char *find_program(const char *name)
{
	const char *path = getenv("PATH");
	char *found = NULL;

	if (strchr(name, '/'))
		return strdup(name);
	for (const char *p = path ? path : "/usr/bin:/bin"; *p && !found; p += strcspn(p, ":") + (p[strcspn(p, ":")] == ':')) {
		size_t len = strcspn(p, ":");
		struct stat sb;

		if (asprintf(&found, "%.*s/%s", (int)len, len ? p : ".", name) < 0)
			return NULL;
		if (stat(found, &sb) != 0 || !S_ISREG(sb.st_mode) || access(found, X_OK) != 0) {
			free(found);
			found = NULL;
		}
	}
	return found;
}

/* The child: stdout to out_path (or /dev/null), stderr to errfd, killed
 * when the thread that started it dies. */
static pid_t spawn_child(const char *prog, char *const argv[], char **env, int errfd, const char *out_path)
{
	pid_t parent = getpid(), pid = fork();

	if (pid == 0) {
		int out = open(out_path ? out_path : "/dev/null", (out_path ? O_WRONLY | O_CREAT | O_TRUNC : O_WRONLY) | O_CLOEXEC, 0600);

		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent || out < 0 ||
		    dup2(out, STDOUT_FILENO) < 0 || dup2(errfd, STDERR_FILENO) < 0)
			_exit(126);
		execve(prog, argv, env);
		_exit(127);
	}
	return pid;
}

/* The child's exit status, or reports it with the head of its stderr. */
static int child_status(const char *name, pid_t pid, int errfd, struct diags *d)
{
	int status = 0, code;
	char msg[2048];
	ssize_t n;

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	lseek(errfd, 0, SEEK_SET);
	n = read(errfd, msg, sizeof(msg) - 1);
	msg[n > 0 ? n : 0] = '\0';
	for (char *p = msg; *p; p++)
		if (*p == '\n')
			*p = ' ';
	diag_add(d, DIAG_ERROR, &(struct srcpos){name, 0, 0}, NULL, "failed (exit %d): %s", code, msg[0] ? msg : "no message");
	return code;
}

static int run_tool(char *const argv[], const char *password, const char *pgoptions, const char *out_path,
		    struct diags *d)
{
	char errpath[] = "/tmp/kgenius-tool.XXXXXX";
	int errfd = mkostemp(errpath, O_CLOEXEC), rc;
	char **env = child_environ(password, pgoptions);
	char *prog = find_program(argv[0]);
	pid_t pid = -1;

	if (errfd >= 0)
		unlink(errpath);
	if (errfd >= 0 && env && prog)
		pid = spawn_child(prog, argv, env, errfd, out_path);
	free_child_environ(env, password);
	free(prog);
	if (pid < 0) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){argv[0], 0, 0}, "install postgresql-client (pg_dump, pg_restore)",
			 "cannot run: %s", errfd >= 0 && env && !prog ? "not found in PATH" : strerror(errno));
		if (errfd >= 0)
			close(errfd);
		return -1;
	}
	rc = child_status(argv[0], pid, errfd, d);
	close(errfd);
	return rc;
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
		struct json j;

		json_init(&j, &b, false);
		json_object(&j);
		json_member_str(&j, "event", event);
		json_member_str(&j, "message", msg);
		json_end(&j);
		buf_putc(&b, '\n');
		if (!b.failed)
			fwrite(b.data, 1, b.len, fp);
		buf_free(&b);
	} else
		fprintf(fp, "%s: %s\n", event, msg);
	fflush(fp);
}
