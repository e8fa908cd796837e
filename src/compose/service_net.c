/* ports, expose, networks and extra_hosts of a service. */
#include <stdio.h>
#include <string.h>

#include "compose/service.h"
#include "compose/values.h"

static bool put(struct loader *ld, struct ynode *map, const char *key, struct ynode *val)
{
	if (!val || !y_set(ld->a, map, key, val)) {
		ld_oom(ld, &map->pos);
		return false;
	}
	return true;
}

static struct ynode *port_entry(struct loader *ld, const struct srcpos *pos, const char *host_ip,
				unsigned target, const char *published, const char *protocol)
{
	struct ynode *m = y_new(ld->a, Y_MAP, pos);

	if (!m || !put(ld, m, "mode", y_str(ld->a, "ingress", pos)))
		return NULL;
	if (host_ip && host_ip[0] && !put(ld, m, "host_ip", y_str(ld->a, host_ip, pos)))
		return NULL;
	if (!put(ld, m, "target", y_int(ld->a, target, pos)))
		return NULL;
	if (published && published[0] && !put(ld, m, "published", y_str(ld->a, published, pos)))
		return NULL;
	if (!put(ld, m, "protocol", y_str(ld->a, protocol, pos)))
		return NULL;
	return m;
}

static bool short_port(struct loader *ld, struct ynode *out, const struct ynode *e, const char *path)
{
	struct port_spec ps;
	const char *err = NULL;

	if (parse_port(y_text(e), &ps, &err) != 0) {
		ld_error(ld, &e->pos, "write \"8069\", \"8069:8069\" or \"127.0.0.1:8069:8069/tcp\"",
			 "%s: invalid port \"%s\": %s", path, y_text(e), err);
		return false;
	}
	for (unsigned t = ps.target_lo; t <= ps.target_hi; t++) {
		char published[16] = "";
		struct ynode *m;

		if (ps.published_lo && ps.target_hi != ps.target_lo)
			snprintf(published, sizeof(published), "%u", ps.published_lo + (t - ps.target_lo));
		else if (ps.published_lo && ps.published_hi != ps.published_lo)
			snprintf(published, sizeof(published), "%u-%u", ps.published_lo, ps.published_hi);
		else if (ps.published_lo)
			snprintf(published, sizeof(published), "%u", ps.published_lo);
		m = port_entry(ld, &e->pos, ps.host_ip, t, published, ps.protocol);
		if (!m || !y_push(ld->a, out, m)) {
			ld_oom(ld, &e->pos);
			return false;
		}
	}
	return true;
}

static struct ynode *norm_published(struct loader *ld, const struct ynode *v, const char *path)
{
	return want_string(ld, v, path);
}

static const struct field long_port_fields[] = {
	{"app_protocol", F_STRING, NULL},
	{"host_ip", F_STRING, NULL},
	{"mode", F_STRING, NULL},
	{"name", F_STRING, NULL},
	{"protocol", F_STRING, NULL},
	{"published", F_CUSTOM, norm_published},
	{"target", F_INT, NULL},
	{NULL, F_ANY, NULL},
};

static bool long_port(struct loader *ld, struct ynode *out, const struct ynode *e, const char *path)
{
	struct ynode *m = norm_fields(ld, e, path, long_port_fields, "a port");

	if (!m)
		return false;
	if (!y_get(m, "target")) {
		ld_error(ld, &e->pos, "add target: <container port>", "%s: a port needs a target", path);
		return false;
	}
	if (!y_get(m, "mode") && !put(ld, m, "mode", y_str(ld->a, "ingress", &e->pos)))
		return false;
	if (!y_get(m, "protocol") && !put(ld, m, "protocol", y_str(ld->a, "tcp", &e->pos)))
		return false;
	if (!y_push(ld->a, out, m)) {
		ld_oom(ld, &e->pos);
		return false;
	}
	return true;
}

struct ynode *norm_ports(struct loader *ld, const struct ynode *v, const char *path)
{
	struct ynode *out;
	bool ok = true;

	if (!want_kind(ld, v, Y_SEQ, path))
		return NULL;
	out = y_new(ld->a, Y_SEQ, &v->pos);
	if (!out) {
		ld_oom(ld, &v->pos);
		return NULL;
	}
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *e = v->items[i];
		const char *ipath = ld_index(ld, path, i);

		if (e->kind == Y_MAP)
			ok = long_port(ld, out, e, ipath) && ok;
		else if (e->kind == Y_INT || e->kind == Y_STR)
			ok = short_port(ld, out, e, ipath) && ok;
		else {
			ld_error(ld, &e->pos, "write \"8069:8069\" or a mapping with target and published",
				 "%s must be a string, a number or a mapping, not a %s", ipath, y_kind_name(e->kind));
			ok = false;
		}
	}
	return ok ? out : NULL;
}

struct ynode *norm_expose(struct loader *ld, const struct ynode *v, const char *path)
{
	return want_string_list(ld, v, path);
}

static const struct field service_network_fields[] = {
	{"aliases", F_STRINGS, NULL},
	{"driver_opts", F_STRING_MAP, NULL},
	{"gw_priority", F_INT, NULL},
	{"interface_name", F_STRING, NULL},
	{"ipv4_address", F_STRING, NULL},
	{"ipv6_address", F_STRING, NULL},
	{"link_local_ips", F_STRINGS, NULL},
	{"mac_address", F_STRING, NULL},
	{"priority", F_INT, NULL},
	{NULL, F_ANY, NULL},
};

struct ynode *norm_name_map(struct loader *ld, const struct ynode *v, const char *path,
			    const struct field *fields, const char *what, bool empty_as_map)
{
	struct ynode *out = y_new(ld->a, Y_MAP, &v->pos);

	if (!out)
		return ld_oom(ld, &v->pos), NULL;
	if (v->kind == Y_SEQ) {
		for (size_t i = 0; i < v->n; i++) {
			struct ynode *name = want_string(ld, v->items[i], ld_index(ld, path, i));
			struct ynode *val;

			if (!name)
				return NULL;
			val = empty_as_map ? y_new(ld->a, Y_MAP, &name->pos) : y_null(ld->a, &name->pos);
			if (!val || !y_set_at(ld->a, out, name->text, &name->pos, val))
				return ld_oom(ld, &v->pos), NULL;
		}
		return out;
	}
	if (!want_kind(ld, v, Y_MAP, path))
		return NULL;
	for (size_t i = 0; i < v->n; i++) {
		const struct ypair *p = &v->pairs[i];
		struct ynode *val;

		if (p->val->kind != Y_NULL)
			val = norm_fields(ld, p->val, ld_path(ld, path, p->key), fields, what);
		else if (empty_as_map)
			val = y_new(ld->a, Y_MAP, &p->kpos);
		else
			val = y_null(ld->a, &p->val->pos);
		if (!val)
			return NULL;
		if (!y_set_at(ld->a, out, p->key, &p->kpos, val))
			return ld_oom(ld, &v->pos), NULL;
	}
	return out;
}

struct ynode *norm_service_networks(struct loader *ld, const struct ynode *v, const char *path)
{
	return norm_name_map(ld, v, path, service_network_fields, "a service network", false);
}

struct ynode *norm_extra_hosts(struct loader *ld, const struct ynode *v, const char *path)
{
	struct ynode *out = y_new(ld->a, Y_SEQ, &v->pos);

	if (!out) {
		ld_oom(ld, &v->pos);
		return NULL;
	}
	if (v->kind == Y_MAP) {
		for (size_t i = 0; i < v->n; i++) {
			const struct ypair *p = &v->pairs[i];
			const struct ynode *ips = p->val;
			size_t count = ips->kind == Y_SEQ ? ips->n : 1;

			for (size_t k = 0; k < count; k++) {
				const struct ynode *ip = ips->kind == Y_SEQ ? ips->items[k] : ips;
				const char *text;
				struct ynode *s = NULL;

				if (!y_is_scalar(ip) || ip->kind == Y_NULL) {
					ld_error(ld, &ip->pos, "write host: address", "%s.%s must be an address",
						 path, p->key);
					return NULL;
				}
				text = arena_printf(ld->a, "%s=%s", p->key, y_text(ip));
				if (text)
					s = y_str(ld->a, text, &ip->pos);
				if (!s || !y_push(ld->a, out, s)) {
					ld_oom(ld, &v->pos);
					return NULL;
				}
			}
		}
		return out;
	}
	if (!want_kind(ld, v, Y_SEQ, path))
		return NULL;
	for (size_t i = 0; i < v->n; i++) {
		struct ynode *e = want_string(ld, v->items[i], ld_index(ld, path, i));
		char *sep;

		if (!e)
			return NULL;
		sep = strchr(e->text, '=');
		if (!sep)
			sep = strchr(e->text, ':');
		if (!sep || sep == e->text) {
			ld_error(ld, &e->pos, "write \"host=address\"", "%s: \"%s\" has no address",
				 ld_index(ld, path, i), e->text);
			return NULL;
		}
		*sep = '=';
		if (!y_push(ld->a, out, e)) {
			ld_oom(ld, &v->pos);
			return NULL;
		}
	}
	return out;
}
