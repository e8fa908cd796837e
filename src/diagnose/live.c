/* --live: kubectl is run, never a shell, and what it prints is read by the
 * same readers as a saved output: pods, events, claims and autoscalers as
 * JSON, then the logs of the containers that restarted (their previous run)
 * or are not ready. */
#include "diagnose/diagnose.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define MAX_ARGS 16

/* Runs argv; its standard output is read as an input named by the command
 * line. Returns 0, or -1 after reporting kubectl's own error. */
static int run_kubectl(struct dx_run *run, char *const argv[], bool required)
{
	posix_spawn_file_actions_t fa;
	char errpath[] = "/tmp/kgenius-kubectl.XXXXXX";
	char name[1024], errline[512] = "";
	int out[2], errfd, status = 0, rc = 0;
	size_t used = 0;
	pid_t pid;
	FILE *fp;

	for (size_t i = 0; argv[i] && used < sizeof(name) - 1; i++)
		used += (size_t)snprintf(name + used, sizeof(name) - used, "%s%s", i ? " " : "", argv[i]);
	errfd = mkstemp(errpath);
	if (errfd < 0 || pipe(out) != 0) {
		diag_add(run->d, DIAG_ERROR, &(struct srcpos){"kubectl", 0, 0}, NULL, "cannot run kubectl: %s", strerror(errno));
		if (errfd >= 0)
			close(errfd);
		return -1;
	}
	unlink(errpath);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, errfd, STDERR_FILENO);
	posix_spawn_file_actions_addclose(&fa, out[0]);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);
	if (rc != 0) {
		diag_add(run->d, DIAG_ERROR, &(struct srcpos){argv[0], 0, 0}, "install kubectl or pass --kubectl PATH",
			 "cannot run %s: %s", argv[0], strerror(rc));
		close(out[0]);
		close(errfd);
		return -1;
	}
	fp = fdopen(out[0], "r");
	if (fp) {
		const char *stored = arena_strdup(&run->a, name);

		dx_read_stream(run, stored ? stored : "kubectl", fp);
		fclose(fp);
	} else
		close(out[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		ssize_t n;

		lseek(errfd, 0, SEEK_SET);
		n = read(errfd, errline, sizeof(errline) - 1);
		errline[n > 0 ? n : 0] = '\0';
		errline[strcspn(errline, "\n")] = '\0';
		diag_add(run->d, required ? DIAG_ERROR : DIAG_WARNING, &(struct srcpos){"kubectl", 0, 0},
			 required ? "check the context (kubectl config current-context) and the namespace" : NULL,
			 "`%s` failed: %s", name, errline[0] ? errline : "no message");
		rc = required ? -1 : 0;
	}
	close(errfd);
	return rc;
}

static size_t scope_args(char **argv, size_t n, const char *ns)
{
	if (ns) {
		argv[n++] = "-n";
		argv[n++] = (char *)ns;
	} else
		argv[n++] = "-A";
	return n;
}

int dx_read_live(struct dx_run *run, const char *kubectl, const char *ns)
{
	static const char *const kinds[] = {"pods", "events", "pvc", "hpa", NULL};

	for (size_t k = 0; kinds[k]; k++) {
		char *argv[MAX_ARGS];
		size_t n = 0;

		argv[n++] = (char *)kubectl;
		argv[n++] = "get";
		argv[n++] = (char *)kinds[k];
		n = scope_args(argv, n, ns);
		argv[n++] = "-o";
		argv[n++] = "json";
		argv[n] = NULL;
		if (run_kubectl(run, argv, k == 0) != 0)
			return -1;
	}
	for (size_t i = 0; i < run->ntargets; i++) {
		const struct dx_log_target *t = &run->targets[i];
		char *argv[MAX_ARGS];
		size_t n = 0;

		argv[n++] = (char *)kubectl;
		argv[n++] = "logs";
		if (t->ns[0]) {
			argv[n++] = "-n";
			argv[n++] = (char *)t->ns;
		}
		argv[n++] = (char *)t->pod;
		argv[n++] = "-c";
		argv[n++] = (char *)t->container;
		argv[n++] = "--tail=500";
		if (t->previous)
			argv[n++] = "--previous";
		argv[n] = NULL;
		run_kubectl(run, argv, false);
	}
	return 0;
}
