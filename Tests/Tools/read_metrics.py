#!/usr/bin/env python3
"""Fetches a Prometheus /metrics page and prints its samples as JSON, read by prometheus_client's own text parser
(an outside reader: what LienThong serves must parse as Prometheus would). Used by Tests/EndToEndTests/MetricsTests.

usage: read_metrics.py URL
prints: {"families": {name: type}, "samples": [{"name": ..., "labels": {...}, "value": ...}, ...]}
"""
import json
import sys
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def main():
    with urllib.request.urlopen(sys.argv[1], timeout=10) as response:
        if response.status != 200:
            sys.exit(f"HTTP {response.status}")
        content_type = response.headers.get("Content-Type", "")
        text = response.read().decode("utf-8")
    families = {}
    samples = []
    for family in text_string_to_metric_families(text):
        families[family.name] = family.type
        for sample in family.samples:
            samples.append({"name": sample.name, "labels": dict(sample.labels), "value": sample.value})
    json.dump({"contentType": content_type, "families": families, "samples": samples}, sys.stdout)


if __name__ == "__main__":
    main()
