"""``spm import salesforce DIR --out FOLDER``: a CRM export to a company folder."""

from __future__ import annotations

import argparse
import sys


def register(subparsers) -> None:
    """Add the ``import`` command and its ``salesforce`` source."""
    parser = subparsers.add_parser(
        "import",
        help="import a CRM export into a company folder",
        description="Turn a CRM export into the workbench's tables, with a provenance file "
        "listing every derived or defaulted field.",
    )
    sources = parser.add_subparsers(title="sources", metavar="SOURCE")
    sf = sources.add_parser(
        "salesforce",
        help="a Salesforce export (Account.csv, Opportunity.csv, optional User.csv ...)",
        description="Read Account.csv and Opportunity.csv (and optional User.csv, "
        "OpportunitySplit.csv, OpportunityLineItem.csv) by API field names or report column "
        "labels, build accounts, reps, bookings, open pipeline and closed deals, and write "
        "them with provenance.json to the output folder. Nothing is written on error.",
    )
    sf.add_argument("folder", help="folder of the exported CSV files")
    sf.add_argument("--out", required=True, help="company folder to write")
    sf.add_argument(
        "--date-format",
        default=None,
        help="strptime format of every date column, e.g. %%d/%%m/%%Y (default: ISO dates)",
    )
    sf.add_argument("--decimal", choices=(".", ","), default=".", help="decimal mark of amounts")
    sf.add_argument(
        "--rate",
        action="append",
        default=[],
        metavar="CODE=RATE",
        help="conversion rate to USD of a currency, e.g. EUR=1.08 (repeatable)",
    )
    sf.add_argument(
        "--stage",
        action="append",
        default=[],
        metavar="NAME=STAGE",
        help="map a CRM stage name to prospecting, qualification, proposal, negotiation or "
        "commit (repeatable; default: by probability)",
    )
    sf.add_argument(
        "--unknown-accounts",
        choices=("add", "error"),
        default="add",
        help="deals on accounts missing from Account.csv: add them (listed) or stop",
    )
    sf.add_argument("--country", default="US", help="country of addresses without one")
    sf.set_defaults(handler=run_salesforce)


def _pairs(values: list[str], option: str) -> dict[str, str]:
    from spm_models.errors import InputDataError

    out = {}
    for value in values:
        name, sep, target = value.partition("=")
        if not sep or not name.strip() or not target.strip():
            raise InputDataError(f"{option} must be NAME=VALUE; got {value!r}", source=option)
        out[name.strip()] = target.strip()
    return out


def _country(value: str) -> str:
    """An ISO code from a code or a name ("Germany" gives "DE"); unknown values as given."""
    import pandas as pd

    from spm_models.sources.geocode import normalize_country

    code = normalize_country(pd.Series([value])).iloc[0]
    return str(code) if isinstance(code, str) else value


def run_salesforce(args: argparse.Namespace) -> int:
    """Import, write, and print what was built and what was derived."""
    from spm_models.errors import InputDataError
    from spm_models.sources.deals import BuildRules
    from spm_models.sources.salesforce import SalesforceOptions, read_salesforce, write_import

    try:
        rates = {k: float(v) for k, v in _pairs(args.rate, "--rate").items()}
    except ValueError as exc:
        if isinstance(exc, InputDataError):
            raise
        raise InputDataError(f"--rate values must be numbers ({exc})", source="--rate") from exc
    try:
        rules = BuildRules(
            stage_map=_pairs(args.stage, "--stage"),
            rates=rates,
            unknown_accounts=args.unknown_accounts,
            default_country=_country(args.country),
        )
    except InputDataError:
        raise
    except ValueError as exc:
        raise InputDataError(str(exc), source="spm import salesforce") from exc
    options = SalesforceOptions(rules=rules, date_format=args.date_format, decimal=args.decimal)
    result = read_salesforce(args.folder, options=options)
    out = write_import(result, args.out)
    c = result.company
    print(
        f"wrote {len(c.accounts):,} accounts, {len(c.reps):,} reps, {len(c.bookings):,} booking "
        f"rows, {len(c.opportunities):,} open and {len(c.closed_opportunities):,} closed "
        f"opportunities to {out} (as of {c.as_of:%Y-%m-%d})"
    )
    if result.provenance:
        print(f"{len(result.provenance)} derived or defaulted fields are listed in provenance.json")
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0
