//! The hybrid allocator as this test binary's global allocator: blocks made by either allocator
//! cross threads, grow and are freed while the start heap fills and another thread makes the
//! switch, and each goes back to the allocator that made it (a block freed by the wrong one
//! would crash or corrupt).

use std::sync::mpsc;
use std::thread;

use tokenscope::allocator::Hybrid;

/// A start heap small enough to fill before the switch.
const HEAP_BYTES: usize = 1 << 20;
static mut HEAP: [u8; HEAP_BYTES] = [0; HEAP_BYTES];

#[global_allocator]
// SAFETY: the heap is this allocator's alone, and static.
static ALLOCATOR: Hybrid = unsafe { Hybrid::with_heap((&raw mut HEAP).cast(), HEAP_BYTES, 20_000) };

#[test]
fn blocks_cross_threads_and_the_switch() {
    let (send, receive) = mpsc::channel::<Vec<String>>();
    let producers: Vec<_> = (0..4)
        .map(|t| {
            let send = send.clone();
            thread::spawn(move || {
                for batch in 0..200 {
                    let lines: Vec<String> = (0..50)
                        .map(|i| format!("{t}:{batch}:{i}:{}", "x".repeat(i % 90)))
                        .collect();
                    if send.send(lines).is_err() {
                        return;
                    }
                }
            })
        })
        .collect();
    drop(send);
    let mut kept: Vec<String> = Vec::new();
    for mut lines in receive {
        // Grow some blocks made on another thread (maybe by the other allocator), keep some
        // for later, free the rest here.
        for line in lines.iter_mut().step_by(3) {
            line.push_str(&"y".repeat(200));
        }
        kept.extend(lines.drain(..5));
    }
    for producer in producers {
        producer
            .join()
            .unwrap_or_else(|_| panic!("a producer panicked"));
    }
    assert!(ALLOCATOR.switched(), "40,000 strings are past the switch");
    assert_eq!(kept.len(), 4 * 200 * 5);
    for line in &kept {
        let fields: Vec<&str> = line.splitn(4, ':').collect();
        assert_eq!(fields.len(), 4, "{line}");
        let i: usize = fields[2].parse().unwrap_or_else(|e| panic!("{e}: {line}"));
        let tail = fields[3];
        let xs = i % 90;
        assert_eq!(&tail[..xs], "x".repeat(xs), "{line}");
        assert!(tail[xs..].chars().all(|c| c == 'y'), "{line}");
    }
    kept.clear();
    kept.shrink_to_fit();
}
