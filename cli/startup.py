"""`tthc startup` and `tthc policies`: start-up plans and support-policy suggestions for a business.

`tthc startup --jsonl` reads `{"id","profile":{...}}` lines and writes `{"id","timeline":[{"code",
"title","month","required","reason","authority","legal_basis",...}]}`; without `--jsonl` it asks
for the profile in the terminal. `tthc policies --jsonl` answers the same input with policy
matches. `eval_startup` is registered as `tthc eval startup FILE`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from cli.batch import report_failures, run_jsonl
from cli.options import CatalogOption, fail, open_catalog
from models.business.evaluation import (
    StartupEvalError,
    failed_case,
    format_report,
    load_startup_cases,
    score_case,
    summarise,
)
from models.business.planner import StartupPlan, StartupPlanner
from models.business.policies import PolicyMatch, PolicyMatcher
from models.business.profile import LegalForm, ProfileError, RevenueBand, parse_profile

JsonlOption = Annotated[
    bool,
    typer.Option("--jsonl", help='Batch: {"id","profile":{...}} lines on stdin → JSON Lines on stdout.'),
]


def plan_to_json(plan: StartupPlan) -> dict[str, Any]:
    """The machine-interface form of a plan."""
    return {
        "vat_method": plan.vat_method.value,
        "sectors": plan.sectors,
        "timeline": [
            {
                "code": item.code,
                "title": item.title,
                "month": item.month,
                "due": item.due,
                "required": item.required,
                "reason": item.reason,
                "in_catalog": item.in_catalog,
                "authority": item.authority,
                "legal_basis": item.legal_basis,
            }
            for item in plan.items
        ],
    }


def policies_to_json(matches: list[PolicyMatch]) -> dict[str, Any]:
    return {"policies": [match.model_dump(mode="json") for match in matches]}


def run_batch(lines: TextIO, out: TextIO, respond: Callable[[Any], dict[str, Any]]) -> int:
    """One output line per non-blank input line; a bad line gets an `error` object and the run goes on.
    Returns how many lines failed."""

    def answer(request: dict[str, Any]) -> dict[str, Any]:
        request_id = request.get("id")
        try:
            profile = parse_profile(request.get("profile"))
        except ProfileError as exc:
            return {"id": request_id, "error": f"invalid profile: {exc}"}
        return {"id": request_id, **respond(profile)}

    return run_jsonl(lines, out, answer, shape='{"id", "profile"}')


def _prompt_profile() -> dict[str, Any]:
    forms = ", ".join(form.value for form in LegalForm)
    bands = ", ".join(band.value for band in RevenueBand)
    profile: dict[str, Any] = {
        "legal_form": typer.prompt(f"Loại hình ({forms})", default=LegalForm.HO_KINH_DOANH.value),
        "activity": typer.prompt("Ngành nghề, hoạt động kinh doanh"),
        "employees": typer.prompt("Số lao động (số hoặc khoảng, vd 0-3)", default="0"),
        "trade": typer.confirm("Có xuất khẩu hoặc nhập khẩu hàng hóa?", default=False),
        # Blank: a plan starts today (Việt Nam time) and policy age criteria report missing data.
        "registered_on": typer.prompt("Ngày đăng ký (YYYY-MM-DD; bỏ trống nếu chưa đăng ký)", default=""),
    }
    if band := typer.prompt(f"Doanh thu năm dự kiến ({bands}; bỏ trống nếu chưa biết)", default=""):
        profile["revenue_band"] = band
    if location := typer.prompt("Phường/xã (bỏ trống nếu không muốn nêu)", default=""):
        profile["location"] = location
    return profile


def _print_plan(plan: StartupPlan) -> None:
    typer.echo(f"\nNgành: {', '.join(plan.sector_evidence) or 'không xác định'}")
    typer.echo(f"Thuế GTGT: {plan.vat_reason}\n")
    for item in plan.items:
        month = f"tháng {item.month:>2}" if item.month is not None else "khi phát sinh"
        status = "bắt buộc" if item.required else "tùy trường hợp"
        code = item.code or "ngoài DM"
        typer.echo(f"[{month:<13}] {code:<8} {status:<14} {item.title}")
        typer.echo(f"{'':16}hạn: {item.due}")
        if item.authority:
            typer.echo(f"{'':16}nơi xử lý: {item.authority}")
        if item.legal_basis:
            typer.echo(f"{'':16}căn cứ: {'; '.join(item.legal_basis)}")
        typer.echo(f"{'':16}vì: {item.reason}")


def startup(jsonl: JsonlOption = False, catalog: CatalogOption = None) -> None:
    """A dated 12-month start-up plan: `tthc startup` (asks in the terminal) or `tthc startup --jsonl`."""
    planner = StartupPlanner(open_catalog(catalog))
    if jsonl:
        report_failures(run_batch(sys.stdin, sys.stdout, lambda profile: plan_to_json(planner.plan(profile))))
        return
    try:
        profile = parse_profile(_prompt_profile())
    except ProfileError as exc:
        fail(f"invalid profile: {exc}")
    _print_plan(planner.plan(profile))


def policies(
    jsonl: JsonlOption = False,
    catalog: CatalogOption = None,
    include_failed: Annotated[
        bool, typer.Option("--all", help="Also list policies with a failed criterion.")
    ] = False,
) -> None:
    """Support policies a business may claim, each with the criteria it meets, fails or lacks data for."""
    matcher = PolicyMatcher(open_catalog(catalog))

    def respond(profile: Any) -> dict[str, Any]:
        return policies_to_json(matcher.match(profile, include_failed=include_failed))

    if jsonl:
        report_failures(run_batch(sys.stdin, sys.stdout, respond))
        return
    try:
        profile = parse_profile(_prompt_profile())
    except ProfileError as exc:
        fail(f"invalid profile: {exc}")
    matches = matcher.match(profile, include_failed=include_failed)
    if not matches:
        typer.echo("Chưa có chính sách phù hợp.")
    for match in matches:
        where = match.apply_code or match.apply_note or ""
        typer.echo(f"- {match.name} ({match.verdict}) → {where}")
        for criterion in match.criteria:
            typer.echo(f"    [{criterion.status.value:<7}] {criterion.label}: {criterion.detail}")


def eval_startup(
    file: Annotated[Path, typer.Argument(help='JSON: [{"id","profile","must","must_one_of","may"}].')],
    catalog: CatalogOption = None,
) -> None:
    """Must recall, exactly-one of each must_one_of pair and precision against must+may."""
    try:
        cases = load_startup_cases(file)
    except StartupEvalError as exc:
        fail(str(exc))
    if not cases:
        fail(f"no rows in {file}")
    planner = StartupPlanner(open_catalog(catalog))
    results = []
    for case in cases:
        try:
            plan = planner.plan(parse_profile(case.profile))
        except ProfileError as exc:
            results.append(failed_case(case, f"invalid profile: {exc}"))
            continue
        results.append(score_case(case, plan.codes()))
    typer.echo(f"{file.name}: {len(cases)} cases")
    typer.echo(format_report(summarise(results)))
