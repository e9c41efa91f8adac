//! The `flashdeck` binary: everything happens in [`flashdeck::cli::run`].

fn main() {
    std::process::exit(flashdeck::cli::run());
}
