//! flashdeck's integration tests, in one test binary (linking one binary
//! instead of one per file saves minutes on a fresh two-core machine). Each
//! module tests one area; `cargo test --release --test integration cli::`
//! runs one of them.

mod common;

mod anki_import;
mod anki_note_types;
mod anki_text;
mod audit;
mod card_style;
mod cli;
mod convert_crowdanki;
mod convert_hostile;
mod convert_own_packages;
mod convert_readable;
mod convert_roundtrip;
mod convert_text;
mod fuzz_pipeline;
mod handout_print;
mod handouts_markdown;
mod hostile_files;
mod hostile_outputs;
mod invalid_banks;
mod layers;
mod msrv;
mod out_is_current;
mod pandoc_routes;
mod pull;
mod quizlet;
mod setup_scripts;
mod sheet_renderers;
