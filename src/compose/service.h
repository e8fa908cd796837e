/* Normalisers for the structured service keys, one per key. Internal. */
#ifndef KG_COMPOSE_SERVICE_H
#define KG_COMPOSE_SERVICE_H

#include "compose/loader.h"

typedef struct ynode *(*key_normalizer)(struct loader *ld, const struct ynode *v, const char *path);

/* service_net.c */
struct ynode *norm_ports(struct loader *ld, const struct ynode *v, const char *path);
struct ynode *norm_expose(struct loader *ld, const struct ynode *v, const char *path);
struct ynode *norm_service_networks(struct loader *ld, const struct ynode *v, const char *path);
struct ynode *norm_extra_hosts(struct loader *ld, const struct ynode *v, const char *path);

/* service_storage.c */
struct ynode *norm_volumes(struct loader *ld, const struct ynode *v, const char *path);
struct ynode *norm_tmpfs(struct loader *ld, const struct ynode *v, const char *path);
struct ynode *norm_file_refs(struct loader *ld, const struct ynode *v, const char *path);

/* service_run.c */
struct ynode *norm_command(struct loader *ld, const struct ynode *v, const char *path);
struct ynode *norm_environment(struct loader *ld, const struct ynode *v, const char *path);
struct ynode *norm_env_file(struct loader *ld, const struct ynode *v, const char *path);
struct ynode *norm_healthcheck(struct loader *ld, const struct ynode *v, const char *path);
struct ynode *norm_depends_on(struct loader *ld, const struct ynode *v, const char *path);
struct ynode *norm_build(struct loader *ld, const struct ynode *v, const char *path);
struct ynode *norm_extends(struct loader *ld, const struct ynode *v, const char *path);
struct ynode *norm_logging(struct loader *ld, const struct ynode *v, const char *path);
struct ynode *norm_ulimits(struct loader *ld, const struct ynode *v, const char *path);
struct ynode *norm_restart(struct loader *ld, const struct ynode *v, const char *path);

/* deploy.c */
struct ynode *norm_deploy(struct loader *ld, const struct ynode *v, const char *path);

/* Fields of a mapping described by a table: each known key is coerced by its
 * kind; unknown keys are warned about and dropped. Shared by the structured
 * normalisers (healthcheck, deploy, long port and volume syntax, ...). */
enum field_kind {
	F_STRING, F_BOOL, F_INT, F_NUMBER, F_BYTES, F_DURATION,
	F_STRINGS,      /* string or list of strings, as a list */
	F_STRING_MAP,   /* KEY=VALUE list or mapping, as a mapping */
	F_ANY,          /* kept as written */
	F_CUSTOM,
};

struct field {
	const char *key;
	enum field_kind kind;
	key_normalizer custom;
};

/* "A list of names, or a mapping of name to options": both forms become a
 * mapping of name to null (no options) or to the options normalised with
 * fields. With empty_as_map, names without options map to {} instead. */
struct ynode *norm_name_map(struct loader *ld, const struct ynode *v, const char *path,
			    const struct field *fields, const char *what, bool empty_as_map);

/* Normalises mapping v with the fields table; `what` names it in warnings
 * ("healthcheck"). Returns a new mapping or NULL after errors. */
struct ynode *norm_fields(struct loader *ld, const struct ynode *v, const char *path,
			  const struct field *fields, const char *what);

#endif
