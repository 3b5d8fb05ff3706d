"""The main window: wires the navigator, filter bar, action table, dashboard and docks to the
edit commands. The widgets themselves live in their own modules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar, QPushButton
from shiboken6 import isValid

from scp_desktop import APP_NAME, __version__
from scp_desktop.services.errors import UserError
from scp_desktop.storage.errors import DatabaseError
from scp_desktop.ui.lazy import lazy_module
from scp_desktop.ui.menu_bar import window_menus
from scp_desktop.ui.settings import (
    ACTION_TABLE_HEADER,
    LAST_PLAN,
    PLAN_QUARTER,
    WINDOW_GEOMETRY,
    WINDOW_STATE,
    Settings,
)

# The window is shown in two steps. Its frame (title, menu titles, status bar) needs only the
# modules above, which are light; the rest of it (commands, toolbar, table, dashboard, docks)
# is built by `complete()` from the modules below, each imported when first read, and the
# plan file's services load later still, with the file.
if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtCore import QModelIndex
    from PySide6.QtGui import QCloseEvent, QShowEvent
    from PySide6.QtWidgets import QDialog, QWidget

    from scp_desktop.domain import periods
    from scp_desktop.domain.periods import Quarter
    from scp_desktop.services import import_undo, plan_reads, plans, workspace
    from scp_desktop.services.first_screen import FirstScreen, PlanTexts, Screen, Wanted
    from scp_desktop.services.plan_reads import PlanInfo
    from scp_desktop.storage.database import Database, OpenResult
    from scp_desktop.ui import (
        action_commands,
        action_registry,
        action_table,
        dashboard,
        file_commands,
        file_menu,
        filter_bar,
        filtering,
        history,
        menus,
        navigator,
        plan_commands,
        search_index,
        shared_plan,
        table_tools,
        toolbar,
        undo,
        user_guide,
    )
    from scp_desktop.ui.change_watch import ChangeWatch
    from scp_desktop.ui.edits import Edits
    from scp_desktop.ui.file_access import Access
    from scp_desktop.ui.filtering import ActionFilter
    from scp_desktop.ui.undo import Changed
else:
    periods = lazy_module("scp_desktop.domain.periods")
    import_undo = lazy_module("scp_desktop.services.import_undo")
    plans = lazy_module("scp_desktop.services.plans")
    workspace = lazy_module("scp_desktop.services.workspace")
    action_commands = lazy_module("scp_desktop.ui.action_commands")
    action_registry = lazy_module("scp_desktop.ui.action_registry")
    action_table = lazy_module("scp_desktop.ui.action_table")
    dashboard = lazy_module("scp_desktop.ui.dashboard")
    file_commands = lazy_module("scp_desktop.ui.file_commands")
    file_menu = lazy_module("scp_desktop.ui.file_menu")
    filter_bar = lazy_module("scp_desktop.ui.filter_bar")
    filtering = lazy_module("scp_desktop.ui.filtering")
    history = lazy_module("scp_desktop.ui.history")
    menus = lazy_module("scp_desktop.ui.menus")
    navigator = lazy_module("scp_desktop.ui.navigator")
    plan_commands = lazy_module("scp_desktop.ui.plan_commands")
    search_index = lazy_module("scp_desktop.ui.search_index")
    shared_plan = lazy_module("scp_desktop.ui.shared_plan")
    table_tools = lazy_module("scp_desktop.ui.table_tools")
    toolbar = lazy_module("scp_desktop.ui.toolbar")
    undo = lazy_module("scp_desktop.ui.undo")
    user_guide = lazy_module("scp_desktop.ui.user_guide")

# How long the window waits, idle, before reading the search texts in the background (a
# plan of 5,000 actions keeps a second core busy for about half a second).
SEARCH_TEXTS_DELAY_MS = 1000


class MainWindow(QMainWindow):
    # Emitted once a plan file is attached and its plan shown (the start's second step).
    database_attached = Signal()

    def __init__(
        self,
        db: Database | None,
        settings: Settings,
        *,
        open_result: OpenResult | None = None,
        today: dt.date | None = None,
        opening: Path | None = None,
        frame_only: bool = False,
    ) -> None:
        """The window. With `db` its plan is shown at once; without, the window says it is
        opening `opening` (with every command that needs a plan switched off) until
        `attach_database`. With `frame_only`, only the frame is built (title, menu titles,
        status bar), to be shown at once; `complete()` builds the rest."""
        super().__init__()
        self.settings = settings
        self.today = today or dt.date.today()
        self.plan_id: int | None = None
        self.quarter: Quarter | None = None
        self._dashboard_stale = True
        self._is_demo = False
        self._is_empty = False
        self._plans: dict[int, PlanInfo] = {}
        self._rows_shown = False
        self._complete = False
        self._docks_sized = False
        self.opening_bar: QProgressBar | None = None
        self.resize(1366, 768)
        window_menus(self)  # their titles; the commands in them come with the rest
        self._build_status_bar()
        geometry = self.settings.get(WINDOW_GEOMETRY)
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        if db is None:
            self.show_opening(opening)
        if not frame_only:
            self.complete(db, open_result)

    def complete(self, db: Database | None = None, open_result: OpenResult | None = None) -> None:
        """Build the rest of the window on its frame: the commands and menus, toolbar,
        table, dashboard and docks; then show `db` when given. Done once."""
        if self._complete:
            return
        self.undo = undo.UndoController(self)
        self.plan_commands = plan_commands.PlanCommands(self)
        self.action_commands = action_commands.ActionCommands(self)
        self.file_commands = file_commands.FileCommands(
            self, open_shared=lambda address: shared_plan.open_shared_address(self, address)
        )
        undo_action = self.undo.stack.createUndoAction(self, "&Undo")
        redo_action = self.undo.stack.createRedoAction(self, "&Redo")
        # Made before the menus: View lists their own show/hide commands.
        self.navigator: navigator.NavigatorDock = navigator.NavigatorDock(self)
        self.history: history.HistoryDock = history.HistoryDock(self)
        provided = {
            "undo": undo_action,
            "redo": redo_action,
            "show_navigator": self.navigator.toggleViewAction(),
            "show_history": self.history.toggleViewAction(),
        }
        self.acts = menus.build_actions(self, self._command_handlers(), provided)
        self.file_acts = file_menu.install_file_actions(
            self.acts, self.file_commands.recent_menu, self.file_commands.show_archived
        )
        self.connect_shared = self.acts.connect_shared
        self._build_toolbar()
        self._build_central()
        dock_area = QtCore.Qt.DockWidgetArea.LeftDockWidgetArea
        self.addDockWidget(dock_area, self.navigator)
        # Both docks share the left column so the table keeps the width of a 1366 px screen.
        self.addDockWidget(dock_area, self.history)
        self.splitDockWidget(self.navigator, self.history, QtCore.Qt.Orientation.Vertical)
        self.navigator.setMinimumWidth(180)
        self._connect()
        self.table_tools = table_tools.TableTools(self)
        self.guide_action = self.acts.guide
        self._restore_layout()
        self._complete = True
        if self.isVisible():
            self._size_docks()
        if db is not None:
            self.attach_database(db, open_result)
        else:
            self.demo_notice.hide()  # shown by reload() when the file is the demo, or empty
            self._set_widgets_enabled(False)
            self.refresh_commands()

    # ------------------------------------------------------------ attaching the plan file

    @property
    def is_complete(self) -> bool:
        """Whether the whole window is built (False while only its frame is)."""
        return self._complete

    @property
    def has_database(self) -> bool:
        """Whether a plan file is attached (False while the start still opens it)."""
        return "db" in self.__dict__

    def show_opening(self, path: Path | None) -> None:
        """The frame before its plan file is attached: it says what it opens, and every
        command that needs a plan is off until then (the registry's state has no file)."""
        name = path.name if path is not None else "the plan file"
        self.setWindowTitle(f"{APP_NAME} — {name}")
        self.db_label.setText(f"Opening {path or name}…")
        # Busy, not a percentage: opening is one SQLite check whose length is not known.
        self.opening_bar = QProgressBar(self)
        self.opening_bar.setRange(0, 0)
        self.opening_bar.setMaximumWidth(160)
        self.opening_bar.setAccessibleName(f"Opening {name}")
        self.statusBar().addWidget(self.opening_bar)

    def _set_widgets_enabled(self, enabled: bool) -> None:
        for widget in (
            self.centralWidget(),
            self.plan_combo,
            self.quarter_combo,
            self.navigator.widget(),
            self.history.widget(),
        ):
            if widget is not None:
                widget.setEnabled(enabled)

    def attach_database(self, db: Database, open_result: OpenResult | None = None) -> None:
        """Show the plan file `db`, opened for this window: its plans, table and dashboard."""
        from scp_desktop.ui.change_watch import watch_changes
        from scp_desktop.ui.edits import Edits

        self.db = db
        if self.settings.officer_name:
            db.user = self.settings.officer_name
        self.setWindowTitle(f"{APP_NAME} — {db.path.name}")
        self.db_label.setText(f"Database: {db.path}")
        self.edits: Edits = Edits(db, self.undo, self.settings.officer_name or db.user)
        if self.opening_bar is not None:
            self.statusBar().removeWidget(self.opening_bar)
            self.opening_bar.deleteLater()
            self.opening_bar = None
            self._set_widgets_enabled(True)
        self._show_upgrade(open_result)
        if db.read_only is not None:
            from scp_desktop.ui.read_only import show_read_only

            show_read_only(self)
        try:
            self.reload()
        except UserError as exc:
            # A plan the file cannot show: the window stays, with the file's other commands
            # (its backups above all) and the reason.
            self.show_error(str(exc))
        # Changes saved elsewhere (another window, another officer on a shared plan) appear
        # by themselves.
        self.change_watch: ChangeWatch = watch_changes(self)
        self.refresh_commands()
        self.database_attached.emit()

    # ------------------------------------------------------------ construction

    def _build_toolbar(self) -> None:
        bar = QtWidgets.QToolBar("Main toolbar", self)
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        self.addToolBar(bar)
        plan_label = QLabel(" Pla&n: ", bar)
        self.plan_combo = QtWidgets.QComboBox(bar)
        self.plan_combo.setAccessibleName("Plan year")
        self.plan_combo.setMinimumContentsLength(16)
        plan_label.setBuddy(self.plan_combo)
        quarter_label = QLabel("  &Quarter: ", bar)
        self.quarter_combo = QtWidgets.QComboBox(bar)
        self.quarter_combo.setAccessibleName("Quarter")
        self.quarter_combo.setMinimumContentsLength(14)
        quarter_label.setBuddy(self.quarter_combo)
        bar.addWidget(plan_label)
        bar.addWidget(self.plan_combo)
        bar.addWidget(quarter_label)
        bar.addWidget(self.quarter_combo)
        bar.addSeparator()
        # The menu's Undo says what it undoes ("Undo Set RAG…"); on the toolbar that text
        # would change the button's width and shift every button after it.
        twin, text = toolbar.fixed_text_twin, action_registry.TOOLBAR_TEXT
        self.toolbar_undo = twin(self.acts.undo, text["undo"], bar)
        self.toolbar_redo = twin(self.acts.redo, text["redo"], bar)
        twins = {"undo": self.toolbar_undo, "redo": self.toolbar_redo}
        for action_id in action_registry.TOOLBAR:
            if action_id is None:
                bar.addSeparator()
            else:
                bar.addAction(twins.get(action_id) or self.acts.by_id(action_id))

    def _build_central(self) -> None:
        central = QtWidgets.QWidget(self)
        layout = QtWidgets.QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        self.demo_notice = QtWidgets.QFrame(central)
        self.demo_notice.setObjectName("demoNotice")
        self.demo_notice.setStyleSheet(
            "QFrame#demoNotice { background: #FFF8E1; border: 1px solid #F9A825; }"
        )
        notice_layout = QtWidgets.QHBoxLayout(self.demo_notice)
        notice_layout.setContentsMargins(6, 4, 6, 4)
        self.demo_text = QLabel(self.demo_notice)
        self.demo_text.setWordWrap(True)
        notice_layout.addWidget(self.demo_text, 1)
        # On the demo it starts the officer's own partnership (a new file); on an empty
        # file it sets the partnership up in that file.
        self.start_empty = QPushButton("&Start your own partnership…", self.demo_notice)
        self.start_empty.setAccessibleName("Start your own partnership")
        self.start_empty.clicked.connect(self._notice_clicked)
        notice_layout.addWidget(self.start_empty)
        self.notice_spreadsheet = QPushButton("Fro&m our plan spreadsheet…", self.demo_notice)
        self.notice_spreadsheet.setAccessibleName("New plan from our plan spreadsheet")
        self.notice_spreadsheet.clicked.connect(lambda: self.open_plan_from_spreadsheet())
        notice_layout.addWidget(self.notice_spreadsheet)
        layout.addWidget(self.demo_notice)

        self.stack = QtWidgets.QStackedWidget(central)
        table_page = QtWidgets.QWidget(self.stack)
        table_layout = QtWidgets.QVBoxLayout(table_page)
        table_layout.setContentsMargins(0, 0, 0, 0)
        self.filter_bar = filter_bar.FilterBar(table_page)
        table_layout.addWidget(self.filter_bar)
        self.model = action_table.ActionTableModel(parent=self)
        self.search_index = search_index.SearchIndexLoader(self)
        self._search_pending: tuple[object, Callable[[], dict[int, bytes]]] | None = None
        self._history_action_id: int | None = -1  # no action id: the first call shows
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_TEXTS_DELAY_MS)
        self._search_timer.timeout.connect(self._start_search_index)
        self.table = action_table.ActionTableView(table_page)
        self.table.setModel(self.model)
        self.table.apply_default_widths()
        table_layout.addWidget(self.table, 1)
        self.stack.addWidget(table_page)
        self.dashboard = dashboard.DashboardView(self.stack)
        self.stack.addWidget(self.dashboard)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

    def _build_status_bar(self) -> None:
        self.db_label = QLabel(self)
        self.db_label.setAccessibleName("Database file")
        self.officer_button = QPushButton(self)
        self.officer_button.setFlat(True)
        self.officer_button.setAccessibleName("Officer name (click to change)")
        self.officer_button.clicked.connect(self.edit_preferences)
        self.statusBar().addPermanentWidget(self.db_label)
        self.statusBar().addPermanentWidget(self.officer_button)
        self._show_officer()

    def _show_upgrade(self, open_result: OpenResult | None) -> None:
        if open_result and open_result.backup:
            self.statusBar().showMessage(
                f"Database upgraded; the previous version was kept as {open_result.backup.name}"
            )

    def _connect(self) -> None:
        self.plan_combo.currentIndexChanged.connect(self._plan_changed)
        self.quarter_combo.currentIndexChanged.connect(self._quarter_changed)
        self.filter_bar.filter_changed.connect(self._filter_changed)
        self.filter_bar.search_entered.connect(self._start_search_index)
        self.model.rag_edit_requested.connect(self.action_commands.set_rag)
        # Queued: the model finds out while the table paints, no place for a message box.
        self.model.progress_failed.connect(
            self.show_error, QtCore.Qt.ConnectionType.QueuedConnection
        )
        self.model.modelReset.connect(self._describe_filter)
        self.table.activated_action.connect(lambda _id: self.action_commands.edit_action())
        self.table.selectionModel().currentRowChanged.connect(self._current_row_changed)
        header = self.table.horizontalHeader()
        header.sectionMoved.connect(lambda *_: self._save_header())
        header.sectionResized.connect(lambda *_: self._save_header_later())
        self.navigator.plan_chosen.connect(self._navigator_plan)
        self.navigator.priority_chosen.connect(
            lambda pid: self.filter_bar.show_filter(
                filtering.ActionFilter(text=self.filter_bar.current.text, priority_id=pid)
            )
        )
        self.navigator.objective_chosen.connect(
            lambda oid: self.filter_bar.show_filter(
                filtering.ActionFilter(text=self.filter_bar.current.text, objective_id=oid)
            )
        )
        self.navigator.action_chosen.connect(self.select_action)
        self.dashboard.action_chosen.connect(self._dashboard_action)
        self.search_index.loaded.connect(self._search_texts_loaded)
        self.history.attach_requested.connect(self.action_commands.attach_evidence)
        self.history.attach_update_requested.connect(self.action_commands.attach_update_evidence)
        self.history.open_requested.connect(self.action_commands.open_evidence)
        self.history.remove_requested.connect(self.action_commands.remove_evidence)
        self.history.undo_import_requested.connect(self.undo_import)
        self.undo.changed.connect(self._apply_change)
        # What can apply changes with the chosen action or node and with the undo stack.
        self.model.modelReset.connect(self.refresh_commands)
        self.navigator.tree.currentItemChanged.connect(self.refresh_commands)
        self.undo.stack.canUndoChanged.connect(self.refresh_commands)
        self.undo.stack.canRedoChanged.connect(self.refresh_commands)
        self.undo.failed.connect(self.show_error)
        self._header_timer = QTimer(self)
        self._header_timer.setSingleShot(True)
        self._header_timer.setInterval(400)
        self._header_timer.timeout.connect(self._save_header)

    def _restore_layout(self) -> None:
        state = self.settings.get(ACTION_TABLE_HEADER)
        if not state.isEmpty():
            self.table.horizontalHeader().restoreState(state)
        window_state = self.settings.get(WINDOW_STATE)
        if not window_state.isEmpty():
            self.restoreState(window_state)
        # Sorting is a choice for this session; the saved header must not re-sort on load.
        self.table.horizontalHeader().setSortIndicator(-1, QtCore.Qt.SortOrder.AscendingOrder)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._complete:
            self._size_docks()

    def _size_docks(self) -> None:
        """On the first show of the whole window, the docks' default split for a 1366 px
        screen; a saved layout wins when there is one."""
        if not self._docks_sized and self.settings.get(WINDOW_STATE).isEmpty():
            orientation = QtCore.Qt.Orientation
            self.resizeDocks([self.navigator], [320], orientation.Horizontal)
            self.resizeDocks([self.navigator, self.history], [340, 300], orientation.Vertical)
        self._docks_sized = True

    def _save_header_later(self) -> None:
        self._header_timer.start()

    def _save_header(self) -> None:
        self.settings.set(ACTION_TABLE_HEADER, self.table.horizontalHeader().saveState())

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._complete:  # closed before the rest of it was built
            self.settings.set(WINDOW_GEOMETRY, self.saveGeometry())
            super().closeEvent(event)
            return
        # A search-text load still reading must not outlive the window's database, and
        # none may start once it is closed.
        self._search_timer.stop()
        self._search_pending = None
        self.search_index.wait()
        self._save_header()
        self.settings.set(WINDOW_STATE, self.saveState())
        self.settings.set(WINDOW_GEOMETRY, self.saveGeometry())
        if self.plan_id is not None and self.quarter is not None:
            self.settings.set(PLAN_QUARTER.at(self.plan_id), self.quarter.code)
        self.settings.sync()
        super().closeEvent(event)

    # ------------------------------------------------------------ loading

    def reload(self) -> None:
        """Read everything again from the database (F5)."""
        self._show_screen(workspace.screen(self.db, self._wanted()))
        self._open_chosen_plan()

    def _wanted(self, settings: Settings | None = None) -> Wanted:
        """What decides the plan and quarter shown: what is on screen, else what was last;
        the saved quarters read through `settings` (the window's own by default)."""
        from scp_desktop.services.first_screen import Wanted

        settings = settings or self.settings
        return Wanted(
            on_screen=self.plan_id,
            last_plan=settings.get(LAST_PLAN) or None,
            quarter=self.quarter,
            saved_quarter=lambda plan_id: settings.get(PLAN_QUARTER.at(plan_id)),
            show_archived=self.file_commands.show_archived,
            today=self.today,
        )

    def wanted_elsewhere(self) -> Wanted:
        """`_wanted` for a worker thread: the saved quarters read through settings of its own."""
        return self._wanted(self.settings.elsewhere())

    def _show_screen(self, screen: Screen) -> None:
        """The notice, title and pickers for `screen` (no rows yet): from the attached plan
        file, or at start from the file itself while it is still being opened."""
        info = screen.partnership
        self._is_demo = bool(info and info.is_demo)
        self._is_empty = info is None and not screen.has_plans
        self._show_notice()
        self._update_title()
        self._plans = {p.id: p for p in screen.plans}
        self.plan_combo.blockSignals(True)
        self.plan_combo.clear()
        for plan in screen.plans:
            self.plan_combo.addItem(f"{plan.year} — {plan.title} ({plan.status})", plan.id)
        chosen = screen.plan
        self.plan_combo.setCurrentIndex(self.plan_combo.findData(chosen.id) if chosen else -1)
        self.plan_combo.blockSignals(False)
        self.plan_id = chosen.id if chosen is not None else None
        self._show_quarter(screen.quarter)

    def _show_notice(self) -> None:
        if self._is_demo:
            self.demo_text.setText(
                "<b>Demo data.</b> This is the demo file: the Safer Colchester Partnership's "
                "Annual Partnership Plan 2022-23, so you can try SCP Desktop. RAG statuses marked "
                "as illustrative were chosen for the demo. Your own partnership gets a file of "
                "its own."
            )
            self.start_empty.setText("&Start your own partnership…")
            self.notice_spreadsheet.hide()
            self.demo_notice.show()
        elif self._is_empty:
            self.demo_text.setText(
                "<b>This plan file is empty.</b> Set up the partnership it is for (its name, "
                "area, logo and RAG wording) with an empty plan, or build its plan from the "
                "plan spreadsheet you already keep."
            )
            self.start_empty.setText("&Set up the partnership…")
            self.notice_spreadsheet.show()
            self.demo_notice.show()
        else:
            self.demo_notice.hide()

    def _show_quarter(self, quarter: Quarter | None) -> None:
        """The quarter picker filled with `quarter`'s year and set on it (None: emptied)."""
        self.quarter = quarter
        self.quarter_combo.blockSignals(True)
        self.quarter_combo.clear()
        if quarter is not None:
            for q in quarter.year.quarters:
                self.quarter_combo.addItem(f"{q.label} ({q.months})", q.code)
            self.quarter_combo.setCurrentIndex(quarter.number - 1)
        self.quarter_combo.blockSignals(False)

    def _plan_changed(self) -> None:
        plan_id = self.plan_combo.currentData()
        self.plan_id = int(plan_id) if plan_id is not None else None
        plan = self._plans.get(self.plan_id) if self.plan_id is not None else None
        if plan is None:
            self._show_quarter(None)
        else:
            self._show_quarter(workspace.quarter_to_open(self.db, plan, self._wanted()))
        self._open_chosen_plan()

    def _open_chosen_plan(self) -> None:
        if self.plan_id is None or self.quarter is None:
            self.model.set_rows([], year="2022-23", quarter_number=1)
            self._rows_shown = True
            self.navigator.show_plans(plans.list_plans(self.db), None, None, [], 1, "")
            self.refresh_commands()
            return
        self.settings.set(LAST_PLAN, self.plan_id)
        self._quarter_changed()

    def _quarter_changed(self) -> None:
        code = self.quarter_combo.currentData()
        if code is None or self.plan_id is None:
            return
        self.quarter = periods.Quarter.parse(code)
        self.settings.set(PLAN_QUARTER.at(self.plan_id), self.quarter.code)
        self._load_plan()

    def show_first_screen(self, first: FirstScreen, reads: PlanTexts) -> None:
        """While the plan file is still being opened: its plan's rows as read straight from
        the file, to look at (the table stays off until the file is attached)."""
        if self.has_database:
            return
        self._show_screen(first.screen)
        if self.plan_id is not None and self.quarter is not None:
            self._show_rows(first.rows, reads, search_soon=False)
            if first.total > len(first.rows):
                self.filter_bar.state.setText(
                    f"Showing the first {len(first.rows)} of {first.total} actions"
                )
            else:
                self._describe_filter()
        self.model.editable = False
        self._rows_shown = True

    def rows_on_screen(self) -> int:
        """How many rows the action table shows at once, at its present size."""
        rows = self.table.viewport().height() // max(
            1, self.table.verticalHeader().defaultSectionSize()
        )
        return max(rows + 1, 1)

    @property
    def table_filled(self) -> bool:
        """Whether the table shows its plan: the first screen, or the attached file's."""
        return self._rows_shown

    def _load_plan(self) -> None:
        assert self.plan_id is not None and self.quarter is not None
        current = self.table.current_action_id()
        self._read_rows()
        self._load_structure()
        self._dashboard_stale = True
        if self.stack.currentWidget() is self.dashboard:
            self._load_dashboard()
        if current is not None:
            self.select_action(current, show=False)
        self._describe_filter()
        self.refresh_commands()

    def _read_rows(self) -> None:
        """The plan's rows read from the attached file and shown, ready for work."""
        assert self.plan_id is not None and self.quarter is not None
        self._show_rows(
            workspace.load_action_rows(self.db, self.plan_id, self.quarter.code, self.today),
            workspace.DatabaseTexts(self.db),
        )
        self.model.editable = True
        self._rows_shown = True

    def _show_rows(
        self, rows: list[plan_reads.ActionRow], reads: PlanTexts, *, search_soon: bool = True
    ) -> None:
        """Put a whole plan's rows in the table, their progress and search texts read through
        `reads`. The search texts follow from a worker, started when the officer goes to the
        search box, or (`search_soon`) a second after the rows are shown, so reading them
        does not compete with the first paint and the first sorts and scrolls."""
        assert self.plan_id is not None and self.quarter is not None
        plan_id, quarter = self.plan_id, self.quarter.code
        issued: list[object] = []
        index_loader, search_timer = self.search_index, self._search_timer

        def load(action_ids: list[int] | None) -> dict[int, bytes]:
            return reads.search_texts(plan_id, quarter, action_ids)

        def read_texts(action_ids: list[int] | None) -> dict[int, bytes]:
            if action_ids is None and issued:
                # Read now for a search typed first: the background read is not needed.
                search_timer.stop()
                # A search typed while the worker reads: wait for its copy, not a second one.
                texts = index_loader.take(issued[0])
                if texts is not None:
                    return texts
            return load(action_ids)

        token = self.model.set_rows(
            rows,
            year=self.quarter.year.label,
            quarter_number=self.quarter.number,
            search_loader=read_texts,
            progress_loader=lambda action_ids: reads.latest_progress(plan_id, quarter, action_ids),
        )
        issued.append(token)
        self.table.fit_references([r.reference for r in rows])
        self._search_pending = (token, lambda: load(None))
        if search_soon:
            self._search_timer.start()

    def _start_search_index(self) -> None:
        pending, self._search_pending = self._search_pending, None
        if pending is None:
            return
        token, work = pending
        if self.model.offers_search_token(token):
            self.search_index.start(token, work)

    def _search_texts_loaded(self, token: object, texts: dict[int, bytes]) -> None:
        self.model.offer_search_texts(token, texts)

    def _load_structure(self) -> None:
        assert self.plan_id is not None and self.quarter is not None
        self.structure = workspace.plan_structure(self.db, self.plan_id)
        self.filter_bar.set_choices(
            workspace.partner_choices(self.db),
            self.structure,
            workspace.framework_choices(self.db),
        )
        self._show_navigator()

    def _show_navigator(self) -> None:
        assert self.quarter is not None
        self.navigator.show_plans(
            plans.list_plans(self.db),
            self.plan_id,
            self.structure,
            self.model.all_rows(),
            self.quarter.number,
            self.quarter.label,
        )

    def _load_dashboard(self) -> None:
        if self.plan_id is None or self.quarter is None:
            return
        self.dashboard.show_dashboard(
            workspace.dashboard(
                self.db,
                self.plan_id,
                self.quarter.code,
                self.today,
                rows=self.model.all_rows(),
            )
        )
        self._dashboard_stale = False

    def _describe_filter(self) -> None:
        self.filter_bar.describe(self.model.rowCount(), self.model.total_count)

    # ------------------------------------------------------------ reacting to edits

    def _apply_change(self, change: Changed) -> None:
        try:
            if change.plans:
                new_plan = change.extra.get("plan_id")
                if isinstance(new_plan, int):
                    self.plan_id = new_plan
                self.reload()
                return
            if self.plan_id is None or self.quarter is None:
                return
            if change.removed_action_ids:
                self.model.replace_rows([], removed=change.removed_action_ids)
            if change.action_ids:
                rows = workspace.load_action_rows(
                    self.db,
                    self.plan_id,
                    self.quarter.code,
                    self.today,
                    action_ids=list(change.action_ids),
                )
                self.model.replace_rows(rows)
            if change.structure:
                self._load_structure()
            elif change.action_ids or change.removed_action_ids:
                self._show_navigator()
            if change.reference:
                self._load_structure()
                self._read_rows()
            self._dashboard_stale = True
            if self.stack.currentWidget() is self.dashboard:
                self._load_dashboard()
            if change.select_action is not None:
                self.select_action(change.select_action, show=False)
            self._show_history(force=True)
            self._describe_filter()
        except (UserError, DatabaseError) as exc:
            self.show_error(str(exc))

    def _filter_changed(self, action_filter: ActionFilter) -> None:
        current = self.current_action_id()
        self.model.set_filter(action_filter)
        if current is not None:
            # Keep the officer's place when the action is still shown.
            self.select_action(current, show=False)
        self._show_history()
        self._describe_filter()

    def _current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_history()
        self.refresh_commands()

    def _show_history(self, *, force: bool = False) -> None:
        action_id = self.current_action_id()
        # A filter keystroke that keeps the same action current has nothing new to show;
        # reading its history again would cost two queries and a relayout of the dock.
        if not force and action_id == self._history_action_id:
            return
        self._history_action_id = action_id
        if action_id is None:
            self.history.show_history(None, [])
            return
        try:
            self.history.show_history(
                workspace.action_history(self.db, action_id),
                workspace.list_evidence(self.db, action_id),
            )
            self.history.show_imports(import_undo.imports_touching(self.db, action_id))
        except UserError:
            self.history.show_history(None, [])

    # ------------------------------------------------------------ selection

    def current_action_id(self) -> int | None:
        return self.table.current_action_id()

    def select_action(self, action_id: int, *, show: bool = True) -> bool:
        row = self.model.row_of(action_id)
        if row < 0 and show and not self.model.action_filter.is_empty:
            self.filter_bar.clear()
            row = self.model.row_of(action_id)
        if row < 0:
            return False
        if show:
            self.show_table()
        column = max(self.table.currentIndex().column(), action_table.Column.TITLE)
        index = self.model.index(row, column)
        self.table.selectionModel().setCurrentIndex(
            index, QtCore.QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.table.scrollTo(index)
        return True

    def _dashboard_action(self, action_id: int) -> None:
        self.select_action(action_id)
        self.table.setFocus()

    def _navigator_plan(self, plan_id: int) -> None:
        if plan_id != self.plan_id:
            self.plan_combo.setCurrentIndex(self.plan_combo.findData(plan_id))
        else:
            current = self.filter_bar.current
            self.filter_bar.show_filter(filtering.ActionFilter(text=current.text))

    def require_action(self) -> int | None:
        action_id = self.current_action_id()
        if action_id is None:
            self.statusBar().showMessage("Choose an action in the table first.", 4000)
        return action_id

    def action_row(self, action_id: int) -> plan_reads.ActionRow:
        return self.model.row_at(self.model.row_of(action_id))

    def structure_context(self) -> tuple[int | None, int | None]:
        """(priority id, objective id) the officer is working in: navigator node or action."""
        if self.plan_id is None:
            return None, None
        item = self.navigator.tree.currentItem()
        if item is not None:
            kind, node_id = item.data(0, QtCore.Qt.ItemDataRole.UserRole)
            if kind == "priority":
                return node_id, None
            if kind == "objective":
                for priority, objectives in self.structure.priorities:
                    if any(o.id == node_id for o in objectives):
                        return priority.id, node_id
        action_id = self.current_action_id()
        if action_id is not None:
            row = self.action_row(action_id)
            return row.priority_id, row.objective_id
        return None, None

    # ------------------------------------------------------------ which commands apply

    def _command_handlers(self) -> dict[str, Callable[..., object]]:
        """What each command of the registry runs, bound once as the window is built."""
        return {
            **self.file_commands.handlers(),
            **self.plan_commands.handlers(),
            **self.action_commands.handlers(),
            "backups": self.open_backups,
            "preferences": self.edit_preferences,
            "quit": self.close,
            "find": self.focus_search,
            "clear_filters": self.clear_filters,
            "show_table": self.show_table,
            "show_dashboard": self.show_dashboard,
            "refresh": self.reload,
            "prepare_returns": self.open_prepare_returns,
            "import_returns": self.open_import_returns,
            "plan_from_spreadsheet": self.open_plan_from_spreadsheet,
            "export_plan": self.open_export_plan,
            "reports": self.open_reports,
            "meetings": self.open_meetings,
            "indicators": self.open_indicators,
            "connect_shared": partial(shared_plan.connect_to_shared_plan, self),
            # The table tools are made with the table, after the menus: asked at the click.
            "export_view": lambda: self.table_tools.export_view(),
            "print_view": lambda: self.table_tools.print_view(),
            "choose_columns": lambda: self.table_tools.choose_columns(),
            "guide": partial(user_guide.open_guide, self),
            "about": self.about,
        }

    def command_state(self) -> action_registry.CommandState:
        if not self.has_database:
            return action_registry.CommandState()  # shown before its plan file is attached
        db = self.db
        priority, objective = self.structure_context()
        return action_registry.CommandState(
            database=True,
            plan=self.plan_id is not None,
            quarter=self.quarter is not None,
            writable=db.read_only is None,
            action=self.current_action_id() is not None,
            priority=priority is not None,
            objective=objective is not None,
            undo=self.undo.stack.canUndo(),
            redo=self.undo.stack.canRedo(),
        )

    def refresh_commands(self, *_: object) -> None:
        """Enable the commands that can apply to the plan, quarter and action chosen now."""
        if hasattr(self, "acts") and hasattr(self, "navigator") and isValid(self.acts.undo):
            menus.apply_state(self.acts, self.command_state())

    # ------------------------------------------------------------ view commands

    def show_table(self) -> None:
        self.stack.setCurrentIndex(0)
        self.acts.show_table.setChecked(True)
        self.acts.show_dashboard.setChecked(False)

    def show_dashboard(self) -> None:
        if self._dashboard_stale:
            self._load_dashboard()
        self.stack.setCurrentWidget(self.dashboard)
        self.acts.show_table.setChecked(False)
        self.acts.show_dashboard.setChecked(True)

    def focus_search(self) -> None:
        self.show_table()
        self.filter_bar.search.setFocus()
        self.filter_bar.search.selectAll()

    def clear_filters(self) -> None:
        self.filter_bar.clear()

    # ------------------------------------------------------------ action commands

    def ask(self, dialog: QDialog) -> bool:
        """Run a modal dialog; it is deleted once the caller has read it (no child piles up)."""
        user_guide.install_help(dialog, user_guide.section_for(dialog))
        accepted = dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted
        dialog.deleteLater()
        return accepted

    # ------------------------------------------------------------ returns and reports

    # The feature dialogs are imported on first use: they bring in ReportLab, openpyxl and
    # the import engine, which would otherwise add seconds to start-up.

    def open_prepare_returns(self) -> None:
        from scp_desktop.ui.returns import PrepareReturnsDialog

        self._open_plan_dialog(PrepareReturnsDialog, reload=False)

    def open_import_returns(self) -> None:
        from scp_desktop.ui.returns import ImportReturnsDialog

        # Imports change updates behind the undo stack's back; read them again. An applied
        # import goes on the undo stack as one step.
        self._open_plan_dialog(ImportReturnsDialog, reload=True, applied=self._import_applied)

    def _import_applied(self, result: object) -> None:
        from scp_desktop.services.returns.apply import ApplyResult
        from scp_desktop.ui.import_undo import push_applied

        if isinstance(result, ApplyResult):
            push_applied(self.undo, self.db, result)

    def undo_import(self, import_id: int) -> None:
        """Undo an import from the History of an action it touched."""
        from scp_desktop.ui.import_undo import undo_from_history

        try:
            undo_from_history(self.undo, self.db, import_id)
        except (UserError, DatabaseError) as exc:
            self.show_error(str(exc))
        self._show_history(force=True)

    def open_export_plan(self) -> None:
        from scp_desktop.ui.returns import ExportPlanDialog

        self._open_plan_dialog(ExportPlanDialog, reload=False)

    def open_reports(self) -> None:
        from scp_desktop.ui.reports import ReportDialog

        self._open_plan_dialog(ReportDialog, reload=False)

    def open_meetings(self) -> None:
        from scp_desktop.ui.meetings import MeetingsDialog

        quarter = self.quarter.code if self.quarter is not None else ""
        self.ask(MeetingsDialog(self.db, self.plan_id, quarter, self))

    def open_indicators(self) -> None:
        from scp_desktop.ui.indicators import IndicatorsWindow

        # Sign-off locks updates and values; the table and dashboard show that.
        self._open_plan_dialog(IndicatorsWindow, reload=True)

    def open_plan_from_spreadsheet(self) -> None:
        from scp_desktop.ui.returns import NewPlanFromSpreadsheetDialog

        dialog = NewPlanFromSpreadsheetDialog(self.db, self)
        # The dialog stays open after creating a plan (its notes are worth reading) and is
        # closed, not accepted: what it created is known by its signal.
        created: list[str] = []
        dialog.loaded.connect(lambda summary: created.append(summary.plan_year))
        self.ask(dialog)
        if created:
            year = created[-1]
            self.plan_id = next(
                (p.id for p in plans.list_plans(self.db) if p.year == year), self.plan_id
            )
            self.reload()

    def open_backups(self) -> None:
        from scp_desktop.ui.backups_dialog import BackupsDialog

        dialog = BackupsDialog(self.db, self)
        dialog.restored.connect(self._after_restore)
        self.ask(dialog)

    def _after_restore(self) -> None:
        # What the undo stack would undo belongs to the file as it was.
        self.undo.stack.clear()
        self.reload()

    def _open_plan_dialog(
        self, dialog_class: Any, *, reload: bool, applied: Callable[[object], None] | None = None
    ) -> None:
        if self.plan_id is None or self.quarter is None:
            self.statusBar().showMessage("Choose a plan first.", 5000)
            return
        dialog = dialog_class(self.db, self.plan_id, self.quarter.code, self)
        if applied is not None:
            dialog.applied.connect(applied)
        self.ask(dialog)
        if reload:
            self._load_plan()

    # ------------------------------------------------------------ the open file

    def _update_title(self) -> None:
        if not self.has_database:
            return  # still opening: the title names the file, the status bar says "Opening"
        demo = " — Demo" if self._is_demo else ""
        read_only = " (read-only)" if self.db.read_only is not None else ""
        self.setWindowTitle(f"{APP_NAME}{demo} — {self.db.path.name}{read_only}")
        self.db_label.setText(f"Database: {self.db.path}")

    def _notice_clicked(self) -> None:
        if self._is_empty:
            self.set_up_partnership_here()
        else:
            self.file_commands.new_partnership()

    def set_up_partnership_here(self) -> None:
        """An empty file gets its partnership profile and a first empty plan for this year."""
        from scp_desktop.services import setup
        from scp_desktop.services.partnership_file import first_plan_year

        if not self.file_commands.edit_partnership():
            return
        try:
            self.plan_id = setup.create_empty_plan(self.db, first_plan_year(self.today))
        except (UserError, DatabaseError) as exc:
            self.show_error(str(exc))
            return
        self.reload()

    def use_database(self, db: Database, open_result: OpenResult | None = None) -> None:
        """Show `db` in place of the file open now, which is let go of completely: no read
        of it still running, no edit of it left to undo, its connections closed."""
        old = self.db
        self._search_timer.stop()
        self._search_pending = None
        self.search_index.wait()
        self.undo.stack.clear()
        if self.plan_id is not None and self.quarter is not None:
            self.settings.set(PLAN_QUARTER.at(self.plan_id), self.quarter.code)
        if self.settings.officer_name:
            db.user = self.settings.officer_name
        self.db = db
        self.edits.db = db
        # Its watch lets go of the old file first, so the old file closes cleanly.
        self.change_watch.mark_seen()
        self.plan_id = None
        self.quarter = None
        self.settings.set(LAST_PLAN, 0)
        self.filter_bar.clear()
        self.reload()
        self._show_upgrade(open_result)
        if old is not db:
            old.close()

    # ------------------------------------------------------------ officer and messages

    def _show_officer(self) -> None:
        name = self.settings.officer_name or "(name not set)"
        self.officer_button.setText(f"Officer: {name}")

    def edit_preferences(self) -> bool:
        from scp_desktop.ui.dialogs import PreferencesDialog

        dialog = PreferencesDialog(self.settings.officer_name, self)
        if self.ask(dialog):
            self.set_officer_name(dialog.officer_name())
            return True
        return False

    def set_officer_name(self, name: str) -> None:
        self.settings.officer_name = name
        if self.has_database:  # else the file takes the name when it is attached
            self.db.user = name
            self.edits.officer = name
        self._show_officer()

    def ask_officer_name_if_missing(self) -> None:
        """Asked once, on first start; changed later in Preferences. Not over a window
        already closed (the question would keep the application open with no window)."""
        if not self.settings.officer_name and self.isVisible():
            self.edit_preferences()

    def about(self) -> None:
        QtWidgets.QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"{APP_NAME} {__version__}\nAnnual Partnership Plan, quarterly returns and reports "
            "for a Community Safety Partnership.",
        )

    def show_error(self, message: str) -> None:
        QtWidgets.QMessageBox.warning(self, APP_NAME, message)

    # ------------------------------------------------------------ the commands' context

    def dialog_parent(self) -> QWidget:
        return self

    def hold_file(self, access: Access) -> None:
        from scp_desktop.ui.file_access import hand_over_access

        hand_over_access(self, access)

    def start_daily_backup(self, path: Path) -> None:
        from scp_desktop.ui import daily_backup

        daily_backup.start_daily_backup(self, path, read_only=False)

    def close_window(self) -> None:
        self.close()

    def confirm(self, title: str, question: str) -> bool:
        box = QtWidgets.QMessageBox
        answer = box.question(self, title, question)
        return answer == box.StandardButton.Yes

    def show_info(self, message: str, timeout_ms: int = 5000) -> None:
        self.statusBar().showMessage(message, timeout_ms)

    def refresh(self, change: Changed) -> None:
        self._apply_change(change)

    def open_plan(self, plan_id: int | None) -> None:
        self.plan_id = plan_id
        self.reload()

    def clear_undo(self) -> None:
        self.undo.stack.clear()

    def open_in_new_window(self, db: Database, open_result: OpenResult | None) -> None:
        replacement = type(self)(db, self.settings, open_result=open_result)
        replacement.show()
        self.close()
        self.db.close()
