#!/usr/bin/env python3
"""Asserts what each convert mode promises, on the parsed output.

Usage: convert_modes_check.py DIR keda|cnpg|gateway
"""
import glob
import os
import re
import sys

import yaml

import k8s_docs

out, mode = sys.argv[1], sys.argv[2]
docs = k8s_docs.load(out)


def find(kind, name=None):
    return next((d for d in docs if d["kind"] == kind and (name is None or d["metadata"]["name"] == name)), None)


def all_of(kind):
    return [d for d in docs if d["kind"] == kind]


def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + f"convert ({mode}): {name}" + ("" if cond else f": {detail}"))


conf = find("ConfigMap", "odoo-config")["data"]["odoo.conf"]
workers = int(re.search(r"^workers = (\d+)", conf, re.M).group(1))
pols = {p["metadata"]["name"]: p for p in all_of("NetworkPolicy")}

if mode == "keda":
    so = find("ScaledObject", "odoo")
    check("a ScaledObject replaces the HPA", so is not None and not all_of("HorizontalPodAutoscaler"))
    pg = next((t for t in so["spec"]["triggers"] if t["type"] == "postgresql"), None)
    check("its PostgreSQL trigger counts the Odoo role's active backends",
          pg and "pg_stat_activity" in pg["metadata"]["query"] and "state = 'active'" in pg["metadata"]["query"])
    check("against the worker capacity (70% of workers per pod)", pg and int(pg["metadata"]["targetQueryValue"]) == max(1, workers * 7 // 10))
    ta = find("TriggerAuthentication", pg["authenticationRef"]["name"])
    check("the password comes from the Secret", ta and ta["spec"]["secretTargetRef"][0]["name"] == "odoo-db")
    check("minReplicaCount 2, maxReplicaCount 6", so["spec"]["minReplicaCount"] == 2 and so["spec"]["maxReplicaCount"] == 6)
    check("scale-down stabilisation >= 300 s",
          so["spec"]["advanced"]["horizontalPodAutoscalerConfig"]["behavior"]["scaleDown"]["stabilizationWindowSeconds"] >= 300)
    check("KEDA's namespace may reach PostgreSQL", any(
        f.get("namespaceSelector", {}).get("matchLabels", {}).get("kubernetes.io/metadata.name") == "keda"
        for p in pols.values() for r in p["spec"].get("ingress", []) for f in r.get("from", [])))
elif mode == "cnpg":
    cl = find("Cluster", "postgres")
    check("a CloudNativePG Cluster with 3 instances, no StatefulSet", cl and cl["spec"]["instances"] == 3 and not all_of("StatefulSet"))
    check("max_connections set on the Cluster", int(cl["spec"]["postgresql"]["parameters"]["max_connections"]) >= 200)
    roles = {r["name"]: r for r in cl["spec"]["managed"]["roles"]}
    check("roles get their passwords from Secrets", all("passwordSecret" in r for r in roles.values()) and {"odoo", "keycloak"} <= set(roles))
    check("no password in SQL", not any("PASSWORD" in s.upper() for s in cl["spec"]["bootstrap"]["initdb"].get("postInitSQL", [])))
    secrets = {s["metadata"]["name"]: s for s in all_of("Secret")}
    check("role Secrets are basic-auth", all(secrets[n]["type"] == "kubernetes.io/basic-auth" for n in ("odoo-db", "keycloak-db")))
    pooler = find("Pooler")
    check("a PgBouncer Pooler in session mode (Odoo's LISTEN/NOTIFY)", pooler and pooler["spec"]["pgbouncer"]["poolMode"] == "session")
    odoo_env = {e["name"]: e for e in find("Deployment", "odoo")["spec"]["template"]["spec"]["containers"][0]["env"]}
    check("Odoo connects through the Pooler", odoo_env["HOST"]["value"] == pooler["metadata"]["name"])
    sb = find("ScheduledBackup")
    check("a ScheduledBackup with a 6-field schedule through the plugin",
          sb and len(sb["spec"]["schedule"].split()) == 6 and sb["spec"]["method"] == "plugin")
    store = find("ObjectStore")
    check("an ObjectStore with retention and credentials from backup-s3",
          store and store["spec"]["retentionPolicy"] and store["spec"]["configuration"]["s3Credentials"]["accessKeyId"]["name"] == "backup-s3")
    check("WAL archiving through the plugin", any(p.get("isWALArchiver") for p in cl["spec"]["plugins"]))
    cj = find("CronJob", "postgres-backup")
    init = cj["spec"]["jobTemplate"]["spec"]["template"]["spec"]["initContainers"]
    script = " ".join(" ".join(c.get("command", [])) for c in init)
    # The dump script dumps databases only when it is given PGHOST.
    check("the filestore keeps a nightly backup, without pg_dump",
          "FILESTORE_DIR" in script and not any(e["name"] == "PGHOST" for c in init for e in c.get("env", [])))
    check("network policies for the pooler and the instances", {"postgres-pooler", "postgres-cluster"} <= set(pols))
    check("kustomization lists postgres-cluster.yaml", "postgres-cluster.yaml" in yaml.safe_load(open(os.path.join(out, "kustomization.yaml")))["resources"])
elif mode == "gateway":
    gw = find("Gateway")
    check("a Gateway, no Ingress", gw and not all_of("Ingress"))
    https = [l for l in gw["spec"]["listeners"] if l["protocol"] == "HTTPS"]
    check("an HTTPS listener per host with a certificate", len(https) == 2 and all(l["tls"]["certificateRefs"] for l in https))
    check("certificates from cert-manager", gw["metadata"]["annotations"]["cert-manager.io/cluster-issuer"] == "letsencrypt")
    route = find("HTTPRoute", "odoo")
    rules = {r["matches"][0]["path"]["value"]: r for r in route["spec"]["rules"]}
    check("/ to 8069 and /websocket to 8072", rules["/"]["backendRefs"][0]["port"] == 8069 and rules["/websocket"]["backendRefs"][0]["port"] == 8072)
    xfh = [h for f in rules["/"]["filters"] if f["type"] == "RequestHeaderModifier" for h in f["requestHeaderModifier"]["set"] if h["name"] == "X-Forwarded-Host"]
    check("X-Forwarded-Host set for Odoo's proxy_mode", xfh and xfh[0]["value"] == route["spec"]["hostnames"][0])
    check("a long timeout on the websocket route", rules["/websocket"]["timeouts"]["request"] == "3600s")
    check("an HTTP to HTTPS redirect", find("HTTPRoute", "https-redirect")["spec"]["rules"][0]["filters"][0]["type"] == "RequestRedirect")
    solver = find("ClusterIssuer")["spec"]["acme"]["solvers"][0]["http01"]
    check("ACME solved through the Gateway", solver["gatewayHTTPRoute"]["parentRefs"][0]["name"] == gw["metadata"]["name"])
else:
    sys.exit(f"unknown mode {mode}")
