"""Every figure a reader sees, registered once per capability (see :mod:`spm_models.registry`).

Each module registers its capability's figures when imported; this package imports them all in
the order the pages come in a report.
"""

from spm_models.headlines import (  # noqa: F401  (imported for their registrations)
    analytics,
    capacity,
    forecast,
    incentives,
    overview,
    quota,
    territory,
)
