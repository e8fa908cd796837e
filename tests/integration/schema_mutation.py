"""Mutation test of lint's schema checks over real objects.

Every field of every object in the given manifests is mutated, one mutant
per file: a required field deleted or set to null (the API server decodes
null as the zero value and answers "Required value"), an optional field set
to null (accepted: the same as absent), a string or integer field given the
wrong type. The oracle is the OpenAPI schema read by k8s_validate.py, not
lint's tables. Usage: schema_mutation.py SHARED_K8S OUT_DIR MANIFEST...
Writes OUT_DIR/mNNNNN.yaml and OUT_DIR/expect.tsv: the file, then SCH003 (that
rule), SCH (any schema finding: a wrong type is SCH002, or SCH004 for a
quantity) or - (no schema finding), then the kind.
"""
import copy
import os
import sys

import yaml

sys.path.insert(0, os.path.dirname(__file__))
from k8s_validate import Schemas  # noqa: E402

MAX_MUTANTS = 4000


def schema_of(s, doc):
    api, kind = doc.get("apiVersion"), doc.get("kind")
    if (api, kind) in s.by_gvk:
        return s.defs[s.by_gvk[(api, kind)]]
    return s.crds.get((api, str(kind).lower()))


def fields(s, schema, node, path):
    """(path, key, field schema, required) for every field of every mapping."""
    schema = s.resolve(schema)
    if isinstance(node, dict) and "properties" in schema:
        required = set(schema.get("required", []))
        for k, v in node.items():
            sub = schema["properties"].get(k)
            if sub is None:
                continue
            yield path, k, s.resolve(sub), k in required
            yield from fields(s, sub, v, path + [k])
    elif isinstance(node, list) and schema.get("type") == "array":
        for i, item in enumerate(node):
            yield from fields(s, schema.get("items", {}), item, path + [i])


def at(doc, path):
    for p in path:
        doc = doc[p]
    return doc


def mutants(s, doc):
    schema = schema_of(s, doc)
    if schema is None:
        return
    for path, key, sub, required in fields(s, schema, doc, []):
        if path == [] and key in ("apiVersion", "kind", "metadata"):
            continue
        if required:
            m = copy.deepcopy(doc)
            del at(m, path)[key]
            yield m, "SCH003"
        m = copy.deepcopy(doc)
        at(m, path)[key] = None
        yield m, "SCH003" if required else "-"
        plain = not sub.get("x-kubernetes-int-or-string") and sub.get("format") != "int-or-string"
        if plain and sub.get("type") == "string" and "enum" not in sub:
            m = copy.deepcopy(doc)
            at(m, path)[key] = {"wrong": 1}
            yield m, "SCH"
        elif plain and sub.get("type") == "integer":
            m = copy.deepcopy(doc)
            at(m, path)[key] = "not-a-number"
            yield m, "SCH"


def main():
    s = Schemas(sys.argv[1])
    out = sys.argv[2]
    n = 0
    with open(os.path.join(out, "expect.tsv"), "w") as expect:
        for f in sys.argv[3:]:
            for doc in yaml.safe_load_all(open(f)):
                if not doc or doc.get("apiVersion") == "kustomize.config.k8s.io/v1beta1":
                    continue
                for m, rule in mutants(s, doc):
                    if n >= MAX_MUTANTS:
                        break
                    name = f"m{n:05d}.yaml"
                    with open(os.path.join(out, name), "w") as fh:
                        yaml.safe_dump(m, fh, sort_keys=False)
                    expect.write(f"{name}\t{rule}\t{doc['kind']}\n")
                    n += 1
    print(n)


if __name__ == "__main__":
    main()
