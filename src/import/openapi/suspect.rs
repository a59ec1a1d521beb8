//! Requirements that probably list alternatives by mistake.
//!
//! In OpenAPI, the scopes inside one Security Requirement Object are all needed; alternatives are
//! separate objects. Some specifications list the scopes of which any one suffices in one object
//! (Discord's lists every scope a bot or an app may hold). The importer follows the
//! specification, and reports a list whose shape makes that reading unlikely, with why, so a
//! person can decide (`--scopes-are-alternatives`). The signals it can see:
//!
//! - **read and write of one thing**: the list holds two scopes that differ only by an access
//!   word (`dashboards_read` and `dashboards_write`, `read:org` and `write:org`): needing both
//!   is rare, holding either is the usual meaning;
//! - **the same list to read and to change**: the identical list guards a safe operation (GET,
//!   HEAD) and one that changes data (POST, PUT, PATCH, DELETE): an API rarely needs exactly the
//!   same several scopes to read a thing and to delete it;
//! - **every scope**: the list holds every scope the scheme declares (three or more).
//!
//! None of these proves a mistake, so the importer never changes its reading on its own.

use std::collections::BTreeMap;

/// Words that name an access level rather than the thing accessed.
const ACCESS_WORDS: &[&str] = &[
    "read",
    "readonly",
    "write",
    "readwrite",
    "view",
    "edit",
    "manage",
    "modify",
    "create",
    "update",
    "delete",
    "admin",
    "full",
    "all",
];

/// A scope without its access words: what it grants access to.
fn subject(scope: &str) -> String {
    scope
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && !ACCESS_WORDS.contains(&w.to_ascii_lowercase().as_str()))
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// One use of a multi-scope list: the operation's method and `METHOD path`.
pub(super) struct Use {
    pub method: &'static str,
    pub operation: String,
}

/// Every multi-scope list the chosen scheme's requirements hold, and where.
#[derive(Default)]
pub(super) struct Lists {
    uses: BTreeMap<Vec<String>, Vec<Use>>,
}

impl Lists {
    /// Records `scopes` (two or more, needed together) on an operation.
    pub fn add(&mut self, scopes: &[String], method: &'static str, operation: String) {
        if scopes.len() < 2 {
            return;
        }
        let mut key = scopes.to_vec();
        key.sort();
        self.uses
            .entry(key)
            .or_default()
            .push(Use { method, operation });
    }

    /// A note per suspect list, naming its signals; `declared` is every scope the scheme
    /// declares.
    pub fn notes(&self, scheme: &str, declared: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        for (scopes, uses) in &self.uses {
            let mut signals = Vec::new();
            let mut by_subject: BTreeMap<String, Vec<&str>> = BTreeMap::new();
            for s in scopes {
                by_subject.entry(subject(s)).or_default().push(s);
            }
            if let Some(pair) = by_subject
                .iter()
                .find(|(subject, same)| !subject.is_empty() && same.len() > 1)
                .map(|(_, same)| same)
            {
                signals.push(format!(
                    "it holds {} of one thing",
                    pair.iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                ));
            }
            let safe = uses.iter().find(|u| matches!(u.method, "GET" | "HEAD"));
            let changes = uses
                .iter()
                .find(|u| !matches!(u.method, "GET" | "HEAD" | "OPTIONS"));
            if let (Some(safe), Some(changes)) = (safe, changes) {
                signals.push(format!(
                    "the same list guards reading (`{}`) and changing (`{}`)",
                    safe.operation, changes.operation
                ));
            }
            if declared.len() >= 3 && declared.iter().all(|d| scopes.contains(d)) {
                signals.push(format!(
                    "it lists all {} scopes `{scheme}` declares",
                    declared.len()
                ));
            }
            if signals.is_empty() {
                continue;
            }
            let example = uses.first().map_or("", |u| u.operation.as_str());
            out.push(format!(
                "{} operation(s) (e.g. `{example}`) list {} in one `{scheme}` requirement, so the specification says all are needed; but {}. If the API accepts any one of them, import with --scopes-are-alternatives",
                uses.len(),
                scopes
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                signals.join("; ")
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(scopes: &[&str]) -> Vec<String> {
        scopes.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn subjects_drop_access_words() {
        assert_eq!(subject("dashboards_read"), "dashboards");
        assert_eq!(subject("write:org"), "org");
        assert_eq!(subject("guilds.members.read"), "guilds members");
    }

    #[test]
    fn each_signal_is_reported_and_a_plain_list_is_not() {
        let declared = list(&["a_read", "a_write", "b", "c"]);
        let mut lists = Lists::default();
        lists.add(&list(&["a_read", "a_write"]), "POST", "POST /a".into());
        lists.add(&list(&["b", "c"]), "GET", "GET /b".into());
        lists.add(&list(&["c", "b"]), "DELETE", "DELETE /b".into());
        lists.add(&list(&["a_read", "b"]), "POST", "POST /x".into());
        lists.add(
            &list(&["a_read", "a_write", "b", "c"]),
            "PUT",
            "PUT /y".into(),
        );
        lists.add(&list(&["only"]), "GET", "GET /z".into());
        let notes = lists.notes("oauth", &declared);
        assert_eq!(notes.len(), 3, "{notes:#?}");
        assert!(
            notes[0].contains("`a_read` and `a_write` of one thing"),
            "{}",
            notes[0]
        );
        assert!(
            notes[1].contains("all 4 scopes `oauth` declares"),
            "{}",
            notes[1]
        );
        assert!(
            notes[2].contains("guards reading (`GET /b`) and changing (`DELETE /b`)"),
            "{}",
            notes[2]
        );
        assert!(notes[2].starts_with("2 operation(s)"), "{}", notes[2]);
    }
}
