"""Inter-annotator agreement between analysts' project files (issue 13).

`legacy.compare` is the two-file comparison `idleb-desk agree A B` always printed;
`files` reads 2 to 10 files without writing to them, `unitizing` and `coding` are the
coefficients (their plain definitions; `continuum`, `by_document` and `values` compute
them on arrays), `align` pairs units up (`matching`: for every document at once),
`placing` puts each coder's units on positions once, `figures` and `report` put them
together.
"""

from __future__ import annotations

from idleb_desk.core.agreement.coding import F1, cohen_kappa, fleiss_kappa, nominal_alpha
from idleb_desk.core.agreement.legacy import Agreement, compare, kappa, observed
from idleb_desk.core.agreement.unitizing import Unit, unitizing_alpha

__all__ = [
    "F1",
    "Agreement",
    "Unit",
    "cohen_kappa",
    "compare",
    "fleiss_kappa",
    "kappa",
    "nominal_alpha",
    "observed",
    "unitizing_alpha",
]
