//! Append-only SQLite migrations.
//!
//! A database file holds one or more *components* (the kiosk's `catalog` and
//! `kiosk` files, HQ's `hq` file), each with its own ordered list of
//! migrations; the `schema_migrations` table records how many of each list
//! the file has applied. A migration is never edited once it has shipped: a
//! change is a new entry at the end of its list. Each runs in its own
//! transaction together with its bookkeeping row, so a crash mid-way leaves
//! the file at the previous step, and the next open carries on from there.
//!
//! The table's layout is the on-disk contract every existing kiosk and HQ
//! file already follows; it must not change.

use rusqlite::{Connection, OptionalExtension, params};
use thiserror::Error;

/// Why a database could not be brought up to date.
#[derive(Debug, Error)]
pub enum MigrateError {
    /// The file was migrated by a newer program: opening it with this one
    /// could misread it. Callers name the file and say which program to update.
    #[error("schema of component `{component}` is at {found}, this program knows {known}")]
    TooNew { component: String, found: i64, known: i64 },
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
}

/// Applies the migrations of `component` that `conn` has not applied yet, in
/// order. Opening an up-to-date file again does nothing.
pub fn migrate(conn: &mut Connection, component: &str, migrations: &[&str]) -> Result<(), MigrateError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            component TEXT PRIMARY KEY,
            applied   INTEGER NOT NULL
        )",
    )?;
    let current = applied(conn, component)?;
    let known = migrations.len() as i64;
    if current > known {
        return Err(MigrateError::TooNew {
            component: component.to_string(),
            found: current,
            known,
        });
    }
    for (i, sql) in migrations.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations(component, applied) VALUES (?1, ?2)
             ON CONFLICT(component) DO UPDATE SET applied = excluded.applied",
            params![component, (i + 1) as i64],
        )?;
        tx.commit()?;
        tracing::info!(component, migration = i + 1, "schema migrated");
    }
    Ok(())
}

/// How many migrations of `component` the file has applied (0 for a new file).
pub fn applied(conn: &Connection, component: &str) -> Result<i64, rusqlite::Error> {
    let exists: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations')",
        [],
        |r| r.get(0),
    )?;
    if !exists {
        return Ok(0);
    }
    Ok(conn
        .query_row(
            "SELECT applied FROM schema_migrations WHERE component = ?1",
            [component],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEPS: &[&str] = &[
        "CREATE TABLE a (x INTEGER)",
        "ALTER TABLE a ADD COLUMN y TEXT",
        "CREATE TABLE b (z INTEGER); INSERT INTO b VALUES (42)",
    ];

    fn columns(conn: &Connection, table: &str) -> Vec<String> {
        let mut st = conn.prepare(&format!("PRAGMA table_info({table})")).unwrap();
        st.query_map([], |r| r.get::<_, String>(1))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn applies_in_order_and_records_the_count() {
        let mut c = Connection::open_in_memory().unwrap();
        // The second step alters what the first created: only in order does it work.
        migrate(&mut c, "demo", STEPS).unwrap();
        assert_eq!(columns(&c, "a"), ["x", "y"]);
        assert_eq!(c.query_row("SELECT z FROM b", [], |r| r.get::<_, i64>(0)).unwrap(), 42);
        assert_eq!(applied(&c, "demo").unwrap(), 3);
    }

    #[test]
    fn a_new_step_on_an_older_file_runs_alone() {
        let mut c = Connection::open_in_memory().unwrap();
        migrate(&mut c, "demo", &STEPS[..2]).unwrap();
        assert_eq!(applied(&c, "demo").unwrap(), 2);
        migrate(&mut c, "demo", STEPS).unwrap();
        assert_eq!(applied(&c, "demo").unwrap(), 3);
        assert_eq!(
            c.query_row("SELECT COUNT(*) FROM b", [], |r| r.get::<_, i64>(0))
                .unwrap(),
            1
        );
    }

    #[test]
    fn reopening_an_up_to_date_file_changes_nothing() {
        let mut c = Connection::open_in_memory().unwrap();
        migrate(&mut c, "demo", STEPS).unwrap();
        // Running any step twice would fail (the table exists, the column
        // exists) or insert a second row.
        migrate(&mut c, "demo", STEPS).unwrap();
        migrate(&mut c, "demo", STEPS).unwrap();
        assert_eq!(
            c.query_row("SELECT COUNT(*) FROM b", [], |r| r.get::<_, i64>(0))
                .unwrap(),
            1
        );
        assert_eq!(applied(&c, "demo").unwrap(), 3);
    }

    #[test]
    fn components_are_counted_apart() {
        let mut c = Connection::open_in_memory().unwrap();
        migrate(&mut c, "one", &STEPS[..1]).unwrap();
        migrate(&mut c, "two", &["CREATE TABLE t (v)"]).unwrap();
        assert_eq!((applied(&c, "one").unwrap(), applied(&c, "two").unwrap()), (1, 1));
    }

    #[test]
    fn a_file_newer_than_the_code_is_refused_untouched() {
        let mut c = Connection::open_in_memory().unwrap();
        migrate(&mut c, "demo", STEPS).unwrap();
        let e = migrate(&mut c, "demo", &STEPS[..1]).unwrap_err();
        assert!(
            matches!(&e, MigrateError::TooNew { component, found: 3, known: 1 } if component == "demo"),
            "{e:?}"
        );
        assert_eq!(applied(&c, "demo").unwrap(), 3);
    }

    #[test]
    fn a_failing_step_leaves_the_file_at_the_previous_one() {
        let mut c = Connection::open_in_memory().unwrap();
        let broken: &[&str] = &[STEPS[0], "CREATE TABLE c (v); THIS IS NOT SQL"];
        assert!(migrate(&mut c, "demo", broken).is_err());
        assert_eq!(applied(&c, "demo").unwrap(), 1);
        let has_c: bool = c
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'c')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(!has_c, "half a migration was kept");
    }
}
