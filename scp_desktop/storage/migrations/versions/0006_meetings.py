"""meetings: a meeting's time; agenda items with description, presenter, Part A/B and the
exemption; any number of PDF papers per item in their own table

Revision ID: 0006_meetings (follows the revision named in `down_revision`)

The migration runs with foreign keys on, where dropping a table deletes the rows that refer
to it. `agenda_item` is rebuilt (batch mode) while nothing refers to it yet: its one attached
file per item is set aside in a plain table first and becomes the item's first paper after.
Items whose number was just their place in the agenda are numbered by position from now on.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import PurePath

import sqlalchemy as sa
from alembic import op

revision = "0006_meetings"
down_revision = "0005_profile"
branch_labels = None
depends_on = None

# Plain-string defaults: SQLite adds such a column in place, with no table rebuild.
_EMPTY = ""
_SET_ASIDE = "_agenda_attachment_set_aside"


def _pages(content: bytes) -> int:
    """Pages of a PDF kept before this version; 0 when it cannot be read (the pack says so)."""
    try:
        from pypdf import PdfReader

        return len(PdfReader(io.BytesIO(content), strict=False).pages)
    except Exception:
        return 0


def upgrade() -> None:
    # Never rebuilt: dropping `meeting` would delete every agenda item with it.
    with op.batch_alter_table("meeting", recreate="never") as batch:
        batch.add_column(
            sa.Column("time", sa.String(length=5), nullable=False, server_default=_EMPTY)
        )

    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        referring = [
            name
            for (name,) in conn.execute(
                sa.text("SELECT name FROM sqlite_master WHERE type='table'")
            )
            if any(
                row[2] == "agenda_item"
                for row in conn.execute(sa.text(f"SELECT * FROM pragma_foreign_key_list('{name}')"))
            )
        ]
    else:
        inspector = sa.inspect(conn)
        referring = [
            name
            for name in inspector.get_table_names()
            if any(fk["referred_table"] == "agenda_item" for fk in inspector.get_foreign_keys(name))
        ]
    if referring:
        raise RuntimeError(
            f"0006_meetings rebuilds agenda_item, which {referring} refer to: their rows would "
            "be deleted with it. Set them aside as the item's attachment is."
        )
    op.execute(
        f"CREATE TABLE {_SET_ASIDE} AS SELECT id AS item_id, attachment_name AS file_name, "
        "attachment AS content FROM agenda_item WHERE attachment IS NOT NULL"
    )
    with op.batch_alter_table("agenda_item", recreate="always") as batch:
        batch.add_column(sa.Column("description", sa.Text(), nullable=False, server_default=_EMPTY))
        batch.add_column(
            sa.Column("presenter", sa.String(length=200), nullable=False, server_default=_EMPTY)
        )
        batch.add_column(sa.Column("part", sa.String(length=1), nullable=False, server_default="A"))
        batch.add_column(sa.Column("exemption", sa.Text(), nullable=False, server_default=_EMPTY))
        batch.drop_column("attachment_name")
        batch.drop_column("attachment")
        batch.create_check_constraint(op.f("ck_agenda_item_part"), "part IN ('A','B')")

    op.create_table(
        "agenda_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["agenda_item.id"],
            name=op.f("fk_agenda_attachment_item_id_agenda_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_attachment")),
    )
    with op.batch_alter_table("agenda_attachment") as batch:
        batch.create_index(batch.f("ix_agenda_attachment_item_id"), ["item_id"], unique=False)

    kept = conn.execute(sa.text(f"SELECT item_id, file_name, content FROM {_SET_ASIDE}")).all()
    # As SQLAlchemy stores a DateTime in SQLite.
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    for item_id, file_name, content in kept:
        name = file_name or "attachment.pdf"
        conn.execute(
            sa.text(
                "INSERT INTO agenda_attachment "
                "(item_id, position, title, file_name, content, pages, added_at) "
                "VALUES (:item, 0, :title, :name, :content, :pages, :at)"
            ),
            {
                "item": item_id,
                "title": PurePath(name).stem or name,
                "name": name,
                "content": content,
                "pages": _pages(content),
                "at": now,
            },
        )
    op.execute(f"DROP TABLE {_SET_ASIDE}")
    op.execute("UPDATE agenda_item SET number = '' WHERE number = CAST(position + 1 AS TEXT)")


def downgrade() -> None:
    # Columns added in place: rebuilding the table now would delete its papers with it.
    with op.batch_alter_table("agenda_item") as batch:
        batch.add_column(
            sa.Column(
                "attachment_name", sa.String(length=300), nullable=False, server_default=_EMPTY
            )
        )
        batch.add_column(sa.Column("attachment", sa.LargeBinary(), nullable=True))
    op.execute(
        "UPDATE agenda_item SET attachment_name = (SELECT file_name FROM agenda_attachment a "
        "WHERE a.item_id = agenda_item.id ORDER BY a.position, a.id LIMIT 1), "
        "attachment = (SELECT content FROM agenda_attachment a WHERE a.item_id = agenda_item.id "
        "ORDER BY a.position, a.id LIMIT 1) "
        "WHERE EXISTS (SELECT 1 FROM agenda_attachment a WHERE a.item_id = agenda_item.id)"
    )
    op.drop_index(op.f("ix_agenda_attachment_item_id"), table_name="agenda_attachment")
    op.drop_table("agenda_attachment")
    op.execute("UPDATE agenda_item SET number = CAST(position + 1 AS TEXT) WHERE number = ''")
    with op.batch_alter_table("agenda_item", recreate="always") as batch:
        batch.drop_constraint(op.f("ck_agenda_item_part"), type_="check")
        batch.drop_column("exemption")
        batch.drop_column("part")
        batch.drop_column("presenter")
        batch.drop_column("description")
    with op.batch_alter_table("meeting", recreate="never") as batch:
        batch.drop_column("time")
