#include "compose/values.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

static int fail_with(const char **err, const char *msg)
{
	*err = msg;
	return -1;
}

struct unit {
	const char *name;
	int64_t ns;
};

static const struct unit duration_units[] = {
	{"ns", 1},
	{"us", 1000},
	{"\xc2\xb5s", 1000},  /* µs */
	{"ms", 1000000},
	{"s", 1000000000},
	{"m", 60LL * 1000000000},
	{"h", 3600LL * 1000000000},
	{NULL, 0},
};

int parse_duration(const char *s, int64_t *ns, const char **err)
{
	double total = 0;
	const char *p = s;

	if (!*s)
		return fail_with(err, "empty duration");
	if (strcmp(s, "0") == 0) {
		*ns = 0;
		return 0;
	}
	while (*p) {
		char *end;
		double v;
		const struct unit *u, *best = NULL;

		if (!isdigit((unsigned char)*p) && *p != '.')
			return fail_with(err, "a duration is a number with a unit, like 30s, 1m30s or 500ms");
		errno = 0;
		v = strtod(p, &end);
		if (end == p || errno)
			return fail_with(err, "invalid number in duration");
		p = end;
		for (u = duration_units; u->name; u++)
			if (strncmp(p, u->name, strlen(u->name)) == 0 && (!best || strlen(u->name) > strlen(best->name)))
				best = u;
		if (!best)
			return fail_with(err, "missing unit in duration; use ns, us, ms, s, m or h");
		p += strlen(best->name);
		total += v * (double)best->ns;
		if (total > 9.2e18)
			return fail_with(err, "duration too long");
	}
	*ns = (int64_t)llround(total);
	return 0;
}

/* Appends v / 10^prec with trailing zeros removed, as Go's fmtFrac does. */
static void append_frac(struct buf *b, int64_t v, int prec)
{
	char digits[64];
	int64_t scale = 1;

	for (int i = 0; i < prec; i++)
		scale *= 10;
	buf_printf(b, "%lld", (long long)(v / scale));
	if (v % scale) {
		int n = 0;
		int64_t f = v % scale;

		if (prec < 1 || prec > 18)
			return;
		snprintf(digits, sizeof(digits), "%0*lld", prec, (long long)f);
		n = (int)strlen(digits);
		while (n > 0 && digits[n - 1] == '0')
			n--;
		buf_putc(b, '.');
		buf_append(b, digits, (size_t)n);
	}
}

void format_duration(int64_t ns, char *out, size_t size)
{
	struct buf b = BUF_INIT;
	bool neg = ns < 0;
	uint64_t u = neg ? (uint64_t)(-(ns + 1)) + 1 : (uint64_t)ns;

	if (neg)
		buf_putc(&b, '-');
	if (u == 0) {
		buf_puts(&b, "0s");
	} else if (u < 1000000000ULL) {
		if (u < 1000)
			buf_printf(&b, "%lluns", (unsigned long long)u);
		else if (u < 1000000) {
			append_frac(&b, (int64_t)u, 3);
			buf_puts(&b, "\xc2\xb5s");
		} else {
			append_frac(&b, (int64_t)u, 6);
			buf_puts(&b, "ms");
		}
	} else {
		uint64_t h = u / 3600000000000ULL;
		uint64_t rem = u % 3600000000000ULL;
		uint64_t m = rem / 60000000000ULL;
		uint64_t sns = rem % 60000000000ULL;

		if (h)
			buf_printf(&b, "%lluh", (unsigned long long)h);
		if (h || m)
			buf_printf(&b, "%llum", (unsigned long long)m);
		append_frac(&b, (int64_t)sns, 9);
		buf_putc(&b, 's');
	}
	snprintf(out, size, "%s", buf_cstr(&b));
	buf_free(&b);
}

int parse_bytes(const char *s, int64_t *bytes, const char **err)
{
	char *end;
	double v;
	char unit[4] = "";
	size_t n = 0;
	double mult = 1;

	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s) && *s != '.')
		return fail_with(err, "a size is a number with an optional unit b, k, m, g or t, like 512m or 2g");
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || v < 0)
		return fail_with(err, "invalid size");
	while (*end && n < sizeof(unit) - 1)
		unit[n++] = (char)tolower((unsigned char)*end++);
	unit[n] = '\0';
	if (*end)
		return fail_with(err, "unknown size unit; use b, k, m, g or t (binary multiples)");
	if (!unit[0] || strcmp(unit, "b") == 0)
		mult = 1;
	else if (strcmp(unit, "k") == 0 || strcmp(unit, "kb") == 0 || strcmp(unit, "kib") == 0)
		mult = 1024.0;
	else if (strcmp(unit, "m") == 0 || strcmp(unit, "mb") == 0 || strcmp(unit, "mib") == 0)
		mult = 1024.0 * 1024;
	else if (strcmp(unit, "g") == 0 || strcmp(unit, "gb") == 0 || strcmp(unit, "gib") == 0)
		mult = 1024.0 * 1024 * 1024;
	else if (strcmp(unit, "t") == 0 || strcmp(unit, "tb") == 0 || strcmp(unit, "tib") == 0)
		mult = 1024.0 * 1024 * 1024 * 1024;
	else if (strcmp(unit, "p") == 0 || strcmp(unit, "pb") == 0 || strcmp(unit, "pib") == 0)
		mult = 1024.0 * 1024 * 1024 * 1024 * 1024;
	else
		return fail_with(err, "unknown size unit; use b, k, m, g or t (binary multiples)");
	if (v * mult > 9.2e18)
		return fail_with(err, "size too large");
	*bytes = (int64_t)(v * mult);
	return 0;
}

int parse_cpus(const char *s, double *cpus, const char **err)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno || v < 0 || !isfinite(v))
		return fail_with(err, "cpus is a non-negative number, like 0.5 or 2");
	*cpus = v;
	return 0;
}

void shell_words_free(char **words, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(words[i]);
	free(words);
}

static int push_word(char ***words, size_t *n, size_t *cap, struct buf *w)
{
	char *copy;

	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		char **v = realloc(*words, ncap * sizeof(*v));
		if (!v)
			return -1;
		*words = v;
		*cap = ncap;
	}
	copy = strdup(buf_cstr(w));
	if (!copy)
		return -1;
	(*words)[(*n)++] = copy;
	buf_reset(w);
	return 0;
}

int shell_split(const char *s, char ***out, size_t *n, const char **err)
{
	struct buf w = BUF_INIT;
	char **words = NULL;
	size_t cap = 0;
	bool in_word = false;
	int rc = 0;

	*n = 0;
	for (const char *p = s; *p && rc == 0; p++) {
		char c = *p;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			if (in_word && push_word(&words, n, &cap, &w))
				rc = fail_with(err, "out of memory");
			in_word = false;
			continue;
		}
		in_word = true;
		if (c == '\\') {
			if (p[1])
				buf_putc(&w, *++p);
		} else if (c == '\'') {
			const char *q = strchr(p + 1, '\'');
			if (!q) {
				rc = fail_with(err, "unterminated single quote in command");
				break;
			}
			buf_append(&w, p + 1, (size_t)(q - p - 1));
			p = q;
		} else if (c == '"') {
			p++;
			while (*p && *p != '"') {
				if (*p == '\\' && p[1] && strchr("\"\\$`\n", p[1]))
					p++;
				buf_putc(&w, *p++);
			}
			if (!*p) {
				rc = fail_with(err, "unterminated double quote in command");
				break;
			}
		} else {
			buf_putc(&w, c);
		}
	}
	if (rc == 0 && in_word && push_word(&words, n, &cap, &w))
		rc = fail_with(err, "out of memory");
	if (rc == 0 && w.failed)
		rc = fail_with(err, "out of memory");
	buf_free(&w);
	if (rc) {
		shell_words_free(words, *n);
		*n = 0;
		return -1;
	}
	*out = words;
	return 0;
}

#define PORT_RANGE_MAX 1000

static int parse_port_range(const char *s, size_t len, unsigned *lo, unsigned *hi)
{
	char tmp[32];
	char *dash, *end;
	unsigned long a, b;

	if (len == 0 || len >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	dash = strchr(tmp, '-');
	if (dash)
		*dash = '\0';
	if (!isdigit((unsigned char)tmp[0]))
		return -1;
	a = strtoul(tmp, &end, 10);
	if (*end || a > 65535)
		return -1;
	b = a;
	if (dash) {
		if (!isdigit((unsigned char)dash[1]))
			return -1;
		b = strtoul(dash + 1, &end, 10);
		if (*end || b > 65535 || b < a)
			return -1;
	}
	*lo = (unsigned)a;
	*hi = (unsigned)b;
	return 0;
}

int parse_port(const char *s, struct port_spec *p, const char **err)
{
	const char *proto = strchr(s, '/');
	size_t len = proto ? (size_t)(proto - s) : strlen(s);
	const char *body = s, *last_colon = NULL, *first_colon;

	memset(p, 0, sizeof(*p));
	strcpy(p->protocol, "tcp");
	if (proto) {
		if (strlen(proto + 1) == 0 || strlen(proto + 1) >= sizeof(p->protocol))
			return fail_with(err, "invalid protocol");
		strcpy(p->protocol, proto + 1);
	}
	if (len && body[0] == '[') {
		const char *close = memchr(body, ']', len);
		if (!close || close[1] != ':' || (size_t)(close - body - 1) >= sizeof(p->host_ip))
			return fail_with(err, "invalid IPv6 address");
		memcpy(p->host_ip, body + 1, (size_t)(close - body - 1));
		len -= (size_t)(close + 2 - body);
		body = close + 2;
	}
	for (size_t i = 0; i < len; i++)
		if (body[i] == ':')
			last_colon = body + i;
	first_colon = memchr(body, ':', len);
	if (!last_colon) {
		if (parse_port_range(body, len, &p->target_lo, &p->target_hi))
			return fail_with(err, "not a port number or range");
		return 0;
	}
	if (parse_port_range(last_colon + 1, len - (size_t)(last_colon + 1 - body), &p->target_lo, &p->target_hi))
		return fail_with(err, "invalid container port");
	if (first_colon != last_colon) {
		size_t iplen = (size_t)(first_colon - body);
		if (p->host_ip[0] || iplen >= sizeof(p->host_ip))
			return fail_with(err, "invalid host address");
		memcpy(p->host_ip, body, iplen);
		p->host_ip[iplen] = '\0';
		body = first_colon + 1;
	}
	if (last_colon > body &&
	    parse_port_range(body, (size_t)(last_colon - body), &p->published_lo, &p->published_hi))
		return fail_with(err, "invalid published port");
	/* A target range needs a published range of the same size; a single
	 * target may be published on any port of a range. */
	if (p->published_lo && p->target_hi != p->target_lo &&
	    p->published_hi - p->published_lo != p->target_hi - p->target_lo)
		return fail_with(err, "published and target port ranges differ in size");
	/* each port of a range becomes a mapping of its own (and a Service port
	 * after convert): 1-65535 would cost hundreds of MB for nothing usable */
	if (p->target_hi - p->target_lo >= PORT_RANGE_MAX)
		return fail_with(err, "a port range of more than 1000 ports; name the ports the service listens on");
	return 0;
}

void volume_spec_free(struct volume_spec *v)
{
	free(v->source);
	free(v->target);
	v->source = v->target = NULL;
}

static bool is_host_path(const char *s, size_t len)
{
	return len && (s[0] == '.' || s[0] == '/' || s[0] == '~' ||
		       (len >= 3 && isalpha((unsigned char)s[0]) && s[1] == ':' && s[2] == '\\'));
}

static int apply_volume_options(const char *opts, struct volume_spec *v, const char **err)
{
	const char *p = opts;

	while (*p) {
		size_t n = strcspn(p, ",");
		char opt[32];

		if (n >= sizeof(opt))
			return fail_with(err, "unknown volume option");
		memcpy(opt, p, n);
		opt[n] = '\0';
		if (strcmp(opt, "ro") == 0)
			v->read_only = 1;
		else if (strcmp(opt, "rw") == 0)
			v->read_only = 0;
		else if (strcmp(opt, "z") == 0 || strcmp(opt, "Z") == 0)
			strcpy(v->selinux, opt);
		else if (strcmp(opt, "nocopy") == 0)
			v->nocopy = 1;
		else if (strcmp(opt, "shared") == 0 || strcmp(opt, "rshared") == 0 || strcmp(opt, "slave") == 0 ||
			 strcmp(opt, "rslave") == 0 || strcmp(opt, "private") == 0 || strcmp(opt, "rprivate") == 0)
			strcpy(v->propagation, opt);
		else if (strcmp(opt, "cached") == 0 || strcmp(opt, "delegated") == 0 || strcmp(opt, "consistent") == 0)
			; /* macOS hints, no effect elsewhere */
		else
			return fail_with(err, "unknown option (ro, rw, z, Z, nocopy and propagation modes are known)");
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

int parse_volume(const char *s, struct volume_spec *v, const char **err)
{
	size_t len = strlen(s);
	const char *parts[3];
	size_t plen[3];
	size_t nparts = 0;
	const char *p = s;
	size_t skip = 0;

	memset(v, 0, sizeof(*v));
	if (!len)
		return fail_with(err, "empty volume");
	/* A Windows drive ("C:\\data") keeps its colon; "a:/b" is volume a. */
	if (len >= 3 && isalpha((unsigned char)s[0]) && s[1] == ':' && s[2] == '\\')
		skip = 2;
	while (nparts < 3) {
		const char *c = strchr(p + skip, ':');
		skip = 0;
		parts[nparts] = p;
		plen[nparts] = c ? (size_t)(c - p) : strlen(p);
		nparts++;
		if (!c)
			break;
		p = c + 1;
		if (nparts == 3)
			return fail_with(err, "too many colons");
	}
	if (nparts == 1) {
		v->target = strndup(parts[0], plen[0]);
		return v->target ? 0 : fail_with(err, "out of memory");
	}
	v->source = strndup(parts[0], plen[0]);
	v->target = strndup(parts[1], plen[1]);
	if (!v->source || !v->target) {
		volume_spec_free(v);
		return fail_with(err, "out of memory");
	}
	if (!plen[0] || !plen[1]) {
		volume_spec_free(v);
		return fail_with(err, "empty source or target");
	}
	v->bind = is_host_path(parts[0], plen[0]);
	if (nparts == 3) {
		char opts[64];
		if (plen[2] >= sizeof(opts)) {
			volume_spec_free(v);
			return fail_with(err, "volume options too long");
		}
		memcpy(opts, parts[2], plen[2]);
		opts[plen[2]] = '\0';
		if (apply_volume_options(opts, v, err)) {
			volume_spec_free(v);
			return -1;
		}
	}
	return 0;
}
