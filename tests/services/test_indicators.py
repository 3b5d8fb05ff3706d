from decimal import Decimal

import pytest
from sqlalchemy import select

from scp_desktop.domain.indicators import (
    Frequency,
    Polarity,
    Rollup,
    StatusState,
    TargetKind,
    ToleranceKind,
    Unit,
)
from scp_desktop.domain.rag import RAG
from scp_desktop.services import indicators as svc
from scp_desktop.services import plans
from scp_desktop.services.errors import UserError
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import (
    AuditEntry,
    IndicatorStatus,
    IndicatorValue,
    KeyPriority,
    QuarterUpdate,
)


def plan_id(db: Database) -> int:
    return plans.list_plans(db)[0].id


def new_indicator(db: Database, **kw: object) -> int:
    pid = plan_id(db)
    choices = svc.definition_choices(db, pid)
    fields: dict[str, object] = {
        "name": "Violence with injury in the town centre",
        "unit": Unit.COUNT,
        "polarity": Polarity.LOWER_BETTER,
        "target_kind": TargetKind.ABSOLUTE,
        "target_value": "100",
        "tolerance_kind": ToleranceKind.PERCENT,
        "tolerance_value": "10",
        "priority_id": choices.priorities[1].id,
    }
    fields.update(kw)
    return svc.save_definition(db, svc.IndicatorDefinition(**fields))  # type: ignore[arg-type]


def put(db: Database, ind: int, period: str, value: str) -> None:
    svc.write_values(db, ind, [svc.ValueEdit(period, {"value": value})])


def test_demo_indicators_without_a_stated_target_have_no_colour(demo_db: Database) -> None:
    items = svc.list_indicators(demo_db, plan_id(demo_db), "2022-23-Q2")
    assert len(items) == 20
    for item in items:
        assert item.assessment.rag is None, item.name
        assert item.assessment.state in (StatusState.NO_TARGET, StatusState.NO_VALUE)


def test_demo_seed_targets_are_rated_in_their_own_year(demo_db: Database) -> None:
    items = {i.name: i for i in svc.list_indicators(demo_db, plan_id(demo_db), "2008-09-Q4")}
    town = items["Alcohol-related violent crime in the town centre – change on 2007-08"]
    assert town.assessment.rag is RAG.GREEN
    assert "Target -5%" in town.assessment.rule_text
    crime = items["All recorded crime – change on previous year"]
    assert crime.assessment.rag is None


def test_demo_rolling_figure_is_the_quarters_last_month(demo_db: Database) -> None:
    items = {i.name: i for i in svc.list_indicators(demo_db, plan_id(demo_db), "2022-23-Q2")}
    violence = items["Violence with injury – change on previous year"]
    assert violence.assessment.value == Decimal("23.7")
    assert any("partial quarter" in f for f in violence.assessment.flags)


def test_definition_round_trip_and_validation(demo_db: Database) -> None:
    pid = plan_id(demo_db)
    actions = svc.definition_choices(demo_db, pid).actions
    ind = new_indicator(
        demo_db,
        target_profile={1: "110", 3: "90"},
        trend_rule=True,
        action_ids=(actions[0].id, actions[2].id),
        baseline_value="1,200",
        baseline_period="Q2 2021/22",
    )
    d = svc.get_definition(demo_db, ind)
    assert d.target_profile == {1: "110", 3: "90"}
    assert d.trend_rule
    assert d.action_ids == tuple(sorted((actions[0].id, actions[2].id)))
    assert d.baseline_value == "1200"
    assert d.baseline_period == "2021-22-Q2"
    d.action_ids = (actions[2].id,)
    svc.save_definition(demo_db, d)
    assert svc.get_definition(demo_db, ind).action_ids == (actions[2].id,)
    linked = svc.indicators_for_action(demo_db, actions[2].id, "2022-23-Q2")
    assert [i.id for i in linked] == [ind]
    assert svc.indicators_for_action(demo_db, actions[0].id, "2022-23-Q2") == []

    with pytest.raises(UserError, match="Target: 'lots' is not a number"):
        new_indicator(demo_db, target_value="lots")
    with pytest.raises(UserError, match="better direction"):
        new_indicator(demo_db, polarity=Polarity.NEITHER)
    with pytest.raises(UserError, match="needs a baseline"):
        new_indicator(demo_db, target_kind=TargetKind.PERCENT_CHANGE, target_value="-5")
    with pytest.raises(UserError, match="name"):
        new_indicator(demo_db, name="  ")


def test_values_grid_shows_status_and_directions(demo_db: Database) -> None:
    ind = new_indicator(demo_db)
    put(demo_db, ind, "2021-22-Q2", "130")
    put(demo_db, ind, "2022-23-Q1", "120")
    put(demo_db, ind, "Q2 2022-23", "105")
    grid = svc.values_grid(demo_db, ind, "2022-23")
    rows = {r.period: r for r in grid.rows}
    assert len(grid.rows) == 8
    q2 = rows["2022-23-Q2"]
    assert q2.value == "105"
    assert q2.assessment is not None and q2.assessment.rag is RAG.AMBER
    assert q2.assessment.vs_previous is not None
    assert q2.assessment.vs_previous.text == "↓ (better) on Q1 2022-23"
    assert q2.assessment.vs_last_year is not None
    assert q2.assessment.vs_last_year.text == "↓ (better) on Q2 2021-22"
    assert rows["2022-23-Q1"].assessment.rag is RAG.RED  # type: ignore[union-attr]


def test_write_values_is_all_or_nothing_and_names_the_bad_cell(demo_db: Database) -> None:
    ind = new_indicator(demo_db)
    edits = [
        svc.ValueEdit("2022-23-Q1", {"value": "10"}, where="row 1"),
        svc.ValueEdit("2022-23-Q2", {"value": "ten"}, where="row 2"),
    ]
    with pytest.raises(UserError, match=r"row 2: Value for Q2 2022-23: 'ten' is not a number"):
        svc.write_values(demo_db, ind, edits)
    assert all(not r.stored for r in svc.values_grid(demo_db, ind, "2022-23").rows)


def test_clearing_a_value_removes_the_row(demo_db: Database) -> None:
    ind = new_indicator(demo_db)
    put(demo_db, ind, "2022-23-Q1", "10")
    put(demo_db, ind, "2022-23-Q1", "")
    with demo_db.session() as s:
        assert (
            s.scalars(select(IndicatorValue).where(IndicatorValue.indicator_id == ind)).all() == []
        )


def test_monthly_values_roll_up_in_the_grid(demo_db: Database) -> None:
    ind = new_indicator(
        demo_db, frequency=Frequency.MONTHLY, rollup=Rollup.SUM, polarity=Polarity.HIGHER_BETTER
    )
    for month, v in (("Jul 2022", "30"), ("Aug 2022", "40"), ("Sep 2022", "35")):
        put(demo_db, ind, month, v)
    rows = {r.period: r for r in svc.values_grid(demo_db, ind, "2022-23").rows}
    assert rows["2022-23-M08"].assessment is None
    sept = rows["2022-23-M09"]
    assert sept.assessed_label == "Q2 2022-23"
    assert sept.assessment is not None and sept.assessment.value == Decimal(105)
    assert sept.assessment.rag is RAG.GREEN


# --- sign-off, locking, unlocking, frozen history -------------------------------------------


def test_sign_off_locks_updates_and_values(demo_db: Database) -> None:
    ind = new_indicator(demo_db)
    put(demo_db, ind, "2022-23-Q2", "105")
    result = svc.sign_off_quarter(demo_db, "2022-23-Q2")
    assert result.updates_locked == 42
    assert result.values_locked >= 1
    with demo_db.session() as s:
        assert all(
            u.locked
            for u in s.scalars(select(QuarterUpdate).where(QuarterUpdate.quarter == "2022-23-Q2"))
        )
    with pytest.raises(UserError, match="Q2 2022-23 is signed off"):
        put(demo_db, ind, "2022-23-Q2", "90")
    with pytest.raises(UserError, match="signed off"):
        put(demo_db, ind, "Aug 2022", "5")
    with pytest.raises(UserError, match="already signed off"):
        svc.sign_off_quarter(demo_db, "2022-23-Q2")
    put(demo_db, ind, "2022-23-Q3", "90")  # other quarters stay open
    assert svc.signoff_state(demo_db, "2022-23-Q2").signed_off
    grid = {r.period: r for r in svc.values_grid(demo_db, ind, "2022-23").rows}
    assert grid["2022-23-Q2"].locked and not grid["2022-23-Q3"].locked
    with pytest.raises(UserError, match="signed-off"):
        svc.delete_indicator(demo_db, ind)


def test_unlock_needs_a_reason_and_is_audited(demo_db: Database) -> None:
    ind = new_indicator(demo_db)
    put(demo_db, ind, "2022-23-Q2", "105")
    svc.sign_off_quarter(demo_db, "2022-23-Q2")
    with pytest.raises(UserError, match="Say why"):
        svc.unlock_quarter(demo_db, "2022-23-Q2", "  ")
    assert svc.signoff_state(demo_db, "2022-23-Q2").signed_off
    info = svc.unlock_quarter(demo_db, "2022-23-Q2", "Police figure for Q2 was corrected")
    assert not info.signed_off
    assert info.unlock_reason == "Police figure for Q2 was corrected"
    put(demo_db, ind, "2022-23-Q2", "99")
    with demo_db.session() as s:
        reasons = {
            (e.entity, e.field): e.reason
            for e in s.scalars(select(AuditEntry).where(AuditEntry.reason.like("%unlocked%")))
        }
        assert reasons[("quarter_signoff", "unlocked_at")] == (
            "Q2 2022-23 unlocked: Police figure for Q2 was corrected"
        )
        assert ("quarter_update", "locked") in reasons
        assert ("indicator_value", "locked") in reasons
        assert all(
            not u.locked
            for u in s.scalars(select(QuarterUpdate).where(QuarterUpdate.quarter == "2022-23-Q2"))
        )
    with pytest.raises(UserError, match="not signed off"):
        svc.unlock_quarter(demo_db, "2022-23-Q2", "again for no reason")


def test_frozen_history_survives_a_target_change(demo_db: Database) -> None:
    ind = new_indicator(demo_db)  # lower is better, target 100, amber to 110
    put(demo_db, ind, "2022-23-Q1", "105")
    put(demo_db, ind, "2022-23-Q2", "105")
    svc.sign_off_quarter(demo_db, "2022-23-Q1")
    pid = plan_id(demo_db)

    definition = svc.get_definition(demo_db, ind)
    definition.target_value = "50"
    svc.save_definition(demo_db, definition)

    q1 = svc.indicator_status(demo_db, ind, "2022-23-Q1")
    q2 = svc.indicator_status(demo_db, ind, "2022-23-Q2")
    assert q1.rag is RAG.AMBER and q1.frozen
    assert "Target 100" in q1.rule_text
    assert "Frozen at sign-off" in q1.explanation
    assert q2.rag is RAG.RED and not q2.frozen
    assert "Target 50" in q2.rule_text
    listed = {i.id: i for i in svc.list_indicators(demo_db, pid, "2022-23-Q1")}
    assert listed[ind].assessment.rag is RAG.AMBER

    # Unlocked to correct a value, then signed off again: the old thresholds still apply.
    svc.unlock_quarter(demo_db, "2022-23-Q1", "Q1 figure was provisional")
    assert svc.indicator_status(demo_db, ind, "2022-23-Q1").rag is RAG.RED  # live while open
    put(demo_db, ind, "2022-23-Q1", "98")
    svc.sign_off_quarter(demo_db, "2022-23-Q1")
    again = svc.indicator_status(demo_db, ind, "2022-23-Q1")
    assert again.rag is RAG.GREEN and "Target 100" in again.rule_text
    with demo_db.session() as s:
        row = s.scalars(
            select(IndicatorStatus).where(
                IndicatorStatus.indicator_id == ind, IndicatorStatus.period == "2022-23-Q1"
            )
        ).one()
        assert row.rag == "G" and row.value == "98"
        assert '"target": "100"' in row.thresholds


def test_refreeze_thresholds_when_the_target_itself_was_wrong(demo_db: Database) -> None:
    ind = new_indicator(demo_db)
    put(demo_db, ind, "2022-23-Q1", "105")
    svc.sign_off_quarter(demo_db, "2022-23-Q1")
    d = svc.get_definition(demo_db, ind)
    d.target_value = "120"
    svc.save_definition(demo_db, d)
    svc.unlock_quarter(demo_db, "2022-23-Q1", "target was typed wrongly")
    svc.sign_off_quarter(demo_db, "2022-23-Q1", refreeze_thresholds=True)
    status = svc.indicator_status(demo_db, ind, "2022-23-Q1")
    assert status.rag is RAG.GREEN and "Target 120" in status.rule_text


# --- tiles ----------------------------------------------------------------------------------


def test_priority_tiles_count_statuses_worst_first(demo_db: Database) -> None:
    pid = plan_id(demo_db)
    with demo_db.session() as s:
        kp2 = s.scalars(
            select(KeyPriority).where(KeyPriority.plan_id == pid, KeyPriority.number == 2)
        ).one()
        kp2_id = kp2.id
    green = new_indicator(demo_db, name="Green one", priority_id=kp2_id)
    red = new_indicator(demo_db, name="Red one", priority_id=kp2_id)
    new_indicator(demo_db, name="Unreported", priority_id=kp2_id)
    put(demo_db, green, "2022-23-Q2", "90")
    put(demo_db, red, "2022-23-Q2", "200")
    tiles = svc.priority_tiles(demo_db, pid, "2022-23-Q2")
    assert [t.number for t in tiles] == [1, 2, 3, None]
    tile = tiles[1]
    assert tile.counts[RAG.GREEN] == 1 and tile.counts[RAG.RED] == 1
    assert tile.no_value == 1
    assert tile.no_target == 2  # the demo's ASB and violence figures
    assert tile.indicators[0].name == "Red one"
    assert tiles[-1].title == "Partnership-wide"


def test_tiles_show_the_statuses_frozen_at_sign_off(demo_db: Database) -> None:
    ind = new_indicator(demo_db)  # lower is better, target 100, amber to 110
    put(demo_db, ind, "2022-23-Q1", "105")
    svc.sign_off_quarter(demo_db, "2022-23-Q1")
    definition = svc.get_definition(demo_db, ind)
    definition.target_value = "50"
    svc.save_definition(demo_db, definition)
    pid = plan_id(demo_db)

    def tile_status(quarter: str) -> object:
        tiles = svc.priority_tiles(demo_db, pid, quarter)
        return next(i.assessment for t in tiles for i in t.indicators if i.id == ind)

    frozen = tile_status("2022-23-Q1")
    assert frozen.rag is RAG.AMBER and frozen.frozen  # type: ignore[attr-defined]
    svc.unlock_quarter(demo_db, "2022-23-Q1", "Figures corrected")
    live = tile_status("2022-23-Q1")
    assert live.rag is RAG.RED and not live.frozen  # type: ignore[attr-defined]


def test_rate_is_worked_out_from_numerator_and_denominator(demo_db: Database) -> None:
    ind = new_indicator(
        demo_db,
        name="Crimes per 1,000 residents",
        unit=Unit.RATE_PER_1000,
        target_value="95",
        tolerance_kind=ToleranceKind.NONE,
        tolerance_value="",
        numerator_label="crimes recorded",
        denominator_label="residents",
    )
    svc.write_values(
        demo_db,
        ind,
        [svc.ValueEdit("2022-23-Q2", {"numerator": "18,906", "denominator": "194706"})],
    )
    status = svc.indicator_status(demo_db, ind, "2022-23-Q2")
    assert status.value == Decimal("97.10")
    assert status.rag is RAG.RED
    assert "computed from numerator and denominator" in status.flags
    row = next(r for r in svc.values_grid(demo_db, ind, "2022-23").rows if r.period == "2022-23-Q2")
    assert row.value == "" and row.derived_value == "97.1"
    # A typed value wins over the parts.
    svc.write_values(demo_db, ind, [svc.ValueEdit("2022-23-Q2", {"value": "94"})])
    assert svc.indicator_status(demo_db, ind, "2022-23-Q2").rag is RAG.GREEN


def test_delete_indicator(demo_db: Database) -> None:
    ind = new_indicator(demo_db)
    put(demo_db, ind, "2022-23-Q1", "5")
    svc.delete_indicator(demo_db, ind)
    with pytest.raises(UserError, match="no longer exists"):
        svc.get_definition(demo_db, ind)
    with demo_db.session() as s:
        assert (
            s.scalars(select(IndicatorValue).where(IndicatorValue.indicator_id == ind)).all() == []
        )


def test_a_mistyped_period_is_refused_not_invented(demo_db: Database) -> None:
    ind = new_indicator(demo_db)
    with pytest.raises(UserError, match="'Q5 2022-23' is not a period"):
        svc.write_values(demo_db, ind, [svc.ValueEdit("Q5 2022-23", {"value": "1"})])
    # A free-text period already held (from the demo document) stays editable.
    items = {i.name: i.id for i in svc.list_indicators(demo_db, plan_id(demo_db), "2022-23-Q2")}
    crimes = items["Crimes per 1,000 population"]
    svc.write_values(
        demo_db, crimes, [svc.ValueEdit("As reported 07/11/2022", {"note": "Ranks 6/12"})]
    )
    row = next(
        r
        for r in svc.values_grid(demo_db, crimes, "2022-23").rows
        if r.period == "As reported 07/11/2022"
    )
    assert row.note == "Ranks 6/12" and row.value == "97.1"
    assert row.assessment is None


def test_signing_off_q4_locks_the_years_annual_figure(demo_db: Database) -> None:
    ind = new_indicator(demo_db, frequency=Frequency.ANNUAL)
    put(demo_db, ind, "2022-23", "95")
    svc.sign_off_quarter(demo_db, "2022-23-Q2")
    put(demo_db, ind, "2022-23", "96")  # the year is still open at Q2
    assert svc.indicator_status(demo_db, ind, "2022-23-Q2").frozen is False
    svc.sign_off_quarter(demo_db, "2022-23-Q4")
    with pytest.raises(UserError, match="Q4 2022-23 is signed off"):
        put(demo_db, ind, "2022-23", "97")
    status = svc.indicator_status(demo_db, ind, "2022-23-Q4")
    assert status.frozen and status.rag is RAG.GREEN and status.value == Decimal(96)
    put(demo_db, ind, "2023-24", "1")  # next year stays open
