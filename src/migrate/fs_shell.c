/* The shells both sides of migrate filestore are reached through: `sh` for
 * a local directory, or any command that gives one on its standard input and
 * output (`kubectl exec -i -n erp odoo-0 -- sh`). A script is all a shell
 * gets on its input: file lists are written into it (printf of quoted paths),
 * because dash, Debian's sh, reads its input in blocks and would swallow data
 * sent after the script. What a shell prints is read with a bound: the far
 * side may be a compromised pod. */
#include "migrate/fs_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* 'path' for sh, single quotes escaped. */
void fs_sh_quote(struct buf *b, const char *s)
{
	buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_puts(b, "'\\''");
		else
			buf_putc(b, *s);
	}
	buf_putc(b, '\'');
}

/* Starts side's shell. stdin_fd/stdout_fd: a descriptor to use, or -1 for a
 * pipe to this process. The shell (and the tar it execs) is killed if this
 * process dies, so that an interrupted copy leaves nothing writing behind
 * it while the next one runs. */
/* Keeps the first FS_STDERR_MAX bytes; a shell that writes more than 16 MiB
 * of errors is a far side gone wrong, and is stopped. */
static void *read_stderr(void *arg)
{
	struct shell *sh = arg;
	char buf[4096];
	size_t total = 0;
	ssize_t r;

	while ((r = read(sh->err, buf, sizeof(buf))) != 0) {
		size_t keep;

		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		total += (size_t)r;
		if (total > FS_STDERR_KILL) {
			kill(sh->pid, SIGKILL);
			break;
		}
		keep = FS_STDERR_MAX - sh->err_len < (size_t)r ? FS_STDERR_MAX - sh->err_len : (size_t)r;
		memcpy(sh->err_text + sh->err_len, buf, keep);
		sh->err_len += keep;
	}
	sh->err_text[sh->err_len] = '\0';
	return NULL;
}

int fs_shell_start(const struct fs_side *side, int stdin_fd, int stdout_fd, struct shell *sh, struct diags *d)
{
	int in[2] = {-1, -1}, out[2] = {-1, -1}, errp[2] = {-1, -1};
	char *cmd = NULL;
	char *argv[] = {"sh", "-c", NULL, NULL};
	pid_t parent = getpid();
	struct sigaction dfl;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sh->pid = -1;
	sh->in = sh->out = sh->err = -1;
	sh->err_reading = false;
	sh->err_len = 0;
	if (pipe2(errp, O_CLOEXEC) != 0 || (stdin_fd < 0 && pipe2(in, O_CLOEXEC) != 0) ||
	    (stdout_fd < 0 && pipe2(out, O_CLOEXEC) != 0) || asprintf(&cmd, "exec %s", side->shell) < 0) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){side->name, 0, 0}, NULL, "cannot start the shell: %s", strerror(errno));
		for (int i = 0; i < 2; i++) {
			if (in[i] >= 0)
				close(in[i]);
			if (out[i] >= 0)
				close(out[i]);
			if (errp[i] >= 0)
				close(errp[i]);
		}
		return -1;
	}
	/* exec: the side's command (kubectl, sh) is the child itself, so the
	 * death signal reaches it */
	argv[2] = cmd;
	sh->pid = fork();
	if (sh->pid == 0) {
		/* only async-signal-safe calls until exec */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent ||
		    dup2(stdin_fd >= 0 ? stdin_fd : in[0], STDIN_FILENO) < 0 ||
		    dup2(stdout_fd >= 0 ? stdout_fd : out[1], STDOUT_FILENO) < 0 || dup2(errp[1], STDERR_FILENO) < 0)
			_exit(126);
		sigaction(SIGPIPE, &dfl, NULL);
		execve("/bin/sh", argv, environ);
		_exit(127);
	}
	free(cmd);
	if (in[0] >= 0)
		close(in[0]);
	if (out[1] >= 0)
		close(out[1]);
	close(errp[1]);
	sh->in = in[1];
	sh->out = out[0];
	sh->err = errp[0];
	/* without its reader, a shell that writes much on stderr would block */
	sh->err_reading = sh->pid > 0 && pthread_create(&sh->err_reader, NULL, read_stderr, sh) == 0;
	if (sh->pid > 0 && !sh->err_reading)
		kill(sh->pid, SIGKILL);
	if (sh->pid < 0) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){side->name, 0, 0}, NULL, "cannot run %s: %s", side->shell,
			 strerror(errno));
		return -1;
	}
	return 0;
}

bool fs_write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

char *fs_read_bounded(int fd, size_t max, size_t *len, bool *too_long)
{
	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap + 1);

	*too_long = false;
	while (b) {
		ssize_t r;

		if (n == cap) {
			char *bigger = cap >= max ? NULL : realloc(b, (cap * 2 > max ? max : cap * 2) + 1);

			*too_long = cap >= max;
			if (!bigger) {
				free(b);
				*len = 0;
				return NULL;
			}
			b = bigger;
			cap = cap * 2 > max ? max : cap * 2;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	if (b)
		b[n] = '\0';
	*len = n;
	return b;
}

/* Waits for the shell; every line it wrote on stderr is a problem of that
 * side (an unreadable file, a missing tool), at most 1000 of them and
 * FS_STDERR_MAX bytes. Returns its exit status. */
int fs_shell_finish(struct shell *sh, const struct fs_side *side, struct fs_stats *st)
{
	int status = 0, lines = 0;

	if (sh->in >= 0)
		close(sh->in);
	if (sh->out >= 0)
		close(sh->out);
	if (sh->pid > 0)
		while (waitpid(sh->pid, &status, 0) < 0 && errno == EINTR)
			;
	if (sh->err_reading)
		pthread_join(sh->err_reader, NULL);
	if (sh->err >= 0)
		close(sh->err);
	for (char *line = sh->err_reading ? sh->err_text : NULL; line && *line && lines < 1000;) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		if (*line) {
			fs_problem(st, side->name, NULL, line);
			lines++;
		}
		line = nl ? nl + 1 : NULL;
	}
	sh->err = -1;
	sh->err_reading = false;
	return sh->pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

char *fs_shell_run(const struct fs_side *side, const struct buf *script, size_t max, size_t *len, int *rc,
		   struct fs_stats *st, struct diags *d)
{
	struct shell sh;
	bool too_long = false;
	char *out;

	*rc = -1;
	*len = 0;
	if (script->failed || fs_shell_start(side, -1, -1, &sh, d) != 0)
		return NULL;
	/* The script can be larger than a pipe; the shell reads all of it before
	 * it answers, so writing it first cannot block forever. */
	fs_write_all(sh.in, script->data, script->len);
	close(sh.in);
	sh.in = -1;
	out = fs_read_bounded(sh.out, max, len, &too_long);
	if (too_long && sh.pid > 0)
		kill(sh.pid, SIGKILL);
	*rc = fs_shell_finish(&sh, side, st);
	if (!out && !too_long)
		diag_add(d, DIAG_ERROR, &(struct srcpos){side->name, 0, 0}, NULL, "out of memory reading what the %s's shell answered",
			 side->name);
	if (too_long) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){side->name, 0, 0},
			 "a filestore side that answers more than this is not trusted; check what its shell runs",
			 "the %s's shell answered more than %zu MiB; stopped", side->name, max >> 20);
		*rc = -1;
	}
	return out;
}

/* Reads the destination's "ready" line: from then on its shell is exec'ing
 * tar and reads nothing more of its input itself. */
bool fs_wait_ready(int fd)
{
	static const char ready[] = "KG-READY\n";
	size_t got = 0, seen = 0;
	char c;

	while (got < sizeof(ready) - 1) {
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || ++seen > 65536)
			return false;
		got = c == ready[got] ? got + 1 : c == ready[0];
	}
	return true;
}

void fs_script_cd(struct buf *b, const struct fs_side *side, bool create)
{
	if (create) {
		buf_puts(b, "mkdir -p -- ");
		fs_sh_quote(b, side->path);
		buf_puts(b, " && ");
	}
	buf_puts(b, "cd -- ");
	fs_sh_quote(b, side->path);
	buf_puts(b, " && exec ");
}

/* `{ printf '%s\0' 'a' 'b' ...; ...; } | ` : the paths as a NUL-separated
 * stream, written into the script itself. */
void fs_script_paths(struct buf *b, struct fs_entry **items, size_t n)
{
	buf_puts(b, "{ :");
	for (size_t i = 0; i < n; i++) {
		if (i % 256 == 0)
			buf_puts(b, "; printf '%s\\0'");
		buf_putc(b, ' ');
		fs_sh_quote(b, items[i]->path);
	}
	buf_puts(b, "; } | ");
}
