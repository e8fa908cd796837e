/* The Odoo filestore, copied only where the destination lacks a file or
 * holds it differently, and verified.
 *
 * Odoo names each attachment by the SHA-1 of its content (<2 hex>/<40 hex>),
 * so for those files a name is a checksum: equal name and size mean equal
 * content, and a copied file is verified by hashing it where it landed and
 * comparing with its name. Other files (checklist/ markers, anything else)
 * are compared by hashing both sides.
 *
 * Each side is a shell: `sh` for a local directory, or any command that
 * gives one on its standard input and output (`kubectl exec -i -n erp
 * odoo-0 -- sh`). A script is all a shell gets on its input: file lists are
 * written into it (printf of quoted paths), because dash, Debian's sh, reads
 * its input in blocks and would swallow data sent after the script. The one
 * stream that must follow a script, the tar stream into the destination, is
 * sent only after the destination's shell has said it is about to exec tar.
 * Nothing is needed there but sh, find, xargs, tar and sha1sum: the
 * filestore lands on the cluster's volume without a helper image. Batches go through `jobs` tar pipelines at once, from the source's
 * tar straight into the destination's, not through this process. */
#include "migrate/filestore.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "migrate/migrate.h"
#include "util/buf.h"
#include "util/clock.h"

extern char **environ;

#define MAX_JOBS 32
#define MAX_PROBLEMS 1000

struct fs_entry {
	char *path;
	long long size;
	unsigned mode;
	char hash[41];             /* SHA-1 of the content on this side, when hashed */
	char dhash[41];            /* source entries: SHA-1 of the copy where it landed */
};

struct fs_list {
	struct fs_entry *v;
	size_t n, cap;
	char *blob;                /* the listing the paths point into */
};

static bool hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

bool fs_content_addressed(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t len = strlen(path);

	if (!base || strlen(base + 1) != 40 || !hex(base + 1, 40) || base - path < 2 || len < 43)
		return false;
	/* the parent directory is the first two characters of the name */
	return base - path >= 3 ? (base[-3] == '/' && memcmp(base - 2, base + 1, 2) == 0)
				: memcmp(path, base + 1, 2) == 0;
}

/* --- problems --- */

static pthread_mutex_t problems_lock = PTHREAD_MUTEX_INITIALIZER;

static void problem(struct fs_stats *st, const char *side, const char *path, const char *what)
{
	struct fs_problem *v;

	pthread_mutex_lock(&problems_lock);
	if (st->nproblems >= MAX_PROBLEMS) {
		st->more_problems++;
	} else if ((v = realloc(st->problems, (st->nproblems + 1) * sizeof(*v))) != NULL) {
		st->problems = v;
		v[st->nproblems].side = strdup(side);
		/* paths are "./..." for the tools; shown relative to the directory */
		v[st->nproblems].path = strdup(!path ? "" : strncmp(path, "./", 2) == 0 ? path + 2 : path);
		v[st->nproblems].what = strdup(what);
		st->nproblems++;
	}
	pthread_mutex_unlock(&problems_lock);
}

void fs_stats_free(struct fs_stats *st)
{
	for (size_t i = 0; i < st->nproblems; i++) {
		free(st->problems[i].side);
		free(st->problems[i].path);
		free(st->problems[i].what);
	}
	free(st->problems);
	memset(st, 0, sizeof(*st));
}

size_t fs_unresolved(const struct fs_stats *st)
{
	size_t n = st->more_problems;

	for (size_t i = 0; i < st->nproblems; i++)
		n += strncmp(st->problems[i].what, "repaired:", 9) != 0;
	return n;
}

/* --- shells --- */

struct shell {
	pid_t pid;
	int in, out, err;          /* -1 when given to another process */
};

/* 'path' for sh, single quotes escaped. */
static void sh_quote(struct buf *b, const char *s)
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
static int shell_start(const struct fs_side *side, int stdin_fd, int stdout_fd, struct shell *sh, struct diags *d)
{
	char errpath[] = "/tmp/kgenius-fs.XXXXXX";
	int in[2] = {-1, -1}, out[2] = {-1, -1};
	char *cmd = NULL;
	char *argv[] = {"sh", "-c", NULL, NULL};
	pid_t parent = getpid();
	struct sigaction dfl;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sh->pid = -1;
	sh->in = sh->out = -1;
	sh->err = mkostemp(errpath, O_CLOEXEC);
	if (sh->err < 0 || (stdin_fd < 0 && pipe2(in, O_CLOEXEC) != 0) || (stdout_fd < 0 && pipe2(out, O_CLOEXEC) != 0)) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){side->name, 0, 0}, NULL, "cannot start the shell: %s", strerror(errno));
		return -1;
	}
	unlink(errpath);
	/* exec: the side's command (kubectl, sh) is the child itself, so the
	 * death signal reaches it */
	if (asprintf(&cmd, "exec %s", side->shell) < 0)
		return -1;
	argv[2] = cmd;
	sh->pid = fork();
	if (sh->pid == 0) {
		/* only async-signal-safe calls until exec */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent ||
		    dup2(stdin_fd >= 0 ? stdin_fd : in[0], STDIN_FILENO) < 0 ||
		    dup2(stdout_fd >= 0 ? stdout_fd : out[1], STDOUT_FILENO) < 0 || dup2(sh->err, STDERR_FILENO) < 0)
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
	sh->in = in[1];
	sh->out = out[0];
	if (sh->pid < 0) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){side->name, 0, 0}, NULL, "cannot run %s: %s", side->shell,
			 strerror(errno));
		return -1;
	}
	return 0;
}

static bool write_all(int fd, const char *p, size_t n)
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

static char *read_all(int fd, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap + 1);

	while (b) {
		ssize_t r;

		if (n == cap) {
			char *bigger = realloc(b, cap * 2 + 1);

			if (!bigger) {
				free(b);
				return NULL;
			}
			b = bigger;
			cap *= 2;
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
 * side (an unreadable file, a missing tool). Returns its exit status. */
static int shell_finish(struct shell *sh, const struct fs_side *side, struct fs_stats *st)
{
	int status = 0;
	char buf[4096];
	FILE *fp;

	if (sh->in >= 0)
		close(sh->in);
	if (sh->out >= 0)
		close(sh->out);
	if (sh->pid > 0)
		while (waitpid(sh->pid, &status, 0) < 0 && errno == EINTR)
			;
	if (sh->err >= 0) {
		lseek(sh->err, 0, SEEK_SET);
		fp = fdopen(sh->err, "r");
		while (fp && fgets(buf, sizeof(buf), fp)) {
			buf[strcspn(buf, "\n")] = '\0';
			if (buf[0])
				problem(st, side->name, NULL, buf);
		}
		if (fp)
			fclose(fp);
		else
			close(sh->err);
	}
	return sh->pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void script_cd(struct buf *b, const struct fs_side *side, bool create)
{
	if (create) {
		buf_puts(b, "mkdir -p -- ");
		sh_quote(b, side->path);
		buf_puts(b, " && ");
	}
	buf_puts(b, "cd -- ");
	sh_quote(b, side->path);
	buf_puts(b, " && exec ");
}

/* `{ printf '%s\0' 'a' 'b' ...; ...; } | ` : the paths as a NUL-separated
 * stream, written into the script itself. */
static void script_paths(struct buf *b, struct fs_entry **items, size_t n)
{
	buf_puts(b, "{ :");
	for (size_t i = 0; i < n; i++) {
		if (i % 256 == 0)
			buf_puts(b, "; printf '%s\\0'");
		buf_putc(b, ' ');
		sh_quote(b, items[i]->path);
	}
	buf_puts(b, "; } | ");
}

/* --- listing --- */

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct fs_entry *)a)->path, ((const struct fs_entry *)b)->path);
}

static int list_side(const struct fs_side *side, bool create, struct fs_list *l, struct fs_stats *st, struct diags *d)
{
	struct buf script = BUF_INIT;
	struct shell sh;
	size_t len = 0;
	char *p, *end;
	int rc;

	memset(l, 0, sizeof(*l));
	script_cd(&script, side, create);
	buf_puts(&script, "find . -type f -printf '%s %m %p\\0'\n");
	if (script.failed || shell_start(side, -1, -1, &sh, d) != 0) {
		buf_free(&script);
		return -1;
	}
	write_all(sh.in, script.data, script.len);
	close(sh.in);
	sh.in = -1;
	buf_free(&script);
	l->blob = read_all(sh.out, &len);
	rc = shell_finish(&sh, side, st);
	if (!l->blob || rc != 0) {
		diag_add(d, DIAG_ERROR, &(struct srcpos){side->name, 0, 0},
			 "check the path, and that the shell has find (GNU findutils), tar, xargs and sha1sum",
			 "cannot list %s (exit %d)", side->path, rc);
		return -1;
	}
	for (p = l->blob, end = l->blob + len; p < end;) {
		char *rec_end = memchr(p, '\0', (size_t)(end - p)), *sp1, *sp2;
		struct fs_entry *e;

		if (!rec_end)
			break;
		sp1 = strchr(p, ' ');
		sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
		if (sp2) {
			if (l->n == l->cap) {
				size_t cap = l->cap ? l->cap * 2 : 1024;
				struct fs_entry *v = realloc(l->v, cap * sizeof(*v));

				if (!v)
					return -1;
				l->v = v;
				l->cap = cap;
			}
			e = &l->v[l->n++];
			e->size = atoll(p);
			e->mode = (unsigned)strtoul(sp1 + 1, NULL, 8);
			e->path = sp2 + 1;
			e->hash[0] = '\0';
		}
		p = rec_end + 1;
	}
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), by_path);
	return 0;
}

struct list_task {
	const struct fs_side *side;
	bool create;
	struct fs_list *list;
	struct fs_stats *st;
	struct diags d;
	int rc;
};

static void *list_worker(void *arg)
{
	struct list_task *t = arg;

	diags_init(&t->d);
	t->rc = list_side(t->side, t->create, t->list, t->st, &t->d);
	return NULL;
}

static void list_free(struct fs_list *l)
{
	free(l->v);
	free(l->blob);
	memset(l, 0, sizeof(*l));
}

static struct fs_entry *find_entry(struct fs_list *l, const char *path)
{
	struct fs_entry key = {(char *)path, 0, 0, "", ""};

	return l->n ? bsearch(&key, l->v, l->n, sizeof(*l->v), by_path) : NULL;
}

/* --- hashing, in `jobs` processes at once --- */

struct hash_task {
	const struct fs_side *side;
	struct fs_list *list;
	bool into_dhash;           /* the side is the destination, the list the source's */
	struct fs_entry **items;
	size_t n;
	struct fs_stats *st;
	struct diags d;
	int rc;
};

static void *hash_worker(void *arg)
{
	struct hash_task *t = arg;
	struct buf in = BUF_INIT;
	struct shell sh;
	size_t len = 0;
	char *out, *p, *end;

	diags_init(&t->d);
	t->rc = -1;
	buf_puts(&in, "cd -- ");
	sh_quote(&in, t->side->path);
	buf_puts(&in, " && ");
	script_paths(&in, t->items, t->n);
	buf_puts(&in, "xargs -0 sha1sum -z --\n");
	if (in.failed || shell_start(t->side, -1, -1, &sh, &t->d) != 0) {
		buf_free(&in);
		return NULL;
	}
	/* The script can be larger than a pipe; the shell reads all of it before
	 * it answers, so writing it first cannot block forever. */
	write_all(sh.in, in.data, in.len);
	close(sh.in);
	sh.in = -1;
	out = read_all(sh.out, &len);
	buf_free(&in);
	t->rc = shell_finish(&sh, t->side, t->st);
	for (p = out, end = out ? out + len : NULL; out && p < end;) {
		char *rec_end = memchr(p, '\0', (size_t)(end - p));
		struct fs_entry *e;

		if (!rec_end)
			break;
		if (rec_end - p > 42 && p[40] == ' ' && (e = find_entry(t->list, p + 42)) != NULL)
			memcpy(t->into_dhash ? e->dhash : e->hash, p, 40), (t->into_dhash ? e->dhash : e->hash)[40] = '\0';
		p = rec_end + 1;
	}
	free(out);
	return NULL;
}

static int hash_entries(const struct fs_opts *o, const struct fs_side *side, struct fs_list *list,
			struct fs_entry **items, size_t n, struct fs_stats *st, struct diags *d)
{
	struct hash_task tasks[MAX_JOBS];
	pthread_t threads[MAX_JOBS];
	size_t jobs = (size_t)o->jobs, started = 0;

	if (n == 0)
		return 0;
	if (jobs > n)
		jobs = n;
	for (size_t k = 0; k < jobs; k++) {
		size_t from = n * k / jobs, to = n * (k + 1) / jobs;

		tasks[k] = (struct hash_task){side, list, false, items + from, to - from, st, {0}, 0};
		if (pthread_create(&threads[k], NULL, hash_worker, &tasks[k]) == 0)
			started++;
		else
			break;
	}
	for (size_t k = 0; k < started; k++) {
		pthread_join(threads[k], NULL);
		diags_merge(d, &tasks[k].d);
		diags_free(&tasks[k].d);
	}
	return started == jobs ? 0 : -1;
}

/* --- copying, in `jobs` tar pipelines at once --- */

/* A batch goes through one tar pipeline, then is hashed where it landed
 * while other batches are still copying. */
struct copy_pool {
	const struct fs_opts *o;
	struct fs_list *src;
	struct fs_entry **items;
	size_t n, batch, next;
	pthread_mutex_t lock;
	bool failed;
	struct fs_stats *st;
};

struct copy_task {
	struct copy_pool *pool;
	struct diags d;
};

/* Reads the destination's "ready" line: from then on its shell is exec'ing
 * tar and reads nothing more of its input itself. */
static bool wait_ready(int fd)
{
	static const char ready[] = "KG-READY\n";
	size_t got = 0;
	char c;

	while (got < sizeof(ready) - 1) {
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		got = c == ready[got] ? got + 1 : c == ready[0];
	}
	return true;
}

static bool copy_batch(const struct fs_opts *o, struct fs_entry **items, size_t n, struct fs_stats *st, struct diags *d)
{
	struct buf head = BUF_INIT, list = BUF_INIT;
	struct shell src, dst;
	bool ok = false;

	script_cd(&head, &o->dst, true);
	buf_puts(&head, "sh -c 'echo KG-READY; exec tar -xpf -'\n");
	buf_puts(&list, "cd -- ");
	sh_quote(&list, o->src.path);
	buf_puts(&list, " && ");
	script_paths(&list, items, n);
	buf_puts(&list, "tar -cf - --null -T -\n");
	if (head.failed || list.failed || shell_start(&o->dst, -1, -1, &dst, d) != 0)
		goto out;
	ok = write_all(dst.in, head.data, head.len) && wait_ready(dst.out);
	if (ok)
		ok = shell_start(&o->src, -1, dst.in, &src, d) == 0;
	close(dst.in);
	dst.in = -1;
	if (ok) {
		ok = write_all(src.in, list.data, list.len);
		close(src.in);
		src.in = -1;
		if (shell_finish(&src, &o->src, st) != 0)
			ok = false;
	}
	if (shell_finish(&dst, &o->dst, st) != 0)
		ok = false;
out:
	buf_free(&head);
	buf_free(&list);
	return ok;
}

static void *copy_worker(void *arg)
{
	struct copy_task *t = arg;
	struct copy_pool *pool = t->pool;
	const struct fs_opts *o = pool->o;

	diags_init(&t->d);
	for (;;) {
		struct fs_entry **items, *other[256];
		size_t n, nother = 0;
		bool ok;

		pthread_mutex_lock(&pool->lock);
		items = pool->failed || pool->next >= pool->n ? NULL : pool->items + pool->next;
		n = items ? (pool->n - pool->next < pool->batch ? pool->n - pool->next : pool->batch) : 0;
		pool->next += n;
		pthread_mutex_unlock(&pool->lock);
		if (!items)
			break;
		ok = copy_batch(o, items, n, pool->st, &t->d);
		if (ok) {
			struct hash_task h = {&o->dst, pool->src, true, items, n, pool->st, {0}, 0};

			hash_worker(&h);
			diags_merge(&t->d, &h.d);
			diags_free(&h.d);
			/* files named otherwise than by their content: compare with the source's hash */
			for (size_t i = 0; i < n; i++)
				if (!fs_content_addressed(items[i]->path) && !items[i]->hash[0] && nother < 256)
					other[nother++] = items[i];
			if (nother) {
				struct hash_task hs = {&o->src, pool->src, false, other, nother, pool->st, {0}, 0};

				hash_worker(&hs);
				diags_free(&hs.d);
			}
		}
		if (!ok) {
			pthread_mutex_lock(&pool->lock);
			pool->failed = true;
			pthread_mutex_unlock(&pool->lock);
		}
	}
	return NULL;
}

static int copy_entries(const struct fs_opts *o, struct fs_list *src, struct fs_entry **items, size_t n,
			struct fs_stats *st, struct diags *d)
{
	struct copy_task tasks[MAX_JOBS];
	pthread_t threads[MAX_JOBS];
	struct copy_pool pool = {o, src, items, n, 0, 0, PTHREAD_MUTEX_INITIALIZER, false, st};
	size_t jobs = (size_t)o->jobs, started = 0;

	if (n == 0)
		return 0;
	/* Four batches per job: copying and hashing of different batches overlap. */
	pool.batch = n / (jobs * 4) + 1;
	if (pool.batch > 2000)
		pool.batch = 2000;
	for (size_t k = 0; k < jobs; k++) {
		tasks[k].pool = &pool;
		if (pthread_create(&threads[k], NULL, copy_worker, &tasks[k]) == 0)
			started++;
		else
			break;
	}
	for (size_t k = 0; k < started; k++) {
		pthread_join(threads[k], NULL);
		diags_merge(d, &tasks[k].d);
		diags_free(&tasks[k].d);
	}
	pthread_mutex_destroy(&pool.lock);
	return started > 0 && !pool.failed ? 0 : -1;
}

static int delete_entries(const struct fs_opts *o, struct fs_entry **items, size_t n, struct fs_stats *st,
			  struct diags *d)
{
	struct buf in = BUF_INIT;
	struct shell sh;
	int rc;

	if (n == 0)
		return 0;
	buf_puts(&in, "cd -- ");
	sh_quote(&in, o->dst.path);
	buf_puts(&in, " && ");
	script_paths(&in, items, n);
	buf_puts(&in, "xargs -0 rm -f --\n");
	if (in.failed || shell_start(&o->dst, -1, -1, &sh, d) != 0) {
		buf_free(&in);
		return -1;
	}
	write_all(sh.in, in.data, in.len);
	close(sh.in);
	sh.in = -1;
	buf_free(&in);
	rc = shell_finish(&sh, &o->dst, st);
	if (rc == 0)
		st->deleted += n;
	return rc == 0 ? 0 : -1;
}

/* --- the run --- */

/* Content-addressed files must hash to their name; others to the source's hash. */
static void check_hash(struct fs_stats *st, const char *side, const struct fs_entry *e, const char *want)
{
	char what[160];

	if (!e->hash[0]) {
		problem(st, side, e->path, "unreadable: no hash");
		return;
	}
	if (strcmp(e->hash, want) != 0) {
		snprintf(what, sizeof(what), "corrupt: content hashes to %s, expected %s", e->hash, want);
		problem(st, side, e->path, what);
	}
}

/* The copy of e where it landed: its name for a content-addressed file, the
 * source's hash for any other. */
static void check_dhash(struct fs_stats *st, const char *side, const struct fs_entry *e)
{
	const char *want = fs_content_addressed(e->path) ? strrchr(e->path, '/') + 1 : e->hash;
	char what[160];

	if (!want[0]) {
		problem(st, "source", e->path, "unreadable: no hash");
		return;
	}
	if (strcmp(e->dhash, want) != 0) {
		snprintf(what, sizeof(what), "corrupt: content hashes to %s, expected %s", e->dhash, want);
		problem(st, side, e->path, what);
	}
}

int migrate_filestore(const struct fs_opts *o, struct fs_stats *st, FILE *events, struct diags *d)
{
	struct fs_list src = {0}, dst = {0};
	struct fs_entry **copy = NULL, **other_src = NULL, **other_dst = NULL, **extra = NULL;
	size_t ncopy = 0, nother = 0, nextra = 0;
	double t0 = clock_seconds(), t;
	int rc = -1;

	memset(st, 0, sizeof(*st));
	signal(SIGPIPE, SIG_IGN);
	/* Both sides are listed at once: on a pass with nothing to copy, the
	 * listing is all the time there is. */
	{
		struct list_task lt = {&o->dst, true, &dst, st, {0}, -1};
		pthread_t th;
		bool threaded = pthread_create(&th, NULL, list_worker, &lt) == 0;
		int src_rc = list_side(&o->src, false, &src, st, d);

		if (threaded)
			pthread_join(th, NULL);
		else
			list_worker(&lt);
		diags_merge(d, &lt.d);
		diags_free(&lt.d);
		if (src_rc != 0 || lt.rc != 0)
			goto out;
	}
	st->list_seconds = clock_seconds() - t0;
	st->src_files = src.n;
	st->dst_files = dst.n;
	copy = calloc(src.n + 1, sizeof(*copy));
	other_src = calloc(src.n + 1, sizeof(*other_src));
	other_dst = calloc(src.n + 1, sizeof(*other_dst));
	extra = calloc(dst.n + 1, sizeof(*extra));
	if (!copy || !other_src || !other_dst || !extra)
		goto out;
	/* Compare: missing or different size or mode is copied; same size is the
	 * same content for a content-addressed name, else both are hashed. */
	for (size_t i = 0, j = 0; i < src.n || j < dst.n;) {
		int c = i >= src.n ? 1 : j >= dst.n ? -1 : strcmp(src.v[i].path, dst.v[j].path);

		if (c < 0) {
			copy[ncopy++] = &src.v[i++];
		} else if (c > 0) {
			extra[nextra++] = &dst.v[j++];
		} else {
			st->src_bytes += src.v[i].size;
			if (src.v[i].size != dst.v[j].size && fs_content_addressed(src.v[i].path)) {
				char what[128];

				/* a content-addressed file has one size: this one was cut short or damaged */
				snprintf(what, sizeof(what), "repaired: %lld bytes instead of %lld; copied again", dst.v[j].size,
					 src.v[i].size);
				problem(st, o->dst.name, dst.v[j].path, what);
				copy[ncopy++] = &src.v[i];
			} else if (src.v[i].size != dst.v[j].size || src.v[i].mode != dst.v[j].mode)
				copy[ncopy++] = &src.v[i];
			else if (!fs_content_addressed(src.v[i].path) || o->verify_all) {
				other_src[nother] = &src.v[i];
				other_dst[nother++] = &dst.v[j];
			} else
				st->unchanged++;
			i++;
			j++;
		}
	}
	for (size_t k = 0; k < ncopy; k++)
		if (!find_entry(&dst, copy[k]->path))
			st->src_bytes += copy[k]->size;
	if (nother) {
		/* both sides hashed: differing ones are copied */
		if (hash_entries(o, &o->src, &src, other_src, nother, st, d) != 0 ||
		    hash_entries(o, &o->dst, &dst, other_dst, nother, st, d) != 0)
			goto out;
		for (size_t k = 0; k < nother; k++) {
			bool same = other_src[k]->hash[0] && strcmp(other_src[k]->hash, other_dst[k]->hash) == 0;

			if (fs_content_addressed(other_src[k]->path))
				check_hash(st, o->src.name, other_src[k], strrchr(other_src[k]->path, '/') + 1);
			if (!same && other_dst[k]->hash[0] && other_src[k]->hash[0])
				problem(st, o->dst.name, other_dst[k]->path, "repaired: its content differed from the source's; copied again");
			if (same)
				st->unchanged++;
			else
				copy[ncopy++] = other_src[k];
		}
	}
	migrate_event(events, o->events_json, "compare", "%zu files on the source, %zu on the target: %zu to copy, %zu the same, "
		      "%zu only on the target", src.n, dst.n, ncopy, st->unchanged, nextra);
	if (o->check_only) {
		for (size_t k = 0; k < ncopy; k++)
			problem(st, o->dst.name, copy[k]->path,
				find_entry(&dst, copy[k]->path) ? "differs from the source" : "missing on the target");
		rc = 0;
		goto out;
	}
	t = clock_seconds();
	if (copy_entries(o, &src, copy, ncopy, st, d) != 0)
		goto out;
	st->copy_seconds = clock_seconds() - t;
	st->copied = ncopy;
	for (size_t k = 0; k < ncopy; k++)
		st->copied_bytes += copy[k]->size;
	if (o->delete_extra && delete_entries(o, extra, nextra, st, d) != 0)
		goto out;
	/* Every file copied was hashed where it landed, batch by batch. */
	t = clock_seconds();
	for (size_t k = 0; k < ncopy; k++) {
		const struct fs_entry *e = copy[k];

		if (!e->dhash[0]) {
			problem(st, o->dst.name, e->path, "missing or unreadable after the copy");
			continue;
		}
		st->verified++;
		check_dhash(st, o->dst.name, e);
	}
	/* A content-addressed file that does not hash to its name on the
	 * target was damaged at the source if it does not there either. */
	{
		struct fs_entry **suspects = calloc(st->nproblems + 1, sizeof(*suspects));
		size_t ns = 0;

		for (size_t k = 0; suspects && k < st->nproblems; k++) {
			struct fs_entry *e;
			char path[4096];

			snprintf(path, sizeof(path), "./%s", st->problems[k].path);
			if (strcmp(st->problems[k].side, o->dst.name) == 0 && strncmp(st->problems[k].what, "corrupt", 7) == 0 &&
			    fs_content_addressed(path) && (e = find_entry(&src, path)) && !e->hash[0])
				suspects[ns++] = e;
		}
		if (ns && hash_entries(o, &o->src, &src, suspects, ns, st, d) == 0)
			for (size_t k = 0; k < ns; k++)
				check_hash(st, o->src.name, suspects[k], strrchr(suspects[k]->path, '/') + 1);
		free(suspects);
	}
	st->verify_seconds = clock_seconds() - t;
	rc = 0;
out:
	st->seconds = clock_seconds() - t0;
	free(copy);
	free(other_src);
	free(other_dst);
	free(extra);
	list_free(&src);
	list_free(&dst);
	return rc;
}
