"""The Grafana dashboards of deploy/monitoring/dashboards/, described once here.

deploy/monitoring/generate writes each as JSON (edit here, then run it). Every panel reads
the Prometheus data source of the ${datasource} variable; every query is filtered by the
namespace and job variables. The metric names are those of deploy/monitoring/metrics.txt
(tests/ops/monitoring.py checks it); the meaning of each: docs/operations.md, "Metrics".
"""

SCHEMA_VERSION = 39  # Grafana 10.4 and 11
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
TAG = "inclusive-events"
GRPC_SERVICES = ["scheduling", "registration", "accessibility", "feedback", "integrations",
                 "notifications", "people"]
JOBS = GRPC_SERVICES + ["web"]
# The codes that count as the server's failure (docs/operations.md, "Service level objectives").
SERVER_ERROR_CODES = "UNKNOWN|INTERNAL|UNAVAILABLE|DEADLINE_EXCEEDED|DATA_LOSS|UNIMPLEMENTED"
RATE = "$__rate_interval"
# Matchers used inside f-strings (which cannot hold a backslash before Python 3.12).
BAD = f'grpc_code=~"{SERVER_ERROR_CODES}"'
REFUSED = f'grpc_code!~"OK|{SERVER_ERROR_CODES}"'
REGISTER = 'grpc_method="Register"'
ERROR = 'outcome="error"'
MAIL_FAILING = 'outcome=~"retry|dead"'
MAIL_TRIED = 'outcome=~"sent|retry|dead"'


def sel(*matchers):
    """The label selector of every query: this dashboard's namespace and job, and more."""
    return "{" + ",".join(['namespace=~"$namespace"', 'job=~"$job"'] + list(matchers)) + "}"


def nsel(*matchers):
    """A selector by namespace only: gauges read from Redis, the same on every replica."""
    return "{" + ",".join(['namespace=~"$namespace"'] + list(matchers)) + "}"


def target(expr, legend="", instant=False, table=False):
    t = {"datasource": DATASOURCE, "expr": expr, "legendFormat": legend}
    if instant or table:
        t["instant"] = True
        t["range"] = False
    else:
        t["range"] = True
    if table:
        t["format"] = "table"
    return t


def timeseries(title, unit, targets, description, w=12, h=8, stack=False):
    return {
        "type": "timeseries", "title": title, "description": description, "w": w, "h": h,
        "fieldConfig": {
            "defaults": {
                "unit": unit, "min": 0,
                "custom": {"drawStyle": "line", "lineWidth": 1, "fillOpacity": 10,
                           "showPoints": "never", "spanNulls": False,
                           "stacking": {"mode": "normal" if stack else "none", "group": "A"}},
            },
            "overrides": [],
        },
        "options": {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": True},
                    "tooltip": {"mode": "multi", "sort": "desc"}},
        "targets": targets,
    }


def stat(title, unit, targets, description, w=6, h=4, thresholds=None, decimals=None):
    steps = thresholds or [{"color": "text", "value": None}]
    defaults = {"unit": unit, "thresholds": {"mode": "absolute", "steps": steps}}
    if decimals is not None:
        defaults["decimals"] = decimals
    return {
        "type": "stat", "title": title, "description": description, "w": w, "h": h,
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "options": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                    "colorMode": "value", "graphMode": "area", "textMode": "auto",
                    "justifyMode": "auto", "orientation": "auto"},
        "targets": targets,
    }


def table(title, targets, description, w=12, h=8):
    return {
        "type": "table", "title": title, "description": description, "w": w, "h": h,
        "fieldConfig": {"defaults": {}, "overrides": []},
        "options": {"showHeader": True, "cellHeight": "sm"},
        "transformations": [{"id": "organize", "options": {"excludeByName": {"Time": True}}}],
        "targets": targets,
    }


def row(title):
    return {"type": "row", "title": title, "collapsed": False, "panels": []}


# Rows of panels used by several dashboards.

def quantiles(metric, matchers, by, legend_prefix):
    """p50, p95 and p99 of a histogram, by the labels `by` (a string such as "job")."""
    group = f"{by}, le" if by else "le"
    return [target(f"histogram_quantile({q}, sum by ({group}) (rate({metric}_bucket{matchers}[{RATE}])))",
                   f"p{int(q * 100)} {legend_prefix}".strip()) for q in (0.5, 0.95, 0.99)]


def grpc_rows(per_service):
    """Calls, errors and duration of the gRPC services (grpc_server_*)."""
    if per_service:
        by, legend = "grpc_method", "{{grpc_method}}"
    else:
        by, legend = "job", "{{job}}"
    return [
        row("gRPC calls"),
        timeseries("Calls per second" + (" by RPC" if per_service else " by service"), "reqps",
                   [target(f"sum by ({by}) (rate(grpc_server_handled_total{sel()}[{RATE}]))", legend)],
                   "RPCs answered per second, whatever the answer."),
        timeseries("Server errors per second by RPC and code", "reqps",
                   [target(f"sum by (job, grpc_method, grpc_code) (rate(grpc_server_handled_total"
                           f"{sel(BAD)}[{RATE}]))",
                           "{{job}} {{grpc_method}} {{grpc_code}}")],
                   "Answers that are the server's failure (" + SERVER_ERROR_CODES.replace("|", ", ")
                   + "): a retry may work, but the caller saw an error."),
        timeseries("Share of calls failed by the server" + ("" if per_service else " by service"),
                   "percentunit",
                   [target(f"sum by ({by}) (rate(grpc_server_handled_total{sel(BAD)}[{RATE}]))"
                           f" / sum by ({by}) (rate(grpc_server_handled_total{sel()}[{RATE}]))", legend)],
                   "Server errors divided by all calls. Register's SLO allows 0.5% over 30 days."),
        timeseries("Refusals per second by RPC and code", "reqps",
                   [target(f"sum by (job, grpc_method, grpc_code) (rate(grpc_server_handled_total"
                           f"{sel(REFUSED)}[{RATE}]))",
                           "{{job}} {{grpc_method}} {{grpc_code}}")],
                   "Answers that refuse the request by the rules (INVALID_ARGUMENT, NOT_FOUND, "
                   "FAILED_PRECONDITION, PERMISSION_DENIED, RESOURCE_EXHAUSTED for rate limits...). "
                   "A sudden rise can mean a broken client or page."),
        timeseries("Duration p50 / p95 / p99" + ("" if per_service else " by service"), "s",
                   quantiles("grpc_server_handling_seconds", sel(), "" if per_service else "job",
                             "" if per_service else "{{job}}"),
                   "From a call's arrival to its answer (grpc_server_handling_seconds)."),
        timeseries("Duration p95 by RPC", "s",
                   [target(f"histogram_quantile(0.95, sum by (job, grpc_method, le) "
                           f"(rate(grpc_server_handling_seconds_bucket{sel()}[{RATE}])))",
                           "{{job}} {{grpc_method}}")],
                   "95% of the calls of each RPC were answered within this time."),
    ]


def web_rows():
    """The web tier's HTTP requests (web_http_*)."""
    web = 'job=~"$job"'
    s = "{" + f'namespace=~"$namespace",{web}' + "}"
    s5 = "{" + f'namespace=~"$namespace",{web},status=~"5.."' + "}"
    return [
        row("Web pages and API (HTTP)"),
        timeseries("Requests per second by status", "reqps",
                   [target(f"sum by (status) (rate(web_http_requests_total{s}[{RATE}]))", "{{status}}")],
                   "HTTP requests answered by the web tier, by status code.", stack=True),
        timeseries("Share of requests answered 5xx", "percentunit",
                   [target(f"sum (rate(web_http_requests_total{s5}[{RATE}])) / "
                           f"sum (rate(web_http_requests_total{s}[{RATE}]))", "5xx")],
                   "Pages and API calls that failed on the server side."),
        timeseries("Duration p50 / p95 / p99", "s",
                   quantiles("web_http_request_duration_seconds", s, "", ""),
                   "From a request's arrival to its answer, at the web tier (it includes the calls "
                   "to the services behind it)."),
        timeseries("Duration p95 by route", "s",
                   [target(f"histogram_quantile(0.95, sum by (route, method, le) "
                           f"(rate(web_http_request_duration_seconds_bucket{s}[{RATE}])))",
                           "{{method}} {{route}}")],
                   "Per route template (never the path: it can hold a personal token)."),
        timeseries("Requests per second by route", "reqps",
                   [target(f"sum by (route, method) (rate(web_http_requests_total{s}[{RATE}]))",
                           "{{method}} {{route}}")],
                   "Which pages and API routes are used."),
        timeseries("5xx per second by route", "reqps",
                   [target(f"sum by (route, method, status) (rate(web_http_requests_total{s5}[{RATE}]))",
                           "{{method}} {{route}} {{status}}")],
                   "Which routes fail."),
    ]


def register_slo_rows():
    """The Register SLOs, from the recording rules of rules/events.rules.yaml."""
    green_red = [{"color": "red", "value": None}, {"color": "orange", "value": 0.25},
                 {"color": "green", "value": 0.5}]
    n = nsel()
    return [
        row("Register SLOs: 99.5% available, 99% under 0.5 s (30 days)"),
        stat("Register availability, 30 days", "percentunit",
             [target(f"1 - namespace:events_register_errors:ratio_rate30d{n}", "{{namespace}}")],
             "Share of Register calls not failed by the server over 30 days. Objective 99.5%.",
             decimals=3),
        stat("Availability error budget left", "percentunit",
             [target(f"1 - namespace:events_register_errors:ratio_rate30d{n} / 0.005", "{{namespace}}")],
             "How much of the 30-day budget of failed calls (0.5%) is left. Below 0: the SLO "
             "is missed.", thresholds=green_red),
        stat("Register calls under 0.5 s, 30 days", "percentunit",
             [target(f"1 - namespace:events_register_slow:ratio_rate30d{n}", "{{namespace}}")],
             "Share of Register calls answered within 0.5 s over 30 days. Objective 99%.",
             decimals=3),
        stat("Latency error budget left", "percentunit",
             [target(f"1 - namespace:events_register_slow:ratio_rate30d{n} / 0.01", "{{namespace}}")],
             "How much of the 30-day budget of slow calls (1%) is left.", thresholds=green_red),
        timeseries("Burn rate (1 h and 5 min)", "none",
                   [target(f"namespace:events_register_errors:ratio_rate1h{n} / 0.005", "errors 1h {{namespace}}"),
                    target(f"namespace:events_register_errors:ratio_rate5m{n} / 0.005", "errors 5m {{namespace}}"),
                    target(f"namespace:events_register_slow:ratio_rate1h{n} / 0.01", "slow 1h {{namespace}}"),
                    target(f"namespace:events_register_slow:ratio_rate5m{n} / 0.01", "slow 5m {{namespace}}")],
                   "How fast the error budgets are spent: 1 spends exactly the budget in 30 days. "
                   "Both windows above 14.4 page (EventsRegisterErrorBudgetFastBurn, "
                   "EventsRegisterLatencyBudgetFastBurn)."),
        timeseries("Burn rate (6 h, 1 d, 3 d)", "none",
                   [target(f"namespace:events_register_errors:ratio_rate6h{n} / 0.005", "errors 6h {{namespace}}"),
                    target(f"namespace:events_register_errors:ratio_rate1d{n} / 0.005", "errors 1d {{namespace}}"),
                    target(f"namespace:events_register_errors:ratio_rate3d{n} / 0.005", "errors 3d {{namespace}}"),
                    target(f"namespace:events_register_slow:ratio_rate6h{n} / 0.01", "slow 6h {{namespace}}"),
                    target(f"namespace:events_register_slow:ratio_rate1d{n} / 0.01", "slow 1d {{namespace}}"),
                    target(f"namespace:events_register_slow:ratio_rate3d{n} / 0.01", "slow 3d {{namespace}}")],
                   "The slower windows: 6 (6 h) pages; 3 (1 d) and 1 (3 d) open a ticket."),
    ]


def consumer_rows(scoped):
    """Consumer groups: lag, pending, oldest pending, redeliveries, dead letters. Gauges are
    read from Redis, the same on every replica: max by group."""
    s = sel() if scoped else nsel()
    return [
        row("Domain events: consumer groups"),
        timeseries("Lag by group", "short",
                   [target(f"max by (group) (events_consumer_lag{s})", "{{group}}")],
                   "Events in the streams not yet delivered to the group. Near 0 when the "
                   "consumers keep up; growing for 15 minutes pages (EventsConsumerLagGrowing)."),
        timeseries("Pending by group", "short",
                   [target(f"max by (group) (events_consumer_pending{s})", "{{group}}")],
                   "Events delivered to a consumer and not yet acknowledged (work in progress)."),
        timeseries("Oldest pending event by group", "s",
                   [target(f"max by (group) (events_consumer_oldest_pending_seconds{s})", "{{group}}")],
                   "Age of the oldest unacknowledged event. Over 15 minutes opens a ticket "
                   "(EventsConsumerPendingStuck)."),
        timeseries("Redeliveries per second by group", "short",
                   [target(f"sum by (group) (rate(events_consumer_redeliveries_total{s}[{RATE}]))", "{{group}}")],
                   "Events handed out again after a consumer held them too long (it crashed or "
                   "was slow)."),
        timeseries("Moved to dead letters (per hour) by group", "short",
                   [target(f"sum by (group) (increase(events_consumer_dead_letters_total{s}[1h]))", "{{group}}")],
                   "Events that failed every delivery and were moved to the dead-letter stream."),
        timeseries("Entries in the dead-letter streams", "short",
                   [target(f"max (events_dead_letter_entries{s})", "dead letters")],
                   "Everything in the dead-letter streams, waiting for someone to replay or drop it."),
    ]


def delayed_rows(scoped):
    s = sel() if scoped else nsel()
    return [
        row("Delayed jobs"),
        timeseries("Due, not fired, by queue", "short",
                   [target(f"max by (queue) (events_delayed_jobs_due{s})", "{{queue}}")],
                   "Jobs whose time has come (reminders, access deadlines, survey windows)."),
        timeseries("Overdue (over 60 s late) by queue", "short",
                   [target(f"max by (queue) (events_delayed_jobs_overdue{s})", "{{queue}}")],
                   "Above 0 for 10 minutes pages (EventsDelayedJobsOverdue)."),
        timeseries("Fired per second by queue", "short",
                   [target(f"sum by (queue) (rate(events_delayed_jobs_fired_total{s}[{RATE}]))", "{{queue}}")],
                   "Jobs fired."),
    ]


def redis_rows():
    s = sel()
    return [
        row("Redis client"),
        timeseries("Redis reachable, by replica", "bool_yes_no",
                   [target(f"min by (job, instance) (events_redis_up{s})", "{{job}} {{instance}}")],
                   "1 when the replica's last Redis check succeeded. 0 for 2 minutes pages "
                   "(EventsRedisUnreachable)."),
        timeseries("Redis errors per second by kind", "short",
                   [target(f"sum by (job, kind) (rate(events_redis_errors_total{s}[{RATE}]))", "{{job}} {{kind}}")],
                   "Failed Redis calls: connection, timeout, script, redirect, auth, other."),
        timeseries("Script round trip p95 by script", "s",
                   [target(f"histogram_quantile(0.95, sum by (script, le) "
                           f"(rate(events_redis_script_duration_seconds_bucket{s}[{RATE}])))", "{{script}}")],
                   "One EVALSHA (or one pipeline of them), as the service sees it."),
        timeseries("Pool connections by state", "short",
                   [target(f"sum by (job, state) (events_redis_pool_connections{s})", "{{job}} {{state}}")],
                   "Connections of the Redis client's pools, in use or idle."),
        timeseries("Pool waits per second", "short",
                   [target(f"sum by (job) (rate(events_redis_pool_waits_total{s}[{RATE}]))", "{{job}}")],
                   "Calls that had to wait for a free connection: the pool is too small for the load."),
        timeseries("Pool wait p95", "s",
                   [target(f"histogram_quantile(0.95, sum by (job, le) "
                           f"(rate(events_redis_pool_wait_seconds_bucket{s}[{RATE}])))", "{{job}}")],
                   "How long those calls waited."),
    ]


def process_rows():
    s = sel()
    return [
        row("Processes"),
        timeseries("CPU (cores) by replica", "short",
                   [target(f"rate(process_cpu_seconds_total{s}[{RATE}])", "{{job}} {{instance}}")],
                   "User and system CPU time per second: 1 is one core busy."),
        timeseries("Resident memory by replica", "bytes",
                   [target(f"process_resident_memory_bytes{s}", "{{job}} {{instance}}")],
                   "RSS. Compare with the container's memory limit (512 MiB in production)."),
        timeseries("Open file descriptors (share of the limit)", "percentunit",
                   [target(f"process_open_fds{s} / process_max_fds{s}", "{{job}} {{instance}}")],
                   "Sockets and files open, against the soft limit."),
        timeseries("Threads by replica", "short",
                   [target(f"process_threads{s}", "{{job}} {{instance}}")],
                   "Threads of the process."),
        timeseries("Restarts (per hour)", "short",
                   [target(f"changes(process_start_time_seconds{s}[1h])", "{{job}} {{instance}}")],
                   "How often each replica's process started again in the last hour."),
        table("Versions running",
              [target(f"count by (job, version) (events_build_info{s})", table=True)],
              "Replicas by service and build version: more than one version per service "
              "means a rollout is under way (or stuck)."),
        timeseries("/metrics answer p99", "s",
                   quantiles("events_metrics_scrape_duration_seconds", s, "job", "{{job}}")[2:],
                   "Time to serialise and send one /metrics answer."),
    ]


def variables(job_default=None):
    """The data source, namespace and job variables. The overview picks any of the jobs; a
    service's dashboard has its job as a text box (the service's name, as the
    ServiceMonitor names the job; change it if your scrape config names it otherwise)."""
    ns_query = "label_values(up{job=~\"" + "|".join(JOBS) + "\"}, namespace)"
    out = [
        {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
         "current": {}, "hide": 0, "refresh": 1, "regex": "", "options": []},
        {"name": "namespace", "label": "Namespace", "type": "query", "datasource": DATASOURCE,
         "query": {"query": ns_query, "refId": "namespace"}, "definition": ns_query,
         "includeAll": True, "allValue": ".*", "multi": False, "current": {}, "hide": 0,
         "refresh": 2, "regex": "", "sort": 1, "options": []},
    ]
    if job_default is None:
        job_query = "label_values(up{namespace=~\"$namespace\"}, job)"
        out.append({"name": "job", "label": "Service", "type": "query", "datasource": DATASOURCE,
                    "query": {"query": job_query, "refId": "job"}, "definition": job_query,
                    "regex": "/^(" + "|".join(JOBS) + ")$/", "includeAll": True, "multi": True,
                    "current": {}, "hide": 0, "refresh": 2, "sort": 1, "options": []})
    else:
        out.append({"name": "job", "label": "Job", "type": "textbox", "query": job_default,
                    "current": {"text": job_default, "value": job_default}, "hide": 0,
                    "options": [{"selected": True, "text": job_default, "value": job_default}]})
    return out


def layout(items):
    """Grafana panels from rows and panels: ids and grid positions, left to right."""
    panels, x, y, line_h, next_id = [], 0, 0, 0, 1
    for item in items:
        p = dict(item)
        w, h = p.pop("w", 24), p.pop("h", 1)
        if p["type"] == "row" or x + w > 24:
            x, y, line_h = 0, y + line_h, 0
        p["id"] = next_id
        next_id += 1
        if p["type"] == "row":
            p["gridPos"] = {"h": 1, "w": 24, "x": 0, "y": y}
            y += 1
        else:
            p["datasource"] = DATASOURCE
            for i, t in enumerate(p["targets"]):
                t["refId"] = chr(ord("A") + i)
            p["gridPos"] = {"h": h, "w": w, "x": x, "y": y}
            x, line_h = x + w, max(line_h, h)
        panels.append(p)
    return panels


def dashboard(uid, title, description, items, job_default=None):
    return {
        "uid": uid, "title": title, "description": description, "tags": [TAG],
        "schemaVersion": SCHEMA_VERSION, "version": 1, "editable": True, "graphTooltip": 1,
        "timezone": "browser", "time": {"from": "now-6h", "to": "now"}, "refresh": "1m",
        "annotations": {"list": []},
        "links": [{"type": "dashboards", "tags": [TAG], "asDropdown": True,
                   "title": "Inclusive events dashboards", "includeVars": True, "keepTime": True}],
        "templating": {"list": variables(job_default)},
        "panels": layout(items),
    }


def service_dashboard(job, title, description, domain, consumers=False, delayed=False):
    items = list(domain)
    if job == "web":
        items = web_rows() + items
    else:
        items = grpc_rows(per_service=True) + items
    if consumers:
        items += consumer_rows(scoped=True)
    if delayed:
        items += delayed_rows(scoped=True)
    if job != "web":
        items += redis_rows()
    items += process_rows()
    return dashboard(f"events-{job}", f"Inclusive events: {title}", description, items, job)


def rate_by(metric, by, legend, description, title, unit="short", matchers=(), stack=False):
    return timeseries(title, unit,
                      [target(f"sum by ({by}) (rate({metric}{sel(*matchers)}[{RATE}]))", legend)],
                      description, stack=stack)


def all_dashboards():
    """{file name without .json: dashboard}."""
    boards = {}
    boards["overview"] = dashboard(
        "events-overview", "Inclusive events: platform overview",
        "Every service at a glance: calls, errors and duration (gRPC and HTTP), the Register "
        "SLOs, consumer groups and dead letters, delayed jobs, Redis and the processes. "
        "Runbooks: docs/operations.md, \"Dashboards and alerts\".",
        register_slo_rows() + grpc_rows(per_service=False) + web_rows() + consumer_rows(False)
        + delayed_rows(False) + redis_rows() + process_rows())

    boards["scheduling"] = service_dashboard(
        "scheduling", "scheduling", "Events, their changes and reminders.",
        [row("Events and reminders"),
         rate_by("events_scheduling_changes_total", "action", "{{action}}",
                 "Lifecycle changes made: create, publish, reschedule, cancel, complete.",
                 "Event changes per second by action"),
         timeseries("Reminders fired and worker errors per second", "short",
                    [target(f"sum (rate(events_reminders_fired_total{sel()}[{RATE}]))", "fired"),
                     target(f"sum (rate(events_reminder_worker_errors_total{sel()}[{RATE}]))", "worker errors")],
                    "Reminders emitted as event.reminder_due, and failed polls of the reminder "
                    "worker (Redis unreachable...).")],
        delayed=True)

    registration_slo = [p for p in register_slo_rows() if p["type"] != "row"]
    boards["registration"] = service_dashboard(
        "registration", "registration",
        "Registrations, the Register SLOs, and the registration-facts consumer.",
        [row("Registrations")]
        + [rate_by("events_registrations_total", "outcome", "{{outcome}}",
                   "Register answers by outcome: confirmed, waitlisted, pending_approval, refused "
                   "(a rule said no), error (a server-side failure).",
                   "Registrations per second by outcome", stack=True),
           timeseries("Share of Register answers that are errors", "percentunit",
                      [target(f"sum (rate(events_registrations_total{sel(ERROR)}[{RATE}])) / "
                              f"sum (rate(events_registrations_total{sel()}[{RATE}]))", "error")],
                      "Register answers the server failed (outcome error)."),
           timeseries("Register answers by code", "reqps",
                      [target(f"sum by (grpc_code) (rate(grpc_server_handled_total"
                              f"{sel(REGISTER)}[{RATE}]))", "{{grpc_code}}")],
                      "RESOURCE_EXHAUSTED: rate limits and shedding under load (good answers "
                      "for the SLO); UNAVAILABLE, INTERNAL, DEADLINE_EXCEEDED: failures."),
           timeseries("Register duration p50 / p95 / p99", "s",
                      quantiles("grpc_server_handling_seconds", sel('grpc_method="Register"'), "", ""),
                      "The latency SLO: 99% of Register calls under 0.5 s.")]
        + [row("Register SLOs: 99.5% available, 99% under 0.5 s (30 days)")] + registration_slo,
        consumers=True)

    boards["accessibility"] = service_dashboard(
        "accessibility", "accessibility",
        "Accessibility requests: at risk and past their deadline per organisation, requests "
        "submitted, audited reads.",
        [row("Access requests and deadlines"),
         timeseries("At risk by organisation", "short",
                    [target(f"max by (org_id) (events_access_requests_at_risk{nsel()}) > 0", "{{org_id}}")],
                    "Open requests not met whose deadline is within 48 hours. Above 0 for 30 "
                    "minutes opens a ticket (EventsAccessRequestsAtRisk)."),
         timeseries("Past deadline by organisation", "short",
                    [target(f"max by (org_id) (events_access_requests_past_deadline{nsel()}) > 0", "{{org_id}}")],
                    "Open requests whose deadline has passed. Above 0 pages "
                    "(EventsAccessRequestsPastDeadline)."),
         table("Organisations with requests at risk or past deadline",
               [target(f"max by (org_id) (events_access_requests_at_risk{nsel()}) > 0", table=True),
                target(f"max by (org_id) (events_access_requests_past_deadline{nsel()}) > 0", table=True)],
               "Now: A is at risk, B past deadline. eventctl access at-risk (with the "
               "organisation's key) lists the requests."),
         rate_by("events_accessibility_requests_total", "outcome", "{{outcome}}",
                 "Requests submitted, on time or after the deadline.",
                 "Requests submitted per second", stack=True),
         rate_by("events_accessibility_detail_reads_total", "job", "reads",
                 "Reads of request details by access coordinators (each one audited).",
                 "Audited detail reads per second")],
        consumers=True, delayed=True)

    boards["feedback"] = service_dashboard(
        "feedback", "feedback", "Survey responses, survey windows and the feedback projector.",
        [row("Surveys"),
         rate_by("events_feedback_responses_total", "kind", "{{kind}}",
                 "Survey responses stored: first answers and edits.", "Responses per second", stack=True),
         rate_by("events_feedback_window_jobs_total", "outcome", "{{outcome}}",
                 "Surveys opened or closed by the window worker (fired), and failed polls (error).",
                 "Survey window jobs per second"),
         rate_by("events_feedback_projected_total", "outcome", "{{outcome}}",
                 "Domain events read by the projector: applied, ignored, invalid, error.",
                 "Projected events per second")],
        consumers=True, delayed=True)

    failed = 'outcome=~"failed|dead"'
    boards["integrations"] = service_dashboard(
        "integrations", "integrations",
        "Webhook deliveries: tries by outcome and organisation, latency, tries per delivery.",
        [row("Webhooks"),
         rate_by("events_webhook_tries_total", "outcome", "{{outcome}}",
                 "One HTTP try of one delivery: delivered, failed (tried again later), dead (the "
                 "last try failed), gone (the endpoint answered 410).",
                 "Webhook tries per second by outcome", stack=True),
         timeseries("Failed share by organisation (top 10)", "percentunit",
                    [target(f"topk(10, sum by (org_id) (rate(events_webhook_tries_total{sel(failed)}[30m])) / "
                            f"sum by (org_id) (rate(events_webhook_tries_total{sel()}[30m])))", "{{org_id}}")],
                    "Failed and dead tries over 30 minutes. Above 50% with 5 failures or more "
                    "opens a ticket (EventsWebhookFailuresForOrganisation)."),
         rate_by("events_webhook_tries_total", "org_id", "{{org_id}}",
                 "Tries per organisation, whatever the outcome.",
                 "Webhook tries per second by organisation"),
         timeseries("Try duration p50 / p95 / p99", "s",
                    quantiles("events_webhook_try_duration_seconds", sel(), "", ""),
                    "The HTTP request of one try, to the organisation's endpoint."),
         timeseries("Tries per delivery (p50 / p95) by outcome", "short",
                    [target(f"histogram_quantile({q}, sum by (outcome, le) "
                            f"(rate(events_webhook_delivery_attempts_bucket{sel()}[{RATE}])))",
                            f"p{int(q * 100)} {{{{outcome}}}}") for q in (0.5, 0.95)],
                    "How many tries a delivery took to end (delivered or dead)."),
         timeseries("Deliveries created and worker errors per second", "short",
                    [target(f"sum (rate(events_webhook_deliveries_created_total{sel()}[{RATE}]))", "created"),
                     target(f"sum by (stage) (rate(events_integrations_errors_total{sel()}[{RATE}]))", "errors {{stage}}")],
                    "Deliveries made from domain events; failed polls, reads and writes of the "
                    "workers by stage.")],
        consumers=True)

    boards["notifications"] = service_dashboard(
        "notifications", "notifications",
        "E-mail by template and outcome, SMTP latency, the queue and the intake of events.",
        [row("E-mail"),
         rate_by("events_notifications_mail_total", "outcome", "{{outcome}}",
                 "Tries by outcome: sent, retry (tried again later), deferred, dead (the last "
                 "try failed), undeliverable (the address was refused), skipped.",
                 "E-mail per second by outcome", stack=True),
         rate_by("events_notifications_mail_total", "template, outcome", "{{template}} {{outcome}}",
                 "Which messages go out or fail: confirmations, reminders, sign-in links...",
                 "E-mail per second by template and outcome"),
         timeseries("Failing share (retry and dead)", "percentunit",
                    [target(f"sum (rate(events_notifications_mail_total{sel(MAIL_FAILING)}[30m])) / "
                            f"sum (rate(events_notifications_mail_total{sel(MAIL_TRIED)}[30m]))", "failing")],
                    "Over 30 minutes. Above 25% with 5 failures or more pages (EventsMailFailing)."),
         timeseries("SMTP send p50 / p95 / p99", "s",
                    quantiles("events_notifications_mail_send_seconds", sel(), "", ""),
                    "One SMTP send."),
         timeseries("From made to first try p50 / p95", "s",
                    quantiles("events_notifications_queue_lag_seconds", sel(), "", "")[:2],
                    "How long an e-mail waited in the outbox before its first try."),
         timeseries("Intake and store errors per second", "short",
                    [target(f"sum by (result) (rate(events_notifications_intake_total{sel()}[{RATE}]))", "intake {{result}}"),
                     target(f"sum (rate(events_notifications_store_errors_total{sel()}[{RATE}]))", "store errors")],
                    "Domain events read (mail made, too old, error), and Redis errors while sending.")],
        consumers=True)

    boards["people"] = service_dashboard(
        "people", "people", "Organisers and coordinators: invitations, sign-in, members.", [])

    boards["web"] = service_dashboard(
        "web", "web", "The HTTP front door: pages for attendees, the organiser console and the "
        "/api/v1 API.", [])
    return boards
