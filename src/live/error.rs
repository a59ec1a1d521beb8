//! What can stop a live command, each with its exit status and help.
//!
//! No variant holds the token: errors are built from names (of the variable, the flag, the
//! URL), never from the secret's value.

use miette::Diagnostic;
use thiserror::Error;

use crate::exit::Exit;

#[derive(Debug, Error, Diagnostic)]
pub enum LiveError {
    #[error("this tokenscope was built without the live commands, so `{command}` is not available")]
    #[diagnostic(
        code(live::not_built),
        help("use a release binary, or build with the default features (the `live` feature)")
    )]
    NotBuilt { command: &'static str },

    /// `var` is the variable's name in backticks, or a description when the name does not
    /// look like one (a token passed to `--token-env` by mistake is not echoed).
    #[error("the environment variable {var} is not set or is empty")]
    #[diagnostic(
        code(live::token_missing),
        help(
            "set it to the API token (in CI, from a secret), name another variable with \
             `--token-env VAR` (its name, not the token), or pipe the token in with \
             `--token-stdin`; tokens are never accepted as arguments"
        )
    )]
    TokenMissing { var: String },

    #[error("standard input held no token")]
    #[diagnostic(
        code(live::token_missing),
        help("`--token-stdin` reads the token from the first line of standard input")
    )]
    TokenStdinEmpty,

    #[error("cannot read the token from {from}: {why}")]
    #[diagnostic(code(live::token_unreadable))]
    TokenUnreadable { from: String, why: String },

    #[error("the token from {from} cannot be sent: it holds whitespace or non-ASCII characters")]
    #[diagnostic(
        code(live::token_unusable),
        help(
            "an API token is one line of printable ASCII; check that the secret holds only the \
             token (tokenscope strips a leading `Bearer ` and surrounding blanks)"
        )
    )]
    TokenUnusable { from: String },

    /// `host` passed the host-name check, so it is not a secret pasted into the flag.
    #[error("refusing plain http:// to `{host}`: {why}")]
    #[diagnostic(
        code(live::insecure_url),
        help(
            "use https://; plain http:// is allowed only to loopback (127.0.0.0/8, ::1, or a \
             name such as localhost that resolves to loopback addresses only), for local \
             stand-ins"
        )
    )]
    InsecureUrl { host: String, why: String },

    /// `shown` is the URL's origin in backticks, or a description when the value may be a
    /// secret (it is never the value as typed).
    #[error("{shown} is not a usable {what}: {why}")]
    #[diagnostic(code(live::bad_url))]
    BadUrl {
        shown: String,
        what: &'static str,
        why: String,
        #[help]
        help: Option<String>,
    },

    /// The value is described, never repeated: a token pasted here must not reach a CI log.
    #[error("the value of `--project` is not a valid project id: {why}")]
    #[diagnostic(
        code(live::bad_project),
        help(
            "the project id is the sub-domain of your Texter address (https://acme.texterchat.com \
             → `acme`): letters, digits and inner `-`, at most 63 characters"
        )
    )]
    BadProject { why: String },

    /// The value given to `--token` is not echoed: a secret pasted there by mistake must not
    /// end up in a CI log.
    #[error("{path} declares no token of the name given to `--token`")]
    #[diagnostic(code(live::unknown_token))]
    UnknownToken {
        path: String,
        #[help]
        help: Option<String>,
    },

    #[error("{path} declares {count} tokens: say which one the live token is")]
    #[diagnostic(code(live::which_token))]
    WhichToken {
        path: String,
        count: usize,
        #[help]
        help: Option<String>,
    },

    #[error("the scope table has no GET endpoint that any valid token may call")]
    #[diagnostic(
        code(live::no_preflight),
        help(
            "verify first checks the token with such an endpoint (`GET /labels` in the Texter \
             table); use a table that lists one"
        )
    )]
    NoPreflight,

    #[error("`--write` needs the table file: pass `--table FILE`")]
    #[diagnostic(
        code(live::write_needs_table),
        help(
            "the built-in table is compiled into tokenscope; `tokenscope table > scope-table.yaml` \
             writes it out, then run `tokenscope table drift --table scope-table.yaml --write`"
        )
    )]
    WriteNeedsTable,

    #[error("cannot update the table file: {why}; nothing was written")]
    #[diagnostic(
        code(live::table_rewrite),
        help("apply the changes listed above by hand, then run `tokenscope table check FILE`")
    )]
    TableRewrite { why: String },

    #[error("cannot write {path}: {cause}")]
    #[diagnostic(code(live::write_io), help("the original file is unchanged"))]
    WriteIo { path: String, cause: std::io::Error },

    #[error("cannot start the HTTP machinery: {why}")]
    #[diagnostic(code(live::setup))]
    Setup { why: String },

    #[error("cannot reach {url}: {why}")]
    #[diagnostic(
        code(live::unreachable),
        help(
            "check the address (`--project` / `--base-url`) and the network; slow links may need \
             a longer `--timeout` or `--deadline`"
        )
    )]
    Unreachable { url: String, why: String },

    #[error("the API refused the token: {probe} answered HTTP {status}")]
    #[diagnostic(
        code(live::token_refused),
        help(
            "any valid token may call {probe}, so the token is wrong, expired or revoked (or \
             belongs to another project); create one in Texter under the gear icon → Developers \
             → API Tokens"
        )
    )]
    TokenRefused { probe: String, status: u16 },

    #[error("{probe} answered HTTP {status}, not what a Texter API v2 server answers")]
    #[diagnostic(
        code(live::unexpected),
        help(
            "check `--project` / `--base-url`: the base URL ends in `/server/api/v2`, e.g. \
             https://acme.texterchat.com/server/api/v2"
        )
    )]
    UnexpectedAnswer { probe: String, status: u16 },

    #[error("cannot read the docs at {url}: {why}")]
    #[diagnostic(
        code(live::docs_unreachable),
        help("check `--docs-url` and the network; the docs index is `<docs-url>/llms.txt`")
    )]
    DocsUnreachable { url: String, why: String },

    #[error("{url} lists no API reference pages")]
    #[diagnostic(
        code(live::docs_empty),
        help(
            "llms.txt is a Markdown list of `[Title](https://…/api-reference/….md)` links; is \
             `--docs-url` the docs site's address?"
        )
    )]
    DocsEmpty { url: String },

    #[error(
        "the docs list too few pages to trust: writing would remove {removed} of the table's \
         {total} endpoints at once, and at most {limit} may go in one run; nothing was written"
    )]
    #[diagnostic(
        code(live::docs_shrank),
        help(
            "an index that lost many pages at once is more likely a broken or partial docs site \
             than an API that dropped those endpoints; check `<docs-url>/llms.txt` and run again \
             later, and remove endpoints that are really gone by hand"
        )
    )]
    DocsShrank {
        removed: usize,
        total: usize,
        limit: usize,
    },

    #[error("{count} of {total} docs pages could not be read; the comparison would be incomplete")]
    #[diagnostic(
        code(live::docs_incomplete),
        help("the pages are listed above; run again later, or raise `--timeout` / `--deadline`")
    )]
    DocsIncomplete { count: usize, total: usize },
}

impl LiveError {
    /// The exit status this error ends a run with.
    pub fn exit(&self) -> Exit {
        match self {
            LiveError::Setup { .. }
            | LiveError::Unreachable { .. }
            | LiveError::TokenRefused { .. }
            | LiveError::UnexpectedAnswer { .. }
            | LiveError::DocsUnreachable { .. }
            | LiveError::DocsEmpty { .. }
            | LiveError::DocsIncomplete { .. }
            | LiveError::DocsShrank { .. } => Exit::Unreachable,
            _ => Exit::InvalidInput,
        }
    }
}
