"""The run's figures as text (report.json beside var/ has them all)."""

from __future__ import annotations

from typing import Any


def _counts(d: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(d.items(), key=lambda kv: (-kv[1], kv[0]))) or "none"


def render(r: dict[str, Any]) -> str:
    lines = [f"soak: {r['applicants']} applicants in {r['wall_s']} s"]
    if "per_applicant_s" in r:
        p = r["per_applicant_s"]
        lines.append(f"  per applicant: mean {p['mean']} s, median {p['median']} s, p95 {p['p95']} s, max {p['max']} s"
                     f" (by face settings: {_counts(p.get('mean_by_face_mode', {}))})")
    if "check_s_total" in r:
        lines.append(f"  invariant checks: {r['check_s_total']} s in total")
    lines.append(f"  outcomes: {_counts(r['outcomes'])}")
    if "faults_planned" in r:
        lines.append(f"  faults planned: {_counts(r['faults_planned'])}")
        lines.append(f"  faults that fired: {_counts(r['faults_fired'])}")
        lines.append(f"  proxy faults applied to requests: {_counts(r.get('proxy_faults_applied', {}))}")
        lines.append(f"  out of service: {_counts(r.get('out_of_service', {}))}; restarts {r.get('restarts', 0)}; "
                     f"recovered on restart: {_counts(r.get('recovered_on_restart', {}))}")
        lines.append(f"  technician: {_counts(r.get('technician', {}))}")
    lines.append(f"  licences issued {r.get('licences_issued', '?')}, on paper {r.get('licences_on_paper', '?')}, "
                 f"held for staff at the end {r.get('held_for_staff_at_end', '?')}, "
                 f"torn printouts {r.get('printouts_torn', '?')}")
    if "disk_bytes_at_end" in r:
        d, per = r["disk_bytes_at_end"], r["disk_bytes_per_100_applicants"]
        lines.append("  disk at the end (bytes; per 100 applicants): " + ", ".join(
            f"{k} {v:,} ({per[k]:,})" for k, v in d.items()))
        lines.append(f"  open transactions held for staff at the end: {r.get('held_open_transactions_at_end', 0)}")
    lines.append(f"  violations by kind: {_counts(r['violations_by_kind'])}")
    for v in r["violations"][:40]:
        lines.append(f"    [{v['first_at_applicant']}] {v['kind']}: {v['detail']}")
    if len(r["violations"]) > 40:
        lines.append(f"    ... {len(r['violations']) - 40} more in report.json")
    auth = r.get("authority_record")
    if auth:
        lines.append(f"  authority's database (var/registry, its record by design): personal data of "
                     f"{auth['applicants_found']} applicants in {', '.join(auth['files']) or 'no file'}")
    res = r.get("resources", {}).get("trend", {})
    for name, t in res.items():
        if t:
            lines.append(f"  {name}: mean {t['mean']}, slope {t['slope_per_100']} +/- {t['stderr_per_100']} "
                         f"per 100 applicants ({'flat within noise' if t['flat_within_noise'] else 'GROWING'}; "
                         f"{t['points']} samples)")
    return "\n".join(lines)
