/* The lint configuration file:
 *
 *   fail-on: warning          # error (default), warning or info
 *   rules:
 *     REL005: off             # disable a rule
 *     SEC011: warning         # change its severity
 */
#include <stdlib.h>
#include <string.h>

#include "lint/lint.h"
#include "util/fsio.h"
#include "yaml/parse.h"

void lint_config_init(struct lint_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->fail_on = SEV_ERROR;
}

static int severity_of(const char *s)
{
	if (!s)
		return -2;
	if (strcmp(s, "error") == 0)
		return SEV_ERROR;
	if (strcmp(s, "warning") == 0)
		return SEV_WARNING;
	if (strcmp(s, "info") == 0)
		return SEV_INFO;
	return -2;
}

struct cfg_load {
	struct lint_config *cfg;
	struct diags *d;
	int rc;
};

static int on_config(struct ynode *doc, int index, void *user)
{
	struct cfg_load *l = user;
	const struct ynode *fail = y_get(doc, "fail-on");
	const struct ynode *rules = y_get(doc, "rules");

	if (index > 0)
		return 0;
	if (fail) {
		int s = severity_of(y_text(fail));
		if (s < 0) {
			diag_add(l->d, DIAG_ERROR, &fail->pos, "use error, warning or info", "fail-on: unknown severity");
			l->rc = -1;
		} else {
			l->cfg->fail_on = (enum severity)s;
		}
	}
	for (size_t i = 0; rules && rules->kind == Y_MAP && i < rules->n; i++) {
		const struct ypair *p = &rules->pairs[i];
		const struct rule *rule = rule_find(p->key);
		const char *v = y_text(p->val);
		int s;

		if (!rule) {
			diag_add(l->d, DIAG_ERROR, &p->kpos, "see kgenius lint --list-rules", "unknown rule %s", p->key);
			l->rc = -1;
			continue;
		}
		if (l->cfg->noverrides == sizeof(l->cfg->overrides) / sizeof(l->cfg->overrides[0]))
			break;
		l->cfg->overrides[l->cfg->noverrides].id = rule->id;
		l->cfg->overrides[l->cfg->noverrides].severity = -1;
		if (p->val->kind == Y_BOOL || (v && (strcmp(v, "off") == 0 || strcmp(v, "on") == 0))) {
			l->cfg->overrides[l->cfg->noverrides].disabled = p->val->kind == Y_BOOL ? !p->val->b : strcmp(v, "off") == 0;
		} else if ((s = severity_of(v)) >= 0) {
			l->cfg->overrides[l->cfg->noverrides].severity = s;
		} else {
			diag_add(l->d, DIAG_ERROR, &p->val->pos, "use off, error, warning or info", "rule %s: unknown setting", p->key);
			l->rc = -1;
			continue;
		}
		l->cfg->noverrides++;
	}
	return 0;
}

int lint_config_load(struct lint_config *cfg, const char *path, struct diags *d)
{
	struct arena a;
	struct cfg_load l = {cfg, d, 0};
	char *data = NULL;
	size_t len = 0;
	struct srcpos pos = {path, 0, 0};

	if (read_file_limited(path, 1 << 20, &data, &len) != READ_OK) {
		diag_add(d, DIAG_ERROR, &pos, "check the --config path", "cannot read the configuration file");
		return -1;
	}
	/* Rule ids and paths outlive the file: keep the arena for the run. */
	arena_init(&a, 4 << 20);
	if (yaml_parse_stream(&a, d, path, data, len, &yaml_default_limits, on_config, &l) != 0)
		l.rc = -1;
	free(data);
	arena_free(&a);
	return l.rc;
}
