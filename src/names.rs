//! Comparing names as people type them. Standalone (std only): the build script compiles the
//! built-in tables with this same function, so their name indexes match run-time lookups.

/// Case- and whitespace-insensitive form used to compare names.
pub fn normalize(s: &str) -> String {
    // Most names are already normal (ids, `METHOD /path`, lowercase names): one pass, one copy.
    let b = s.as_bytes();
    let normal = b.first() != Some(&b' ')
        && b.last() != Some(&b' ')
        && b.windows(2).all(|w| w != b"  ")
        && b.iter().all(|&c| {
            c.is_ascii() && !c.is_ascii_uppercase() && (c == b' ' || !c.is_ascii_whitespace())
        });
    if normal {
        return s.to_owned();
    }
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}
