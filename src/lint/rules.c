/* The rules kgenius lint checks: id, family, default severity, what the
 * rule checks and how to fix a finding. docs/LINT_RULES.md explains each. */
#include <string.h>

#include "lint/lint.h"

const struct rule lint_rules[] = {
	/* schema */
	{"SCH001", "schema", SEV_ERROR, "unknown field", "remove it or fix its spelling; the API server rejects or drops it"},
	{"SCH002", "schema", SEV_ERROR, "wrong type", "write the value with the type the field takes (quote strings)"},
	{"SCH003", "schema", SEV_ERROR, "missing required field", "add the field"},
	{"SCH004", "schema", SEV_ERROR, "invalid resource quantity", "write a quantity such as 500m, 2, 512Mi or 4Gi"},
	{"SCH005", "schema", SEV_ERROR, "value not allowed", "use one of the field's values"},
	{"SCH006", "schema", SEV_ERROR, "YAML 1.1 scalar in a string field", "quote the value: kubectl reads yes/no/on/off as booleans and 0755 as octal"},
	{"SCH007", "schema", SEV_ERROR, "invalid name", "use lower case letters, digits and -, starting and ending with a letter or digit"},
	{"SCH008", "schema", SEV_ERROR, "invalid label", "use at most 63 letters, digits, -, _ and ., with an optional DNS prefix"},
	{"SCH009", "schema", SEV_ERROR, "removed apiVersion", "move to the apiVersion named in the message"},
	{"SCH010", "schema", SEV_WARNING, "kind without a schema", "check the apiVersion and kind; unknown custom resources are not validated"},
	{"SCH011", "schema", SEV_ERROR, "invalid YAML", "fix the syntax or the repeated key at the position given"},
	/* security */
	{"SEC001", "security", SEV_ERROR, "privileged container", "remove privileged: true; grant only the capability needed"},
	{"SEC002", "security", SEV_ERROR, "privilege escalation allowed", "set securityContext.allowPrivilegeEscalation: false"},
	{"SEC003", "security", SEV_ERROR, "may run as root", "set runAsNonRoot: true with a numeric runAsUser"},
	{"SEC004", "security", SEV_ERROR, "runs as user 0", "run as a non-zero user id"},
	{"SEC005", "security", SEV_ERROR, "no seccomp profile", "set securityContext.seccompProfile.type: RuntimeDefault"},
	{"SEC006", "security", SEV_ERROR, "capabilities not dropped", "set securityContext.capabilities.drop: [ALL]"},
	{"SEC007", "security", SEV_ERROR, "capability added", "add nothing but NET_BIND_SERVICE (the restricted policy's limit)"},
	{"SEC008", "security", SEV_ERROR, "host namespace", "remove hostNetwork, hostPID and hostIPC"},
	{"SEC009", "security", SEV_ERROR, "hostPath volume", "use a PersistentVolumeClaim, a ConfigMap or an emptyDir"},
	{"SEC010", "security", SEV_ERROR, "host port", "remove hostPort; expose the port through a Service"},
	{"SEC011", "security", SEV_INFO, "writable root filesystem", "set readOnlyRootFilesystem: true and mount emptyDirs where the image writes"},
	{"SEC012", "security", SEV_ERROR, "runAsNonRoot with a non-numeric image user", "set runAsUser to the image user's numeric id (odoo: 101 for 16/17, 100 for 18+)"},
	{"SEC013", "security", SEV_ERROR, "credential as a literal", "take the value from a Secret with valueFrom.secretKeyRef"},
	{"SEC014", "security", SEV_ERROR, "credential in a ConfigMap", "move the key to a Secret"},
	{"SEC015", "security", SEV_WARNING, "service account token mounted", "set automountServiceAccountToken: false unless the pod talks to the API"},
	{"SEC016", "security", SEV_ERROR, "RBAC wildcard", "list the verbs, resources and API groups the role needs"},
	{"SEC017", "security", SEV_WARNING, "RBAC access to Secrets", "grant get/list on secrets only to what must read them, by resourceNames"},
	/* reliability */
	{"REL001", "reliability", SEV_WARNING, "no liveness probe", "add a livenessProbe"},
	{"REL002", "reliability", SEV_WARNING, "no readiness probe", "add a readinessProbe so the Service sends no traffic to a pod that is not ready"},
	{"REL003", "reliability", SEV_WARNING, "no resource requests", "set resources.requests.cpu and memory"},
	{"REL004", "reliability", SEV_WARNING, "no memory limit", "set resources.limits.memory"},
	{"REL005", "reliability", SEV_INFO, "single replica", "run at least 2 replicas for availability"},
	{"REL006", "reliability", SEV_WARNING, "no PodDisruptionBudget", "add a PodDisruptionBudget so node drains keep a pod running"},
	{"REL007", "reliability", SEV_INFO, "replicas not spread", "add topologySpreadConstraints or pod anti-affinity on kubernetes.io/hostname"},
	{"REL008", "reliability", SEV_WARNING, "unpinned image", "use a versioned tag or a digest, not latest or none"},
	{"REL009", "reliability", SEV_ERROR, "autoscaler target missing", "point scaleTargetRef at an existing Deployment or StatefulSet"},
	{"REL010", "reliability", SEV_ERROR, "autoscaler without CPU requests", "set resources.requests.cpu on every container of the target"},
	{"REL011", "reliability", SEV_ERROR, "autoscaler bounds inverted", "make minReplicas at most maxReplicas"},
	{"REL012", "reliability", SEV_ERROR, "probe on an undeclared port name", "name the port in the container's ports, or probe a number"},
	{"REL013", "reliability", SEV_WARNING, "environment variable set twice", "keep one entry per name; the last one silently wins"},
	{"REL014", "reliability", SEV_ERROR, "selector does not match the pod template", "make spec.selector.matchLabels a subset of spec.template.metadata.labels"},
	/* cross-resource */
	{"XRF001", "cross-resource", SEV_ERROR, "Service selects no pods", "make the selector match a pod template's labels"},
	{"XRF002", "cross-resource", SEV_ERROR, "Service targetPort not on the pods", "name or number a containerPort of the selected pods"},
	{"XRF003", "cross-resource", SEV_ERROR, "route to a missing Service", "create the Service or fix the backend name"},
	{"XRF004", "cross-resource", SEV_ERROR, "route to a missing Service port", "use a port name or number the Service has"},
	{"XRF005", "cross-resource", SEV_INFO, "Secret or ConfigMap external to the set", "make sure it exists in the cluster, or apply it with the rest"},
	{"XRF006", "cross-resource", SEV_ERROR, "Secret or ConfigMap key missing", "add the key, or fix the reference"},
	{"XRF007", "cross-resource", SEV_ERROR, "ReadWriteOnce claim shared", "use a ReadWriteMany claim, one replica, or a StatefulSet's volumeClaimTemplates"},
	{"XRF008", "cross-resource", SEV_WARNING, "pod outside any default-deny policy", "add a NetworkPolicy with an empty podSelector denying ingress and egress"},
	{"XRF009", "cross-resource", SEV_ERROR, "DNS blocked", "allow egress to kube-dns in kube-system on port 53 (UDP and TCP)"},
	{"XRF010", "cross-resource", SEV_ERROR, "database flow blocked", "allow the application's pods to reach the database pods on 5432"},
	{"XRF011", "cross-resource", SEV_ERROR, "PodDisruptionBudget selects no pods", "make the selector match a pod template's labels"},
	{"XRF012", "cross-resource", SEV_WARNING, "StatefulSet without its headless Service", "create the Service named by serviceName with clusterIP: None"},
	{"XRF013", "cross-resource", SEV_ERROR, "ServiceAccount missing", "create the ServiceAccount or fix serviceAccountName"},
	{"XRF014", "cross-resource", SEV_ERROR, "route or certificate flow blocked", "add the rule the message names: the ingress controller must reach every backend and cert-manager's HTTP-01 solver"},
	{"XRF015", "cross-resource", SEV_ERROR, "route reaches no pod", "make the Service select the backend pods and target a port they declare"},
	{"XRF016", "cross-resource", SEV_INFO, "required flow not evaluated", "check the flow by hand: a rule the evaluator does not model decides it"},
	{"XRF017", "cross-resource", SEV_ERROR, "application flow blocked", "add the rule the message names to a policy selecting the blocked side"},
	/* application */
	{"APP001", "application", SEV_ERROR, "Odoo connection budget exceeds max_connections", "lower db_maxconn or the HPA maximum, or raise PostgreSQL's max_connections"},
	{"APP002", "application", SEV_WARNING, "Odoo workers do not fit the limits", "size workers to (2 x CPU) + 1 and about 325 MiB of memory each"},
	{"APP003", "application", SEV_ERROR, "no websocket route to 8072", "route /websocket (16+) or /longpolling to port 8072 when workers > 0"},
	{"APP004", "application", SEV_WARNING, "Odoo proxy_mode off behind an ingress", "set proxy_mode = True in odoo.conf"},
	{"APP005", "application", SEV_WARNING, "Odoo database manager open", "set list_db = False in odoo.conf"},
	{"APP006", "application", SEV_ERROR, "Odoo entrypoint bypassed", "use args, not command: the entrypoint passes HOST/USER/PASSWORD to Odoo"},
	{"APP007", "application", SEV_ERROR, "Odoo database wiring missing", "set HOST, USER and PASSWORD (the image falls back to db, odoo, odoo)"},
	{"APP008", "application", SEV_ERROR, "Keycloak without a hostname", "set KC_HOSTNAME (or KC_HOSTNAME_STRICT=false for testing only)"},
	{"APP009", "application", SEV_WARNING, "Keycloak without proxy headers", "set KC_PROXY_HEADERS=xforwarded behind an ingress"},
	{"APP010", "application", SEV_ERROR, "Keycloak probed on the wrong port", "probe /health/* on the management port 9000 (Keycloak 25+)"},
	{"APP011", "application", SEV_ERROR, "Keycloak start-dev", "run start (development mode has insecure defaults)"},
	{"APP012", "application", SEV_ERROR, "PGDATA at the volume root", "set PGDATA to a subdirectory of the mount (a new volume holds lost+found)"},
	{"APP013", "application", SEV_ERROR, "PostgreSQL StatefulSet with several replicas", "run 1 replica, or an operator (CloudNativePG) for replication"},
	{"APP014", "application", SEV_ERROR, "PostgreSQL password not from a Secret", "set POSTGRES_PASSWORD from a Secret"},
	{"APP015", "application", SEV_ERROR, "PostgreSQL setting the server refuses", "write a value within the setting's range with a unit PostgreSQL knows (kB, MB, GB; ms, s, min), and only settings the version has"},
	{"APP016", "application", SEV_ERROR, "Keycloak pool size below 1", "set KC_DB_POOL_MAX_SIZE to at least 1 (and the initial size to at least 0)"},
	{"APP017", "application", SEV_ERROR, "host name that is not a DNS name", "use lower-case letters, digits, - and ., labels of 1 to 63 characters"},
	{"APP019", "application", SEV_ERROR, "Keycloak's pools exceed max_connections", "lower KC_DB_POOL_MAX_SIZE or the replicas, or raise PostgreSQL's max_connections"},
	{"APP020", "application", SEV_WARNING, "odoo.conf option the Odoo series lacks", "use the option the message names: Odoo ignores options its series does not have"},
	{"APP018", "application", SEV_ERROR, "Odoo probe on a route the version lacks", "probe /web/login (or a TCP socket) before Odoo 15.0; /web/health exists from 15.0"},
	{NULL, NULL, SEV_INFO, NULL, NULL},
};

const struct rule *rule_find(const char *id)
{
	/* Every finding looks its rule up: the family's letters decide first. */
	for (const struct rule *r = lint_rules; r->id; r++)
		if (r->id[0] == id[0] && r->id[1] == id[1] && r->id[2] == id[2] && strcmp(r->id, id) == 0)
			return r;
	return NULL;
}

const char *severity_name(enum severity s)
{
	switch (s) {
	case SEV_ERROR: return "error";
	case SEV_WARNING: return "warning";
	default: return "info";
	}
}
