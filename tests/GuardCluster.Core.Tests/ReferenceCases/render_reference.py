#!/usr/bin/env python3
"""Renders Llama Guard 3's chat template for reference inputs: NAME.json -> NAME.txt, byte for byte.

Usage: render_reference.py [--check] NAME.json ...
  (default: the *.json files next to this script that have no .txt yet)

The template (shared/reference/llama-guard-3-1b/chat_template.jinja, or --template) is rendered with jinja2 as
Hugging Face does (trim_blocks, lstrip_blocks, raise_exception). A plain-string "content" is turned into one text
part first: the template itself drops plain strings (a known bug, see the reference README). The template takes categories
as a mapping code -> text; GuardCluster's other shapes ({"S1": {"name", "description"}} and the list
[{"code", "name", "description"}]) are turned into that text the way Meta's llama-recipes builds a category
(build_custom_prompt: name, then "\n" + description when there is one). --check compares with the existing .txt
instead of writing it.
"""
import argparse
import json
import pathlib
import sys

import jinja2

HERE = pathlib.Path(__file__).resolve().parent
# shared/ lies beside the repository root (tests/GuardCluster.Core.Tests/ReferenceCases → three levels up).
DEFAULT_TEMPLATE = HERE.parents[3] / "shared" / "reference" / "llama-guard-3-1b" / "chat_template.jinja"


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def category_text(value):
    if isinstance(value, str):
        return value
    description = value.get("description")
    return value["name"] + ("" if description is None else "\n" + description)


def template_categories(categories):
    if isinstance(categories, list):
        return {item["code"]: category_text(item) for item in categories}
    return {code: category_text(value) for code, value in categories.items()}


def render(template, case):
    messages = []
    for message in case["messages"]:
        content = message["content"]
        if isinstance(content, str):
            content = [{"type": "text", "text": content}]
        messages.append({"role": message["role"], "content": content})
    variables = {"messages": messages, "excluded_category_keys": case.get("excluded_category_keys", [])}
    if "categories" in case:
        variables["categories"] = template_categories(case["categories"])
    return template.render(**variables)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--template", type=pathlib.Path, default=DEFAULT_TEMPLATE)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("inputs", nargs="*", type=pathlib.Path)
    args = parser.parse_args()

    env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)
    env.globals["raise_exception"] = raise_exception
    template = env.from_string(args.template.read_text(encoding="utf-8"))

    inputs = args.inputs or [p for p in sorted(HERE.glob("*.json")) if not p.with_suffix(".txt").exists()]
    failed = False
    for path in inputs:
        case = json.loads(path.read_text(encoding="utf-8"))
        text = render(template, case).encode("utf-8")
        target = path.with_suffix(".txt")
        if args.check:
            same = target.read_bytes() == text
            failed |= not same
            print(f"{'ok  ' if same else 'DIFF'} {target.name}")
        else:
            target.write_bytes(text)
            print(f"wrote {target.name} ({len(text)} bytes)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
