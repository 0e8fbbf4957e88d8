"""Portfolios with almost nothing in them score without error: no cases, cases without any
transfer, transfers without any related party, cases without an anchor."""

from __future__ import annotations

from pathlib import Path

import pytest

from clawback.algorithms.score import SCORE_COLUMNS, ScoreResult, score_store
from clawback.graph.embedded import LadybugStore
from clawback.loaders.load import load_directory
from tests.algorithms.scenarios import ACCEPTED, FILED, Portfolio


def _score(p: Portfolio, tmp: Path) -> ScoreResult:
    with LadybugStore(tmp / "store") as store:
        load_directory(p.write(tmp / "in"), store)
        return score_store(store)


def _people(p: Portfolio, n: int) -> None:
    for i in range(1, n + 1):
        p.person(f"P{i}", f"某人{i}")


def test_no_cases(tmp_path):
    p = Portfolio()
    _people(p, 2)
    p.pay("A-P1", "A-P2", 100.0, "2024-01-05")
    result = _score(p, tmp_path)
    assert result.scores.empty and list(result.scores.columns) == SCORE_COLUMNS


def test_a_case_without_any_transfer(tmp_path):
    p = Portfolio()
    _people(p, 1)
    p.cases.append(("K1", "P1", "personal_bankruptcy", "CN", FILED, ACCEPTED, "500000"))
    result = _score(p, tmp_path)
    row = result.scores.iloc[0]
    assert (row["case_id"], row["score"], row["triage"]) == ("K1", 0.0, "honest_unfortunate")


def test_transfers_but_no_related_party_and_a_case_without_an_anchor(tmp_path):
    p = Portfolio()
    _people(p, 3)
    for day in ("2023-09-05", "2023-12-05", "2024-03-05"):
        p.pay("A-P3", "A-P1", 8_000.0, day, "工资")
        p.pay("A-P1", "A-P2", 1_000.0, day, "房租")
    p.cases.append(("K1", "P1", "personal_bankruptcy", "CN", FILED, ACCEPTED, "500000"))
    p.cases.append(("K2", "P2", "personal_bankruptcy", "CN", "", "", "500000"))
    result = _score(p, tmp_path)
    assert sorted(result.scores["case_id"]) == ["K1", "K2"]
    assert (result.scores["score"] == 0).all()
    assert result.provenance["cases_without_anchor"] == 1


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_explaining_a_case_with_nothing_found(tmp_path, lang):
    p = Portfolio()
    _people(p, 1)
    p.cases.append(("K1", "P1", "personal_bankruptcy", "CN", FILED, ACCEPTED, "500000"))
    detail = _score(p, tmp_path).explain("K1", lang)
    assert detail["score"] == 0 and detail["waterfall"] == []
