"""The JSON Lines batch loop of `tthc search|suggest|startup|policies --jsonl`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TextIO

import typer

# Answers one request object: the output object, `{"id", "error"}` when the request is bad.
Answer = Callable[[dict[str, Any]], dict[str, Any]]


def _answer_line(line: str, answer: Answer, shape: str) -> dict[str, Any]:
    try:
        request = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"not JSON: {exc.msg}"}
    if not isinstance(request, dict):
        return {"id": None, "error": f"expected an object {shape}"}
    return answer(request)


def run_jsonl(lines: TextIO, out: TextIO, answer: Answer, *, shape: str) -> int:
    """One output line per non-blank input line, flushed as it goes; a bad line gets an `error`
    object and the run goes on. Returns how many lines failed."""
    failed = 0
    for line in lines:
        if not line.strip():
            continue
        response = _answer_line(line, answer, shape)
        failed += "error" in response
        out.write(json.dumps(response, ensure_ascii=False) + "\n")
        out.flush()
    return failed


def report_failures(failed: int) -> None:
    """After a finished batch: say on stderr how many lines failed, when any did.

    The exit status stays 0: every line was answered, a bad one with its `error` object, and the
    evaluation scripts that call this machine interface read the answers, not the status.
    """
    if failed:
        typer.secho(
            f'warning: {failed} line(s) failed; see their "error" objects', err=True, fg=typer.colors.YELLOW
        )
