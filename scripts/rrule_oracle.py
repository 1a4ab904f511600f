#!/usr/bin/env python3
"""Expands RFC 5545 recurrence rules with python-dateutil, the reference that Handoff's
own expansion of deliverable schedules is compared with
(crates/handoff-domain/tests/schedule_dateutil.rs).

Reads a JSON list of cases from stdin, or from the file named as the only argument:

    [{"rule": "FREQ=MONTHLY;BYDAY=2MO", "dtstart": "2026-01-31T09:30:00",
      "until": "2028-01-31T09:30:00"}, ...]

and prints one JSON list with, for each case in order, either
{"dates": ["2026-02-09T09:30:00", ...]}, the occurrences in [dtstart, until) as floating
date-times (no zone, as DTSTART is given), or {"error": "..."} when dateutil refuses
the rule.
"""

import json
import sys
import warnings
from datetime import datetime

from dateutil.rrule import rrulestr

FORMAT = "%Y-%m-%dT%H:%M:%S"


def expand(case):
    dtstart = datetime.strptime(case["dtstart"], FORMAT)
    until = datetime.strptime(case["until"], FORMAT)
    try:
        rule = rrulestr("RRULE:" + case["rule"], dtstart=dtstart)
        dates = []
        for occurrence in rule:
            if occurrence >= until:
                break
            dates.append(occurrence.strftime(FORMAT))
    except Exception as error:  # dateutil refuses with ValueError, TypeError, ...
        return {"error": f"{type(error).__name__}: {error}"}
    return {"dates": dates}


def main():
    source = open(sys.argv[1], encoding="utf-8") if len(sys.argv) > 1 else sys.stdin
    with source:
        cases = json.load(source)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = [expand(case) for case in cases]
    json.dump(results, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
