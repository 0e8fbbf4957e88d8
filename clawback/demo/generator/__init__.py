"""Seeded synthetic demo portfolios in the public input format, with ground-truth labels.

:func:`generate_portfolio` writes one input directory (``persons``, ``companies``, ``relations``,
``company_roles``, ``accounts``, ``transfers``, ``properties``, ``property_transfers``, ``cases``,
``identifiers``) plus ``labels.csv``, which says for every case whether the debtor is an
``evader`` or ``honest`` and which concealment typologies were planted.

Every debtor lives in a realistic household (spouse, children, parents, in-laws, siblings) with
ordinary financial life: salary, spending, rent or mortgage, bank repayments, support to
parents, school fees, red envelopes, medical bills, cash. Evaders get one to three planted
typologies on top (:data:`TYPOLOGIES`); honest debtors get look-alike but innocent events
(support to relatives, distress sales at market value, an old genuine divorce, a modest gift).

Bulk rows (persons, accounts, background transfers) are built with vectorised numpy/pyarrow code;
only the handful of special events per case run through Python. The output depends only on
``seed`` and ``size`` (and ``start``): the same arguments give byte-identical files.

The work is split by stage: :mod:`~clawback.demo.generator.plan` draws every per-case decision;
:mod:`~clawback.demo.generator.households`, :mod:`~clawback.demo.generator.persons`,
:mod:`~clawback.demo.generator.companies` and :mod:`~clawback.demo.generator.accounts` build the
entities; :mod:`~clawback.demo.generator.flows` adds the background transfers and
:mod:`~clawback.demo.generator.typologies` the planted and honest per-case events;
:mod:`~clawback.demo.generator.write` formats and writes the tables.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     summary = generate_portfolio(tmp, size=5, seed=1)
>>> summary.cases, summary.evaders + summary.honest, sorted(summary.tables)[:3]
(5, 5, ['accounts', 'cases', 'companies'])
"""

from __future__ import annotations

from clawback.demo.generator.contract import (
    ACCOUNT_TYPES,
    CASE_TYPES,
    CHANNELS,
    COLUMNS,
    COMPANY_ROLES,
    IDENTIFIER_KINDS,
    LABEL_COLUMNS,
    PROPERTY_KINDS,
    RELATIONS,
    TABLES,
    TYPOLOGIES,
)
from clawback.demo.generator.portfolio import GenerationSummary, generate_portfolio

__all__ = [
    "ACCOUNT_TYPES",
    "CASE_TYPES",
    "CHANNELS",
    "COLUMNS",
    "COMPANY_ROLES",
    "IDENTIFIER_KINDS",
    "LABEL_COLUMNS",
    "PROPERTY_KINDS",
    "RELATIONS",
    "TABLES",
    "TYPOLOGIES",
    "GenerationSummary",
    "generate_portfolio",
]
