#!/usr/bin/env python3
"""Checks that the Markdown a clone carries links only to what a clone has.

Every relative link (`[text](path)` or `[text](path#anchor)`) in README.md, CONTRIBUTING.md and docs/**/*.md must
name a file or folder inside the repository; a link that leads outside it (`../shared/…`) or to nothing fails, with
the file and line. Web links (http, https, mailto) are not followed. Python 3 standard library only.

    python3 Tests/Tools/doc_links.py            # exit 1 and a line per broken link
    python3 Tests/Tools/doc_links.py --self-test
"""
import pathlib
import re
import sys
import tempfile

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def broken_links(root: pathlib.Path) -> list[str]:
    root = root.resolve()
    files = [root / "README.md", root / "CONTRIBUTING.md", *sorted((root / "docs").rglob("*.md"))]
    problems = []
    for file in files:
        if not file.exists():
            continue
        in_code = False
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if line.lstrip().startswith("```"):
                in_code = not in_code
            if in_code:
                continue
            for target in LINK.findall(line):
                if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
                    continue
                path = target.split("#", 1)[0]
                resolved = (file.parent / path).resolve()
                where = f"{file.relative_to(root)}:{number}"
                if root != resolved and root not in resolved.parents:
                    problems.append(f"{where}: {target} leads outside the repository")
                elif not resolved.exists():
                    problems.append(f"{where}: {target} does not exist")
    return problems


def self_test() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = pathlib.Path(folder)
        (root / "docs").mkdir()
        (root / "docs" / "A.md").write_text("[up](../README.md) [self](A.md#x)\n", encoding="utf-8")
        (root / "README.md").write_text(
            "[a](docs/A.md) [web](https://example.org) [out](../shared/DESIGN.md)\n"
            "```\n[not a link](../nowhere)\n```\n[gone](docs/B.md) [anchor](#modules)\n", encoding="utf-8")
        found = broken_links(root)
        assert found == ["README.md:1: ../shared/DESIGN.md leads outside the repository",
                         "README.md:5: docs/B.md does not exist"], found
    print("doc_links self-test passed")


if __name__ == "__main__":
    if "--self-test" in sys.argv:
        self_test()
        sys.exit(0)
    problems = broken_links(pathlib.Path(__file__).resolve().parent.parent.parent)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"doc_links: {len(problems)} link(s) a clone cannot follow", file=sys.stderr)
        sys.exit(1)
    print("doc_links: every link in README.md, CONTRIBUTING.md and docs/ stays inside the repository")
