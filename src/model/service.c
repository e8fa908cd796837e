/* The canonical Compose service to the typed one. The Compose stage has
 * already checked every type, so a value of another kind is treated as
 * unset. */
#include "model/service.h"

#include <string.h>

#include "model/dockerfile.h"

static struct srcpos pos_of(const struct ynode *n)
{
	struct srcpos none = {NULL, 0, 0};

	return n ? n->pos : none;
}

static struct setting setting_of(const struct ynode *n)
{
	struct setting st = {y_text(n), pos_of(n)};

	return st;
}

static void *alloc_array(struct arena *a, size_t n, size_t size)
{
	return arena_alloc(a, (n ? n : 1) * size);
}

static int build_env(struct arena *a, const struct ynode *env, struct service *s)
{
	s->nenv = env && env->kind == Y_MAP ? env->n : 0;
	/* Twice: room for the variables *_FILE secrets add (secret_files.c). */
	if (!(s->env = alloc_array(a, 2 * s->nenv, sizeof(*s->env))))
		return -1;
	for (size_t i = 0; i < s->nenv; i++) {
		const struct ynode *val = env->pairs[i].val;

		s->env[i] = (struct env_var){.name = env->pairs[i].key, .value = y_text(val) ? y_text(val) : "",
					     .has_value = val && val->kind == Y_STR, .name_pos = env->pairs[i].kpos,
					     .value_pos = pos_of(val)};
	}
	return 0;
}

/* Each volume as the Compose stage wrote it in the long syntax. */
static struct volume volume_of(const struct ynode *v)
{
	struct volume vol = {y_text(y_get(v, "type")), y_text(y_get(v, "source")), y_text(y_get(v, "target")), v->pos};

	return vol;
}

static int build_volumes(struct arena *a, const struct ynode *vols, struct service *s)
{
	s->nvolumes = vols && vols->kind == Y_SEQ ? vols->n : 0;
	if (!(s->volumes = alloc_array(a, s->nvolumes, sizeof(*s->volumes))))
		return -1;
	for (size_t i = 0; i < s->nvolumes; i++)
		s->volumes[i] = volume_of(vols->items[i]);
	return 0;
}

static int build_ports(struct arena *a, const struct ynode *ports, struct service *s)
{
	s->nports = ports && ports->kind == Y_SEQ ? ports->n : 0;
	if (!(s->ports = alloc_array(a, s->nports, sizeof(*s->ports))))
		return -1;
	for (size_t i = 0; i < s->nports; i++)
		s->ports[i] = (struct port){y_text(y_get(ports->items[i], "published")), ports->items[i]->pos};
	return 0;
}

static int build_words(struct arena *a, const struct ynode *list, struct words *w)
{
	size_t n = list && list->kind == Y_SEQ ? list->n : 0;

	w->present = list && list->kind != Y_NULL;
	w->pos = pos_of(list);
	w->v = alloc_array(a, n, sizeof(*w->v));
	if (!w->v)
		return -1;
	for (size_t i = 0; i < n; i++) {
		w->v[w->n].text = y_text(list->items[i]) ? y_text(list->items[i]) : "";
		w->v[w->n].pos = list->items[i]->pos;
		w->n++;
	}
	return 0;
}

static void build_health(const struct ynode *hc, struct healthcheck *h)
{
	const struct ynode *disabled = y_get(hc, "disable");
	const struct ynode *retries = y_get(hc, "retries");

	h->present = hc != NULL;
	h->disabled = disabled && disabled->kind == Y_BOOL && disabled->b;
	h->interval = y_text(y_get(hc, "interval"));
	h->timeout = y_text(y_get(hc, "timeout"));
	h->start_period = y_text(y_get(hc, "start_period"));
	h->has_retries = retries && retries->kind == Y_INT;
	h->retries = h->has_retries ? (int)retries->i : 0;
}

static void build_deploy(const struct ynode *def, struct service *s)
{
	const struct ynode *deploy = y_get(def, "deploy");
	const struct ynode *limits = y_get(y_get(deploy, "resources"), "limits");
	const struct ynode *cpus = y_get(limits, "cpus");
	const struct ynode *mem = y_get(limits, "memory");
	const struct ynode *replicas = y_get(deploy, "replicas");
	const struct ynode *shm = y_get(def, "shm_size");
	const struct ynode *priv = y_get(def, "privileged");

	s->cpus_limit = cpus && cpus->kind == Y_FLOAT && cpus->f > 0 ? cpus->f : 0;
	s->memory_limit = mem && mem->kind == Y_INT && mem->i > 0 ? mem->i : 0;
	s->replicas = replicas && replicas->kind == Y_INT ? replicas->i : 0;
	s->replicas_pos = pos_of(replicas);
	s->shm_size = shm && shm->kind == Y_INT ? shm->i : 0;
	s->privileged = priv && priv->b;
	s->privileged_pos = pos_of(priv);
}

static int build_aliases(struct arena *a, const struct ynode *nets, struct service *s)
{
	size_t n = 0;

	for (size_t k = 0; nets && nets->kind == Y_MAP && k < nets->n; k++) {
		const struct ynode *aliases = y_get(nets->pairs[k].val, "aliases");
		n += aliases && aliases->kind == Y_SEQ ? aliases->n : 0;
	}
	s->aliases = alloc_array(a, n, sizeof(*s->aliases));
	if (!s->aliases)
		return -1;
	for (size_t k = 0; nets && nets->kind == Y_MAP && k < nets->n; k++) {
		const struct ynode *aliases = y_get(nets->pairs[k].val, "aliases");

		for (size_t j = 0; aliases && aliases->kind == Y_SEQ && j < aliases->n; j++) {
			if (!y_text(aliases->items[j]))
				continue;
			s->aliases[s->naliases].text = y_text(aliases->items[j]);
			s->aliases[s->naliases].pos = aliases->items[j]->pos;
			s->naliases++;
		}
	}
	return 0;
}

int service_build(struct arena *a, const char *name, const struct srcpos *name_pos, const struct ynode *def,
		  struct service *s)
{
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->name_pos = *name_pos;
	s->pos = def->pos;
	s->image_ref = setting_of(y_get(def, "image"));
	image_parse(a, s->image_ref.text ? s->image_ref.text : name, &s->image);
	s->role = s->image_ref.text ? image_role(&s->image) : ROLE_OTHER;
	if (y_get(def, "build")) {
		/* image: names what the build is tagged as; its role and version
		 * are the base's (FROM odoo:17.0). */
		s->build_pos = y_get(def, "build")->pos;
		s->build_base = dockerfile_base(a, y_get(def, "build"), &s->build_unknown);
		if (s->role == ROLE_OTHER && s->build_base) {
			image_parse(a, s->build_base, &s->image);
			s->role = image_role(&s->image);
		}
	}
	s->user = setting_of(y_get(def, "user"));
	s->network_mode = setting_of(y_get(def, "network_mode"));
	s->hostname = setting_of(y_get(def, "hostname"));
	s->container_name = setting_of(y_get(def, "container_name"));
	build_health(y_get(def, "healthcheck"), &s->health);
	build_deploy(def, s);
	if (build_env(a, y_get(def, "environment"), s) || build_volumes(a, y_get(def, "volumes"), s) ||
	    build_ports(a, y_get(def, "ports"), s) || build_words(a, y_get(def, "command"), &s->command) ||
	    build_words(a, y_get(def, "entrypoint"), &s->entrypoint) || build_aliases(a, y_get(def, "networks"), s))
		return -1;
	return 0;
}

const struct env_var *service_env_var(const struct service *s, const char *name)
{
	for (size_t i = 0; s && i < s->nenv; i++)
		if (strcmp(s->env[i].name, name) == 0)
			return &s->env[i];
	return NULL;
}

const char *service_env(const struct service *s, const char *name)
{
	const struct env_var *v = service_env_var(s, name);

	return v && v->has_value ? v->value : NULL;
}

bool volume_is_bind(const struct volume *vol)
{
	return vol->type && strcmp(vol->type, "bind") == 0 && vol->source && vol->target;
}
