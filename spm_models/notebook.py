"""What every notebook does first: resolve its data, load it once, and write results.

Notebooks stay thin: they call :meth:`NotebookSession.open` with their standard parameters,
then hand result tables and headline metrics to the session, which writes them where the
runner (or an interactive user) expects them.
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from spm_models import config
from spm_models.data import Company, generate_company, load_company, write_company
from spm_models.data.cache import build_once
from spm_models.data.privacy import ANONYMISE_ENV, anonymise_reps
from spm_models.data.sample import generator_version
from spm_models.registry import metric_record, metric_values
from spm_models.reporting.tables import table_html
from spm_models.skipped import PlausibilityWarning, Skipped

DEFAULT_SAMPLE = {"seed": 42, "n_accounts": 5000, "n_reps": 60}


def sample_dir(seed: int, n_accounts: int, n_reps: int) -> Path:
    """The cache folder of one generated sample company (keyed by the generator's version)."""
    return config.DATA_DIR / f"sample-s{seed}-a{n_accounts}-r{n_reps}-g{generator_version()}"


def ensure_sample(seed: int = 42, n_accounts: int = 5000, n_reps: int = 60) -> Path:
    """Generate the sample company into its cache folder unless it is already there.

    Safe when several processes ask at once: each writes a private folder and renames it.
    """
    return build_once(
        sample_dir(seed, n_accounts, n_reps),
        "opportunities.csv",
        lambda folder: write_company(generate_company(seed, n_accounts, n_reps), folder),
    )


@dataclass
class NotebookSession:
    """A notebook's data and output folder.

    Attributes
    ----------
    scenario : str
        Scenario name (``"interactive"`` outside the runner).
    notebook : str
        The notebook's stem, e.g. ``"01_data_overview"``.
    company : Company
        The loaded, validated company.
    output_dir : Path
        Where tables (``tables/*.csv``) and ``metrics.json`` go.
    """

    scenario: str
    notebook: str
    company: Company
    output_dir: Path
    written: list[str] = field(default_factory=list)

    @classmethod
    def open(
        cls, scenario: str, data_source: str, output_dir: str, *, notebook: str
    ) -> NotebookSession:
        """Load the company named by ``data_source`` and prepare ``output_dir``.

        Parameters
        ----------
        scenario : str
            Scenario name.
        data_source : str
            A folder of company files, a SQLAlchemy URL, or ``""`` for the built-in sample
            company (generated on first use).
        output_dir : str
            Folder for results; ``""`` means ``reports/_interactive/<notebook>``.
        notebook : str
            The calling notebook's stem.
        """
        source = data_source or str(ensure_sample(**DEFAULT_SAMPLE))
        company = load_company(source)
        if os.environ.get(ANONYMISE_ENV) == "1":
            company = anonymise_reps(company)
        out = Path(output_dir) if output_dir else config.REPORTS_DIR / "_interactive"
        (out / "tables").mkdir(parents=True, exist_ok=True)
        return cls(scenario=scenario, notebook=notebook, company=company, output_dir=out)

    def table(self, name: str, frame: pd.DataFrame) -> Path:
        """Write a result table as ``tables/<name>.csv`` and return its path."""
        path = self.output_dir / "tables" / f"{name}.csv"
        frame.to_csv(path, index=False)
        self.written.append(path.name)
        return path

    def read_table(self, name: str) -> pd.DataFrame | None:
        """Read a table an earlier notebook of the same run wrote, or ``None``."""
        path = self.output_dir / "tables" / f"{name}.csv"
        return pd.read_csv(path) if path.exists() else None

    def _read_json(self, name: str, default: Any) -> Any:
        path = self.output_dir / name
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else default

    def _write_json(self, name: str, document: Any) -> None:
        path = self.output_dir / name
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(document, indent=2, sort_keys=True), encoding="utf-8")
        tmp.replace(path)

    def read_metrics(self) -> dict[str, Any]:
        """The figures earlier notebooks of this run wrote, as ``{name: value}`` (empty if none)."""
        return metric_values(self._read_json("metrics.json", {}))

    def metrics(self, values: dict[str, Any]) -> dict[str, Any]:
        """Merge figures into ``metrics.json`` and return every value written so far.

        Each figure is stored with its registry definition (label, unit, formatted text, page,
        section, definition) so that every reader of the file prints it the same way.
        """
        document = self._read_json("metrics.json", {})
        document.update({k: metric_record(k, v) for k, v in values.items()})
        self._write_json("metrics.json", document)
        return metric_values(document)

    def show_table(
        self,
        frame: pd.DataFrame,
        columns: list,
        *,
        max_rows: int = 15,
        csv: str | None = None,
        caption: str | None = None,
    ) -> None:
        """Display a formatted report table (see :func:`spm_models.reporting.tables.table_html`).

        ``csv`` names a table written with :meth:`table` (without ``.csv``) to link in full.
        """
        from IPython.display import HTML, display

        link = f"{csv}.csv" if csv else None
        display(HTML(table_html(frame, columns, max_rows=max_rows, csv=link, caption=caption)))

    def show_figures(self, names: list[str], *, caption: str | None = None) -> None:
        """Display registered figures of this run as a Figure | Value table.

        Figures are formatted through the registry, so a figure prints here exactly as on
        the executive summary, the landing page and the index. Names this run has not
        written are left out.
        """
        from IPython.display import HTML, display

        from spm_models.registry import figure

        values = self.read_metrics()
        rows = pd.DataFrame(
            [
                {"figure": figure(n).label, "value": figure(n).format(values[n])}
                for n in names
                if n in values
            ],
            columns=["figure", "value"],
        )
        if rows.empty:
            return
        columns = [("figure", "Figure"), ("value", "Value")]
        display(HTML(table_html(rows, columns, max_rows=len(rows), caption=caption)))

    def skip(self, skipped: Skipped) -> None:
        """Show one sentence saying why a section is left out, and record it in ``skipped.json``."""
        from IPython.display import Markdown, display

        record = {"notebook": self.notebook, "section": skipped.section, "text": skipped.sentence()}
        self._write_json("skipped.json", [*self._read_json("skipped.json", []), record])
        display(Markdown(f"*{skipped.sentence()}*"))

    def warn(self, warning: PlausibilityWarning) -> None:
        """Show a plausibility warning and record it in ``warnings.json`` (the runner prints it)."""
        from IPython.display import Markdown, display

        record = {"notebook": self.notebook, "topic": warning.topic, "text": warning.sentence()}
        self._write_json("warnings.json", [*self._read_json("warnings.json", []), record])
        display(Markdown(f"> **Warning.** {warning.sentence()}"))

    def show(self, fig, alt: str | None = None) -> None:
        """Display a Matplotlib figure as PNG with alt text (its title unless given), then close it.

        The alt text travels in the output's metadata, so the HTML report can use it.
        """
        from IPython.display import Image, display

        title = alt or fig_title(fig)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
        import matplotlib.pyplot as plt

        plt.close(fig)
        display(Image(data=buf.getvalue()), metadata={"image/png": {"alt": title}})


def fig_title(fig) -> str:
    """The figure's suptitle or its axes' titles, as one alt-text string."""
    suptitle = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else ""
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    return suptitle or "; ".join(titles) or "Chart"


def strip_outputs(path: str | Path) -> bool:
    """Remove outputs and execution counts from a notebook in place; True if it changed."""
    import nbformat

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    changed = False
    for cell in nb.cells:
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None):
            cell.outputs, cell.execution_count, changed = [], None, True
    if changed:
        nbformat.write(nb, path)
    return changed


if __name__ == "__main__":  # python -m spm_models.notebook strip notebooks/*.ipynb
    import sys

    if len(sys.argv) < 3 or sys.argv[1] != "strip":
        sys.exit("usage: python -m spm_models.notebook strip NOTEBOOK...")
    for arg in sys.argv[2:]:
        if strip_outputs(arg):
            print(f"stripped {arg}")
