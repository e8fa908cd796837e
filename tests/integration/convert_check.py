#!/usr/bin/env python3
"""Asserts the requirements of `kgenius convert` on the parsed output.

Usage: convert_check.py OUTPUT_DIR [--replicas N] [--max-replicas N] [--ingress traefik|nginx]

Prints "ok NAME" or "FAIL NAME: detail" for each requirement.
"""
import argparse
import configparser
import glob
import os
import re
import stat

import yaml

import k8s_docs

p = argparse.ArgumentParser()
p.add_argument("dir")
p.add_argument("--replicas", type=int, default=2)
p.add_argument("--max-replicas", type=int, default=6)
p.add_argument("--ingress", default="traefik")
args = p.parse_args()

docs = k8s_docs.load(args.dir)


def find(kind, name=None):
    for d in docs:
        if d.get("kind") == kind and (name is None or d["metadata"]["name"] == name):
            return d
    return None


def all_of(kind):
    return [d for d in docs if d.get("kind") == kind]


results = []


def check(name, cond, detail=""):
    results.append((name, bool(cond), detail))


def quantity(q):
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "m": 0.001, "": 1, "k": 1000, "M": 10**6, "G": 10**9}
    m = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", str(q))
    return float(m.group(1)) * units[m.group(2)]


def pod_spec(d):
    if d["kind"] == "CronJob":
        return d["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return d["spec"]["template"]["spec"]


def containers(spec):
    return spec.get("initContainers", []) + spec.get("containers", [])


# --- files -------------------------------------------------------------------
for f in ["odoo-deployment.yaml", "postgres-statefulset.yaml", "keycloak-deployment.yaml", "ingress.yaml",
          "config.yaml", "namespace.yaml", "storage.yaml", "network-policies.yaml", "rbac.yaml", "pdb.yaml",
          "cluster-issuer.yaml", "kustomization.yaml", "NOTES.md"]:
    check(f"file {f} exists", os.path.exists(os.path.join(args.dir, f)))
mode = stat.S_IMODE(os.stat(os.path.join(args.dir, "config.yaml")).st_mode)
check("config.yaml is mode 0600", mode == 0o600, oct(mode))
kust = yaml.safe_load(open(os.path.join(args.dir, "kustomization.yaml")))
res = kust["resources"]
check("no Secret object in any manifest: the values are files for the secretGenerator",
      not any(d["kind"] == "Secret" and d["__file"] != "kustomization.yaml" for d in docs))
sfiles = [os.path.join(r, f) for r, _, fs in os.walk(os.path.join(args.dir, "secrets")) for f in fs]
check("secret files are mode 0600 in a 0700 directory", sfiles and all(stat.S_IMODE(os.stat(f).st_mode) == 0o600 for f in sfiles)
      and stat.S_IMODE(os.stat(os.path.join(args.dir, "secrets")).st_mode) == 0o700)
check("git ignores the secret files", "secrets/" in open(os.path.join(args.dir, ".gitignore")).read().split())
check("config.yaml lists every Secret and its keys",
      all(("#   %s (" % g["name"]) in open(os.path.join(args.dir, "config.yaml")).read() for g in kust["secretGenerator"]))
check("the Namespace and the filestore claim are not in the kustomization (delete -k keeps the data)",
      "namespace.yaml" not in res and "storage.yaml" not in res and find("PersistentVolumeClaim", "odoo-filestore")["__file"] == "storage.yaml")
check("kustomization orders Phase 1: PostgreSQL, Odoo, Keycloak, Ingress",
      res.index("postgres-statefulset.yaml") < res.index("odoo-deployment.yaml") < res.index("keycloak-deployment.yaml") < res.index("ingress.yaml"), res)

# --- Odoo --------------------------------------------------------------------
odoo = find("Deployment", "odoo")
spec = pod_spec(odoo)
c = spec["containers"][0]
check("odoo: at least 2 replicas", odoo["spec"]["replicas"] >= 2 and odoo["spec"]["replicas"] == args.replicas)
lim, req = c["resources"]["limits"], c["resources"]["requests"]
check("odoo: limits CPU 2 / memory 4Gi", quantity(lim["cpu"]) == 2 and quantity(lim["memory"]) == 4 * 2**30, lim)
check("odoo: requests set and below limits", quantity(req["cpu"]) <= quantity(lim["cpu"]) and quantity(req["memory"]) <= quantity(lim["memory"]))
for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
    check(f"odoo: {probe} on /web/health", c[probe]["httpGet"]["path"].startswith("/web/health"), c.get(probe))
check("odoo: probes follow the Compose healthcheck (interval 30s, timeout 10s, retries 3)",
      c["readinessProbe"]["periodSeconds"] == 30 and c["readinessProbe"]["timeoutSeconds"] == 10 and c["readinessProbe"]["failureThreshold"] == 3)
check("odoo: the startup probe allows at least the Compose start_period (90 s)",
      c["startupProbe"]["periodSeconds"] * c["startupProbe"]["failureThreshold"] >= 90)
check("odoo: no command (the image's entrypoint runs)", "command" not in c)
check("odoo: args only", c.get("args", [None])[0] == "odoo")
env = {e["name"]: e for e in c["env"]}
check("odoo: HOST is the PostgreSQL Service", env["HOST"]["value"] == find("Service", env["HOST"]["value"])["metadata"]["name"])
check("odoo: USER and PASSWORD from a Secret", all("secretKeyRef" in env[k]["valueFrom"] for k in ("USER", "PASSWORD")))
check("odoo: ODOO_RC set", "ODOO_RC" in env)
conf_map = find("ConfigMap", "odoo-config")
conf = configparser.ConfigParser(inline_comment_prefixes=None, comment_prefixes=(";", "#"))
conf.read_string(conf_map["data"]["odoo.conf"])
o = conf["options"]
check("odoo.conf: proxy_mode = True", o["proxy_mode"] == "True")
check("odoo.conf: list_db = False", o["list_db"] == "False")
check("odoo.conf: no secret in the ConfigMap", not any(k in o for k in ("admin_passwd", "db_password", "smtp_password")))
check("odoo.conf: no db_host/db_user (the image's env wiring stays in force)", not any(k in o for k in ("db_host", "db_user", "db_port")))
workers, crons, maxconn = int(o["workers"]), int(o["max_cron_threads"]), int(o["db_maxconn"])
check("odoo.conf: workers derived from CPU ((2 x CPU) + 1)", workers == 2 * quantity(lim["cpu"]) + 1, workers)
# Odoo's defaults (config.py): virtual-memory caps, not a share of the pod's RSS.
check("odoo.conf: limit_memory_soft/hard are Odoo's defaults (2048/2560 MiB), not shares of the pod",
      int(o["limit_memory_soft"]) == 2048 * 2**20 and int(o["limit_memory_hard"]) == 2560 * 2**20)
check("odoo: memory request is what the processes hold at rest (150 MiB each)",
      quantity(req["memory"]) == (workers + (1 if crons else 0) + 2) * 150 * 2**20, req)
cron = find("Deployment", "odoo-cron")
if args.replicas > 1 or args.max_replicas > 1:
    check("odoo: web pods run no cron (max_cron_threads = 0)", crons == 0)
    check("odoo: one separate cron Deployment", cron is not None and cron["spec"]["replicas"] == 1)
    check("odoo: cron Deployment runs cron threads", any(a.startswith("--max-cron-threads=") and int(a.split("=")[1]) > 0 for a in pod_spec(cron)["containers"][0]["args"]))
hpa = find("HorizontalPodAutoscaler", "odoo")
check("hpa: autoscaling/v2 on the odoo Deployment", hpa["apiVersion"] == "autoscaling/v2" and hpa["spec"]["scaleTargetRef"]["name"] == "odoo")
check("hpa: minReplicas 2", hpa["spec"]["minReplicas"] == args.replicas)
check("hpa: on CPU only (memory stays high at rest in a prefork Odoo)", {m["resource"]["name"] for m in hpa["spec"]["metrics"]} == {"cpu"})
check("hpa: scale-down stabilisation >= 300 s", hpa["spec"]["behavior"]["scaleDown"]["stabilizationWindowSeconds"] >= 300)
check("odoo: terminationGracePeriodSeconds >= limit_time_real", spec["terminationGracePeriodSeconds"] >= int(o["limit_time_real"]))
kc_pool = 0
kc = find("Deployment", "keycloak")
if kc:
    kenv = {e["name"]: e for e in pod_spec(kc)["containers"][0]["env"]}
    kc_pool = int(kenv["KC_DB_POOL_MAX_SIZE"]["value"]) * kc["spec"]["replicas"]
pg = find("StatefulSet")
pg_args = pod_spec(pg)["containers"][0]["args"]
max_conn = int([a.split("=")[1] for a in pg_args if a.startswith("max_connections=")][0])
procs = workers + crons + 1
budget = hpa["spec"]["maxReplicas"] * procs * maxconn + (maxconn if cron else 0) + kc_pool + 10  # reserve: superuser, backup, admin
check("connection budget: maxReplicas x processes x db_maxconn + cron + Keycloak + reserve <= max_connections",
      budget <= max_conn, f"{budget} > {max_conn}")
svc = find("Service", "odoo")
ports = {p["port"] for p in svc["spec"]["ports"]}
check("odoo Service: 8069 and 8072 (workers > 0)", ports == {8069, 8072})
sc = spec["securityContext"]
check("odoo: numeric runAsUser for the version, fsGroup", isinstance(sc["runAsUser"], int) and sc["runAsUser"] in (100, 101) and sc["fsGroup"] == 101)
pvc = find("PersistentVolumeClaim", "odoo-filestore")
check("odoo: filestore on a ReadWriteMany claim with several replicas", pvc["spec"]["accessModes"] == ["ReadWriteMany"])
check("odoo: filestore and sessions on that claim (data_dir)", any(m["mountPath"] == "/var/lib/odoo" for m in c["volumeMounts"]) and o["data_dir"] == "/var/lib/odoo")
for d in all_of("Deployment") + all_of("StatefulSet"):
    for v in pod_spec(d).get("volumes", []):
        if "persistentVolumeClaim" in v:
            claim = find("PersistentVolumeClaim", v["persistentVolumeClaim"]["claimName"])
            many = d["spec"].get("replicas", 1) > 1 or d["metadata"]["name"] == "odoo"
            check(f"no ReadWriteOnce claim mounted by several pods ({d['metadata']['name']})",
                  not many or claim["spec"]["accessModes"] != ["ReadWriteOnce"])
init_names = [i["name"] for i in spec.get("initContainers", [])]
check("odoo: depends_on became an init container waiting for PostgreSQL", "wait-for-postgres" in init_names)

# --- PostgreSQL ----------------------------------------------------------------
check("postgres: a StatefulSet with exactly 1 replica", pg["spec"]["replicas"] == 1)
vct = pg["spec"]["volumeClaimTemplates"][0]["spec"]
check("postgres: volumeClaimTemplate >= 20Gi", quantity(vct["resources"]["requests"]["storage"]) >= 20 * 2**30)
check("postgres: storage class do-block-storage-retain by default", vct["storageClassName"] == "do-block-storage-retain")
check("postgres: deleting or scaling the StatefulSet keeps its claim",
      pg["spec"].get("persistentVolumeClaimRetentionPolicy") == {"whenDeleted": "Retain", "whenScaled": "Retain"})
pc = pod_spec(pg)["containers"][0]
penv = {e["name"]: e for e in pc["env"]}
mount = [m for m in pc["volumeMounts"] if m["name"] == "data"][0]["mountPath"]
check("postgres: PGDATA in a subdirectory of the volume (lost+found)", "PGDATA" not in penv or penv["PGDATA"]["value"].startswith(mount + "/"))
check("postgres: password from the Secret", "secretKeyRef" in penv["POSTGRES_PASSWORD"]["valueFrom"])
psc = pod_spec(pg)["securityContext"]
check("postgres: numeric user and fsGroup", psc["runAsUser"] in (999, 70) and psc["fsGroup"] == psc["runAsUser"])
plim = pc["resources"]["limits"]
check("postgres: limits CPU 2 / memory 2Gi", quantity(plim["cpu"]) == 2 and quantity(plim["memory"]) == 2 * 2**30)
check("postgres: pg_isready probes", all("pg_isready" in " ".join(pc[p]["exec"]["command"]) for p in ("readinessProbe", "livenessProbe")))
shm = [v for v in pod_spec(pg)["volumes"] if v["name"] == "shm"][0]
check("postgres: /dev/shm is a memory emptyDir", shm["emptyDir"]["medium"] == "Memory" and any(m["mountPath"] == "/dev/shm" for m in pc["volumeMounts"]))
check("postgres: headless and client Services", find("Service", "postgres-headless")["spec"]["clusterIP"] == "None" and find("Service", env["HOST"]["value"]) is not None)
cj = find("CronJob", "postgres-backup")
script = " ".join(" ".join(x.get("command", [])) for x in containers(pod_spec(cj)))
check("backup: pg_dump custom format to S3-compatible storage with retention",
      "pg_dump" in script and "-Fc" in script and "aws --endpoint-url" in script and "s3 cp" in script and "RETENTION_DAYS" in script)
benv = {e["name"]: e for x in containers(pod_spec(cj)) for e in x.get("env", [])}
check("backup: credentials from Secrets", "secretKeyRef" in benv["AWS_SECRET_ACCESS_KEY"]["valueFrom"] and "secretKeyRef" in benv["PGPASSWORD"]["valueFrom"])

# --- Keycloak --------------------------------------------------------------------
if kc:
    kc_c = pod_spec(kc)["containers"][0]
    check("keycloak: start, never start-dev", kc_c["args"][0] == "start" and "start-dev" not in kc_c["args"])
    for k in ("KC_DB", "KC_DB_USERNAME", "KC_DB_PASSWORD", "KC_HOSTNAME", "KC_PROXY_HEADERS", "KC_HTTP_ENABLED", "KC_HEALTH_ENABLED"):
        check(f"keycloak: {k} set", k in kenv)
    check("keycloak: KC_PROXY_HEADERS=xforwarded", kenv["KC_PROXY_HEADERS"]["value"] == "xforwarded")
    check("keycloak: probes on the management port 9000",
          all(kc_c[p]["httpGet"]["port"] in (9000, "management") for p in ("readinessProbe", "livenessProbe", "startupProbe"))
          and any(p["containerPort"] == 9000 and p["name"] == "management" for p in kc_c["ports"]))
    check("keycloak: numeric non-root user", pod_spec(kc)["securityContext"]["runAsUser"] == 1000)
    check("keycloak: 2 replicas", kc["spec"]["replicas"] == 2)
    check("keycloak: admin bootstrap variables from a Secret",
          any(k in kenv for k in ("KC_BOOTSTRAP_ADMIN_PASSWORD", "KEYCLOAK_ADMIN_PASSWORD")))

# --- Ingress ---------------------------------------------------------------------
ings = all_of("Ingress")
hosts = {r["host"] for i in ings for r in i["spec"]["rules"]}
check("ingress: erp.<domain> and auth.<domain>", any(h.startswith("erp.") for h in hosts) and (not kc or any(h.startswith("auth.") for h in hosts)), hosts)
check("ingress: TLS through cert-manager", all(i["spec"]["tls"] and i["metadata"]["annotations"]["cert-manager.io/cluster-issuer"] for i in ings))
oi = find("Ingress", "odoo")
paths = {p["path"]: p["backend"]["service"]["port"] for p in oi["spec"]["rules"][0]["http"]["paths"]}
check("ingress: /websocket routed to 8072", paths.get("/websocket") == {"name": "websocket"})
issuer = find("ClusterIssuer")
check("cluster issuer: ACME e-mail from Traefik's flags", "@" in issuer["spec"]["acme"].get("email", ""))
if args.ingress == "traefik":
    mws = {m["metadata"]["name"]: m for m in all_of("Middleware")}
    check("ingress: Traefik middlewares from the labels", "odoo-headers" in mws and "odoo-buffering" in mws)
    check("ingress: HSTS kept", mws["odoo-headers"]["spec"]["headers"].get("stsSeconds") == 31536000)
    check("ingress: Odoo body limit at least 100 MiB", mws["odoo-buffering"]["spec"]["buffering"]["maxRequestBodyBytes"] >= 100 * 2**20)
    check("ingress: middlewares attached to the Odoo router", "odoo-headers@kubernetescrd" in oi["metadata"]["annotations"]["traefik.ingress.kubernetes.io/router.middlewares"])
    check("ingress: cookie affinity for several Odoo replicas", svc["metadata"].get("annotations", {}).get("traefik.ingress.kubernetes.io/service.sticky.cookie") == "true")
else:
    ann = oi["metadata"]["annotations"]
    check("ingress-nginx: Odoo body size", ann.get("nginx.ingress.kubernetes.io/proxy-body-size") in ("100m",))
    check("ingress-nginx: websocket timeouts", ann.get("nginx.ingress.kubernetes.io/proxy-read-timeout") == "3600")
    check("ingress-nginx: cookie affinity", ann.get("nginx.ingress.kubernetes.io/affinity") == "cookie")

# --- Security ----------------------------------------------------------------------
ns = find("Namespace")
check("namespace: pod-security enforce restricted", ns["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted")
for d in all_of("Deployment") + all_of("StatefulSet") + all_of("CronJob"):
    s = pod_spec(d)
    name = d["metadata"]["name"]
    check(f"restricted: {name} runAsNonRoot with a numeric id, RuntimeDefault seccomp",
          s["securityContext"]["runAsNonRoot"] and isinstance(s["securityContext"]["runAsUser"], int) and s["securityContext"]["runAsUser"] != 0
          and s["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault")
    check(f"restricted: {name} containers drop ALL, no escalation",
          all(x["securityContext"]["allowPrivilegeEscalation"] is False and "ALL" in x["securityContext"]["capabilities"]["drop"] for x in containers(s)))
    check(f"restricted: {name} no hostPath", not any("hostPath" in v for v in s.get("volumes", [])))
    check(f"{name}: automountServiceAccountToken false and its own ServiceAccount",
          s["automountServiceAccountToken"] is False and find("ServiceAccount", s["serviceAccountName"]) is not None)
pols = {p["metadata"]["name"]: p for p in all_of("NetworkPolicy")}
dd = pols.get("default-deny-all")
check("netpol: default deny for ingress and egress", dd and dd["spec"]["podSelector"] == {} and set(dd["spec"]["policyTypes"]) == {"Ingress", "Egress"})
check("netpol: DNS allowed", "allow-dns" in pols and any(p["port"] == 53 for r in pols["allow-dns"]["spec"]["egress"] for p in r["ports"]))
pg_from = {x["podSelector"]["matchLabels"]["app.kubernetes.io/name"] for r in pols["postgres"]["spec"]["ingress"] for x in r["from"]}
check("netpol: Odoo, Keycloak and backup reach PostgreSQL 5432", {"odoo", "keycloak", "postgres-backup"} <= pg_from)
check("netpol: ingress controller reaches Odoo 8069/8072", {p["port"] for r in pols["odoo"]["spec"]["ingress"] for p in r["ports"]} == {8069, 8072})
check("netpol: ingress controller reaches Keycloak 8080", any(p["port"] == 8080 for r in pols["keycloak"]["spec"]["ingress"] for p in r["ports"]))
check("netpol: backup reaches object storage (443)", any(p["port"] == 443 for r in pols["postgres-backup"]["spec"]["egress"] for p in r.get("ports", [])))
for role in all_of("Role"):
    check(f"rbac: role {role['metadata']['name']} has no wildcard",
          not any("*" in r.get(k, []) for r in role["rules"] for k in ("verbs", "resources", "apiGroups")))
op = find("Role", "odoo-operator")
check("rbac: operators read pods and logs, exec into Odoo", any("pods/exec" in r["resources"] and "create" in r["verbs"] for r in op["rules"]) and any("pods/log" in r["resources"] for r in op["rules"]))
check("rbac: operators cannot read Secrets", not any("secrets" in r["resources"] for r in op["rules"]))
pdbs = {p["metadata"]["name"] for p in all_of("PodDisruptionBudget")}
check("pdb: Odoo and Keycloak have PodDisruptionBudgets", "odoo" in pdbs and (not kc or "keycloak" in pdbs))
secrets = all_of("Secret")
check("secrets: every credential in a Secret", {"postgres-credentials", "odoo-db", "odoo-conf-secrets"} <= {s["metadata"]["name"] for s in secrets})
values = [v for s in secrets for v in (s.get("stringData") or {}).values()]
generated = [v for v in values if re.fullmatch(r"[0-9a-f]{64}", v)]
check("secrets: generated values have 32 bytes of entropy", generated and all(len(v) == 64 for v in generated))
cm_text = yaml.safe_dump([d for d in docs if d["kind"] == "ConfigMap"])
check("secrets: no Secret value appears in a ConfigMap", not any(v in cm_text for v in values if len(v) >= 12))

for name, ok, detail in results:
    print(("ok   convert: " if ok else "FAIL convert: ") + name + ("" if ok else f": {detail}"))
