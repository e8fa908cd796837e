#!/usr/bin/env python3
"""The alerts of a generated monitoring.yaml, for promtool (test tool).

Usage: monitoring_rules.py MONITORING_YAML OUTDIR TESTFILE...

Writes OUTDIR/all.yaml (the PrometheusRule's groups, for `promtool check
rules`), OUTDIR/dashboards.yaml (every dashboard panel's query as a recording
rule, for the same check) and OUTDIR/rules.yaml (the same without annotations, for `promtool
test rules`, whose expectations would otherwise repeat every runbook).
Prints "ok ..." / "FAIL ..." lines: every alert carries a summary and a
runbook, and every alert has, in the test files, a case where it fires and a
case where it stays silent.
"""
import json
import os
import sys

import yaml


def main():
    path, out, tests = sys.argv[1], sys.argv[2], sys.argv[3:]
    docs = [d for d in yaml.safe_load_all(open(path)) if d]
    rules = [d for d in docs if d.get("kind") == "PrometheusRule"]
    if len(rules) != 1:
        print(f"FAIL monitoring: one PrometheusRule in {os.path.basename(path)}: found {len(rules)}")
        return
    groups = rules[0]["spec"]["groups"]
    os.makedirs(out, exist_ok=True)
    yaml.safe_dump({"groups": groups}, open(os.path.join(out, "all.yaml"), "w"), sort_keys=False)
    bare = [{"name": g["name"], "rules": [{k: v for k, v in r.items() if k != "annotations"} for r in g["rules"]]}
            for g in groups]
    yaml.safe_dump({"groups": bare}, open(os.path.join(out, "rules.yaml"), "w"), sort_keys=False)

    # The dashboards: JSON that parses, the sidecar's label, and every panel's
    # query as a recording rule, so that promtool checks its PromQL too.
    boards = [d for d in docs if d.get("kind") == "ConfigMap" and "grafana_dashboard" in d["metadata"].get("labels", {})]
    panels, bad = [], []
    for d in boards:
        for key, text in d["data"].items():
            try:
                board = json.loads(text)
            except ValueError as e:
                bad.append(f"{key}: {e}")
                continue
            if d["metadata"]["labels"]["grafana_dashboard"] != "1" or not board.get("panels"):
                bad.append(f"{key}: no panel or wrong label")
            panels += [p["targets"][0]["expr"] for p in board.get("panels", [])]
    mark = "ok  " if boards and not bad else "FAIL"
    print(f"{mark} monitoring ({os.path.basename(out)}): {len(boards)} dashboards parse, carry the sidecar's label "
          f"and have panels" + (f": {bad}" if bad else ""))
    records = [{"record": f"kgenius:panel_{i}", "expr": e} for i, e in enumerate(panels)]
    yaml.safe_dump({"groups": [{"name": "dashboards", "rules": records}]},
                   open(os.path.join(out, "dashboards.yaml"), "w"), sort_keys=False)

    alerts = sorted({r["alert"] for g in groups for r in g["rules"]})
    unannotated = [r["alert"] for g in groups for r in g["rules"]
                   if not (r.get("annotations", {}).get("summary") and r.get("annotations", {}).get("runbook"))]
    mark = "ok  " if not unannotated else "FAIL"
    print(f"{mark} monitoring ({os.path.basename(out)}): every alert carries a summary and a runbook"
          + (f": {unannotated}" if unannotated else ""))
    fires, silent = set(), set()
    for t in tests:
        for case in yaml.safe_load(open(t)).get("tests", []):
            for a in case.get("alert_rule_test", []):
                (fires if a.get("exp_alerts") else silent).add(a["alertname"])
    missing = [a for a in alerts if a not in fires or a not in silent]
    mark = "ok  " if not missing else "FAIL"
    print(f"{mark} monitoring ({os.path.basename(out)}): each of the {len(alerts)} alerts has a firing and a "
          f"silent promtool case" + (f": missing for {missing}" if missing else ""))


if __name__ == "__main__":
    main()
