"""The tax model and the economic tables against hand computations."""

import shutil

import pytest

from welfare_paradoxes import economics
from welfare_paradoxes.engine.paths import DATA_DIR

# 2024 parameters as in data/economics/tax_parameters.csv, typed here for the hand computations.
BOTTOM, MUNICIPAL, ALLOWANCE, AM = 0.1206, 0.25018, 49700, 0.08


@pytest.fixture(scope="module")
def parameters():
    return economics.load_tax_parameters()


@pytest.fixture(scope="module")
def average(parameters):
    return economics.scenarios(parameters)["average"]


def test_transfer_is_taxed_without_am_bidrag(parameters, average):
    tax = economics.monthly_tax(parameters, average, transfer=12326)
    yearly_tax = (BOTTOM + MUNICIPAL) * (12326 * 12 - ALLOWANCE)
    assert tax.am_bidrag == 0
    assert tax.net == pytest.approx(12326 - yearly_tax / 12)
    assert round(tax.net) == 9291


def test_without_allowance_every_krone_is_taxed(parameters):
    scenario = economics.scenarios(parameters)["no_allowance"]
    tax = economics.monthly_tax(parameters, scenario, transfer=12326)
    assert tax.net == pytest.approx(12326 * (1 - BOTTOM - MUNICIPAL))


def test_wage_pays_am_bidrag_and_earns_employment_deduction(parameters, average):
    wage = 10000
    yearly = wage * 12
    personal = yearly * (1 - AM)
    bottom = BOTTOM * (personal - ALLOWANCE)
    municipal = MUNICIPAL * (personal - 0.1065 * yearly - ALLOWANCE)
    expected = (yearly - AM * yearly - bottom - municipal) / 12
    tax = economics.monthly_tax(parameters, average, wage=wage)
    assert tax.am_bidrag == pytest.approx(800)
    assert tax.net == pytest.approx(expected)


def test_incomes_above_the_top_tax_threshold_are_refused(parameters, average):
    with pytest.raises(ValueError, match="topskat"):
        economics.monthly_tax(parameters, average, wage=60000)
    with pytest.raises(ValueError, match="negative"):
        economics.monthly_tax(parameters, average, transfer=-1)


def test_flexjob_subsidy_falls_by_30_percent_of_the_wage():
    rates = economics.load_benefit_rates()
    wage, subsidy = economics.flexjob_income(rates, hours_per_week=7)
    assert wage == pytest.approx(200 * 7 * 52 / 12)
    assert subsidy == pytest.approx(19952 - 0.3 * wage)
    # Above the wage limit the subsidy falls by 55 % of the excess.
    wage, subsidy = economics.flexjob_income(rates, hours_per_week=30)
    assert subsidy == pytest.approx(19952 - 0.3 * 16323 - 0.55 * (wage - 16323))


def test_model_values_behind_the_thesis_claims():
    values = economics.model_values()
    assert values["sygedagpenge_month"] == 4695 * 52 / 12
    sick_net = 4695 * 52 / 12 - (BOTTOM + MUNICIPAL) * (4695 * 52 - ALLOWANCE) / 12
    resource_net = 12326 - (BOTTOM + MUNICIPAL) * (12326 * 12 - ALLOWANCE) / 12
    assert values["fall_after_tax_average"] == pytest.approx(sick_net - resource_net)
    assert 5000 <= values["fall_after_tax_average"] <= 7000
    assert values["fall_before_tax"] > 7000
    assert values["flexjob_subsidy_maximum_2025"] == pytest.approx(0.98 * 21092)
    assert round(values["flexjob_subsidy_maximum_2025"]) == 20670
    # Only without the personfradrag, in the dearest municipality, does ca. 7 500 come out.
    assert abs(values["ressourceforloeb_net_no_allowance_highest"] - 7500) < 250


def test_tables_and_figure():
    benefits = economics.benefit_table().frame
    assert benefits["before_tax"].to_list()[:2] == [20345, 12326]
    costs = economics.cost_table().frame
    inconsistent = costs.filter(costs["consistent"] == False)["figure"].to_list()  # noqa: E712
    assert inconsistent == ["Direct loss to the treasury"]
    figure = economics.trajectory_figure()
    assert figure.axes[0].get_ylabel().startswith("Income, kr a month")


def test_bad_rate_names_file_row_and_column(tmp_path):
    shutil.copytree(DATA_DIR / "economics", tmp_path / "economics")
    path = tmp_path / "economics" / "tax_parameters.csv"
    path.write_text(path.read_text().replace("bottom_tax_rate,0.1206", "bottom_tax_rate,twelve"))
    with pytest.raises(ValueError, match=r"tax_parameters.csv, row 3, column 'value': 'twelve'"):
        economics.load_tax_parameters(tmp_path)
