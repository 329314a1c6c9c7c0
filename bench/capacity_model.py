"""The capacity model's arithmetic and its assumptions: what a district does at its busiest
hours, what each unit of that work costs each component (measured here), and from those the
cores each component needs, which one runs out first and how far the measured latency growth
carries to the district's size. Pure: no files, no clock; bench/capacity.py feeds it the
benchmarks' figures and writes docs/capacity.md from its answers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

# -- the district ----------------------------------------------------------------------------

# The district planned for: a thousand schools of every size...
DISTRICT_SCHOOLS = 1_000
# ...holding ten million registrations, the busiest school 5 % of them (bench/harness.py).
DISTRICT_REGISTRATIONS = 10_000_000
# The registrations a district holds span two years of submissions, as the dashboard
# benchmark generates them (bench/dashboard.py HISTORY_DAYS = 730): half are this year's.
YEARS_HELD = 2
# A tenth of the year's submissions arrive on enrolment opening day: bench/kpi.py's
# --peak-share default, the day its daily-aggregate target is set for.
OPENING_DAY_SHARE_OF_YEAR = 0.10
# A quarter of that day arrives in its first hour: the form opens at 08:00 and the families who
# waited for it (places are first come, first served) come at once. An assumption, and the one
# the submissions figure moves with: halve it and the opening hour's submissions halve.
OPENING_HOUR_SHARE_OF_DAY = 0.25
# Staff signed in at each school during the opening hour (registrars and an admin).
STAFF_ONLINE_PER_SCHOOL = 4
# What each of them does per minute while triaging: a lead-queue page (list, filter or search)
# every 10 s, a decision every 30 s, a look at the dashboard every 2 minutes.
QUEUE_VIEWS_PER_STAFF_MINUTE = 6.0
STATUS_CHANGES_PER_STAFF_MINUTE = 2.0
DASHBOARD_VIEWS_PER_STAFF_MINUTE = 0.5
# Each submission and each status change commits one outbox event (the trigger on
# student_self_registrations, docs/events.md).
EVENTS_PER_SUBMISSION = 1
EVENTS_PER_STATUS_CHANGE = 1
# Each submission mails the family its confirmation; each status change its status update
# (status updates are on unless a school turns them off, docs/notifier.md).
MESSAGES_PER_SUBMISSION = 1
MESSAGES_PER_STATUS_CHANGE = 1
# Every event goes to the notifier's, the KPI service's and the dashboard's queue.
QUEUES_PER_EVENT = 3

# -- the 08:00 reminder wave -----------------------------------------------------------------

# Reminders per opening-day submission that fall due at once some days later: a needs_info
# reminder for the fifth of new leads asked for more (bench/dashboard.py's mix for leads under
# 14 days old) and an invoice reminder for a tenth of them (approved, invoiced, not yet paid).
REMINDERS_PER_OPENING_DAY_SUBMISSION = 0.30
# The share of a day's reminders that fall due in quiet hours (21:00-08:00, the notifier's
# default) and are held until 08:00: 11 of 24 hours, taking due times as spread over the day.
QUIET_HOURS_SHARE_OF_DAY = 11 / 24
# The held reminders should all be out within ten minutes of 08:00: families read them with
# their morning mail, and the school's day starts with the answers coming in.
WAVE_SEND_SECONDS = 600

# -- what one unit of each component is, and how many the shipped deployment runs ------------


@dataclass(frozen=True)
class Component:
    name: str
    # The cores one unit can use: a Python worker or relay is one process, so at most one core;
    # a web instance is gunicorn with 2 workers per core on its host.
    unit_cores: float
    unit: str
    shipped_units: int  # deploy/supervisor/edquill.conf, deploy/docker-compose.cluster.yml
    # None: add units as long as there is load; a number: the most units that can share the
    # work (one notifier consumer per queue keeps a registration's events in order).
    max_units: int | None
    scales_out: str
    # Units are added this many at a time: web instances in pairs, so one can stop meanwhile.
    in_multiples_of: int = 1


# A web instance's host: 2 cores, as this machine (an instance per host, a pair per service).
WEB_INSTANCE_CORES = 2
# The primary a district would run: a 16-core database server. An assumption: writes cannot
# be spread over more than one, so this is the ceiling of the whole district.
PRIMARY_CORES = 16
# A read replica the same size as the primary.
REPLICA_CORES = 16
# A RabbitMQ node: the size of a web instance's host; deploy/docker-compose.cluster.yml runs 3.
RABBITMQ_NODE_CORES = 2
# The SMTP relay's side: one connection, as the notifier's sender keeps one open per worker.
SMTP_CONNECTION = 1

COMPONENTS = (
    Component(
        "outbox relay",
        1,
        "relay process",
        2,
        None,
        "more relays, up to the partition count (16 as shipped; `edquill outbox partitions "
        "--set N` raises it, relays stopped); a registration's events stay in one partition, "
        "so order holds",
    ),
    Component(
        "notifier worker",
        1,
        "worker process",
        1,
        1,
        "one active worker per queue: it handles its batches of events in the order "
        "delivered, so a registration's events keep commit order, which competing workers on "
        "the quorum queue would not (a payment's reminder stop could go ahead of the invoice "
        "that schedules the reminder); the queue is single active consumer, so a second "
        "worker's consumer stands by and takes over, and its sender sends. Its sending scales "
        "by claims (two workers drain one send queue side by side), its consuming does not: "
        "past one core the queue must be split by registration (as the relay's partitions "
        "split the outbox), a change not made yet",
    ),
    Component(
        "KPI worker",
        1,
        "worker process",
        1,
        None,
        "competing workers on the quorum queue: its figures are sums and do not depend on the "
        "order of events (docs/kpi.md), so any number can share the queue",
    ),
    Component(
        "dashboard worker",
        1,
        "worker process",
        1,
        None,
        "competing workers on the quorum queue: a status only changes for a newer event "
        "(docs/dashboard.md), so order is not needed",
    ),
    Component(
        "registrar API",
        WEB_INSTANCE_CORES,
        "instance",
        2,
        None,
        "more instances behind the gateway (deploy/nginx/edquill.conf), added in pairs",
        in_multiples_of=2,
    ),
    Component(
        "dashboard API",
        WEB_INSTANCE_CORES,
        "instance",
        2,
        None,
        "more instances behind the gateway, in pairs; its 30 s answer cache is per instance",
        in_multiples_of=2,
    ),
    Component(
        "KPI API",
        WEB_INSTANCE_CORES,
        "instance",
        2,
        None,
        "more instances behind the gateway, in pairs; its figures read from a replica",
        in_multiples_of=2,
    ),
    Component(
        "notifier API",
        WEB_INSTANCE_CORES,
        "instance",
        2,
        None,
        "more instances behind the gateway, in pairs",
        in_multiples_of=2,
    ),
    Component(
        "SMTP sending",
        SMTP_CONNECTION,
        "connection",
        1,
        None,
        "one connection per sender worker; more sender workers, each its own connection",
    ),
    Component(
        "RabbitMQ",
        RABBITMQ_NODE_CORES,
        "node",
        3,
        None,
        "more nodes in the cluster (deploy/rabbitmq/cluster.conf); a quorum queue's work sits "
        "on its leader, so the queues' leaders are spread over the nodes",
    ),
    Component(
        "MySQL primary",
        PRIMARY_CORES,
        "server",
        1,
        1,
        "does not scale out: every write and every read-your-writes read goes to the one "
        "primary; a bigger server, or the district split by school over several primaries",
    ),
    Component(
        "MySQL replicas",
        REPLICA_CORES,
        "replica",
        0,
        None,
        "more replicas behind EDQUILL_MYSQL_REPLICA_URL for the lag-tolerant reads (the "
        "dashboard's overview, the KPI figures)",
    ),
)

# -- work and its cost -----------------------------------------------------------------------


@dataclass(frozen=True)
class Workload:
    """A kind of work measured here: how many units a benchmark did per second and the cores
    each component used meanwhile; `assumed` names the costs that are not measured."""

    name: str
    unit: str
    rate: float
    cores: dict[str, float]
    source: str
    assumed: dict[str, str] = field(default_factory=dict)
    # The machine's busy cores meanwhile (everyone's work): near all of them, the figure was
    # taken on a saturated machine and the rate is that of a share of it.
    machine_busy: float | None = None

    def cost(self, component: str) -> float:
        """Core-seconds of `component` per unit of this work."""
        return self.cores.get(component, 0.0) / self.rate if self.rate else 0.0

    def per_core(self, component: str) -> float | None:
        """Units of this work one core of `component` does per second."""
        cost = self.cost(component)
        return 1 / cost if cost else None

    def scaled(self, factor: float, components: tuple[str, ...]) -> "Workload":
        """The same work at `factor` times the cost for these components (a larger table)."""
        cores = {
            name: used * factor if name in components else used for name, used in self.cores.items()
        }
        return replace(self, cores=cores)


def opening_hour_rates() -> dict[str, float]:
    """Units of each work per second in the opening hour of enrolment, district-wide."""
    yearly_submissions = DISTRICT_REGISTRATIONS / YEARS_HELD
    submissions = yearly_submissions * OPENING_DAY_SHARE_OF_YEAR * OPENING_HOUR_SHARE_OF_DAY / 3600
    staff = DISTRICT_SCHOOLS * STAFF_ONLINE_PER_SCHOOL
    status_changes = staff * STATUS_CHANGES_PER_STAFF_MINUTE / 60
    events = submissions * EVENTS_PER_SUBMISSION + status_changes * EVENTS_PER_STATUS_CHANGE
    messages = submissions * MESSAGES_PER_SUBMISSION + status_changes * MESSAGES_PER_STATUS_CHANGE
    return {
        "submission": submissions,
        "status change": status_changes,
        "lead-queue read": staff * QUEUE_VIEWS_PER_STAFF_MINUTE / 60,
        "dashboard view": staff * DASHBOARD_VIEWS_PER_STAFF_MINUTE / 60,
        "relayed event": events,
        "notifier message": messages,
        "KPI event": events,
        "dashboard event": events,
        "SMTP message": messages,
        "queued delivery": events * QUEUES_PER_EVENT,
    }


def held_reminders() -> float:
    """Reminders held through the night and released at 08:00 in the days after opening."""
    opening_day = DISTRICT_REGISTRATIONS / YEARS_HELD * OPENING_DAY_SHARE_OF_YEAR
    return opening_day * REMINDERS_PER_OPENING_DAY_SUBMISSION * QUIET_HOURS_SHARE_OF_DAY


def reminder_wave_rates() -> dict[str, float]:
    """Units of each work per second while the 08:00 wave goes out in WAVE_SEND_SECONDS."""
    messages = held_reminders() / WAVE_SEND_SECONDS
    return {"notifier message": messages, "SMTP message": messages}


def cores_needed(rates: dict[str, float], workloads: dict[str, Workload]) -> dict[str, float]:
    """Cores of each component the work asks for: each rate times its measured cost."""
    needed: dict[str, float] = {}
    for name, rate in rates.items():
        for component, used in workloads[name].cores.items():
            needed[component] = needed.get(component, 0.0) + rate * used / workloads[name].rate
    return needed


@dataclass(frozen=True)
class Need:
    component: Component
    cores: float

    @property
    def units(self) -> int:
        if not self.cores:
            return 0
        step = self.component.in_multiples_of
        return math.ceil(self.cores / self.component.unit_cores / step) * step

    @property
    def shipped_use(self) -> float | None:
        """The share of the shipped deployment's cores for this component the work takes."""
        shipped = self.component.shipped_units * self.component.unit_cores
        return self.cores / shipped if shipped else None

    @property
    def beyond_limit(self) -> bool:
        """More units needed than can share the work: the component cannot carry the load."""
        limit = self.component.max_units
        return limit is not None and self.units > limit


def needs(cores: dict[str, float]) -> list[Need]:
    """Every component's need, those that run out first (largest share of what is shipped;
    a component with nothing shipped, such as replicas, after them) at the top."""
    listed = [Need(component, cores.get(component.name, 0.0)) for component in COMPONENTS]
    return sorted(listed, key=lambda need: -(need.shipped_use or 0.0))


def first_to_saturate(cores: dict[str, float]) -> Need:
    return needs(cores)[0]


# -- latency growth --------------------------------------------------------------------------


@dataclass(frozen=True)
class Growth:
    """How a latency grew from one measured size to a larger one, and where that leads."""

    small_size: int
    small_ms: float
    large_size: int
    large_ms: float

    @property
    def factor(self) -> float:
        return self.large_ms / self.small_ms

    @property
    def exponent(self) -> float:
        """k in latency ~ size^k, from the two sizes: 1 is linear, 0 flat."""
        return math.log(self.factor) / math.log(self.large_size / self.small_size)

    def at(self, size: int) -> float:
        """The latency at `size`, carried on from the larger measurement at the measured rate
        of growth; a measured shrink (noise) is carried on as flat, never as an improvement."""
        return self.large_ms * (size / self.large_size) ** max(0.0, self.exponent)
