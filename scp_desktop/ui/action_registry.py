"""Every command of the main window's menus and toolbar, declared once: its text, keys,
place and when it can apply. The window binds each to a callable when it is built."""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtGui import QKeySequence

Key = QKeySequence.StandardKey
Shortcut = str | QKeySequence.StandardKey | None


@dataclass(frozen=True)
class CommandState:
    """What the enabled state of the commands depends on, read from the window."""

    database: bool = False  # a plan file is open (the window can show before it is)
    plan: bool = False  # a plan is chosen in the picker
    quarter: bool = False  # and a quarter of it
    writable: bool = False  # neither a read-only file nor a read-only database role
    action: bool = False  # an action is chosen in the table
    priority: bool = False  # a key priority is chosen (navigator, or the action's)
    objective: bool = False  # an objective is chosen (navigator, or the action's)
    undo: bool = False  # there is an edit to undo
    redo: bool = False  # and one to redo


@dataclass(frozen=True)
class When:
    """The parts of the state a command needs; it is enabled when all of them hold."""

    database: bool = True
    plan: bool = False
    quarter: bool = False
    writable: bool = False
    action: bool = False
    priority: bool = False
    objective: bool = False
    undo: bool = False
    redo: bool = False

    def __call__(self, state: CommandState) -> bool:
        return all(getattr(state, f.name) for f in fields(self) if getattr(self, f.name) is True)


ALWAYS = When(database=False)
OPEN = When()
PLAN = When(plan=True, quarter=True)
WRITE = When(writable=True)
WRITE_PLAN = When(writable=True, plan=True)
WRITE_QUARTER = When(writable=True, plan=True, quarter=True)
WRITE_ACTION = When(writable=True, plan=True, action=True)
WRITE_PRIORITY = When(writable=True, plan=True, priority=True)
WRITE_OBJECTIVE = When(writable=True, plan=True, objective=True)


@dataclass(frozen=True)
class ActionSpec:
    id: str  # the attribute of WindowActions and the key of its handler
    text: str  # with its & accelerator, unique within its menu
    menu: str  # the menu it is listed in, by title without the &
    enabled_when: When = OPEN
    shortcut: Shortcut = None
    tip: str = ""
    icon: str = ""  # a freedesktop theme icon name, shown where the platform has one
    separator_before: bool = False
    checkable: bool = False
    toggles: bool = False  # its handler is given the checked state on every change
    # Made by another part of the window (the undo stack's and the docks' own actions): the
    # registry places them and decides when they apply, but does not create or bind them.
    provided: bool = False


A = ActionSpec
# In menu order: each menu lists its commands in the order given here.
ACTIONS: tuple[ActionSpec, ...] = (
    # File
    A("new_partnership", "New p&artnership…", "File", OPEN,
      tip="Start a new partnership in a plan file of its own", icon="document-new"),
    A("open_file", "&Open…", "File", OPEN, Key.Open, "Open another plan file",
      icon="document-open"),
    A("open_demo", "Open the &demo", "File", OPEN, tip="The demo plan, in its own file"),
    A("connect_shared", "Connect to a s&hared plan…", "File", OPEN,
      tip="Open a plan several officers share on the council's database server"),
    A("new_plan", "&New empty plan…", "File", WRITE, separator_before=True),
    A("plan_from_spreadsheet", "New plan from &spreadsheet…", "File", WRITE,
      tip="Build a plan from the spreadsheet you already keep"),
    A("backups", "&Backups…", "File", OPEN, separator_before=True,
      tip="Backups of the plan database: restore one, back up now"),
    A("save_copy", "Save a &copy…", "File", OPEN, "Ctrl+Shift+C",
      "A consistent copy of this plan file", "document-save-as", separator_before=True),
    A("close_file", "C&lose", "File", OPEN, "Ctrl+F4",
      "Close this plan file and go back to the start page", "document-close"),
    A("preferences", "&Preferences…", "File", OPEN, Key.Preferences, separator_before=True),
    A("quit", "E&xit", "File", ALWAYS, Key.Quit, icon="application-exit",
      separator_before=True),
    # Edit
    A("undo", "&Undo", "Edit", When(writable=True, undo=True), Key.Undo, provided=True),
    A("redo", "&Redo", "Edit", When(writable=True, redo=True), "Ctrl+Y", provided=True),
    A("find", "&Find…", "Edit", OPEN, Key.Find, icon="edit-find", separator_before=True),
    A("clear_filters", "C&lear filters", "Edit", OPEN, "Ctrl+Shift+L"),
    # View
    A("show_table", "&Action table", "View", ALWAYS, "Ctrl+1", checkable=True),
    A("show_dashboard", "&Dashboard", "View", OPEN, "Ctrl+2", checkable=True),
    A("show_archived", "&Show archived plans", "View", OPEN,
      tip="List closed plans in the picker", separator_before=True, checkable=True,
      toggles=True),
    A("refresh", "&Refresh", "View", OPEN, Key.Refresh, icon="view-refresh"),
    # The docks' own show/hide commands, which follow the dock as it is closed or floated.
    A("show_navigator", "&Plan navigator", "View", ALWAYS, separator_before=True,
      provided=True),
    A("show_history", "&History and evidence", "View", ALWAYS, provided=True),
    # The action table as it is shown now: its filtered rows, in its shown columns.
    A("export_view", "E&xport this view to Excel…", "View", When(plan=True),
      separator_before=True),
    A("print_view", "Print this &view…", "View", When(plan=True)),
    A("choose_columns", "C&olumns…", "View", OPEN),
    # Action
    A("new_action", "&New action…", "Action", WRITE_PLAN, Key.New,
      "Add a project / initiative"),
    A("edit_action", "&Edit action…", "Action", WRITE_ACTION, "Ctrl+E"),
    A("update_action", "Progress &update…", "Action",
      When(writable=True, plan=True, quarter=True, action=True), "Ctrl+U",
      "RAG and progress update for the chosen quarter"),
    A("duplicate_action", "Du&plicate action", "Action", WRITE_ACTION, "Ctrl+D",
      separator_before=True),
    A("move_action", "&Move action…", "Action", WRITE_ACTION, "Ctrl+M"),
    A("complete_action", "Mark &complete", "Action", WRITE_ACTION, "Ctrl+K"),
    A("attach_evidence", "A&ttach evidence…", "Action", WRITE_ACTION, "Ctrl+T"),
    A("delete_action", "&Delete action", "Action", WRITE_ACTION, "Ctrl+Del",
      icon="edit-delete", separator_before=True),
    # Plan
    A("partnership", "Part&nership…", "Plan", WRITE,
      tip="Name, area, Prepared by, contact, logo, RAG wording and footer of the documents"),
    A("new_priority", "New &key priority…", "Plan", WRITE_PLAN, separator_before=True),
    A("edit_priority", "&Edit key priority…", "Plan", WRITE_PRIORITY),
    A("delete_priority", "&Delete key priority", "Plan", WRITE_PRIORITY),
    A("new_objective", "New &objective…", "Plan", WRITE_PRIORITY, separator_before=True),
    A("edit_objective", "Edit o&bjective…", "Plan", WRITE_OBJECTIVE),
    A("delete_objective", "Delete ob&jective", "Plan", WRITE_OBJECTIVE),
    A("rollover", "&Roll over into next year…", "Plan", WRITE_QUARTER, separator_before=True),
    A("reference_data", "&Partners, frameworks, funding and acronyms…", "Plan", WRITE,
      separator_before=True),
    A("rename_plan", "Rena&me plan…", "Plan", WRITE_PLAN,
      tip="Give the chosen plan a new title", separator_before=True),
    A("archive_plan", "Arc&hive plan", "Plan", WRITE_PLAN,
      tip="Close the chosen plan and leave it out of the plan list (or bring it back)"),
    A("delete_plan", "Dele&te plan…", "Plan", WRITE_PLAN,
      tip="Delete the chosen plan and its actions"),
    # Returns
    A("prepare_returns", "&Prepare returns…", "Returns", PLAN, "Ctrl+Shift+P"),
    A("import_returns", "&Import returns…", "Returns", WRITE_QUARTER, "Ctrl+Shift+I"),
    A("export_plan", "&Export plan to Excel…", "Returns", PLAN, "Ctrl+Shift+E",
      separator_before=True),
    # Statistics
    A("indicators", "Performance &statistics…", "Statistics", PLAN, "Ctrl+Shift+S",
      "Indicators, their values, targets and computed status"),
    # Reports
    A("reports", "&Reports…", "Reports", PLAN, "Ctrl+Shift+R"),
    A("meetings", "&Meetings and agendas…", "Reports", OPEN,
      tip="Set up meetings and their agendas, attach papers, make the meeting pack"),
    # Help
    A("guide", "&User guide", "Help", ALWAYS, Key.HelpContents, icon="help-contents"),
    A("about", "&About SCP Desktop", "Help", ALWAYS, icon="help-about"),
)  # fmt: skip

# The main toolbar after the plan and quarter pickers; None is a separator. Undo and Redo
# show there with a fixed text (TOOLBAR_TEXT), their menu wording going to the tooltip.
TOOLBAR: tuple[str | None, ...] = (
    "show_table",
    "show_dashboard",
    None,
    "new_action",
    "edit_action",
    "update_action",
    None,
    "undo",
    "redo",
)
TOOLBAR_TEXT = {"undo": "Undo", "redo": "Redo"}

BY_ID = {spec.id: spec for spec in ACTIONS}

# The commands that change the plan: off on a read-only file or role.
WRITING_ACTIONS: tuple[str, ...] = tuple(s.id for s in ACTIONS if s.enabled_when.writable)

READ_ONLY_TIP = "The plan is open read-only."
