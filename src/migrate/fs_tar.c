/* The tar stream from the source is untrusted: a compromised pod can send
 * symbolic links, hard links, devices, FIFOs, setuid files, names with ".."
 * or a leading "/", and a file written through a link planted earlier in the
 * same stream. So the stream is never given to a tar that extracts it.
 * This reader takes from it only the regular files that were asked for, with
 * the size the listing gave, and writes a new archive of them for the
 * destination's tar: plain file members, permission bits only, owner 0 (the
 * destination's tar runs with --no-same-owner), names taken from the request,
 * not from the stream. It reads a bounded amount: what was asked for, plus a
 * little per member.
 *
 * The format is POSIX ustar with GNU's long-name member ('L'), which is what
 * GNU tar writes by default:
 * https://www.gnu.org/software/tar/manual/html_node/Standard.html */
#include "migrate/fs_internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK 512
/* Header fields used (offsets): name 0 (100 bytes), mode 100, size 124 (12),
 * mtime 136 (12), checksum 148 (8), type 156, magic 257, prefix 345 (155). */
/* per member beyond its data: its header, a long name and its padding */
#define MEMBER_OVERHEAD (3 * BLOCK + FS_PATH_MAX + 1)

struct tar_in {
	int fd;
	unsigned long long budget;  /* bytes the source may still send */
	bool eof, over_budget;
};

static size_t read_full(struct tar_in *in, char *p, size_t n)
{
	size_t got = 0;

	if (in->budget < n) {
		in->over_budget = true;
		return 0;
	}
	while (got < n) {
		ssize_t r = read(in->fd, p + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			in->eof = true;
			break;
		}
		got += (size_t)r;
	}
	in->budget -= got;
	return got;
}

/* Octal, or GNU's base-256 for large sizes (first byte 0x80). */
static bool tar_number(const unsigned char *f, size_t len, unsigned long long *out)
{
	unsigned long long v = 0;
	size_t i = 0;

	if (f[0] & 0x80) {
		for (i = 1; i < len; i++) {
			if (v >> 55)
				return false;
			v = (v << 8) | f[i];
		}
		*out = v;
		return (f[0] & 0x7f) == 0;
	}
	while (i < len && (f[i] == ' ' || f[i] == '\0'))
		i++;
	if (i == len)
		return false;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 60)
			return false;
		v = v * 8 + (unsigned)(f[i] - '0');
	}
	for (; i < len; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return false;
	*out = v;
	return true;
}

static bool checksum_ok(const unsigned char *h)
{
	unsigned long long want;
	unsigned sum = 0;

	if (!tar_number(h + 148, 8, &want))
		return false;
	for (size_t i = 0; i < BLOCK; i++)
		sum += i >= 148 && i < 156 ? ' ' : h[i];
	return sum == want;
}

/* width - 1 octal digits, then a NUL (the value fits: callers bound it) */
static void put_octal(unsigned char *f, size_t width, unsigned long long v)
{
	f[width - 1] = '\0';
	for (size_t i = width - 1; i-- > 0; v >>= 3)
		f[i] = (unsigned char)('0' + (v & 7));
}

static void set_checksum(unsigned char *h)
{
	unsigned sum = 0;

	memset(h + 148, ' ', 8);
	for (size_t i = 0; i < BLOCK; i++)
		sum += h[i];
	put_octal(h + 148, 7, sum);
}

static bool all_zero(const unsigned char *h)
{
	for (size_t i = 0; i < BLOCK; i++)
		if (h[i])
			return false;
	return true;
}

/* The member's name as the stream gives it, for lookup and for messages. */
static void member_name(const unsigned char *h, const char *longname, char *out, size_t cap)
{
	char name[101], prefix[156];

	if (longname[0]) {
		snprintf(out, cap, "%s", longname);
		return;
	}
	memcpy(name, h, 100);
	name[100] = '\0';
	memcpy(prefix, h + 345, 155);
	prefix[155] = '\0';
	if (memcmp(h + 257, "ustar", 5) == 0 && prefix[0])
		snprintf(out, cap, "%s/%s", prefix, name);
	else
		snprintf(out, cap, "%s", name);
}

static const char *type_refused(char type)
{
	switch (type) {
	case '1': return "refused: a hard link sent by the source's tar; only regular files are copied";
	case '2': return "refused: a symbolic link sent by the source's tar; only regular files are copied";
	case '3': return "refused: a character device sent by the source's tar; only regular files are copied";
	case '4': return "refused: a block device sent by the source's tar; only regular files are copied";
	case '6': return "refused: a FIFO sent by the source's tar; only regular files are copied";
	default: return "refused: a member of a kind tar cannot copy as a regular file; only regular files are copied";
	}
}

static int by_path(const void *a, const void *b)
{
	return strcmp((*(struct fs_entry *const *)a)->path, (*(struct fs_entry *const *)b)->path);
}

static int by_path_tail(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, (*(struct fs_entry *const *)b)->path + 2);
}

static bool write_all_blocks(int fd, const unsigned char *p, size_t n)
{
	return fs_write_all(fd, (const char *)p, n);
}

/* Octal up to 8 GiB, GNU's base-256 beyond. */
static void size_field(unsigned char *h, unsigned long long size)
{
	if (size <= 077777777777ULL) {
		put_octal(h + 124, 12, size);
		return;
	}
	h[124] = 0x80;
	for (size_t i = 11; i > 0; i--, size >>= 8)
		h[124 + i] = (unsigned char)(size & 0xff);
}

/* A plain member for e: a GNU long-name member first when the name is long. */
static bool write_header(int out, const struct fs_entry *e, unsigned long long mtime)
{
	const char *name = e->path + 2;
	size_t len = strlen(name);
	unsigned char h[BLOCK];

	if (len > 99) {
		unsigned char data[FS_PATH_MAX + 1 + BLOCK] = {0};

		memset(h, 0, sizeof(h));
		strcpy((char *)h, "././@LongLink");
		put_octal(h + 100, 8, 0644);
		put_octal(h + 108, 8, 0);
		put_octal(h + 116, 8, 0);
		put_octal(h + 124, 12, len + 1);
		put_octal(h + 136, 12, 0);
		h[156] = 'L';
		memcpy(h + 257, "ustar  ", 8);
		set_checksum(h);
		memcpy(data, name, len);
		if (!write_all_blocks(out, h, BLOCK) || !write_all_blocks(out, data, (len + 1 + BLOCK - 1) / BLOCK * BLOCK))
			return false;
	}
	memset(h, 0, sizeof(h));
	memcpy(h, name, len > 100 ? 100 : len);
	put_octal(h + 100, 8, e->mode & 0777u);
	put_octal(h + 108, 8, 0);
	put_octal(h + 116, 8, 0);
	put_octal(h + 136, 12, mtime > 077777777777ULL ? 077777777777ULL : mtime);
	h[156] = '0';
	memcpy(h + 257, "ustar  ", 8);
	size_field(h, (unsigned long long)e->size);
	set_checksum(h);
	return write_all_blocks(out, h, BLOCK);
}

/* Passes (out >= 0) or drops (out < 0) size bytes of data and their padding. */
static int pass_data(struct tar_in *in, int out, unsigned long long size)
{
	unsigned char buf[64 * 1024];
	unsigned long long left = (size + BLOCK - 1) / BLOCK * BLOCK;

	while (left > 0) {
		size_t n = left < sizeof(buf) ? (size_t)left : sizeof(buf);

		if (read_full(in, (char *)buf, n) != n)
			return 1;
		if (out >= 0 && !write_all_blocks(out, buf, n))
			return -1;
		left -= n;
	}
	return 0;
}

static unsigned long long budget_for(struct fs_entry **items, size_t n)
{
	unsigned long long b = 16 * MEMBER_OVERHEAD;

	for (size_t i = 0; i < n; i++)
		b += (unsigned long long)(items[i]->size + BLOCK - 1) / BLOCK * BLOCK + 3 * MEMBER_OVERHEAD;
	return b;
}

/* One member whose header is h: its data passed on or dropped. Returns 1
 * when it was passed, 0 when dropped, -1 when out failed, -2 when the
 * stream ended. */
static int one_member(struct tar_in *in, int out, const unsigned char *h, char *longname, struct fs_entry **sorted,
		      size_t n, const char *side, struct fs_stats *st)
{
	char name[FS_PATH_MAX + 160];
	const char *key;
	unsigned long long size, mtime = 0;
	struct fs_entry **found, *e;
	char type = (char)h[156];
	int r;

	if (!tar_number(h + 124, 12, &size))
		return -2;
	if (type == 'L') {
		if (size == 0 || size > FS_PATH_MAX + 1)
			return -2;
		char pad[BLOCK];
		size_t padding = (size_t)((BLOCK - size % BLOCK) % BLOCK);

		if (read_full(in, longname, (size_t)size) != size || read_full(in, pad, padding) != padding)
			return -2;
		longname[size - 1] = '\0';
		return 0;
	}
	member_name(h, longname, name, sizeof(name));
	longname[0] = '\0';
	if (type == 'K' || type == 'x' || type == 'g' || type == '5')  /* link names, pax records, directories */
		return pass_data(in, -1, size) == 0 ? 0 : -2;
	if (type != '0' && type != '\0') {
		fs_problem(st, side, name, type_refused(type));
		return type == '1' || type == '2' || pass_data(in, -1, size) == 0 ? 0 : -2;
	}
	key = strncmp(name, "./", 2) == 0 ? name + 2 : name;
	found = n ? bsearch(&key, sorted, n, sizeof(*sorted), by_path_tail) : NULL;
	e = found ? *found : NULL;
	if (!e || e->sent) {
		fs_problem(st, side, name, "refused: the source's tar sent a file that was not asked for");
		return pass_data(in, -1, size) == 0 ? 0 : -2;
	}
	if (size != (unsigned long long)e->size) {
		char what[160];

		snprintf(what, sizeof(what), "changed during the copy (%llu bytes, the listing said %lld); run the copy again",
			 size, e->size);
		fs_problem(st, side, e->path, what);
		return pass_data(in, -1, size) == 0 ? 0 : -2;
	}
	tar_number(h + 136, 12, &mtime);
	if (!write_header(out, e, mtime))
		return -1;
	r = pass_data(in, out, size);
	if (r != 0)
		return r < 0 ? -1 : -2;
	e->sent = true;
	return 1;
}

long fs_tar_filter(int in_fd, int out_fd, struct fs_entry **items, size_t n, const char *side, struct fs_stats *st)
{
	struct tar_in in = {in_fd, budget_for(items, n), false, false};
	struct fs_entry **sorted = malloc((n + 1) * sizeof(*sorted));
	char longname[FS_PATH_MAX + 1] = "";
	unsigned char h[BLOCK], end[2 * BLOCK] = {0};
	long passed = 0;
	int r = 0;

	if (!sorted)
		return -1;
	memcpy(sorted, items, n * sizeof(*sorted));
	/* every path starts with "./": in this order, the names without it are sorted too */
	if (n > 1)
		qsort(sorted, n, sizeof(*sorted), by_path);
	for (;;) {
		size_t got = read_full(&in, (char *)h, BLOCK);

		if (got == 0 && in.eof && !in.over_budget)
			break;      /* no end-of-archive blocks: tar stopped; what came is kept */
		if (got != BLOCK) {
			r = -2;
			break;
		}
		if (all_zero(h))
			break;
		if (!checksum_ok(h)) {
			fs_problem(st, side, "", "refused: the source sent something that is not a tar archive");
			break;
		}
		r = one_member(&in, out_fd, h, longname, sorted, n, side, st);
		if (r < 0)
			break;
		passed += r;
	}
	free(sorted);
	if (r == -2)
		fs_problem(st, side, "", in.over_budget ? "refused: the source's tar sent more than was asked for; stopped"
							 : "the source's tar stream ended inside a member");
	if (r == -1 || !write_all_blocks(out_fd, end, sizeof(end)))
		return -1;
	return passed;
}
