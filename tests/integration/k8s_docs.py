"""The objects of a convert output directory as `kubectl apply -k` would
create them: every *.yaml document, plus the Secrets that the
kustomization's secretGenerator makes from the files under secrets/ (as
stringData, the way the tests read values). Each document gets "__file"."""
import glob
import os

import yaml


def generated_secrets(out):
    path = os.path.join(out, "kustomization.yaml")
    kust = yaml.safe_load(open(path)) if os.path.exists(path) else {}
    secrets = []
    for g in (kust or {}).get("secretGenerator") or []:
        data = {}
        for entry in g.get("files") or []:
            key, _, rel = entry.partition("=")
            rel = rel or key
            data[key if _ else os.path.basename(rel)] = open(os.path.join(out, rel)).read()
        for entry in g.get("literals") or []:
            key, _, value = entry.partition("=")
            data[key] = value
        meta = {"name": g["name"]}
        if g.get("namespace"):
            meta["namespace"] = g["namespace"]
        secrets.append({"apiVersion": "v1", "kind": "Secret", "metadata": meta, "type": g.get("type", "Opaque"),
                        "stringData": data, "__file": "kustomization.yaml"})
    return secrets


def load(out):
    docs = []
    for f in sorted(glob.glob(os.path.join(out, "*.yaml"))):
        if os.path.basename(f) == "kustomization.yaml":
            continue
        for d in yaml.safe_load_all(open(f)):
            if d:
                d["__file"] = os.path.basename(f)
                docs.append(d)
    return docs + generated_secrets(out)
