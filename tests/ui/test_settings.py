"""The machine's settings: declared once with type and default, read back as the declared type,
defaults for anything missing or damaged, and the settings of the previous version carried over."""

from __future__ import annotations

import ast
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSettings
from pytestqt.qtbot import QtBot

import scp_desktop
from scp_desktop.domain.periods import Quarter
from scp_desktop.services import plans
from scp_desktop.storage.database import Database
from scp_desktop.ui import settings as registry
from scp_desktop.ui.main_window import MainWindow
from scp_desktop.ui.settings import (
    ACTION_TABLE_HEADER,
    LAST_FILE,
    LAST_PLAN,
    OFFICER_NAME,
    OPTIONS,
    PLAN_QUARTER,
    RECENT_FILES,
    SHOW_ARCHIVED,
    WINDOW_GEOMETRY,
    Option,
    Settings,
    option,
    recent_files,
)

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path(scp_desktop.__file__).resolve().parent
# After the year of the demo plan: the window opens on the quarter it was left on.
LATER = dt.date(2026, 1, 10)


def _ini(path: Path) -> QSettings:
    return QSettings(str(path), QSettings.Format.IniFormat)


def _declared() -> dict[str, Option[object]]:
    """The registry's options by the name code uses for them."""
    return {name: value for name, value in vars(registry).items() if isinstance(value, Option)}


def _one(declared: Option[object]) -> Option[object]:
    return declared.at(7) if "{}" in declared.name else declared


# A value of the wrong kind for each declared type, as another program might leave it.
WRONG: dict[type, object] = {
    str: ["not", "a", "name"],
    int: "the first one",
    bool: "perhaps",
    list: QByteArray(b"\x00\x01"),
    QByteArray: "not a window layout",
}
# A good value of each declared type.
GOOD: dict[type, object] = {
    str: "Pat O'Brien",
    int: 42,
    bool: True,
    list: ["C:/plans/one.db", "C:/plans/two.db"],
    QByteArray: QByteArray(b"\x00\xffstate"),
}


def test_every_setting_is_declared_with_a_type_a_default_of_that_type_and_a_description() -> None:
    declared = _declared()
    assert set(OPTIONS) == {o.name for o in declared.values()}
    assert len(OPTIONS) == len(declared) >= 9
    for name, setting in declared.items():
        assert isinstance(setting.default, setting.kind), name
        assert setting.description.strip() and "\n" not in setting.description, name
    with pytest.raises(ValueError, match="officer/name is declared twice"):
        option("officer/name", str, "", "Again.")
    with pytest.raises(TypeError, match="cannot hold: dict"):
        option("nowhere/map", dict, {}, "Not a type settings hold.")


def test_each_setting_reads_back_as_written_in_a_new_session(tmp_path: Path) -> None:
    path = tmp_path / "settings.ini"
    first = Settings(_ini(path))
    for setting in _declared().values():
        first.set(_one(setting), GOOD[setting.kind])
    first.sync()
    again = Settings(_ini(path))
    for name, setting in _declared().items():
        value = again.get(_one(setting))
        assert value == GOOD[setting.kind] and type(value) is type(GOOD[setting.kind]), name


def test_missing_or_wrongly_typed_values_read_as_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.ini"
    raw = _ini(path)
    for setting in _declared().values():
        raw.setValue(_one(setting).name, WRONG[setting.kind])
    raw.sync()
    damaged = Settings(_ini(path))
    for name, setting in _declared().items():
        assert damaged.get(_one(setting)) == setting.default, name
    empty = Settings(_ini(tmp_path / "never-written.ini"))
    for name, setting in _declared().items():
        assert empty.get(_one(setting)) == setting.default, name
    # What a caller is given is its own: changing it leaves the default as declared.
    empty.get(RECENT_FILES).append("C:/plans/three.db")
    assert RECENT_FILES.default == [] and empty.get(RECENT_FILES) == []


def test_a_one_item_list_read_back_as_text_is_still_a_list(tmp_path: Path) -> None:
    path = tmp_path / "settings.ini"
    raw = _ini(path)
    raw.setValue(RECENT_FILES.name, "C:/plans/only.db")
    raw.sync()
    assert recent_files(Settings(_ini(path))) == ["C:/plans/only.db"]


def test_a_family_of_settings_is_read_only_one_at_a_time(tmp_path: Path) -> None:
    settings = Settings(_ini(tmp_path / "settings.ini"))
    settings.set(PLAN_QUARTER.at(3), "2022-23 Q2")
    assert settings.get(PLAN_QUARTER.at(3)) == "2022-23 Q2"
    assert settings.get(PLAN_QUARTER.at(4)) == ""
    with pytest.raises(ValueError, match="one per item"):
        settings.get(PLAN_QUARTER)
    with pytest.raises(ValueError, match="not one per item"):
        OFFICER_NAME.at(3)


def _python_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p != Path(registry.__file__).resolve())


def test_no_module_reads_or_writes_a_setting_by_its_key() -> None:
    by_key = re.compile(r"\.(?:value|setValue|contains|remove)\(\s*f?[\"']")
    on_settings = re.compile(r"settings\w*\)?\.(?:value|setValue|set_value|contains|remove)\(")
    keys = {name.split("{}")[0] for name in OPTIONS}
    found: list[str] = []
    for path in _python_files():
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(PACKAGE)
        found += [f"{where}: {m.group(0)}" for m in by_key.finditer(text)]
        found += [f"{where}: {m.group(0)}" for m in on_settings.finditer(text)]
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found += [f"{where}: {node.value!r}" for k in keys if node.value.startswith(k)]
    assert found == []


def test_every_declared_setting_is_used_outside_the_registry() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in _python_files())

    def used(name: str) -> bool:
        return re.search(rf"\b{name}\b", text) is not None

    # A setting counts as used through a helper of the registry that is itself used
    # (`officer_name`, `recent_files`, ...).
    through: dict[str, set[str]] = {}
    source = Path(registry.__file__).read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Name):
                    through.setdefault(inner.id, set()).add(node.name)
    unused = [
        name
        for name in _declared()
        if not used(name) and not any(used(helper) for helper in through.get(name, ()))
    ]
    assert unused == []


def _window(qtbot: QtBot, db: Database, path: Path, today: dt.date = LATER) -> MainWindow:
    window = MainWindow(db, Settings(_ini(path)), today=today)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_the_window_opens_with_defaults_over_damaged_settings(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    fresh = _window(qtbot, demo_db, tmp_path / "fresh.ini")
    header = fresh.table.horizontalHeader()
    hidden = [header.isSectionHidden(i) for i in range(header.count())]
    expected = (fresh.plan_combo.currentIndex(), fresh.quarter)
    fresh.close()
    path = tmp_path / "damaged.ini"
    raw = _ini(path)
    for setting in _declared().values():
        raw.setValue(_one(setting).name, WRONG[setting.kind])
    plan_id = plans.list_plans(demo_db)[0].id
    raw.setValue(PLAN_QUARTER.at(plan_id).name, "2022-23 Q9")
    raw.sync()
    window = _window(qtbot, demo_db, path)
    assert window.settings.officer_name == "" and not window.file_commands.show_archived
    assert (window.plan_combo.currentIndex(), window.quarter) == expected
    header = window.table.horizontalHeader()
    assert [header.isSectionHidden(i) for i in range(header.count())] == hidden
    assert window.model.rowCount() > 0
    window.close()
    # Closing wrote good values in place of the damaged ones.
    again = Settings(_ini(path))
    assert not again.get(WINDOW_GEOMETRY).isEmpty() and again.get(LAST_PLAN) == plan_id


def test_settings_left_by_the_previous_version_carry_over_both_ways(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    fresh = _window(qtbot, demo_db, tmp_path / "fresh.ini")
    default_quarter = fresh.quarter
    header = fresh.table.horizontalHeader()
    shown = [i for i in range(header.count()) if not header.isSectionHidden(i)]
    header.hideSection(shown[-1])
    header_state = header.saveState()
    fresh.close()
    plan_id = plans.list_plans(demo_db)[0].id
    chosen = Quarter.parse("2022-23 Q1")
    assert default_quarter != chosen
    # Written with the keys, and in the forms, the previous version wrote them.
    path = tmp_path / "previous.ini"
    old = _ini(path)
    old.setValue("officer/name", "Pat Officer")
    old.setValue("files/recent", [str(demo_db.path), "C:/plans/older.db"])
    old.setValue("files/last", str(demo_db.path))
    old.setValue("layout/action_table_header", header_state)
    old.setValue("workspace/show_archived", "true")
    old.setValue("workspace/plan_id", plan_id)
    old.setValue(f"plan/{plan_id}/quarter", chosen.code)
    old.sync()

    window = _window(qtbot, demo_db, path)
    assert window.settings.officer_name == "Pat Officer"
    assert "Pat Officer" in window.officer_button.text()
    assert window.file_commands.show_archived
    assert window.plan_combo.currentData() == plan_id and window.quarter == chosen
    assert window.table.horizontalHeader().isSectionHidden(shown[-1])
    assert recent_files(window.settings) == [str(demo_db.path), "C:/plans/older.db"]
    assert window.settings.get(LAST_FILE) == str(demo_db.path)
    window.close()

    # And read back as the previous version read them.
    back = _ini(path)
    assert back.value("officer/name") == "Pat Officer"
    assert str(back.value("workspace/show_archived")).lower() == "true"
    assert str(back.value("workspace/plan_id")) == str(plan_id)
    assert back.value(f"plan/{plan_id}/quarter") == chosen.code
    for key in ("layout/main_window", "layout/main_window_state", "layout/action_table_header"):
        assert isinstance(back.value(key), QByteArray), key
    assert back.value(ACTION_TABLE_HEADER.name) == window.table.horizontalHeader().saveState()
    Settings(back).set(SHOW_ARCHIVED, False)
    assert back.value("workspace/show_archived") == "false"


GARBLED = """[General]
this line is not a setting at all

[officer]
name=@ByteArray(\\xff\\xfe\\0)

[files]
recent=@Variant(\\0\\0\\0\\x7f\\0\\0\\0\\x12garbage)
last=@Invalid()

[layout]
main_window=@ByteArray(not a window)
main_window_state=hello
action_table_header=@Variant(broken

[workspace]
show_archived=perhaps
plan_id=the first one

[plan]
1\\quarter=2022-23 Q9
"""


def test_the_application_starts_over_a_garbled_settings_file(
    tmp_path: Path, demo_template: Path
) -> None:
    plan_file = tmp_path / "demo.db"
    shutil.copy(demo_template, plan_file)
    text = tmp_path / "garbled.conf"
    text.write_text(GARBLED, encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    done = subprocess.run(
        [sys.executable, "-m", "tests.garbled_settings_start", str(plan_file), str(text)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    seen = dict(line.split("=", 1) for line in done.stdout.splitlines() if re.match(r"^\w+=", line))
    assert done.returncode == 0, done.stderr
    assert seen["exit"] == "0" and seen["title"].endswith("demo.db"), done.stdout
    # The name read as missing, so it was asked for, as on a first start.
    assert seen["asked"] == "Preferences" and seen["officer"] == ""
    assert seen["show_archived"] == "False" and seen["plan"].startswith("2022-23")
    assert Quarter.parse(seen["quarter"]).year.label == "2022-23"
    assert "Traceback" not in done.stderr
    written = Settings(_ini(tmp_path / "config" / "SCP Desktop" / "SCP Desktop.conf"))
    assert written.get(LAST_FILE) == str(plan_file)
