"""Checks for a record's tool definitions (`tools`) and legacy `functions`."""

from __future__ import annotations

from typing import Any

from aoft_tui.domain.validation.rules.checks import Issues, Texts, add_json_text


def check_tools(tools: Any, where: str, issues: Issues, texts: Texts) -> frozenset[str]:
    """Names of the declared function tools; problems for malformed entries."""
    if type(tools) is not list:
        issues.append(
            (
                "invalid_tools",
                where,
                'tools must be a list of {"type": "function", "function": {"name", '
                '"description", "parameters"}}.',
            )
        )
        return frozenset()
    names = set()
    for i, tool in enumerate(tools):
        fn = tool.get("function") if type(tool) is dict else None
        if type(fn) is not dict or tool.get("type") != "function" or not isinstance(fn.get("name"), str):
            issues.append(
                (
                    "invalid_tools",
                    f"{where}[{i}]",
                    'Each tool must be {"type": "function", "function": {"name": string, '
                    '"parameters": JSON schema object}}.',
                )
            )
            continue
        names.add(fn["name"])
        params = fn.get("parameters")
        if params is not None and type(params) is not dict:
            issues.append(
                (
                    "invalid_tools",
                    f"{where}[{i}].function.parameters",
                    "parameters must be a JSON Schema object, not a string or list.",
                )
            )
    # The definitions are part of what the model reads; counted as compact JSON (an
    # estimate: Azure's exact rendering of tool definitions is not published).
    add_json_text(tools, where, texts.prompt, issues)
    return frozenset(names)


def check_functions(functions: Any, where: str, issues: Issues, texts: Texts) -> frozenset[str]:
    if type(functions) is not list:
        issues.append(
            ("invalid_functions", where, 'functions must be a list of {"name", "description", "parameters"}.')
        )
        return frozenset()
    names = set()
    for i, fn in enumerate(functions):
        if type(fn) is not dict or not isinstance(fn.get("name"), str):
            issues.append(
                (
                    "invalid_functions",
                    f"{where}[{i}]",
                    'Each function must be {"name": string, "parameters": JSON schema object}.',
                )
            )
            continue
        names.add(fn["name"])
    add_json_text(functions, where, texts.prompt, issues)
    return frozenset(names)
