"""Command-line batches and evaluations: a failed line is answered and counted on stderr (the run
and its exit status go on, as the machine interface promises); an empty evaluation file fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()
GOOD_PROFILE = {"legal_form": "dntn", "activity": "bán lẻ"}


@pytest.mark.parametrize("command", ["startup", "policies"])
def test_jsonl_batch_answers_every_line_and_counts_the_failed_ones(command: str) -> None:
    lines = [json.dumps({"id": 1, "profile": GOOD_PROFILE}), "not json", json.dumps({"id": 3, "profile": 5})]
    result = runner.invoke(app, [command, "--jsonl"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["id"] for a in answers] == [1, None, 3]  # every line answered
    assert "error" not in answers[0] and "2 line(s) failed" in result.stderr


def test_jsonl_batch_of_good_lines_exits_0() -> None:
    result = runner.invoke(app, ["startup", "--jsonl"], input=json.dumps({"id": 1, "profile": GOOD_PROFILE}))
    assert result.exit_code == 0 and result.stderr == ""


def test_search_batch_counts_failed_lines() -> None:
    lines = ['{"id": "a", "query": "đăng ký kết hôn"}', '{"id": "b"}', "[1]"]
    result = runner.invoke(app, ["search", "--jsonl"], input="\n".join(lines))
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 3 and "2 line(s) failed" in result.stderr


@pytest.mark.parametrize("command", ["search", "suggest", "startup"])
def test_empty_evaluation_file_fails(command: str, tmp_path: Path) -> None:
    empty = tmp_path / ("cases.json" if command == "startup" else "cases.jsonl")
    empty.write_text("[]\n" if command == "startup" else "\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", command, str(empty)])
    assert result.exit_code == 2
    assert f"no rows in {empty}" in result.stderr
