"""engine.splits: precision, largest remainder, stricter rounding — arithmetic written out."""

from __future__ import annotations

import random
from decimal import Decimal as D

import pytest

from opsreport.engine.splits import average_split, path, split_places, spread

# ----------------------------------------------------------------------------- places


def test_split_places_keeps_the_exact_quarter():
    assert split_places(D(55)) == 2  # 55 ÷ 4 = 13.75: 2 places (typed 0, +2)
    assert split_places(D(100)) == 0  # 100 ÷ 4 = 25: nothing more
    assert split_places(D(10)) == 1  # 10 ÷ 4 = 2.5: 1 place
    assert split_places(D("9.5")) == 3  # 9.5 ÷ 4 = 2.375: 3 places (typed 1, +2)
    assert split_places(D(60), D(41)) == 2  # path step (60 − 41) ÷ 4 = 4.75: 2 places
    assert split_places(D(35), D(41)) == 1  # step (35 − 41) ÷ 4 = −1.5: 1 place
    assert split_places(D(600), D(486)) == 1  # step 114 ÷ 4 = 28.5: 1 place


def test_split_places_never_below_the_typed_places():
    assert split_places(D(49), D("41.25")) == 4  # step (49 − 41.25) ÷ 4 = 1.9375: 4 ≤ 2 + 2
    assert split_places(D("45.25"), D("41.25")) == 2  # step 4 ÷ 4 = 1 needs 0; typed 2
    assert split_places(D("8.37"), D("8.37")) == 2  # step 0, but 8.37 is typed with 2
    assert split_places(D("0.5"), None) == 3  # None is skipped: 0.5 ÷ 4 = 0.125, 3 places


def test_split_places_is_capped_at_typed_plus_two():
    # 1 ÷ 4 = 0.25 (typed 0 → 2); 0.01 ÷ 4 = 0.0025 (typed 2 → 4, the cap)
    assert split_places(D(1)) == 2 and split_places(D("0.01")) == 4
    # a straight path to one typed decimal from another ends within 3 places
    assert split_places(D("0.1"), D("0.2")) == 3  # −0.1 ÷ 4 = −0.025


# ----------------------------------------------------------------------------- spread


def test_spread_even_at_the_places_split_places_chooses():
    # 55 ÷ 4 = 13.75 exactly at 2 places: 13.75 × 4 = 55
    assert spread(D(55), [D(1)] * 4, 2) == [D("13.75")] * 4


def test_spread_gives_the_remainder_by_largest_remainder_not_to_q4():
    # at 0 places the shares are 13.75 each: floors 13 × 4 = 52, 3 units left; equal
    # remainders and weights → the earlier parts: 14, 14, 14, 13 (the old code: the same
    # figures, but by dumping; the seasonal case below is where it differs)
    assert spread(D(55), [D(1)] * 4, 0) == [D(14), D(14), D(14), D(13)]
    # 10 in 3 at 0 places: 3.33 each, floors 9, 1 left → the first: 4, 3, 3
    assert spread(D(10), [D(1)] * 3, 0) == [D(4), D(3), D(3)]


def test_spread_seasonal_largest_remainder_arithmetic():
    # 58 by 2026 GMV 10.2 / 11.8 / 11.3 / 16.3 (sum 49.6), at 0 places:
    #   58 × 10.2 ÷ 49.6 = 11.927…  floor 11, remainder .927
    #   58 × 11.8 ÷ 49.6 = 13.798…  floor 13, remainder .798
    #   58 × 11.3 ÷ 49.6 = 13.213…  floor 13, remainder .213
    #   58 × 16.3 ÷ 49.6 = 19.060…  floor 19, remainder .060
    # floors 11 + 13 + 13 + 19 = 56: 2 units left → the largest remainders Q1 and Q2
    weights = [D("10.2"), D("11.8"), D("11.3"), D("16.3")]
    assert spread(D(58), weights, 0) == [D(12), D(14), D(13), D(19)]
    # the old "remainder to Q4": 12 + 14 + 13 = 39 rounded half-up, Q4 = 58 − 39 = 19 — here
    # the same; at 1 place: 11.9, 13.8, 13.2, 19.1 (floors 11.9 + 13.7 + 13.2 + 19.0 = 57.8,
    # remainders .27/.98/.13/.60 of a tenth → Q2 and Q4 get 0.1 each)
    assert spread(D(58), weights, 1) == [D("11.9"), D("13.8"), D("13.2"), D("19.1")]


def test_spread_ties_go_to_the_larger_weight_then_the_earlier_part():
    # 3 by 1 / 2 / 1 / 2 (sum 6) at 0 places: 0.5, 1, 0.5, 1 → floors 0, 1, 0, 1, 1 left;
    # Q1 and Q3 tie at .5 with weight 1 each → the earlier, Q1
    assert spread(D(3), [D(1), D(2), D(1), D(2)], 0) == [D(1), D(1), D(0), D(1)]
    # 1 by 1 / 3 (sum 4) at 0 places… remainders .25 and .75 → Q2; by 2 / 2 → tie → Q1
    assert spread(D(1), [D(1), D(3)], 0) == [D(0), D(1)]
    assert spread(D(1), [D(2), D(2)], 0) == [D(1), D(0)]
    # equal remainders, different weights: 3 by 1 / 5 (sum 6) at 0 places: 0.5 and 2.5,
    # floors 0 + 2, 1 left, both remainders .5 → the larger weight: 0, 3 (not 1, 2)
    assert spread(D(3), [D(1), D(5)], 0) == [D(0), D(3)]
    # 5 by 1 / 1 / 3 / 3 (sum 8): 0.625, 0.625, 1.875, 1.875 → floors 0, 0, 1, 1 (2),
    # 3 left: remainders .625 × 2 and .875 × 2 → Q3, Q4 first, then the tie Q1/Q2 → Q1
    assert spread(D(5), [D(1), D(1), D(3), D(3)], 0) == [D(1), D(0), D(2), D(2)]


def test_spread_negative_total_and_zero_weights():
    # −10 in 3 at 0 places: the magnitude 10 → 4, 3, 3, negated: −4, −3, −3 (sum −10)
    assert spread(D(-10), [D(1)] * 3, 0) == [D(-4), D(-3), D(-3)]
    # a zero weight gets 0 and no remainder unit: 10 by 0 / 1 / 2 at 0 places:
    # 0, 3.33, 6.67 → floors 0, 3, 6, 1 left → the largest remainder (6.67) → 0, 3, 7
    assert spread(D(10), [D(0), D(1), D(2)], 0) == [D(0), D(3), D(7)]
    with pytest.raises(ValueError, match="add up to zero"):
        spread(D(10), [D(0), D(0)], 0)
    with pytest.raises(ValueError, match="not negative"):
        spread(D(10), [D(1), D(-1)], 0)
    with pytest.raises(ValueError, match="pass \\[1\\] \\* n"):
        spread(D(10), None, 0)


def test_spread_rounds_a_total_finer_than_places_first():
    # 10.006 at 2 places is 10.01 first: 4 parts of 2.5025 → 2.50 each, 1 unit left → Q1
    assert spread(D("10.006"), [D(1)] * 4, 2) == [D("2.51"), D("2.50"), D("2.50"), D("2.50")]


def test_spread_at_any_size():
    # 10^30 (beyond Decimal's 28 default digits) in 4 at 2 places: 2.5 × 10^29 each
    parts = spread(D("1e30"), [D(1)] * 4, 2)
    assert sum(parts) == D("1e30") and parts[0] == D("2.5e29")


def test_spread_always_adds_up_property():
    rng = random.Random(14)  # deterministic
    for _ in range(2000):
        places = rng.randint(0, 4)
        total = D(rng.randint(-(10**9), 10**9)).scaleb(-places)
        count = rng.randint(1, 6)
        weights = [D(rng.randint(0, 10**6)).scaleb(-rng.randint(0, 3)) for _ in range(count)]
        if not any(weights):
            weights[0] = D(1)
        parts = spread(total, weights, places)
        assert sum(parts) == total
        weight_sum = sum(weights)
        unit = D(1).scaleb(-places)
        for part, weight in zip(parts, weights, strict=True):
            exact = total * weight / weight_sum
            assert abs(part - exact) < unit  # never a unit away from its share
            assert part.as_tuple().exponent >= -places


# ----------------------------------------------------------------------------- path


def test_path_renewal_rate_41_to_60():
    # step (60 − 41) ÷ 4 = 4.75: 45.75, 50.5, 55.25 exact at 2 places, and 60
    assert path(D(41), D(60), 4, 2, "higher") == [D("45.75"), D("50.50"), D("55.25"), D(60)]
    # at 0 places, rounded UP (higher is better): 46, 51, 56 — not 55 (looser), then 60
    assert path(D(41), D(60), 4, 0, "higher") == [D(46), D(51), D(56), D(60)]


def test_path_inventory_days_41_to_35():
    # step −1.5: 39.5, 38, 36.5, 35 exact at 1 place
    assert path(D(41), D(35), 4, 1, "lower") == [D("39.5"), D("38.0"), D("36.5"), D(35)]
    # at 0 places rounded DOWN (lower is better): 39 (not 40), 38, 36 (not 37), 35
    assert path(D(41), D(35), 4, 0, "lower") == [D(39), D(38), D(36), D(35)]


def test_path_end_is_exact_and_other_directions_round_half_up():
    # 0 → 1 in 3 steps at 2 places: 0.333… → 0.33, 0.666… → 0.67 (half-up), and 1
    assert path(D(0), D(1), 3, 2, "") == [D("0.33"), D("0.67"), D(1)]
    assert path(D(0), D(1), 3, 2, "higher") == [D("0.34"), D("0.67"), D(1)]
    assert path(D(0), D(1), 3, 2, "lower") == [D("0.33"), D("0.66"), D(1)]
    # the end is as typed even beyond places: 1 → 1.234 in 2 steps at 1 place: 1.117 → 1.2
    assert path(D(1), D("1.234"), 2, 1, "higher") == [D("1.2"), D("1.234")]
    with pytest.raises(ValueError):
        path(D(1), D(2), 0, 0, "higher")


def test_path_never_looser_property():
    rng = random.Random(41)
    for _ in range(2000):
        start = D(rng.randint(-(10**6), 10**6)).scaleb(-rng.randint(0, 2))
        end = D(rng.randint(-(10**6), 10**6)).scaleb(-rng.randint(0, 2))
        steps, places = rng.randint(1, 4), rng.randint(0, 3)
        direction = rng.choice(["higher", "lower"])
        values = path(start, end, steps, places, direction)
        assert len(values) == steps and values[-1] == end
        unit = D(1).scaleb(-places)
        for k, value in enumerate(values[:-1], start=1):
            exact = start + (end - start) * k / steps
            if direction == "higher":
                assert exact <= value < exact + unit
            else:
                assert exact - unit < value <= exact


# ----------------------------------------------------------------------------- average


def test_average_split_flat_and_seasonal():
    # no weights: the annual target in every quarter (mean exact)
    assert average_split(D(8), None, 0, "lower") == [D(8)] * 4
    # 45 by 30 / 31 / 32 / 33 (mean 31.5), higher is better, 1 place, rounded UP:
    #   45 × 30 ÷ 31.5 = 42.857 → 42.9; × 31 ÷ 31.5 = 44.286 → 44.3;
    #   × 32 ÷ 31.5 = 45.714 → 45.8; × 33 ÷ 31.5 = 47.143 → 47.2
    # mean (42.9 + 44.3 + 45.8 + 47.2) ÷ 4 = 180.2 ÷ 4 = 45.05 ≥ 45: stricter by < 0.1
    quarters = average_split(D(45), [D(30), D(31), D(32), D(33)], 1, "higher")
    assert quarters == [D("42.9"), D("44.3"), D("45.8"), D("47.2")]
    assert D(45) <= sum(quarters) / 4 < D(45) + D("0.1")
    # lower is better rounds DOWN: 42.8, 44.2, 45.7, 47.1 — mean 44.95 ≤ 45
    lower = average_split(D(45), [D(30), D(31), D(32), D(33)], 1, "lower")
    assert lower == [D("42.8"), D("44.2"), D("45.7"), D("47.1")]


def test_average_split_exact_when_the_shares_end_within_places():
    # 10 by 1 / 1 / 3 / 3 (mean 2): 5, 5, 15, 15 — exact, mean 10
    quarters = average_split(D(10), [D(1), D(1), D(3), D(3)], 0, "higher")
    assert quarters == [D(5), D(5), D(15), D(15)] and sum(quarters) / 4 == 10


def test_average_split_never_looser_property():
    rng = random.Random(8)
    for _ in range(1000):
        places = rng.randint(0, 3)
        annual = D(rng.randint(0, 10**6)).scaleb(-places)
        weights = [D(rng.randint(1, 1000)) for _ in range(4)]
        direction = rng.choice(["higher", "lower"])
        quarters = average_split(annual, weights, places, direction)
        mean, unit = sum(quarters) / 4, D(1).scaleb(-places)
        if direction == "higher":
            assert annual <= mean < annual + unit
        else:
            assert annual - unit < mean <= annual
