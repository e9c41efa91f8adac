//! What Anki itself sees of the packages flashdeck builds.
//!
//! Each test copies a bank into a temporary folder (so the repository's lock
//! files are never touched), builds it with the real binary, imports the
//! `.apkg` into a fresh collection with Anki's own importer
//! (`Collection.import_anki_package` of the `anki` package from PyPI) and
//! asserts on what Anki reports. The Python side is `tests/anki/anki_probe.py`.
//!
//! Anki runs from a virtual environment at `target/anki-venv`, created on
//! first use from `tests/anki/requirements.txt` (Python 3 with `venv` and
//! access to PyPI; `FLASHDECK_TEST_PYTHON` picks the interpreter) and reused
//! while that file is unchanged. If it cannot be created, every test that
//! needs it fails and says why.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

use flashdeck::anki::ids::{field_checksum, note_guid};
use flashdeck::writers::apkg::fields::strip_html_preserving_media_filenames;
use serde::Deserialize;
use sha1::{Digest, Sha1};
use tempfile::TempDir;

/// `SOURCE_DATE_EPOCH` of the builds (2023-11-14): in every clock's past.
const EPOCH: i64 = 1_700_000_000;

const DJANGO: &str = "source/django-interview.yaml";
const SHOWCASE: &str = "source/examples/showcase.yaml";

/// Where every Anki error in a rendered card links to.
const ANKI_TEMPLATE_ERROR: &str = "docs.ankiweb.net/templates/errors";

// ---------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------

#[test]
fn django_bank_imports_as_written() {
    let ws = Workspace::new(DJANGO);
    ws.build(EPOCH);
    let anki = Anki::new();
    let report = anki.import(&ws.package());
    check_fresh_import(&ws, &report);

    // The importer ran with the options the desktop app offers by default.
    assert_eq!(report.options.update_notes, 0, "update notes: if newer");
    assert_eq!(
        report.options.update_notetypes, 0,
        "update notetypes: if newer"
    );
    assert!(!report.options.merge_notetypes);

    let deck = &ws.spec.deck_name;
    assert_eq!(deck, "Django Interview Questions");
    let state = &report.state;
    let template_language = state.rendered_of(&ws.spec, "template-language", 0);
    assert!(
        template_language
            .answer
            .contains("<code>{{ article.title }}</code>"),
        "Django template text must stay literal:\n{}",
        template_language.answer
    );
    let type_in = state.rendered_of(&ws.spec, "makemigrations-command", 0);
    assert!(type_in.question.contains("[[type:Back]]"));
    let gunicorn = state.rendered_of(&ws.spec, "gunicorn", 1);
    assert!(
        !gunicorn.question.contains("<hr id=\"answer\">"),
        "the reversed card's question shows only the back"
    );
    // Code blocks come out escaped: `<int:year>` is text, not a tag.
    let routing = state.rendered_of(&ws.spec, "url-routing", 0);
    assert!(
        routing.answer.contains("&lt;int:year&gt;"),
        "code must be escaped:\n{}",
        routing.answer
    );
    assert!(!routing.answer.contains("<int:year>"));
}

#[test]
fn showcase_bank_imports_as_written() {
    let ws = Workspace::new(SHOWCASE);
    ws.build(EPOCH);
    let anki = Anki::new();
    let report = anki.import(&ws.package());
    check_fresh_import(&ws, &report);
    let state = &report.state;
    let spec = &ws.spec;

    // The deck hierarchy `flashdeck::Showcase` exists with its parent.
    let decks: Vec<&str> = state.decks.iter().map(|d| d.name.as_str()).collect();
    assert!(decks.contains(&"flashdeck"), "{decks:?}");
    assert!(decks.contains(&"flashdeck::Showcase"), "{decks:?}");

    // The image is in the collection's media folder and shown by the card.
    assert!(state.media_files.contains_key("mtv-diagram.png"));
    // The question asks about the diagram, so the front shows it.
    let image = state.rendered_of(spec, "basic-with-image", 0);
    assert!(
        image.question.contains("<img src=\"mtv-diagram.png\""),
        "{}",
        image.question
    );

    // Cloze: card 1 hides both c1 deletions and shows c2; card 2 the reverse,
    // with its hint.
    let c1 = state.rendered_of(spec, "cloze-two-deletions", 0);
    assert_eq!(
        c1.question.matches(">[...]</span>").count(),
        2,
        "{}",
        c1.question
    );
    assert!(
        c1.question.contains("data-ordinal=\"2\">JOIN</span>"),
        "{}",
        c1.question
    );
    assert!(!c1.question.contains("foreign keys"), "{}", c1.question);
    assert!(
        c1.answer
            .contains("<span class=\"cloze\" data-ordinal=\"1\">foreign keys</span>"),
        "{}",
        c1.answer
    );
    assert!(
        c1.answer
            .contains("data-ordinal=\"1\">a separate query</span>")
    );
    let c2 = state.rendered_of(spec, "cloze-two-deletions", 1);
    assert!(
        c2.question.contains(">[a kind of SQL clause]</span>"),
        "{}",
        c2.question
    );
    assert!(
        c2.answer
            .contains("<span class=\"cloze\" data-ordinal=\"2\">JOIN</span>")
    );
    // Template syntax in the Extra field stays literal.
    assert!(c1.answer.contains("{{ book.title }}"), "{}", c1.answer);
    assert!(c1.answer.contains("{% url 'home' %}"), "{}", c1.answer);

    // Type-in: Anki's answer box, and the typed answer compares as correct.
    let type_in = state.rendered_of(spec, "type-in-command", 0);
    assert!(
        type_in.question.contains("[[type:Back]]"),
        "{}",
        type_in.question
    );
    let compared = type_in.type_in.as_ref().expect("a type-in comparison");
    assert_eq!(compared.expected, "python manage.py makemigrations");

    // Code and text that looks like HTML are escaped; `{{ var }}` is literal.
    let code = state.rendered_of(spec, "code-and-escaping", 0);
    assert!(
        code.question
            .contains("<code>&lt;b&gt;Ann &amp; Bo&lt;/b&gt;</code>"),
        "{}",
        code.question
    );
    assert!(code.answer.contains("&lt;/"), "{}", code.answer);
    assert!(code.answer.contains("{{ user.name }}"), "{}", code.answer);
    assert!(
        code.answer.contains("{% if user.is_staff %}"),
        "{}",
        code.answer
    );
    assert!(!code.answer.contains("<p>Hello"), "{}", code.answer);
    assert!(
        code.answer
            .contains("<code>&amp;lt;b&amp;gt;Ann &amp;amp; Bo&amp;lt;/b&amp;gt;</code>"),
        "entities written in the bank show as written: {}",
        code.answer
    );
    let python = state.rendered_of(spec, "python-code-block", 0);
    assert!(python.answer.contains("<pre"), "{}", python.answer);
    assert!(python.answer.contains(">\"ok\"<"), "{}", python.answer);

    // MathJax delimiters reach Anki untouched.
    let math = state.rendered_of(spec, "math-inline-and-display", 0);
    assert!(math.question.contains(r"\( r \)"), "{}", math.question);
    assert!(
        math.answer.contains(r"\[ A = \pi r^2 \]"),
        "{}",
        math.answer
    );

    let table = state.rendered_of(spec, "lists-and-tables", 0);
    assert!(table.answer.contains("<table"), "{}", table.answer);
    assert!(table.answer.contains("<ol>"), "{}", table.answer);

    let sanitized = state.rendered_of(spec, "raw-html-is-sanitized", 0);
    assert!(sanitized.question.contains("<b>allowed</b>"));
    for bad in ["<script", "onclick", "href=\"javascript", "alert("] {
        assert!(
            !sanitized.answer.contains(bad),
            "{bad}: {}",
            sanitized.answer
        );
    }

    let reversed = state.rendered_of(spec, "reversed-term", 1);
    assert!(reversed.question.contains("A lazy, chainable description"));
    assert!(reversed.answer.contains("QuerySet"));
}

#[test]
fn django_edits_update_notes_and_keep_reviews() {
    update_scenario(DJANGO);
}

#[test]
fn showcase_edits_update_notes_and_keep_reviews() {
    update_scenario(SHOWCASE);
}

#[test]
fn django_removed_card_does_not_break_later_imports() {
    removed_card_scenario(DJANGO);
}

#[test]
fn showcase_removed_card_does_not_break_later_imports() {
    removed_card_scenario(SHOWCASE);
}

#[test]
fn django_note_type_changes_reach_users() {
    notetype_update_scenario(DJANGO);
}

#[test]
fn showcase_note_type_changes_reach_users() {
    notetype_update_scenario(SHOWCASE);
}

#[test]
fn rebuilds_are_byte_identical() {
    for bank in [DJANGO, SHOWCASE] {
        let ws = Workspace::new(bank);
        let first = ws.build(EPOCH);
        let lock = ws.lock_text();

        // The same copy again, reusing its lock: same bytes, lock untouched.
        assert_eq!(ws.build(EPOCH), first, "{bank}: second build differs");
        assert_eq!(ws.lock_text(), lock, "{bank}: lock changed");
        // Later: the lock pins every time, so still the same bytes.
        assert_eq!(
            ws.build(EPOCH + 86_400),
            first,
            "{bank}: build a day later differs"
        );
        assert_eq!(ws.lock_text(), lock);
        let locked = ws.run_build(EPOCH + 86_400, &["--locked"]);
        assert!(
            locked.status.success(),
            "{bank}: --locked fails on an up-to-date lock: {}",
            text(&locked.stderr)
        );

        // A fresh copy built at the same time gives the same bytes and lock.
        let other = Workspace::new(bank);
        assert_eq!(other.build(EPOCH), first, "{bank}: fresh copy differs");
        assert_eq!(other.lock_text(), lock);

        // `--locked` with no lock yet: the lock would change, exit 1.
        let unlocked = Workspace::new(bank);
        let out = unlocked.run_build(EPOCH, &["--locked"]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{bank}: --locked without a lock"
        );
        assert!(!unlocked.lock_path().exists());

        // Anki's zip reader takes Stored and Deflate entries only.
        let entries = zip_entries(&first);
        assert!(
            entries.iter().any(|(name, _)| name == "collection.anki2"),
            "{entries:?}"
        );
        for (name, method) in &entries {
            assert!(
                *method == 0 || *method == 8,
                "{bank}: entry {name} uses compression method {method}"
            );
        }
    }
}

/// A bank of first fields whose sort field and checksum are easy to get
/// wrong: entities, non-breaking spaces, code, an image, template text.
const EDGE_BANK: &str = r#"deck:
  id: sort-field-edge-cases
  name: Sort field edge cases
cards:
  - id: nbsp-raw
    question: "A non\u00a0breaking space?"
    answer: "yes"
  - id: nbsp-entity
    question: "Written&nbsp;as an entity?"
    answer: "yes"
  - id: operators
    question: "Is 1 < 2 && 3 > 2, \"quoted\" and 'single'?"
    answer: "yes"
  - id: code
    question: "`a && b` and `<b>` in code?"
    answer: "yes"
  - id: image
    question: "![a diagram](media/mtv-diagram.png) What does this show?"
    answer: "yes"
  - id: template-text
    question: "What does {{ user.name }} print?"
    answer: "yes"
  - id: mathjax
    question: 'What is \( e^{i\pi} \)?'
    answer: "yes"
  - id: unicode
    question: "Ünïcödé – “quotes” 🙂?"
    answer: "yes"
"#;

/// The sort field and checksum flashdeck writes are the ones Anki computes
/// (what it stores after import, and `anki.utils.strip_html_media` /
/// `field_checksum`), also for first fields the two banks do not have.
#[test]
fn sort_field_and_checksum_match_anki() {
    // Through the whole pipeline: a bank of awkward first fields.
    let dir = tempfile::tempdir().expect("temporary folder");
    let bank = dir.path().join("edge.yaml");
    std::fs::write(&bank, EDGE_BANK).expect("write the bank");
    copy_dir(
        &repo().join("source/examples/media"),
        &dir.path().join("media"),
    );
    let ws = Workspace::at(dir, bank);
    ws.build(EPOCH);
    let anki = Anki::new();
    let report = anki.import(&ws.package());
    assert_eq!(report.log.counts(), Counts::all_new(ws.spec.notes.len()));
    assert_clean(&report);
    let mut mismatches = Vec::new();
    for expected in &ws.spec.notes {
        let written = report.package.note_by_guid(&expected.guid);
        let stored = report.state.note_by_guid(&expected.guid);
        assert_eq!(
            (&stored.sfld, stored.csum),
            (&stored.utils_sfld, stored.utils_csum)
        );
        if (&written.sfld, written.csum) != (&stored.sfld, stored.csum) {
            mismatches.push(format!(
                "card `{}`, first field {:?}: written {:?} / {}, Anki {:?} / {}",
                expected.card_id,
                written.fields[0],
                written.sfld,
                written.csum,
                stored.sfld,
                stored.csum
            ));
        }
    }

    // The writer's functions on HTML of the kinds its fields contain.
    let cases: Vec<String> = [
        "<p>a &lt; b</p>",
        "x<img src=\"d.png\">y",
        "<IMG SRC='x.jpg'>",
        "<img src=x.jpg alt=y>",
        "<img alt=\"a diagram\" src=\"m.png\" />",
        "<audio src=\"s.mp3\"></audio>",
        "<object data=\"f.svg\"></object>",
        "<video><source src=\"v.mp4\"></video>",
        "<style>p{}</style>t<!-- c -->",
        "<!-- <img src=\"hidden.png\"> -->z",
        "<script>alert(1)</script>x",
        "<SCRIPT>x</SCRIPT>y",
        "a&nbsp;b",
        "a\u{a0}b",
        "a\u{a0}&amp;b",
        "&lt;b&gt; &amp;lt; &quot;q&quot; &#39;s&#39; &#x27;t&#x27;",
        "&#123;&#123; var &#125;&#125;",
        "<br>line<br/>two",
        "<div>\n multi\nline</div>",
        "  leading and trailing  ",
        "[sound:a.mp3] text",
        "\\( e^{i\\pi} \\)",
        "<code>{{ user.name }}</code>",
        "<img data-src=\"n.png\" src=\"m.png\">",
        "Ünïcödé – “quotes” 🙂",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let input = serde_json::to_string(&cases).expect("json");
    let json = probe(&[OsStr::new("strip")], Some(&input));
    let stripped: StripReport = serde_json::from_str(&json).expect("probe output");
    for case in &stripped.stripped {
        let ours = strip_html_preserving_media_filenames(&case.html);
        let csum = field_checksum(&ours);
        if ours != case.stripped || csum != case.csum {
            mismatches.push(format!(
                "{:?}: flashdeck {:?} / {csum}, anki.utils {:?} / {}",
                case.html, ours, case.stripped, case.csum
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "sort field or checksum differ from Anki's:\n{}",
        mismatches.join("\n")
    );
}

// ---------------------------------------------------------------------------
// Scenarios run on both banks
// ---------------------------------------------------------------------------

/// Import, study, edit one card in the bank, rebuild in the same second,
/// import again: one note updated, nothing new, the reviews kept. Twice.
fn update_scenario(bank: &str) {
    let ws = Workspace::new(bank);
    let spec = &ws.spec;
    let n = spec.notes.len();
    ws.build(EPOCH);
    let anki = Anki::new();
    check_fresh_import(&ws, &anki.import(&ws.package()));

    let studied = anki.review(&spec.deck_name, 5);
    assert_eq!(
        studied.answered.len(),
        5,
        "five cards were due: {:?}",
        studied.answered
    );
    for card in &studied.answered {
        assert!(
            card.ivl > 0 && card.card_type == 2,
            "answered Easy: {card:?}"
        );
    }
    assert_eq!(studied.state.revlog.len(), 5);
    let first_studied = studied.state.note_by_id(studied.answered[0].nid);
    let edited = spec
        .by_guid(&first_studied.guid)
        .expect("the studied note is one of the bank's cards");

    // Edit 1, built with the same SOURCE_DATE_EPOCH as the first build.
    ws.edit_card(
        &edited.card_id,
        edited.kind.main_field(),
        "flashdeck-edit-one",
    );
    ws.build(EPOCH);
    assert_eq!(
        ws.lock_modified(&edited.card_id),
        EPOCH + 1,
        "an edit in the same second must still move the time forward"
    );
    let second = anki.import(&ws.package());
    check_one_update(
        &studied.state,
        &second,
        n,
        edited,
        "flashdeck-edit-one",
        EPOCH + 1,
    );

    // Edit 2, still the same second.
    ws.edit_card(
        &edited.card_id,
        edited.kind.main_field(),
        "flashdeck-edit-two",
    );
    ws.build(EPOCH);
    assert_eq!(ws.lock_modified(&edited.card_id), EPOCH + 2);
    let third = anki.import(&ws.package());
    check_one_update(
        &studied.state,
        &third,
        n,
        edited,
        "flashdeck-edit-two",
        EPOCH + 2,
    );
    let note = third.state.note_by_guid(&edited.guid);
    assert!(note.fields.iter().any(|f| f.contains("flashdeck-edit-one")));

    // A rebuild later with nothing changed: nothing to update.
    ws.build(EPOCH + 3_600);
    let fourth = anki.import(&ws.package());
    assert_eq!(
        fourth.log.counts(),
        Counts::unchanged(n),
        "{:#?}",
        fourth.log.counts()
    );
    assert_eq!(fourth.state.revlog, studied.state.revlog);
    assert_eq!(fourth.state.schedule(), studied.state.schedule());
    assert_clean(&fourth);
}

/// A card removed from the bank stays in Anki (Anki never deletes on import),
/// and the imports after it still work: unchanged notes, edits, and the card
/// coming back.
fn removed_card_scenario(bank: &str) {
    let ws = Workspace::new(bank);
    let n = ws.spec.notes.len();
    ws.build(EPOCH);
    let anki = Anki::new();
    check_fresh_import(&ws, &anki.import(&ws.package()));

    // Remove a cloze card (several Anki cards) from the middle of the bank.
    let removed = ws
        .spec
        .notes
        .iter()
        .rev()
        .find(|c| c.kind == Kind::Cloze)
        .expect("the bank has a cloze card")
        .clone();
    let original_yaml = ws.yaml();
    ws.remove_card(&removed.card_id);
    ws.build(EPOCH);
    assert!(
        ws.lock()
            .pointer(&format!("/cards/{}", removed.card_id))
            .is_none()
    );
    let after_removal = anki.import(&ws.package());
    assert_eq!(
        after_removal.log.counts(),
        Counts::unchanged(n - 1),
        "{:#?}",
        after_removal.log.counts()
    );
    assert_clean(&after_removal);
    assert_eq!(
        after_removal.state.notes.len(),
        n,
        "Anki keeps the removed card's note"
    );
    assert!(
        after_removal
            .state
            .notes
            .iter()
            .any(|note| note.guid == removed.guid)
    );

    // A later edit of another card still updates exactly that note.
    let other = ws
        .spec
        .notes
        .iter()
        .find(|c| c.card_id != removed.card_id)
        .expect("another card")
        .clone();
    ws.edit_card(
        &other.card_id,
        other.kind.main_field(),
        "flashdeck-after-removal",
    );
    ws.build(EPOCH);
    let after_edit = anki.import(&ws.package());
    let mut expected = Counts::unchanged(n - 2);
    expected.updated = 1;
    assert_eq!(
        after_edit.log.counts(),
        expected,
        "{:#?}",
        after_edit.log.counts()
    );
    assert_eq!(after_edit.updated_guids(), vec![other.guid.clone()]);
    assert_clean(&after_edit);

    // The removed card comes back (a day later): it matches its old note.
    // (Restoring the original bank also reverts the edit above.)
    ws.write_yaml(&original_yaml);
    ws.build(EPOCH + 86_400);
    let after_return = anki.import(&ws.package());
    let counts = after_return.log.counts();
    assert_eq!(counts.new, 0, "{counts:#?}");
    assert_eq!(counts.conflicting, 0, "{counts:#?}");
    assert_eq!(after_return.state.notes.len(), n);
    let updated = after_return.updated_guids();
    assert!(
        updated.contains(&removed.guid) && updated.contains(&other.guid),
        "the returning card and the reverted edit update their notes: {updated:?}"
    );
    assert_eq!(counts.updated, 2, "{counts:#?}");
    assert_clean(&after_return);
    let cards_of_removed = after_return
        .state
        .cards_of(after_return.state.note_by_guid(&removed.guid).id);
    assert_eq!(
        cards_of_removed.len(),
        removed.ords.len(),
        "no duplicate cards for the returning note"
    );
}

/// A change of the note types (CSS, templates) must reach users: the tool
/// bumps their modification time, and Anki updates them in place.
fn notetype_update_scenario(bank: &str) {
    let ws = Workspace::new(bank);
    let spec = &ws.spec;
    let n = spec.notes.len();
    ws.build(EPOCH);
    let anki = Anki::new();

    // What an earlier release would have shipped: other CSS, same times.
    let current = anki.dir.path().join("current.apkg");
    std::fs::copy(ws.package(), &current).expect("copy the package");
    let old = anki.dir.path().join("old-style.apkg");
    let old_css = "/* an earlier flashdeck */ .card { color: black; }";
    anki.probe(&[
        OsStr::new("restyle"),
        current.as_os_str(),
        OsStr::new("--out"),
        old.as_os_str(),
        OsStr::new("--css"),
        OsStr::new(old_css),
    ]);
    let first = anki.import(&old);
    assert_eq!(first.log.counts(), Counts::all_new(n));
    let old_sha1 = sha1_hex(old_css.as_bytes());
    let before: Vec<Notetype> = spec
        .our_notetypes(&first.state)
        .into_iter()
        .cloned()
        .collect();
    for nt in &before {
        assert_eq!(nt.css_sha1, old_sha1, "{}", nt.name);
        assert_eq!(nt.modified, EPOCH, "{}", nt.name);
    }

    // Control: the current CSS with an unchanged time does not reach users,
    // which is why the time has to move.
    let same_time = anki.import(&current);
    assert_eq!(same_time.log.counts(), Counts::unchanged(n));
    for nt in spec.our_notetypes(&same_time.state) {
        assert_eq!(
            nt.css_sha1, old_sha1,
            "{} changed without a newer time",
            nt.name
        );
    }

    // The release that changed the note types: the lock's fingerprint differs.
    let mut lock = ws.lock();
    let recorded = lock["notetypes"]["hash"]
        .as_str()
        .expect("the lock records the note types")
        .to_string();
    let other_hash = if recorded.starts_with('0') { "1" } else { "0" }.repeat(40);
    lock["notetypes"]["hash"] = serde_json::Value::String(other_hash);
    std::fs::write(
        ws.lock_path(),
        serde_json::to_string_pretty(&lock).expect("lock json"),
    )
    .expect("write the lock");
    ws.build(EPOCH);
    let bumped = ws.lock()["notetypes"]["modified"]
        .as_i64()
        .expect("notetypes time");
    assert_eq!(
        bumped,
        EPOCH + 1,
        "the note types' time moves forward even in the same second"
    );
    assert_eq!(
        ws.lock()["notetypes"]["hash"].as_str(),
        Some(recorded.as_str())
    );

    let after = anki.import(&ws.package());
    assert_eq!(
        after.log.counts(),
        Counts::unchanged(n),
        "notes did not change"
    );
    assert_clean(&after);
    assert_eq!(
        after.state.notetypes.len(),
        first.state.notetypes.len(),
        "no note type was added (a duplicate would mean Anki did not match it)"
    );
    let package_css: BTreeMap<i64, &str> = after
        .package
        .notetypes
        .iter()
        .map(|nt| (nt.id, nt.css_sha1.as_str()))
        .collect();
    for (old_nt, new_nt) in before.iter().zip(spec.our_notetypes(&after.state)) {
        assert_eq!(new_nt.id, old_nt.id, "{}: updated in place", new_nt.name);
        assert_eq!(new_nt.modified, bumped, "{}: time rose", new_nt.name);
        assert!(new_nt.modified > old_nt.modified);
        assert_eq!(
            Some(&new_nt.css_sha1.as_str()),
            package_css.get(&new_nt.id),
            "{}: the new CSS reached the collection",
            new_nt.name
        );
    }
    for note in &after.state.notes {
        let was = first.state.note_by_guid(&note.guid);
        assert_eq!(note.mid, was.mid, "notes keep their note type");
    }
}

// ---------------------------------------------------------------------------
// Shared checks
// ---------------------------------------------------------------------------

/// Everything a first import into an empty collection must show.
fn check_fresh_import(ws: &Workspace, report: &ImportReport) {
    let spec = &ws.spec;
    let state = &report.state;
    let n = spec.notes.len();
    assert_eq!(
        report.log.counts(),
        Counts::all_new(n),
        "{:#?}",
        report.log.counts()
    );
    assert_clean(report);

    // Notes: one per bank card, with its type, tags, fields and time.
    assert_eq!(state.notes.len(), n, "notes in the collection");
    assert_eq!(report.package.notes.len(), n, "notes in the package");
    for expected in &spec.notes {
        let note = state.note_by_guid(&expected.guid);
        let what = format!("card `{}`", expected.card_id);
        assert_eq!(
            note.notetype.as_deref(),
            Some(spec.notetype_name(expected.kind).as_str()),
            "{what}: note type"
        );
        assert_eq!(lowercase(&note.tags), expected.tags, "{what}: tags");
        let written = report.package.note_by_guid(&expected.guid);
        assert_eq!(
            note.fields, written.fields,
            "{what}: Anki keeps the fields as written"
        );
        assert_eq!(
            note.fields.len(),
            expected.kind.field_count(),
            "{what}: fields"
        );
        assert!(
            !note.fields[0].trim().is_empty(),
            "{what}: empty first field"
        );
        // Sort field and checksum: what we wrote, what Anki stored after
        // recomputing them, and what anki.utils computes, all agree.
        assert_eq!(
            written.sfld, note.sfld,
            "{what}: sort field as written vs as Anki stores it"
        );
        assert_eq!(
            note.sfld, note.utils_sfld,
            "{what}: sort field vs anki.utils.strip_html_media"
        );
        assert_eq!(
            written.csum, note.csum,
            "{what}: checksum as written vs as Anki stores it"
        );
        assert_eq!(
            note.csum, note.utils_csum,
            "{what}: checksum vs anki.utils.field_checksum"
        );
        assert_eq!(
            note.modified, written.modified,
            "{what}: Anki keeps the modification time"
        );
        assert_eq!(
            note.modified,
            ws.lock_modified(&expected.card_id),
            "{what}: time from the lock"
        );

        let cards = state.cards_of(note.id);
        let ords: Vec<u32> = cards.iter().map(|c| c.ord).collect();
        assert_eq!(ords, expected.ords, "{what}: card templates");
        for card in cards {
            assert_eq!(
                card.deck.as_deref(),
                Some(spec.deck_name.as_str()),
                "{what}: deck"
            );
            assert_eq!((card.card_type, card.queue), (0, 0), "{what}: a new card");
        }
    }
    let card_total: usize = spec.notes.iter().map(|c| c.ords.len()).sum();
    assert_eq!(state.cards.len(), card_total, "cards in the collection");
    assert_eq!(
        report.package.card_count, card_total,
        "cards in the package"
    );

    // Note types: ours, once each, as written.
    for kind in Kind::ALL {
        let name = spec.notetype_name(kind);
        let found: Vec<&Notetype> = state
            .notetypes
            .iter()
            .filter(|nt| nt.name == name)
            .collect();
        assert_eq!(
            found.len(),
            1,
            "note type `{name}` once: {:?}",
            state.notetypes
        );
        let nt = found[0];
        let written = report
            .package
            .notetypes
            .iter()
            .find(|w| w.name == name)
            .unwrap_or_else(|| panic!("note type `{name}` in the package"));
        assert_eq!(nt.id, written.id, "{name}: id kept");
        assert_eq!(
            nt.modified, written.modified,
            "{name}: modification time kept"
        );
        assert_eq!(nt.css_sha1, written.css_sha1, "{name}: CSS");
        assert_eq!(
            nt.kind,
            u8::from(kind == Kind::Cloze),
            "{name}: standard or cloze"
        );
        assert_eq!(nt.fields, kind.field_names(), "{name}: fields");
        assert_eq!(
            nt.templates.len(),
            kind.template_count(),
            "{name}: templates"
        );
        assert_eq!(nt.sortf, 0, "{name}: sorts by the first field");
    }

    // Decks: the bank's deck holds every card (checked above) and exists.
    assert!(
        state.decks.iter().any(|d| d.name == spec.deck_name),
        "deck `{}` in {:?}",
        spec.deck_name,
        state.decks
    );

    // Media: every packaged file is in the collection, byte for byte.
    for name in report.package.media_map.values() {
        let source = ws.bank_dir().join("media").join(name);
        let bytes = std::fs::read(&source).unwrap_or_else(|e| {
            panic!("media `{name}` has no source at {}: {e}", source.display())
        });
        assert_eq!(
            state.media_files.get(name),
            Some(&sha1_hex(&bytes)),
            "media `{name}` in the collection's media folder"
        );
    }
    assert_eq!(
        state.media_files.len(),
        report.package.media_map.len(),
        "{:?}",
        state.media_files
    );

    check_rendering(spec, state);
}

/// Every card renders without a template error, and each note type shows
/// what it should.
fn check_rendering(spec: &BankSpec, state: &State) {
    assert_eq!(
        state.rendered.len(),
        state.cards.len(),
        "every card rendered"
    );
    for card in &state.rendered {
        let expected = spec
            .by_guid(&card.guid)
            .unwrap_or_else(|| panic!("rendered card of an unknown note {}", card.guid));
        let what = format!("card `{}` #{}", expected.card_id, card.ord + 1);
        for side in [&card.question, &card.answer] {
            assert!(
                !side.contains(ANKI_TEMPLATE_ERROR),
                "{what}: Anki reports a template error:\n{side}"
            );
            assert!(!side.trim().is_empty(), "{what}: blank side");
        }
        match expected.kind {
            Kind::Cloze => {
                let n = card.ord + 1;
                assert!(
                    card.question.contains("class=\"cloze\" data-cloze="),
                    "{what}: the question hides a deletion:\n{}",
                    card.question
                );
                assert!(
                    card.question.contains(&format!("data-ordinal=\"{n}\">[")),
                    "{what}: deletion {n} shown as [...] or its hint:\n{}",
                    card.question
                );
                assert!(
                    card.answer
                        .contains(&format!("<span class=\"cloze\" data-ordinal=\"{n}\">")),
                    "{what}: the answer reveals deletion {n}:\n{}",
                    card.answer
                );
                assert!(!card.answer.contains(">[...]<"), "{what}: {}", card.answer);
                assert!(!card.question.contains("{{c"), "{what}: raw cloze syntax");
                assert!(!card.answer.contains("{{c"), "{what}: raw cloze syntax");
            }
            Kind::TypeIn => {
                // The desktop reviewer swaps this for its answer box
                // (`<input type=text id=typeans>`) and the comparison below.
                assert!(
                    card.question.contains("[[type:Back]]"),
                    "{what}: {}",
                    card.question
                );
                assert!(
                    card.answer.contains("[[type:Back]]"),
                    "{what}: {}",
                    card.answer
                );
                let compared = card.type_in.as_ref().expect("type-in comparison");
                assert!(
                    !compared.expected.trim().is_empty(),
                    "{what}: nothing to type"
                );
                assert!(
                    compared.comparison.contains("typeGood")
                        && !compared.comparison.contains("typeBad")
                        && !compared.comparison.contains("typeMissed"),
                    "{what}: typing the answer must compare as correct: {}",
                    compared.comparison
                );
                assert_eq!(
                    compared.expected.trim(),
                    expected.answer.trim(),
                    "{what}: the answer to type is the bank's answer"
                );
            }
            Kind::Basic | Kind::Reversed => {
                assert!(
                    !card.question.contains("<hr id=\"answer\">"),
                    "{what}: {}",
                    card.question
                );
                assert!(
                    card.answer.contains("<hr id=\"answer\">"),
                    "{what}: {}",
                    card.answer
                );
                assert!(card.type_in.is_none(), "{what}: no type-in box");
            }
        }
        assert!(card.css_chars > 0, "{what}: styled");
    }
}

/// Nothing reported: no Check Database problem, no importer output, no
/// missing or unused media.
fn assert_clean(report: &ImportReport) {
    assert!(
        report.check_database.is_empty(),
        "Check Database found problems: {:?}",
        report.check_database
    );
    assert!(
        report.import_output.is_empty(),
        "importer printed: {}",
        report.import_output
    );
    assert!(
        report.state.media_check.missing.is_empty() && report.state.media_check.unused.is_empty(),
        "media check: {:?}",
        report.state.media_check
    );
}

/// A re-import after one edit: that note updated in place, nothing else.
fn check_one_update(
    studied: &State,
    report: &ImportReport,
    n: usize,
    edited: &ExpectedNote,
    marker: &str,
    modified: i64,
) {
    let mut expected = Counts::unchanged(n - 1);
    expected.updated = 1;
    assert_eq!(report.log.counts(), expected, "{:#?}", report.log.counts());
    assert_eq!(
        report.updated_guids(),
        vec![edited.guid.clone()],
        "the edited note was updated"
    );
    assert_clean(report);

    let state = &report.state;
    let note = state.note_by_guid(&edited.guid);
    assert!(
        note.fields.iter().any(|f| f.contains(marker)),
        "the edit reached Anki: {:?}",
        note.fields
    );
    assert_eq!(note.modified, modified, "Anki keeps the package's time");
    let was = studied.note_by_guid(&edited.guid);
    assert_eq!(note.id, was.id, "same note");
    let shown = state
        .rendered
        .iter()
        .filter(|r| r.guid == edited.guid)
        .any(|r| {
            r.answer.contains(marker)
                || r.type_in
                    .as_ref()
                    .is_some_and(|t| t.expected.contains(marker))
        });
    assert!(shown, "the edited card shows the edit");

    // The other notes are untouched.
    assert_eq!(state.notes.len(), studied.notes.len());
    for other in studied.notes.iter().filter(|o| o.guid != edited.guid) {
        let now = state.note_by_guid(&other.guid);
        assert_eq!(
            (&now.fields, &now.tags, now.modified),
            (&other.fields, &other.tags, other.modified)
        );
    }
    // Reviews and intervals are unchanged, and no card was added.
    assert_eq!(state.revlog, studied.revlog, "review log");
    assert_eq!(state.schedule(), studied.schedule(), "card scheduling");
}

// ---------------------------------------------------------------------------
// The bank as the tests expect it
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Basic,
    Reversed,
    Cloze,
    TypeIn,
}

impl Kind {
    const ALL: [Kind; 4] = [Kind::Basic, Kind::Reversed, Kind::Cloze, Kind::TypeIn];

    fn parse(name: &str) -> Kind {
        match name {
            "basic" => Kind::Basic,
            "reversed" => Kind::Reversed,
            "cloze" => Kind::Cloze,
            "type-in" => Kind::TypeIn,
            other => panic!("unknown card type `{other}`"),
        }
    }

    /// The note type's name after the deck's (`<deck> · Basic`).
    fn label(self) -> &'static str {
        match self {
            Kind::Basic => "Basic",
            Kind::Reversed => "Basic (and reversed card)",
            Kind::Cloze => "Cloze",
            Kind::TypeIn => "Basic (type in the answer)",
        }
    }

    fn field_names(self) -> Vec<String> {
        let names: &[&str] = match self {
            Kind::Cloze => &["Text", "Extra", "References"],
            _ => &["Front", "Back", "Extra", "References"],
        };
        names.iter().map(|s| s.to_string()).collect()
    }

    fn field_count(self) -> usize {
        self.field_names().len()
    }

    fn template_count(self) -> usize {
        if self == Kind::Reversed { 2 } else { 1 }
    }

    /// The bank key holding what a learner is asked to recall.
    fn main_field(self) -> &'static str {
        if self == Kind::Cloze {
            "text"
        } else {
            "answer"
        }
    }
}

#[derive(Deserialize)]
struct BankYaml {
    deck: DeckYaml,
    #[serde(default)]
    defaults: DefaultsYaml,
    cards: Vec<CardYaml>,
}

#[derive(Deserialize)]
struct DeckYaml {
    id: String,
    name: String,
}

#[derive(Deserialize, Default)]
struct DefaultsYaml {
    #[serde(default)]
    tags: Vec<String>,
    #[serde(rename = "type")]
    card_type: Option<String>,
}

#[derive(Deserialize)]
struct CardYaml {
    id: String,
    #[serde(rename = "type")]
    card_type: Option<String>,
    topic: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    text: String,
    #[serde(default)]
    answer: String,
}

/// What Anki should hold for one bank card.
#[derive(Clone, Debug)]
struct ExpectedNote {
    card_id: String,
    guid: String,
    kind: Kind,
    /// Lowercase: Anki's tags are case-insensitive.
    tags: BTreeSet<String>,
    /// Card template ordinals (cloze number - 1 for cloze cards).
    ords: Vec<u32>,
    answer: String,
}

/// The bank, read independently of flashdeck's loader.
struct BankSpec {
    deck_id: String,
    deck_name: String,
    notes: Vec<ExpectedNote>,
}

impl BankSpec {
    fn read(path: &Path) -> BankSpec {
        let text = std::fs::read_to_string(path).expect("read the bank");
        let bank: BankYaml = serde_saphyr::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: not a bank the tests understand: {e}", path.display()));
        let default_type = bank.defaults.card_type.as_deref().unwrap_or("basic");
        let notes = bank
            .cards
            .iter()
            .map(|card| {
                let kind = Kind::parse(card.card_type.as_deref().unwrap_or(default_type));
                let mut tags: BTreeSet<String> = bank
                    .defaults
                    .tags
                    .iter()
                    .chain(&card.tags)
                    .map(|t| t.to_lowercase())
                    .collect();
                if let Some(topic) = &card.topic {
                    // `topic::` + the topic's words, lowercase, joined by `-`.
                    let words: Vec<String> = topic
                        .split(|c: char| !c.is_alphanumeric())
                        .filter(|w| !w.is_empty())
                        .map(str::to_lowercase)
                        .collect();
                    tags.insert(format!("topic::{}", words.join("-")));
                }
                let ords = match kind {
                    Kind::Cloze => cloze_numbers(&card.text)
                        .into_iter()
                        .map(|n| n - 1)
                        .collect(),
                    Kind::Reversed => vec![0, 1],
                    _ => vec![0],
                };
                ExpectedNote {
                    card_id: card.id.clone(),
                    guid: note_guid(&bank.deck.id, &card.id),
                    kind,
                    tags,
                    ords,
                    answer: card.answer.clone(),
                }
            })
            .collect();
        BankSpec {
            deck_id: bank.deck.id,
            deck_name: bank.deck.name,
            notes,
        }
    }

    fn notetype_name(&self, kind: Kind) -> String {
        let leaf = self
            .deck_name
            .rsplit("::")
            .next()
            .unwrap_or(&self.deck_name);
        format!("{leaf} · {}", kind.label())
    }

    fn by_guid(&self, guid: &str) -> Option<&ExpectedNote> {
        self.notes.iter().find(|n| n.guid == guid)
    }

    fn by_id(&self, card_id: &str) -> &ExpectedNote {
        self.notes
            .iter()
            .find(|n| n.card_id == card_id)
            .unwrap_or_else(|| panic!("no card `{card_id}` in the bank"))
    }

    /// Our four note types in the collection, in [`Kind::ALL`] order.
    fn our_notetypes<'a>(&self, state: &'a State) -> Vec<&'a Notetype> {
        Kind::ALL
            .iter()
            .map(|kind| {
                let name = self.notetype_name(*kind);
                state
                    .notetypes
                    .iter()
                    .find(|nt| nt.name == name)
                    .unwrap_or_else(|| panic!("note type `{name}` in the collection"))
            })
            .collect()
    }
}

/// The distinct cloze numbers of a text, ascending.
fn cloze_numbers(text: &str) -> Vec<u32> {
    let mut numbers = BTreeSet::new();
    for (start, _) in text.match_indices("{{c") {
        let rest = &text[start + 3..];
        let digits: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == ',')
            .collect();
        if rest[digits.len()..].starts_with("::") {
            numbers.extend(digits.split(',').filter_map(|d| d.parse::<u32>().ok()));
        }
    }
    numbers.into_iter().filter(|n| *n > 0).collect()
}

fn lowercase(tags: &[String]) -> BTreeSet<String> {
    tags.iter().map(|t| t.to_lowercase()).collect()
}

// ---------------------------------------------------------------------------
// A bank copy and its builds
// ---------------------------------------------------------------------------

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of one bank (with its media folder, without its lock) in a
/// temporary folder, built there.
struct Workspace {
    dir: TempDir,
    bank: PathBuf,
    spec: BankSpec,
}

impl Workspace {
    fn new(relative: &str) -> Workspace {
        let source = repo().join(relative);
        let dir = tempfile::tempdir().expect("temporary folder");
        let bank_dir = dir.path().join("bank");
        std::fs::create_dir_all(&bank_dir).expect("bank folder");
        let bank = bank_dir.join(source.file_name().expect("bank file name"));
        std::fs::copy(&source, &bank).expect("copy the bank");
        let media = source.parent().expect("bank folder").join("media");
        if media.is_dir() {
            copy_dir(&media, &bank_dir.join("media"));
        }
        Workspace::at(dir, bank)
    }

    /// A bank already written into `dir`.
    fn at(dir: TempDir, bank: PathBuf) -> Workspace {
        let spec = BankSpec::read(&bank);
        Workspace { dir, bank, spec }
    }

    fn bank_dir(&self) -> &Path {
        self.bank.parent().expect("bank folder")
    }

    fn out_dir(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    fn lock_path(&self) -> PathBuf {
        self.bank.with_extension("lock")
    }

    fn lock_text(&self) -> String {
        std::fs::read_to_string(self.lock_path()).expect("read the lock")
    }

    fn lock(&self) -> serde_json::Value {
        serde_json::from_str(&self.lock_text()).expect("the lock is JSON")
    }

    fn lock_modified(&self, card_id: &str) -> i64 {
        self.lock()["cards"][card_id]["modified"]
            .as_i64()
            .unwrap_or_else(|| panic!("card `{card_id}` in the lock"))
    }

    /// The package a build writes.
    fn package(&self) -> PathBuf {
        self.out_dir().join(format!("{}.apkg", self.spec.deck_id))
    }

    fn run_build(&self, epoch: i64, extra: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_flashdeck"))
            .arg("build")
            .arg(&self.bank)
            .arg("--out")
            .arg(self.out_dir())
            .args(["--format", "apkg", "--color", "never", "--quiet"])
            .args(extra)
            .env("SOURCE_DATE_EPOCH", epoch.to_string())
            .current_dir(self.dir.path())
            .output()
            .expect("run flashdeck")
    }

    /// Builds with `SOURCE_DATE_EPOCH=epoch` and returns the package's bytes.
    fn build(&self, epoch: i64) -> Vec<u8> {
        let out = self.run_build(epoch, &[]);
        assert!(
            out.status.success(),
            "flashdeck build failed ({}):\n{}",
            out.status,
            text(&out.stderr)
        );
        std::fs::read(self.package()).expect("the build wrote the package")
    }

    fn yaml(&self) -> String {
        std::fs::read_to_string(&self.bank).expect("read the bank")
    }

    fn write_yaml(&self, text: &str) {
        std::fs::write(&self.bank, text).expect("write the bank");
    }

    /// Lines `start..end` of the card's block in the bank.
    fn card_block(lines: &[&str], card_id: &str) -> (usize, usize) {
        let is_card_start = |line: &str| line.trim_start().starts_with("- id:");
        let start = lines
            .iter()
            .position(|l| l.trim() == format!("- id: {card_id}"))
            .unwrap_or_else(|| panic!("no `- id: {card_id}` line in the bank"));
        let end = lines[start + 1..]
            .iter()
            .position(|l| is_card_start(l))
            .map_or(lines.len(), |i| start + 1 + i);
        (start, end)
    }

    /// Appends ` marker` to the first line of the card's `field` value.
    fn edit_card(&self, card_id: &str, field: &str, marker: &str) {
        let yaml = self.yaml();
        let mut lines: Vec<String> = yaml.lines().map(str::to_string).collect();
        let borrowed: Vec<&str> = yaml.lines().collect();
        let (start, end) = Workspace::card_block(&borrowed, card_id);
        let key = format!("{field}:");
        let at = (start..end)
            .find(|&i| {
                let line = borrowed[i].trim_start().trim_start_matches("- ");
                line.starts_with(&key)
            })
            .unwrap_or_else(|| panic!("card `{card_id}` has no `{field}`"));
        let value = borrowed[at].split_once(':').map_or("", |(_, v)| v.trim());
        if value.is_empty() || value.starts_with('|') || value.starts_with('>') {
            let first = (at + 1..end)
                .find(|&i| !borrowed[i].trim().is_empty())
                .unwrap_or_else(|| panic!("card `{card_id}`: empty `{field}`"));
            lines[first].push_str(&format!(" {marker}"));
        } else if value.ends_with('"') || value.ends_with('\'') {
            let line = &mut lines[at];
            let quote = line.pop().expect("closing quote");
            line.push_str(&format!(" {marker}{quote}"));
        } else {
            lines[at].push_str(&format!(" {marker}"));
        }
        let mut text = lines.join("\n");
        text.push('\n');
        self.write_yaml(&text);
    }

    /// Deletes the card's block from the bank.
    fn remove_card(&self, card_id: &str) {
        let yaml = self.yaml();
        let lines: Vec<&str> = yaml.lines().collect();
        let (start, end) = Workspace::card_block(&lines, card_id);
        let mut kept: Vec<&str> = lines[..start].to_vec();
        kept.extend(&lines[end..]);
        let mut text = kept.join("\n");
        text.push('\n');
        self.write_yaml(&text);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("folder entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// (name, compression method) of each zip entry, from the central directory.
fn zip_entries(bytes: &[u8]) -> Vec<(String, u16)> {
    let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]);
    let u32_at =
        |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    let eocd = (0..bytes.len().saturating_sub(21))
        .rev()
        .find(|&i| bytes[i..].starts_with(&[0x50, 0x4b, 0x05, 0x06]))
        .expect("end of central directory");
    let count = usize::from(u16_at(eocd + 10));
    let mut at = u32_at(eocd + 16) as usize;
    let mut out = Vec::new();
    for _ in 0..count {
        assert!(
            bytes[at..].starts_with(&[0x50, 0x4b, 0x01, 0x02]),
            "central directory entry"
        );
        let method = u16_at(at + 10);
        let name_len = usize::from(u16_at(at + 28));
        let extra_len = usize::from(u16_at(at + 30));
        let comment_len = usize::from(u16_at(at + 32));
        let name = String::from_utf8_lossy(&bytes[at + 46..at + 46 + name_len]).into_owned();
        out.push((name, method));
        at += 46 + name_len + extra_len + comment_len;
    }
    out
}

fn sha1_hex(bytes: &[u8]) -> String {
    Sha1::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

// ---------------------------------------------------------------------------
// Anki: the Python environment and the probe
// ---------------------------------------------------------------------------

/// A fresh Anki collection in a temporary folder.
struct Anki {
    dir: TempDir,
}

impl Anki {
    fn new() -> Anki {
        Anki {
            dir: tempfile::tempdir().expect("temporary folder"),
        }
    }

    fn collection(&self) -> PathBuf {
        self.dir.path().join("collection.anki2")
    }

    fn probe(&self, args: &[&OsStr]) -> String {
        probe(args, None)
    }

    fn import(&self, package: &Path) -> ImportReport {
        let json = self.probe(&[
            OsStr::new("import"),
            package.as_os_str(),
            OsStr::new("--col"),
            self.collection().as_os_str(),
        ]);
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("probe output: {e}\n{json}"))
    }

    fn review(&self, deck: &str, count: usize) -> ReviewReport {
        let json = self.probe(&[
            OsStr::new("review"),
            OsStr::new("--col"),
            self.collection().as_os_str(),
            OsStr::new("--deck"),
            OsStr::new(deck),
            OsStr::new("--count"),
            OsStr::new(&count.to_string()),
        ]);
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("probe output: {e}\n{json}"))
    }
}

/// Runs `anki_probe.py` with `input` on stdin; panics with its output unless
/// it succeeds quietly.
fn probe(args: &[&OsStr], input: Option<&str>) -> String {
    use std::io::Write as _;
    let script = repo().join("tests/anki/anki_probe.py");
    let mut child = Command::new(anki_python())
        .arg(&script)
        .args(args)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONIOENCODING", "utf-8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the Anki probe");
    let mut stdin = child.stdin.take().expect("probe stdin");
    stdin
        .write_all(input.unwrap_or("").as_bytes())
        .expect("write to the probe");
    drop(stdin);
    let out = child.wait_with_output().expect("wait for the probe");
    assert!(
        out.status.success(),
        "anki_probe.py {:?} failed ({}):\n{}",
        args,
        out.status,
        text(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "Anki printed to stderr during {:?}:\n{}",
        args,
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// The Python of the Anki environment, created once per process (and only
/// when `requirements.txt` changed since the last time).
pub(crate) fn anki_python() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(prepare_anki_env)
}

fn prepare_anki_env() -> PathBuf {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target folder")
        .to_path_buf();
    let venv = target.join("anki-venv");
    let python = venv.join("bin").join("python");
    let requirements = repo().join("tests/anki/requirements.txt");
    let wanted = format!(
        "{}\n",
        sha1_hex(&std::fs::read(&requirements).expect("read tests/anki/requirements.txt"))
    );
    let marker = venv.join(".flashdeck-requirements-sha1");
    let ready = || {
        python.exists() && std::fs::read_to_string(&marker).ok().as_deref() == Some(wanted.as_str())
    };
    if ready() {
        return python;
    }
    // Another test process may be creating it: one at a time.
    let _lock = DirLock::acquire(&target.join("anki-venv.lock"));
    if ready() {
        return python;
    }
    let base = std::env::var("FLASHDECK_TEST_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let _ = std::fs::remove_file(&marker);
    run_setup(
        Command::new(&base)
            .args(["-m", "venv", "--clear"])
            .arg(&venv),
        &format!(
            "create a virtual environment with `{base} -m venv` (is Python 3 with venv installed?)"
        ),
    );
    run_setup(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "--no-input",
                "-r",
            ])
            .arg(&requirements),
        "install tests/anki/requirements.txt from PyPI",
    );
    run_setup(
        Command::new(&python).args(["-c", "import anki.collection"]),
        "import the installed anki package",
    );
    std::fs::write(&marker, &wanted).expect("write the environment marker");
    python
}

fn run_setup(command: &mut Command, what: &str) {
    let out = command.output().unwrap_or_else(|e| {
        panic!("The Anki import tests need Anki's Python package, but could not {what}: cannot run {command:?}: {e}")
    });
    assert!(
        out.status.success(),
        "The Anki import tests need Anki's Python package, but could not {what}.\n\
         `{command:?}` exited with {}.\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// A lock held by creating a folder (atomic), removed on drop. A lock older
/// than 20 minutes is taken to be left over from a killed run.
struct DirLock(PathBuf);

impl DirLock {
    fn acquire(path: &Path) -> DirLock {
        let started = Instant::now();
        loop {
            match std::fs::create_dir(path) {
                Ok(()) => return DirLock(path.to_path_buf()),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let age = std::fs::metadata(path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| SystemTime::now().duration_since(t).ok());
                    if age.is_some_and(|a| a > Duration::from_secs(20 * 60)) {
                        let _ = std::fs::remove_dir(path);
                        continue;
                    }
                    assert!(
                        started.elapsed() < Duration::from_secs(30 * 60),
                        "waited 30 minutes for {} (delete it if no test is running)",
                        path.display()
                    );
                    std::thread::sleep(Duration::from_millis(500));
                }
                Err(e) => panic!("cannot create {}: {e}", path.display()),
            }
        }
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.0);
    }
}

// ---------------------------------------------------------------------------
// What the probe prints
// ---------------------------------------------------------------------------

#[derive(Deserialize)]
struct ImportReport {
    options: ImportOptions,
    import_output: String,
    log: ImportLog,
    package: Package,
    state: State,
    check_database: Vec<String>,
}

impl ImportReport {
    /// GUIDs of the notes the import log says were updated.
    fn updated_guids(&self) -> Vec<String> {
        let mut guids: Vec<String> = self.log.notes["updated"]
            .iter()
            .map(|n| self.state.note_by_id(n.id).guid.clone())
            .collect();
        guids.sort();
        guids
    }
}

#[derive(Deserialize)]
struct ImportOptions {
    merge_notetypes: bool,
    update_notes: i32,
    update_notetypes: i32,
}

#[derive(Deserialize)]
struct ImportLog {
    new: usize,
    updated: usize,
    duplicate: usize,
    conflicting: usize,
    first_field_match: usize,
    missing_notetype: usize,
    missing_deck: usize,
    empty_first_field: usize,
    notes: BTreeMap<String, Vec<LoggedNote>>,
}

impl ImportLog {
    fn counts(&self) -> Counts {
        Counts {
            new: self.new,
            updated: self.updated,
            duplicate: self.duplicate,
            conflicting: self.conflicting,
            other: self.first_field_match
                + self.missing_notetype
                + self.missing_deck
                + self.empty_first_field,
        }
    }
}

/// The import log's counts; `other` adds up the kinds that should never occur.
#[derive(Debug, PartialEq, Eq)]
struct Counts {
    new: usize,
    updated: usize,
    duplicate: usize,
    conflicting: usize,
    other: usize,
}

impl Counts {
    fn all_new(n: usize) -> Counts {
        Counts {
            new: n,
            updated: 0,
            duplicate: 0,
            conflicting: 0,
            other: 0,
        }
    }

    /// `n` notes already there and unchanged ("duplicate" in Anki's log).
    fn unchanged(n: usize) -> Counts {
        Counts {
            new: 0,
            updated: 0,
            duplicate: n,
            conflicting: 0,
            other: 0,
        }
    }
}

#[derive(Deserialize)]
struct LoggedNote {
    id: i64,
}

#[derive(Deserialize)]
struct Package {
    media_map: BTreeMap<String, String>,
    notes: Vec<PackageNote>,
    notetypes: Vec<PackageNotetype>,
    card_count: usize,
}

impl Package {
    fn note_by_guid(&self, guid: &str) -> &PackageNote {
        self.notes
            .iter()
            .find(|n| n.guid == guid)
            .unwrap_or_else(|| panic!("no note {guid} in the package"))
    }
}

#[derive(Deserialize)]
struct PackageNote {
    guid: String,
    #[serde(rename = "mod")]
    modified: i64,
    sfld: String,
    csum: i64,
    fields: Vec<String>,
}

#[derive(Deserialize)]
struct PackageNotetype {
    id: i64,
    name: String,
    #[serde(rename = "mod")]
    modified: i64,
    css_sha1: String,
}

#[derive(Deserialize)]
struct StripReport {
    stripped: Vec<Stripped>,
}

#[derive(Deserialize)]
struct Stripped {
    html: String,
    stripped: String,
    csum: i64,
}

#[derive(Deserialize)]
struct ReviewReport {
    answered: Vec<Answered>,
    state: State,
}

#[derive(Deserialize, Debug)]
struct Answered {
    nid: i64,
    ivl: i64,
    #[serde(rename = "type")]
    card_type: i64,
}

/// The collection as the probe describes it.
#[derive(Deserialize)]
struct State {
    notetypes: Vec<Notetype>,
    decks: Vec<DeckRow>,
    notes: Vec<Note>,
    cards: Vec<Card>,
    revlog: Vec<serde_json::Value>,
    media_files: BTreeMap<String, String>,
    media_check: MediaCheck,
    rendered: Vec<Rendered>,
}

impl State {
    fn note_by_guid(&self, guid: &str) -> &Note {
        self.notes
            .iter()
            .find(|n| n.guid == guid)
            .unwrap_or_else(|| panic!("no note with GUID {guid} in the collection"))
    }

    fn note_by_id(&self, id: i64) -> &Note {
        self.notes
            .iter()
            .find(|n| n.id == id)
            .unwrap_or_else(|| panic!("no note {id} in the collection"))
    }

    /// A note's cards, by template ordinal.
    fn cards_of(&self, note_id: i64) -> Vec<&Card> {
        let mut cards: Vec<&Card> = self.cards.iter().filter(|c| c.nid == note_id).collect();
        cards.sort_by_key(|c| c.ord);
        cards
    }

    /// Each card with everything the scheduler keeps about it.
    fn schedule(&self) -> &[Card] {
        &self.cards
    }

    /// The rendered card `ord` of bank card `card_id`.
    fn rendered_of(&self, spec: &BankSpec, card_id: &str, ord: u32) -> &Rendered {
        let guid = &spec.by_id(card_id).guid;
        self.rendered
            .iter()
            .find(|r| &r.guid == guid && r.ord == ord)
            .unwrap_or_else(|| panic!("no rendered card {ord} of `{card_id}`"))
    }
}

#[derive(Deserialize, Debug, Clone)]
struct Notetype {
    id: i64,
    name: String,
    #[serde(rename = "mod")]
    modified: i64,
    kind: u8,
    sortf: u32,
    fields: Vec<String>,
    templates: Vec<String>,
    css_sha1: String,
}

#[derive(Deserialize, Debug)]
struct DeckRow {
    name: String,
}

#[derive(Deserialize, Debug)]
struct Note {
    id: i64,
    guid: String,
    mid: i64,
    notetype: Option<String>,
    #[serde(rename = "mod")]
    modified: i64,
    tags: Vec<String>,
    fields: Vec<String>,
    sfld: String,
    csum: i64,
    utils_sfld: String,
    utils_csum: i64,
}

/// A card and its scheduling (not its modification time).
#[derive(Deserialize, Debug, PartialEq)]
struct Card {
    id: i64,
    nid: i64,
    deck: Option<String>,
    ord: u32,
    #[serde(rename = "type")]
    card_type: i64,
    queue: i64,
    due: i64,
    ivl: i64,
    factor: i64,
    reps: i64,
    lapses: i64,
}

#[derive(Deserialize, Debug)]
struct MediaCheck {
    missing: Vec<String>,
    unused: Vec<String>,
}

#[derive(Deserialize, Debug)]
struct Rendered {
    guid: String,
    ord: u32,
    question: String,
    answer: String,
    css_chars: usize,
    type_in: Option<TypeIn>,
}

#[derive(Deserialize, Debug)]
struct TypeIn {
    expected: String,
    comparison: String,
}
