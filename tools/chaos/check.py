#!/usr/bin/env python3
"""Checks what a fault scenario of scripts/chaos left behind; prints its figures and exits 1
when a promise was broken (each broken promise is printed as a line starting "FAIL").

  check.py registrations --record R.tsv --list L.json --capacity N [--window NAME:FROM:TO]...
      R.tsv: loadgen --record (every Register call: times, code, e-mail, id, status).
      L.json: `eventctl registrations list EVENT --status all --format json` afterwards.
      Promises: every acknowledged registration is there, as the same attendee; no e-mail
      twice; confirmed <= N; waiting positions run 1..W with no gap or repeat. With
      --window (unix ms: Redis stopped or frozen from FROM to TO): a call sent inside the
      window whose deadline passed (by over 100 ms) before TO failed and was not written
      later. With --tolerate-loss (asynchronous replication across a failover, where a loss
      may or may not happen), lost registrations are counted and printed but not a failure;
      every other promise still is. --list may be given several times (their union). With
      --full (more people asked than there are places): exactly N confirmed.
  check.py calls --record R.tsv --margin-ms M [--window NAME:FROM:TO]...
      Promises: no call ended later than its deadline + M; a call sent inside a window
      (Redis out) that failed, failed with UNAVAILABLE: the service answered it in time,
      rather than the client giving up (DEADLINE_EXCEEDED; up to 5% tolerated, answers that
      missed the 20 ms margin on a busy machine). Prints the codes.
  check.py webhooks --record R.tsv --log W.jsonl
      W.jsonl: scripts/webhook-receiver --log. Promises: every acknowledged registration
      reached the receiver (a correctly signed webhook whose id starts with its id);
      a webhook-id received again carries the same body; one webhook-id per registration
      and event type (a redelivery reuses it).
  check.py recovery --record R.tsv --window NAME:FROM:UNTIL...
      Promises: a call sent after FROM (Redis back) is answered OK again, and 1 s after the
      first such answer every call over by UNTIL (its deadline) is; prints how soon the
      first came.
  check.py sent-before --record R.tsv --before MS
      Promises: every call sent before MS was answered OK (a stopping server finishes them).
  check.py answered --record R.tsv --allow CODE[,CODE...]
      Promises: every call was answered with one of the codes allowed (say OK and the
      retryable UNAVAILABLE); prints the codes and an example of each other one.
  check.py same-webhook --log W.jsonl
      Promises: every request in W.jsonl carries the same webhook-id and body (a try cut
      short, made again).
"""
import argparse
import collections
import json
import sys

# How much later than the client's the service's copy of a deadline may be (see above).
SKEW_MS = 100


def read_record(path):
    calls = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            fields = line.rstrip("\n").split("\t")
            fields += [""] * (10 - len(fields))
            calls.append({
                "sent": int(fields[1]), "ended": int(fields[2]), "deadline": int(fields[3]),
                "code": fields[4], "message": fields[5], "email": fields[6], "id": fields[7],
                "status": fields[8], "position": fields[9],
            })
    return calls


def read_list(path):
    with open(path, encoding="utf-8") as f:
        text = f.read().strip()
    if not text:
        return []
    return json.loads(text).get("registrations", [])


def read_lists(paths):
    regs = []
    for path in paths:
        regs.extend(read_list(path))
    return regs


class Verdict:
    def __init__(self):
        self.failures = []

    def figure(self, name, value):
        print(f"    {name:<24} {value}")

    def fail(self, why):
        self.failures.append(why)

    def finish(self):
        for why in self.failures:
            print(f"    FAIL: {why}")
        return 1 if self.failures else 0


def check_registrations(args):
    v = Verdict()
    calls = read_record(args.record)
    regs = read_lists(args.list)
    by_id = {r.get("id"): r for r in regs}
    acked = [c for c in calls if c["code"] == "OK"]
    lost = [c for c in acked if c["id"] not in by_id]
    changed = [c for c in acked if c["id"] in by_id and by_id[c["id"]].get("email") != c["email"]]
    v.figure("calls", len(calls))
    v.figure("acknowledged", len(acked))
    v.figure("lost", len(lost))
    if lost and args.tolerate_loss:
        print(f"    (not a failure here: {len(lost)} acknowledged registrations are gone, e.g. "
              f"{lost[0]['id']}; asynchronous replication may lose the last writes of a failed primary)")
    elif lost:
        v.fail(f"{len(lost)} acknowledged registrations are gone, e.g. {lost[0]['id']} ({lost[0]['email']})")
    if changed:
        v.fail(f"{len(changed)} acknowledged registrations name another attendee, e.g. {changed[0]['id']}")
    emails = collections.Counter(r.get("email") for r in regs)
    twice = [e for e, n in emails.items() if n > 1]
    if twice:
        v.fail(f"{len(twice)} e-mails registered more than once, e.g. {twice[0]}")
    statuses = collections.Counter(r.get("status", "") for r in regs)
    confirmed = statuses.get("REGISTRATION_STATUS_CONFIRMED", 0)
    v.figure("registrations stored", len(regs))
    v.figure("confirmed / capacity", f"{confirmed} / {args.capacity}")
    if confirmed > args.capacity:
        v.fail(f"{confirmed} confirmed for {args.capacity} places")
    elif args.full and confirmed != args.capacity:
        v.fail(f"only {confirmed} confirmed for {args.capacity} places, though more asked")
    positions = sorted(int(r.get("waitlist_position", 0)) for r in regs
                       if r.get("status") == "REGISTRATION_STATUS_WAITLISTED")
    v.figure("waitlisted", len(positions))
    if positions != list(range(1, len(positions) + 1)):
        dup = [p for p, n in collections.Counter(positions).items() if n > 1]
        gaps = sorted(set(range(1, len(positions) + 1)) - set(positions))
        v.fail(f"waiting positions are not 1..{len(positions)}: repeated {dup[:5]}, missing {gaps[:5]}")
    stored_emails = set(emails)
    for window in args.window:
        name, start, end = window.split(":")
        start, end = int(start), int(end)
        # Sent after Redis had stopped answering, and given up before it answered again:
        # the caller was told it failed, and Redis must not have written it later. The
        # service's copy of a deadline is a little later than the client's (gRPC sends the
        # time left, which the server counts from when it reads it): SKEW_MS allows for it.
        inside = [c for c in calls if c["sent"] >= start and c["deadline"] < end - SKEW_MS]
        answered_ok = [c for c in inside if c["code"] == "OK"]
        written = [c for c in inside if c["email"] in stored_emails]
        v.figure(f"{name}: given up inside", f"{len(inside)} (written later: {len(written)})")
        if answered_ok:
            v.fail(f"{name}: {len(answered_ok)} calls answered OK while Redis was not answering")
        if written:
            c = written[0]
            v.fail(f"{name}: {len(written)} registrations given up by their callers were written "
                   f"after their deadline, e.g. {c['email']} ({c['code']} {c['message']})")
    return v.finish()


def check_calls(args):
    v = Verdict()
    calls = read_record(args.record)
    late = [c for c in calls if c["ended"] > c["deadline"] + args.margin_ms]
    worst = max((c["ended"] - c["deadline"] for c in calls), default=0)
    longest = max((c["ended"] - c["sent"] for c in calls), default=0)
    codes = collections.Counter(c["code"] for c in calls)
    v.figure("calls", len(calls))
    v.figure("codes", ", ".join(f"{k} {n}" for k, n in sorted(codes.items())))
    v.figure("longest call", f"{longest} ms")
    v.figure("past the deadline", f"at most {max(worst, 0)} ms (margin {args.margin_ms} ms)")
    if late:
        v.fail(f"{len(late)} calls ended more than {args.margin_ms} ms after their deadline")
    for window in args.window:
        name, start, end = window.split(":")
        failed = [c for c in calls if int(start) <= c["sent"] < int(end) and c["code"] != "OK"]
        codes = collections.Counter(c["code"] for c in failed)
        v.figure(f"{name}: failed", ", ".join(f"{k} {n}" for k, n in sorted(codes.items())) or "none")
        # The service answers 20 ms before the deadline; on a busy machine an answer may
        # now and then miss the client's deadline by a few ms: up to 5% is tolerated (a
        # service that did not answer in time at all fails nearly every call instead).
        late_answers = [c for c in failed if c["code"] == "DEADLINE_EXCEEDED"]
        other = [c for c in failed if c["code"] not in ("UNAVAILABLE", "DEADLINE_EXCEEDED")]
        if other or len(late_answers) > len(failed) // 20:
            c = (other + late_answers)[0]
            v.fail(f"{name}: {len(other) + len(late_answers)} calls failed otherwise than "
                   f"UNAVAILABLE (5% of DEADLINE_EXCEEDED tolerated), e.g. "
                   f"{c['code']} after {c['ended'] - c['sent']} ms ({c['message']})")
    return v.finish()


def check_webhooks(args):
    v = Verdict()
    acked = [c for c in read_record(args.record) if c["code"] == "OK"]
    hooks = []
    with open(args.log, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                hooks.append(json.loads(line))
    signed = [h for h in hooks if h["verified"]]
    if len(signed) != len(hooks):
        v.fail(f"{len(hooks) - len(signed)} webhooks failed their signature check")
    bodies = {}
    changed = set()
    per_event = collections.defaultdict(set)
    for h in signed:
        if bodies.setdefault(h["id"], h["body_sha256"]) != h["body_sha256"]:
            changed.add(h["id"])
        registration = h["id"].split(":", 1)[0]
        per_event[(registration, h["type"])].add(h["id"])
    counts = collections.Counter(h["id"] for h in signed)
    reached = {k[0] for k in per_event}
    lost = [c for c in acked if c["id"] not in reached]
    v.figure("acknowledged", len(acked))
    v.figure("webhooks received", f"{len(signed)} ({len(counts)} distinct webhook-ids)")
    v.figure("redeliveries", sum(n - 1 for n in counts.values()))
    v.figure("lost", len(lost))
    if lost:
        v.fail(f"{len(lost)} acknowledged registrations never reached the receiver, e.g. {lost[0]['id']}")
    if changed:
        v.fail(f"{len(changed)} webhook-ids came again with another body, e.g. {sorted(changed)[0]}")
    split = {k: ids for k, ids in per_event.items() if len(ids) > 1}
    if split:
        k, ids = next(iter(split.items()))
        v.fail(f"{len(split)} events came under more than one webhook-id, e.g. {k}: {sorted(ids)}")
    if args.min_redeliveries and sum(n - 1 for n in counts.values()) < args.min_redeliveries:
        v.fail(f"expected at least {args.min_redeliveries} redeliveries (a try cut short by a kill)")
    return v.finish()


def check_recovery(args):
    v = Verdict()
    calls = read_record(args.record)
    for window in args.window:
        name, since, until = window.split(":")
        since, until = int(since), int(until)
        # Calls that were over before UNTIL (the next outage): one sent just before it is
        # caught by it.
        after = sorted((c["sent"], c["code"]) for c in calls
                       if since <= c["sent"] and c["deadline"] < until)
        first = next((t for t, code in after if code == "OK"), None)
        if first is None:
            v.fail(f"{name}: no call answered OK after Redis came back")
            continue
        tail = [code for t, code in after if t >= first + 1000]
        v.figure(f"{name}: first OK", f"{first - since} ms after Redis was back; "
                 f"{tail.count('OK')} of {len(tail)} OK from 1 s later on")
        if tail.count("OK") != len(tail):
            v.fail(f"{name}: calls still failing 1 s after the first OK")
    return v.finish()


def check_sent_before(args):
    v = Verdict()
    before = [c for c in read_record(args.record) if c["sent"] < args.before]
    bad = [c for c in before if c["code"] != "OK"]
    v.figure("sent before", f"{len(before)}, answered OK {len(before) - len(bad)}")
    if bad:
        v.fail(f"{len(bad)} calls failed, e.g. {bad[0]['code']} {bad[0]['message']}")
    return v.finish()


def check_answered(args):
    v = Verdict()
    calls = read_record(args.record)
    allowed = set(args.allow.split(","))
    codes = collections.Counter(c["code"] for c in calls)
    v.figure("calls", len(calls))
    v.figure("codes", ", ".join(f"{k} {n}" for k, n in sorted(codes.items())))
    for code in sorted(set(codes) - allowed):
        c = next(c for c in calls if c["code"] == code)
        v.fail(f"{codes[code]} calls answered {code} (allowed: {args.allow}), e.g. "
               f"after {c['ended'] - c['sent']} ms: {c['message']}")
    return v.finish()


def check_same_webhook(args):
    v = Verdict()
    with open(args.log, encoding="utf-8") as f:
        hooks = [json.loads(line) for line in f if line.strip()]
    ids = {(h["id"], h["body_sha256"]) for h in hooks}
    v.figure("requests", f"{len(hooks)}, webhook-ids {sorted({h['id'] for h in hooks})}")
    if len(ids) != 1:
        v.fail(f"the tries carry {len(ids)} different webhook-ids or bodies")
    return v.finish()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    r = sub.add_parser("registrations")
    r.add_argument("--record", required=True)
    r.add_argument("--list", required=True, action="append")
    r.add_argument("--capacity", type=int, required=True)
    r.add_argument("--window", action="append", default=[])
    r.add_argument("--tolerate-loss", action="store_true")
    r.add_argument("--full", action="store_true")
    c = sub.add_parser("calls")
    c.add_argument("--record", required=True)
    c.add_argument("--margin-ms", type=int, required=True)
    c.add_argument("--window", action="append", default=[])
    w = sub.add_parser("webhooks")
    w.add_argument("--record", required=True)
    w.add_argument("--log", required=True)
    w.add_argument("--min-redeliveries", type=int, default=0)
    rc = sub.add_parser("recovery")
    rc.add_argument("--record", required=True)
    rc.add_argument("--window", action="append", default=[])
    sb = sub.add_parser("sent-before")
    sb.add_argument("--record", required=True)
    sb.add_argument("--before", type=int, required=True)
    an = sub.add_parser("answered")
    an.add_argument("--record", required=True)
    an.add_argument("--allow", required=True)
    sw = sub.add_parser("same-webhook")
    sw.add_argument("--log", required=True)
    args = parser.parse_args()
    return {"registrations": check_registrations, "calls": check_calls,
            "webhooks": check_webhooks, "recovery": check_recovery,
            "sent-before": check_sent_before, "same-webhook": check_same_webhook,
            "answered": check_answered}[args.what](args)


if __name__ == "__main__":
    sys.exit(main())
