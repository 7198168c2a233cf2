"""The book's one rule for meta-inferences, and the check of a claim's wording against its evidence.

Every row of a joint display (J01, J02, J03) links the thesis' qualitative reading to survey
statistics, each through a *statistic link*: a survey item, the thesis' wording about how
widespread something is (the *claim*, quoted with its lines), the *extent* that wording claims,
and whether the item measures the claim itself (``same``) or only a related aspect of it
(``aspect``). The rule, applied to each link's interval [low, high] for the share:

1. The extent sets a threshold: ``general`` ("a majority", "gennemgående", a printed share above
   one half) and ``group`` (a statement about a group as such, with no quantifier: "borgerne
   oplever ...", "frontlinjeaktørerne presses ...") need more than one half, ``common``
   ("mange", "ofte", a printed share between a quarter and a half) more than one quarter,
   ``present`` ("flere", "nogle", "kan", or no extent for a described case) more than none.
2. The interval lies *above* the threshold (low > threshold), *below* it (high < threshold), or
   *straddles* it.
3. A link **confirms** when the item measures the claim itself and the interval lies above the
   threshold; it **diverges** when the interval lies below the threshold and the item is a
   closed question (a count of free-text mentions is only a lower bound on how many share the
   experience, so it can never show that few do); otherwise it **expands**: the survey measures
   another aspect, or cannot decide the claimed extent, and each strand adds what the other
   cannot show.
4. A row with no link is **qualitative only**. A row with links diverges if any link diverges,
   confirms if every link confirms, and expands otherwise.

The wording of a claim is *carried* by a link when that link confirms. A claim with no survey
link is carried by excerpts only when it claims no more than presence: interviews and free-text
answers show that something happens and how, never how often.
"""

from __future__ import annotations

from dataclasses import dataclass

from welfare_paradoxes.engine.display import percent, percent_interval

META_INFERENCES = ("confirms", "expands", "diverges", "qualitative only")
EXTENT_THRESHOLDS = {"general": 0.5, "group": 0.5, "common": 0.25, "present": 0.0}
THRESHOLD_WORDS = {
    "general": "one half",
    "group": "one half",
    "common": "one quarter",
    "present": "zero",
}
EXTENT_WORDS = {
    "general": "more than half",
    "group": "that it holds for the group as such",
    "common": "a common experience (more than a quarter)",
    "present": "that it occurs",
}
RELATIONS = ("same", "aspect")
MEASURES = ("closed", "mention")


@dataclass(frozen=True)
class LinkedStatistic:
    """One statistic of a link, computed: what the rule needs to decide it."""

    survey: str
    label: str  # the item or category, in English
    k: int
    n: int
    low: float
    high: float
    method: str  # the interval's label (the book's recommended method)
    relation: str
    extent: str
    claim: str
    claim_lines: str
    measure: str

    @property
    def interval_text(self) -> str:
        return f"{self.method} {percent_interval(self.low, self.high)}"

    @property
    def summary(self) -> str:
        return f"{self.label}: {self.k}/{self.n} = {percent(self.k / self.n)}, {self.interval_text}"


@dataclass(frozen=True)
class Decision:
    verdict: str
    position: str  # above, below, straddles; "" for a row without statistics
    reason: str
    wording_carried: bool


def summaries(statistics: list[LinkedStatistic]) -> list[str]:
    """Each statistic's summary once, in order (two claims may be read against one item)."""
    return list(dict.fromkeys(statistic.summary for statistic in statistics))


def line_reference(lines: str) -> str:
    """``"line 2515"`` or ``"lines 1052-1054"``."""
    return f"line{'s' * any(mark in lines for mark in '-;')} {lines}"


def position(low: float, high: float, extent: str) -> str:
    """Where the interval lies against the extent's threshold: above, below or straddles."""
    threshold = EXTENT_THRESHOLDS[extent]
    if low > threshold:
        return "above"
    if high < threshold:
        return "below"
    return "straddles"


def decide_link(statistic: LinkedStatistic) -> Decision:
    """Steps 1-3 of the rule for one statistic; the reason names the interval and its position."""
    if statistic.relation not in RELATIONS:
        raise ValueError(f"relation {statistic.relation!r}: expected one of {RELATIONS}")
    if statistic.measure not in MEASURES:
        raise ValueError(f"measure {statistic.measure!r}: expected one of {MEASURES}")
    where = position(statistic.low, statistic.high, statistic.extent)
    threshold = THRESHOLD_WORDS[statistic.extent]
    placed = {"above": "lies above", "below": "lies below", "straddles": "straddles"}[where]
    reason = f"{statistic.label} {statistic.interval_text} {placed} {threshold}"
    if statistic.measure == "mention":
        reason += " (a count of mentions: a lower bound on the share)"
    if where == "above" and statistic.relation == "same":
        return Decision("confirms", where, reason + ".", True)
    if where == "below" and statistic.measure == "closed":
        return Decision("diverges", where, reason + ": the survey contradicts it.", False)
    if where == "straddles":
        reason += ": the survey cannot decide it."
    elif where == "below":
        reason += ", which cannot show that few share it."
    else:
        reason += ", but the item measures a related aspect, not the claim itself."
    return Decision("expands", where, reason, False)


def decide(statistics: list[LinkedStatistic]) -> Decision:
    """Step 4: the row's meta-inference from all its statistics, with one sentence per claim."""
    if not statistics:
        return Decision("qualitative only", "", "No survey item bears on it.", False)
    decisions = [decide_link(statistic) for statistic in statistics]
    verdicts = {decision.verdict for decision in decisions}
    if "diverges" in verdicts:
        verdict = "diverges"
    elif verdicts == {"confirms"}:
        verdict = "confirms"
    else:
        verdict = "expands"
    claims: dict[tuple[str, str, str], list[str]] = {}
    for statistic, decision in zip(statistics, decisions, strict=True):
        key = (statistic.claim, statistic.claim_lines, statistic.extent)
        claims.setdefault(key, []).append(decision.reason.rstrip("."))
    sentences = [
        f"“{claim}” ({line_reference(lines)}) claims {EXTENT_WORDS[extent]}: {'; '.join(reasons)}."
        for (claim, lines, extent), reasons in claims.items()
    ]
    return Decision(
        verdict,
        "; ".join(decision.position for decision in decisions),
        " ".join(sentences),
        all(decision.wording_carried for decision in decisions),
    )


def qualitative_wording(extent: str, n_excerpts: int, n_speakers: int) -> tuple[bool, str]:
    """Whether excerpts alone carry a claim of ``extent``, and why."""
    if extent not in EXTENT_THRESHOLDS:
        raise ValueError(f"extent {extent!r}: expected one of {list(EXTENT_THRESHOLDS)}")
    voices = f"{n_excerpts} excerpt{'s' * (n_excerpts != 1)} from {n_speakers} speaker" + (
        "s" * (n_speakers != 1)
    )
    if n_excerpts == 0:
        return False, "no excerpt supports it"
    if extent == "present":
        return True, f"it claims only that this occurs, and {voices} show it"
    return False, (
        f"it claims {EXTENT_WORDS[extent]}, which excerpts cannot measure; it rests on {voices}"
    )
