/* A Compose service as the later stages need it: typed, with the source
 * position of every value a diagnostic may point at. Built once from the
 * canonical Compose tree (src/compose/); convert and diagnose read only
 * this, never the tree. */
#ifndef KG_MODEL_SERVICE_H
#define KG_MODEL_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "facts/image.h"
#include "util/arena.h"
#include "util/diag.h"
#include "yaml/node.h"

struct env_var {
	const char *name;
	const char *value;       /* "" when declared without a value */
	bool has_value;          /* a string value, not a bare name */
	bool from_file;          /* NAME read from the file secret NAME_FILE names */
	bool resolved_file;      /* NAME_FILE, whose file became NAME */
	struct srcpos name_pos, value_pos;
};

struct volume {
	const char *type;        /* "bind", "volume", "tmpfs", ... */
	const char *source;      /* NULL for an anonymous volume */
	const char *target;
	struct srcpos pos;
};

struct port {
	const char *published;   /* NULL when not published on the host */
	struct srcpos pos;
};

struct word {
	const char *text;
	struct srcpos pos;
};

/* command: or entrypoint: */
struct words {
	bool present;            /* set, and not null */
	struct word *v;
	size_t n;
	struct srcpos pos;
};

struct healthcheck {
	bool present;
	bool disabled;
	const char *interval, *timeout, *start_period;   /* Go durations, or NULL */
	bool has_retries;
	int retries;
};

/* A setting with where it was written; text NULL when unset. */
struct setting {
	const char *text;
	struct srcpos pos;
};

struct service {
	const char *name;
	enum role role;
	struct image image;
	struct srcpos pos;            /* the service's mapping */
	struct srcpos name_pos;       /* its key under services: */
	struct setting image_ref;     /* image: as written */
	struct srcpos build_pos;      /* build:, line 0 when the service is not built */
	const char *build_base;       /* the Dockerfile's FROM image, when built */
	const char *build_unknown;    /* why the base is unknown, when built */
	struct env_var *env;
	size_t nenv;
	struct volume *volumes;
	size_t nvolumes;
	struct port *ports;
	size_t nports;
	struct healthcheck health;
	struct words command, entrypoint;
	double cpus_limit;            /* deploy.resources.limits; 0 when unset */
	int64_t memory_limit;
	long long replicas;           /* deploy.replicas; 0 when unset */
	struct srcpos replicas_pos;
	int64_t shm_size;             /* 0 when unset */
	bool privileged;
	struct srcpos privileged_pos;
	struct setting user, network_mode, hostname, container_name;
	struct word *aliases;         /* network aliases, every network */
	size_t naliases;
};

/* Fills s from the canonical Compose service def named name (key at
 * name_pos). Returns 0, or -1 when an allocation fails. */
int service_build(struct arena *a, const char *name, const struct srcpos *name_pos, const struct ynode *def,
		  struct service *s);

/* A variable of the service's environment, or NULL. */
const struct env_var *service_env_var(const struct service *s, const char *name);
/* Its string value, or NULL when unset or declared without a value. */
const char *service_env(const struct service *s, const char *name);
/* True when vol is a bind mount with a source and a target. */
bool volume_is_bind(const struct volume *vol);

#endif
