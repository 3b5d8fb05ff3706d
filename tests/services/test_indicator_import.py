import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from scp_desktop.excel.indicator_values import read_indicator_values
from scp_desktop.services import indicators as svc
from scp_desktop.services import plans
from scp_desktop.services.errors import UserError
from scp_desktop.services.indicator_import import apply_import, preview_import
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import ImportBatch, IndicatorValue

NC = "Next Chapter domestic abuse referrals (Colchester)"
WSO = "Women's Safety Officer new referrals"


def plan_id(db: Database) -> int:
    return plans.list_plans(db)[0].id


def wide(path: Path, rows: list[list[object]], title: str = "Statistics") -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    ws.append(["SCP performance statistics"])
    ws.append([])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def value_of(db: Database, name_part: str, period: str) -> str | None:
    items = svc.list_indicators(db, plan_id(db), "2022-23-Q2")
    ind = next(i for i in items if name_part in i.name)
    with db.session() as s:
        row = s.scalars(
            select(IndicatorValue).where(
                IndicatorValue.indicator_id == ind.id, IndicatorValue.period == period
            )
        ).first()
        return row.value if row else None


def test_wide_sheet_preview_then_apply(demo_db: Database, tmp_path: Path) -> None:
    path = wide(
        tmp_path / "stats.xlsx",
        [
            ["Indicator", "Q1 2022-23", "Q2 2022-23", "Notes"],
            [NC, 173, "181", "from NC"],
            ["  women's safety officer NEW referrals ", None, 12, ""],
        ],
    )
    preview = preview_import(demo_db, plan_id(demo_db), path)
    assert preview.problems == []
    changes = {(r.indicator_name, r.period): r.change for r in preview.rows}
    assert changes == {
        (NC, "2022-23-Q1"): "same",
        (NC, "2022-23-Q2"): "new",
        (WSO, "2022-23-Q2"): "new",
    }
    assert preview.rows[1].where == "sheet 'Statistics', row 4, column C"
    assert value_of(demo_db, "Next Chapter domestic", "2022-23-Q2") is None  # preview wrote nothing
    assert apply_import(demo_db, preview) == 2
    assert value_of(demo_db, "Next Chapter domestic", "2022-23-Q2") == "181"
    with demo_db.session() as s:
        batch = s.scalars(select(ImportBatch).where(ImportBatch.kind == "indicators")).one()
        assert batch.rows_applied == 2 and batch.quarter == "2022-23-Q2"
    again = preview_import(demo_db, plan_id(demo_db), path)
    assert any("imported before" in w for w in again.warnings)
    assert not again.can_apply


def test_long_layout_with_comparator_and_percent_cells(demo_db: Database, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Indicator name", "Period", "Value", "Essex", "Note"])
    ws.append([WSO, "2022/23 Q1", 9, 70, "provisional"])
    ws.append(
        [
            "Feel informed about what the police are doing in the local area",
            "2022-23",
            0.61,
            None,
            "",
        ]
    )
    ws["C3"].number_format = "0%"
    ws.append([WSO, dt.datetime(2022, 7, 1), 3, None, None])
    path = tmp_path / "long.xlsx"
    wb.save(path)
    preview = preview_import(demo_db, plan_id(demo_db), path)
    assert preview.problems == []
    rows = {(r.indicator_name[:20], r.period): r for r in preview.rows}
    assert rows[("Women's Safety Offic", "2022-23-Q1")].comparator == "70"
    assert rows[("Feel informed about ", "2022-23")].new_value == "61"
    assert ("Women's Safety Offic", "2022-23-M07") in rows
    apply_import(demo_db, preview)
    grid = svc.values_grid(
        demo_db, rows[("Women's Safety Offic", "2022-23-Q1")].indicator_id, "2022-23"
    )
    q1 = next(r for r in grid.rows if r.period == "2022-23-Q1")
    assert (q1.value, q1.comparator, q1.note) == ("9", "70", "provisional")


# --- bad input ------------------------------------------------------------------------------


def test_bad_cells_are_named_and_nothing_is_written(demo_db: Database, tmp_path: Path) -> None:
    path = wide(
        tmp_path / "bad.xlsx",
        [
            ["Indicator", "Q1 2022-23", "Q2 2022-23", "Total"],
            [NC, 173, "lots", None],
            ["Next Chapter domestic abuse referals", 1, 2, None],
            [None, 4, 5, None],
            [WSO, "n/a", "#DIV/0!", None],
        ],
    )
    preview = preview_import(demo_db, plan_id(demo_db), path)
    text = "\n".join(preview.problems)
    assert "sheet 'Statistics', row 4, column C: 'lots' is not a number." in text
    assert (
        "sheet 'Statistics', row 5, column A: 'Next Chapter domestic abuse referals' is not an "
        f"indicator of this plan. Did you mean '{NC}'?" in text
    )
    assert "Sheet 'Statistics', row 6: figures but no indicator name in column A." in text
    assert "row 7, column C: the cell shows the Excel error #DIV/0!" in text
    assert any("row 7, column B: 'n/a' read as no value" in w for w in preview.warnings)
    assert any("heading 'Total' is not a period" in w for w in preview.warnings)
    with pytest.raises(UserError, match="problem"):
        apply_import(demo_db, preview)
    with demo_db.session() as s:
        assert s.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_long_layout_bad_period_and_duplicates(demo_db: Database, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Returns"
    ws.append(["Indicator", "Quarter", "Value"])
    ws.append([NC, "sometime", 5])
    ws.append([NC, "Q2 2022-23", 5])
    ws.append([NC, "2022-23-Q2", 6])
    ws.append([NC, None, 6])
    path = tmp_path / "long.xlsx"
    wb.save(path)
    problems = preview_import(demo_db, plan_id(demo_db), path).problems
    assert "sheet 'Returns', row 2, column B: 'sometime' is not a period" in problems[0]
    assert any(
        "sheet 'Returns', row 4, column C: a second value for" in p
        and "(the first is at sheet 'Returns', row 3, column C)" in p
        for p in problems
    )
    assert any("row 5, column B: the period is blank" in p for p in problems)


def test_signed_off_quarter_is_refused(demo_db: Database, tmp_path: Path) -> None:
    svc.sign_off_quarter(demo_db, "2022-23-Q1")
    path = wide(tmp_path / "s.xlsx", [["Indicator", "Q1 2022-23"], [NC, 999]])
    preview = preview_import(demo_db, plan_id(demo_db), path)
    assert "Q1 2022-23 is signed off" in preview.problems[0]
    assert "row 4, column B" in preview.problems[0]


def test_sheet_without_indicator_heading(demo_db: Database, tmp_path: Path) -> None:
    path = wide(tmp_path / "h.xlsx", [["What", "Q1 2022-23"], [NC, 1]])
    preview = preview_import(demo_db, plan_id(demo_db), path)
    assert "No indicator values found in h.xlsx" in preview.problems[0]
    assert "Sheet 'Statistics' has no 'Indicator' heading" in preview.warnings[0]


def test_heading_without_periods(demo_db: Database, tmp_path: Path) -> None:
    path = wide(tmp_path / "p.xlsx", [["Indicator", "Colour"], [NC, 1]])
    preview = preview_import(demo_db, plan_id(demo_db), path)
    assert any("row 3: no period headings" in p for p in preview.problems)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"Indicator,Q1 2022-23\nX,1\n", "not really an Excel workbook"),
        (b"<html><body>not excel</body></html>", "is a web page"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "Excel 97-2003"),
    ],
)
def test_files_that_are_not_workbooks(
    demo_db: Database, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "stats.xlsx"
    path.write_bytes(content)
    with pytest.raises(UserError, match=message):
        preview_import(demo_db, plan_id(demo_db), path)


def test_truncated_workbook(demo_db: Database, tmp_path: Path) -> None:
    good = wide(tmp_path / "good.xlsx", [["Indicator", "Q1 2022-23"], [NC, 1]])
    data = good.read_bytes()
    bad = tmp_path / "cut.xlsx"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(UserError, match=r"cut\.xlsx is damaged"):
        preview_import(demo_db, plan_id(demo_db), bad)


def test_zip_bomb_is_refused_before_parsing(demo_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/sharedStrings.xml", b"\0" * (60 * 2**20))
    assert path.stat().st_size < 1_000_000
    with pytest.raises(UserError, match="looks like a zip bomb"):
        preview_import(demo_db, plan_id(demo_db), path)


def test_reader_can_be_cancelled(tmp_path: Path) -> None:
    path = wide(tmp_path / "c.xlsx", [["Indicator", "Q1 2022-23"], [NC, 1]])
    result = read_indicator_values(path, should_stop=lambda: True)
    assert result.cancelled and result.values == []


def test_reader_reads_numbers_as_decimals(tmp_path: Path) -> None:
    path = wide(tmp_path / "d.xlsx", [["Indicator", "Jul 2022", "Aug 2022"], [NC, 0.1, "1,071"]])
    values = read_indicator_values(path).values
    assert [(v.period_text, v.value) for v in values] == [
        ("2022-23-M07", Decimal("0.1")),
        ("2022-23-M08", Decimal("1071")),
    ]


def test_csv_and_workbook_below_banner_rows_both_import(demo_db: Database, tmp_path: Path) -> None:
    """Indicator files go through the returns engine: CSV as well as .xlsx, header below banners."""
    csv_path = tmp_path / "stats.csv"
    csv_path.write_text(
        "Colchester CSP statistics\n"
        "Source: partner returns\n"
        "\n"
        f'Indicator,Q1 2022-23,Q2 2022-23\n"{NC}",101,"1,102"\n',
        encoding="utf-8",
    )
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Figures"
    ws.append(["Safer Colchester Partnership"])
    ws.append(["Performance statistics for the Strategic Board"])
    ws.append(["Figures supplied by Next Chapter and Essex Police"])
    ws.append([])
    ws.append(["Indicator", "Period", "Value", "Notes"])
    ws.append([WSO, "Q1 2022-23", 7, "first quarter of the post"])
    ws.append([WSO, "Q2 2022-23", "#DIV/0!", ""])
    book_path = tmp_path / "banners.xlsx"
    wb.save(book_path)

    from_csv = preview_import(demo_db, plan_id(demo_db), csv_path)
    assert from_csv.problems == []
    assert sorted((r.period, r.new_value) for r in from_csv.rows) == [
        ("2022-23-Q1", "101"),
        ("2022-23-Q2", "1102"),
    ]
    apply_import(demo_db, from_csv)
    assert value_of(demo_db, "Next Chapter", "2022-23-Q2") == "1102"

    from_book = preview_import(demo_db, plan_id(demo_db), book_path)
    assert from_book.problems == [
        "sheet 'Figures', row 7, column C: the cell shows the Excel error #DIV/0!."
    ]
    values = read_indicator_values(book_path).values
    assert [(v.ref.row, v.period_text, v.value, v.note) for v in values] == [
        (6, "2022-23-Q1", Decimal("7"), "first quarter of the post")
    ]


def test_values_changed_between_preview_and_apply_are_listed_not_overwritten(
    demo_db: Database, tmp_path: Path
) -> None:
    """Another officer's edit and an import from the command line, both landing between the
    preview and Apply: each is named, nothing of the import is written, nothing is lost."""
    import os
    import subprocess
    import sys

    from scp_desktop.services.errors import ConflictError
    from scp_desktop.storage.database import open_database

    path = wide(
        tmp_path / "stats.xlsx",
        [["Indicator", "Q1 2022-23", "Q2 2022-23"], [NC, 999, 181], [WSO, 7, 8]],
    )
    preview = preview_import(demo_db, plan_id(demo_db), path)
    assert preview.can_apply
    nc_q1 = next(r for r in preview.rows if r.indicator_name == NC and r.period == "2022-23-Q1")
    assert nc_q1.change == "changed" and nc_q1.version > 0

    bob, _ = open_database(demo_db.path, user="Bob Jones")
    try:
        svc.save_values(bob, nc_q1.indicator_id, [svc.ValueEdit("2022-23-Q1", {"value": "500"})])
    finally:
        bob.close()
    other = wide(tmp_path / "other.csv.xlsx", [["Indicator", "Q2 2022-23"], [NC, 200]])
    env = {**os.environ, "LOGNAME": "cli-officer", "USER": "cli-officer"}
    cli = [sys.executable, "-m", "scp_desktop", "indicators", "import", "--db", str(demo_db.path)]
    done = subprocess.run(
        [*cli, str(other), "--apply"], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr

    with pytest.raises(ConflictError) as refused:
        apply_import(demo_db, preview)
    message = str(refused.value)
    assert "2 value(s) in stats.xlsx were changed" in message
    assert "nothing was written" in message
    assert "500" in message and "200" in message
    if getattr(demo_db, "shared", False):
        # A shared plan's audit names the database role each officer connects as: here both
        # changes came through this test's own role.
        assert message.count("you, in another window") == 2
    else:
        assert "Bob Jones" in message and "cli-officer" in message
    assert "row 4, column B" in message and "row 4, column C" in message
    assert value_of(demo_db, "Next Chapter domestic", "2022-23-Q1") == "500"
    assert value_of(demo_db, "Next Chapter domestic", "2022-23-Q2") == "200"
    # The women's safety figures were not written either: all or nothing.
    assert value_of(demo_db, "Women's Safety Officer", "2022-23-Q2") is None

    # Previewed again, the officer sees the values as they are now and can apply knowingly.
    again = preview_import(demo_db, plan_id(demo_db), path)
    olds = {(r.indicator_name, r.period): r.old_value for r in again.rows}
    assert olds[(NC, "2022-23-Q1")] == "500" and olds[(NC, "2022-23-Q2")] == "200"
    assert apply_import(demo_db, again) == 4
    assert value_of(demo_db, "Next Chapter domestic", "2022-23-Q1") == "999"
