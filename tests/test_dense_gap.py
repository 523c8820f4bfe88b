"""The gate's dense gap: the best post's cosine above the next posts' best, per post not per chunk."""
from __future__ import annotations

import doctest

import pytest

import blogqa.answer.evidence as evidence
import blogqa.retrieve.search as search
from blogqa.index.store import Scored
from blogqa.retrieve.search import GAP_POSTS, dense_gap


def test_a_post_standing_out_has_a_wide_gap_a_crowd_a_narrow_one():
    standing_out = [Scored(1, "a", 0.90), *(Scored(i, f"p{i}", 0.80) for i in range(2, 12))]
    crowd = [Scored(1, "a", 0.90), *(Scored(i, f"p{i}", 0.89) for i in range(2, 12))]
    assert dense_gap(standing_out) == pytest.approx(0.10)
    assert dense_gap(crowd) == pytest.approx(0.01)


def test_chunks_of_the_best_post_do_not_count_against_it_and_only_the_first_posts_count():
    scored = [Scored(1, "a", 0.9), Scored(2, "a", 0.89), Scored(3, "b", 0.8), Scored(4, "c", 0.8)]
    assert dense_gap(scored) == pytest.approx(0.1)
    many = [Scored(1, "a", 0.9), *(Scored(i, f"p{i}", 0.8) for i in range(2, GAP_POSTS + 1)),
            Scored(99, "late", 0.0)]
    assert dense_gap(many) == pytest.approx(0.1), "posts past GAP_POSTS are not averaged in"


def test_too_few_posts_give_no_gap_and_no_gap_weighs_nothing():
    assert dense_gap([]) is None and dense_gap([Scored(1, "a", 0.9), Scored(2, "b", 0.5)]) is None
    assert evidence.gap_z(None) == 0.0
    assert evidence.gap_z(evidence.GAP_CENTER + evidence.GAP_SCALE) == pytest.approx(1.0)


@pytest.mark.parametrize("module", [search, evidence])
def test_doctests(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
