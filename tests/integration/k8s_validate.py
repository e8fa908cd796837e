#!/usr/bin/env python3
"""Strict validation of Kubernetes manifests against ../shared/k8s (test tool).

Usage: k8s_validate.py SHARED_K8S_DIR FILE...

Each document is checked against the Kubernetes 1.33 OpenAPI definition of its
apiVersion/kind, or the CRD JSON schema for custom resources: unknown fields at
any depth, wrong types, missing required fields, int-or-string and quantity
formats. Prints "FILE: doc N (Kind/name): path: problem" per problem and exits 1
when there is any. (kgenius lint will do this from embedded tables; this script
is the test-time reference.)
"""
import json
import os
import re
import sys

import yaml

QUANTITY = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$")


class Schemas:
    def __init__(self, root):
        spec = json.load(open(os.path.join(root, "swagger-v1.33.0.json")))
        self.defs = spec["definitions"]
        self.by_gvk = {}
        for name, d in self.defs.items():
            for gvk in d.get("x-kubernetes-group-version-kind", []):
                api = gvk["version"] if not gvk["group"] else f'{gvk["group"]}/{gvk["version"]}'
                self.by_gvk[(api, gvk["kind"])] = name
        self.crds = {}
        # ../shared/k8s/crds, then the schemas kgenius needs that the shared set
        # lacks (tools/crds: PrometheusRule), then those only the tests keep
        # (tests/data/crds: CiliumNetworkPolicy).
        here = os.path.dirname(os.path.abspath(__file__))
        for crd_root in (os.path.join(root, "crds"), os.path.join(here, "..", "..", "tools", "crds"),
                         os.path.join(here, "..", "data", "crds")):
            self.load_crds(crd_root)

    def load_crds(self, crd_root):
        for group in os.listdir(crd_root):
            gdir = os.path.join(crd_root, group)
            if not os.path.isdir(gdir):
                continue
            for f in os.listdir(gdir):
                kind, version = f[:-5].rsplit("_", 1)
                self.crds[(f"{group}/{version}", kind.lower())] = json.load(open(os.path.join(gdir, f)))

    def resolve(self, schema):
        while "$ref" in schema:
            schema = self.defs[schema["$ref"].split("/")[-1]]
        return schema


def check(s, schema, value, path, errors):
    schema = s.resolve(schema)
    fmt = schema.get("format")
    if fmt == "int-or-string":
        if not isinstance(value, (int, str)) or isinstance(value, bool):
            errors.append(f"{path}: expected an integer or a string, got {type(value).__name__}")
        return
    if schema.get("x-kubernetes-int-or-string"):
        if not isinstance(value, (int, str)) or isinstance(value, bool):
            errors.append(f"{path}: expected an integer or a string")
        return
    if schema.get("description", "").startswith("Quantity is a fixed-point"):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)) or not QUANTITY.match(str(value)):
            errors.append(f"{path}: {value!r} is not a quantity")
        return
    typ = schema.get("type")
    if typ == "object" or "properties" in schema:
        if not isinstance(value, dict):
            errors.append(f"{path}: expected a mapping, got {type(value).__name__}")
            return
        props = schema.get("properties")
        extra = schema.get("additionalProperties")
        for req in schema.get("required", []):
            if req not in value:
                errors.append(f"{path}: missing required field {req!r}")
        for k, v in value.items():
            if props and k in props:
                check(s, props[k], v, f"{path}.{k}", errors)
            elif isinstance(extra, dict):
                check(s, extra, v, f"{path}.{k}", errors)
            elif extra is True or (props is None and extra is None) or schema.get("x-kubernetes-preserve-unknown-fields"):
                pass
            else:
                errors.append(f"{path}: unknown field {k!r}")
    elif typ == "array":
        if not isinstance(value, list):
            errors.append(f"{path}: expected a list, got {type(value).__name__}")
            return
        for i, item in enumerate(value):
            check(s, schema.get("items", {}), item, f"{path}[{i}]", errors)
    elif typ == "string":
        if not isinstance(value, str):
            errors.append(f"{path}: expected a string, got {value!r}")
        elif "enum" in schema and value not in schema["enum"]:
            errors.append(f"{path}: {value!r} is not one of {schema['enum']}")
    elif typ == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            errors.append(f"{path}: expected an integer, got {value!r}")
    elif typ == "number":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            errors.append(f"{path}: expected a number, got {value!r}")
    elif typ == "boolean":
        if not isinstance(value, bool):
            errors.append(f"{path}: expected true or false, got {value!r}")


def main():
    s = Schemas(sys.argv[1])
    failed = False
    for f in sys.argv[2:]:
        for n, doc in enumerate(yaml.safe_load_all(open(f))):
            if doc is None:
                continue
            api, kind = doc.get("apiVersion"), doc.get("kind")
            name = (doc.get("metadata") or {}).get("name")
            errors = []
            if (api, kind) in s.by_gvk:
                check(s, s.defs[s.by_gvk[(api, kind)]], doc, kind, errors)
            elif (api, str(kind).lower()) in s.crds:
                check(s, s.crds[(api, kind.lower())], doc, kind, errors)
            elif api == "kustomize.config.k8s.io/v1beta1":
                continue
            else:
                errors.append(f"no schema for apiVersion {api} kind {kind}")
            for e in errors:
                failed = True
                print(f"{f}: doc {n} ({kind}/{name}): {e}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
