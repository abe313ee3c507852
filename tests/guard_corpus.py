"""Generated corpora for the personal-data guard: what a rector writes, date-time stamps, and the
identity and phone numbers the guard must find, in the writings people use. Seeded: the same
corpus every run, so the measured rates are facts, not samples.
"""
from __future__ import annotations

import datetime as dt
import random

TODAY = dt.date(2025, 12, 1)
MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
          "oktober", "november", "december"]


def check_digit(nine: str) -> str:
    """The Luhn check digit of nine digits (computed here, apart from the guard)."""
    total = 0
    for index, char in enumerate(nine):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value // 10 + value % 10
    return str((10 - total % 10) % 10)


def _date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _time(rng: random.Random) -> tuple[int, int]:
    return rng.randrange(7, 18), rng.choice([0, 0, 15, 30, 45, rng.randrange(60)])


# Ordinary text -----------------------------------------------------------------------------------

def _fragment(rng: random.Random) -> str:
    """One clause with numbers a rector writes: dates, times, diary numbers, amounts, codes."""
    day = _date(rng, dt.date(2019, 1, 1), dt.date(2027, 6, 30))
    other = day + dt.timedelta(days=rng.randrange(1, 40))
    (h1, m1), (h2, m2) = _time(rng), _time(rng)
    year = rng.randrange(2018, 2028)
    n = rng.randrange
    return rng.choice([
        f"Mötet hölls {day.isoformat()} kl. {h1:02d}.{m1:02d} i rum {n(1, 400)}",
        f"SIP-mötena {day.isoformat()} och {other.isoformat()} hade {n(2, 12)} deltagare",
        f"den {day.day} {MONTHS[day.month - 1]} {day.year} klockan {h1}:{m1:02d}",
        f"{day.day}/{day.month} och {other.day}/{other.month}",
        f"{day.strftime('%d-%m-%Y')} till {other.strftime('%d-%m-%Y')}",
        f"{day.strftime('%d.%m.%Y')} kl {h1:02d}.{m1:02d}-{h2:02d}.{m2:02d}",
        f"Öppet {h1:02d}{m1:02d}-{h2:02d}{m2:02d} och {h2:02d}.{m2:02d}–{h1:02d}.{m1:02d}",
        f"tider {h1:02d}:{m1:02d}–{h2:02d}:{m2:02d}, tel.tid {h1}-{h2}",
        f"Dnr {year}-{n(10 ** 6, 10 ** 7):07d} och dnr GRF {year}-{n(10 ** 4, 10 ** 5):05d}",
        f"Beslut dnr {n(1, 9)}.{n(1, 9)}.{n(1, 9)}-{n(1000, 9999)}/{year}",
        f"ärende SN {year}/{n(1, 2000)} och {year}:{n(1, 300)}",
        f"Budget {n(1, 999)} {n(1000):03d} {n(1000):03d} kr, {n(1, 99)} {n(1000):03d}:- per elev",
        f"{n(1, 50)} 000 - {n(50, 99)} 000 kr per termin, {n(1, 9)},{n(10)} mnkr",
        f"Skolenhetskod {n(10 ** 7, 10 ** 8)} och {n(10 ** 7, 10 ** 8)}",
        f"Göteborgs Stad, org.nr 2{n(1, 10)}{n(10)}000-{n(1000, 9999)}",
        f"Box {n(1, 9999)}, {n(100, 999)} {n(10, 99)} Göteborg",
        f"enligt SFS {n(1990, 2026)}:{n(1, 1500)} och prop. {year}/{(year + 1) % 100:02d}:{n(1, 200)}",
        f"läsåren {year}/{(year + 1) % 100:02d} och {year + 1}/{(year + 2) % 100:02d}, vecka {n(1, 40)}-{n(41, 52)}",
        f"{n(1, 100)} % av {n(100, 5000)} elever, {n(1, 30)},{n(10)} procent",
        f"bankgiro {n(100, 9999)}-{n(1000, 9999)}, plusgiro {n(10, 99)} {n(10, 99)} {n(10, 99)}-{n(10)}",
        f"version {n(1, 9)}.{n(0, 20)}.{n(0, 99)} från {year}",
        f"elevantal {n(100, 900)} ({year}), {n(100, 900)} ({year + 1})",
        f"registrerad {day.strftime('%Y%m%d')} och avslutad {other.strftime('%Y%m%d')}",
        f"{n(2, 30)} elever i årskurs {n(1, 9)}, {n(1, 5)} klasser, {n(10, 40)} lärare",
        f"tidsplan {year}–{year + n(1, 4)}, avstämning {n(1, 4)} gånger per termin",
    ])


def ordinary_texts(count: int, seed: int = 11) -> list[str]:
    """`count` sentences of ordinary text, each of two to four clauses."""
    rng = random.Random(seed)
    return [", ".join(_fragment(rng) for _ in range(rng.randint(2, 4))) + "." for _ in range(count)]


# Date-time stamps --------------------------------------------------------------------------------

STAMP_SHAPES = {
    "ÅÅÅÅMMDD-TTMM": "{d:%Y%m%d}-{h:02d}{m:02d}",
    "ÅÅÅÅMMDD TTMM": "{d:%Y%m%d} {h:02d}{m:02d}",
    "ÅÅÅÅMMDDTTMM": "{d:%Y%m%d}{h:02d}{m:02d}",
    "ÅÅÅÅ-MM-DD TT:MM": "{d:%Y-%m-%d} {h:02d}:{m:02d}",
    "ÅÅÅÅ-MM-DD TTMM": "{d:%Y-%m-%d} {h:02d}{m:02d}",
    "ÅÅÅÅ-MM-DDTTT:MM": "{d:%Y-%m-%d}T{h:02d}:{m:02d}",
    "ÅÅÅÅMMDDTTTMM": "{d:%Y%m%d}T{h:02d}{m:02d}",
    "ÅÅÅÅ-MM-DD-TTMM": "{d:%Y-%m-%d}-{h:02d}{m:02d}",
    "DD.MM.ÅÅÅÅ TT.MM": "{d:%d.%m.%Y} {h:02d}.{m:02d}",
    "ÅÅMMDD-TTMM": "{d:%y%m%d}-{h:02d}{m:02d}",
    "ÅÅMMDD TTMM": "{d:%y%m%d} {h:02d}{m:02d}",
}


def stamps(count: int, start: dt.date, end: dt.date, seed: int = 12) -> list[tuple[str, str]]:
    """(shape, text) for `count` date-time stamps dated from start to end, times of any minute."""
    rng = random.Random(seed)
    shapes = list(STAMP_SHAPES.items())
    made = []
    for index in range(count):
        shape, pattern = shapes[index % len(shapes)]
        stamp = pattern.format(d=_date(rng, start, end), h=rng.randrange(24), m=rng.randrange(60))
        made.append((shape, f"Loggat {stamp} i systemet."))
    return made


# What the guard must find ------------------------------------------------------------------------

IDENTITY_WRITINGS = {
    "ÅÅMMDD-NNNN": "{yy}{mm}{dd}-{s}", "ÅÅMMDD+NNNN": "{yy}{mm}{dd}+{s}", "ÅÅMMDDNNNN": "{yy}{mm}{dd}{s}",
    "ÅÅÅÅMMDDNNNN": "{cc}{yy}{mm}{dd}{s}", "ÅÅÅÅMMDD-NNNN": "{cc}{yy}{mm}{dd}-{s}",
    "ÅÅMMDD NNNN": "{yy}{mm}{dd} {s}", "ÅÅMMDD - NNNN": "{yy}{mm}{dd} - {s}",
    "ÅÅ MM DD-NNNN": "{yy} {mm} {dd}-{s}", "ÅÅMMDD.NNNN": "{yy}{mm}{dd}.{s}", "ÅÅMMDD/NNNN": "{yy}{mm}{dd}/{s}",
    "radbrytning": "{yy}{mm}{dd}\n{s}", "radbrytning med streck": "{yy}{mm}{dd}-\r\n{s}",
    "nollbrett mellanslag": "{yy}{mm}\u200b{dd}-{s}", "mjukt bindestreck": "{yy}{mm}{dd}\u00ad-{s}",
    "ÅÅÅÅ-MM-DD-NNNN": "{cc}{yy}-{mm}-{dd}-{s}", "tankstreck": "{yy}{mm}{dd}\u2013{s}",
    "hårt mellanslag": "{cc}{yy}{mm}{dd}\u00a0{s}",
}
# Written as a personnummer is written: a reader takes it for one even with a wrong check digit.
CANONICAL = ("ÅÅMMDD-NNNN", "ÅÅMMDD+NNNN", "ÅÅMMDD - NNNN", "tankstreck", "nollbrett mellanslag",
             "mjukt bindestreck", "radbrytning med streck")


def identity_numbers(count: int, *, coordination: bool = False, wrong_check: bool = False,
                     seed: int = 13) -> list[tuple[str, str]]:
    """(writing, sentence) for `count` identity numbers of people born 1930 to two years before TODAY."""
    rng = random.Random(seed + coordination * 2 + wrong_check)
    writings = list(IDENTITY_WRITINGS.items())
    if wrong_check:
        writings = [(name, pattern) for name, pattern in writings if name in CANONICAL]
    made = []
    for index in range(count):
        born = _date(rng, dt.date(1930, 1, 1), TODAY - dt.timedelta(days=732))
        day = born.day + (60 if coordination else 0)
        nine = f"{born:%y%m}{day:02d}{rng.randrange(1000):03d}"
        last = check_digit(nine)
        if wrong_check:
            last = str((int(last) + rng.randrange(1, 10)) % 10)
        name, pattern = writings[index % len(writings)]
        number = pattern.format(cc=f"{born:%Y}"[:2], yy=nine[:2], mm=nine[2:4], dd=nine[4:6], s=nine[6:] + last)
        made.append((name, f"Eleven med nummer {number} kom inte till mötet."))
    return made


PHONE_WRITINGS = ["0{a}-{b} {c} {d}", "0{a}{b}{c}{d}", "0{a} {b} {c} {d}", "+46 {a} {b} {c} {d}",
                  "+46{a}{b}{c}{d}", "0046 {a} {b} {c} {d}", "0{a}.{b}.{c}.{d}", "0{a} - {b} {c} {d}",
                  "0{a}\u2013{b}\u00a0{c}\u00a0{d}", "0{a}-{b}\n{c} {d}"]


def phone_numbers(count: int, seed: int = 14) -> list[tuple[str, str]]:
    """(writing, sentence) for `count` Swedish mobile and Göteborg numbers."""
    rng = random.Random(seed)
    made = []
    for index in range(count):
        pattern = PHONE_WRITINGS[index % len(PHONE_WRITINGS)]
        area = rng.choice(["70", "72", "73", "76", "31"])
        number = pattern.format(a=area, b=f"{rng.randrange(100, 1000)}", c=f"{rng.randrange(100):02d}",
                                d=f"{rng.randrange(100):02d}")
        made.append((pattern, f"Ring vårdnadshavaren på {number} efter mötet."))
    return made
