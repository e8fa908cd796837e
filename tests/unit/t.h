/* A minimal unit test harness: each test is a function; CHECK macros record
 * failures with file and line and let the test continue. */
#ifndef KG_TEST_H
#define KG_TEST_H

#include <stdbool.h>
#include <stddef.h>

#include "compose/project.h"
#include "util/diag.h"
#include "yaml/node.h"

struct t_case {
	const char *name;
	void (*fn)(void);
};

void t_check(bool ok, const char *expr, const char *file, int line);
void t_check_str(const char *got, const char *want, const char *expr, const char *file, int line);
void t_check_int(long long got, long long want, const char *expr, const char *file, int line);

#define CHECK(cond) t_check((cond), #cond, __FILE__, __LINE__)
#define CHECK_STR(got, want) t_check_str((got), (want), #got, __FILE__, __LINE__)
#define CHECK_INT(got, want) t_check_int((got), (want), #got, __FILE__, __LINE__)

/* --- helpers for tests that need files on disk --- */

/* A fresh temporary directory for this test (removed at exit). */
const char *t_tmpdir(void);
/* Writes content to dir/name, creating parent directories. */
void t_write(const char *dir, const char *name, const char *content);

/* Loads a project from dir (compose files discovered unless files given),
 * with environment env (NULL-terminated "K=V" list, may be NULL). */
struct t_project {
	struct compose_project p;
	struct diags d;
	int rc;
};
void t_load(struct t_project *tp, const char *dir, const char *const *files, const char *const *env);
void t_load_opts(struct t_project *tp, struct compose_options *o, const char *const *env);
void t_unload(struct t_project *tp);
/* Loads one compose file given as text. */
void t_load_text(struct t_project *tp, const char *yaml, const char *const *env);

/* The node at a dotted path with [i] indexes: "services.odoo.ports[0].target".
 * Keys containing dots can be written in braces: "labels.{traefik.enable}". */
const struct ynode *t_at(const struct ynode *root, const char *path);
/* Text of the scalar at path, or NULL. */
const char *t_text(const struct ynode *root, const char *path);
/* True when some diagnostic of that level contains needle (and, if line > 0,
 * is on that line). */
bool t_diag_has(const struct diags *d, enum diag_level level, const char *needle, int line);

#endif
