"""Economic consequences: benefit levels before and after tax (T08), the societal cost figures
(T09) and monthly income along the typical trajectory (F03).

The tax model is the Danish personal income tax of 2024 for one person with no other income,
computed for a year and divided by twelve:

* AM-bidrag (8 %) on wages only. Sygedagpenge, ressourceforløbsydelse and the other public
  transfers carry none (skat.dk); the model follows the ``am_bidrag`` column of the benefit rates.
* Bundskat on personal income (after AM-bidrag) above the personfradrag.
* Kommuneskat, and kirkeskat for members of Folkekirken, on taxable income (personal income
  less beskæftigelsesfradrag and jobfradrag, which only wages earn) above the personfradrag.
* Incomes above the topskat threshold are refused: the benefits studied lie far below it.

Every rate is read from ``data/economics`` with its source. Left out, and said so in the chapter:
ATP contributions, other deductions (union fees, transport), housing benefit and other
means-tested supplements, and the spouse's situation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib
import matplotlib.lines
import matplotlib.patches
import matplotlib.ticker
import polars as pl
from matplotlib.figure import Figure

from welfare_paradoxes.engine.artifacts import Table
from welfare_paradoxes.engine.datafiles import read_text_csv
from welfare_paradoxes.engine.display import format_cell
from welfare_paradoxes.engine.paths import DATA_DIR
from welfare_paradoxes.thesis import THESIS_FILE

TAX_FILE = Path("economics") / "tax_parameters.csv"
RATES_FILE = Path("economics") / "benefit_rates.csv"
COST_FILE = Path("economics") / "societal_cost.csv"
TRAJECTORY_FILE = Path("economics") / "trajectory.csv"

WEEKS_PER_YEAR = 52
MONTHS_PER_YEAR = 12
STATUSES = ("confirmed", "proxy", "assumption")
# The thesis' band for the monthly fall from sygedagpenge to ressourceforløbsydelse (line 1484).
THESIS_FALL_BAND = (5000, 7000)
# Hours a week of the interviewed citizen's fleksjob (line 703).
FLEXJOB_HOURS = (7, 13)


def _read_rows(data_dir: Path, relative: Path, required: tuple[str, ...]) -> list[dict]:
    path = Path(data_dir) / relative
    rows = read_text_csv(path, required).fill_null("").to_dicts()
    for number, row in enumerate(rows, start=2):
        row["_where"] = f"{path}, row {number}"
    return rows


def _number(row: dict, column: str) -> float:
    value = row[column]
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{row['_where']}, column {column!r}: {value!r} is not a number") from None


def _check_source(row: dict) -> None:
    if row.get("status") not in STATUSES:
        raise ValueError(
            f"{row['_where']}, column 'status': {row.get('status')!r}; expected one of {STATUSES}"
        )
    if not row.get("source_url", "").startswith("http"):
        raise ValueError(
            f"{row['_where']}, column 'source_url': {row.get('source_url')!r} is not a web address"
        )


def load_tax_parameters(data_dir: str | Path = DATA_DIR) -> dict[str, float]:
    """The 2024 tax parameters by name (rates as shares, amounts in kr per year)."""
    rows = _read_rows(Path(data_dir), TAX_FILE, ("parameter", "value", "status", "source_url"))
    parameters = {}
    for row in rows:
        _check_source(row)
        value = _number(row, "value")
        if row["unit"].startswith("share") and not 0 <= value < 1:
            raise ValueError(f"{row['_where']}, column 'value': {value} is not a share in [0, 1)")
        parameters[row["parameter"]] = value
    return parameters


def load_benefit_rates(data_dir: str | Path = DATA_DIR) -> dict[tuple[str, int], float]:
    """Benefit rates by (name, year), in the unit of their row."""
    rows = _read_rows(Path(data_dir), RATES_FILE, ("rate", "year", "value", "status", "source_url"))
    rates = {}
    for row in rows:
        _check_source(row)
        rates[(row["rate"], int(_number(row, "year")))] = _number(row, "value")
    return rates


def benefit_sources(data_dir: str | Path = DATA_DIR) -> dict[str, str]:
    """The source title of each benefit rate (latest year), for tables."""
    rows = _read_rows(Path(data_dir), RATES_FILE, ("rate", "source_title"))
    return {row["rate"]: row["source_title"] for row in rows}


@dataclass(frozen=True)
class TaxScenario:
    """Where the person lives and how the personfradrag is used."""

    name: str
    municipal_rate: float
    church_rate: float = 0.0
    use_allowance: bool = True


def scenarios(parameters: dict[str, float]) -> dict[str, TaxScenario]:
    """The scenarios the chapter compares, from the cheapest to the dearest municipality."""
    average = parameters["municipal_tax_average"]
    lowest = parameters["municipal_tax_lowest"]
    highest = parameters["municipal_tax_highest"]
    church = parameters["church_tax_members_average"]
    return {
        "lowest": TaxScenario("lowest municipal tax, no church tax", lowest),
        "average": TaxScenario("average municipal tax, no church tax", average),
        "highest": TaxScenario("highest municipal tax, church member", highest, church),
        "no_allowance": TaxScenario(
            "average municipal tax, personfradrag used elsewhere", average, 0.0, False
        ),
        "no_allowance_highest": TaxScenario(
            "highest municipal tax, church member, personfradrag used elsewhere",
            highest,
            church,
            False,
        ),
    }


@dataclass(frozen=True)
class MonthlyTax:
    """One month's income and taxes, in kr (a twelfth of the year's)."""

    gross: float
    am_bidrag: float
    bottom_tax: float
    municipal_tax: float
    church_tax: float

    @property
    def net(self) -> float:
        return self.gross - self.am_bidrag - self.bottom_tax - self.municipal_tax - self.church_tax


def monthly_tax(
    parameters: dict[str, float],
    scenario: TaxScenario,
    transfer: float = 0.0,
    wage: float = 0.0,
) -> MonthlyTax:
    """Tax a month of public transfers (no AM-bidrag) and wages, as a steady twelfth of a year."""
    if transfer < 0 or wage < 0:
        raise ValueError(f"income cannot be negative: transfer {transfer}, wage {wage}")
    yearly_transfer, yearly_wage = transfer * MONTHS_PER_YEAR, wage * MONTHS_PER_YEAR
    am_bidrag = parameters["am_bidrag_rate"] * yearly_wage
    personal_income = yearly_transfer + yearly_wage - am_bidrag
    if personal_income > parameters["top_tax_threshold"]:
        raise ValueError(
            f"personal income {personal_income:,.0f} kr a year is above the topskat threshold; "
            "the model covers incomes below it only"
        )
    allowance = parameters["personal_allowance"] if scenario.use_allowance else 0.0
    bottom_tax = parameters["bottom_tax_rate"] * max(0.0, personal_income - allowance)
    employment_deduction = min(
        parameters["employment_deduction_rate"] * yearly_wage,
        parameters["employment_deduction_max"],
    )
    job_deduction = min(
        max(
            0.0,
            parameters["job_deduction_rate"]
            * (yearly_wage - parameters["job_deduction_threshold"]),
        ),
        parameters["job_deduction_max"],
    )
    taxable = max(0.0, personal_income - employment_deduction - job_deduction - allowance)
    return MonthlyTax(
        gross=transfer + wage,
        am_bidrag=am_bidrag / MONTHS_PER_YEAR,
        bottom_tax=bottom_tax / MONTHS_PER_YEAR,
        municipal_tax=scenario.municipal_rate * taxable / MONTHS_PER_YEAR,
        church_tax=scenario.church_rate * taxable / MONTHS_PER_YEAR,
    )


def flexjob_income(rates: dict[tuple[str, int], float], hours_per_week: float, year: int = 2024):
    """(wage, fleksløntilskud) a month for ``hours_per_week`` at the illustrative hourly wage."""
    wage = rates[("flexjob_hourly_wage", year)] * hours_per_week * WEEKS_PER_YEAR / MONTHS_PER_YEAR
    limit = rates[("flexjob_subsidy_wage_limit", year)]
    reduction = rates[("flexjob_subsidy_reduction_below_limit", year)] * min(wage, limit)
    reduction += rates[("flexjob_subsidy_reduction_above_limit", year)] * max(0.0, wage - limit)
    subsidy = max(0.0, rates[("flexjob_subsidy_maximum", year)] - reduction)
    return wage, subsidy


def sygedagpenge_monthly(rates: dict[tuple[str, int], float], year: int = 2024) -> float:
    """The maximum sygedagpenge a month: the weekly maximum times 52 weeks over 12 months."""
    return rates[("sygedagpenge_maximum", year)] * WEEKS_PER_YEAR / MONTHS_PER_YEAR


@dataclass(frozen=True)
class Stage:
    """Monthly income at one stage of the trajectory: before tax, and after tax per scenario."""

    stage: str
    label: str
    transfer: float
    wage: float
    net: dict[str, float]

    @property
    def gross(self) -> float:
        return self.transfer + self.wage


def trajectory(data_dir: str | Path = DATA_DIR) -> list[Stage]:
    """The stages of data/economics/trajectory.csv; the fleksjob at both ends of 7-13 hours."""
    data_dir = Path(data_dir)
    parameters, rates = load_tax_parameters(data_dir), load_benefit_rates(data_dir)
    cases = scenarios(parameters)
    stages = []
    for row in _read_rows(data_dir, TRAJECTORY_FILE, ("stage", "label", "income")):
        if row["income"] == "flexjob":
            incomes = [
                (
                    f"{row['stage']}_{hours}h",
                    f"{row['label']}: {hours} hours",
                    *flexjob_income(rates, hours),
                )
                for hours in FLEXJOB_HOURS
            ]
        elif row["income"] == "sygedagpenge_maximum":
            incomes = [(row["stage"], row["label"], sygedagpenge_monthly(rates), 0.0)]
        elif (row["income"], 2024) in rates:
            incomes = [(row["stage"], row["label"], rates[(row["income"], 2024)], 0.0)]
        else:
            raise ValueError(
                f"{row['_where']}, column 'income': {row['income']!r} is not a rate in "
                f"{data_dir / RATES_FILE}"
            )
        for stage, label, first, second in incomes:
            # Fleksjob: the first amount is the wage, the second the subsidy (a transfer).
            transfer, wage = (second, first) if row["income"] == "flexjob" else (first, 0.0)
            net = {
                key: monthly_tax(parameters, scenario, transfer=transfer, wage=wage).net
                for key, scenario in cases.items()
            }
            stages.append(Stage(stage, label, transfer, wage, net))
    return stages


def model_values(data_dir: str | Path = DATA_DIR) -> dict[str, float]:
    """The model's numbers by name: what the claims ledger and the chapter's prose use."""
    data_dir = Path(data_dir)
    rates = load_benefit_rates(data_dir)
    stages = {stage.stage: stage for stage in trajectory(data_dir)}
    sick, resource = stages["sygedagpenge"], stages["ressourceforloeb"]
    low_flex = stages[f"fleksjob_{FLEXJOB_HOURS[0]}h"]
    values = {
        "sygedagpenge_month": sick.gross,
        "ressourceforloeb_month": resource.gross,
        "fall_before_tax": sick.gross - resource.gross,
        "flexjob_total_lowest_hours": low_flex.gross,
        "flexjob_subsidy_maximum_2025": rates[("flexjob_subsidy_share_of_dagpenge", 2024)]
        * rates[("dagpenge_maximum", 2025)],
        "flexjob_subsidy_maximum_2024": rates[("flexjob_subsidy_maximum", 2024)],
    }
    for key in sick.net:
        values[f"sygedagpenge_net_{key}"] = sick.net[key]
        values[f"ressourceforloeb_net_{key}"] = resource.net[key]
        values[f"fall_after_tax_{key}"] = sick.net[key] - resource.net[key]
        values[f"flexjob_net_lowest_hours_{key}"] = low_flex.net[key]
    return values


def _kr(value: float) -> str:
    return format_cell(int(round(value)))


def _range(low: float, high: float) -> str:
    return f"{_kr(min(low, high))}–{_kr(max(low, high))}"


def _thesis_amount(printed: str, line: str) -> str:
    return f"{printed} (line {line})" if printed else "–"


def benefit_table(data_dir: str | Path = DATA_DIR) -> Table:
    """T08: each stage's income before tax, after tax under the model, and the thesis' figure."""
    data_dir = Path(data_dir)
    rates = load_benefit_rates(data_dir)
    sources = benefit_sources(data_dir)
    printed = {
        row["stage"]: row
        for row in _read_rows(data_dir, TRAJECTORY_FILE, ("stage", "thesis_before_tax"))
    }
    rows = []
    for stage in trajectory(data_dir):
        base = printed[stage.stage.split("_")[0]]
        if stage.wage:
            basis = (
                f"wage {_kr(stage.wage)} at the illustrative 200 kr/hour plus fleksløntilskud "
                f"{_kr(stage.transfer)} (2024 maximum less 30 % of the wage)"
            )
            source = sources["flexjob_subsidy_maximum"]
        elif stage.stage == "sygedagpenge":
            basis = f"{_kr(rates[('sygedagpenge_maximum', 2024)])} kr a week × 52 / 12"
            source = sources["sygedagpenge_maximum"]
        else:
            basis = "monthly rate, ikke-forsørger"
            source = sources["ressourceforloebsydelse_non_provider"]
        rows.append(
            {
                "stage": stage.label,
                "basis": basis,
                "before_tax": int(round(stage.gross)),
                "thesis_before_tax": _thesis_amount(base["thesis_before_tax"], base["thesis_line"]),
                "am_bidrag": "on the wage" if stage.wage else "none (public transfer)",
                "after_tax": int(round(stage.net["average"])),
                "after_tax_range": _range(stage.net["lowest"], stage.net["highest"]),
                "after_tax_without_allowance": int(round(stage.net["no_allowance"])),
                "thesis_after_tax": _thesis_amount(base["thesis_after_tax"], base["thesis_line"]),
                "source": source,
            }
        )
    subsidy_2025 = model_values(data_dir)["flexjob_subsidy_maximum_2025"]
    rows.append(
        {
            "stage": "Maximum fleksløntilskud alone, 2025",
            "basis": f"98 % of the 2025 maximum dagpenge {_kr(rates[('dagpenge_maximum', 2025)])}",
            "before_tax": int(round(subsidy_2025)),
            "thesis_before_tax": _thesis_amount(
                printed["fleksjob"]["thesis_before_tax"], printed["fleksjob"]["thesis_line"]
            ),
            "am_bidrag": "none (public transfer)",
            "after_tax": None,
            "after_tax_range": "–",
            "after_tax_without_allowance": None,
            "thesis_after_tax": "–",
            "source": benefit_sources(data_dir)["dagpenge_maximum"],
        }
    )
    return Table(
        id="T08",
        title="Benefit levels before and after tax, kr a month (2024 rates)",
        frame=pl.DataFrame(rows),
        sources=(data_dir / TAX_FILE, data_dir / RATES_FILE, data_dir / TRAJECTORY_FILE),
        labels={
            "stage": "Stage",
            "basis": "Monthly amount",
            "before_tax": "Before tax",
            "thesis_before_tax": "Thesis, before tax",
            "am_bidrag": "AM-bidrag",
            "after_tax": "After tax, average municipality",
            "after_tax_range": "After tax, range over municipalities",
            "after_tax_without_allowance": "After tax, personfradrag used elsewhere",
            "thesis_after_tax": "Thesis, after tax",
            "source": "Source of the rate",
        },
        note=(
            "After tax for one person with no other income, taxed over a whole year at the rate in "
            "question. The range runs from the lowest municipal tax (no church tax) to the highest "
            "municipal tax with the average church tax of members. 'Personfradrag used elsewhere' "
            "taxes every krone, as a tax card without allowance (bikort) does. Thousands are "
            "separated by a narrow space; the thesis' figures are quoted as printed (Danish '.' "
            "groups thousands)."
        ),
    )


def cost_figures(data_dir: str | Path = DATA_DIR) -> dict[str, float]:
    """The societal cost figures of the source analysis by name."""
    rows = _read_rows(Path(data_dir), COST_FILE, ("figure", "value", "source_url"))
    for row in rows:
        if not row["source_url"].startswith("http"):
            raise ValueError(f"{row['_where']}, column 'source_url': {row['source_url']!r}")
    return {row["figure"]: _number(row, "value") for row in rows}


def cost_checks(data_dir: str | Path = DATA_DIR) -> list[dict]:
    """T09's rows: each cost figure of the thesis against the source and against each other."""
    cost = cost_figures(data_dir)
    loss, persons = cost["welfare_loss"], cost["full_time_persons"]
    parts = cost["fewer_hours_full_time_persons"] + cost["sickness_absence_full_time_persons"]
    treasury = cost["public_finances_cost"]
    return [
        {
            "figure": "Annual cost (title of the analysis)",
            "thesis": "Stress koster 55 mia. kr. om året",
            "thesis_lines": "123; 323",
            "source_value": f"{loss} bn kr (welfare loss)",
            "check": f"{loss} rounds to {round(loss)}",
            "consistent": round(loss) == 55,
        },
        {
            "figure": "Labour supply lost",
            "thesis": "over 55.000 fuldtidspersoner",
            "thesis_lines": "123-125",
            "source_value": f"{_kr(persons)} full-time persons",
            "check": f"{_kr(persons)} is over 55 000",
            "consistent": persons > 55000,
        },
        {
            "figure": "The source's two parts of the lost labour supply",
            "thesis": "–",
            "thesis_lines": "–",
            "source_value": (
                f"{_kr(cost['fewer_hours_full_time_persons'])} (fewer hours) + "
                f"{_kr(cost['sickness_absence_full_time_persons'])} (sickness absence)"
            ),
            "check": f"the parts add up to {_kr(parts)}",
            "consistent": parts == persons,
        },
        {
            "figure": "Welfare loss",
            "thesis": "et årligt velstandstab på 54,6 mia. kr.",
            "thesis_lines": "125",
            "source_value": f"{loss} bn kr",
            "check": "the same figure",
            "consistent": True,
        },
        {
            "figure": "Direct loss to the treasury",
            "thesis": "herunder et direkte tab for statskassen på over 7,5 mia. kr.",
            "thesis_lines": "125-127",
            "source_value": f"{treasury} bn kr",
            "check": (
                f"the source says {treasury}, not 'over' it; and it is a public-finance effect "
                "of the fewer hours, not a part ('herunder') of the GDP loss"
            ),
            "consistent": False,
        },
        {
            "figure": "Annual cost (conclusion)",
            "thesis": "over 54 milliarder kroner årligt",
            "thesis_lines": "3323",
            "source_value": f"{loss} bn kr",
            "check": f"{loss} is over 54; the introduction rounds the same figure to 55",
            "consistent": loss > 54,
        },
        {
            "figure": "Welfare loss per lost full-time person (derived)",
            "thesis": "–",
            "thesis_lines": "–",
            "source_value": f"{_kr(loss * 1e9 / persons)} kr a year",
            "check": "54.6 bn kr / 55 600",
            "consistent": None,
        },
    ]


def cost_table(data_dir: str | Path = DATA_DIR) -> Table:
    """T09: the societal cost figures and their internal consistency."""
    data_dir = Path(data_dir)
    frame = pl.DataFrame(
        cost_checks(data_dir),
        schema={
            "figure": pl.String,
            "thesis": pl.String,
            "thesis_lines": pl.String,
            "source_value": pl.String,
            "check": pl.String,
            "consistent": pl.Boolean,
        },
    )
    return Table(
        id="T09",
        title="Societal cost of work-related stress: the thesis' figures against their source",
        frame=frame,
        sources=(data_dir / COST_FILE, data_dir / THESIS_FILE),
        labels={
            "figure": "Figure",
            "thesis": "The thesis writes",
            "thesis_lines": "Line",
            "source_value": "Source (AE 2024)",
            "check": "Check",
            "consistent": "Consistent",
        },
        note=(
            "Source: Arbejderbevægelsens Erhvervsråd, 'Stress koster 55 mia. kr. om året' (2024), "
            "cited in the thesis as Glavind, 2024:2-6. All figures are a year."
        ),
    )


def trajectory_figure(data_dir: str | Path = DATA_DIR):
    """F03: monthly income along the trajectory, before and after tax, with the thesis' band."""
    data_dir = Path(data_dir)
    stages = trajectory(data_dir)
    by_name = {stage.stage: stage for stage in stages}
    sick, resource = by_name["sygedagpenge"], by_name["ressourceforloeb"]
    flex_low, flex_high = (by_name[f"fleksjob_{hours}h"] for hours in FLEXJOB_HOURS)
    printed = {
        row["stage"]: row
        for row in _read_rows(data_dir, TRAJECTORY_FILE, ("stage", "thesis_before_tax"))
    }

    with matplotlib.rc_context({"font.size": 10}):
        figure = Figure(figsize=(9.5, 5.4), layout="constrained")
        axes = figure.subplots()
    segments = [(0, 1, sick), (1, 2, resource)]
    before_color, after_color = "#4c72b0", "#dd8452"
    for left, right, stage in segments:
        axes.hlines(stage.gross, left, right, color=before_color, linewidth=2.5)
        axes.hlines(stage.net["average"], left, right, color=after_color, linewidth=2.5)
        axes.fill_between(
            [left, right],
            stage.net["highest"],
            stage.net["lowest"],
            color=after_color,
            alpha=0.25,
            linewidth=0,
        )
    # Fleksjob: a band from 7 to 13 hours a week, before and after tax.
    axes.fill_between(
        [2, 3], flex_low.gross, flex_high.gross, color=before_color, alpha=0.35, linewidth=0
    )
    axes.fill_between(
        [2, 3],
        flex_low.net["highest"],
        flex_high.net["lowest"],
        color=after_color,
        alpha=0.25,
        linewidth=0,
    )
    axes.fill_between(
        [2, 3],
        flex_low.net["average"],
        flex_high.net["average"],
        color=after_color,
        alpha=0.6,
        linewidth=0,
    )
    # The thesis' band: a fall of 5 000-7 000 kr from the sygedagpenge level.
    low, high = THESIS_FALL_BAND
    for reference, style in ((sick.gross, ":"), (sick.net["average"], "--")):
        axes.add_patch(
            matplotlib.patches.Rectangle(
                (1.55, reference - high),
                0.4,
                high - low,
                fill=False,
                hatch="///",
                edgecolor="#555555",
                linestyle=style,
                linewidth=1,
            )
        )
    axes.annotate(
        "thesis: fall of 5 000–7 000 kr\nfrom sygedagpenge after tax (dashed)"
        "\nor before tax (dotted)",
        xy=(1.95, sick.net["average"] - low),
        xytext=(2.05, 8600),
        fontsize=8.5,
        arrowprops={"arrowstyle": "-", "color": "#555555", "linewidth": 0.8},
    )
    thesis_after = float(printed["ressourceforloeb"]["thesis_after_tax"].replace(".", ""))
    thesis_flex = float(printed["fleksjob"]["thesis_before_tax"].replace(".", ""))
    axes.plot([1.25], [thesis_after], marker="X", color="black", markersize=9, linestyle="none")
    axes.annotate(
        "thesis: ca. 7 500\nafter tax", (1.25, thesis_after), xytext=(1.05, 5300), fontsize=8.5
    )
    axes.plot([2.5], [thesis_flex], marker="X", color="black", markersize=9, linestyle="none")
    axes.annotate(
        "thesis: ca. 20 670 'in all'\n= the 2025 maximum subsidy alone",
        (2.5, thesis_flex),
        xytext=(2.2, 21600),
        fontsize=8.5,
    )
    axes.axvline(1, color="#888888", linewidth=1, linestyle="--")
    axes.text(1.02, 27800, "reassessment\nat week 22", fontsize=8.5, va="top", color="#444444")
    for value in (
        flex_low.gross,
        flex_high.gross,
        flex_low.net["average"],
        flex_high.net["average"],
    ):
        hours = (
            FLEXJOB_HOURS[0]
            if value in (flex_low.gross, flex_low.net["average"])
            else FLEXJOB_HOURS[1]
        )
        axes.text(2.97, value, f"{hours} h: {_kr(value)}", ha="right", va="center", fontsize=8)
    for x, value in (
        (0.5, sick.gross),
        (0.5, sick.net["average"]),
        (1.5, resource.gross),
        (1.5, resource.net["average"]),
    ):
        axes.text(x, value + 300, _kr(value), ha="center", fontsize=8.5)
    axes.set_xticks(
        [0.5, 1.5, 2.5],
        [
            "Sygedagpenge\n(weeks 1–22)",
            "Jobafklaring / ressourceforløb\n(up to 5 years)",
            "Fleksjob, 7–13 hours a week\n(illustrative 200 kr/hour)",
        ],
    )
    axes.set_xlim(0, 3)
    axes.set_ylim(0, 29000)
    axes.set_ylabel("Income, kr a month (2024 rates)")
    axes.yaxis.set_major_formatter(
        matplotlib.ticker.FuncFormatter(lambda value, _: f"{value:,.0f}".replace(",", " "))
    )
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    handles = [
        matplotlib.lines.Line2D([], [], color=before_color, linewidth=2.5, label="before tax"),
        matplotlib.lines.Line2D(
            [], [], color=after_color, linewidth=2.5, label="after tax, average municipality"
        ),
        matplotlib.patches.Patch(
            color=after_color, alpha=0.25, label="after tax, lowest to highest municipal tax"
        ),
        matplotlib.lines.Line2D(
            [],
            [],
            color="black",
            marker="X",
            linestyle="none",
            label="figure printed in the thesis",
        ),
    ]
    # Outside the axes, so that it covers neither the week-22 line nor the bands.
    figure.legend(handles=handles, loc="outside upper center", ncol=2, fontsize=8.5, frameon=False)
    figure.supxlabel(
        "Source: data/economics (2024 rates: bm.dk, STAR, skm.dk, CEPOS); one person with no other "
        "income. Stages are not drawn to scale in time.",
        x=0.01,
        ha="left",
        fontsize=8.5,
        color="#555555",
    )
    return figure


#: The model values the chapter's prose quotes, in kroner.
PROSE_VALUES = (
    "sygedagpenge_month",
    "ressourceforloeb_month",
    "fall_before_tax",
    "sygedagpenge_net_average",
    "ressourceforloeb_net_average",
    "ressourceforloeb_net_lowest",
    "ressourceforloeb_net_highest",
    "ressourceforloeb_net_no_allowance",
    "ressourceforloeb_net_no_allowance_highest",
    "fall_after_tax_average",
    "fall_after_tax_lowest",
    "fall_after_tax_highest",
    "flexjob_total_lowest_hours",
    "flexjob_subsidy_maximum_2024",
    "flexjob_subsidy_maximum_2025",
)
#: The tax parameters the prose quotes, as rates.
PROSE_RATES = (
    "bottom_tax_rate",
    "municipal_tax_average",
    "municipal_tax_lowest",
    "municipal_tax_highest",
    "church_tax_members_average",
    "am_bidrag_rate",
)


def prose_numbers(values: dict, parameters: dict, costs: pl.DataFrame) -> dict[str, str | int]:
    """The numbers the economics chapter quotes, by name (for ``Chapter.glue``): model values in
    whole kroner, the thesis' printed figures' distances from them, rates in percent, and how
    many of the societal cost figures disagree with their source (T09)."""

    def rate(share: float) -> str:
        return f"{100 * share:.2f}".rstrip("0").rstrip(".") + " %"

    return {
        **{name: _kr(values[name]) for name in PROSE_VALUES},
        "miss_7500": _kr(values["ressourceforloeb_net_average"] - 7500),
        "miss_20670": _kr(values["flexjob_total_lowest_hours"] - 20670),
        "thesis_fall_with_7500": _kr(values["sygedagpenge_net_average"] - 7500),
        **{name: rate(parameters[name]) for name in PROSE_RATES},
        "personal_allowance": _kr(parameters["personal_allowance"]),
        "inconsistent_costs": int((~costs["consistent"].fill_null(True)).sum()),
    }
