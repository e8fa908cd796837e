#!/usr/bin/env python3
"""Runs the pod of a generated Job or CronJob on this machine, as the kubelet
would: the init containers, then the containers, each with its own command
and environment taken from the manifest, in order, stopping at the first
that fails. The scripts are the manifests' own; only what a cluster would
supply is given here: Secret values (--secret NAME/KEY=VALUE) and the
addresses and folders that stand in for the cluster's (--set NAME=VALUE,
applied to every container). A folder that stands in for a readOnly
volumeMount (an environment variable whose manifest value is the mount
path) is mounted read-only for that container when this runs as root, in a
mount namespace of its own, so a script that writes there fails here as it
would in the pod.

usage: job_run.py FILE KIND NAME [--only C1,C2] [--set N=V]... [--secret S/K=V]...
Exit status: the first failing container's, or 0.
"""
import argparse
import os
import shutil
import subprocess
import sys

import yaml


def pod_spec(doc):
    if doc["kind"] == "CronJob":
        return doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return doc["spec"]["template"]["spec"]


def container_env(container, secrets, overrides):
    env = {"PATH": "/usr/bin:/bin"}
    for var in container.get("env", []):
        if "value" in var:
            env[var["name"]] = str(var["value"])
            continue
        ref = var["valueFrom"]["secretKeyRef"]
        key = ref["name"] + "/" + ref["key"]
        if key not in secrets:
            sys.exit(f"job_run: {container['name']} needs the Secret value {key}: give --secret {key}=VALUE")
        env[var["name"]] = secrets[key]
    env.update(overrides)
    return env


READ_ONLY = (
    'n=$1; shift; while [ "$n" -gt 0 ]; do '
    'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" || exit 125; shift; n=$((n - 1)); done; exec "$@"'
)


def read_only_dirs(container, overrides):
    """The local folders that stand in for the container's readOnly mounts."""
    declared = {v["name"]: v.get("value") for v in container.get("env", [])}
    ro = {m["mountPath"] for m in container.get("volumeMounts", []) if m.get("readOnly")}
    return sorted({overrides[n] for n, v in declared.items() if v in ro and n in overrides})


def confine(argv, dirs):
    if not dirs or os.geteuid() != 0 or not shutil.which("unshare"):
        return argv
    return ["unshare", "-m", "--propagation", "private", "sh", "-c", READ_ONLY, "sh", str(len(dirs))] + dirs + argv


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("kind")
    ap.add_argument("name")
    ap.add_argument("--only", default="")
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--secret", action="append", default=[])
    a = ap.parse_args()
    overrides = dict(s.split("=", 1) for s in a.set)
    secrets = dict(s.split("=", 1) for s in a.secret)
    with open(a.file) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    match = [d for d in docs if d["kind"] == a.kind and d["metadata"]["name"] == a.name]
    if len(match) != 1:
        sys.exit(f"job_run: {a.file} holds {len(match)} {a.kind}/{a.name}")
    spec = pod_spec(match[0])
    only = set(filter(None, a.only.split(",")))
    for c in spec.get("initContainers", []) + spec["containers"]:
        if only and c["name"] not in only:
            continue
        argv = confine(c.get("command", []) + c.get("args", []), read_only_dirs(c, overrides))
        rc = subprocess.run(argv, env=container_env(c, secrets, overrides)).returncode
        if rc != 0:
            print(f"job_run: container {c['name']} exited {rc}", file=sys.stderr)
            return rc
    return 0


if __name__ == "__main__":
    sys.exit(main())
