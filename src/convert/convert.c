/* The conversion: checks what cannot be moved as written, settles the
 * options, runs the builders and writes the files. */
#include "convert/convert.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/context.h"
#include "convert/notes.h"
#include "k8s/build.h"
#include "lint/lint.h"
#include "util/fsio.h"
#include "yaml/emit.h"

#define MIB (1024LL * 1024)

/* What Compose allows and a restricted Kubernetes namespace does not: each
 * is dropped with a located warning that says what replaces it. */
static void check_compose_semantics(struct cv *cv, const struct service *s)
{
	const char *user = s->user.text;

	for (size_t i = 0; i < s->nvolumes; i++) {
		const struct volume *v = &s->volumes[i];
		const char *src = v->source, *dst = v->target;

		if (!volume_is_bind(v))
			continue;
		if (strstr(src, "docker.sock"))
			diag_add(cv->d, DIAG_WARNING, &v->pos,
				 "Traefik on Kubernetes reads Ingress resources instead",
				 "service %s mounts the Docker socket; dropped", s->name);
		else if (s->role == ROLE_ODOO && (strcmp(dst, odoo_constants.conf_file) == 0 ||
						     strcmp(dst, odoo_constants.conf_dir) == 0))
			; /* odoo.conf becomes the ConfigMap odoo-config */
		else if (s->role == ROLE_ODOO && strncmp(dst, "/mnt/extra-addons", 17) == 0)
			diag_add(cv->d, DIAG_WARNING, &v->pos,
				 "build an image FROM the Odoo image with the addons copied in, and set image: to it",
				 "service %s bind-mounts addons from the host (%s); a cluster has no such host path, so it is dropped",
				 s->name, src);
		else
			diag_add(cv->d, DIAG_WARNING, &v->pos,
				 "put the files in the image, or in a ConfigMap if they are configuration",
				 "service %s bind-mounts %s from the host; host paths are not allowed under the restricted "
				 "Pod Security Standard, so it is dropped", s->name, src);
	}
	for (size_t i = 0; i < s->nports; i++)
		if (s->ports[i].published)
			diag_add(cv->d, DIAG_WARNING, &s->ports[i].pos,
				 "nothing to do: the Ingress publishes HTTP; use kubectl port-forward for anything else",
				 "service %s publishes port %s on the host; services are reached through Services and "
				 "the Ingress instead", s->name, s->ports[i].published);
	if (s->privileged)
		diag_add(cv->d, DIAG_WARNING, &s->privileged_pos, NULL,
			 "service %s asks for privileged mode; the restricted namespace forbids it, so it is dropped", s->name);
	if (user && (strcmp(user, "root") == 0 || strcmp(user, "0") == 0 || strncmp(user, "0:", 2) == 0))
		diag_add(cv->d, DIAG_WARNING, &s->user.pos, "nothing to do: the manifests set a numeric non-root user",
			 "service %s runs as root; the pods run as the image's non-root user instead", s->name);
	if (s->network_mode.text && strcmp(s->network_mode.text, "host") == 0)
		diag_add(cv->d, DIAG_WARNING, &s->network_mode.pos, NULL,
			 "service %s uses the host network; pods use the cluster network", s->name);
}

/* A database outside the project: kgenius runs no PostgreSQL, so an option
 * that configures the one it would run is a mistake, not a choice. */
static int check_external_database(struct cv *cv)
{
	const struct external_db *x = &cv->app->external_db;

	if (cv->o->postgres == PG_CNPG) {
		diag_add(cv->d, DIAG_ERROR, &x->pos, "drop --postgres cnpg, or point the applications at a PostgreSQL "
			 "service of the project",
			 "the applications connect to the database at %s, outside the project; --postgres cnpg runs "
			 "PostgreSQL in the cluster, which nothing would use", x->host);
		return -1;
	}
	if (cv->app->postgres_unused)
		diag_add(cv->d, DIAG_WARNING, &cv->app->postgres_unused->pos, "deploy it separately if it is a database "
			 "of its own",
			 "service %s runs the PostgreSQL image but the applications connect to %s; it is not converted",
			 cv->app->postgres_unused->name, x->host);
	return 0;
}

/* The database is the service the applications connect to (model/database.c):
 * one PostgreSQL server, in the project, or one host outside it that every
 * client names (a managed database). Two servers are not merged into one. */
static int check_database(struct cv *cv)
{
	const struct app *app = cv->app;

	if (app->external_db.host)
		return check_external_database(cv);
	for (size_t i = 0; i < app->ndb_links; i++) {
		const struct db_link *l = &app->db_links[i];

		if (!l->server) {
			diag_add(cv->d, DIAG_ERROR, &l->pos,
				 "point every application at the same database: one PostgreSQL service of the project, "
				 "or one server outside it",
				 "service %s connects to the database at %s, which is not a service of the project, while "
				 "%s connects to %s; kgenius converts a stack with one database", l->client, l->host,
				 app->db_links[i ? 0 : 1].client, app->db_links[i ? 0 : 1].host);
			return -1;
		}
		if (l->server->role != ROLE_POSTGRES && app->postgres)
			diag_add(cv->d, DIAG_WARNING, &l->pos, "nothing to do, or run your pooler in the cluster yourself",
				 "service %s connects through %s, which is not converted; the manifests connect it to "
				 "PostgreSQL service %s directly", l->client, l->host, app->postgres->name);
		if (l->server->role == ROLE_POSTGRES && l->server != app->postgres) {
			diag_add(cv->d, DIAG_ERROR, &l->pos,
				 "point both applications at one PostgreSQL service (each keeps its own database and role), "
				 "or convert them as two projects",
				 "service %s uses PostgreSQL service %s while %s uses %s; kgenius runs one PostgreSQL and "
				 "will not merge two servers into it", l->client, l->server->name, app->db_links[0].client,
				 app->postgres->name);
			return -1;
		}
	}
	if ((app->odoo || app->keycloak) && !app->postgres) {
		diag_add(cv->d, DIAG_ERROR, &cv->where,
			 "add the database service to the project (kgenius runs PostgreSQL in the cluster)",
			 "Odoo or Keycloak needs PostgreSQL, and the project has no postgres service");
		return -1;
	}
	for (size_t i = 0; i < app->nservices; i++) {
		const struct service *s = &app->services[i];

		if (s->role == ROLE_POSTGRES && s != app->postgres)
			diag_add(cv->d, DIAG_WARNING, &s->pos, "deploy it separately if it is a database of its own",
				 "service %s runs the PostgreSQL image but no application connects to it (%s is the "
				 "database); it is not converted", s->name, app->postgres->name);
	}
	return 0;
}

/* What the pods of an application run: the option, else for a service the
 * project builds the tag Compose gives the build (image:), which the user
 * pushes; else the image itself. */
static int settle_image(struct cv *cv, const struct service *s, const char *option, const char *flag,
			const char **image)
{
	if (!s)
		return 0;
	*image = option ? option : s->image_ref.text ? s->image_ref.text : NULL;
	if (!s->build_pos.line && !option) {
		*image = s->image.ref;
		return 0;
	}
	if (!*image) {
		diag_add(cv->d, DIAG_ERROR, &s->build_pos,
			 arena_printf(cv->a, "build and push the image to a registry the cluster can pull from "
					     "(DigitalOcean Container Registry: `doctl registry login`), then pass %s REF", flag),
			 "service %s is built by the project (FROM %s) and has no image: tag; a cluster cannot build it",
			 s->name, s->image.ref);
		return -1;
	}
	if (s->build_pos.line)
		cv_note(&cv->must_supply,
			"The image `%s` of service `%s`, built from the project's Dockerfile (FROM %s) and pushed where the "
			"cluster can pull it: build it (`docker compose build %s`), tag it `%s` and push it. The manifests "
			"use the facts of %s (user, paths, options); a Dockerfile that changes them needs the manifests "
			"changed too.", *image, s->name, s->image.ref, s->name, *image, s->image.ref);
	return 0;
}

/* The service that looks like the application kgenius did not recognise:
 * named odoo or keycloak (its own name, or its image's), built ones first. */
static const struct service *likely_app(const struct app *app)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < app->nservices; i++) {
			const struct service *s = &app->services[i];
			bool named = strstr(s->name, "odoo") || strstr(s->name, "keycloak") ||
				     (s->image.name && (!strcmp(s->image.name, "odoo") || !strcmp(s->image.name, "keycloak")));

			if (s->role == ROLE_OTHER && named && (pass == 1 || s->build_pos.line))
				return s;
		}
	return NULL;
}

/* A PostgreSQL alone is not a stack kgenius can make run: the application
 * that needs it would be missing, and exit 0 would say otherwise. */
static int refuse_without_app(struct cv *cv)
{
	const struct service *s = likely_app(cv->app);
	const char *why = !s ? "" : s->build_pos.line && s->build_base ? arena_printf(cv->a, ": service %s is built FROM %s, "
							"not the official image", s->name, s->build_base)
			: s->build_pos.line ? arena_printf(cv->a, ": service %s is built by the project and %s", s->name,
							   s->build_unknown)
			: arena_printf(cv->a, ": service %s runs %s, not the official image", s->name, s->image.ref);

	diag_add(cv->d, DIAG_ERROR, s ? (s->build_pos.line ? &s->build_pos : &s->pos) : &cv->where,
		 "convert projects that run the official odoo or keycloak image (image:, or build: from a Dockerfile "
		 "in the project whose FROM is one); the services kgenius does not know are listed above",
		 "no Odoo or Keycloak service found (by image name or by the FROM of a Dockerfile in the project)%s",
		 why ? why : "");
	return -1;
}

static int check_services(struct cv *cv)
{
	const struct app *app = cv->app;

	if (check_database(cv) != 0)
		return -1;
	for (size_t i = 0; i < app->nservices; i++) {
		const struct service *s = &app->services[i];

		if (s->role == ROLE_OTHER && s->build_pos.line)
			diag_add(cv->d, DIAG_WARNING, &s->build_pos, "deploy it separately, or leave it out",
				 "service %s is built by the project and is not converted: %s%s", s->name,
				 s->build_base ? "its Dockerfile starts FROM " : "",
				 s->build_base ? s->build_base : s->build_unknown);
		else if (s->role == ROLE_OTHER)
			diag_add(cv->d, DIAG_WARNING, &s->pos, "deploy it separately, or leave it out",
				 "service %s (%s) is not converted: kgenius knows odoo, postgres, keycloak and traefik",
				 s->name, s->image.ref);
		else if (s->role == ROLE_TRAEFIK)
			cv_note(&cv->done, "Service `%s` (Traefik) becomes the cluster's ingress controller: its labels "
					   "became %s, its ACME resolver a cert-manager ClusterIssuer.", s->name,
				cv->o->ingress == INGRESS_TRAEFIK ? "Ingress and Middleware resources"
				: cv->o->ingress == INGRESS_NGINX ? "Ingress resources with ingress-nginx annotations"
								  : "a Gateway and HTTPRoutes");
		else if (s->role == ROLE_POSTGRES && s->replicas > 1)
			diag_add(cv->d, DIAG_WARNING, &s->replicas_pos,
				 "for high availability use an operator such as CloudNativePG",
				 "PostgreSQL asks for %lld replicas; a StatefulSet with several replicas is several "
				 "independent databases, not high availability, so the manifests run 1", s->replicas);
		if (s->role != ROLE_OTHER && s->role != ROLE_TRAEFIK)
			check_compose_semantics(cv, s);
	}
	if (!app->odoo && !app->keycloak)
		return refuse_without_app(cv);
	for (size_t i = 0; i < app->nservices; i++) {
		const struct service *s = &app->services[i];
		const struct srcpos *image = s->image_ref.text ? &s->image_ref.pos : &s->pos;
		struct keycloak_facts kf;

		if (s->role == ROLE_OTHER || s->role == ROLE_TRAEFIK)
			continue;
		keycloak_facts(&s->image, &kf);
		if (s->image.major < 0)
			diag_add(cv->d, DIAG_WARNING, image,
				 "pin a version (odoo:17.0, postgres:16, quay.io/keycloak/keycloak:25.0)",
				 "service %s uses %s, a rolling tag: the next pull may change the user, the data layout or "
				 "the options; the manifests assume the newest series", s->name, s->image.ref);
		if (s->role == ROLE_KEYCLOAK && (strcmp(s->image.tag, "legacy") == 0 || !kf.quarkus)) {
			diag_add(cv->d, DIAG_ERROR, image,
				 "upgrade to Keycloak 24 or later first (export the realms, import them into the new version)",
				 "service %s runs the legacy WildFly-based Keycloak (%s), which takes DB_VENDOR-style variables "
				 "and no `start` command; kgenius generates for the Quarkus distribution (17-26)",
				 s->name, s->image.ref);
			return -1;
		}
	}
	return settle_image(cv, app->odoo, cv->o->odoo_image, "--odoo-image", &cv->odoo_image) ||
	       settle_image(cv, app->keycloak, cv->o->keycloak_image, "--keycloak-image", &cv->keycloak_image);
}

/* Host names: --domain, else the hosts of the Traefik routes. */
static int settle_hosts(struct cv *cv)
{
	const struct app *app = cv->app;
	const char *odoo_host = NULL, *auth_host = NULL, *domain = cv->o->domain;

	for (size_t i = 0; i < app->tr.nroutes; i++) {
		const struct route *r = &app->tr.routes[i];

		if (app->odoo && strcmp(r->service, app->odoo->name) == 0 && r->host && !odoo_host)
			odoo_host = r->host;
		if (app->keycloak && strcmp(r->service, app->keycloak->name) == 0 && r->host && !auth_host)
			auth_host = r->host;
	}
	if (!domain && odoo_host && strchr(odoo_host, '.'))
		domain = strchr(odoo_host, '.') + 1;
	if (!domain && auth_host && strchr(auth_host, '.'))
		domain = strchr(auth_host, '.') + 1;
	if (cv->o->domain || !odoo_host)
		odoo_host = domain ? arena_printf(cv->a, "erp.%s", domain) : NULL;
	if (cv->o->domain || !auth_host)
		auth_host = domain ? arena_printf(cv->a, "auth.%s", domain) : NULL;
	if ((app->odoo && !odoo_host) || (app->keycloak && !auth_host)) {
		diag_add(cv->d, DIAG_ERROR, &cv->where, "pass --domain example.com (Odoo at erp., Keycloak at auth.)",
			 "no public host name: the Traefik labels give no Host rule");
		return -1;
	}
	cv->odoo_host = odoo_host;
	cv->auth_host = auth_host;
	return 0;
}

/* The project's name as a namespace: Compose allows '_', a namespace (a
 * DNS label) does not. */
static const char *project_namespace(struct arena *a, const char *project)
{
	char *ns = arena_strndup(a, project, strlen(project) < 63 ? strlen(project) : 63);

	for (char *p = ns; p && *p; p++)
		if (*p == '_' || *p == '.')
			*p = '-';
	return ns ? ns : project;
}

/* Odoo's limits: --odoo-cpu/--odoo-memory, else Compose's deploy limits,
 * else the specification's 2 CPU / 4Gi. */
static void settle_sizes(struct convert_options *o, const struct app *app)
{
	double cpus = app->odoo ? app->odoo->cpus_limit : 0;
	int64_t memory = app->odoo ? app->odoo->memory_limit : 0;

	if (o->odoo_cpu <= 0)
		o->odoo_cpu = cpus > 0 ? cpus : 2.0;
	if (o->odoo_memory <= 0)
		o->odoo_memory = memory > 0 ? memory : 4096 * MIB;
	if (!o->ingress_namespace)
		o->ingress_namespace = o->ingress == INGRESS_TRAEFIK ? "traefik"
				     : o->ingress == INGRESS_NGINX ? "ingress-nginx" : "kube-system";
}

static int check_storage(struct cv *cv)
{
	bool shared = cv->o->odoo_replicas > 1 || cv->o->odoo_max_replicas > 1;

	if (cv->app->odoo && shared && strncmp(cv->o->rwx_storage_class, doks_constants.block_storage, strlen(doks_constants.block_storage)) == 0) {
		diag_add(cv->d, DIAG_ERROR, &cv->where,
			 "use a ReadWriteMany class (DigitalOcean Network File Storage through csi-driver-nfs) with "
			 "--rwx-storage-class, or run one Odoo pod with --odoo-replicas 1 --odoo-max-replicas 1, or keep "
			 "attachments in object storage with an Odoo addon",
			 "the Odoo filestore would be a ReadWriteOnce volume (%s) mounted by several pods: DigitalOcean "
			 "block storage attaches to one node, so the second pod fails with Multi-Attach",
			 cv->o->rwx_storage_class);
		return -1;
	}
	return 0;
}

/* Paths in NOTES are relative to the project, so the file does not depend
 * on where the repository is checked out. */
static int write_out(const char *dir, const char *name, const struct buf *b, mode_t mode)
{
	char *path = path_join(dir, name);
	int rc = path ? write_file_atomic(path, b->data ? b->data : "", b->len, mode) : -1;

	if (rc != 0) {
		fprintf(stderr, "%s: error: cannot write: %s; check that the directory is writable\n",
			path ? path : name, strerror(errno));
	}
	free(path);
	return rc;
}

/* One lint run over the files in `use` and the kustomization; errors in the
 * files in `report` become conversion errors (the kustomization's in the pass
 * that gives flows_line, the first). Returns how many. The flows are judged
 * against the controller this output is for. */
static size_t lint_pass(struct cv *cv, struct buf *texts, const struct buf *kust, unsigned use, unsigned report,
			struct buf *flows_line)
{
	struct lint_text lt[OUT_COUNT + 1];
	struct lint_generated_opts opts = {
		.producer = "convert",
		.controller = cv_controller(cv)->name,
		.controller_ns = cv->o->ingress_namespace,
		.prometheus_ns = cv->o->monitoring_namespace,
		.flows_line = flows_line,
	};
	size_t n = 0;

	for (int f = 0; f < OUT_COUNT; f++)
		if (texts[f].len && (use & (1u << f)))
			lt[n++] = (struct lint_text){out_file_name(cv, f), texts[f].data, texts[f].len,
						     !(report & (1u << f))};
	lt[n++] = (struct lint_text){"kustomization.yaml", kust->data, kust->len, flows_line == NULL};
	return lint_generated(lt, n, &opts, cv->d);
}

/* The same checks as kgenius lint, on the files about to be written: an
 * error there is a bug to report, not output to hand to a cluster. The
 * files run by hand are checked with the stack they join; the recovery
 * Cluster takes the place of the Cluster it recovers. The kustomization's
 * secretGenerator defines the Secrets the workloads read. */
static int lint_output(struct cv *cv, struct buf *texts, const struct buf *kust)
{
	unsigned applied = (1u << OUT_APPLIED) - 1;
	unsigned by_hand = ((1u << OUT_COUNT) - 1) & ~applied;
	unsigned with_restore = applied | by_hand;
	struct buf flows = BUF_INIT;
	size_t errors = lint_pass(cv, texts, kust, applied, applied, &flows);

	if (!errors)
		cv_note(&cv->done, "Network: default deny, then exactly the flows the stack needs, each checked allowed "
				   "(`kgenius lint --flows` draws them): %s.", flows.len ? buf_cstr(&flows) : "none");
	buf_free(&flows);
	if (texts[OUT_RECOVERY].len)
		with_restore &= ~(1u << OUT_POSTGRES);
	errors += lint_pass(cv, texts, kust, with_restore, by_hand, NULL);
	return errors ? -1 : 0;
}

/* Everything but the Namespace and the claims that hold data: those are
 * applied once on their own, so `kubectl delete -k .` leaves them. */
static void kustomization(const struct cv *cv, struct buf *kust)
{
	buf_puts(kust, "# Generated by kgenius convert: apply namespace.yaml and storage.yaml once with kubectl apply -f,\n"
		       "# then this with kubectl apply -k . (see NOTES.md).\n"
		       "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n");
	for (int f = 0; f < OUT_COUNT; f++)
		if (f < OUT_APPLIED && f != OUT_NAMESPACE && f != OUT_STORAGE && cv->files[f] && cv->files[f]->n)
			buf_printf(kust, "- %s\n", out_file_name(cv, f));
	kustomize_secrets(cv, kust);
}

static int write_files(struct cv *cv, const struct diags *d, const char *workdir)
{
	struct buf b = BUF_INIT, kust = BUF_INIT;
	struct buf texts[OUT_COUNT];
	int rc = 0;

	memset(texts, 0, sizeof(texts));
	for (int f = 0; f < OUT_COUNT && rc == 0; f++) {
		struct ynode *docs = cv->files[f];

		/* config.yaml lists the Secrets even when it holds no object. */
		if ((!docs || docs->n == 0) && !(f == OUT_CONFIG && cv->creds.n))
			continue;
		buf_printf(&texts[f], "# Generated by kgenius convert from the %s Compose project; regenerate rather than edit.\n",
			   cv->app->project);
		if (f == OUT_CONFIG)
			secrets_header(cv, &texts[f]);
		for (size_t i = 0; docs && i < docs->n && rc == 0; i++) {
			buf_puts(&texts[f], "---\n");
			rc = yaml_emit(&texts[f], docs->items[i], FMT_YAML);
		}
	}
	kustomization(cv, &kust);
	if (rc == 0 && lint_output(cv, texts, &kust) != 0) {
		buf_free(&kust);
		for (int f = 0; f < OUT_COUNT; f++)
			buf_free(&texts[f]);
		return KG_EXIT_BAD_INPUT;
	}
	if (rc == 0 && make_dirs(cv->o->out_dir, 0755) != 0) {
		fprintf(stderr, "%s: error: cannot create the output directory: %s\n", cv->o->out_dir, strerror(errno));
		rc = -1;
	}
	for (int f = 0; f < OUT_COUNT && rc == 0; f++) {
		if (!texts[f].len)
			continue;
		/* config.yaml held the Secrets before secret files; it stays private. */
		rc = write_out(cv->o->out_dir, out_file_name(cv, f), &texts[f], f == OUT_CONFIG ? 0600 : 0644);
	}
	for (int f = 0; f < OUT_COUNT; f++)
		buf_free(&texts[f]);
	if (rc == 0)
		rc = write_secret_files(cv, cv->o->out_dir);
	if (rc == 0)
		rc = write_out(cv->o->out_dir, "kustomization.yaml", &kust, 0644);
	if (rc == 0) {
		buf_reset(&b);
		write_notes(cv, &b, d, workdir);
		rc = b.failed ? -1 : write_out(cv->o->out_dir, "NOTES.md", &b, 0644);
	}
	buf_free(&b);
	buf_free(&kust);
	return rc == 0 ? KG_EXIT_OK : KG_EXIT_ENV;
}

int convert_run(struct compose_project *project, const struct convert_options *options, struct diags *d)
{
	struct convert_options o = *options;
	struct app app;
	struct cv cv;
	int rc = KG_EXIT_BAD_INPUT;

	if (app_build(&project->arena, d, project->model, project->name, &app) != 0)
		return KG_EXIT_BAD_INPUT;
	settle_sizes(&o, &app);
	if (!o.ns)
		o.ns = project_namespace(&project->arena, app.project);
	if (!o.operators_group)
		o.operators_group = arena_printf(&project->arena, "%s-operators", app.project);
	memset(&cv, 0, sizeof(cv));
	cv.kb.a = &project->arena;
	cv.kb.part_of = app.project;
	cv.a = &project->arena;
	cv.d = d;
	cv.o = &o;
	cv.app = &app;
	cv.ns = o.ns;
	cv.where.file = project->nfiles ? project->files[0] : project->workdir;
	/* With CloudNativePG, clients go through the Pooler's Service. */
	cv.db_service = o.postgres == PG_CNPG ? "postgres-pooler" : app.postgres ? app.postgres->name : "db";
	cv.db_port = postgres_constants.port;
	cv.postgres_image = app.postgres ? app.postgres->image.ref : "postgres:16";
	if (app.external_db.host) {
		cv.db_service = app.external_db.host;
		cv.db_port = app.external_db.port;
		cv.db_sslmode = app.external_db.provider ? app.external_db.provider->sslmode : NULL;
		cv.postgres_image = postgres_constants.client_image;
	}
	if (check_services(&cv) || settle_hosts(&cv) || check_storage(&cv))
		goto done;
	if (plan_stack(&o, &app, &cv.plan, d, &cv.where) != 0)
		goto done;
	if (app.odoo)
		odoo_facts(&app.odoo->image, &cv.odoo);
	if (app.postgres)
		postgres_facts(&app.postgres->image, &cv.postgres);
	if (app.keycloak)
		keycloak_facts(&app.keycloak->image, &cv.keycloak);
	if (app.odoo && !cv.odoo.uid_verified)
		cv_note(&cv.done, "Odoo runs as UID %d, GID %d: the UID of the %s image is inferred, not confirmed; "
				  "check with `docker run --rm --entrypoint id %s`.",
			cv.odoo.uid, cv.odoo.gid, app.odoo->image.ref, app.odoo->image.ref);
	if (credentials_collect(cv.a, d, &app, o.out_dir, o.postgres == PG_CNPG, &cv.creds) != 0)
		goto done;
	build_namespace(&cv);
	build_rbac(&cv);
	(o.ingress == INGRESS_GATEWAY ? build_gateway : build_ingress)(&cv);
	build_config(&cv);
	build_network_policies(&cv);
	(o.postgres == PG_CNPG ? build_postgres_cnpg : build_postgres)(&cv);
	build_odoo(&cv);
	build_keycloak(&cv);
	build_pdbs(&cv);
	build_issuer(&cv);
	build_monitoring(&cv);
	build_restore(&cv);
	if (cv.kb.oom || project->arena.exhausted) {
		diag_add(d, DIAG_ERROR, NULL, NULL, "out of memory while building the manifests");
		rc = KG_EXIT_ENV;
		goto done;
	}
	if (d->errors)
		goto done;
	rc = write_files(&cv, d, project->workdir);
done:
	buf_free(&cv.must_supply);
	buf_free(&cv.done);
	return rc;
}
