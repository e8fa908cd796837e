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
import glob
import os
import shlex
import sys

import yaml

out, dest = sys.argv[1], sys.argv[2]
docs = []
for f in sorted(glob.glob(os.path.join(out, "*.yaml"))):
    if os.path.basename(f) == "kustomization.yaml":
        continue
    docs.extend(d for d in yaml.safe_load_all(open(f)) if d)


def secret_values():
    """Secrets written as objects, and those of the kustomization's secretGenerator."""
    values = {}
    for d in docs:
        if d.get("kind") == "Secret":
            values[d["metadata"]["name"]] = dict(d.get("stringData") or {})
    kust = os.path.join(out, "kustomization.yaml")
    gen = (yaml.safe_load(open(kust)) or {}).get("secretGenerator") or [] if os.path.exists(kust) else []
    for g in gen:
        data = values.setdefault(g["name"], {})
        for env in g.get("envs") or []:
            for line in open(os.path.join(out, env)).read().splitlines():
                if line and not line.startswith("#"):
                    k, _, v = line.partition("=")
                    data[k] = v
        for f in g.get("files") or []:
            k, _, path = f.partition("=")
            data[k] = open(os.path.join(out, path or k)).read()
    return values


SECRETS = secret_values()


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
