"""Claims as a Discourse Network Analyzer (DNA 3) database: a `.dna` SQLite file in DNA's own
schema, holding the documents and one coded statement per row of `exports.dna_statements`.
DNA 3 cannot import a statements CSV; it opens such a database directly (an SQLite database,
coder Admin, the password given at export).

The schema follows DNA's SQLite branch of `Sql.createTables()` and its default contents in
leifeld-lab/dna (formerly leifeld/dna), `dna/src/main/java/sql/Sql.java` at commit
4bcf3c0164d6a7d0dce61f566c502ac0c2a8125e, where `dna/src/main/java/dna/Dna.java` declares
version 3.0.11.7 (2026-01-24), the 3.0 line of DNA 3. What that code does and this module
copies:

- tables SETTINGS, CODERS, DOCUMENTS, STATEMENTTYPES, VARIABLES, VARIABLELINKS, REGEXES,
  CODERRELATIONS, STATEMENTS, DATABOOLEAN, DATAINTEGER, ENTITIES, DATASHORTTEXT,
  DATALONGTEXT, ATTRIBUTEVARIABLES, ATTRIBUTEVALUES, with their columns, types, defaults,
  checks and foreign keys;
- default contents: SETTINGS `version` and `date`; coder 1 "Admin" (yellow) whose password
  is a jasypt StrongPasswordEncryptor digest (base64 of a 16-byte salt and SHA-256 applied
  100,000 times to salt + UTF-8 password); statement type 1 "DNA Statement" with
  variables 1 person, 2 organization, 3 concept (short text) and 4 agreement (boolean);
  the attribute variables Type, Alias and Notes of variables 1-3; the types "NPF Story
  Element" and "Annotation" with their variables;
- a short-text value is an ENTITIES row (one per variable and value, colour 0/0/0, an
  empty value included) that DATASHORTTEXT points to by id, and each new entity gets an
  empty ATTRIBUTEVALUES row for every attribute variable of its variable (`addStatement`);
- a document date is whole seconds since 1970-01-01 UTC (`toEpochSecond(ZoneOffset.UTC)`);
- a statement's text is not stored: DNA reads it as `SUBSTRING(DOCUMENTS.Text, Start + 1,
  Stop - Start)`, so `Start`/`Stop` are readout's `start`/`end` and text[start:end] is the
  claim. SQLite counts those in characters (code points), as readout does; DNA's text pane
  counts UTF-16 units, so a character outside the BMP (an emoji) before a statement shifts
  its highlight in the GUI by one per such character (said as a warning).

Documents: Title is the document id, Source the outlet, Section the meeting, Type the
outlet's side (vn/cn, for DNA's document filters), Notes the id, genre and text sha256.
"""
from __future__ import annotations

import base64
import datetime
import hashlib
import os
import sqlite3
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .exports import dna_statements
from .interchange import utf16_offset
from .outputs import atomic

DNA_VERSION = "3.0.11.7"          # Dna.version at the commit above
DNA_DATE = "2026-01-24"           # Dna.date at the commit above
DNA_SCHEMA_SOURCE = "leifeld-lab/dna dna/src/main/java/sql/Sql.java @ 4bcf3c0164d6a7d0dce61f566c502ac0c2a8125e"
DEFAULT_PASSWORD = "readout"
MAX_SHORT = 190                   # DNA's CHECK (LENGTH(x) < 191) on titles, entity values, ...

# variable ids of DNA's default statement type "DNA Statement" (id 1)
STATEMENT_TYPE = 1
PERSON, ORGANIZATION, CONCEPT, AGREEMENT = 1, 2, 3, 4
SHORT_TEXT_VARIABLES = {"person": PERSON, "organization": ORGANIZATION, "concept": CONCEPT}


def _flags(*names: str, default: int = 1) -> str:
    return ",\n".join(f"    {n} INTEGER NOT NULL CHECK ({n} BETWEEN 0 AND 1) DEFAULT {default}" for n in names)


_PERMISSIONS = ("AddDocuments", "EditDocuments", "DeleteDocuments", "ImportDocuments", "AddStatements",
                "EditStatements", "DeleteStatements", "EditAttributes", "EditRegex", "EditStatementTypes",
                "EditCoders", "EditCoderRelations", "ViewOthersDocuments", "EditOthersDocuments",
                "ViewOthersStatements", "EditOthersStatements")


def _rgb(not_null: bool = True) -> str:
    nn = "NOT NULL DEFAULT 0 " if not_null else ""
    return ",\n".join(f"    {c} INTEGER {nn}CHECK ({c} BETWEEN 0 AND 255)" for c in ("Red", "Green", "Blue"))


def _data_table(name: str, value: str) -> str:
    """DATABOOLEAN, DATAINTEGER, DATASHORTTEXT, DATALONGTEXT: one value per statement and
    variable (DATASHORTTEXT's value is an entity id)."""
    keys = ["StatementId) REFERENCES STATEMENTS(ID)", "VariableId) REFERENCES VARIABLES(ID)"]
    if name == "DATASHORTTEXT":
        keys.append("Entity) REFERENCES ENTITIES(ID)")
    fks = "".join(f"    FOREIGN KEY({k} ON DELETE CASCADE,\n" for k in keys)
    return (f"CREATE TABLE IF NOT EXISTS {name}(\n    ID INTEGER PRIMARY KEY NOT NULL,\n"
            f"    StatementId INTEGER NOT NULL,\n    VariableId INTEGER NOT NULL,\n    {value},\n"
            f"{fks}    UNIQUE (StatementId, VariableId))")


# DNA 3.0's SQLite tables, in the order DNA creates them
SCHEMA: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS SETTINGS(
    Property TEXT PRIMARY KEY,
    Value TEXT NOT NULL)""",
    f"""CREATE TABLE IF NOT EXISTS CODERS(
    ID INTEGER NOT NULL PRIMARY KEY,
    Name TEXT NOT NULL CHECK (LENGTH(Name) < 191),
{_rgb()},
    Refresh INTEGER NOT NULL CHECK (Refresh BETWEEN 0 AND 9999) DEFAULT 0,
    FontSize INTEGER NOT NULL CHECK (FontSize BETWEEN 1 AND 99) DEFAULT 14,
    Password TEXT NOT NULL CHECK (LENGTH(Password) < 191),
    PopupWidth INTEGER CHECK (PopupWidth BETWEEN 100 AND 9999) DEFAULT 300,
{_flags("ColorByCoder", "PopupDecoration", default=0)},
{_flags("PopupAutoComplete", *("Permission" + p for p in _PERMISSIONS))})""",
    """CREATE TABLE IF NOT EXISTS DOCUMENTS(
    ID INTEGER NOT NULL PRIMARY KEY,
    Title TEXT NOT NULL CHECK (LENGTH(Title) < 191),
    Text TEXT NOT NULL,
    Coder INTEGER,
    Author TEXT NOT NULL DEFAULT '' CHECK (LENGTH(Author) < 191),
    Source TEXT NOT NULL DEFAULT '' CHECK (LENGTH(Source) < 191),
    Section TEXT NOT NULL DEFAULT '' CHECK (LENGTH(Section) < 191),
    Notes TEXT NOT NULL DEFAULT '',
    Type TEXT NOT NULL DEFAULT '' CHECK (LENGTH(Type) < 191),
    Date INTEGER NOT NULL,
    FOREIGN KEY(Coder) REFERENCES CODERS(ID) ON DELETE CASCADE)""",
    f"""CREATE TABLE IF NOT EXISTS STATEMENTTYPES(
    ID INTEGER NOT NULL PRIMARY KEY,
    Label TEXT NOT NULL CHECK (LENGTH(Label) < 191),
{_rgb()})""",
    """CREATE TABLE IF NOT EXISTS VARIABLES(
    ID INTEGER NOT NULL PRIMARY KEY,
    Variable TEXT NOT NULL CHECK (LENGTH(Variable) < 191),
    DataType TEXT NOT NULL CHECK (DataType = 'boolean' OR DataType = 'integer' OR DataType = 'long text'
                                  OR DataType = 'short text') DEFAULT 'short text',
    StatementTypeId INTEGER,
    FOREIGN KEY(StatementTypeId) REFERENCES STATEMENTTYPES(ID) ON DELETE CASCADE,
    UNIQUE (Variable, StatementTypeId))""",
    """CREATE TABLE IF NOT EXISTS VARIABLELINKS(
    ID INTEGER NOT NULL PRIMARY KEY,
    SourceVariableId INTEGER,
    TargetVariableId INTEGER,
    CHECK (TargetVariableId != SourceVariableId),
    FOREIGN KEY(SourceVariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE,
    FOREIGN KEY(TargetVariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE)""",
    f"""CREATE TABLE IF NOT EXISTS REGEXES(
    Label TEXT PRIMARY KEY CHECK (LENGTH(Label) < 191),
{_rgb()})""",
    """CREATE TABLE IF NOT EXISTS CODERRELATIONS(
    ID INTEGER NOT NULL PRIMARY KEY,
    Coder INTEGER CHECK(Coder > 0),
    OtherCoder INTEGER CHECK(OtherCoder > 0),
    viewStatements INTEGER NOT NULL DEFAULT 1 CHECK(viewStatements BETWEEN 0 AND 1),
    editStatements INTEGER NOT NULL DEFAULT 1 CHECK(editStatements BETWEEN 0 AND 1),
    viewDocuments INTEGER NOT NULL DEFAULT 1 CHECK(viewDocuments BETWEEN 0 AND 1),
    editDocuments INTEGER NOT NULL DEFAULT 1 CHECK(editDocuments BETWEEN 0 AND 1),
    CHECK (Coder != OtherCoder),
    FOREIGN KEY(Coder) REFERENCES CODERS(ID) ON DELETE CASCADE,
    FOREIGN KEY(OtherCoder) REFERENCES CODERS(ID) ON DELETE CASCADE)""",
    """CREATE TABLE IF NOT EXISTS STATEMENTS(
    ID INTEGER NOT NULL PRIMARY KEY,
    StatementTypeId INTEGER,
    DocumentId INTEGER,
    Start INTEGER NOT NULL CHECK(Start >= 0),
    Stop INTEGER NOT NULL CHECK(Stop >= 0),
    Coder INTEGER,
    CHECK (Start < Stop),
    FOREIGN KEY(StatementTypeId) REFERENCES STATEMENTTYPES(ID) ON DELETE CASCADE,
    FOREIGN KEY(Coder) REFERENCES CODERS(ID) ON DELETE CASCADE,
    FOREIGN KEY(DocumentId) REFERENCES DOCUMENTS(ID) ON DELETE CASCADE)""",
    _data_table("DATABOOLEAN", "Value INTEGER NOT NULL DEFAULT 1"),
    _data_table("DATAINTEGER", "Value INTEGER NOT NULL DEFAULT 0"),
    f"""CREATE TABLE IF NOT EXISTS ENTITIES(
    ID INTEGER PRIMARY KEY NOT NULL,
    VariableId INTEGER NOT NULL,
    Value TEXT NOT NULL DEFAULT '' CHECK (LENGTH(Value) < 191),
{_rgb(not_null=False)},
    ChildOf INTEGER CHECK(ChildOf > 0),
    UNIQUE (VariableId, Value),
    FOREIGN KEY(ChildOf) REFERENCES ENTITIES(ID) ON DELETE CASCADE,
    FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE)""",
    _data_table("DATASHORTTEXT", "Entity INTEGER NOT NULL"),
    _data_table("DATALONGTEXT", "Value TEXT DEFAULT ''"),
    """CREATE TABLE IF NOT EXISTS ATTRIBUTEVARIABLES(
    ID INTEGER PRIMARY KEY NOT NULL,
    VariableId INTEGER NOT NULL,
    AttributeVariable TEXT NOT NULL CHECK (LENGTH(AttributeVariable) < 191),
    UNIQUE(VariableId, AttributeVariable),
    FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE)""",
    """CREATE TABLE IF NOT EXISTS ATTRIBUTEVALUES(
    ID INTEGER PRIMARY KEY NOT NULL,
    EntityId INTEGER NOT NULL,
    AttributeVariableId INTEGER NOT NULL,
    AttributeValue TEXT NOT NULL DEFAULT '' CHECK (LENGTH(AttributeValue) < 191),
    UNIQUE (EntityId, AttributeVariableId),
    FOREIGN KEY(EntityId) REFERENCES ENTITIES(ID) ON DELETE CASCADE,
    FOREIGN KEY(AttributeVariableId) REFERENCES ATTRIBUTEVARIABLES(ID) ON DELETE CASCADE)""",
)

TABLES = ("SETTINGS", "CODERS", "DOCUMENTS", "STATEMENTTYPES", "VARIABLES", "VARIABLELINKS", "REGEXES",
          "CODERRELATIONS", "STATEMENTS", "DATABOOLEAN", "DATAINTEGER", "ENTITIES", "DATASHORTTEXT",
          "DATALONGTEXT", "ATTRIBUTEVARIABLES", "ATTRIBUTEVALUES")

# DNA's default statement types: (id, label, rgb, [(variable id, name, data type), ...])
STATEMENT_TYPES = (
    (1, "DNA Statement", (239, 208, 51),
     [(1, "person", "short text"), (2, "organization", "short text"), (3, "concept", "short text"),
      (4, "agreement", "boolean")]),
    (2, "NPF Story Element", (100, 200, 190),
     [(5, "narrator", "short text"), (6, "victim", "short text"), (7, "villain", "short text"),
      (8, "plot", "short text"), (9, "hero", "short text"), (10, "policy solution", "short text")]),
    (3, "Annotation", (211, 211, 211), [(11, "note", "long text")]),
)
# attribute variables, inserted in DNA's order (their ids follow from it)
ATTRIBUTE_VARIABLES = tuple((var, attr) for attr in ("Type", "Alias", "Notes") for var in (1, 2, 3))


def dna_password_hash(password: str, salt: bytes | None = None) -> str:
    """What DNA stores as a coder's password: jasypt's StrongPasswordEncryptor digest, which
    DNA checks with `checkPassword` when the database is opened."""
    salt = os.urandom(16) if salt is None else salt
    digest = hashlib.sha256(salt + unicodedata.normalize("NFC", password).encode("utf-8")).digest()
    for _ in range(100_000 - 1):
        digest = hashlib.sha256(digest).digest()
    return base64.b64encode(salt + digest).decode("ascii")


def dna_password_matches(password: str, stored: str) -> bool:
    raw = base64.b64decode(stored)
    return dna_password_hash(password, raw[:16]) == stored


@dataclass(frozen=True)
class DnaDocument:
    """A DOCUMENTS row."""
    id: str
    text: str
    date: int                   # seconds since 1970-01-01 UTC
    source: str = ""
    section: str = ""
    type: str = ""
    notes: str = ""

    @property
    def title(self) -> str:
        return self.id[:MAX_SHORT]


def epoch_seconds(value) -> int | None:
    """A readout date (ISO date or date-time text) as DNA's document date; None when it is
    missing or not a date. A time without a zone is read as UTC, as DNA does."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    try:
        moment = datetime.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        try:
            moment = datetime.datetime.combine(datetime.date.fromisoformat(text[:10]), datetime.time())
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return int(moment.timestamp())


def dna_documents(claims: list[dict], corpus: Iterable) -> tuple[list[DnaDocument], list[str]]:
    """The documents the claims lie in, taken from the corpus they were extracted from
    (Documents of `articles.iter_documents`), in corpus order, each claim checked against
    its document: the document is there and text[start:end] is the claim's text. Returns
    the documents and warnings (no usable date; characters DNA's text pane counts twice)."""
    wanted = {c["doc_id"] for c in claims}
    found = {}
    for doc in corpus:
        if doc.id in wanted and doc.id not in found:
            found[doc.id] = doc
    missing = [d for d in dict.fromkeys(c["doc_id"] for c in claims) if d not in found]
    if missing:
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        raise InputError(f"document {missing[0]!r}{more} named by the claims is not in the --corpus inputs; "
                         "give the inputs the claims were extracted from")
    warnings, dated, last_end = [], {}, {}
    for c in claims:
        doc = found[c["doc_id"]]
        start, end = c.get("start"), c.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(doc.text)):
            raise InputError(f"document {doc.id!r}: claim offsets {start}-{end} do not lie in its text "
                             f"({len(doc.text)} characters); the corpus is not the one the claims came from")
        if doc.text[start:end] != c["text"]:
            raise InputError(f"document {doc.id!r}: text[{start}:{end}] is {doc.text[start:end][:60]!r}, not the "
                             f"claim's {c['text'][:60]!r}; the corpus is not the one the claims came from "
                             "(compare `readout text` sha256 with the claims' sidecar)")
        dated.setdefault(doc.id, c.get("date"))
        last_end[doc.id] = max(last_end.get(doc.id, 0), end)
    out = []
    for doc_id, doc in found.items():
        meta = doc.meta
        seconds = epoch_seconds(meta.date or dated.get(doc_id))
        if seconds is None:
            warnings.append(f"document {doc_id!r}: no date readout can read ({meta.date!r}); "
                            "DNA gets 1970-01-01")
        # characters DNA's text pane (UTF-16) counts twice, before the last statement
        astral = utf16_offset(doc.text, last_end[doc_id]) - last_end[doc_id]
        if astral:
            warnings.append(f"document {doc_id!r}: {astral} character(s) outside the BMP (emoji) before its last "
                            "statement; DNA's text pane counts each as two, so highlights after them are shifted "
                            "(statement texts are right)")
        notes = "; ".join(f"{k} {v}" for k, v in (("readout document", doc_id), ("genre", meta.genre),
                                                   ("sha256", meta.sha256)) if v)
        out.append(DnaDocument(id=doc_id, text=doc.text, date=seconds or 0,
                               source=str(meta.outlet or "")[:MAX_SHORT],
                               section=str(meta.meeting or "")[:MAX_SHORT],
                               type=str(meta.side or "")[:MAX_SHORT], notes=notes))
    return out, warnings


def fill_database(con: sqlite3.Connection, documents: list[DnaDocument], rows: list[dict],
                  password_hash: str) -> dict:
    """Create DNA's tables and default contents in an empty database and write the documents
    and the statement rows (`exports.dna_statements`) into it, coded by coder 1 as DNA's
    default statement type. Returns counts. Does not commit."""
    con.execute("PRAGMA foreign_keys = ON")     # as DNA opens SQLite (setEnforceForeignKeys)
    for ddl in SCHEMA:
        con.execute(ddl)
    con.execute("INSERT INTO CODERS (ID, Name, Red, Green, Blue, Password, PermissionEditStatementTypes, "
                "PermissionEditCoders, PermissionEditOthersDocuments, PermissionEditOthersStatements) "
                "VALUES (1, 'Admin', 255, 255, 0, ?, 1, 1, 1, 1)", (password_hash,))
    con.executemany("INSERT INTO SETTINGS (Property, Value) VALUES (?, ?)",
                    [("version", DNA_VERSION), ("date", DNA_DATE)])
    for type_id, label, (r, g, b), variables in STATEMENT_TYPES:
        con.execute("INSERT INTO STATEMENTTYPES (ID, Label, Red, Green, Blue) VALUES (?, ?, ?, ?, ?)",
                    (type_id, label, r, g, b))
        con.executemany("INSERT INTO VARIABLES (ID, Variable, DataType, StatementTypeId) VALUES (?, ?, ?, ?)",
                        [(v, name, kind, type_id) for v, name, kind in variables])
        if type_id == STATEMENT_TYPE:
            con.executemany("INSERT INTO ATTRIBUTEVARIABLES (VariableId, AttributeVariable) VALUES (?, ?)",
                            ATTRIBUTE_VARIABLES)
    attributes: dict[int, list[int]] = {}
    for attr_id, var in con.execute("SELECT ID, VariableId FROM ATTRIBUTEVARIABLES ORDER BY ID"):
        attributes.setdefault(var, []).append(attr_id)

    doc_ids = {}
    for n, d in enumerate(documents, 1):
        con.execute("INSERT INTO DOCUMENTS (ID, Title, Text, Coder, Author, Source, Section, Notes, Type, Date) "
                    "VALUES (?, ?, ?, 1, '', ?, ?, ?, ?, ?)",
                    (n, d.title, d.text, d.source, d.section, d.notes, d.type, d.date))
        doc_ids[d.id] = n

    entities: dict[tuple[int, str], int] = {}

    def entity(variable: int, value: str, doc: str) -> int:
        key = (variable, value)
        if key not in entities:
            if len(value) > MAX_SHORT:
                raise InputError(f"document {doc!r}: {value[:40]!r}... is {len(value)} characters; DNA holds at "
                                 f"most {MAX_SHORT} in a short-text value")
            entities[key] = con.execute("INSERT INTO ENTITIES (VariableId, Value, Red, Green, Blue) "
                                        "VALUES (?, ?, 0, 0, 0)", key).lastrowid
            con.executemany("INSERT INTO ATTRIBUTEVALUES (EntityId, AttributeVariableId, AttributeValue) "
                            "VALUES (?, ?, '')", [(entities[key], a) for a in attributes.get(variable, [])])
        return entities[key]

    for row in rows:
        sid = con.execute("INSERT INTO STATEMENTS (StatementTypeId, DocumentId, Start, Stop, Coder) "
                          "VALUES (?, ?, ?, ?, 1)",
                          (STATEMENT_TYPE, doc_ids[row["document"]], row["start"], row["stop"])).lastrowid
        con.executemany("INSERT INTO DATASHORTTEXT (StatementId, VariableId, Entity) VALUES (?, ?, ?)",
                        [(sid, var, entity(var, str(row[name] or ""), row["document"]))
                         for name, var in SHORT_TEXT_VARIABLES.items()])
        con.execute("INSERT INTO DATABOOLEAN (StatementId, VariableId, Value) VALUES (?, ?, ?)",
                    (sid, AGREEMENT, 1 if row["agreement"] else 0))
    return {"documents": len(documents), "statements": len(rows), "entities": len(entities)}


def write_dna_database(claims: list[dict], corpus: Iterable, out: Path, password: str = DEFAULT_PASSWORD,
                       overwrite: bool = False) -> tuple[dict, list[str]]:
    """Write the claims and their documents as a DNA 3 database at `out` (a temporary file
    beside it, renamed over `out` when complete). An existing `out` is refused unless
    `overwrite`: a DNA database may hold coding done in DNA since the export."""
    out = Path(out)
    if out.exists() and not overwrite:
        raise InputError(f"--out {out}: already exists (a DNA database may hold coding done since); "
                         "pass --overwrite to replace it")
    documents, warnings = dna_documents(claims, corpus)
    rows = dna_statements(claims)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic(out) as tmp:
        tmp.unlink(missing_ok=True)          # SQLite would open a leftover one
        con = sqlite3.connect(tmp)
        try:
            counts = fill_database(con, documents, rows, dna_password_hash(password))
            con.commit()
        finally:
            con.close()
    return counts, warnings
