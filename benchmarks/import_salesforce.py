"""Time ``spm import salesforce`` on a large Salesforce-shaped export.

Generates 100,000 accounts and 1,000,000 opportunities (four years of won, lost and open
deals, 300 owners, splits on a tenth of the deals, line items on every open deal) as CSV
files with API field names, then times reading, building and validating the company, and
writing it. Goal: under 60 s on 2 cores. With ``--baseline REV`` the importer of that git
revision is timed first on the same export, and the speed-up is printed as a ratio. Run::

    python benchmarks/import_salesforce.py [--accounts 100000] [--deals 1000000] [--baseline REV]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def generate(folder: Path, n_accounts: int, n_deals: int, seed: int = 0) -> None:
    """Write the five Salesforce object files of a large fictional export to ``folder``."""
    from spm_models.data.geography import zip_centroids

    rng = np.random.default_rng(seed)
    zips = zip_centroids()
    owners = np.array([f"005{i:015d}" for i in range(300)])
    acc_ids = np.array([f"001{i:015d}" for i in range(n_accounts)])
    pick = rng.integers(0, len(zips), n_accounts)
    abroad = rng.random(n_accounts) < 0.05
    accounts = pd.DataFrame(
        {
            "Id": acc_ids,
            "Name": [f"Account {i}" for i in range(n_accounts)],
            "OwnerId": owners[rng.integers(0, len(owners), n_accounts)],
            "Industry": rng.choice(["Manufacturing", "Retail", "Technology", ""], n_accounts),
            "NumberOfEmployees": rng.lognormal(5, 1.5, n_accounts).astype(int),
            "AnnualRevenue": np.round(rng.lognormal(16, 1.5, n_accounts), -3),
            "BillingPostalCode": np.where(abroad, "", zips["zip"].to_numpy()[pick]),
            "BillingCity": np.where(abroad, "London", zips["city"].to_numpy()[pick]),
            "BillingState": np.where(abroad, "", zips["state"].to_numpy()[pick]),
            "BillingCountry": np.where(abroad, "United Kingdom", "United States"),
            "Phone": "(555) 010-0000",
        }
    )
    accounts.to_csv(folder / "Account.csv", index=False)
    users = pd.DataFrame(
        {
            "Id": owners,
            "Name": [f"Rep {i}" for i in range(len(owners))],
            "IsActive": "true",
            "PostalCode": zips["zip"].to_numpy()[rng.integers(0, len(zips), len(owners))],
            "Country": "US",
        }
    )
    users.to_csv(folder / "User.csv", index=False)
    start = pd.Timestamp("2023-01-01")
    close = start + pd.to_timedelta(rng.integers(0, 4 * 365, n_deals), unit="D")
    created = close - pd.to_timedelta(rng.integers(1, 200, n_deals), unit="D")
    state = rng.choice(["won", "lost", "open"], n_deals, p=[0.35, 0.45, 0.2])
    prob = np.where(
        state == "won", 100, np.where(state == "lost", 0, rng.choice([10, 30, 50, 70, 90], n_deals))
    )
    deal_ids = np.array([f"006{i:015d}" for i in range(n_deals)])
    deals = pd.DataFrame(
        {
            "Id": deal_ids,
            "AccountId": acc_ids[rng.integers(0, n_accounts, n_deals)],
            "OwnerId": owners[rng.integers(0, len(owners), n_deals)],
            "Name": "Deal",
            "StageName": np.where(
                state == "won",
                "Closed Won",
                np.where(state == "lost", "Closed Lost", "Negotiation"),
            ),
            "Amount": np.round(rng.lognormal(9, 1, n_deals), 2),
            "Probability": prob,
            "CloseDate": close.strftime("%Y-%m-%d"),
            "CreatedDate": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "IsClosed": np.where(state == "open", "false", "true"),
            "IsWon": np.where(state == "won", "true", "false"),
            "Type": rng.choice(
                ["New Business", "Existing Customer - Upgrade", "Renewal", ""], n_deals
            ),
            "CurrencyIsoCode": "USD",
            "LeadSource": "Web",
        }
    )
    deals.to_csv(folder / "Opportunity.csv", index=False)
    split = rng.random(n_deals) < 0.1
    ids = deal_ids[split]
    splits = pd.DataFrame(
        {
            "OpportunityId": np.concatenate([ids, ids]),
            "SplitOwnerId": np.concatenate(
                [deals["OwnerId"].to_numpy()[split], owners[rng.integers(0, len(owners), len(ids))]]
            ),
            "SplitPercentage": 50,
        }
    )
    splits.to_csv(folder / "OpportunitySplit.csv", index=False)
    open_ids = deal_ids[state == "open"]
    items = pd.DataFrame(
        {
            "OpportunityId": open_ids,
            "ProductCode": rng.choice(["CORE", "ANLT", "SRVC"], len(open_ids)),
            "TotalPrice": deals["Amount"].to_numpy()[state == "open"],
        }
    )
    items.to_csv(folder / "OpportunityLineItem.csv", index=False)


def time_import(folder: Path, out: Path) -> dict[str, float]:
    """Seconds to read, build and validate the company of ``folder``, and to write it."""
    from spm_models.sources.salesforce import read_salesforce, write_import

    clock = time.perf_counter()
    result = read_salesforce(folder)
    built = time.perf_counter() - clock
    write_import(result, out)
    c = result.company
    print(
        f"imported {len(c.accounts):,} accounts, {len(c.reps):,} reps, "
        f"{len(c.bookings):,} booking rows, {len(c.opportunities):,} open and "
        f"{len(c.closed_opportunities):,} closed deals",
        file=sys.stderr,
    )
    return {"built": built, "total": time.perf_counter() - clock}


def time_revision(rev: str, folder: Path, out: Path) -> dict[str, float]:
    """:func:`time_import` with the package as it was at git revision ``rev`` (a subprocess)."""
    root = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "-C", str(root), "archive", rev, "spm_models"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        env = {**os.environ, "PYTHONPATH": tmp}
        done = subprocess.run(
            [sys.executable, __file__, "--time-folder", str(folder), "--out", str(out)],
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Generate, import and print the timings (and the ratio to a baseline revision)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument(
        "--baseline",
        metavar="REV",
        help="also time the importer of this git revision on the same export, first",
    )
    parser.add_argument("--time-folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.time_folder is not None:  # the baseline's subprocess
        print(json.dumps(time_import(args.time_folder, args.out)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "export"
        folder.mkdir()
        clock = time.perf_counter()
        generate(folder, args.accounts, args.deals)
        print(
            f"generated {args.accounts:,} accounts and {args.deals:,} opportunities in "
            f"{time.perf_counter() - clock:.1f} s"
        )
        base = None
        if args.baseline:
            base = time_revision(args.baseline, folder, Path(tmp) / "baseline")
            print(
                f"baseline {args.baseline}: read + build + validate {base['built']:.1f} s; "
                f"with writing {base['total']:.1f} s"
            )
        now = time_import(folder, Path(tmp) / "company")
        print(
            f"this tree: read + build + validate {now['built']:.1f} s; with writing "
            f"{now['total']:.1f} s (goal < 60 s)"
        )
        if base is not None:
            print(
                f"speed-up: {base['built'] / now['built']:.2f}x (read + build + validate), "
                f"{base['total'] / now['total']:.2f}x (with writing)"
            )


if __name__ == "__main__":
    main()
