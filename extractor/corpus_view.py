"""The corpus seen whole: who voices which canonical positions, when, and what one side's
media report that the other's leave out. Pure functions over claim records (the claim
lines readout writes), so the tidy tables (`readout export table`) and the index page's
view are the same numbers."""
from __future__ import annotations

from collections import Counter, defaultdict

POSITION_COLUMNS = ["meeting", "year", "side", "holder", "position", "claims"]
VOICE_COLUMNS = ["outlet", "side", "year", "holder", "label", "claims"]


def _year(claim: dict) -> str:
    return str(claim.get("date") or "")[:4] or "unknown"


def position_table(claims: list[dict]) -> list[dict]:
    """meeting x year x outlet side x holder x position: claims linking the position."""
    counts: Counter = Counter()
    for c in claims:
        for pid in c.get("positions") or []:
            counts[(c.get("meeting") or "", _year(c), c.get("side") or "", c.get("holder") or "", pid)] += 1
    return [dict(zip(POSITION_COLUMNS, (*k, n))) for k, n in sorted(counts.items())]


def voice_table(claims: list[dict]) -> list[dict]:
    """outlet x outlet side x year x holder x label: whose voice each outlet carries."""
    counts: Counter = Counter()
    for c in claims:
        counts[(c.get("outlet") or "", c.get("side") or "", _year(c), c.get("holder") or "", c["label"])] += 1
    return [dict(zip(VOICE_COLUMNS, (*k, n))) for k, n in sorted(counts.items())]


# `readout export table --table NAME`: the function that counts it and its columns
TABLES = {"positions": (position_table, POSITION_COLUMNS), "voices": (voice_table, VOICE_COLUMNS)}


def positions_by_year(claims: list[dict]) -> dict[str, dict[str, dict[str, int]]]:
    """side -> position -> year -> claims: how often each side's media voice each position."""
    out: dict = defaultdict(lambda: defaultdict(Counter))
    for c in claims:
        for pid in c.get("positions") or []:
            out[c.get("side") or "unknown"][pid][_year(c)] += 1
    return {s: {p: dict(sorted(y.items())) for p, y in sorted(ps.items())} for s, ps in sorted(out.items())}


def omissions(claims: list[dict], two_sided: set[str] | None = None) -> dict[str, dict[str, list[str]]]:
    """Over the meetings told by both sides: for each side, the positions its accounts
    report and the other side's accounts of the same meeting leave out, with the meetings.
    `two_sided` names those meetings (an account with no claim still tells its meeting);
    without it, a meeting counts when claims of both sides are given."""
    by_meeting: dict = defaultdict(lambda: defaultdict(set))
    for c in claims:
        if c.get("meeting") and c.get("side") in ("vn", "cn"):
            by_meeting[c["meeting"]][c["side"]].update(c.get("positions") or [])
    if two_sided is None:
        two_sided = {m for m, sides in by_meeting.items() if {"vn", "cn"} <= set(sides)}
    out: dict = {"vn": defaultdict(list), "cn": defaultdict(list)}
    for meeting in sorted(two_sided):
        sides = by_meeting.get(meeting, {})
        for side, other in (("vn", "cn"), ("cn", "vn")):
            for pid in sorted(sides.get(side, set()) - sides.get(other, set())):
                out[side][pid].append(meeting)
    return {s: dict(sorted(v.items(), key=lambda kv: (-len(kv[1]), kv[0]))) for s, v in out.items()}


def voice_shares(claims: list[dict]) -> dict[str, dict[str, float]]:
    """outlet -> holder -> share of its claims: whose voice each outlet gives most room."""
    counts: dict = defaultdict(Counter)
    for c in claims:
        counts[c.get("outlet") or c.get("side") or "unknown"][c.get("holder") or "?"] += 1
    return {o: {h: round(n / sum(hs.values()), 3) for h, n in sorted(hs.items())} for o, hs in sorted(counts.items())}


def corpus_view(claims: list[dict], meetings: list[dict]) -> dict:
    """Everything the index page's corpus section shows, as plain data: per side a
    position x year grid of counts (drawn as a heat map), the omissions with links to the
    meetings, and each outlet's voice shares. `meetings`: the index rows (meeting, href,
    vn and cn articles), which say which meetings both sides told."""
    hrefs = {m["meeting"]: m["href"] for m in meetings}
    two_sided = {m["meeting"] for m in meetings if m["vn"] and m["cn"]}
    by_year = positions_by_year(claims)
    years = sorted({y for ps in by_year.values() for ys in ps.values() for y in ys})
    grids = {}
    for side, ps in by_year.items():
        rows = sorted(ps, key=lambda p: (-sum(ps[p].values()), p))
        grids[side] = {"years": years, "rows": [{"position": p, "total": sum(ps[p].values()),
                                                 "cells": [ps[p].get(y, 0) for y in years]} for p in rows],
                       "max": max((n for p in ps.values() for n in p.values()), default=0)}
    return {"claims": len(claims), "meetings": len(meetings), "two_sided": len(two_sided), "grids": grids,
            "omissions": {side: [{"position": p, "meetings": [{"id": m, "href": hrefs.get(m)} for m in ms]}
                                 for p, ms in v.items()] for side, v in omissions(claims, two_sided).items()},
            "voices": voice_shares(claims)}

