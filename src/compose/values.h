/* Parsers for the value syntaxes Compose files use. Each returns 0 on
 * success and -1 with a message in err (never NULL when it fails). */
#ifndef KG_COMPOSE_VALUES_H
#define KG_COMPOSE_VALUES_H

#include <stddef.h>
#include <stdint.h>

/* Go duration syntax ("1m30s", "500ms", "1.5h"), as Compose uses it. */
int parse_duration(const char *s, int64_t *ns, const char **err);
/* The same duration written the way Go prints it ("1m30s", "1h0m0s"). */
void format_duration(int64_t ns, char *out, size_t size);

/* Byte sizes with binary units: "512m", "1g", "1.5gb", "2048k", "100". */
int parse_bytes(const char *s, int64_t *bytes, const char **err);

/* A CPU count: "0.5", "2", as a double >= 0. */
int parse_cpus(const char *s, double *cpus, const char **err);

/* Splits a command string into words like a POSIX shell does (quotes and
 * backslashes, no expansion). *out is a malloc'd array of malloc'd words. */
int shell_split(const char *s, char ***out, size_t *n, const char **err);
void shell_words_free(char **words, size_t n);

/* One entry of the short port syntax "[ip:][published:]target[/proto]",
 * ranges allowed on both sides. */
struct port_spec {
	char host_ip[64];
	unsigned published_lo, published_hi;  /* 0 when not published */
	unsigned target_lo, target_hi;
	char protocol[8];
};
int parse_port(const char *s, struct port_spec *p, const char **err);

/* The short volume syntax "[source:]target[:options]". */
struct volume_spec {
	char *source;    /* NULL for an anonymous volume; malloc'd */
	char *target;    /* malloc'd */
	int bind;        /* source is a host path */
	int read_only;
	int nocopy;
	char selinux[2]; /* "z", "Z" or "" */
	char propagation[16];
};
int parse_volume(const char *s, struct volume_spec *v, const char **err);
void volume_spec_free(struct volume_spec *v);

#endif
