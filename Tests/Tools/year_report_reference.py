#!/usr/bin/env python3
"""The yearly report's figures computed on their own from the journal and the paper fallback log (Python 3
standard library only), to hold `lienthong report year YYYY --format json` to them.

    Tests/Tools/year_report_reference.py SPOOL YEAR      # prints the figures as JSON

Sent: `packed` records whose packedAt falls in the year (office time), less those a `rejected` record names; on time
when packed no later than the end of the first working span of the next working day after the issue date
(Decision 17/2019 Art 4.2; the working days, spans and holidays are read from office.yaml). Received: `registered`
records of the year; arrival to registration from the first `delivered` record of the same packet and recipient.
Refused: the first `refused` record of each packet and recipient, by reason. Returned: `rejected` records. Outages and
paper: the fallback log's incidents (by the year of `since`) and documents (by the year they were logged).
"""
import datetime
import json
import os
import re
import sys

DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def parse_time(text):
    return datetime.datetime.fromisoformat(text)


def journal(spool):
    folder = os.path.join(spool, "state", "journal")
    paths = sorted(os.path.join(folder, name) for name in os.listdir(folder) if name.endswith(".jsonl")) \
        if os.path.isdir(folder) else []
    seen = set()
    for path in paths + [os.path.join(spool, "state", "journal.jsonl")]:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    record = json.loads(line)
                    if record["seq"] not in seen:
                        seen.add(record["seq"])
                        yield record


def calendar(spool):
    text = open(os.path.join(spool, "office.yaml"), encoding="utf-8").read()
    days = re.search(r"workingDays:\s*\[([^\]]*)\]", text)
    working = {DAYS[d.strip()] for d in days.group(1).split(",")} if days else {0, 1, 2, 3, 4}
    hours = re.search(r"workingHours:\s*\[\s*\"(\d\d):(\d\d)-(\d\d):(\d\d)\"", text)
    first_end = (int(hours.group(3)), int(hours.group(4))) if hours else (11, 30)
    holidays = set(re.findall(r"\d{4}-\d\d-\d\d", (re.search(r"holidays:\s*\[([^\]]*)\]", text) or [None, ""])[1] or ""))
    return working, first_end, holidays


def deadline(issued, working, first_end, holidays, zone):
    day = datetime.date.fromisoformat(issued) + datetime.timedelta(days=1)
    while day.weekday() not in working or day.isoformat() in holidays:
        day += datetime.timedelta(days=1)
    hour, minute = first_end
    start = datetime.datetime(day.year, day.month, day.day, tzinfo=zone)
    return start + datetime.timedelta(hours=hour, minutes=minute)


def main():
    spool, year = sys.argv[1], int(sys.argv[2])
    zone = datetime.timezone(datetime.timedelta(hours=7))
    working, first_end, holidays = calendar(spool)
    records = list(journal(spool))
    rejected = {r["packetId"] for r in records if r["event"] == "rejected"}
    figures = {}

    def row(code):
        return figures.setdefault(code, {"sent": 0, "onTime": 0, "late": 0, "received": 0, "receivedOnPaper": 0,
                                         "waits": [], "refused": {}, "returned": {}, "outages": 0,
                                         "outageWorkingSeconds": 0.0, "paperLogged": 0, "paperHandedOver": 0})

    delivered = {}
    for r in records:
        if r["event"] == "delivered":
            delivered.setdefault((r["packetId"], r["recipient"]), r["at"])
    registered, refused = set(), set()
    for r in records:
        kind = r["event"]
        if kind == "packed" and r.get("packedAt", "")[:4] == str(year) and r["packetId"] not in rejected:
            entry = row(r["sender"])
            entry["sent"] += 1
            late = parse_time(r["packedAt"]) > deadline(r["issuedDate"], working, first_end, holidays, zone)
            entry["late" if late else "onTime"] += 1
        elif kind == "registered" and r["year"] == year:
            key = (r["packetId"], r["recipient"])
            if key in registered:
                continue
            registered.add(key)
            entry = row(r["recipient"])
            entry["received"] += 1
            if r.get("medium") == "paper":
                entry["receivedOnPaper"] += 1
            elif key in delivered:
                wait = parse_time(r["at"]) - parse_time(delivered[key])
                entry["waits"].append(round(wait / datetime.timedelta(milliseconds=1)))
        elif kind == "refused" and r["at"][:4] == str(year):
            key = (r["packetId"], r["recipient"])
            if key in refused:
                continue
            refused.add(key)
            reasons = row(r["recipient"])["refused"]
            reasons[r["reason"]] = reasons.get(r["reason"], 0) + 1
        elif kind == "rejected" and r["at"][:4] == str(year):
            reasons = row(r["agency"])["returned"]
            reasons[r["reason"]] = reasons.get(r["reason"], 0) + 1

    office = {"outages": 0, "outageWorkingSeconds": 0.0}
    log = os.path.join(spool, "fallback", "fallback-log.jsonl")
    incidents, order, logged, handed = {}, [], {}, set()
    if os.path.exists(log):
        for line in open(log, encoding="utf-8"):
            if not line.strip():
                continue
            r = json.loads(line)
            kind = r["kind"]
            if kind == "incident-opened" and r["incident"] not in incidents:
                incidents[r["incident"]] = {"cause": r.get("cause", "route"), "since": r.get("since", r["at"]),
                                            "routes": list(r.get("routes") or []), "seconds": 0.0}
                order.append(r["incident"])
            elif kind == "incident-route" and r.get("incident") in incidents:
                if r["agency"] not in incidents[r["incident"]]["routes"]:
                    incidents[r["incident"]]["routes"].append(r["agency"])
            elif kind == "incident-closed" and r.get("incident") in incidents:
                incidents[r["incident"]]["seconds"] = r.get("workingSeconds") or 0.0
            elif kind == "document":
                document = r["document"]
                logged.setdefault((document["packetId"], document["recipient"]), r["at"])
            elif kind == "handed-over":
                handed.add((r["packetId"], r["agency"]))
    for name in order:
        incident = incidents[name]
        if parse_time(incident["since"]).astimezone(zone).year != year:
            continue
        if incident["cause"] == "office":
            office["outages"] += 1
            office["outageWorkingSeconds"] += incident["seconds"]
            continue
        for route in set(incident["routes"]):
            row(route)["outages"] += 1
            row(route)["outageWorkingSeconds"] += incident["seconds"]
    for (packet, recipient), at in logged.items():
        if parse_time(at).astimezone(zone).year == year:
            row(recipient)["paperLogged"] += 1
            if (packet, recipient) in handed:
                row(recipient)["paperHandedOver"] += 1

    result = {}
    for code, entry in sorted(figures.items()):
        waits = entry.pop("waits")
        entry["meanRegistrationMilliseconds"] = (sum(waits) // len(waits) if sum(waits) >= 0
                                                 else -((-sum(waits)) // len(waits))) if waits else None
        entry["maxRegistrationMilliseconds"] = max(waits) if waits else None
        entry["outageWorkingSeconds"] = round(entry["outageWorkingSeconds"], 3)
        result[code] = entry
    office["outageWorkingSeconds"] = round(office["outageWorkingSeconds"], 3)
    print(json.dumps({"year": year, "agencies": result, "office": office}, ensure_ascii=False, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
