/* kubectl's JSON and YAML forms: `get pods|events|pvc|hpa -o json|yaml`, a
 * List, one object, or a fragment such as a pod's containerStatuses.
 *
 * Every mapping that carries a reason or a message (an Event, a container's
 * waiting or terminated state, a condition) becomes one observation, with
 * the object it is about; a Pod's phase becomes a status line. Messages that
 * YAML folded over several lines are whole again here. */
#include "diagnose/diagnose.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "yaml/parse.h"

#define STRUCTURED_MEMORY (512u * 1024 * 1024)

static const char *const yaml_starts[] = {
	"apiVersion:", "kind:", "items:", "metadata:", "status:", "containerStatuses:", "- apiVersion:",
	"- lastTimestamp:", "- involvedObject:", "- containerID:", "- image:", "conditions:", "- lastProbeTime:",
	"- lastTransitionTime:", "- lastHeartbeatTime:", "lastState:", NULL,
};

bool dx_looks_structured(const char *data, size_t len)
{
	size_t i = 0, eol;

	while (i < len && isspace((unsigned char)data[i]))
		i++;
	if (i >= len)
		return false;
	eol = i;
	while (eol < len && data[eol] != '\n')
		eol++;
	if (data[i] == '{' || data[i] == '[') {
		/* kubectl -o json starts with a lone brace; a JSON log line does not. */
		size_t end = eol;

		while (end > i && isspace((unsigned char)data[end - 1]))
			end--;
		return end == i + 1;
	}
	for (size_t k = 0; yaml_starts[k]; k++)
		if (eol - i >= strlen(yaml_starts[k]) && memcmp(data + i, yaml_starts[k], strlen(yaml_starts[k])) == 0)
			return true;
	return false;
}

struct walk {
	struct dx_run *run;
	const char *file;
	size_t observed;
	bool kubernetes;           /* a document is an object or list of kubectl's */
};

static const char *str_at(const struct ynode *map, const char *key)
{
	const struct ynode *v = y_get(map, key);

	return v && y_is_scalar(v) ? y_text(v) : NULL;
}

static void observe_text(struct walk *w, const char *text, int line, const char *object, enum dx_scope scope)
{
	struct dx_origin o = {w->file, line, object};

	dx_observe(w->run, text, strlen(text), &o, scope);
	w->observed++;
}

static void add_log_target(struct dx_run *run, const char *ns, const char *pod, const char *container, bool previous)
{
	struct dx_log_target *t;

	if (!pod || !container || run->ntargets >= DX_MAX_LOG_TARGETS)
		return;
	t = &run->targets[run->ntargets++];
	snprintf(t->ns, sizeof(t->ns), "%s", ns ? ns : "");
	snprintf(t->pod, sizeof(t->pod), "%s", pod);
	snprintf(t->container, sizeof(t->container), "%s", container);
	t->previous = previous;
}

/* A pod's status: its phase and readiness as a status line, and for --live
 * the containers whose logs explain a failure. */
static void pod_status(struct walk *w, const struct ynode *status, const char *name, const char *ns)
{
	const struct ynode *cs = y_get(status, "containerStatuses");
	/* kubectl get pods' STATUS: the pod's reason or phase, then a
	 * container's waiting or terminated reason (printers.go, printPod) */
	const char *shown = str_at(status, "reason") ? str_at(status, "reason") : str_at(status, "phase");
	size_t ready = 0, total = 0;
	char line[512];

	if (!str_at(status, "phase"))
		return;
	if (cs && cs->kind == Y_SEQ) {
		for (size_t i = 0; i < cs->n; i++) {
			const struct ynode *c = cs->items[i];
			const struct ynode *rc = y_get(c, "restartCount");
			const struct ynode *waiting = y_get(y_get(c, "state"), "waiting");
			const struct ynode *terminated = y_get(y_get(c, "state"), "terminated");
			const struct ynode *rd = y_get(c, "ready");

			total++;
			ready += rd && rd->kind == Y_BOOL && rd->b;
			if (str_at(waiting, "reason"))
				shown = str_at(waiting, "reason");
			else if (str_at(terminated, "reason"))
				shown = str_at(terminated, "reason");
			if (rc && rc->kind == Y_INT && rc->i > 0)
				add_log_target(w->run, ns, name, str_at(c, "name"), true);
			else if (waiting || (rd && rd->kind == Y_BOOL && !rd->b))
				add_log_target(w->run, ns, name, str_at(c, "name"), false);
		}
	}
	snprintf(line, sizeof(line), "Status: %s Ready: %zu/%zu", shown, ready, total);
	observe_text(w, line, status->pos.line, name, DX_STATUS);
}

/* The status of a pasted fragment that is a pod's: what only a pod's status holds. */
static bool is_pod_status(const struct ynode *status)
{
	static const char *const pod_only[] = {"containerStatuses", "initContainerStatuses", "qosClass", "podIP", "hostIP",
					       NULL};

	if (!str_at(status, "phase"))
		return false;
	for (size_t i = 0; pod_only[i]; i++)
		if (y_get(status, pod_only[i]))
			return true;
	return false;
}

/* What goes before a mapping's reason: an event's type, or a condition's
 * type and status as kubectl describe prints them ("PodScheduled False",
 * "MemoryPressure True"), so that the JSON and YAML forms read as the
 * describe form does. */
static void line_head(const struct ynode *map, char *head, size_t cap)
{
	const char *type = str_at(map, "type"), *status = str_at(map, "status");

	head[0] = '\0';
	if (type && (strcmp(type, "Warning") == 0 || strcmp(type, "Normal") == 0))
		snprintf(head, cap, "%s ", type);
	else if (type && status && (strcmp(status, "True") == 0 || strcmp(status, "False") == 0 || strcmp(status, "Unknown") == 0))
		snprintf(head, cap, "%s %s ", type, status);
}

/* A container's waiting or terminated state: its reason as describe prints
 * it ("Reason: Error"), which says more alone than beside its message. */
static void state_reason(struct walk *w, const struct ynode *map, const char *key, const char *object)
{
	const char *reason = str_at(map, "reason");
	char line[256];

	if (!reason || !key || (strcmp(key, "waiting") != 0 && strcmp(key, "terminated") != 0))
		return;
	snprintf(line, sizeof(line), "Reason: %s", reason);
	observe_text(w, line, map->pos.line, object, DX_ANY);
}

/* reason + message (+ exit code) of one mapping as a line. */
static void reason_message(struct walk *w, const struct ynode *map, const char *object)
{
	const char *reason = str_at(map, "reason"), *message = str_at(map, "message");
	const struct ynode *exit_code = y_get(map, "exitCode");
	char line[8192], head[256];
	int n;

	if (!reason && !message)
		return;
	line_head(map, head, sizeof(head));
	n = snprintf(line, sizeof(line), "%s%s%s%s", head, reason ? reason : "", reason && message ? " " : "",
		     message ? message : "");
	if (n < 0)
		return;
	if (exit_code && exit_code->kind == Y_INT && (size_t)n < sizeof(line)) {
		char ec[64];
		struct dx_origin o = {w->file, map->pos.line, object};
		int m = snprintf(ec, sizeof(ec), "Exit Code: %lld", exit_code->i);

		snprintf(line + n, sizeof(line) - (size_t)n, " %s", ec);
		if (exit_code->i > 0 && exit_code->i < 256)
			dx_observe_exit_code(w->run, (int)exit_code->i, &o, ec, (size_t)m);
	}
	observe_text(w, line, map->pos.line, object, DX_ANY);
}

/* A Secret's data: each value is checked for a trailing newline. */
static void secret_values(struct walk *w, const struct ynode *secret, const char *name)
{
	const struct ynode *data = y_get(secret, "data");

	if (!data || data->kind != Y_MAP)
		return;
	for (size_t i = 0; i < data->n; i++) {
		const struct ynode *v = data->pairs[i].val;
		struct dx_origin o = {w->file, v->pos.line, name};

		if (y_is_scalar(v))
			dx_observe_secret_value(w->run, data->pairs[i].key, strlen(data->pairs[i].key), y_text(v),
						strlen(y_text(v)), &o);
	}
	w->observed++;
}

/* An Endpoints object with no ready address (no subset, or subsets with
 * only notReadyAddresses) reads as kubectl describe service prints it. */
static void endpoints_ready(struct walk *w, const struct ynode *ep, const char *name)
{
	const struct ynode *subsets = y_get(ep, "subsets");
	size_t ready = 0;

	if (subsets && subsets->kind == Y_SEQ)
		for (size_t i = 0; i < subsets->n; i++) {
			const struct ynode *addresses = y_get(subsets->items[i], "addresses");

			ready += addresses && addresses->kind == Y_SEQ ? addresses->n : 0;
		}
	if (ready == 0)
		observe_text(w, "Endpoints: <none>", subsets ? subsets->pos.line : ep->pos.line, name, DX_ANY);
}

/* A spec's container environment (env: - name: X value: Y) as the NAME=value
 * lines an env file or docker inspect shows: a setting the paste shows
 * beside a failure (a database host of localhost). Only env is read from a
 * spec: the rest says what is wanted, not what happened. */
static void spec_env(struct walk *w, const struct ynode *n, const char *key, const char *object, int depth)
{
	if (!n || depth > 64)
		return;
	if (n->kind == Y_SEQ) {
		for (size_t i = 0; i < n->n; i++) {
			const struct ynode *e = n->items[i];
			const char *name = str_at(e, "name"), *value = str_at(e, "value");
			char line[1024];

			if (key && strcmp(key, "env") == 0 && name && value) {
				snprintf(line, sizeof(line), "%s=%s", name, value);
				observe_text(w, line, e->pos.line, object, DX_ANY);
			} else
				spec_env(w, e, NULL, object, depth + 1);
		}
		return;
	}
	if (n->kind == Y_MAP)
		for (size_t i = 0; i < n->n; i++)
			spec_env(w, n->pairs[i].val, n->pairs[i].key, object, depth + 1);
}

/* key: the key n is the value of, or NULL. */
static void walk(struct walk *w, const struct ynode *n, const char *key, const char *object, int depth)
{
	if (!n || depth > 64)
		return;
	if (n->kind == Y_SEQ) {
		for (size_t i = 0; i < n->n; i++)
			walk(w, n->items[i], NULL, object, depth + 1);
		return;
	}
	if (n->kind != Y_MAP)
		return;
	{
		const char *kind = str_at(n, "kind");
		const char *name = str_at(y_get(n, "metadata"), "name");
		const struct ynode *involved = y_get(n, "involvedObject");

		if (involved)
			object = str_at(involved, "name");
		else if (kind && name)
			object = name;
		if (kind && strcmp(kind, "Pod") == 0)
			pod_status(w, y_get(n, "status"), name, str_at(y_get(n, "metadata"), "namespace"));
		else if (!kind && is_pod_status(y_get(n, "status")))
			pod_status(w, y_get(n, "status"), object, NULL);
		if (kind && strcmp(kind, "Secret") == 0)
			secret_values(w, n, name);
		if (kind && strcmp(kind, "Endpoints") == 0)
			endpoints_ready(w, n, name);
		/* A container status names its container; keep the pod as object. */
		if (!object && str_at(n, "name") && y_get(n, "state"))
			object = str_at(n, "name");
		state_reason(w, n, key, object);
		reason_message(w, n, object);
		for (size_t i = 0; i < n->n; i++) {
			const char *k = n->pairs[i].key;

			if (strcmp(k, "spec") == 0)
				spec_env(w, n->pairs[i].val, k, object, depth + 1);
			if (strcmp(k, "metadata") == 0 || strcmp(k, "involvedObject") == 0 || strcmp(k, "spec") == 0)
				continue;
			walk(w, n->pairs[i].val, k, object, depth + 1);
		}
	}
}

/* A pretty-printed JSON answer ({"error": "invalid_grant", ...}) starts
 * like kubectl's output but is no object of its: read as lines instead. */
static bool kubernetes_document(const struct ynode *root)
{
	static const char *const keys[] = {"apiVersion", "kind", "items", "metadata", "status", "spec", NULL};

	if (!root || root->kind != Y_MAP)
		return root && root->kind == Y_SEQ;
	for (size_t k = 0; keys[k]; k++)
		if (y_get(root, keys[k]))
			return true;
	return false;
}

static int on_document(struct ynode *root, int index, void *user)
{
	struct walk *w = user;

	(void)index;
	w->kubernetes |= kubernetes_document(root);
	walk(w, root, NULL, NULL, 0);
	return 0;
}

/* Parses data (NUL-terminated) after line_base lines of its input and walks
 * every document; returns how many observations it made, or -1 when it is
 * not a document at all, or none of kubectl's and nothing was seen in it. */
static long walk_documents(struct dx_run *run, const char *name, int line_base, const char *data, size_t len)
{
	struct arena a;
	struct diags quiet;
	struct walk w = {run, NULL, 0, false};
	int rc;

	w.file = arena_strdup(&run->a, name);
	if (!w.file)
		return -1;
	arena_init(&a, STRUCTURED_MEMORY);
	diags_init(&quiet);
	rc = yaml_parse_part(&a, &quiet, name, line_base, data, len, &yaml_default_limits, on_document, &w);
	diags_free(&quiet);
	arena_free(&a);
	if ((rc != 0 || !w.kubernetes) && w.observed == 0)
		return -1;
	return (long)w.observed;
}

int dx_read_structured(struct dx_run *run, const char *name, const char *data, size_t len)
{
	if (walk_documents(run, name, 0, data, len) < 0)
		return -1;
	/* counted as lines for the summary */
	for (size_t i = 0; i < len; i++)
		run->lines += data[i] == '\n';
	run->bytes += len;
	return 0;
}

void dx_read_structured_part(struct dx_run *run, const char *name, long line_base, const char *data, size_t len)
{
	if (line_base >= 0 && line_base < 0x7fffffffL)
		walk_documents(run, name, (int)line_base, data, len);
}
