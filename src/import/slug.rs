//! Table ids made from a source's names: the lowercase slugs the table loader accepts
//! (letters, digits, `-`, `_`).

/// `calendarList` → `calendar-list`, `gmail.settings.basic` → `gmail-settings-basic`,
/// `Usage Metering` → `usage-metering`: ASCII letters and digits are kept (lower case), an
/// upper-case letter after a lower-case one starts a word, anything else separates words.
/// Empty when the name has no ASCII letter or digit.
pub(crate) fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && previous_lower && !out.ends_with('-') {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
            previous_lower = false;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// `Mail.ReadWrite` → `mail-readwrite`: each ASCII letter or digit in lower case, anything else
/// a `-`, one character for one (`kebab` instead folds separators and splits camel case).
pub(crate) fn dashed(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// `base`, or `base-2`, `base-3`, … : the first that `taken` does not hold.
pub(crate) fn unique(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    (2usize..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !taken(candidate))
        .unwrap_or_else(|| base.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_kebab_slugs() {
        for (name, slug) in [
            ("calendarList", "calendar-list"),
            ("gmail.settings.basic", "gmail-settings-basic"),
            ("Usage Metering", "usage-metering"),
            ("forwardingAddresses", "forwarding-addresses"),
            ("SLO corrections", "slo-corrections"),
            ("v3", "v3"),
            ("--a__b--", "a-b"),
            ("é", ""),
        ] {
            assert_eq!(kebab(name), slug, "{name}");
        }
    }

    #[test]
    fn dashed_keeps_one_character_for_each() {
        assert_eq!(dashed("Mail.ReadWrite"), "mail-readwrite");
        assert_eq!(dashed("a__b"), "a--b");
        assert_eq!(dashed("é"), "-");
    }

    #[test]
    fn unique_counts_up_from_two() {
        let taken = ["a", "a-2"];
        assert_eq!(unique("a", |s| taken.contains(&s)), "a-3");
        assert_eq!(unique("b", |s| taken.contains(&s)), "b");
    }
}
