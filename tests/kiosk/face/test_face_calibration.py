"""Calibration arithmetic on tiny hand-made sets whose error rates can be counted by eye."""

from __future__ import annotations

import math

import pytest

from kiosk.face import calibration as cal


def pair(subjects: str, distance: float) -> cal.Pair:
    """``"A"``: a genuine pair of A; ``"AB"``: an impostor pair of A and B."""
    return cal.Pair("ref", "probe", frozenset(subjects), distance)


# Genuine: A 0.30, A 0.50, B 0.35, C 0.40. Impostor: AB 0.60, AC 0.70, BC 0.45, BD 0.80.
SET = [pair("A", 0.30), pair("A", 0.50), pair("B", 0.35), pair("C", 0.40),
       pair("AB", 0.60), pair("AC", 0.70), pair("BC", 0.45), pair("BD", 0.80)]


@pytest.mark.parametrize(("threshold", "expected"), [
    (0.29, cal.Counts(0, 4, 4, 4)),
    (0.40, cal.Counts(0, 4, 1, 4)),  # a distance equal to the threshold matches
    (0.45, cal.Counts(1, 4, 1, 4)),
    (0.50, cal.Counts(1, 4, 0, 4)),
    (0.80, cal.Counts(4, 4, 0, 4)),
])
def test_counts_at_a_threshold(threshold: float, expected: cal.Counts) -> None:
    assert cal.counts(SET, threshold) == expected


def test_rates() -> None:
    c = cal.counts(SET, 0.45)
    assert (c.fmr, c.fnmr) == (0.25, 0.25)
    assert math.isnan(cal.Counts(0, 0, 0, 0).fmr) and math.isnan(cal.Counts(0, 0, 0, 0).fnmr)


def test_margin_rule_stays_below_the_closest_impostor() -> None:
    assert cal.margin_rule(0.02)(SET) == 0.43  # 0.45 - 0.02
    assert cal.margin_rule(0.0)(SET) == 0.45  # exactly representable after rounding down
    assert cal.margin_rule(0.02)([pair("AB", 0.4471)]) == 0.42  # rounded down, never up
    with pytest.raises(ValueError, match="no impostor"):
        cal.margin_rule()([pair("A", 0.3)])


def test_zero_fmr_threshold_is_just_below_the_closest_impostor() -> None:
    t = cal.zero_fmr_threshold(SET)
    assert t < 0.45 and cal.counts(SET, t) == cal.Counts(0, 4, 1, 4)


def test_leave_subjects_out_chooses_without_the_pairs_subjects() -> None:
    rule = cal.margin_rule(0.0)
    data = [*SET, pair("CD", 0.55), pair("AD", 0.90)]
    # Threshold per pair = the closest impostor among pairs sharing none of its subjects:
    # A -> BC 0.45 (A 0.50 rejected); B -> CD 0.55; C -> AB 0.60; AB -> CD 0.55 (no match);
    # AC -> BD 0.80 (matches); BC -> AD 0.90 (matches); BD -> AC 0.70; CD -> AB 0.60 (matches);
    # AD -> BC 0.45.
    assert cal.leave_subjects_out(data, rule) == cal.Counts(3, 6, 1, 4)
    # Chosen on everyone instead (0.45), the same set looks far better: BC and A 0.50 only.
    assert cal.counts(data, rule(data)) == cal.Counts(1, 6, 1, 4)


def test_leave_subjects_out_can_choose_on_other_pairs() -> None:
    strict = [pair("AB", 0.20), pair("CD", 0.20), pair("AC", 0.20), pair("BD", 0.20), pair("AD", 0.20)]
    # Every threshold comes from the strict pool (0.20): every genuine pair rejected, no false match.
    assert cal.leave_subjects_out(SET, cal.margin_rule(0.0), choose_on=strict) == cal.Counts(0, 4, 4, 4)


def test_fold_thresholds_leave_one_genuine_subject_out() -> None:
    assert cal.fold_thresholds(SET, cal.margin_rule(0.0)) == {"A": 0.45, "B": 0.70, "C": 0.60}


@pytest.mark.parametrize(("k", "n", "lo", "hi"), [
    (0, 10, 0.0, 1 - 0.025 ** (1 / 10)),  # closed forms at the edges
    (10, 10, 0.025 ** (1 / 10), 1.0),
    (1, 71, 0.000357, 0.0760),  # published Clopper-Pearson values
    (5, 20, 0.0866, 0.4910),
])
def test_clopper_pearson(k: int, n: int, lo: float, hi: float) -> None:
    got = cal.clopper_pearson(k, n)
    assert got == pytest.approx((lo, hi), abs=5e-4)


def test_upper_bound_with_no_errors_is_the_exact_rule_of_three() -> None:
    assert cal.upper_bound(0, 709) == pytest.approx(1 - 0.05 ** (1 / 709), rel=1e-6)
    assert cal.upper_bound(0, 709) == pytest.approx(3 / 709, rel=0.01)


@pytest.mark.parametrize(("k", "n"), [(-1, 5), (6, 5), (0, 0)])
def test_clopper_pearson_refuses_impossible_counts(k: int, n: int) -> None:
    with pytest.raises(ValueError):
        cal.clopper_pearson(k, n)


def test_rate_with_interval_reads_as_in_the_reports() -> None:
    assert cal.rate_with_interval(1, 71) == "1.4% (1/71; 95 % CI 0.0%-7.6%)"
    assert cal.rate_with_interval(0, 709) == "0.0% (0/709; 95 % CI 0.0%-0.5%)"
