//! The quiz sheet `<deck>.quiz.md`: the numbered questions with room to
//! answer, then an answer key with the same numbers, on a new page in print.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::handout::{markdown_media_files, markdown_media_path, sections};
use super::study_sheet::{header, question_heading};
use super::{OutputFile, WriteError, Writer};
use crate::transform::Deck;
use crate::transform::markup::{dollar_math, escape_markdown_text, neutralize_markdown};

/// Writes the Markdown quiz sheet with its answer key.
pub struct QuizSheetWriter;

/// Raw HTML that pandoc and browsers turn into a page break; GitHub ignores it.
const PAGE_BREAK: &str = "<div style=\"break-before:page;page-break-before:always\"></div>";

impl Writer for QuizSheetWriter {
    fn write(&self, deck: &Deck) -> Result<Vec<OutputFile>, WriteError> {
        let mut md = String::new();
        header(&mut md, deck, "Quiz");
        let sections = sections(deck, &|name| Some(markdown_media_path(deck, name)));
        md.push_str("Write your answer under each question, then check it against the answer key at the end.\n");
        for s in &sections {
            let _ = write!(md, "\n## {}\n", escape_markdown_text(&s.topic));
            for item in &s.items {
                question_heading(&mut md, item.number, &dollar_math(&item.question));
                md.push_str("\nAnswer:\n\n\\\n\\\n\\\n");
            }
        }
        let _ = write!(md, "\n{PAGE_BREAK}\n\n## Answer key\n");
        for s in &sections {
            for item in &s.items {
                let _ = write!(
                    md,
                    "\n### {}.\n\n{}\n",
                    item.number,
                    dollar_math(&item.answer).trim()
                );
            }
        }
        let mut files = vec![OutputFile {
            path: PathBuf::from(format!("{}.quiz.md", deck.id)),
            bytes: neutralize_markdown(&md).into_bytes(),
        }];
        files.extend(markdown_media_files(deck));
        Ok(files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::showcase_deck;

    #[test]
    fn quiz_sheet_snapshot() {
        let files = QuizSheetWriter.write(&showcase_deck()).unwrap();
        insta::assert_snapshot!(String::from_utf8(files[0].bytes.clone()).unwrap());
    }
}
