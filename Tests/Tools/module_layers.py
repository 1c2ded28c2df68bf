#!/usr/bin/env python3
"""Checks the module graph against the layers README.md documents (Python 3 standard library only).

README.md has a heading `## Modules` followed by a Markdown table whose rows list the project's modules from the top
layer (the `lienthong` executable) down to the foundations, the module names in backticks in the first column
(several names in one cell share a layer):

    ## Modules

    | module | concept | depends on |
    |---|---|---|
    | `lienthong` | the command line | everything below |
    | `Office` | the daemon | `Ledger`, `Packets` |
    | `Ledger` | the journal | `Packets` |
    | `Packets` | packets | |

A target may depend only on targets listed BELOW its own row. The check fails (exit 1), naming each offending edge,
when a target depends on one in its own row or above it, or on a source target the table does not list; when a
source target is missing from the table; or when the table names a module the package does not have. Exempt (not
required in the table, their own dependencies not checked, edges to them allowed when they are not listed): test
targets, targets under Tests/ (TestSupport), benchmarks (under Benchmarks/), plugins and the executables only
plugins use (embed-templates), system libraries and macros. A listed exempt target is checked like any other.

    Tests/Tools/module_layers.py                       # runs `swift package dump-package` in the repository
    Tests/Tools/module_layers.py --package-json P.json --readme README.md
    Tests/Tools/module_layers.py --if-table            # no `## Modules` heading: a warning, exit 0 (./dev test)
    Tests/Tools/module_layers.py --self-test

Exit status: 0 the graph follows the table, 1 it does not (or a module is missing), 2 usage errors, a README without
the heading (unless --if-table) or a table that cannot be read.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HEADING = "## Modules"


class TableError(Exception):
    """The README has no usable table."""


def read_layers(readme_text: str) -> list[list[str]] | None:
    """The table's rows under `## Modules`, top first, each a list of module names; None without the heading."""
    lines = readme_text.splitlines()
    start = None
    in_fence = False
    for number, line in enumerate(lines):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
            continue
        if not in_fence and line.strip() == HEADING:
            start = number + 1
            break
    if start is None:
        return None
    rows: list[list[str]] = []
    seen_table = False
    separator = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
    header_done = False
    for line in lines[start:]:
        stripped = line.strip()
        if stripped.startswith("#"):
            break  # the next heading ends the section
        if not stripped.startswith("|"):
            if seen_table:
                break  # the table ended
            continue
        seen_table = True
        if separator.match(stripped):
            header_done = True
            continue
        if not header_done:
            continue  # the header row
        first = stripped.strip("|").split("|")[0]
        names = re.findall(r"`([^`]+)`", first)
        if not names:
            raise TableError(f"a row of the {HEADING} table names no module in backticks in its first column: {stripped}")
        rows.append([name.strip() for name in names])
    if not rows:
        raise TableError(f"no table (with a header, a |---| line and rows) under {HEADING}")
    return rows


def dependency_names(target: dict) -> list[str]:
    """The names a target depends on (targets or products by name; products of other packages are left out)."""
    names = []
    for dependency in target.get("dependencies", []):
        for kind in ("byName", "target"):
            if kind in dependency and dependency[kind]:
                names.append(dependency[kind][0])
    return names


def exempt_targets(targets: list[dict]) -> set[str]:
    """Targets that need not be in the table: tests, test support, benchmarks, plugins and their tools, system
    libraries, macros."""
    plugin_tools = set()
    for target in targets:
        if target.get("type") == "plugin":
            plugin_tools.update(dependency_names(target))
    exempt = set()
    for target in targets:
        name, kind = target["name"], target.get("type", "regular")
        path = (target.get("path") or "").strip("/")
        if kind in ("test", "plugin", "system", "macro", "binary"):
            exempt.add(name)
        elif path.startswith("Tests") or path.startswith("Benchmarks") or path.startswith("Plugins"):
            exempt.add(name)
        elif kind == "executable" and name in plugin_tools:
            exempt.add(name)
    return exempt


def check(package: dict, layers: list[list[str]]) -> list[str]:
    """Every problem, one line each; empty when the graph follows the table."""
    targets = package.get("targets", [])
    by_name = {target["name"]: target for target in targets}
    exempt = exempt_targets(targets)
    layer_of: dict[str, int] = {}
    problems = []
    for index, row in enumerate(layers):
        for name in row:
            if name in layer_of:
                problems.append(f"`{name}` is listed twice in the {HEADING} table")
            layer_of.setdefault(name, index)
            if name not in by_name:
                problems.append(f"`{name}` is in the {HEADING} table but is not a target of the package")
    for target in targets:
        name = target["name"]
        if name not in exempt and name not in layer_of:
            problems.append(f"`{name}` ({target.get('type', 'regular')} target) is missing from the {HEADING} table")
    for target in targets:
        name = target["name"]
        if name not in layer_of:
            continue  # exempt, or already reported as missing
        for dependency in dependency_names(target):
            if dependency not in by_name:
                continue  # a product of another package
            if dependency not in layer_of:
                if dependency in exempt:
                    continue
                problems.append(f"{name} -> {dependency}: `{dependency}` is not in the table")
            elif layer_of[dependency] <= layer_of[name]:
                where = "in the same row as" if layer_of[dependency] == layer_of[name] else "above"
                problems.append(f"{name} -> {dependency}: `{dependency}` is listed {where} `{name}`, not below it")
    return problems


def dump_package(package_path: str) -> dict:
    result = subprocess.run(["swift", "package", "dump-package", "--package-path", package_path],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"module_layers: swift package dump-package failed:\n{result.stderr}")
    return json.loads(result.stdout)


def run(package: dict, readme_text: str, readme_name: str, if_table: bool, out=sys.stdout, err=sys.stderr) -> int:
    try:
        layers = read_layers(readme_text)
    except TableError as error:
        print(f"module_layers: {readme_name}: {error}", file=err)
        return 2
    if layers is None:
        if if_table:
            print(f"module_layers: warning: {readme_name} has no `{HEADING}` heading yet; the module graph is not checked",
                  file=err)
            return 0
        print(f"module_layers: {readme_name} has no `{HEADING}` heading with the table of layers", file=err)
        return 2
    problems = check(package, layers)
    if problems:
        print(f"module_layers: the module graph does not follow {readme_name}'s {HEADING} table:", file=err)
        for problem in problems:
            print(f"  {problem}", file=err)
        return 1
    count = sum(len(row) for row in layers)
    print(f"module_layers: {count} module(s) in {len(layers)} layer(s); every dependency points down", file=out)
    return 0


SAMPLE_PACKAGE = {
    "name": "Sample",
    "targets": [
        {"name": "CLinux", "type": "system", "dependencies": [], "path": None},
        {"name": "DurableIO", "type": "regular", "dependencies": [{"byName": ["CLinux", None]}]},
        {"name": "Packets", "type": "regular", "dependencies": [{"byName": ["DurableIO", None]},
                                                                 {"product": ["Yams", "Yams", None, None]}]},
        {"name": "Ledger", "type": "regular", "dependencies": [{"target": ["Packets", None]},
                                                                {"product": ["GRDB", "GRDB.swift", None, None]}]},
        {"name": "Office", "type": "regular", "dependencies": [{"byName": ["Ledger", None]}, {"byName": ["Packets", None]}]},
        {"name": "embed-templates", "type": "executable", "dependencies": [], "path": "Sources/embed-templates"},
        {"name": "EmbedTemplates", "type": "plugin", "dependencies": [{"byName": ["embed-templates", None]}]},
        {"name": "lienthong", "type": "executable", "dependencies": [{"byName": ["Office", None]}, {"byName": ["Ledger", None]}]},
        {"name": "lienthong-bench", "type": "executable", "dependencies": [{"byName": ["Office", None]}, {"byName": ["TestSupport", None]}],
         "path": "Benchmarks/PackBenchmark"},
        {"name": "TestSupport", "type": "regular", "dependencies": [{"byName": ["Packets", None]}], "path": "Tests/TestSupport"},
        {"name": "OfficeTests", "type": "test", "dependencies": [{"byName": ["Office", None]}, {"byName": ["TestSupport", None]}]},
    ],
}

SAMPLE_README = """# Sample

Text before. A fenced example is not the table:

```
## Modules
| `Nothing` | | |
```

## Modules

| module | concept | depends on |
|---|---|---|
| `lienthong` | the command line | `Office`, `Ledger` |
| `Office` | the daemon | `Ledger`, `Packets` |
| `Ledger` | the journal | `Packets` |
| `Packets` | packets | `DurableIO` |
| `DurableIO` | files | `CLinux` |
| `CLinux` | C | |

## Next section

| `NotAModule` | a table elsewhere |
|---|---|
"""


def self_test() -> int:
    """The checker on a temporary README and package description: a valid table, then each way to break it."""
    failures = []

    def expect(label: str, package: dict, readme: str, status: int, needles: list[str] = (), if_table: bool = False):
        with tempfile.TemporaryDirectory(prefix="module-layers-") as folder:
            readme_path = os.path.join(folder, "README.md")
            package_path = os.path.join(folder, "package.json")
            with open(readme_path, "w", encoding="utf-8") as f:
                f.write(readme)
            with open(package_path, "w", encoding="utf-8") as f:
                json.dump(package, f)
            # Through the command line, as ./dev runs it.
            arguments = [sys.executable, os.path.abspath(__file__), "--package-json", package_path, "--readme", readme_path]
            if if_table:
                arguments.append("--if-table")
            result = subprocess.run(arguments, capture_output=True, text=True)
        output = result.stdout + result.stderr
        problems = [needle for needle in needles if needle not in output]
        if result.returncode != status or problems:
            failures.append(f"{label}: exit {result.returncode} (expected {status}), missing {problems}\n{output}")
        else:
            print(f"  ok: {label}")

    def edited(**changes) -> dict:
        package = json.loads(json.dumps(SAMPLE_PACKAGE))
        for name, dependencies in changes.items():
            target = next(t for t in package["targets"] if t["name"] == name)
            target["dependencies"] = [{"byName": [d, None]} for d in dependencies]
        return package

    expect("a valid table", SAMPLE_PACKAGE, SAMPLE_README, 0, ["6 module(s) in 6 layer(s)"])
    expect("an upward edge", edited(Packets=["DurableIO", "Ledger"]), SAMPLE_README, 1,
           ["Packets -> Ledger: `Ledger` is listed above `Packets`"])
    expect("two upward edges, both listed", edited(DurableIO=["CLinux", "Office"], Ledger=["Packets", "Office"]), SAMPLE_README, 1,
           ["DurableIO -> Office", "Ledger -> Office"])
    expect("an edge inside a row", SAMPLE_PACKAGE, SAMPLE_README.replace("| `Ledger` | the journal |", "| `Ledger`, `Office` | the journal |")
           .replace("| `Office` | the daemon | `Ledger`, `Packets` |\n", ""), 1,
           ["Office -> Ledger: `Ledger` is listed in the same row as `Office`"])
    missing = json.loads(json.dumps(SAMPLE_PACKAGE))
    missing["targets"].append({"name": "Registers", "type": "regular", "dependencies": [{"byName": ["Ledger", None]}]})
    expect("a source target missing from the table", missing, SAMPLE_README, 1, ["`Registers` (regular target) is missing"])
    unlisted = edited(Office=["Ledger", "Registers"])
    unlisted["targets"].append({"name": "Registers", "type": "regular", "dependencies": []})
    expect("an edge to a target not in the table", unlisted, SAMPLE_README, 1,
           ["Office -> Registers: `Registers` is not in the table", "`Registers` (regular target) is missing"])
    expect("a module the package does not have", SAMPLE_PACKAGE,
           SAMPLE_README.replace("| `CLinux` | C | |", "| `CLinux` | C | |\n| `Gone` | removed | |"), 1,
           ["`Gone` is in the ## Modules table but is not a target"])
    expect("the system library may be left out", SAMPLE_PACKAGE, SAMPLE_README.replace("| `CLinux` | C | |\n", ""), 0)
    expect("tests, benchmarks, TestSupport, plugins and their tools are exempt", SAMPLE_PACKAGE, SAMPLE_README, 0)
    expect("no heading: an error", SAMPLE_PACKAGE, SAMPLE_README.replace("\n## Modules\n", "\n## Other\n"), 2, ["no `## Modules` heading"])
    expect("no heading with --if-table: a warning", SAMPLE_PACKAGE, SAMPLE_README.replace("\n## Modules\n", "\n## Other\n"), 0,
           ["warning"], if_table=True)
    expect("a row without a module name", SAMPLE_PACKAGE, SAMPLE_README.replace("| `CLinux` | C | |", "| CLinux | C | |"), 2,
           ["names no module in backticks"])
    if failures:
        print("module_layers self-test FAILED:\n" + "\n".join(failures), file=sys.stderr)
        return 1
    print("module_layers self-test passed")
    return 0


def main(argv: list[str]) -> int:
    root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--package-json", help="`swift package dump-package` output (default: run it in the repository)")
    parser.add_argument("--package-path", default=root, help="the package to dump (default: this repository)")
    parser.add_argument("--readme", default=None, help="the README with the ## Modules table (default: README.md of the package)")
    parser.add_argument("--if-table", action="store_true", help="without a ## Modules heading, only warn (exit 0)")
    parser.add_argument("--self-test", action="store_true", help="check the checker on a temporary README and package")
    arguments = parser.parse_args(argv)
    if arguments.self_test:
        return self_test()
    readme = arguments.readme or os.path.join(arguments.package_path, "README.md")
    try:
        with open(readme, encoding="utf-8") as f:
            readme_text = f.read()
    except OSError as error:
        print(f"module_layers: cannot read {readme}: {error}", file=sys.stderr)
        return 2
    if arguments.package_json:
        with open(arguments.package_json, encoding="utf-8") as f:
            package = json.load(f)
    else:
        if arguments.if_table and read_layers_or_none(readme_text) is None:
            return run({}, readme_text, readme, True)  # no table yet: no need to start swift
        package = dump_package(arguments.package_path)
    return run(package, readme_text, readme, arguments.if_table)


def read_layers_or_none(text: str):
    try:
        return read_layers(text)
    except TableError:
        return []


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
