"""Anonymise people's names for reports that circulate widely."""

from __future__ import annotations

import dataclasses

from spm_models.data.company import Company

#: Set to "1" in a kernel's environment to anonymise rep names in every notebook.
ANONYMISE_ENV = "SPM_ANONYMISE"


def anonymise_reps(company: Company) -> Company:
    """A copy of ``company`` whose reps are named by their id (``"Rep R007"``).

    Vacant seats keep the name ``"Vacant"``; ids, regions and figures are unchanged, so every
    result is the same, only names differ.
    """
    reps = company.reps.copy()
    vacant = reps["status"] == "vacant"
    reps["rep_name"] = ("Rep " + reps["rep_id"].astype(str)).where(~vacant, "Vacant")
    return dataclasses.replace(company, reps=reps)
