//! Lint levels: the bank's `lints:` table, checked, and the levels that apply
//! to a bank's diagnostics (the command line's over the bank's).

use std::collections::BTreeMap;

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::model::{LintLevel, LintSetting, LoadedBank};

/// Reports `lints:` entries whose level is not `allow`, `warn` or `deny`, or
/// that would lower an error (errors mean the outputs would be wrong).
pub(super) fn check(loaded: &LoadedBank, report: &mut dyn FnMut(Diagnostic)) {
    let source = &loaded.source;
    for setting in &loaded.bank.lints {
        let Some(code) = Code::parse(&setting.code.value) else {
            continue; // reported by the loader as an unknown key
        };
        match LintLevel::parse(setting.level.value.trim()) {
            None => report(
                Diagnostic::new(
                    Code::InvalidLint,
                    source,
                    setting.level.span,
                    format!("`{}` is not a lint level", setting.level.value),
                )
                .label("not allow, warn or deny")
                .hint(format!("write `{code}: allow`, `{code}: warn` or `{code}: deny`")),
            ),
            Some(LintLevel::Allow | LintLevel::Warn) if !code.is_lowerable() => {
                report(
                    Diagnostic::new(
                        Code::InvalidLint,
                        source,
                        setting.level.span,
                        format!("`{code}` is an error and cannot be lowered"),
                    )
                    .label("errors stay errors")
                    .hint("fix what the error reports; only warnings and the authoring-style errors (`cloze-braces`, `cloze-unclosed`, `cloze-number`, `cloze-empty`, `control-character`) can be allowed, and any code can be denied"),
                )
            }
            Some(_) => {}
        }
    }
}

/// The level each code gets for a bank: the bank's `lints:` table, then the
/// command line's `--allow`, `--warn` and `--deny`, which win.
pub fn levels(
    bank: &[LintSetting],
    command_line: &BTreeMap<Code, LintLevel>,
) -> BTreeMap<Code, LintLevel> {
    let mut levels: BTreeMap<Code, LintLevel> = bank
        .iter()
        .filter_map(|s| {
            Some((
                Code::parse(&s.code.value)?,
                LintLevel::parse(s.level.value.trim())?,
            ))
        })
        .collect();
    levels.extend(command_line.iter().map(|(c, l)| (*c, *l)));
    levels
}

/// Applies `levels` to `diagnostics`.
pub fn apply(diagnostics: &mut Diagnostics, levels: &BTreeMap<Code, LintLevel>) {
    if !levels.is_empty() {
        diagnostics.apply_levels(|code| levels.get(&code).copied());
    }
}
