"""Runs every simulation stage in order, with the one seeded generator, before any output."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from clawback.demo.generator.accounts import Accounts, build_accounts
from clawback.demo.generator.common import Dice
from clawback.demo.generator.companies import Companies, build_companies
from clawback.demo.generator.flows import Flows, background_flows
from clawback.demo.generator.households import (
    Households,
    Relations,
    build_relations,
    draw_households,
)
from clawback.demo.generator.ledger import Memos, Transfers
from clawback.demo.generator.persons import People, build_people
from clawback.demo.generator.plan import Plan, plan_cases
from clawback.demo.generator.typologies import Events

__all__ = [
    "Simulation",
    "simulate",
]


@dataclass
class Simulation:
    """Everything simulated for one portfolio, before any string is formatted."""

    plan: Plan
    hh: Households
    people: People
    rels: Relations
    co: Companies
    acc: Accounts
    flows: Flows
    events: Events


def simulate(rng: np.random.Generator, size: int, s0: int,
             report: Callable[[str], None]) -> Simulation:
    """Run every stage in order; the order of draws from ``rng`` fixes the output."""
    dice = Dice(rng)
    plan = plan_cases(rng, size, s0)
    report("plan")
    hh = draw_households(rng, plan)
    people = build_people(rng, plan, hh)
    rels = build_relations(rng, plan, hh)
    report("persons")
    co = build_companies(dice, plan, hh)
    report("companies")
    acc = build_accounts(rng, plan, people, co)
    report("accounts")
    flows = Flows(rng, plan, hh, co, acc, Memos(), Transfers(), people.n)
    background_flows(flows)
    report("transfers")
    events = Events(dice, flows, people, rels)
    events.run()
    report("events")
    return Simulation(plan, hh, people, rels, co, acc, flows, events)
