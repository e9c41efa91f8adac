//! The floor of `flashdeck build --format apkg`: what the unavoidable parts
//! cost alone on the same bank, for `bench/floor.py` to compare the whole
//! build against (issue: "report flashdeck's total as a multiple of that sum").
//!
//! 1. parse: read the file and parse its YAML into the bank model (flashdeck's
//!    own loader, typed fast path, which is what any reader must do);
//! 2. sqlite: one `notes` row per card (its text joined as fields, no
//!    rendering) and one `cards` row, schema 11, Anki's indexes, one
//!    transaction, into a file;
//! 3. zip: that file deflated at level 1 into memory, as the package is.
//!
//! Prints one line per part: `name seconds`.
//!
//!     cargo run --release --example floor -- target/bench/cmp/varied/bank.yaml

use flashdeck::writers::apkg::{INDEXES, PRAGMAS, TABLES};
use std::io::Write as _;
use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: floor BANK.yaml");
        std::process::exit(2);
    };
    let start = Instant::now();
    let outcome = flashdeck::load::load_bank(std::path::Path::new(&path));
    let Some(loaded) = outcome.bank else {
        eprintln!("{path} does not load");
        std::process::exit(1);
    };
    let cards: Vec<(String, String)> = loaded
        .bank
        .cards
        .iter()
        .map(|c| {
            let fields: Vec<&str> = c.markdown_fields().map(|(_, f)| f.value.as_str()).collect();
            (c.id.value.clone(), fields.join("\x1f"))
        })
        .collect();
    drop(loaded);
    println!("parse {:.3}", start.elapsed().as_secs_f64());

    let start = Instant::now();
    let dir = tempfile::tempdir().expect("a scratch folder");
    let db_path = dir.path().join("collection.anki2");
    let mut db = rusqlite::Connection::open(&db_path).expect("sqlite");
    // The writer's own pragmas and schema: the floor writes what it writes.
    db.execute_batch(PRAGMAS).expect("pragmas");
    db.execute_batch(TABLES).expect("tables");
    let tx = db.transaction().expect("transaction");
    {
        let mut note = tx
            .prepare("INSERT INTO notes VALUES (?1, ?2, 1, 0, -1, '', ?3, ?4, 0, 0, '')")
            .expect("prepare");
        let mut card = tx
            .prepare("INSERT INTO cards VALUES (?1, ?1, 1, 0, 0, -1, 0, 0, ?1, 0, 0, 0, 0, 0, 0, 0, 0, '')")
            .expect("prepare");
        for (i, (id, fields)) in cards.iter().enumerate() {
            let sort = fields.split('\x1f').next().unwrap_or("");
            note.execute(rusqlite::params![i as i64 + 1, id, fields, sort])
                .expect("insert note");
            card.execute(rusqlite::params![i as i64 + 1])
                .expect("insert card");
        }
    }
    tx.execute_batch(INDEXES).expect("indexes");
    tx.commit().expect("commit");
    drop(db);
    println!("sqlite {:.3}", start.elapsed().as_secs_f64());

    let start = Instant::now();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    zip.start_file("collection.anki2", options).expect("zip");
    let bytes = std::fs::read(&db_path).expect("read the collection");
    zip.write_all(&bytes).expect("zip");
    let zipped = zip.finish().expect("zip").into_inner();
    println!("zip {:.3}", start.elapsed().as_secs_f64());
    eprintln!(
        "collection {} MB, package {} MB",
        bytes.len() / 1_000_000,
        zipped.len() / 1_000_000
    );
}
