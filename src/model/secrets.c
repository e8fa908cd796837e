#include "model/secrets.h"

#include <ctype.h>
#include <string.h>

/* Name fragments, upper case, that mark a credential wherever they appear. */
static const char *const secret_fragments[] = {
	"PASSWORD", "PASSWD", "SECRET", "TOKEN", "CREDENTIAL", "PRIVATE_KEY",
	"API_KEY", "APIKEY", "ACCESS_KEY", "AUTH_KEY", "ENCRYPTION_KEY", "SIGNING_KEY",
	"MASTER_KEY", "DB_PASS", "PGPASS", NULL,
};

/* Whole components (between underscores) that mark a credential. */
static const char *const secret_components[] = {"PASS", "PWD", "KEY", NULL};

static bool component_matches(const char *upper)
{
	const char *p = upper;

	while (*p) {
		size_t n = strcspn(p, "_");
		for (const char *const *c = secret_components; *c; c++)
			if (strlen(*c) == n && strncmp(p, *c, n) == 0)
				return true;
		p += n;
		if (*p == '_')
			p++;
	}
	return false;
}

bool is_secret_name(const char *name)
{
	char upper[256];
	size_t n = 0;

	for (; name[n] && n < sizeof(upper) - 1; n++) {
		char c = name[n] == '-' || name[n] == '.' ? '_' : name[n];
		upper[n] = (char)toupper((unsigned char)c);
	}
	upper[n] = '\0';
	for (const char *const *f = secret_fragments; *f; f++)
		if (strstr(upper, *f))
			return true;
	return component_matches(upper);
}

bool has_url_password(const char *value)
{
	const char *scheme = strstr(value, "://");
	const char *at, *colon;

	if (!scheme)
		return false;
	scheme += 3;
	at = strchr(scheme, '@');
	if (!at)
		return false;
	colon = memchr(scheme, ':', (size_t)(at - scheme));
	return colon && colon + 1 < at && !memchr(scheme, '/', (size_t)(at - scheme));
}

bool has_dsn_password(const char *value)
{
	static const char *const keys[] = {"password=", "pwd=", NULL};

	for (const char *const *k = keys; *k; k++)
		for (const char *p = strcasestr(value, *k); p; p = strcasestr(p + 1, *k))
			/* the key starts the value or follows a separator, and has a value */
			if ((p == value || strchr(";?& :", p[-1])) && p[strlen(*k)] && !strchr(";& ", p[strlen(*k)]))
				return true;
	return false;
}

bool is_secret_env(const char *name, const char *value)
{
	return is_secret_name(name) || (value && (has_url_password(value) || has_dsn_password(value)));
}

/* Markers of a value meant to be replaced, compared without case and
 * without anything but letters and digits: "change_me" is "changeme". */
static const char *const placeholder_markers[] = {
	"changeme", "changethis", "replaceme", "replacethis", "yourpassword", "yoursecret", "yourtoken",
	"passwordhere", "secrethere", "placeholder", "xxxxxx", "insertpassword", "enterpassword",
	"setme", "fillme", "todo", "fixme", "dummy", "notsecure", "insecure", NULL,
};

bool is_placeholder(const char *value)
{
	size_t len = strlen(value), n = 0;
	char flat[256];

	/* <password>, {odoo database password}, [secret], ${UNSET} */
	if (len >= 2 && ((value[0] == '<' && value[len - 1] == '>') || (value[0] == '{' && value[len - 1] == '}') ||
			 (value[0] == '[' && value[len - 1] == ']') || strncmp(value, "${", 2) == 0))
		return true;
	for (size_t i = 0; i < len && n < sizeof(flat) - 1; i++)
		if (isalnum((unsigned char)value[i]))
			flat[n++] = (char)tolower((unsigned char)value[i]);
	flat[n] = '\0';
	for (const char *const *m = placeholder_markers; *m; m++)
		if (strstr(flat, *m))
			return true;
	return false;
}

static int redact_url(struct arena *a, struct ynode *v)
{
	const char *scheme = strstr(v->text, "://") + 3;
	const char *at = strchr(scheme, '@');
	const char *colon = memchr(scheme, ':', (size_t)(at - scheme));
	char *out = arena_printf(a, "%.*s" REDACTED "%s", (int)(colon + 1 - v->text), v->text, at);

	if (!out)
		return -1;
	v->text = out;
	v->len = strlen(out);
	return 1;
}

static int redact_map(struct arena *a, struct ynode *map)
{
	int count = 0;

	for (size_t i = 0; map && map->kind == Y_MAP && i < map->n; i++) {
		struct ynode *v = map->pairs[i].val;

		if (v->kind != Y_STR || !v->text[0])
			continue;
		if (is_secret_name(map->pairs[i].key)) {
			v->text = REDACTED;
			v->len = strlen(REDACTED);
			count++;
		} else if (has_url_password(v->text)) {
			if (redact_url(a, v) < 0)
				return -1;
			count++;
		}
	}
	return count;
}

int redact_model(struct arena *a, struct ynode *model)
{
	struct ynode *services = y_get(model, "services");
	int total = 0;

	for (size_t i = 0; services && i < services->n; i++) {
		struct ynode *svc = services->pairs[i].val;
		struct ynode *maps[] = {
			y_get(svc, "environment"), y_get(svc, "labels"), y_get(y_get(svc, "build"), "args"),
		};

		for (size_t k = 0; k < sizeof(maps) / sizeof(maps[0]); k++) {
			int n = redact_map(a, maps[k]);
			if (n < 0)
				return -1;
			total += n;
		}
	}
	return total;
}
