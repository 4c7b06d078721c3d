"""The keys behind household pseudonyms, and their rotation.

A household is stored as a keyed BLAKE2b hash of its ID number, never the number. The
numbers are gone once a roster is stored, so a new key cannot be applied to them again;
rotation instead hashes every stored pseudonym once more under the new key:

    pseudonym = H(k_n, … H(k_2, H(k_1, ID)))

The keys form a chain, oldest first, and new rosters go through the whole chain, so a
household keeps matching its earlier months. What protects the warehouse is the newest
key: someone holding an older key (a leaked file, a departed administrator) and a copy of
the warehouse can no longer test a guessed ID number against it.

The warehouse records a fingerprint of the chain it was hashed with (the pseudonym of a
fixed probe value), so a roster hashed with any other chain is refused instead of quietly
turning every household into a new one. A rotation writes the new chain to a pending file,
rehashes and records the new fingerprint in one transaction, then moves the file into
place; whichever step a crash interrupts, the next start finds the chain that matches.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from sqlalchemy import Connection, Engine, select, text, union
from sqlalchemy.dialects import postgresql, sqlite

from warehouse import audit
from warehouse.bulk import insert_frame
from warehouse.errors import Refused
from warehouse.models import HouseholdMonth, HouseholdReview, WarehouseMeta
from warehouse.settings import Settings, sqlite_path

MIN_KEY_LENGTH = 16
FINGERPRINT = "id_key_fingerprint"
_PROBE = b"dibao:id-key-fingerprint"  # not an ID number: a fingerprint reveals nothing about households


class IdKeyError(Refused):
    pass


@dataclass(frozen=True)
class KeyChain:
    keys: tuple[bytes, ...]  # oldest first
    file: Path | None = None  # the key file, for the embedded warehouse; None when keys come from settings

    def hasher(self) -> Callable[[str], str]:
        """A function from an ID number to its pseudonym (hex), for hashing a whole roster quickly."""
        # Copying a keyed state is cheaper than creating one per row.
        states = [hashlib.blake2b(key=key[:64], digest_size=16) for key in self.keys]
        first, rest = states[0], states[1:]

        def pseudonym(number: str) -> str:
            state = first.copy()
            state.update(number.encode())
            digest = state.hexdigest()
            for outer in rest:
                state = outer.copy()
                state.update(digest.encode())
                digest = state.hexdigest()
            return digest

        return pseudonym

    def fingerprint(self) -> str:
        state = hashlib.blake2b(key=self.keys[0][:64], digest_size=16)
        state.update(_PROBE)
        digest = state.hexdigest()
        for key in self.keys[1:]:
            digest = rewrap(key)(digest)
        return digest

    @property
    def generation(self) -> int:
        return len(self.keys)


def rewrap(key: bytes) -> Callable[[str], str]:
    """The step a rotation adds: a stored pseudonym hashed under the new key."""
    keyed = hashlib.blake2b(key=key[:64], digest_size=16)

    def wrap(digest: str) -> str:
        state = keyed.copy()
        state.update(digest.encode())
        return state.hexdigest()

    return wrap


def _parse(text_value: str, source: str) -> tuple[bytes, ...]:
    keys = tuple(part.strip().encode() for part in text_value.replace("\n", ",").split(",") if part.strip())
    if not keys:
        raise IdKeyError(f"{source} 中没有密钥")
    if short := [index + 1 for index, key in enumerate(keys) if len(key) < MIN_KEY_LENGTH]:
        raise IdKeyError(f"{source} 的第 {'、'.join(map(str, short))} 个密钥太短：至少 {MIN_KEY_LENGTH} 个字符")
    return keys


def key_file(settings: Settings) -> Path | None:
    database = sqlite_path(settings.warehouse_url)
    return None if database is None else database.with_suffix(".idkey")


def _pending(path: Path) -> Path:
    return path.with_suffix(".idkey-next")


def _write_private(path: Path, keys: Iterable[bytes], *, replace: bool = True) -> None:
    """Write a key file readable by its owner only, in full or not at all.

    With replace=False an existing file wins: two processes creating the first key at once end with
    one of the two keys, the same for both."""
    descriptor, partial = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".partial")
    try:
        with os.fdopen(descriptor, "w") as handle:  # mkstemp creates it with mode 600
            handle.write("".join(key.decode() + "\n" for key in keys))
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(partial, path)
        else:
            try:
                os.link(partial, path)  # fails if the file exists: an atomic create-if-absent
            except FileExistsError:
                pass
    finally:
        Path(partial).unlink(missing_ok=True)


def configured_chain(settings: Settings) -> KeyChain:
    """The chain as configured: DIBAO_ID_KEY (keys separated by commas, oldest first), else the key file
    beside the SQLite file — created with one random key the first time, permissions 600."""
    if settings.id_key is not None:
        return KeyChain(_parse(settings.id_key.get_secret_value(), "DIBAO_ID_KEY"))
    path = key_file(settings)
    if path is None:
        raise IdKeyError("此数据仓库不是内嵌 SQLite：请设置 DIBAO_ID_KEY（身份证号哈希密钥）")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_private(path, [secrets.token_hex(32).encode()], replace=False)
    return KeyChain(_parse(path.read_text(), str(path)), file=path)


def stored_fingerprint(conn: Connection) -> str | None:
    return conn.execute(select(WarehouseMeta.value).where(WarehouseMeta.name == FINGERPRINT)).scalar_one_or_none()


def _set_fingerprint(conn: Connection, value: str) -> None:
    values = {"name": FINGERPRINT, "value": value}
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(WarehouseMeta).values(**values)
    conn.execute(statement.on_conflict_do_update(index_elements=["name"], set_={"value": value}))


def current_chain(engine: Engine, settings: Settings) -> KeyChain:
    """The configured chain, checked against the warehouse; finishes a rotation a crash interrupted."""
    chain = configured_chain(settings)
    with engine.connect() as conn:
        recorded = stored_fingerprint(conn)
    if chain.file is not None and _pending(chain.file).exists():
        pending = KeyChain(_parse(_pending(chain.file).read_text(), str(_pending(chain.file))), file=chain.file)
        if recorded == pending.fingerprint():
            _promote(chain.file)  # the rotation committed: its keys are the keys now
            return pending
        # Otherwise a rotation is under way or never committed: its next run writes a new pending file.
    if recorded is not None and recorded != chain.fingerprint():
        raise IdKeyError(_mismatch(chain, settings))
    return chain


def _promote(path: Path) -> None:
    try:
        os.replace(_pending(path), path)
    except FileNotFoundError:
        pass  # another process promoted it first


def _mismatch(chain: KeyChain, settings: Settings) -> str:
    where = "DIBAO_ID_KEY" if settings.id_key is not None else str(chain.file)
    return (
        f"身份证号密钥（{where}，第 {chain.generation} 代）与数据仓库记录的不一致：按此密钥导入，"
        "每户都会被当作新户。若刚执行过 `dibao keys rotate`，请把 DIBAO_ID_KEY 改为旧密钥加新密钥（逗号分隔）；"
        "若数据仓库是从备份恢复的，请同时恢复与之配套的密钥文件。"
    )


def claim(conn: Connection, chain_fingerprint: str) -> None:
    """Inside a write transaction: the rows about to be stored were hashed with the warehouse's chain.

    A warehouse that has none yet takes this one (its first roster, or one written before the
    fingerprint was kept, whose rows this chain made)."""
    # FOR SHARE (PostgreSQL): a rotation, which updates this row first, waits for this transaction and
    # this transaction for it; SQLite has one writer at a time anyway.
    query = select(WarehouseMeta.value).where(WarehouseMeta.name == FINGERPRINT).with_for_update(read=True)
    recorded = conn.execute(query).scalar_one_or_none()
    if recorded is None:
        _set_fingerprint(conn, chain_fingerprint)
    elif recorded != chain_fingerprint:
        raise IdKeyError("名册是用另一代身份证号密钥哈希的（核对之后密钥已更换）：请重新上传此文件，什么也没有写入。")


@dataclass
class Rotation:
    generation: int
    households: int  # distinct pseudonyms rehashed
    rows: int  # household-month rows updated
    key_file: Path | None


def rotate(engine: Engine, settings: Settings, *, by: str, new_key: str | None = None) -> Rotation:
    """Add a key to the chain and rehash every stored pseudonym under it, in one transaction.

    The embedded warehouse generates the key and keeps the chain in its key file. With keys from
    DIBAO_ID_KEY the new key must be given, and DIBAO_ID_KEY must then list it after the old ones."""
    chain = current_chain(engine, settings)
    if chain.file is None and not new_key:
        raise IdKeyError("密钥来自 DIBAO_ID_KEY：请用 DIBAO_NEW_ID_KEY 提供新密钥（至少 16 个字符）")
    added = _parse(new_key, "新密钥")[0] if new_key else secrets.token_hex(32).encode()
    if added in chain.keys:
        raise IdKeyError("新密钥与已用过的密钥相同")
    rotated = KeyChain((*chain.keys, added), file=chain.file)
    if chain.file is not None:
        _write_private(_pending(chain.file), rotated.keys)
    with engine.begin() as conn:
        claim(conn, chain.fingerprint())  # a warehouse without a fingerprint yet: its rows are this chain's
        # Writing the fingerprint first takes the write lock (SQLite) or the row lock every upload's
        # claim waits for (PostgreSQL), so no roster hashed with the old chain lands during the rehash.
        _set_fingerprint(conn, rotated.fingerprint())
        households, rows = _rehash(conn, rewrap(added))
        audit.record(
            conn,
            actor=by,
            action="key_rotate",
            detail=f"第 {rotated.generation} 代密钥；{households} 个住户标识、{rows} 行重新哈希",
        )
    if chain.file is not None:
        _promote(chain.file)
    return Rotation(rotated.generation, households, rows, chain.file)


def _rehash(conn: Connection, wrap: Callable[[str], str]) -> tuple[int, int]:
    """Every stored pseudonym hashed once more: distinct values through a temporary mapping table."""
    # The rows leadership sees and the replacements waiting for approval (household_review) alike.
    stored = union(select(HouseholdMonth.household_key), select(HouseholdReview.household_key))
    old = conn.execute(stored).scalars().all()
    if not old:
        return 0, 0
    conn.execute(text("CREATE TEMPORARY TABLE rekey (old VARCHAR(32) PRIMARY KEY, new VARCHAR(32) NOT NULL)"))
    try:
        insert_frame(conn, "rekey", pl.DataFrame({"old": old, "new": [wrap(value) for value in old]}))
        rows = sum(
            conn.execute(
                text(f"UPDATE {table} SET household_key = rekey.new FROM rekey WHERE {table}.household_key = rekey.old")
            ).rowcount
            for table in ("household_month", "household_review")
        )
    finally:
        conn.execute(text("DROP TABLE rekey"))
    return len(old), rows


def status(engine: Engine, settings: Settings) -> dict[str, object]:
    """What `dibao keys status` shows: where the keys are, their generation, and whether they match."""
    chain = configured_chain(settings)
    with engine.connect() as conn:
        recorded = stored_fingerprint(conn)
        rows = conn.execute(text("SELECT count(*) FROM household_month")).scalar_one()
    return {
        "source": "DIBAO_ID_KEY" if chain.file is None else str(chain.file),
        "generation": chain.generation,
        "matches": recorded is None or recorded == chain.fingerprint(),
        "recorded": recorded is not None,
        "household_rows": rows,
    }
