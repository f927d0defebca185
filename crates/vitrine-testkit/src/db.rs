//! HQ's database as a test reads and writes it behind HQ's back, on the
//! run's backend ([`crate::backend`]): `hq.sqlite` in the data folder, or
//! the folder's PostgreSQL database ([`crate::hq::database_for`]). Plain SQL
//! that both dialects take, values as text (SQLite's integers and reals
//! printed, blobs in hex; PostgreSQL's text forms).

use std::path::Path;

use crate::hq::database_for;

/// A row: each column's value as text (None: NULL).
pub type Row = Vec<Option<String>>;

/// `s` as a SQL string literal.
pub fn sql_text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn on_pg<T: Send + 'static>(url: String, f: impl FnOnce(&mut postgres::Client) -> T + Send + 'static) -> T {
    // On a thread of its own: the synchronous client cannot run on an
    // async runtime's thread.
    std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).expect("connect to HQ's database");
        f(&mut c)
    })
    .join()
    .unwrap_or_else(|p| std::panic::resume_unwind(p))
}

fn sqlite(data_dir: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(data_dir.join(vitrine_hq::storage::HQ_DB_FILE)).expect("open hq.sqlite")
}

fn sqlite_text(v: rusqlite::types::ValueRef<'_>) -> Option<String> {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(r) => Some(r.to_string()),
        ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Some(b.iter().map(|x| format!("{x:02x}")).collect()),
    }
}

/// The rows `sql` returns.
pub fn db_rows(data_dir: &Path, sql: &str) -> Vec<Row> {
    match database_for(data_dir) {
        Some(url) => {
            let sql = sql.to_string();
            on_pg(url, move |c| {
                c.simple_query(&sql)
                    .expect("query HQ's database")
                    .into_iter()
                    .filter_map(|m| match m {
                        postgres::SimpleQueryMessage::Row(r) => {
                            Some((0..r.len()).map(|i| r.get(i).map(String::from)).collect())
                        }
                        _ => None,
                    })
                    .collect()
            })
        }
        None => {
            let c = sqlite(data_dir);
            let mut st = c.prepare(sql).expect("prepare");
            let n = st.column_count();
            st.query_map([], |r| {
                Ok((0..n)
                    .map(|i| r.get_ref(i).map(sqlite_text))
                    .collect::<Result<Row, _>>())
            })
            .expect("query hq.sqlite")
            .map(|r| r.expect("a row").expect("a value"))
            .collect()
        }
    }
}

/// The first column of the first row as an integer.
pub fn db_i64(data_dir: &Path, sql: &str) -> i64 {
    db_rows(data_dir, sql)
        .first()
        .and_then(|r| r.first().cloned().flatten())
        .expect("a value")
        .parse()
        .expect("an integer")
}

/// The first column of every row (NULLs left out).
pub fn db_column(data_dir: &Path, sql: &str) -> Vec<String> {
    db_rows(data_dir, sql)
        .into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .collect()
}

/// Runs statements that return nothing.
pub fn db_execute(data_dir: &Path, sql: &str) {
    match database_for(data_dir) {
        Some(url) => {
            let sql = sql.to_string();
            on_pg(url, move |c| c.batch_execute(&sql).expect("write HQ's database"));
        }
        None => sqlite(data_dir).execute_batch(sql).expect("write hq.sqlite"),
    }
}

/// Every row of every table, as sorted text lines: what "nothing changed"
/// is compared on.
pub fn db_dump(data_dir: &Path) -> Vec<String> {
    let tables = match database_for(data_dir) {
        Some(_) => db_column(
            data_dir,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
        ),
        None => db_column(
            data_dir,
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
        ),
    };
    let mut out = Vec::new();
    // Rate-limit buckets and cut snapshots are HQ's bookkeeping, not its
    // data: every request moves a bucket on PostgreSQL.
    for t in tables
        .into_iter()
        .filter(|t| t != "rate_buckets" && t != "snapshot_cuts")
    {
        for r in db_rows(data_dir, &format!("SELECT * FROM \"{t}\"")) {
            let cells: Vec<String> = r.iter().map(|c| format!("{c:?}")).collect();
            out.push(format!("{t}: {}", cells.join(" | ")));
        }
    }
    out.sort();
    out
}
