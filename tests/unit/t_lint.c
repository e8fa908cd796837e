/* Every lint rule against a failing and a passing fixture. A fixture is one
 * or more YAML documents; the test counts the findings of that rule only. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint/lint.h"
#include "lint/schema.h"
#include "t.h"

#define POD_SEC "runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}"
#define CTR_SEC "allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}"

/* A Deployment that passes every rule but the ones a fixture provokes. */
static char *deployment(int replicas, const char *pod_sec, const char *pod_extra, const char *image,
			const char *ctr_sec, const char *ctr_extra)
{
	char *s = NULL;

	if (asprintf(&s,
		     "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: t}\nspec:\n"
		     "  replicas: %d\n  selector: {matchLabels: {app: web}}\n  template:\n"
		     "    metadata: {labels: {app: web}}\n    spec:\n      automountServiceAccountToken: false\n"
		     "      securityContext: {%s}\n"
		     "      topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, "
		     "whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}]\n%s"
		     "      containers:\n      - name: web\n        image: %s\n"
		     "        ports: [{name: http, containerPort: 8080}]\n"
		     "        livenessProbe: {httpGet: {path: /, port: http}}\n"
		     "        readinessProbe: {httpGet: {path: /, port: http}}\n"
		     "        resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 128Mi}}\n"
		     "        securityContext: {%s}\n%s",
		     replicas, pod_sec, pod_extra, image, ctr_sec, ctr_extra) < 0)
		abort();
	return s;
}

static char *join(const char *a, const char *b)
{
	char *s = NULL;

	if (asprintf(&s, "%s---\n%s", a, b) < 0)
		abort();
	return s;
}

/* Runs lint on text; returns how many findings rule_id has. */
static size_t count(const char *rule_id, const char *text)
{
	const char *dir = t_tmpdir();
	char path[600];
	struct lint_run r;
	struct diags d;
	size_t n = 0;

	t_write(dir, "m.yaml", text);
	snprintf(path, sizeof(path), "%s/m.yaml", dir);
	diags_init(&d);
	lint_init(&r, &d);
	lint_path(&r, path);
	lint_finish(&r);
	for (size_t i = 0; i < r.findings.n; i++) {
		if (strcmp(r.findings.v[i].rule->id, rule_id) == 0)
			n++;
		if (getenv("KG_TEST_DIAGS"))
			fprintf(stderr, "  %s %s\n", r.findings.v[i].rule->id, r.findings.v[i].message);
	}
	lint_free(&r);
	diags_free(&d);
	return n;
}

struct fixture {
	const char *rule;
	char *fail;
	char *pass;
};

/* Rules that have had a failing and a passing fixture; test_registry runs
 * the fixture tests itself and requires every rule of the table to be among
 * them, whatever tests ran before it. */
static const char *exercised[128];
static size_t nexercised;

static void mark_exercised(const char *rule_id)
{
	for (size_t i = 0; i < nexercised; i++)
		if (strcmp(exercised[i], rule_id) == 0)
			return;
	if (nexercised < sizeof(exercised) / sizeof(exercised[0]))
		exercised[nexercised++] = rule_id;
}

static bool was_exercised(const char *rule_id)
{
	for (size_t i = 0; i < nexercised; i++)
		if (strcmp(exercised[i], rule_id) == 0)
			return true;
	return false;
}

static void expect(const struct fixture *f)
{
	size_t bad = count(f->rule, f->fail), good = count(f->rule, f->pass);

	mark_exercised(f->rule);
	if (bad == 0)
		fprintf(stderr, "    %s did not fire on its failing fixture\n", f->rule);
	if (good != 0)
		fprintf(stderr, "    %s fired on its passing fixture\n", f->rule);
	CHECK(bad > 0);
	CHECK_INT((long long)good, 0);
}

static void run(struct fixture *fx, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		expect(&fx[i]);
		free(fx[i].fail);
		free(fx[i].pass);
	}
}

static char *s(const char *text)
{
	char *c = strdup(text);
	if (!c)
		abort();
	return c;
}

static char *good(void)
{
	return deployment(1, POD_SEC, "", "nginx:1.27", CTR_SEC, "");
}

static char *pvc(const char *size, const char *mode)
{
	char *x = NULL;

	if (asprintf(&x, "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data, namespace: t}\n"
			 "spec: {accessModes: [%s], resources: {requests: {storage: %s}}}\n", mode, size) < 0)
		abort();
	return x;
}

static void test_schema_rules(void)
{
	struct fixture fx[] = {
		/* an unknown field deep in a container */
		{"SCH001", deployment(1, POD_SEC, "", "nginx:1.27", CTR_SEC, "        imagePullPolcy: Always\n"), good()},
		{"SCH002", deployment(1, POD_SEC, "", "nginx:1.27", CTR_SEC, "        tty: \"maybe\"\n"),
		 deployment(1, POD_SEC, "", "nginx:1.27", CTR_SEC, "        tty: true\n")},
		{"SCH003", s("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{name: http}]\n"),
		 s("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{name: http, port: 80}]\n")},
		/* an explicit null on a required field: the API server decodes the zero value, "Required value" */
		{"SCH003", s("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{name: http, port: null}]\n"),
		 s("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{name: http, port: 80}]\n")},
		{"SCH003", s("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\n"
			     "rules: [{apiGroups: [\"\"], resources: [pods], verbs: null}]\n"),
		 s("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\n"
		   "rules: [{apiGroups: [\"\"], resources: [pods], verbs: [get]}]\n")},
		{"SCH004", pvc("10GB", "ReadWriteOnce"), pvc("10Gi", "ReadWriteOnce")},
		{"SCH005", deployment(1, POD_SEC, "      restartPolicy: Sometimes\n", "nginx:1.27", CTR_SEC, ""),
		 deployment(1, POD_SEC, "      restartPolicy: Always\n", "nginx:1.27", CTR_SEC, "")},
		/* a YAML 1.1 boolean in a string field */
		{"SCH006", s("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {enabled: yes}}\ndata: {a: b}\n"),
		 s("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {enabled: \"yes\"}}\ndata: {a: b}\n")},
		{"SCH007", s("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: My_Config}\n"),
		 s("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: my-config}\n")},
		{"SCH008", s("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {\"app name\": web}}\n"),
		 s("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {app.kubernetes.io/name: web}}\n")},
		{"SCH009", s("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: i}\n"),
		 s("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec: {}\n")},
		{"SCH010", s("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n"),
		 s("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: w}\n")},
		/* a duplicate key */
		{"SCH011", s("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: 1\n  a: 2\n"),
		 s("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: \"1\"\n")},
	};

	run(fx, sizeof(fx) / sizeof(fx[0]));
}

static void test_schema_positions(void)
{
	char *doc = deployment(1, POD_SEC, "", "nginx:1.27", CTR_SEC, "        imagePullPolcy: Always\n");
	const char *dir = t_tmpdir();
	char path[600];
	struct lint_run r;
	struct diags d;

	t_write(dir, "m.yaml", doc);
	snprintf(path, sizeof(path), "%s/m.yaml", dir);
	diags_init(&d);
	lint_init(&r, &d);
	lint_path(&r, path);
	lint_finish(&r);
	CHECK(r.findings.n >= 1);
	for (size_t i = 0; i < r.findings.n; i++) {
		if (strcmp(r.findings.v[i].rule->id, "SCH001") != 0)
			continue;
		CHECK_INT(r.findings.v[i].line, 21);
		CHECK_INT(r.findings.v[i].col, 9);
		CHECK(strstr(r.findings.v[i].message, "spec.template.spec.containers[0].imagePullPolcy: unknown field \"imagePullPolcy\"") != NULL);
		CHECK_STR(r.findings.v[i].object, "Deployment/web");
	}
	lint_free(&r);
	diags_free(&d);
	free(doc);
}

static void test_schema_tables(void)
{
	const struct schema_root *dep = schema_find("apps/v1", "Deployment");
	const struct schema_root *mw = schema_find("traefik.io/v1alpha1", "Middleware");
	const struct schema_root *cl = schema_find("postgresql.cnpg.io/v1", "Cluster");

	CHECK(dep != NULL && !dep->crd);
	CHECK(mw != NULL && mw->crd);
	CHECK(cl != NULL);
	CHECK(schema_find("apps/v1", "Nonsense") == NULL);
	CHECK(dep && schema_field(&schema_types[dep->type], "spec") != NULL);
	CHECK(dep && schema_field(&schema_types[dep->type], "spek") == NULL);
	CHECK(schema_removed("policy/v1beta1", "PodSecurityPolicy") != NULL);
	CHECK(schema_removed("policy/v1", "PodDisruptionBudget") == NULL);
	CHECK(schema_nroots > 200);
}

/* A bare Pod: for rules that look at one field only. */
static char *pod2(const char *spec_extra, const char *container_extra)
{
	char *x = NULL;

	if (asprintf(&x, "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: t}\nspec:\n%s  containers:\n"
			 "  - name: c\n    image: nginx:1.27\n%s", spec_extra, container_extra) < 0)
		abort();
	return x;
}

static char *pod(const char *container_extra)
{
	return pod2("", container_extra);
}

static char *role(const char *rule)
{
	char *x = NULL;

	if (asprintf(&x, "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: t}\n"
			 "rules: [%s]\n", rule) < 0)
		abort();
	return x;
}

static void test_security_rules(void)
{
	struct fixture fx[] = {
		{"SEC001", deployment(1, POD_SEC, "", "nginx:1.27", CTR_SEC ", privileged: true", ""), good()},
		{"SEC002", deployment(1, POD_SEC, "", "nginx:1.27", "readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}", ""), good()},
		{"SEC003", deployment(1, "runAsUser: 1000, seccompProfile: {type: RuntimeDefault}", "", "nginx:1.27", CTR_SEC, ""), good()},
		{"SEC004", deployment(1, "runAsNonRoot: true, runAsUser: 0, seccompProfile: {type: RuntimeDefault}", "", "nginx:1.27", CTR_SEC, ""), good()},
		{"SEC005", deployment(1, "runAsNonRoot: true, runAsUser: 1000", "", "nginx:1.27", CTR_SEC, ""), good()},
		{"SEC006", deployment(1, POD_SEC, "", "nginx:1.27", "allowPrivilegeEscalation: false, readOnlyRootFilesystem: true", ""), good()},
		{"SEC007", deployment(1, POD_SEC, "", "nginx:1.27", "allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL], add: [SYS_ADMIN]}", ""),
		 deployment(1, POD_SEC, "", "nginx:1.27", "allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}", "")},
		{"SEC008", deployment(1, POD_SEC, "      hostNetwork: true\n", "nginx:1.27", CTR_SEC, ""), good()},
		{"SEC009", deployment(1, POD_SEC, "      volumes: [{name: sock, hostPath: {path: /var/run/docker.sock}}]\n", "nginx:1.27", CTR_SEC, ""),
		 deployment(1, POD_SEC, "      volumes: [{name: tmp, emptyDir: {}}]\n", "nginx:1.27", CTR_SEC, "")},
		{"SEC010", pod("    ports: [{containerPort: 80, hostPort: 80}]\n"), pod("    ports: [{containerPort: 80}]\n")},
		{"SEC011", deployment(1, POD_SEC, "", "nginx:1.27", "allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}", ""), good()},
		/* the official Odoo image's user is the name "odoo" */
		{"SEC012", deployment(1, "runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}", "", "odoo:17.0", CTR_SEC, ""),
		 deployment(1, "runAsNonRoot: true, runAsUser: 101, seccompProfile: {type: RuntimeDefault}", "", "odoo:17.0", CTR_SEC, "")},
		{"SEC013", deployment(1, POD_SEC, "", "nginx:1.27", CTR_SEC, "        env: [{name: API_TOKEN, value: abc123}]\n"),
		 deployment(1, POD_SEC, "", "nginx:1.27", CTR_SEC, "        env: [{name: API_TOKEN, valueFrom: {secretKeyRef: {name: s, key: t}}}]\n")},
		{"SEC014", s("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: odoo-config}\ndata:\n  odoo.conf: |\n    [options]\n    admin_passwd = hunter2hunter2\n"),
		 s("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: odoo-config}\ndata:\n  odoo.conf: |\n    [options]\n    workers = 2\n")},
		{"SEC015", pod2("", ""), pod2("  automountServiceAccountToken: false\n", "")},
		{"SEC016", role("{apiGroups: [\"\"], resources: [\"*\"], verbs: [get]}"),
		 role("{apiGroups: [\"\"], resources: [pods], verbs: [get]}")},
		{"SEC017", role("{apiGroups: [\"\"], resources: [secrets], verbs: [get, list]}"),
		 role("{apiGroups: [\"\"], resources: [secrets], resourceNames: [tls], verbs: [get]}")},
	};

	run(fx, sizeof(fx) / sizeof(fx[0]));
}

static const char hpa_web[] =
	"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web, namespace: t}\n"
	"spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 2, maxReplicas: 4}\n";
static const char hpa_missing[] =
	"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: gone, namespace: t}\n"
	"spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: gone}, minReplicas: 2, maxReplicas: 4}\n";
static const char pdb_web[] =
	"apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web, namespace: t}\n"
	"spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}\n";
static const char svc_web[] =
	"apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: t}\n"
	"spec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: http}]}\n";
static const char deny_all[] =
	"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: t}\n"
	"spec: {podSelector: {}, policyTypes: [Ingress, Egress]}\n";
static const char allow_dns[] =
	"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: dns, namespace: t}\n"
	"spec: {podSelector: {}, policyTypes: [Egress], egress: [{ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]}]}\n";
/* cert-manager answering HTTP-01 for the namespace t. */
static const char http01_issuer[] =
	"apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: le}\n"
	"spec: {acme: {server: https://acme.example/dir, privateKeySecretRef: {name: k}, "
	"solvers: [{http01: {ingress: {ingressClassName: traefik}}}]}}\n";
static const char solver_from_traefik[] =
	"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: solver, namespace: t}\n"
	"spec: {podSelector: {matchLabels: {acme.cert-manager.io/http01-solver: \"true\"}}, policyTypes: [Ingress], "
	"ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: traefik}}}], "
	"ports: [{port: 8089}]}]}\n";
static const char web_from_traefik[] =
	"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web, namespace: t}\n"
	"spec: {podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress], "
	"ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: traefik}}}], "
	"ports: [{port: http}]}]}\n";
/* A routed Odoo and a Keycloak, each egress-isolated but for DNS. */
static const char oidc_set[] =
	"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: odoo, namespace: t}\nspec:\n  selector: {matchLabels: {app: odoo}}\n"
	"  template:\n    metadata: {labels: {app: odoo}}\n    spec:\n      containers: [{name: odoo, image: \"odoo:17.0\", "
	"ports: [{name: http, containerPort: 8069}]}]\n"
	"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: kc, namespace: t}\nspec:\n  selector: {matchLabels: {app: kc}}\n"
	"  template:\n    metadata: {labels: {app: kc}}\n    spec:\n      containers: [{name: kc, image: \"quay.io/keycloak/keycloak:26.1\", "
	"ports: [{name: http, containerPort: 8080}]}]\n"
	"---\napiVersion: v1\nkind: Service\nmetadata: {name: odoo, namespace: t}\nspec: {selector: {app: odoo}, ports: [{port: 8069}]}\n"
	"---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: odoo, namespace: t}\n"
	"spec: {rules: [{host: erp.example.org, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: odoo, port: {number: 8069}}}}]}}]}\n"
	"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: dns, namespace: t}\n"
	"spec: {podSelector: {}, policyTypes: [Egress], egress: [{ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]}]}\n";
static const char odoo_to_keycloak[] =
	"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: odoo, namespace: t}\n"
	"spec: {podSelector: {matchLabels: {app: odoo}}, policyTypes: [Egress], egress: [{to: [{podSelector: {matchLabels: {app: kc}}}], "
	"ports: [{port: 8080}]}, {to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: traefik}}}], ports: [{port: 8443}]}]}\n";
static const char pod_monitor[] =
	"apiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nmetadata: {name: web, namespace: t}\n"
	"spec: {selector: {matchLabels: {app: web}}, podMetricsEndpoints: [{port: http}]}\n";
static const char scrape_from_prometheus_ns[] =
	"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: metrics, namespace: t}\n"
	"spec: {podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress], "
	"ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-prometheus-stack}}}], ports: [{port: 8080}]}]}\n";
/* Egress that only a Cilium FQDN rule could allow: not evaluated. */
static const char fqdn_egress[] =
	"apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: fqdn, namespace: t}\n"
	"spec: {endpointSelector: {}, egress: [{toFQDNs: [{matchName: example.org}]}]}\n";

/* A Deployment named web with only what container_extra adds. */
static char *bare(int replicas, const char *container_extra)
{
	char *x = NULL;

	if (asprintf(&x, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: t}\nspec:\n"
			 "  replicas: %d\n  selector: {matchLabels: {app: web}}\n  template:\n"
			 "    metadata: {labels: {app: web}}\n    spec:\n      containers:\n"
			 "      - name: web\n        image: nginx:1.27\n%s", replicas, container_extra) < 0)
		abort();
	return x;
}

static char *with(const char *a, const char *b)
{
	return join(a, b);
}

static char *owned_join(char *a, const char *b)
{
	char *x = join(a, b);

	free(a);
	return x;
}

static char *sts_db(void)
{
	return s("apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: t}\n"
		 "spec: {serviceName: db, selector: {matchLabels: {app: db}}, template: {metadata: {labels: {app: db}}, "
		 "spec: {containers: [{name: d, image: d:1, ports: [{containerPort: 5432}]}]}}}\n");
}

static char *ingress_to(const char *service, const char *port, const char *path)
{
	char *x = NULL;

	if (asprintf(&x, "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i, namespace: t}\n"
			 "spec: {rules: [{host: a.example.org, http: {paths: [{path: %s, pathType: Prefix, "
			 "backend: {service: {name: %s, port: %s}}}]}}]}\n", path, service, port) < 0)
		abort();
	return x;
}

static void test_reliability_rules(void)
{
	char *two = deployment(2, POD_SEC, "", "nginx:1.27", CTR_SEC, "");
	char *g = good();
	struct fixture fx[] = {
		{"REL001", bare(1, ""), bare(1, "        livenessProbe: {httpGet: {path: /, port: 80}}\n")},
		{"REL002", bare(1, ""), bare(1, "        readinessProbe: {httpGet: {path: /, port: 80}}\n")},
		{"REL003", bare(1, ""), bare(1, "        resources: {requests: {cpu: 100m, memory: 64Mi}}\n")},
		{"REL004", bare(1, ""), bare(1, "        resources: {limits: {memory: 64Mi}}\n")},
		{"REL005", good(), deployment(2, POD_SEC, "", "nginx:1.27", CTR_SEC, "")},
		{"REL006", deployment(2, POD_SEC, "", "nginx:1.27", CTR_SEC, ""), with(two, pdb_web)},
		{"REL007", bare(2, ""), deployment(2, POD_SEC, "", "nginx:1.27", CTR_SEC, "")},
		{"REL008", deployment(1, POD_SEC, "", "nginx", CTR_SEC, ""), good()},
		{"REL009", with(g, hpa_missing), with(g, hpa_web)},
		{"REL010", owned_join(bare(1, ""), hpa_web), with(g, hpa_web)},
		{"REL011", s("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
			     "spec: {scaleTargetRef: {kind: Deployment, name: web}, minReplicas: 5, maxReplicas: 2}\n"),
		 s(hpa_web)},
		{"REL012", bare(1, "        ports: [{name: web, containerPort: 8080}]\n"
				   "        readinessProbe: {httpGet: {path: /, port: http}}\n"),
		 bare(1, "        ports: [{name: http, containerPort: 8080}]\n"
			 "        readinessProbe: {httpGet: {path: /, port: http}}\n        livenessProbe: {tcpSocket: {port: 8080}}\n")},
		{"REL013", bare(1, "        env: [{name: A, value: x}, {name: B, value: y}, {name: A, value: z}]\n"),
		 bare(1, "        env: [{name: A, value: x}, {name: B, value: y}]\n")},
		{"REL014", s("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: t}\n"
			     "spec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: other}}, "
			     "spec: {containers: [{name: w, image: w:1}]}}}\n"),
		 bare(1, "")},
	};

	run(fx, sizeof(fx) / sizeof(fx[0]));
	free(two);
	free(g);
}

/* An Odoo whose odoo.conf names its database, a PostgreSQL behind Service db,
 * and the start of a NetworkPolicy on the database. */
#define ODOO_CONF_DB \
	"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app, namespace: t}\nspec:\n  selector: {matchLabels: {app: app}}\n" \
	"  template:\n    metadata: {labels: {app: app}}\n    spec:\n      containers: [{name: odoo, image: \"odoo:17.0\"}]\n" \
	"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: conf, namespace: t}\n" \
	"data: {odoo.conf: \"[options]\\ndb_host = db\\nlist_db = False\\n\"}\n" \
	"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: db, namespace: t}\nspec:\n  selector: {matchLabels: {app: db}}\n" \
	"  template:\n    metadata: {labels: {app: db}}\n    spec:\n      containers: [{name: pg, image: \"postgres:16\"}]\n" \
	"---\napiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: t}\nspec: {selector: {app: db}, ports: [{port: 5432}]}\n" \
	"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: db, namespace: t}\n"

static void test_cross_rules(void)
{
	char *g = good();
	char *two = deployment(2, POD_SEC, "", "nginx:1.27", CTR_SEC, "");
	char *two_claim = deployment(2, POD_SEC, "      volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]\n",
				     "nginx:1.27", CTR_SEC, "");
	char *needs_secret = deployment(1, POD_SEC, "", "nginx:1.27", CTR_SEC,
					"        env: [{name: T, valueFrom: {secretKeyRef: {name: creds, key: token}}}]\n");
	char *web_svc = with(g, svc_web);
	char *rwo = pvc("1Gi", "ReadWriteOnce"), *rwx = pvc("1Gi", "ReadWriteMany");
	char *deny = with(g, deny_all);
	char *egress_only = with(g, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: e, namespace: t}\n"
				    "spec: {podSelector: {}, policyTypes: [Egress]}\n");
	/* A site behind Traefik with default-deny, the route allowed by the named
	 * port, and an HTTP-01 issuer: only the solver's flow is missing. */
	char *route = ingress_to("web", "{name: http}", "/");
	char *tls_site = owned_join(owned_join(owned_join(owned_join(owned_join(s(g), route), svc_web), http01_issuer),
						   deny_all), web_from_traefik);
	struct fixture fx[] = {
		{"XRF001", with(g, "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: t}\n"
				   "spec: {selector: {app: other}, ports: [{port: 80}]}\n"), with(g, svc_web)},
		{"XRF002", with(g, "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: t}\n"
				   "spec: {selector: {app: web}, ports: [{name: m, port: 9090, targetPort: metrics}]}\n"),
		 with(g, svc_web)},
		{"XRF003", owned_join(ingress_to("missing", "{name: http}", "/"), web_svc), owned_join(ingress_to("web", "{name: http}", "/"), web_svc)},
		{"XRF004", owned_join(ingress_to("web", "{number: 9999}", "/"), web_svc), owned_join(ingress_to("web", "{number: 80}", "/"), web_svc)},
		{"XRF005", s(needs_secret), with(needs_secret, "apiVersion: v1\nkind: Secret\nmetadata: {name: creds, namespace: t}\nstringData: {token: x}\n")},
		/* A kustomization's secretGenerator defines the Secret and its keys. */
		{"XRF005", s(needs_secret),
		 with(needs_secret, "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nsecretGenerator:\n"
				    "- {name: creds, namespace: t, files: [token=secrets/creds/token]}\n")},
		{"XRF006", with(needs_secret, "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nsecretGenerator:\n"
					      "- {name: creds, namespace: t, files: [other=secrets/creds/other]}\n"),
		 with(needs_secret, "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nsecretGenerator:\n"
				    "- {name: creds, namespace: t, literals: [token=x]}\n")},
		{"XRF006", with(needs_secret, "apiVersion: v1\nkind: Secret\nmetadata: {name: creds, namespace: t}\nstringData: {other: x}\n"),
		 with(needs_secret, "apiVersion: v1\nkind: Secret\nmetadata: {name: creds, namespace: t}\nstringData: {token: x}\n")},
		{"XRF007", with(two_claim, rwo), with(two_claim, rwx)},
		{"XRF008", s(g), with(g, deny_all)},
		{"XRF009", s(egress_only), with(egress_only, allow_dns)},
		{"XRF010",
		 s("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app, namespace: t}\nspec:\n  selector: {matchLabels: {app: app}}\n"
		   "  template:\n    metadata: {labels: {app: app}}\n    spec:\n      containers: [{name: odoo, image: \"odoo:17.0\", env: [{name: HOST, value: db}]}]\n"
		   "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: db, namespace: t}\nspec:\n  selector: {matchLabels: {app: db}}\n"
		   "  template:\n    metadata: {labels: {app: db}}\n    spec:\n      containers: [{name: pg, image: \"postgres:16\"}]\n"
		   "---\napiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: t}\nspec: {selector: {app: db}, ports: [{port: 5432}]}\n"
		   "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: db, namespace: t}\n"
		   "spec: {podSelector: {matchLabels: {app: db}}, policyTypes: [Ingress], ingress: [{from: [{podSelector: {matchLabels: {app: other}}}]}]}\n"),
		 s("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app, namespace: t}\nspec:\n  selector: {matchLabels: {app: app}}\n"
		   "  template:\n    metadata: {labels: {app: app}}\n    spec:\n      containers: [{name: odoo, image: \"odoo:17.0\", env: [{name: HOST, value: db}]}]\n"
		   "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: db, namespace: t}\nspec:\n  selector: {matchLabels: {app: db}}\n"
		   "  template:\n    metadata: {labels: {app: db}}\n    spec:\n      containers: [{name: pg, image: \"postgres:16\"}]\n"
		   "---\napiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: t}\nspec: {selector: {app: db}, ports: [{port: 5432}]}\n"
		   "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: db, namespace: t}\n"
		   "spec: {podSelector: {matchLabels: {app: db}}, policyTypes: [Ingress], ingress: [{from: [{podSelector: {matchLabels: {app: app}}}]}]}\n")},
		/* db_host in odoo.conf: the image's entrypoint prefers it to HOST */
		{"XRF010", s(ODOO_CONF_DB "spec: {podSelector: {matchLabels: {app: db}}, policyTypes: [Ingress], ingress: [{from: [{podSelector: {matchLabels: {app: other}}}]}]}\n"),
		 s(ODOO_CONF_DB "spec: {podSelector: {matchLabels: {app: db}}, policyTypes: [Ingress], ingress: [{from: [{podSelector: {matchLabels: {app: app}}}]}]}\n")},
		{"XRF011", with(g, "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p, namespace: t}\n"
				   "spec: {minAvailable: 1, selector: {matchLabels: {app: other}}}\n"), with(two, pdb_web)},
		{"XRF012", owned_join(sts_db(), "apiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: t}\n"
						 "spec: {selector: {app: db}, ports: [{port: 5432}]}\n"),
		 owned_join(sts_db(), "apiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: t}\n"
				      "spec: {clusterIP: None, selector: {app: db}, ports: [{port: 5432}]}\n")},
		{"XRF014", s(tls_site), with(tls_site, solver_from_traefik)},
		{"XRF015", owned_join(owned_join(s(g), route),
				      "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: t}\n"
				      "spec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: metrics}]}\n"),
		 owned_join(owned_join(s(g), route), web_svc)},
		{"XRF016", with(egress_only, fqdn_egress), with(egress_only, allow_dns)},
		/* Odoo signs in through Keycloak: its egress must reach Keycloak's pods. */
		{"XRF017", s(oidc_set), with(oidc_set, odoo_to_keycloak)},
		/* Prometheus scrapes what a PodMonitor selects, by the pods' port name. */
		{"XRF017", with(deny, pod_monitor), owned_join(with(deny, pod_monitor), scrape_from_prometheus_ns)},
		{"XRF013", owned_join(bare(1, "      serviceAccountName: runner\n"),
				      "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: other, namespace: t}\n"),
		 owned_join(bare(1, "      serviceAccountName: runner\n"),
			    "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: runner, namespace: t}\n")},
	};

	run(fx, sizeof(fx) / sizeof(fx[0]));
	(void)deny;
	free(tls_site);
	free(route);
	free(g);
	free(two);
	free(two_claim);
	free(needs_secret);
	free(web_svc);
	free(rwo);
	free(rwx);
	free(deny);
	free(egress_only);
}

/* An Odoo Deployment named web, 2 CPU / 4Gi, wired through the image's
 * variables; extra goes at the container level. */
static char *odoo(const char *extra)
{
	char *x = NULL;

	if (asprintf(&x, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: t}\nspec:\n"
			 "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n"
			 "      containers:\n      - name: odoo\n        image: odoo:17.0\n"
			 "        resources: {limits: {cpu: \"2\", memory: 4Gi}}\n"
			 "        ports: [{name: http, containerPort: 8069}, {name: websocket, containerPort: 8072}]\n%s", extra) < 0)
		abort();
	return x;
}

#define WIRED "        env: [{name: HOST, value: db}, {name: USER, value: odoo}, {name: PASSWORD, valueFrom: {secretKeyRef: {name: s, key: p}}}]\n"

static char *conf(const char *options)
{
	char *x = NULL;

	if (asprintf(&x, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: odoo-config, namespace: t}\n"
			 "data:\n  odoo.conf: |\n    [options]\n%s", options) < 0)
		abort();
	return x;
}

static char *odoo_set(const char *options, const char *extra_docs)
{
	char *o = odoo(WIRED), *c = conf(options), *a = join(o, c), *x = NULL;

	if (asprintf(&x, "%s%s", a, extra_docs) < 0)
		abort();
	free(o);
	free(c);
	free(a);
	return x;
}

static char *keycloak(const char *version, const char *args, const char *env, const char *probe_port)
{
	char *x = NULL;

	if (asprintf(&x, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: kc, namespace: t}\nspec:\n"
			 "  selector: {matchLabels: {app: kc}}\n  template:\n    metadata: {labels: {app: kc}}\n    spec:\n"
			 "      containers:\n      - name: keycloak\n        image: quay.io/keycloak/keycloak:%s\n"
			 "        args: [%s]\n        env: [%s]\n"
			 "        readinessProbe: {httpGet: {path: /health/ready, port: %s}}\n", version, args, env, probe_port) < 0)
		abort();
	return x;
}

static char *postgres(int replicas, const char *env)
{
	char *x = NULL;

	if (asprintf(&x, "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: t}\nspec:\n"
			 "  replicas: %d\n  serviceName: db\n  selector: {matchLabels: {app: db}}\n  template:\n"
			 "    metadata: {labels: {app: db}}\n    spec:\n      containers:\n      - name: postgres\n"
			 "        image: postgres:16\n        env: [%s]\n"
			 "        volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data}]\n", replicas, env) < 0)
		abort();
	return x;
}

/* PostgreSQL image with args and a memory limit. */
static char *postgres_args(const char *image, const char *args)
{
	char *x = NULL;

	if (asprintf(&x, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: pg, namespace: t}\nspec:\n"
			 "  selector: {matchLabels: {app: pg}}\n  template:\n    metadata: {labels: {app: pg}}\n    spec:\n"
			 "      containers:\n      - name: postgres\n        image: %s\n        args: [%s]\n"
			 "        resources: {limits: {memory: 1Gi}}\n", image, args) < 0)
		abort();
	return x;
}

static char *with_host(const char *kind_and_spec)
{
	char *x = NULL;

	if (asprintf(&x, "%s", kind_and_spec) < 0)
		abort();
	return x;
}

/* An Odoo image beside an odoo.conf ConfigMap with one more line. */
static char *odoo_conf_for(const char *image, const char *line)
{
	char *x = NULL;

	if (asprintf(&x, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: t}\nspec:\n"
			 "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n"
			 "      containers:\n      - name: odoo\n        image: %s\n"
			 "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: conf, namespace: t}\n"
			 "data: {odoo.conf: \"[options]\\nlist_db = False\\n%s\\n\"}\n", image, line) < 0)
		abort();
	return x;
}

/* Keycloak pods with a pool size, beside a PostgreSQL with max_connections=100. */
static char *keycloak_pods(int replicas, const char *pool)
{
	char *x = NULL;

	if (asprintf(&x, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: kc, namespace: t}\nspec:\n  replicas: %d\n"
			 "  selector: {matchLabels: {app: kc}}\n  template:\n    metadata: {labels: {app: kc}}\n    spec:\n"
			 "      containers:\n      - name: keycloak\n        image: quay.io/keycloak/keycloak:26.1\n"
			 "        env: [{name: KC_DB_POOL_MAX_SIZE, value: \"%s\"}]\n"
			 "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: t}\nspec:\n"
			 "  serviceName: db\n  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n"
			 "    spec:\n      containers:\n      - name: postgres\n        image: postgres:16\n"
			 "        args: [-c, max_connections=100]\n", replicas, pool) < 0)
		abort();
	return x;
}

static char *odoo_probe(const char *image, const char *path)
{
	char *x = NULL;

	if (asprintf(&x, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: t}\nspec:\n"
			 "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n"
			 "      containers:\n      - name: odoo\n        image: %s\n"
			 "        readinessProbe: {httpGet: {path: %s, port: 8069}}\n", image, path) < 0)
		abort();
	return x;
}

static char *postgres_on_emptydir(void)
{
	char *base = postgres(1, "{name: POSTGRES_PASSWORD, valueFrom: {secretKeyRef: {name: s, key: p}}}");
	char *x = NULL;

	if (asprintf(&x, "%s      volumes: [{name: data, emptyDir: {}}]\n", base) < 0)
		abort();
	free(base);
	return x;
}

static const char svc_odoo[] =
	"---\napiVersion: v1\nkind: Service\nmetadata: {name: odoo, namespace: t}\n"
	"spec: {selector: {app: web}, ports: [{name: http, port: 8069, targetPort: http}, {name: websocket, port: 8072, targetPort: websocket}]}\n"
	"---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: odoo, namespace: t}\n"
	"spec: {rules: [{host: erp.example.org, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: odoo, port: {name: http}}}}";
static const char ws_route[] =
	", {path: /websocket, pathType: Prefix, backend: {service: {name: odoo, port: {name: websocket}}}}";

static void test_application_rules(void)
{
	char *hpa_max10 = NULL, *routed = NULL, *routed_ws = NULL;
	const char *pw_secret = "{name: POSTGRES_PASSWORD, valueFrom: {secretKeyRef: {name: s, key: p}}}";

	if (asprintf(&hpa_max10, "---\n%s", hpa_web) < 0 || asprintf(&routed, "%s]}}]}\n", svc_odoo) < 0 ||
	    asprintf(&routed_ws, "%s%s]}}]}\n", svc_odoo, ws_route) < 0)
		abort();
	{
		struct fixture fx[] = {
			/* 4 pods x (4 workers + 1 cron + gevent) x 64 > 100 */
			{"APP001", odoo_set("    workers = 4\n    max_cron_threads = 1\n    db_maxconn = 64\n", hpa_max10),
			 odoo_set("    workers = 4\n    max_cron_threads = 1\n    db_maxconn = 4\n", hpa_max10)},
			{"APP002", odoo_set("    workers = 20\n", ""), odoo_set("    workers = 5\n", "")},
			{"APP003", odoo_set("    workers = 4\n    proxy_mode = True\n    list_db = False\n", routed),
			 odoo_set("    workers = 4\n    proxy_mode = True\n    list_db = False\n", routed_ws)},
			{"APP004", odoo_set("    proxy_mode = False\n", routed_ws), odoo_set("    proxy_mode = True\n", routed_ws)},
			{"APP005", odoo_set("    list_db = True\n", ""), odoo_set("    list_db = False\n", "")},
			/* Odoo reads [options] only: list_db of another section leaves it True. */
			{"APP005", odoo_set("    [queue_job]\n    list_db = False\n", ""), odoo_set("    list_db = False\n", "")},
			{"APP006", odoo("        command: [odoo]\n" WIRED), odoo("        args: [odoo]\n" WIRED)},
			{"APP007", odoo(""), odoo(WIRED)},
			{"APP008", keycloak("26.1", "start", "{name: KC_PROXY_HEADERS, value: xforwarded}", "9000"),
			 keycloak("26.1", "start", "{name: KC_HOSTNAME, value: auth.example.org}, {name: KC_PROXY_HEADERS, value: xforwarded}", "9000")},
			{"APP009", keycloak("26.1", "start", "{name: KC_HOSTNAME, value: auth.example.org}", "9000"),
			 keycloak("26.1", "start", "{name: KC_HOSTNAME, value: auth.example.org}, {name: KC_PROXY_HEADERS, value: xforwarded}", "9000")},
			{"APP010", keycloak("25.0", "start", "{name: KC_HOSTNAME, value: a}, {name: KC_PROXY_HEADERS, value: xforwarded}", "8080"),
			 keycloak("25.0", "start", "{name: KC_HOSTNAME, value: a}, {name: KC_PROXY_HEADERS, value: xforwarded}", "9000")},
			{"APP011", keycloak("26.1", "start-dev", "{name: KC_PROXY_HEADERS, value: xforwarded}", "9000"),
			 keycloak("26.1", "start", "{name: KC_HOSTNAME, value: a}, {name: KC_PROXY_HEADERS, value: xforwarded}", "9000")},
			{"APP012", postgres(1, pw_secret),
			 postgres(1, "{name: POSTGRES_PASSWORD, valueFrom: {secretKeyRef: {name: s, key: p}}}, {name: PGDATA, value: /var/lib/postgresql/data/pgdata}")},
			/* an emptyDir is created empty: no lost+found */
			{"APP012", postgres(1, pw_secret), postgres_on_emptydir()},
			{"APP013", postgres(3, pw_secret), postgres(1, pw_secret)},
			{"APP014", postgres(1, "{name: POSTGRES_PASSWORD, value: hunter2}"), postgres(1, pw_secret)},
			/* max_connections 0: "FATAL: 0 is outside the valid range for parameter max_connections (1 .. 262143)" */
			{"APP015", postgres_args("postgres:16", "-c, max_connections=0"), postgres_args("postgres:16", "-c, max_connections=1")},
			{"APP015", postgres_args("postgres:16", "-c, shared_buffers=512mb"), postgres_args("postgres:16", "-c, shared_buffers=512MB")},
			{"APP015", postgres_args("postgres:16", "-c, shared_buffers=2GB"), postgres_args("postgres:16", "-c, shared_buffers=256MB")},
			{"APP015", postgres_args("postgres:16", "-c, wal_keep_segments=64"), postgres_args("postgres:12", "-c, wal_keep_segments=64")},
			{"APP015", postgres_args("postgres:12", "-c, wal_keep_size=1GB"), postgres_args("postgres:13", "-c, wal_keep_size=1GB")},
			{"APP015", postgres_args("postgres:15", "--work_mem=32"), postgres_args("postgres:15", "--work_mem=64")},
			{"APP015",
			 with_host("apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: {name: pg, namespace: t}\n"
				   "spec: {instances: 2, imageName: \"ghcr.io/cloudnative-pg/postgresql:16.4\", "
				   "postgresql: {parameters: {max_connections: \"0\"}}}\n"),
			 with_host("apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: {name: pg, namespace: t}\n"
				   "spec: {instances: 2, imageName: \"ghcr.io/cloudnative-pg/postgresql:16.4\", "
				   "postgresql: {parameters: {max_connections: \"200\"}}}\n")},
			{"APP015",
			 with_host("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: pg, namespace: t}\n"
				   "data: {postgresql.conf: \"max_connections = 0  # none\\nwork_mem = '4MB'\\n\"}\n"),
			 with_host("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: pg, namespace: t}\n"
				   "data: {postgresql.conf: \"max_connections = 100  # some\\nwork_mem = '4MB'\\n\"}\n")},
			{"APP016", keycloak("26.1", "start", "{name: KC_HOSTNAME, value: a}, {name: KC_PROXY_HEADERS, value: xforwarded}, {name: KC_DB_POOL_MAX_SIZE, value: \"0\"}", "9000"),
			 keycloak("26.1", "start", "{name: KC_HOSTNAME, value: a}, {name: KC_PROXY_HEADERS, value: xforwarded}, {name: KC_DB_POOL_MAX_SIZE, value: \"20\"}", "9000")},
			{"APP017", with_host("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i, namespace: t}\n"
					     "spec: {rules: [{host: \"bad domain.example\"}]}\n"),
			 with_host("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i, namespace: t}\n"
				   "spec: {rules: [{host: \"*.good-domain.example\"}]}\n")},
			{"APP017", with_host("apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: t}\n"
					     "spec: {hostnames: [Erp.Example.org]}\n"),
			 with_host("apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: t}\n"
				   "spec: {hostnames: [erp.example.org]}\n")},
			{"APP017", keycloak("26.1", "start", "{name: KC_HOSTNAME, value: \"https://auth_server.example.org\"}, {name: KC_PROXY_HEADERS, value: xforwarded}", "9000"),
			 keycloak("26.1", "start", "{name: KC_HOSTNAME, value: \"https://auth.example.org:8443/\"}, {name: KC_PROXY_HEADERS, value: xforwarded}", "9000")},
			/* 3 pods x 40 + 3 reserved > 100 */
			{"APP019", keycloak_pods(3, "40"), keycloak_pods(3, "20")},
			/* Odoo 18 dropped longpolling_port; odoo_set runs odoo:17.0 */
			{"APP020", odoo_conf_for("odoo:18.0", "longpolling_port = 8072"), odoo_conf_for("odoo:18.0", "gevent_port = 8072")},
			{"APP020", odoo_conf_for("odoo:15.0", "gevent_port = 8072"), odoo_conf_for("odoo:15.0", "longpolling_port = 8072")},
			{"APP018", odoo_probe("odoo:14.0", "/web/health"), odoo_probe("odoo:15.0", "/web/health")},
			{"APP018", odoo_probe("odoo:12.0", "/web/health"), odoo_probe("odoo:12.0", "/web/login")},
		};

		run(fx, sizeof(fx) / sizeof(fx[0]));
	}
	free(hpa_max10);
	free(routed);
	free(routed_ws);
}

/* A set that cannot vouch for an absence says nothing about it: an Ingress
 * or an HPA linted alone, or a file cut short by a syntax error. Objects of
 * a removed apiVersion still count as what runs. */
static void test_partial_sets(void)
{
	char *ing = ingress_to("web", "{name: http}", "/");
	char *cut = join("apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: t}\n"
			 "spec: {selector: {app: web}, ports: [{port: 80}]}\n", "---\nkind: [\n");
	char *old = join("apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: t}\n"
			 "spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}\n",
			 "---\napiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: web, namespace: t}\n"
			 "spec: {template: {metadata: {labels: {app: web}}, spec: {containers: [{name: w, image: w:1, "
			 "ports: [{containerPort: 8080}]}]}}}\n");

	CHECK_INT((long long)count("XRF003", ing), 0);
	CHECK_INT((long long)count("REL009", hpa_web), 0);
	CHECK_INT((long long)count("SCH011", cut), 1);
	CHECK_INT((long long)count("XRF001", cut), 0);
	CHECK_INT((long long)count("SCH009", old), 1);
	CHECK_INT((long long)count("XRF001", old), 0);
	CHECK_INT((long long)count("XRF002", old), 0);
	free(ing);
	free(cut);
	free(old);
}

static void test_suppression(void)
{
	char *plain = deployment(1, POD_SEC, "", "nginx:1.27", "allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}", "");
	char *annotated = NULL;

	/* the annotation goes into the Deployment's metadata */
	if (asprintf(&annotated, "%s", plain) < 0)
		abort();
	{
		char *meta = strstr(annotated, "metadata: {name: web, namespace: t}");
		char *x = NULL;
		if (!meta || asprintf(&x, "%.*smetadata: {name: web, namespace: t, annotations: {kgenius.io/ignore: \"SEC011: the image writes to /var/cache\"}}%s",
				      (int)(meta - annotated), annotated, meta + strlen("metadata: {name: web, namespace: t}")) < 0)
			abort();
		free(annotated);
		annotated = x;
	}
	CHECK(count("SEC011", plain) > 0);
	CHECK_INT((long long)count("SEC011", annotated), 0);
	free(plain);
	free(annotated);
}

static void test_config_file(void)
{
	const char *dir = t_tmpdir();
	char cfg_path[600];
	struct lint_config cfg;
	struct diags d;

	t_write(dir, "kgenius-lint.yaml", "fail-on: warning\nrules:\n  SEC011: off\n  REL005: error\n");
	snprintf(cfg_path, sizeof(cfg_path), "%s/kgenius-lint.yaml", dir);
	memset(&cfg, 0, sizeof(cfg));
	diags_init(&d);
	CHECK_INT(lint_config_load(&cfg, cfg_path, &d), 0);
	CHECK_INT(cfg.fail_on, SEV_WARNING);
	CHECK_INT((long long)cfg.noverrides, 2);
	CHECK(cfg.overrides[0].disabled);
	CHECK_INT(cfg.overrides[1].severity, SEV_ERROR);
	t_write(dir, "bad.yaml", "rules:\n  NOPE001: off\n");
	snprintf(cfg_path, sizeof(cfg_path), "%s/bad.yaml", dir);
	CHECK_INT(lint_config_load(&cfg, cfg_path, &d), -1);
	CHECK(t_diag_has(&d, DIAG_ERROR, "unknown rule NOPE001", 2));
	diags_free(&d);
}

static void test_generated(void)
{
	const char *good = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: erp\ndata:\n  a: b\n";
	const char *bad = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: erp\n  bogus: 1\n";
	struct lint_text texts[2] = {{"good.yaml", good, strlen(good), false}, {"bad.yaml", bad, strlen(bad), false}};
	const struct lint_generated_opts opts = {.producer = "test"};
	struct diags d;

	diags_init(&d);
	CHECK_INT((long long)lint_generated(texts, 1, &opts, &d), 0);
	CHECK_INT((long long)d.n, 0);
	CHECK_INT((long long)lint_generated(texts, 2, &opts, &d), 1);
	CHECK(t_diag_has(&d, DIAG_ERROR, "the generated manifests fail lint rule SCH001", 6));
	CHECK(d.n == 1 && d.v[0].fix && strcmp(d.v[0].fix, "please report this: test should never produce it") == 0);
	CHECK(d.n == 1 && strcmp(d.v[0].file, "bad.yaml") == 0);
	diags_free(&d);
	/* Read for context only: its findings are not the caller's. */
	diags_init(&d);
	texts[1].context_only = true;
	CHECK_INT((long long)lint_generated(texts, 2, &opts, &d), 0);
	CHECK_INT((long long)d.n, 0);
	diags_free(&d);
}

static void test_registry(void)
{
	size_t n = 0;

	nexercised = 0;
	test_schema_rules();
	test_security_rules();
	test_reliability_rules();
	test_cross_rules();
	test_application_rules();

	for (const struct rule *r = lint_rules; r->id; r++) {
		n++;
		CHECK(r->title && r->title[0] && r->remediation && r->remediation[0]);
		CHECK(rule_find(r->id) == r);
		if (!was_exercised(r->id))
			fprintf(stderr, "    %s has no failing and passing fixture\n", r->id);
		CHECK(was_exercised(r->id));
	}
	CHECK(n >= 40);
}

const struct t_case t_lint_cases[] = {
	{"lint: schema rules, each failing and passing", test_schema_rules},
	{"lint: schema findings carry line, column, path and object", test_schema_positions},
	{"lint: generated schema tables", test_schema_tables},
	{"lint: security rules, each failing and passing", test_security_rules},
	{"lint: reliability rules, each failing and passing", test_reliability_rules},
	{"lint: cross-resource rules, each failing and passing", test_cross_rules},
	{"lint: application rules, each failing and passing", test_application_rules},
	{"lint: partial sets, cut files and removed APIs report no false absence", test_partial_sets},
	{"lint: kgenius.io/ignore suppresses a rule on one object", test_suppression},
	{"lint: configuration file", test_config_file},
	{"lint: generated manifests are linted before writing, errors located", test_generated},
	{"lint: every rule has a description, a fix and a fixture pair", test_registry},
	{NULL, NULL},
};
