#!/usr/bin/env python3
"""Offline checks of deploy/monitoring (the dashboards and the alert rules), and the metric
names they use, for the scrape test.

  tests/ops/monitoring.py check           # ctest ops_monitoring_files: everything below
  tests/ops/monitoring.py names           # "family job job..." for every metric the
                                          # dashboards and rules use that a service exports
  tests/ops/monitoring.py scrape-check DIR  # DIR/<job>.txt: each service's /metrics answer;
                                          # fails naming each missing family and its services

`check` fails when:
  - a generated file (PrometheusRule, dashboard JSON) is not what deploy/monitoring/generate
    writes from its source;
  - a dashboard is not valid JSON, has no ${datasource} variable of type datasource
    (prometheus) or no namespace and job variables, or a panel or target whose datasource is
    not that variable, or a query that does not parse as PromQL (each query goes into a
    temporary rules file for `promtool check rules`, with the Grafana variables replaced);
  - a dashboard or a rule uses a metric name that deploy/monitoring/metrics.txt does not list
    (and that no recording rule makes);
  - an alert has no severity (page or ticket), summary, description or runbook_url; a
    runbook_url is not docs/operations.md#<anchor> of a heading there; an alert has no unit
    test in deploy/monitoring/rules/tests that expects it to fire, and one that expects it
    not to;
  - the rendered monitoring kustomization (kubectl kustomize deploy/monitoring, when kubectl
    is there) does not hold each dashboard, labelled grafana_dashboard: "1", as in its file.
It also breaks each of these on purpose (selftest) and fails if a check then passes.

Python 3 with PyYAML (Debian python3-yaml) and promtool (Debian prometheus).
"""
import copy
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MON = os.path.join(ROOT, "deploy", "monitoring")
RULES = os.path.join(MON, "rules", "events.rules.yaml")
RULE_TESTS = os.path.join(MON, "rules", "tests")
METRICS = os.path.join(MON, "metrics.txt")
OPERATIONS = os.path.join(ROOT, "docs", "operations.md")
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
SEVERITIES = ("page", "ticket")
GRPC = ["scheduling", "registration", "accessibility", "feedback", "integrations",
        "notifications", "people"]
ALIASES = {
    "@grpc": GRPC,
    "@all": GRPC + ["web"],
    "@consumers": ["registration", "accessibility", "feedback", "integrations", "notifications"],
    "@delayed": ["scheduling", "accessibility", "feedback"],
    "@outside": [],
}
# PromQL words that are not metric names.
KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left",
            "group_right", "offset", "bool", "inf", "nan", "Inf", "NaN"}


# ---- reading -------------------------------------------------------------------------------

def load_metrics(path=METRICS):
    """{family: (type, [jobs])} from metrics.txt."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            name, kind, *jobs = line.split()
            expanded = []
            for j in jobs:
                expanded += ALIASES.get(j, [j]) if j.startswith("@") else [j]
            if any(j.startswith("@") and j not in ALIASES for j in jobs):
                raise ValueError(f"{path}: {name}: unknown alias in {jobs}")
            out[name] = (kind, expanded, "@outside" in jobs)
    return out


def load_rules(path=RULES):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def load_dashboards():
    """{file name: parsed JSON or the parse error (a string)}."""
    out = {}
    for path in sorted(glob.glob(os.path.join(MON, "dashboards", "*.json"))):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        try:
            out[os.path.basename(path)] = json.loads(text)
        except json.JSONDecodeError as e:
            out[os.path.basename(path)] = f"not valid JSON: {e}"
    return out


def all_rules(rules):
    return [r for g in rules.get("groups", []) for r in g.get("rules", [])]


def recorded_names(rules):
    return {r["record"] for r in all_rules(rules) if "record" in r}


def metric_names(expr):
    """The metric names a PromQL expression reads (not functions, keywords, labels)."""
    s = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', expr)
    s = re.sub(r"\{[^}]*\}", " ", s)
    s = re.sub(r"\[[^\]]*\]", " ", s)
    s = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", s)
    names = set()
    for m in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", s):
        before = s[m.start() - 1] if m.start() > 0 else " "
        if before.isdigit() or before == ".":
            continue  # a number's exponent or a duration's unit (1e3, 15m)
        if s[m.end():].lstrip().startswith("("):
            continue  # a function or an aggregation
        if m.group(0) in KEYWORDS:
            continue
        names.add(m.group(0))
    return names


def family(name, metrics):
    """A histogram's series (_bucket, _sum, _count) named by its family."""
    for suffix in ("_bucket", "_sum", "_count"):
        base = name[: -len(suffix)]
        if name.endswith(suffix) and metrics.get(base, ("",))[0] == "histogram":
            return base
    return name


def grafana_to_promql(expr):
    """A dashboard query with Grafana's variables replaced, so that PromQL parses it."""
    expr = re.sub(r"\$__(rate_interval|interval|range)\b", "5m", expr)
    expr = re.sub(r"\$\{(\w+)(:\w+)?\}", "x", expr)
    return re.sub(r"\$(\w+)", "x", expr)


def dashboard_queries(board):
    """(panel title, refId, expr) of every query of a dashboard, rows' panels included."""
    out = []
    for p in panels_of(board):
        for t in p.get("targets", []):
            out.append((p.get("title", "?"), t.get("refId", "?"), t.get("expr", "")))
    return out


def panels_of(board):
    for p in board.get("panels", []):
        yield p
        yield from p.get("panels", [])


def github_anchors(markdown):
    """The anchors GitHub makes for a Markdown file's headings."""
    anchors, seen = set(), {}
    in_code = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            in_code = not in_code
        if in_code or not re.match(r"#{1,6} ", line):
            continue
        text = line.lstrip("#").strip().lower()
        slug = re.sub(r"[^\w\- ]", "", text).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        anchors.add(slug if n == 0 else f"{slug}-{n}")
    return anchors


# ---- checks: each returns a list of problems -----------------------------------------------

def check_dashboard(name, board):
    if isinstance(board, str):
        return [f"{name}: {board}"]
    problems = []
    say = problems.append
    for key in ("uid", "title", "schemaVersion", "panels", "templating"):
        if key not in board:
            say(f"{name}: no {key}")
    variables = {v.get("name"): v for v in board.get("templating", {}).get("list", [])}
    ds = variables.get("datasource")
    if not ds or ds.get("type") != "datasource" or ds.get("query") != "prometheus":
        say(f"{name}: no variable datasource of type datasource with query prometheus")
    for v in ("namespace", "job"):
        if v not in variables:
            say(f"{name}: no variable {v}")
    for v in variables.values():
        if v.get("type") == "query" and v.get("datasource") != DATASOURCE:
            say(f"{name}: variable {v.get('name')}: datasource is not ${{datasource}}")
    ids = set()
    for p in panels_of(board):
        title = p.get("title", "?")
        if p.get("id") in ids:
            say(f"{name}: panel id {p.get('id')} twice")
        ids.add(p.get("id"))
        if not title or title == "?":
            say(f"{name}: a panel has no title")
        if p.get("type") == "row":
            continue
        if p.get("datasource") != DATASOURCE:
            say(f"{name}: panel \"{title}\": datasource is {p.get('datasource')}, not the "
                f"${{datasource}} variable {DATASOURCE}")
        if not p.get("targets"):
            say(f"{name}: panel \"{title}\": no queries")
        if p.get("type") in ("timeseries", "stat") and not p.get("fieldConfig", {}).get(
                "defaults", {}).get("unit"):
            say(f"{name}: panel \"{title}\": no unit (fieldConfig.defaults.unit)")
        for t in p.get("targets", []):
            if "datasource" in t and t["datasource"] != DATASOURCE:
                say(f"{name}: panel \"{title}\" query {t.get('refId')}: datasource is not "
                    f"the ${{datasource}} variable")
            if not t.get("expr"):
                say(f"{name}: panel \"{title}\" query {t.get('refId')}: no expr")
            elif "namespace=~\"$namespace\"" not in t["expr"]:
                say(f"{name}: panel \"{title}\" query {t.get('refId')}: not filtered by "
                    f"namespace=~\"$namespace\"")
    return problems


def check_names(where, exprs, metrics, recorded):
    """Every metric name of the expressions is in metrics.txt or a recording rule."""
    problems = []
    for label, expr in exprs:
        for n in sorted(metric_names(expr)):
            if family(n, metrics) not in metrics and n not in recorded:
                problems.append(f"{where}: {label}: metric {n} is not in "
                                f"deploy/monitoring/metrics.txt (nor a recording rule)")
    return problems


def check_alerts(rules, anchors, tests):
    """Severity, summary, description, runbook_url with an anchor, and unit tests."""
    problems = []
    fires, quiet = set(), set()
    for t in tests:
        for case in t.get("tests", []):
            for a in case.get("alert_rule_test", []):
                (fires if a.get("exp_alerts") else quiet).add(a.get("alertname"))
    names = set()
    for r in all_rules(rules):
        if "alert" not in r:
            continue
        name = r["alert"]
        say = lambda m: problems.append(f"alert {name}: {m}")  # noqa: E731
        if name in names:
            say("defined twice")
        names.add(name)
        if r.get("labels", {}).get("severity") not in SEVERITIES:
            say(f"label severity is {r.get('labels', {}).get('severity')!r}, not one of "
                f"{', '.join(SEVERITIES)}")
        ann = r.get("annotations", {})
        for key in ("summary", "description", "runbook_url"):
            if not str(ann.get(key, "")).strip():
                say(f"no {key} annotation")
        url = str(ann.get("runbook_url", ""))
        m = re.fullmatch(r"docs/operations\.md#([\w-]+)", url)
        if url and not m:
            say(f"runbook_url {url!r} is not docs/operations.md#<anchor>")
        elif m and m.group(1) not in anchors:
            say(f"runbook_url {url!r}: docs/operations.md has no heading with anchor "
                f"{m.group(1)} (a section named after the alert)")
        if name not in fires:
            say("no unit test in deploy/monitoring/rules/tests expects it to fire")
        if name not in quiet:
            say("no unit test in deploy/monitoring/rules/tests expects it not to fire "
                "(exp_alerts: [])")
    return problems


def promql_problems(queries, promtool="promtool"):
    """Queries that promtool cannot parse. queries: [(label, expr)]."""
    rules = {"groups": [{"name": "dashboard-queries", "rules": [
        {"record": f"check:query_{i}", "expr": grafana_to_promql(e)}
        for i, (_, e) in enumerate(queries)]}]}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "queries.yaml")
        with open(path, "w", encoding="utf-8") as f:
            yaml.safe_dump(rules, f)
        out = subprocess.run([promtool, "check", "rules", path], capture_output=True, text=True)
    if out.returncode == 0:
        return []
    text = out.stdout + out.stderr
    problems = []
    for i, (label, expr) in enumerate(queries):
        # promtool names the rule by its position: "rule N" (0-based) in the group.
        if re.search(rf"\brule {i}\b|check:query_{i}\b", text):
            problems.append(f"{label}: does not parse as PromQL: {expr}")
    return problems or [f"promtool check rules failed on the dashboards' queries:\n{text}"]


def check_rendered(boards):
    """The monitoring kustomization renders each dashboard as a labelled ConfigMap."""
    if not shutil.which("kubectl"):
        print("note: kubectl is not installed: the rendered ConfigMaps are not checked")
        return []
    out = subprocess.run(["kubectl", "kustomize", MON], capture_output=True, text=True)
    if out.returncode != 0:
        return [f"kubectl kustomize deploy/monitoring failed: {out.stderr.strip()}"]
    problems, found = [], set()
    for obj in yaml.safe_load_all(out.stdout):
        if not obj or obj.get("kind") != "ConfigMap":
            continue
        cm = obj["metadata"]["name"]
        if obj["metadata"].get("labels", {}).get("grafana_dashboard") != "1":
            problems.append(f"ConfigMap {cm}: no label grafana_dashboard: \"1\"")
        for key, text in obj.get("data", {}).items():
            found.add(key)
            if key in boards and json.loads(text) != boards[key]:
                problems.append(f"ConfigMap {cm}: {key} differs from deploy/monitoring/dashboards/{key}")
            if len(text) > 200_000:
                problems.append(f"ConfigMap {cm}: {key} is {len(text)} bytes: over 200 kB, "
                                f"kubectl apply cannot keep its last-applied copy")
    for key in sorted(set(boards) - found):
        problems.append(f"deploy/monitoring/kustomization.yaml: no ConfigMap holds "
                        f"dashboards/{key} (add it to configMapGenerator)")
    return problems


def run_checks(rules, boards, metrics, markdown, tests, promtool="promtool"):
    recorded = recorded_names(rules)
    problems = []
    queries = []
    for name, board in boards.items():
        problems += check_dashboard(name, board)
        if isinstance(board, dict):
            q = [(f"dashboards/{name}: panel \"{t}\" query {r}", e)
                 for t, r, e in dashboard_queries(board) if e]
            queries += q
            problems += check_names(f"dashboards/{name}", [(lbl.split(": ", 1)[1], e) for lbl, e in q],
                                    metrics, recorded)
    if queries:
        problems += promql_problems(queries, promtool)
    rule_exprs = [(f"{'alert ' + r['alert'] if 'alert' in r else 'record ' + r['record']}",
                   str(r.get("expr", ""))) for r in all_rules(rules)]
    problems += check_names("rules/events.rules.yaml", rule_exprs, metrics, recorded)
    problems += check_alerts(rules, github_anchors(markdown), tests)
    return problems


def selftest(rules, boards, metrics, markdown, tests):
    """Breaks each rule of the checks once; each must then fail naming the problem."""
    name = "overview.json"
    cases = []

    def case(what, expect, mutate):
        r, b, t = copy.deepcopy(rules), copy.deepcopy(boards), copy.deepcopy(tests)
        md = mutate(r, b, t) or markdown
        cases.append((what, expect, r, b, md, t))

    def first_panel(b):
        return next(p for p in panels_of(b[name]) if p["type"] != "row")

    def first_alert(r):
        return next(x for x in all_rules(r) if "alert" in x)

    case("a panel's datasource not the variable", "not the ${datasource} variable",
         lambda r, b, t: first_panel(b).update(datasource={"type": "prometheus", "uid": "abc"}))
    case("a query that does not parse", "does not parse as PromQL",
         lambda r, b, t: first_panel(b)["targets"][0].update(expr='sum(rate(x{namespace=~"$namespace"}[5m])'))
    case("an unknown metric in a dashboard", "metric events_no_such_total is not in",
         lambda r, b, t: first_panel(b)["targets"][0].update(
             expr='sum(rate(events_no_such_total{namespace=~"$namespace"}[5m]))'))
    case("a dashboard without the datasource variable", "no variable datasource",
         lambda r, b, t: b[name]["templating"].update(list=[v for v in b[name]["templating"]["list"]
                                                            if v["name"] != "datasource"]))
    case("a dashboard that is not JSON", "not valid JSON", lambda r, b, t: b.update({name: "not valid JSON: x"}))
    case("an unknown metric in a rule", "metric events_no_such_total is not in",
         lambda r, b, t: first_alert(r).update(expr="events_no_such_total > 0"))
    case("an alert without severity", "label severity is None",
         lambda r, b, t: first_alert(r)["labels"].pop("severity"))
    case("an alert without summary", "no summary annotation",
         lambda r, b, t: first_alert(r)["annotations"].pop("summary"))
    case("a runbook anchor that does not exist", "has no heading with anchor",
         lambda r, b, t: first_alert(r)["annotations"].update(runbook_url="docs/operations.md#no-such-section"))
    case("an alert whose runbook section is gone", "has no heading with anchor",
         lambda r, b, t: re.sub(r"(?m)^#+ " + first_alert(r)["alert"] + "$", "", markdown))
    case("an alert with no unit test", "no unit test",
         lambda r, b, t: first_alert(r).update(alert="EventsUntestedAlert"))
    failed = 0
    for what, expect, r, b, md, t in cases:
        got = run_checks(r, b, metrics, md, t)
        if not any(expect in p for p in got):
            print(f"FAIL selftest: {what}: the checks did not say {expect!r} (they said: {got})")
            failed += 1
    print(f"{'ok  ' if not failed else 'FAIL'} selftest: {len(cases) - failed} of {len(cases)} "
          f"broken copies failed as they should")
    return failed


def load_tests():
    out = []
    for path in sorted(glob.glob(os.path.join(RULE_TESTS, "*.yaml"))):
        with open(path, encoding="utf-8") as f:
            out.append(yaml.safe_load(f))
    return out


def cmd_check():
    if not shutil.which("promtool"):
        print("FAIL promtool is not installed (Debian package prometheus: ./scripts/install-deps)")
        return 1
    failed = 0
    gen = subprocess.run([os.path.join(MON, "generate"), "--check"], capture_output=True, text=True)
    print((gen.stdout + gen.stderr).rstrip())
    failed += gen.returncode != 0
    rules, boards, metrics = load_rules(), load_dashboards(), load_metrics()
    with open(OPERATIONS, encoding="utf-8") as f:
        markdown = f.read()
    tests = load_tests()
    problems = run_checks(rules, boards, metrics, markdown, tests)
    problems += check_rendered({k: v for k, v in boards.items() if isinstance(v, dict)})
    for p in problems:
        print(f"FAIL {p}")
    alerts = [r for r in all_rules(rules) if "alert" in r]
    if not problems:
        print(f"ok   {len(boards)} dashboards ({sum(len(dashboard_queries(b)) for b in boards.values())} "
              f"queries), {len(alerts)} alerts, {len(recorded_names(rules))} recording rules")
    failed += len(problems)
    failed += selftest(rules, boards, metrics, markdown, tests)
    return 1 if failed else 0


def used_families():
    """{family: [jobs]} of every metric the dashboards and rules use that a service exports."""
    rules, boards, metrics = load_rules(), load_dashboards(), load_metrics()
    recorded = recorded_names(rules)
    exprs = [str(r.get("expr", "")) for r in all_rules(rules)]
    for b in boards.values():
        if isinstance(b, dict):
            exprs += [e for _, _, e in dashboard_queries(b)]
    used = {}
    for e in exprs:
        for n in metric_names(e):
            f = family(n, metrics)
            if n in recorded or f not in metrics or metrics[f][2]:
                continue  # a recording rule, an unknown name (check says so), or @outside
            used[f] = metrics[f][1]
    return used


def cmd_names():
    for f, jobs in sorted(used_families().items()):
        print(f, *jobs)
    return 0


def exported_families(text):
    """The families a /metrics answer has: from its # TYPE lines and its samples."""
    out = set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            out.add(line.split()[2])
        elif line and not line.startswith("#"):
            name = re.match(r"[A-Za-z_:][A-Za-z0-9_:]*", line)
            if name:
                n = name.group(0)
                out.add(n)
                out.add(re.sub(r"_(bucket|sum|count)$", "", n))
    return out


def cmd_scrape_check(folder):
    exported = {}
    for path in glob.glob(os.path.join(folder, "*.txt")):
        with open(path, encoding="utf-8") as f:
            exported[os.path.basename(path)[:-4]] = exported_families(f.read())
    missing = {}
    checked = 0
    for f, jobs in sorted(used_families().items()):
        for job in jobs:
            checked += 1
            if job not in exported:
                missing.setdefault(f, []).append(f"{job} (not scraped)")
            elif f not in exported[job]:
                missing.setdefault(f, []).append(job)
    for f, jobs in sorted(missing.items()):
        print(f"MISSING {f}: used by the dashboards or alerts (deploy/monitoring), not exported by "
              f"{', '.join(jobs)}; deploy/monitoring/metrics.txt says these services export it "
              f"(docs/operations.md, \"Metrics\")")
    names = len(used_families())
    if missing:
        print(f"FAIL scrape: {len(missing)} of {names} metric families are missing somewhere "
              f"({checked} service-and-family pairs checked)")
        return 1
    print(f"ok   scrape: every one of {names} metric families the dashboards and alerts use is "
          f"exported by each service that should ({checked} pairs, {len(exported)} services)")
    return 0


def main(argv):
    if argv[1:] == ["check"]:
        return cmd_check()
    if argv[1:] == ["names"]:
        return cmd_names()
    if len(argv) == 3 and argv[1] == "scrape-check":
        return cmd_scrape_check(argv[2])
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
