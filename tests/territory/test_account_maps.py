"""Account-level territory maps over the states, with Alaska and Hawaii insets."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd

from spm_models.territory import align_territories
from spm_models.territory.account_maps import (
    PLAIN_SENTENCE,
    STATES_SENTENCE,
    account_map_figures,
    account_map_skip,
    plot_account_maps,
)


def test_accounts_outside_the_states_keep_the_plain_plot() -> None:
    assert account_map_skip(pd.DataFrame({"account_id": ["A1"]})) == (
        "the accounts have no state column"
    )
    mixed = pd.DataFrame({"account_id": ["A1", "A2"], "state": ["TX", "ON"]})
    assert account_map_skip(mixed) == "some accounts lie outside the US states (ON)"
    assert account_map_skip(pd.DataFrame({"account_id": ["A1"], "state": ["TX"]})) is None


def test_today_and_proposed_side_by_side_over_the_states(tiny_company) -> None:
    accounts, reps = tiny_company.accounts, tiny_company.reps
    assert account_map_skip(accounts) is None
    res = align_territories(accounts, reps, tolerance=0.2, max_disruption=0.5, time_limit=20)
    fig = plot_account_maps(res, accounts, reps, title="Territories by account")
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible() and ax.get_title()]
    assert titles == ["Today", "Proposed (bright: accounts that change rep)"]
    # Each panel draws the state outlines under the accounts of its frame.
    main = [ax for ax in fig.axes if ax.get_title()]
    assert all(len(ax.collections) >= 3 for ax in main)  # states, accounts, homes
    assert fig._suptitle.get_text() == "Territories by account"


def test_the_page_gets_the_states_map_or_else_the_plain_plots(tiny_company) -> None:
    accounts, reps = tiny_company.accounts, tiny_company.reps
    res = align_territories(accounts, reps, tolerance=0.2, max_disruption=0.5, time_limit=20)
    sentence, figures = account_map_figures(res, accounts, reps)
    assert sentence == STATES_SENTENCE and len(figures) == 1
    assert figures[0]._suptitle.get_text() == "Territories by account, today and proposed"
    abroad = accounts.assign(state=["ON", *accounts["state"].tolist()[1:]])
    sentence, figures = account_map_figures(res, abroad, reps)
    assert sentence == PLAIN_SENTENCE
    assert [f.axes[0].get_title() for f in figures] == [
        "Current alignment",
        "Proposed alignment, moved accounts ringed",
    ]
