//! Google APIs: every service is served from a `googleapis.com` host
//! (`gmail.googleapis.com`, `www.googleapis.com/drive/v3`), whatever hosts a table lists.

use super::Convention;

pub static GOOGLE: Convention = Convention {
    api: "google",
    base_urls: &["https://{service}.googleapis.com"],
    words: &["googleapis"],
    markers: &["googleapis.com"],
    triggers: &[],
    prefix_anywhere: false,
    project_wide: false,
    case_insensitive: false,
    calls: &[],
    rewrite: None,
};
