#!/usr/bin/env python3
"""What a converted stack asks of PostgreSQL, for convert_pg.sh to hand to a
real server.

Usage: pg_stack.py OUTPUT_DIR DEST_DIR

Writes into DEST_DIR:
  settings   one "name=value" a line: the `-c` arguments of the PostgreSQL
             container (the image's entrypoint passes them to postgres)
  env.sh     the container's environment, Secret values resolved, as exports
  init.sh    the ConfigMap postgres-init's script (empty when there is none)
  logins     one "user password database" a line, each shell-quoted: how
             each application connects, with the values of its Secrets
Exits 3 when the output has no PostgreSQL StatefulSet (an external or
CloudNativePG database).
"""
import os
import shlex
import sys

import k8s_docs

out, dest = sys.argv[1], sys.argv[2]
docs = k8s_docs.load(out)
SECRETS = {d["metadata"]["name"]: dict(d.get("stringData") or {}) for d in docs if d.get("kind") == "Secret"}


def env_of(container):
    env = {}
    for e in container.get("env") or []:
        if "value" in e:
            env[e["name"]] = str(e["value"])
        elif "valueFrom" in e and "secretKeyRef" in e["valueFrom"]:
            ref = e["valueFrom"]["secretKeyRef"]
            env[e["name"]] = str(SECRETS[ref["name"]][ref["key"]])
    return env


def workload(kind, name):
    for d in docs:
        if d.get("kind") == kind and d["metadata"]["name"] == name:
            return d
    return None


pg = next((d for d in docs if d.get("kind") == "StatefulSet"
           and d["metadata"]["labels"].get("app.kubernetes.io/name") == "postgres"), None)
if pg is None:
    sys.exit(3)
c = pg["spec"]["template"]["spec"]["containers"][0]
args = [str(a) for a in c.get("args") or []]
settings = [args[i + 1] for i, a in enumerate(args) if a == "-c" and i + 1 < len(args)]
with open(os.path.join(dest, "settings"), "w") as f:
    f.write("".join(s + "\n" for s in settings))
with open(os.path.join(dest, "env.sh"), "w") as f:
    for k, v in env_of(c).items():
        f.write("export %s=%s\n" % (k, shlex.quote(v)))
init = next((d for d in docs if d.get("kind") == "ConfigMap" and d["metadata"]["name"] == "postgres-init"), None)
with open(os.path.join(dest, "init.sh"), "w") as f:
    f.write("".join(init["data"].values()) if init else "")

logins = []
odoo = workload("Deployment", "odoo")
if odoo:
    e = env_of(odoo["spec"]["template"]["spec"]["containers"][0])
    logins.append((e.get("USER", ""), e.get("PASSWORD", ""), "postgres"))
kc = workload("Deployment", "keycloak")
if kc:
    e = env_of(kc["spec"]["template"]["spec"]["containers"][0])
    logins.append((e.get("KC_DB_USERNAME", ""), e.get("KC_DB_PASSWORD", ""), e.get("KC_DB_URL_DATABASE", "")))
with open(os.path.join(dest, "logins"), "w") as f:
    f.write("".join(" ".join(shlex.quote(x) for x in t) + "\n" for t in logins))
