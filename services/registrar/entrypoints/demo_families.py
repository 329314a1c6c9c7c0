"""The demo's families: names, e-mail addresses and what each fills in on the form, from the
caller's seeded random (the same seed, the same families)."""

from __future__ import annotations

import random
from datetime import datetime

FIRST_NAMES = (
    "Ada",
    "Alan",
    "Grace",
    "Edsger",
    "Barbara",
    "Donald",
    "Frances",
    "John",
    "Katherine",
    "Linus",
    "Margaret",
    "Niklaus",
    "Radia",
    "Tim",
    "Hedy",
    "Dennis",
    "Sophie",
    "Yukihiro",
    "Guido",
    "Anita",
    "Leslie",
    "Shafi",
    "Karen",
    "Ken",
)
LAST_NAMES = (
    "Lovelace",
    "Turing",
    "Hopper",
    "Dijkstra",
    "Liskov",
    "Knuth",
    "Allen",
    "McCarthy",
    "Johnson",
    "Torvalds",
    "Hamilton",
    "Wirth",
    "Perlman",
    "Berners-Lee",
    "Lamarr",
    "Ritchie",
    "Wilson",
    "Matsumoto",
    "van Rossum",
    "Borg",
    "Lamport",
    "Goldwasser",
    "Sparck Jones",
    "Thompson",
)
SOURCES = ("website", "referral", "open_day", "social", "search")


def demo_submission(rng: random.Random, programs: tuple[str, ...], number: int) -> dict:
    """What a demo family types into the form: every one says yes to e-mail, so the mail the
    notifier sends (reminders too) shows in the mail sink."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return {
        "student_first_name": first,
        "student_last_name": last,
        "date_of_birth": datetime(
            2010 + rng.randrange(12), 1 + rng.randrange(12), 1 + rng.randrange(28)
        ).date(),
        "guardian_name": f"{rng.choice(FIRST_NAMES)} {last}",
        # The number keeps every demo submission distinct (they are fingerprinted).
        "guardian_email": f"{last.lower().replace(' ', '')}.{number}@families.example",
        "guardian_phone": f"+1 555 {rng.randrange(1000000):07d}",
        "program": rng.choice(programs),
        "source": rng.choice(SOURCES),
        "consent_email": True,
        "consent_sms": rng.random() < 0.5,
        "utm_source": rng.choice((None, "google", "facebook", "newsletter")),
    }
