#!/usr/bin/env python3
"""Compares `docker-compose config` (1.29) with `kgenius compose config`.

Usage: compose_diff.py PROJECT_ID DOCKER_COMPOSE_OUTPUT.yaml KGENIUS_OUTPUT.json

Both are normalised to the same shape per field, then compared. Prints one
line per (service, field): "agree ID SERVICE FIELD" or
"disagree ID SERVICE FIELD: docker-compose=... kgenius=...".
"""
import json
import re
import sys

import yaml

UNITS = {"": 1, "b": 1, "k": 1 << 10, "kb": 1 << 10, "m": 1 << 20, "mb": 1 << 20,
         "g": 1 << 30, "gb": 1 << 30, "t": 1 << 40, "tb": 1 << 40}
DUR = {"ns": 1, "us": 1000, "µs": 1000, "ms": 10**6, "s": 10**9, "m": 60 * 10**9, "h": 3600 * 10**9}


def size(v):
    if v is None:
        return None
    if isinstance(v, (int, float)):
        return int(v)
    m = re.fullmatch(r"([0-9.]+)\s*([a-zA-Z]*)", str(v).strip())
    return int(float(m.group(1)) * UNITS[m.group(2).lower()]) if m else str(v)


def duration(v):
    if v is None:
        return None
    total = 0
    for num, unit in re.findall(r"([0-9.]+)(ns|us|µs|ms|s|m|h)", str(v)):
        total += float(num) * DUR[unit]
    return int(total)


def port_tuple(p):
    if isinstance(p, dict):
        pub = p.get("published")
        return (p.get("host_ip") or "", str(pub) if pub not in (None, "") else "",
                int(p["target"]), p.get("protocol") or "tcp")
    s = str(p)
    proto = "tcp"
    if "/" in s:
        s, proto = s.rsplit("/", 1)
    parts = s.rsplit(":", 2) if not s.startswith("[") else re.match(r"\[(.*)\]:(.*):(.*)", s).groups()
    if len(parts) == 1:
        return ("", "", int(parts[0]), proto)
    if len(parts) == 2:
        return ("", parts[0], int(parts[1]), proto)
    return (parts[0], parts[1], int(parts[2]), proto)


def volume_tuple(v):
    if isinstance(v, dict):
        return (v.get("source") or "", v.get("target"), bool(v.get("read_only")))
    parts = str(v).split(":")
    if len(parts) == 1:
        return ("", parts[0], False)
    mode = parts[2] if len(parts) > 2 else "rw"
    return (parts[0], parts[1], "ro" in mode.split(","))


def names(v):
    if v is None:
        return []
    if isinstance(v, dict):
        return sorted(v)
    return sorted(x if isinstance(x, str) else x.get("source") for x in v)


def env(v):
    if v is None:
        return {}
    if isinstance(v, list):
        out = {}
        for item in v:
            k, _, val = str(item).partition("=")
            out[k] = val
        return out
    return {k: (None if x is None else str(x) if not isinstance(x, bool) else str(x).lower())
            for k, x in v.items()}


def healthcheck(h):
    if not h:
        return None
    test = h.get("test")
    if isinstance(test, str):
        test = ["CMD-SHELL", test]
    if test == ["NONE"]:
        return {"disable": True}
    out = {"test": test, "disable": bool(h.get("disable"))}
    for k in ("interval", "timeout", "start_period"):
        out[k] = duration(h.get(k))
    out["retries"] = h.get("retries")
    return out


def resources(d):
    res = ((d or {}).get("resources") or {})
    out = {}
    for kind in ("limits", "reservations"):
        r = res.get(kind) or {}
        cpus = r.get("cpus")
        out[kind] = {"cpus": float(cpus) if cpus is not None else None, "memory": size(r.get("memory"))}
    return out


FIELDS = {
    "image": lambda s: s.get("image"),
    "environment": lambda s: env(s.get("environment")),
    "ports": lambda s: sorted(port_tuple(p) for p in s.get("ports") or []),
    "volumes": lambda s: sorted(volume_tuple(v) for v in s.get("volumes") or []),
    # 1.29 leaves the implicit default network out; v2 and kgenius print it.
    "networks": lambda s: names(s.get("networks")) or ([] if s.get("network_mode") else ["default"]),
    "secrets": lambda s: names(s.get("secrets")),
    "healthcheck": lambda s: healthcheck(s.get("healthcheck")),
    "deploy.resources": lambda s: resources(s.get("deploy")),
}


def main():
    pid, dc_path, kg_path = sys.argv[1:4]
    dc = yaml.safe_load(open(dc_path)) or {}
    kg = json.load(open(kg_path))
    dcs, kgs = dc.get("services") or {}, kg.get("services") or {}
    if sorted(dcs) != sorted(kgs):
        print(f"disagree {pid} - services: docker-compose={sorted(dcs)} kgenius={sorted(kgs)}")
    else:
        print(f"agree {pid} - services")
    for name in sorted(set(dcs) & set(kgs)):
        for field, get in FIELDS.items():
            a, b = get(dcs[name]), get(kgs[name])
            if a == b:
                print(f"agree {pid} {name} {field}")
            else:
                print(f"disagree {pid} {name} {field}: docker-compose={a!r} kgenius={b!r}")
    dsec = {k: (v or {}).get("file") for k, v in (dc.get("secrets") or {}).items()}
    ksec = {k: (v or {}).get("file") for k, v in (kg.get("secrets") or {}).items()}
    print(("agree" if dsec == ksec else "disagree") + f" {pid} - top-level secrets"
          + ("" if dsec == ksec else f": docker-compose={dsec!r} kgenius={ksec!r}"))


if __name__ == "__main__":
    main()
