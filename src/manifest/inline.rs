//! Inline suppressions: `# tokenscope: ignore[rule, ...] reason` comments, read with the manifest
//! so that every command sees the same ones, and a malformed one is the same input error for all.

use crate::error::{InputError, did_you_mean};
use crate::finding::{Finding, RuleId};
use crate::source::{SourceFile, Span};
use crate::yaml::closest;

/// One inline suppression comment.
#[derive(Debug)]
pub struct InlineIgnore {
    pub line: usize,
    /// The comment is alone on its line, so it also covers the next line.
    pub own_line: bool,
    pub rules: Vec<RuleId>,
    pub reason: Option<String>,
    pub span: Span,
}

const MARKER: &str = "tokenscope:";

/// Finds `# tokenscope: ignore[rule, ...] reason` comments. A comment that starts with
/// `tokenscope:` but is malformed, or names an unknown rule, is an input error: a typo must never
/// silently stop suppressing (or start hiding) findings.
pub fn inline_ignores(file: &SourceFile) -> Result<Vec<InlineIgnore>, Vec<InputError>> {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let mut line_start = 0;
    for (index, line) in file.text.split('\n').enumerate() {
        // Only a line holding the marker can hold such a comment: most lines are passed over
        // without being read for quotes.
        if line.contains(MARKER)
            && let Some(hash) = comment_start(line)
        {
            let body = line[hash + 1..].trim_start();
            if let Some(rest) = body.strip_prefix(MARKER) {
                let offset = line_start + hash;
                let span = file.span(offset, line.trim_end().len() - hash);
                match parse_directive(rest.trim_start()) {
                    Ok((names, reason)) => {
                        let mut rules = Vec::new();
                        for name in names {
                            match RuleId::parse(name) {
                                Some(rule) => rules.push(rule),
                                None => errors.push(InputError::at(
                                    file,
                                    span,
                                    format!("unknown rule `{name}` in a tokenscope comment"),
                                    "not a rule id",
                                    did_you_mean(&closest(
                                        name,
                                        RuleId::ALL.iter().map(|r| r.as_str()),
                                    )),
                                )),
                            }
                        }
                        found.push(InlineIgnore {
                            line: index + 1,
                            own_line: line[..hash].trim().is_empty(),
                            rules,
                            reason,
                            span,
                        });
                    }
                    Err(why) => errors.push(InputError::at(
                        file,
                        span,
                        format!("malformed tokenscope comment: {why}"),
                        "here",
                        Some("write `# tokenscope: ignore[rule-id, ...] reason`".into()),
                    )),
                }
            }
        }
        line_start += line.len() + 1;
    }
    if errors.is_empty() {
        Ok(found)
    } else {
        Err(errors)
    }
}

/// Where a YAML comment starts: a `#` at the line start or after whitespace, outside quotes.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut prev_space = true;
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '#' && prev_space => return Some(i),
            None if (c == '"' || c == '\'') && prev_space => quote = Some(c),
            None => {}
        }
        prev_space = c.is_whitespace() || c == '-' || c == ':' || c == '[' || c == ',';
    }
    None
}

fn parse_directive(rest: &str) -> Result<(Vec<&str>, Option<String>), String> {
    let Some(inner) = rest.strip_prefix("ignore[") else {
        return Err("expected `ignore[` after `tokenscope:`".into());
    };
    let Some(close) = inner.find(']') else {
        return Err("missing `]`".into());
    };
    let names: Vec<&str> = inner[..close]
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if names.is_empty() {
        return Err("no rule ids between the brackets".into());
    }
    let reason = inner[close + 1..].trim();
    Ok((names, (!reason.is_empty()).then(|| reason.to_owned())))
}

impl InlineIgnore {
    pub fn covers(&self, finding: &Finding) -> bool {
        let on_line =
            finding.span.line == self.line || (self.own_line && finding.span.line == self.line + 1);
        on_line && self.rules.contains(&finding.rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_inline_comments() {
        let file = SourceFile::new(
            "m.yaml",
            "a: 1 # tokenscope: ignore[excess-scope, high-risk-scope] kept on purpose\n  # tokenscope: ignore[unknown-scope]\nb: '# tokenscope: not a comment'\n",
        );
        let found = inline_ignores(&file).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].rules, [RuleId::ExcessScope, RuleId::HighRiskScope]);
        assert_eq!(found[0].reason.as_deref(), Some("kept on purpose"));
        assert!(!found[0].own_line);
        assert!(found[1].own_line && found[1].reason.is_none());
    }

    #[test]
    fn malformed_or_unknown_directives_are_errors() {
        for text in [
            "a: 1 # tokenscope: ignore[excess-scop] x\n",
            "a: 1 # tokenscope: ignore excess-scope\n",
            "# tokenscope: ignore[]\n",
        ] {
            assert!(
                inline_ignores(&SourceFile::new("m.yaml", text)).is_err(),
                "{text}"
            );
        }
    }
}
