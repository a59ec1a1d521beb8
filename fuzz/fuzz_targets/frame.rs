//! Code frames on arbitrary text and spans: any line length, any column, any bytes a file can
//! hold. A frame never panics, stays small, and never passes a control character through.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tokenscope::render::frame::{FrameRenderer, Label, Level, Place, Report};
use tokenscope::source::SourceFile;

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    // The first bytes choose spans; the rest is the file.
    let (head, body) = data.split_at(8);
    let text = String::from_utf8_lossy(body).into_owned();
    let file = SourceFile::new("fuzz.yaml", text.as_str());
    let len = text.len().max(1);
    let texts: Vec<String> = (0..head.len() / 2).map(|i| format!("label {i}")).collect();
    let labels: Vec<Label> = head
        .chunks(2)
        .enumerate()
        .map(|(i, pair)| {
            let offset = (usize::from(pair[0]) * len / 256).min(text.len());
            let span = file.span(offset, usize::from(pair[1]) * 64);
            Label {
                span,
                text: Some(texts[i].as_str()),
                primary: i == 0,
            }
        })
        .collect();
    let message: String = text.chars().take(64).collect();
    for color in [false, true] {
        let mut out = String::new();
        FrameRenderer::new(color).render(
            &mut out,
            &Report {
                code: Some("error[fuzz]"),
                level: Level::Error,
                message: &message,
                place: Place::Frame {
                    file: &file,
                    labels: labels.clone(),
                },
                help: Some("help"),
            },
        );
        assert!(out.len() < 64 * 1024, "{} bytes", out.len());
        if !color {
            assert!(!out.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "{out:?}");
        }
    }
});
