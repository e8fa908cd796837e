/* What a line of evidence may show: no credential and no terminal control.
 *
 * People paste connection strings, odoo.conf lines, environment dumps and
 * HTTP headers; the values of the keys below, the password of a URL and the
 * token after Bearer or Basic become "****". Values with spaces or an `@`
 * are masked whole: a quoted value up to its closing quote, a `key = value`
 * line (odoo.conf, YAML) up to the end of the line. Over-masking is the safe
 * side. Escape sequences and other control characters from the input would
 * act on the reader's terminal: colour sequences are dropped, the other
 * control characters become '?'. */
#include "diagnose/diagnose.h"

#include <string.h>

/* Keys whose value is a credential. Long keys match inside a longer name
 * (PGPASSWORD, KC_DB_PASSWORD); short ones only as a word or after '_'. */
static const struct {
	const char *key;
	bool inside_words;
} credential_keys[] = {
	{"password", true}, {"passwd", true}, {"secret", true}, {"api_key", true}, {"apikey", true},
	{"api-key", true}, {"access_key", true}, {"pwd", false}, {"token", false}, {NULL, false},
};

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static bool ieq_prefix(const char *s, const char *word)
{
	for (; *word; s++, word++) {
		char c = *s;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != *word)
			return false;
	}
	return true;
}

/* Replaces [p, end) with "****" (or as many stars when shorter, so that the
 * line never grows); returns the position after the mask. */
static char *mask_span(char *p, char *end)
{
	size_t tail;

	if (end <= p)
		return p;
	if (end - p < 4) {
		memset(p, '*', (size_t)(end - p));
		return end;
	}
	tail = strlen(end);
	memcpy(p, "****", 4);
	memmove(p + 4, end, tail + 1);
	return p + 4;
}

static char *word_end(char *p)
{
	while (*p && *p != ' ' && *p != '"' && *p != '\'' && *p != ',' && *p != '&' && *p != ';' && *p != '}' &&
	       *p != '\n')
		p++;
	return p;
}

/* The value after a key: quoted, up to the closing quote; after a separator
 * followed by a space, to the end of the line; otherwise one word. */
static char *mask_value(char *v, bool spaced)
{
	char *end;

	if (*v == '"' || *v == '\'') {
		char q = *v++;

		end = strchr(v, q);
		return mask_span(v, end ? end : v + strlen(v));
	}
	if (spaced) {
		end = v + strlen(v);
		while (end > v && (end[-1] == ' ' || end[-1] == '\n'))
			end--;
		return mask_span(v, end);
	}
	return mask_span(v, word_end(v));
}

/* At p, a credential key followed by = or :; returns where the masked value
 * ends, or NULL when p holds no such key. */
static char *mask_key_at(char *s, char *p)
{
	for (size_t k = 0; credential_keys[k].key; k++) {
		const char *key = credential_keys[k].key;
		char *v;
		bool spaced;

		if (!ieq_prefix(p, key))
			continue;
		if (p > s && is_key_char(p[-1]) && p[-1] != '_' && !credential_keys[k].inside_words)
			continue;
		v = p + strlen(key);
		while (is_key_char(*v))
			v++;
		if (*v == '"' || *v == '\'')
			v++;
		while (*v == ' ')
			v++;
		if (*v != '=' && *v != ':')
			continue;
		v++;
		spaced = *v == ' ';
		while (*v == ' ')
			v++;
		if (!*v || *v == '\n')
			return v;
		return mask_value(v, spaced);
	}
	return NULL;
}

/* scheme://user:password@host: the password up to the last '@' before the
 * path, since a password may hold '@' itself. */
static void mask_url_password(char *u)
{
	char *at = NULL, *colon, *q;

	for (q = u; *q && *q != '/' && *q != ' ' && *q != '"' && *q != '\''; q++)
		if (*q == '@')
			at = q;
	if (!at)
		return;
	colon = memchr(u, ':', (size_t)(at - u));
	if (colon && at > colon + 1)
		mask_span(colon + 1, at);
}

/* "Bearer <token>", "Basic <base64>": the token after the scheme. */
static char *mask_auth_scheme(char *p)
{
	static const char *const schemes[] = {"Bearer ", "Basic ", NULL};

	for (size_t k = 0; schemes[k]; k++) {
		size_t n = strlen(schemes[k]);
		char *v = p + n, *end;

		if (strncmp(p, schemes[k], n) != 0)
			continue;
		end = word_end(v);
		/* "Basic auth" is prose; a token is long. */
		if (end - v >= 8)
			return mask_span(v, end);
	}
	return NULL;
}

void dx_redact(char *s)
{
	for (char *p = s; *p; p++) {
		char *after = mask_key_at(s, p);

		if (!after)
			after = mask_auth_scheme(p);
		if (after) {
			p = after - 1;
			if (!*after)
				break;
			continue;
		}
		if (p[0] == ':' && p[1] == '/' && p[2] == '/')
			mask_url_password(p + 3);
	}
}

void dx_defang(char *s)
{
	char *w = s;

	for (const char *r = s; *r; r++) {
		unsigned char c = (unsigned char)*r;

		if (c == 0x1b && r[1] == '[') {
			/* A CSI sequence: parameters, then one final byte 0x40-0x7e. */
			r += 2;
			while (*r && ((unsigned char)*r < 0x40 || (unsigned char)*r > 0x7e))
				r++;
			if (!*r)
				break;
			continue;
		}
		*w++ = c == '\t' ? ' ' : (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	*w = '\0';
}

/* Markers of the programs a line may come from, first match wins. */
static const struct {
	const char *marker, *component;
} component_markers[] = {
	{"odoo.", "odoo"},           {"werkzeug", "odoo"},        {"org.keycloak", "keycloak"},
	{"keycloak", "keycloak"},    {"quarkus", "keycloak"},     {"FATAL:  ", "postgresql"},
	{"ERROR:  ", "postgresql"},  {"PANIC:  ", "postgresql"},  {"postgres", "postgresql"},
	{"traefik", "traefik"},      {"level=error", "traefik"},  {"[error]", "nginx"},
	{"[crit]", "nginx"},         {"[emerg]", "nginx"},        {"nginx", "nginx"},
	{"kubelet", "kubelet"},      {"Warning", "kubernetes"},   {"Traceback", "python"},
	{"plugin/", "coredns"},      {"cert-manager", "cert-manager"}, {"acme", "cert-manager"},
	{"Pressure", "node"},        {"NotReady", "node"},        {"kubectl", "kubectl"},
	{"connection to the server", "kubectl"}, {"Unable to connect to the server", "kubectl"},
	{"ERR_", "browser"},         {"curl", "http"},            {"HTTP/", "http"},
	{"java.", "java"},           {".go:", "controller"},
	{NULL, NULL},
};

const char *dx_component_of(const char *text)
{
	for (size_t k = 0; component_markers[k].marker; k++)
		if (strstr(text, component_markers[k].marker))
			return component_markers[k].component;
	return "";
}
