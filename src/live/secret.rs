//! The API token: read from the environment or standard input, never from argv, and never
//! printable by accident.

use std::fmt;
use std::io::{BufRead, BufReader, Read};

use super::error::LiveError;

/// A secret string. `Debug` and `Display` print `[redacted]`; only [`Secret::expose`] gives the
/// value, and the one caller is the code that sets the `Authorization` header.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a token, after stripping surrounding blanks and a leading `Bearer `; refuses what
    /// cannot be sent in a header. `from` says where the token came from, for errors.
    pub fn new(raw: &str, from: &str) -> Result<Secret, LiveError> {
        let mut token = raw.trim();
        if let Some(rest) = token
            .get(..7)
            .filter(|p| p.eq_ignore_ascii_case("bearer "))
            .and_then(|_| token.get(7..))
        {
            token = rest.trim_start();
        }
        if token.is_empty() {
            return Err(LiveError::TokenUnusable {
                from: from.to_owned(),
            });
        }
        if !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(LiveError::TokenUnusable {
                from: from.to_owned(),
            });
        }
        Ok(Secret(token.to_owned()))
    }

    /// The token from the environment variable `var`.
    pub fn from_env(var: &str) -> Result<Secret, LiveError> {
        // Conventional names (`TEXTER_TOKEN`) are shown; anything else may be a token given to
        // `--token-env` by mistake, and is not.
        let conventional = !var.is_empty()
            && var.len() <= 64
            && var
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
        let from = if conventional {
            format!("`{var}`")
        } else {
            "named by `--token-env`".to_owned()
        };
        let missing = || LiveError::TokenMissing { var: from.clone() };
        if var.is_empty() || var.contains(['=', '\0']) {
            return Err(missing());
        }
        match std::env::var_os(var) {
            None => Err(missing()),
            Some(value) => match value.into_string() {
                Ok(s) if s.trim().is_empty() => Err(missing()),
                Ok(s) => Secret::new(&s, &format!("the variable {from}")),
                Err(_) => Err(LiveError::TokenUnusable {
                    from: format!("the variable {from}"),
                }),
            },
        }
    }

    /// The token from the first non-blank line of `input` (standard input), read with a size
    /// cap; reading stops at that line, so a terminal need not send end-of-file.
    pub fn from_reader(input: impl Read) -> Result<Secret, LiveError> {
        const MAX: u64 = 64 * 1024;
        let from = "standard input";
        let mut reader = BufReader::new(input.take(MAX));
        let mut line = String::new();
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) => return Err(LiveError::TokenStdinEmpty),
                Ok(_) if line.trim().is_empty() => {}
                Ok(_) => return Secret::new(&line, from),
                Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                    return Err(LiveError::TokenUnusable {
                        from: from.to_owned(),
                    });
                }
                Err(e) => {
                    return Err(LiveError::TokenUnreadable {
                        from: from.to_owned(),
                        why: e.kind().to_string(),
                    });
                }
            }
        }
    }

    /// The value, for the `Authorization` header and nothing else.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = Secret::new("tok_supersecret", "test").expect("valid");
        assert_eq!(format!("{s}"), "[redacted]");
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(&s)), "Some([redacted])");
        assert_eq!(s.expose(), "tok_supersecret");
    }

    #[test]
    fn blanks_and_a_bearer_prefix_are_stripped() {
        assert_eq!(
            Secret::new("  Bearer abc.def \n", "t")
                .expect("valid")
                .expose(),
            "abc.def"
        );
        assert_eq!(Secret::new("abc\n", "t").expect("valid").expose(), "abc");
    }

    #[test]
    fn unusable_tokens_are_refused_without_echoing_them() {
        for bad in ["a b", "tøken", "abcdefé", "line\nbreak", ""] {
            let err = Secret::new(bad, "`X`").expect_err(bad);
            let text = format!("{err} {err:?}");
            assert!(
                bad.trim().is_empty() || !text.contains(bad.trim()),
                "{text}"
            );
        }
    }

    #[test]
    fn stdin_takes_the_first_non_blank_line() {
        let s = Secret::from_reader("\n  tok123  \nignored\n".as_bytes()).expect("valid");
        assert_eq!(s.expose(), "tok123");
        assert!(matches!(
            Secret::from_reader("\n\n".as_bytes()),
            Err(LiveError::TokenStdinEmpty)
        ));
    }
}
