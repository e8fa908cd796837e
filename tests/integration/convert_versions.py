#!/usr/bin/env python3
"""The version-dependent settings of a converted stack, against the
upstream facts for the image's version (not kgenius's own tables).

Usage: convert_versions.py OUTPUT_DIR NAME
Prints "ok NAME: ..." or "FAIL NAME: ...".

  Odoo: /web/health exists from 15.0 (https://github.com/odoo/odoo/pull/56522);
        12.0-14.0 answer 404 there, /web/database/selector answers 200.
  Keycloak: KC_PROXY_HEADERS from 24; before 24 only KC_PROXY=edge makes it
        trust the proxy; KC_PROXY is gone in 26.
  PostgreSQL: max_connections at least 1 (its range is 1..262143).
And the credentials: no password inside a URL, DSN or JDBC string in a
plain env value or a ConfigMap, and no placeholder as a Secret's value.
"""
import os
import re
import sys

import k8s_docs

out, name = sys.argv[1], sys.argv[2]
docs = k8s_docs.load(out)


def check(what, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + "convert: corpus %s: %s%s" % (name, what, "" if cond else ": " + detail))


def major(image):
    m = re.search(r":(\d+)", image.rsplit("/", 1)[-1])
    return int(m.group(1)) if m else None


for d in docs:
    if d.get("kind") != "Deployment":
        continue
    for c in d["spec"]["template"]["spec"]["containers"]:
        v = major(c["image"])
        env = {e["name"]: e.get("value") for e in c.get("env") or []}
        if c["name"] == "odoo" and v:
            paths = {c[p]["httpGet"]["path"].split("?")[0] for p in ("startupProbe", "readinessProbe", "livenessProbe")
                     if p in c and "httpGet" in c[p]}
            want = "/web/health" if v >= 15 else "/web/database/selector"
            check("%s: Odoo %d probes a route it has (%s)" % (d["metadata"]["name"], v, want), paths == {want}, str(paths))
        if c["name"] == "keycloak" and v:
            check("Keycloak %d trusts the proxy's headers" % v,
                  (v >= 24 and env.get("KC_PROXY_HEADERS") == "xforwarded") or (v < 24 and env.get("KC_PROXY") == "edge"),
                  str({k: env.get(k) for k in ("KC_PROXY", "KC_PROXY_HEADERS")}))
            check("Keycloak %d gets no KC_PROXY after 25" % v, v < 26 or "KC_PROXY" not in env)
            pool = int(env.get("KC_DB_POOL_MAX_SIZE", "100"))
            check("Keycloak's pool is at least 1", pool >= 1, str(pool))
URL_PW = re.compile(r"://[^/@\s]*:[^@\s/]+@")
DSN_PW = re.compile(r"(^|[;?& ])(password|pwd)=(?![\"']?\$)[^;& ]", re.I)  # a $VARIABLE is no password
PLACEHOLDER = re.compile(r"^[<{\[].*[>}\]]$|change.?me|your.?password|password.?here|placeholder", re.I)
plain = []
for d in docs:
    spec = d.get("spec") or {}
    tmpl = spec.get("jobTemplate", {}).get("spec", spec).get("template", {}).get("spec") if isinstance(spec, dict) else None
    for c in (tmpl or {}).get("containers", []) + (tmpl or {}).get("initContainers", []):
        plain += [e["value"] for e in c.get("env") or [] if isinstance(e.get("value"), str)]
    if d.get("kind") == "ConfigMap":
        plain += [v for v in (d.get("data") or {}).values() if isinstance(v, str)]
bad = [v for v in plain if URL_PW.search(v) or DSN_PW.search(v)]
check("no password inside a URL, DSN or JDBC string outside a Secret", not bad, str(bad[:2]))
secret_values = [v for d in docs if d.get("kind") == "Secret" for v in (d.get("stringData") or {}).values()]
bad = [v for v in secret_values if PLACEHOLDER.search(v)]
check("no placeholder as a Secret's value", not bad, str(len(bad)))
for d in docs:
    if d.get("kind") == "StatefulSet" and d["metadata"]["labels"].get("app.kubernetes.io/name") == "postgres":
        args = d["spec"]["template"]["spec"]["containers"][0].get("args") or []
        mc = [int(a.split("=", 1)[1]) for a in args if str(a).startswith("max_connections=")]
        check("PostgreSQL max_connections within 1..262143", all(1 <= m <= 262143 for m in mc), str(mc))
