"""The table on stdout and bench/out/results.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.workloads import BASELINE

OUT = Path(__file__).resolve().parent / "out"
COLUMNS = [
    "workload",
    "clients",
    "requests",
    "errors",
    "median ms",
    "p95 ms",
    "requests/s",
    "SQL queries/request",
    f"vs {BASELINE}",
]


def combine(names, descriptions, load: dict[str, Any], queries: dict[str, Any]) -> list[dict[str, Any]]:
    """One record per workload, with its median relative to the baseline's."""
    baseline = load.get(BASELINE, {}).get("median_ms")
    rows = []
    for name in names:
        row = {"workload": name, "description": descriptions[name], **load.get(name, {})}
        row["queries_per_request"] = queries.get(name, {}).get("queries_per_request")
        if "error" in queries.get(name, {}):
            row["query_count_error"] = queries[name]["error"]
        median = row.get("median_ms")
        row["relative_median"] = round(median / baseline, 2) if median is not None and baseline else None
        rows.append(row)
    return rows


def _number(value, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def table(rows: list[dict[str, Any]]) -> str:
    cells = [
        [
            row["workload"],
            str(row.get("clients", "-")),
            str(row.get("requests", 0)),
            str(row.get("errors", 0)),
            _number(row.get("median_ms"), 1),
            _number(row.get("p95_ms"), 1),
            _number(row.get("requests_per_s"), 0),
            _number(row.get("queries_per_request"), 1),
            "-" if row["relative_median"] is None else f"x{row['relative_median']:.1f}",
        ]
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [COLUMNS, *cells]) for i in range(len(COLUMNS))]

    def line(values: list[str]) -> str:
        first = values[0].ljust(widths[0])
        return "  ".join([first, *(v.rjust(w) for v, w in zip(values[1:], widths[1:], strict=True))])

    out = [line(COLUMNS), "  ".join("-" * w for w in widths), *(line(c) for c in cells)]
    for row in rows:
        for key in ("failed", "first_error", "query_count_error"):
            if key in row:
                out.append(f"{row['workload']}: {key.replace('_', ' ')}: {row[key]}")
    return "\n".join(out)


def write_json(meta: dict[str, Any], rows: list[dict[str, Any]]) -> Path:
    OUT.mkdir(exist_ok=True)
    path = OUT / "results.json"
    path.write_text(json.dumps({"meta": meta, "workloads": rows}, indent=2) + "\n")
    return path
