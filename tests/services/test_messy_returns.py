"""A corpus of returns as partners really send them, with the expected outcome of every row."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import PatternFill
from sqlalchemy import func, select

from scp_desktop.domain.periods import Quarter
from scp_desktop.domain.rag import RAG
from scp_desktop.excel.columns import Meaning
from scp_desktop.services.errors import UserError
from scp_desktop.services.returns.apply import apply_import
from scp_desktop.services.returns.matching import Outcome, PreviewRow
from scp_desktop.services.returns.preview import ImportPreview, choose_action, preview_import
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import ImportBatch, Partner, QuarterUpdate
from tests.hostile_files import write_old_xls, write_zip_bomb

Q2 = Quarter.parse("2022-23-Q2")
LONG = (
    "Sessions delivered in 12 schools <b>including</b> Hamilton & St John's; £1,250 spent on "
    "materials. The “Crucial Crew” team said it was ‘the best yet’. " * 12
).strip()


def _with_cached_value(data: bytes, cell: str, value: str) -> bytes:
    """Give a formula cell a saved result, as Excel does when it saves (openpyxl never does)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                text = content.decode()
                start = text.index(f'<c r="{cell}"')
                end = text.index("</c>", start)
                formula = text[text.index("<f>", start) : text.index("</f>", start) + 4]
                text = text[:start] + f'<c r="{cell}" t="str">{formula}<v>{value}</v>' + text[end:]
                content = text.encode()
            dst.writestr(info, content)
    return out.getvalue()


def build_messy_workbook(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Q2"
    ws["A1"] = "ESSEX POLICE – QUARTERLY UPDATE"
    ws.merge_cells("A1:F1")
    ws["A2"] = "Please complete by 14 Oct"
    ws.append([])
    ws.append(
        [
            "Initiative",
            "Lead Agency or Person",
            "Status (RAG)",
            "Comments / progress this quarter",
            "Completed by",
            "Date of update",
        ]
    )
    rows: list[list[object]] = [
        ["Op Enlightenment", "Essex Police", "GREEN", LONG, "PC Smith", dt.date(2022, 9, 28)],  # 5
        ["PRIORITY 2: ASB AND VIOLENT CRIME"],  # 6 banner
        ["op. halfback", "EP", "amber ", "Patrols continue", "", 44834],  # 7
        ["Project  Servator", "EP", "Complete", "Done", "", "Sept 2022"],  # 8
        ["Op Luscombe", "EP", None, "Drop-in continues", "", "30/09/22"],  # 9 red fill
        ["Totally unknown scheme", "EP", "R", "Something else"],  # 10
        ["MAC Panel", "EP", None, "Progress but no status"],  # 11
        ["Op Oscar", "EP", "purple", "x"],  # 12
        ["Op Enlightenment", "EP", "Green", "A different update"],  # 13 duplicate
        ["Police Operations", "EP"],  # 14 left blank
        ["Essex Police DAPS Team", "EP", "A", "Staffing gaps", "", "sometime soon"],  # 15
        ["Review the PREVENT strategy", "CBC", "G", "Reviewed"],  # 16 close-ish title
        ["Op Sceptre and Op Pegasi", "EP", "a", "=SUM(1,2) is not a formula here"],  # 17
    ]
    for values in rows:
        ws.append(values)
    ws["C9"].fill = PatternFill("solid", fgColor="FFFF0000")
    ws["D17"].data_type = "s"  # typed text that starts with '=', not a formula
    other = wb.create_sheet("Other work")
    other.append(["Ref", "Action", "RAG", "Update"])
    other.append(
        ["2.3.7", "Police operations", '=IF(1=1,"Green","Red")', "Formula, never calculated"]
    )
    other.append(["2.3.8", "Employment of CSEOs", "G", "Two officers in post"])
    other.append(
        ["3.4.1", "Essex Police Operations", '=IF(1=1,"Amber","Red")', "Formula with a result"]
    )
    other.append(["9.9.9", "", "G", "Reference that does not exist"])
    hidden = wb.create_sheet("Old Q1")
    hidden.sheet_state = "hidden"
    hidden.append(["Ref", "Action", "RAG", "Update"])
    hidden.append(["1.1.2", "Op Enlightenment", "Red", "Should never be read"])
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(_with_cached_value(buffer.getvalue(), "C4", "Amber"))


def build_messy_csv(path: Path) -> None:
    text = (
        "Safer Colchester Partnership - CBC return Q2 2022/23,,,\n"
        ",,,\n"
        "Project,Lead,RAG,Progress\n"
        'Crucial Crew,CBC,Green,"Planning for 2023 event – £1,200 booked"\n'
        "Fear of Crime Survey,CBC,Blue,Survey closed\n"
        "Modern Slavery Statement & Action Plan,CBC,g,Published on the website\n"
        "Town Centre Action Plan,CBC,,\n"
    )
    path.write_bytes(text.encode("cp1252"))


# (sheet, row) → (outcome, action reference or None, RAG or None, words in the message)
EXPECTED_WORKBOOK: dict[tuple[str, int], tuple[Outcome, str | None, RAG | None, str]] = {
    ("Q2", 5): (Outcome.UPDATE, "1.1.2", RAG.GREEN, "RAG stays Green"),
    ("Q2", 7): (Outcome.UPDATE, "2.2.2", RAG.AMBER, "RAG change Green → Amber"),
    ("Q2", 8): (Outcome.UPDATE, "1.3.2", RAG.BLUE, "RAG change Green → Blue"),
    ("Q2", 9): (Outcome.UPDATE, "2.3.1", RAG.RED, "colour of cell C9"),
    ("Q2", 10): (Outcome.UNMATCHED, None, RAG.RED, "No action of the plan"),
    ("Q2", 11): (Outcome.ERROR, "1.2.1", None, "no RAG"),
    ("Q2", 12): (Outcome.WARNING, "2.1.5", None, "“purple” is not Red"),
    ("Q2", 13): (Outcome.WARNING, "1.1.2", RAG.GREEN, "also in"),
    ("Q2", 14): (Outcome.UNCHANGED, "2.3.7", None, "Left blank"),
    ("Q2", 15): (Outcome.UPDATE, "3.2.3", RAG.AMBER, "'sometime soon'"),
    ("Q2", 16): (Outcome.WARNING, "1.5.2", RAG.GREEN, "EP does not lead this action"),
    ("Q2", 17): (Outcome.UPDATE, "1.3.1", RAG.AMBER, "New update: Amber"),
    ("Other work", 2): (Outcome.ERROR, "2.3.7", None, "no saved result"),
    ("Other work", 3): (Outcome.UPDATE, "2.3.8", RAG.GREEN, "RAG stays Green"),
    ("Other work", 4): (Outcome.UPDATE, "3.4.1", RAG.AMBER, "RAG change Green → Amber"),
    ("Other work", 5): (Outcome.UNMATCHED, None, RAG.GREEN, "reference '9.9.9'"),
}
EXPECTED_CSV: dict[tuple[str, int], tuple[Outcome, str | None, RAG | None, str]] = {
    ("CBC return", 4): (Outcome.UPDATE, "1.1.1", RAG.GREEN, "RAG stays Green"),
    ("CBC return", 5): (Outcome.UPDATE, "4.2.1", RAG.BLUE, "Green → Blue"),
    ("CBC return", 6): (Outcome.UPDATE, "1.4.1", RAG.GREEN, "RAG stays Green"),
    ("CBC return", 7): (Outcome.UNCHANGED, "2.3.6", None, "Left blank"),
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    build_messy_workbook(folder / "EP Q2 return (messy).xlsx")
    build_messy_csv(folder / "CBC return.csv")
    (folder / "empty.xlsx").write_bytes(b"")
    wb = openpyxl.Workbook()
    wb.save(folder / "blank workbook.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for i in range(5):
        ws.append([i, i * 2, i * 3])
    wb.save(folder / "numbers only.xlsx")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    write_old_xls(folder / "old format.xls")
    write_zip_bomb(folder / "bomb.xlsx")
    (folder / "minutes.txt").write_text("Minutes of the meeting\nNothing tabular here at all\n")
    return folder


def _row_map(preview: ImportPreview) -> dict[tuple[str, int], PreviewRow]:
    return {(r.sheet, r.row): r for r in preview.rows}


def _assert_rows(
    preview: ImportPreview,
    expected: dict[tuple[str, int], tuple[Outcome, str | None, RAG | None, str]],
    file: str,
) -> None:
    rows = {k: v for k, v in _row_map(preview).items() if v.file == file}
    assert set(rows) == set(expected), f"rows read from {file}"
    for key, (outcome, ref, rag, words) in expected.items():
        row = rows[key]
        action = preview.index.actions.get(row.action_id) if row.action_id else None
        got_ref = (
            action.reference
            if action
            else (
                row.candidates[0].label.split()[0]
                if outcome is Outcome.WARNING and row.candidates and not action
                else None
            )
        )
        assert row.outcome is outcome, f"{key}: {row.outcome} {row.message}"
        assert got_ref == ref, f"{key}: matched {got_ref}"
        assert row.rag is rag, f"{key}: rag {row.rag}"
        assert words in row.message, f"{key}: {row.message}"


def test_every_row_of_the_corpus(demo_db: Database, corpus: Path) -> None:
    # A folder brings its spreadsheets; other files come only when chosen one by one.
    preview = preview_import(demo_db, [corpus, corpus / "photo.png"], Q2)
    files = {f.name: f for f in preview.files}
    _assert_rows(preview, EXPECTED_WORKBOOK, "EP Q2 return (messy).xlsx")
    _assert_rows(preview, EXPECTED_CSV, "CBC return.csv")
    messy = files["EP Q2 return (messy).xlsx"]
    assert messy.status == "ok" and messy.agency == "EP"
    assert "Old Q1" in " ".join(messy.notes)  # hidden sheet not read
    assert files["CBC return.csv"].agency == "CBC"
    rows = _row_map(preview)
    assert rows[("Q2", 5)].narrative == LONG
    assert rows[("Q2", 5)].reported_on == dt.date(2022, 9, 28)
    assert rows[("Q2", 7)].reported_on == dt.date(2022, 9, 30)  # a serial number
    assert rows[("Q2", 8)].reported_on == dt.date(2022, 9, 30)  # "Sept 2022"
    assert rows[("Q2", 9)].reported_on == dt.date(2022, 9, 30)  # "30/09/22"
    assert rows[("Q2", 17)].narrative.startswith("=SUM")
    assert rows[("CBC return", 4)].narrative == "Planning for 2023 event – £1,200 booked"

    refused = {name: f.error or "" for name, f in files.items() if f.status == "rejected"}
    assert set(refused) == {
        "empty.xlsx",
        "blank workbook.xlsx",
        "numbers only.xlsx",
        "photo.png",
        "old format.xls",
        "bomb.xlsx",
        "minutes.txt",
    }
    assert "empty" in refused["empty.xlsx"]
    assert "no data" in refused["blank workbook.xlsx"]
    assert "not a return the importer recognises" in refused["numbers only.xlsx"]
    assert "picture" in refused["photo.png"]
    assert "Save As" in refused["old format.xls"]
    assert "zip bomb" in refused["bomb.xlsx"]
    assert "not a return" in refused["minutes.txt"]

    # JSON document, as the command line prints it
    doc = preview.to_json()
    json.dumps(doc)
    entry = next(f for f in doc["files"] if f["file"] == "EP Q2 return (messy).xlsx")
    first = next(r for r in entry["rows"] if r["row"] == 5 and r["sheet"] == "Q2")
    assert first == {
        "sheet": "Q2",
        "row": 5,
        "action_ref": "1.1.2",
        "action_title": "Op Enlightenment",
        "rag": "G",
        "outcome": "update",
        "message": first["message"],
    }


def test_apply_writes_ticked_rows_only_with_provenance(demo_db: Database, corpus: Path) -> None:
    preview = preview_import(demo_db, [corpus], Q2)
    rows = _row_map(preview)
    # The officer confirms the close title match and fixes the unmatched one.
    candidates = rows[("Q2", 16)].candidates
    choose_action(preview, rows[("Q2", 16)], candidates[0].action_id)
    assert rows[("Q2", 16)].outcome is Outcome.UPDATE and rows[("Q2", 16)].selected
    op_oscar = next(a.id for a in preview.index.actions.values() if a.reference == "2.3.10")
    choose_action(preview, rows[("Q2", 10)], op_oscar)
    assert rows[("Q2", 10)].selected
    rows[("Q2", 8)].selected = False  # untick one
    selected = [r for r in preview.rows if r.selected]
    result = apply_import(demo_db, preview)
    assert result.created + result.updated == len(selected)
    with demo_db.session() as s:
        ups = {
            u.action.reference: u
            for u in s.scalars(
                select(QuarterUpdate).where(
                    QuarterUpdate.quarter == Q2.code, QuarterUpdate.source == "import"
                )
            )
        }
        assert set(ups) == {
            "1.1.2",
            "2.2.2",
            "2.3.1",
            "3.2.3",
            "1.5.2",
            "1.3.1",
            "2.3.8",
            "3.4.1",
            "2.3.10",
            "1.1.1",
            "4.2.1",
            "1.4.1",
        }
        assert (
            ups["2.3.1"].rag == "R"
            and ups["2.3.1"].source_sheet == "Q2"
            and ups["2.3.1"].source_row == 9
        )
        assert ups["1.1.2"].narrative == LONG and ups["1.1.2"].reported_by == "PC Smith"
        batch = s.get(ImportBatch, ups["1.1.2"].import_batch_id)
        assert batch is not None and batch.file_name == "EP Q2 return (messy).xlsx"
        ep = s.scalars(select(Partner).where(Partner.abbreviation == "EP")).one()
        assert batch.partner_id == ep.id
        project_servator = s.scalars(
            select(QuarterUpdate).join(QuarterUpdate.action).where(QuarterUpdate.quarter == Q2.code)
        ).all()
        assert next(u for u in project_servator if u.action.reference == "1.3.2").source != "import"


def test_apply_is_all_or_nothing(demo_db: Database, corpus: Path) -> None:
    preview = preview_import(demo_db, [corpus], Q2)
    rows = _row_map(preview)
    rows[("Q2", 11)].selected = True  # an error row (no RAG) forced on
    with demo_db.session() as s:
        before = s.scalar(
            select(func.count()).select_from(QuarterUpdate).where(QuarterUpdate.source == "import")
        )
    with pytest.raises(UserError, match="row 11"):
        apply_import(demo_db, preview)
    with demo_db.session() as s:
        after = s.scalar(
            select(func.count()).select_from(QuarterUpdate).where(QuarterUpdate.source == "import")
        )
        assert s.scalar(select(func.count()).select_from(ImportBatch)) == 0
    assert before == after == 0


def test_column_correction_is_remembered_for_the_agency(demo_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "EP odd headers.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Ref", "Scheme name", "Colour", "Progress"])
    ws.append(["1.1.2", "Op Enlightenment", "Amber", "Fewer schools this term"])
    wb.save(path)
    first = preview_import(demo_db, [path], Q2)
    assert first.files[0].status == "ok"
    row = first.rows[0]
    assert row.rag is None and row.outcome is Outcome.ERROR  # 'Colour' not understood
    fixed = preview_import(
        demo_db, [path], Q2, column_choices={path.name: {"Sheet": {2: Meaning.RAG}}}
    )
    assert fixed.rows[0].rag is RAG.AMBER and fixed.rows[0].outcome is Outcome.UPDATE
    apply_import(demo_db, fixed)
    with demo_db.session() as s:
        ep = s.scalars(select(Partner).where(Partner.abbreviation == "EP")).one()
        assert json.loads(ep.import_mapping)["colour"] == "rag"
    again = preview_import(demo_db, [path], Q2)  # no choices given: the agency's memory applies
    assert again.rows[0].rag is RAG.AMBER
    assert "imported before" in " ".join(again.files[0].notes)


def test_signed_off_quarter_is_refused(demo_db: Database, corpus: Path) -> None:
    from scp_desktop.storage.models import QuarterSignoff

    with demo_db.session() as s:
        s.add(QuarterSignoff(quarter=Q2.code, signed_off_by="lead"))
    preview = preview_import(demo_db, [corpus / "CBC return.csv"], Q2)
    assert {r.outcome for r in preview.rows} <= {Outcome.ERROR, Outcome.UNCHANGED}
    assert "signed off" in preview.rows[0].message


def test_remembered_columns_recognise_a_file_whatever_its_name(
    demo_db: Database, tmp_path: Path
) -> None:
    def sheet(path: Path) -> Path:
        wb = openpyxl.Workbook()
        ws = wb.active
        assert ws is not None
        ws.append(["Ref", "Scheme name", "Colour", "What happened"])
        ws.append(["1.1.2", "Op Enlightenment", "Amber", "Fewer schools this term"])
        wb.save(path)
        return path

    first = sheet(tmp_path / "EP.xlsx")
    refused = preview_import(demo_db, [first], Q2)
    assert refused.files[0].status == "rejected"
    assert "no RAG or progress column" in (refused.files[0].error or "")
    assert refused.files[0].sheets[0].headers == ["Ref", "Scheme name", "Colour", "What happened"]
    fixed = preview_import(
        demo_db,
        [first],
        Q2,
        column_choices={first.name: {"Sheet": {2: Meaning.RAG, 3: Meaning.PROGRESS}}},
    )
    apply_import(demo_db, fixed)
    later = preview_import(demo_db, [sheet(tmp_path / "returned 14 Oct.xlsx")], Q2)
    assert later.files[0].status == "ok" and later.files[0].agency == "EP"
    assert later.rows[0].rag is RAG.AMBER and later.rows[0].narrative == "Fewer schools this term"
