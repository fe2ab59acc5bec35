"""The rules' grade: score, level and reasons (a part of :class:`monitor.analyse.Analyser`; the
formula is in that module's docstring)."""

from __future__ import annotations

from .levels import SEVERITIES


class Grading:
    """``Analyser``'s scoring step; needs ``self.config`` and ``self.rules``."""

    def _by_weight(self, categories: dict[str, list[str]]) -> list[str]:
        def rank(name: str):
            cat = self.rules[name].cat
            return (-SEVERITIES.index(cat.severity), -cat.weight, name)

        return sorted(categories, key=rank)

    def reach_points(self, reach: dict | None, outlet: str) -> tuple[float, str]:
        """Points for how far it travelled: engagement and audience per tenfold, or a listed outlet."""
        import math

        r = self.config.reach
        points, why = 0.0, []
        figures = reach or {}
        audience = sum(v for k, v in figures.items() if k in ("followers", "subscribers"))
        engagement = sum(v for k, v in figures.items() if k not in ("followers", "subscribers"))
        if engagement > 10:
            p = r.per_tenfold * (math.log10(engagement) - 1)
            points += p
            why.append(f"{engagement:,} interactions (+{p:.1f})")
        if audience > 1000:
            p = r.audience_per_tenfold * (math.log10(audience) - 3)
            points += p
            why.append(f"audience {audience:,} (+{p:.1f})")
        outlet = (outlet or "").lower()
        for name, weight in r.outlets.items():
            if name and name in outlet:
                points += weight
                why.append(f"outlet {name} (+{weight:g})")
                break
        points = min(points, r.max_points)
        return points, ", ".join(why)

    def grade(self, categories: dict[str, list[str]], targeted: float,
              reach: tuple[float, str] = (0.0, "")) -> tuple[float, str, list[str]]:
        """Score, level and the reasons for both (the formula in this module's docstring)."""
        t = self.config.thresholds
        reasons: list[str] = []
        score = 0.0
        for name in self._by_weight(categories):
            cat = self.rules[name].cat
            words = ", ".join(f"'{w}'" for w in categories[name])
            score += cat.weight
            reasons.append(f"{name}: {words} (+{cat.weight:g})")
        if targeted <= t.negative:
            points = t.sentiment_weight * -targeted
            score += points
            reasons.append(f"negative about us: sentiment {targeted:+.2f} (+{points:.1f})")
        if reach[0] and score > 0:  # reach raises the stakes of a concern; it never creates one
            score += reach[0]
            reasons.append(f"reach: {reach[1]} (capped at +{self.config.reach.max_points:g})")
        level = "info"
        for name in ("watch", "alert", "crisis"):
            if score >= getattr(t, name):
                level = name
        reasons.append(f"score {score:.1f} -> {level} (watch {t.watch:g}, alert {t.alert:g}, crisis {t.crisis:g})")
        for name in self._by_weight(categories):
            floor = self.rules[name].cat.severity
            if SEVERITIES.index(floor) > SEVERITIES.index(level):
                reasons.append(f"{name} is always at least {floor}")
                level = floor
        lifters = [n for n in categories if self.rules[n].cat.lifts]
        serious = [n for n in categories if n not in lifters
                   and SEVERITIES.index(self.rules[n].cat.severity) >= SEVERITIES.index("alert")]
        if lifters and serious and level != "crisis":
            raised = SEVERITIES[SEVERITIES.index(level) + 1]
            reasons.append(f"{lifters[0]} spreads a serious concern ({serious[0]}): {level} -> {raised}")
            level = raised
        return score, level, reasons
