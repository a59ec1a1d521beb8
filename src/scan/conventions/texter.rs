//! Texter: `*.texterchat.com` and the `/server/api/v2` prefix come from the table's base URL;
//! the convention adds `texter`-named identifiers as markers, the prefix on any host (a proxy
//! keeps it), and relative paths counted across the project (a client module builds them on a
//! base named elsewhere).

use super::Convention;

pub static TEXTER: Convention = Convention {
    api: "texter",
    base_urls: &[],
    words: &["texter"],
    markers: &[],
    triggers: &[],
    prefix_anywhere: true,
    project_wide: true,
    case_insensitive: false,
    calls: &[],
    libraries: &[],
    rewrite: None,
};
