#include "k8s/build.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static struct ynode *checked(struct kb *kb, struct ynode *n)
{
	if (!n)
		kb->oom = true;
	return n;
}

struct ynode *kb_map(struct kb *kb)
{
	return checked(kb, y_new(kb->a, Y_MAP, NULL));
}

struct ynode *kb_seq(struct kb *kb)
{
	return checked(kb, y_new(kb->a, Y_SEQ, NULL));
}

struct ynode *kb_strv(struct kb *kb, const char *s)
{
	return s ? checked(kb, y_str(kb->a, s, NULL)) : NULL;
}

struct ynode *kb_printf(struct kb *kb, const char *fmt, ...)
{
	va_list ap;
	char buf[1024];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		kb->oom = true;
		return NULL;
	}
	return kb_strv(kb, buf);
}

struct ynode *kb_put(struct kb *kb, struct ynode *map, const char *key, struct ynode *value)
{
	if (!map || !value)
		return NULL;
	if (!y_set(kb->a, map, key, value)) {
		kb->oom = true;
		return NULL;
	}
	return value;
}

struct ynode *kb_str(struct kb *kb, struct ynode *map, const char *key, const char *value)
{
	return map ? kb_put(kb, map, key, kb_strv(kb, value)) : NULL;
}

struct ynode *kb_int(struct kb *kb, struct ynode *map, const char *key, long long value)
{
	return map ? kb_put(kb, map, key, checked(kb, y_int(kb->a, value, NULL))) : NULL;
}

struct ynode *kb_bool(struct kb *kb, struct ynode *map, const char *key, bool value)
{
	return map ? kb_put(kb, map, key, checked(kb, y_bool(kb->a, value, NULL))) : NULL;
}

struct ynode *kb_sub(struct kb *kb, struct ynode *map, const char *key)
{
	struct ynode *existing = y_get(map, key);

	if (existing && existing->kind == Y_MAP)
		return existing;
	return map ? kb_put(kb, map, key, kb_map(kb)) : NULL;
}

struct ynode *kb_list(struct kb *kb, struct ynode *map, const char *key)
{
	struct ynode *existing = y_get(map, key);

	if (existing && existing->kind == Y_SEQ)
		return existing;
	return map ? kb_put(kb, map, key, kb_seq(kb)) : NULL;
}

struct ynode *kb_push(struct kb *kb, struct ynode *seq, struct ynode *item)
{
	if (!seq || !item)
		return NULL;
	if (!y_push(kb->a, seq, item)) {
		kb->oom = true;
		return NULL;
	}
	return item;
}

struct ynode *kb_push_str(struct kb *kb, struct ynode *seq, const char *s)
{
	return seq ? kb_push(kb, seq, kb_strv(kb, s)) : NULL;
}

struct ynode *kb_push_map(struct kb *kb, struct ynode *seq)
{
	return seq ? kb_push(kb, seq, kb_map(kb)) : NULL;
}

struct ynode *kb_selector(struct kb *kb, const char *component)
{
	struct ynode *l = kb_map(kb);

	kb_str(kb, l, "app.kubernetes.io/name", component);
	kb_str(kb, l, "app.kubernetes.io/part-of", kb->part_of);
	return l;
}

struct ynode *kb_labels(struct kb *kb, const char *component)
{
	struct ynode *l = kb_selector(kb, component);

	kb_str(kb, l, "app.kubernetes.io/managed-by", "kgenius");
	return l;
}

struct ynode *kb_object(struct kb *kb, const char *api_version, const char *kind, const char *name,
			const char *ns, const char *component)
{
	struct ynode *o = kb_map(kb);
	struct ynode *meta;

	kb_str(kb, o, "apiVersion", api_version);
	kb_str(kb, o, "kind", kind);
	meta = kb_sub(kb, o, "metadata");
	kb_str(kb, meta, "name", name);
	if (ns)
		kb_str(kb, meta, "namespace", ns);
	if (component)
		kb_put(kb, meta, "labels", kb_labels(kb, component));
	return o;
}
