"""A KPI's figures as its sentence writes them: every one at the KPI's one precision
(:attr:`KpiView.places`), points with at least one place, percents with one."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from opsreport.present import formatting as f

__all__ = ["Figures"]


@dataclass(frozen=True, slots=True)
class Figures:
    """Formats the figures of one KPI (its unit, its view's places, the language)."""

    unit: str
    places: int
    pp_places: int
    lang: str

    def amount(self, value: Decimal | None) -> str:
        """8.37亿元, 14.8%, 3.4倍 at the KPI's places."""
        return f.fmt_amount(value, self.unit, self.places, self.lang)

    def signed_amount(self, value: Decimal) -> str:
        """+31万人, -1.5小时: a change in the KPI's unit."""
        return f.fmt_signed(value, self.unit, self.places, self.lang)

    def points(self, value: Decimal, *, signed: bool = False) -> str:
        """2.3个百分点 / +2.3 pp, at the view's points places."""
        return f.fmt_pp(value, self.pp_places, signed=signed, lang=self.lang)

    @staticmethod
    def pct(fraction: Decimal, *, signed: bool = False) -> str:
        """A relative change or share with one place: +30.4%."""
        return f.fmt_pct(fraction, 1, signed=signed)
