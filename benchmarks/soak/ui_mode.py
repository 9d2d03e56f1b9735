"""The smaller soak through the real UI: ``main.py --autopilot`` (offscreen Kivy window, synthetic
touches on the real screens), once per applicant, on one var dir that persists between them.

Each run is a fresh kiosk process whose config carries that applicant's document on the virtual
chip (the [reader] table takes the holder's fields), with the embedded registration service as
shipped. No faults here: this mode checks that the screens, not only the flow, serve applicant
after applicant without leaving anything behind. The same invariants run after every applicant.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.soak import invariants, pii, records
from benchmarks.soak.applicants import Applicant, generate
from benchmarks.soak.paper import Tray

ROOT = Path(__file__).resolve().parents[2]
KIOSK_ID = "demo-kiosk-01"  # the embedded service's default client id


def ui_config(var: Path, a: Applicant) -> str:
    text = (ROOT / "config" / "default.toml").read_text(encoding="utf-8")
    text = text.replace('var_dir = "var"', f'var_dir = "{var}"')
    holder = {"document_number": a.document_number, "surname": a.surname, "given_names": a.given_names,
              "name_national": a.name_national, "personal_number": a.personal_number,
              "birth_date": a.birth_date, "sex": a.sex, "can": a.can}
    reader = "".join(f"{k} = {json.dumps(v, ensure_ascii=False)}\n" for k, v in holder.items())
    text = text.replace('[reader]\n', '[reader]\n' + reader)
    text = text.replace('[printer]\n', '[printer]\nkeep_files = 100000\n')
    return text.replace('[diagnostics]\n', '[diagnostics]\nmetrics_port = 0\n')


def run_ui(out: Path, count: int, seed: int, verbose: bool = False) -> dict[str, Any]:
    var = out / "var"
    var.mkdir(parents=True)
    people = generate(count, seed)
    ledger: dict[int, set[str]] = {}
    needles = pii.Needles()
    tray = Tray(var / "prints")
    changed = pii.ChangedFiles(var)
    outcomes: Counter[str] = Counter()
    violations: dict[tuple[str, str], int] = {}
    seconds: list[float] = []
    t_start = time.perf_counter()
    seen_txns: set[str] = set()
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1")
    for a in people:
        needles.add(a.index, a.needles())
        config = out / f"kiosk-{a.index:04d}.toml"
        config.write_text(ui_config(var, a), encoding="utf-8")
        t0 = time.perf_counter()
        with (out / "kiosk-stderr.log").open("a") as err:
            proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "--autopilot", "--config", str(config)],
                                  cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=err, text=True, timeout=300)
        elapsed = time.perf_counter() - t0
        seconds.append(elapsed)
        line = next((x for x in proc.stdout.splitlines() if x.startswith("autopilot:")), "autopilot: no result")
        result = line.split(" (screens")[0].removeprefix("autopilot: ")
        if proc.returncode == 0:
            outcome = "served"
        elif "manual_review" in result:
            outcome = "referred"  # the autopilot counts only a licence as success
        elif "rejected" in result:
            outcome = "rejected"
        else:  # the autopilot stops on a retry, staff or out-of-service screen
            outcome = result.split(":")[0][:40] + (":" + result.rsplit(":", 1)[1].strip() if ":" in result else "")
        outcomes[outcome] += 1
        rec = records.read_all(var, tray.update())
        ledger[a.index] = {t.txn_id for t in rec.txns} - seen_txns
        seen_txns |= ledger[a.index]
        # between two kiosk processes an unfinished transaction is left to the next start-up's
        # recovery (the autopilot quits on a retry screen): only in-service checks are skipped
        found = invariants.check_all(rec, ledger, KIOSK_ID, in_service=False)
        found += [invariants.personal_data("personal_data_on_disk", f.path, f.label, f.encoding, f.applicant)
                  for f in pii.exact(var, a.index, a.needles(), changed())]
        for v in found:
            violations.setdefault((v.kind, v.detail), a.index if v.applicant is None else v.applicant)
        if verbose:
            print(f"{a.index:4d} {outcome:10s} {elapsed:6.2f}s exit {proc.returncode} {' '.join(a.tags)}", flush=True)
    for f in pii.scan(var, needles):
        v = invariants.personal_data("personal_data_on_disk", f.path, f.label, f.encoding, f.applicant)
        violations.setdefault((v.kind, v.detail), f.applicant)
    rec = records.read_all(var, tray.counts)
    authority = pii.scan(var / "registry", needles, pii.files_under(var / "registry", False))
    secs = sorted(seconds)
    report = {
        "mode": "ui",
        "applicants": len(seconds),
        "wall_s": round(time.perf_counter() - t_start, 1),
        "per_applicant_s": {"mean": round(sum(secs) / len(secs), 2), "median": round(secs[len(secs) // 2], 2),
                            "p95": round(secs[int(len(secs) * 0.95)], 2), "max": round(secs[-1], 2)},
        "outcomes": dict(outcomes),
        "violations_by_kind": dict(Counter(k for k, _ in violations)),
        "violations": [{"kind": k, "detail": d, "first_at_applicant": i} for (k, d), i in violations.items()],
        "held_for_staff_at_end": len(invariants.held_jobs(rec)),
        "licences_issued": len(rec.licences),
        "licences_on_paper": sum(1 for lic in rec.licences if rec.paper.get(lic.qr_payload)),
        "printouts_torn": tray.torn,
        "authority_record": {"applicants_found": len({f.applicant for f in authority}),
                             "files": sorted({f.path for f in authority})},
        "seed": seed,
    }
    (out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return report
