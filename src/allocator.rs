//! The global allocator: the system allocator for a run's first allocations, mimalloc once a
//! run proves big.
//!
//! Why two: a short run (`--version`, one manifest) touches a handful of heap pages with the
//! system allocator, where mimalloc gives every size class a page of its own: auditing one
//! manifest took about 70 page faults more, and a fifth longer. A bulk run (thousands of
//! manifests, a source tree) is about 20% faster with mimalloc's per-thread heaps. So a run
//! starts with the system allocator and switches for good after [`SWITCH_AFTER`] allocations.
//!
//! Every block is freed or resized by the allocator that made it, whenever the switch happened.
//! The system allocator's blocks all lie in one address span, kept up to date as it makes them;
//! a block outside it is mimalloc's, and one inside is looked up in mimalloc's segment map
//! (`mi_is_in_heap_region`: mimalloc knows the ranges it manages, and nothing else lies in
//! them). With the usual layout (the system heap after the program, mimalloc's arena far below)
//! a batch's frees never need the lookup.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use mimalloc::MiMalloc;

/// Allocations made with the system allocator before switching. Auditing one manifest makes
/// 1,000 to 2,000 (its table, parse, findings and output); a run past 10,000 is a batch, with
/// enough work ahead for mimalloc to pay for itself.
pub const SWITCH_AFTER: usize = 10_000;

/// The process's allocator: install it with `#[global_allocator]`.
pub struct Hybrid {
    allocations: AtomicUsize,
    /// Set once, never cleared: new blocks come from mimalloc.
    switched: AtomicBool,
    switch_after: usize,
    /// The span `[system_low, system_high)` holds every block the system allocator made.
    system_low: AtomicUsize,
    system_high: AtomicUsize,
}

impl Hybrid {
    pub const fn new() -> Self {
        Self::switching_after(SWITCH_AFTER)
    }

    /// An allocator that switches after `allocations` (for tests).
    pub const fn switching_after(allocations: usize) -> Self {
        Hybrid {
            allocations: AtomicUsize::new(0),
            switched: AtomicBool::new(false),
            switch_after: allocations,
            system_low: AtomicUsize::new(usize::MAX),
            system_high: AtomicUsize::new(0),
        }
    }

    /// Records a block the system allocator made (before the pointer leaves this thread, so
    /// any thread that frees it sees the span that holds it).
    #[inline]
    fn system_block(&self, ptr: *mut u8, size: usize) -> *mut u8 {
        if !ptr.is_null() {
            // The span only grows, so a bound already past the block stays past it: the
            // read-modify-writes (a locked instruction each) run only when the span grows.
            let (low, high) = (ptr as usize, (ptr as usize).saturating_add(size.max(1)));
            if low < self.system_low.load(Ordering::Relaxed) {
                self.system_low.fetch_min(low, Ordering::Relaxed);
            }
            if high > self.system_high.load(Ordering::Relaxed) {
                self.system_high.fetch_max(high, Ordering::Relaxed);
            }
        }
        ptr
    }

    /// Whether new blocks come from mimalloc.
    pub fn switched(&self) -> bool {
        self.switched.load(Ordering::Relaxed)
    }

    /// Whether the next block should come from mimalloc, counting it otherwise.
    #[inline]
    fn use_mimalloc(&self) -> bool {
        if self.switched.load(Ordering::Relaxed) {
            return true;
        }
        if self.allocations.fetch_add(1, Ordering::Relaxed) >= self.switch_after {
            self.switched.store(true, Ordering::Relaxed);
            return true;
        }
        false
    }

    /// Whether mimalloc made the block at `ptr`. Before the switch no block is mimalloc's: a
    /// thread that got a block from mimalloc after the switch can only have handed it over
    /// through synchronisation that also shows the switch.
    #[inline]
    fn is_mimallocs(&self, ptr: *mut u8) -> bool {
        if !self.switched.load(Ordering::Relaxed) {
            return false;
        }
        let at = ptr as usize;
        if at < self.system_low.load(Ordering::Relaxed)
            || at >= self.system_high.load(Ordering::Relaxed)
        {
            return true;
        }
        // SAFETY: a lookup of the address in mimalloc's segment map; it reads no memory at
        // `ptr` and works before mimalloc has made any block.
        unsafe { libmimalloc_sys::mi_is_in_heap_region(ptr.cast_const().cast()) }
    }
}

impl Default for Hybrid {
    fn default() -> Self {
        Self::new()
    }
}

// SAFETY: every method forwards to the allocator that owns the block: new blocks to the one
// `use_mimalloc` picks, existing ones to the one whose region holds them (`is_mimallocs`).
// Both allocators uphold `GlobalAlloc`'s contract themselves.
unsafe impl GlobalAlloc for Hybrid {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees about `layout`.
        unsafe {
            if self.use_mimalloc() {
                MiMalloc.alloc(layout)
            } else {
                self.system_block(System.alloc(layout), layout.size())
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `alloc`.
        unsafe {
            if self.use_mimalloc() {
                MiMalloc.alloc_zeroed(layout)
            } else {
                self.system_block(System.alloc_zeroed(layout), layout.size())
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by this allocator, so by the one `is_mimallocs` names.
        unsafe {
            if self.is_mimallocs(ptr) {
                MiMalloc.dealloc(ptr, layout);
            } else {
                System.dealloc(ptr, layout);
            }
        }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as `dealloc`; a block is resized by the allocator that made it.
        unsafe {
            if self.is_mimallocs(ptr) {
                MiMalloc.realloc(ptr, layout, new_size)
            } else {
                self.system_block(System.realloc(ptr, layout, new_size), new_size)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks of both allocators, freed, grown and shrunk in any order after the switch, keep
    /// their contents; the switch happens at the count given.
    #[test]
    fn blocks_go_back_to_their_allocator() {
        let hybrid = Hybrid::switching_after(64);
        let mut blocks: Vec<(*mut u8, Layout, u8)> = Vec::new();
        for i in 0..256usize {
            let align = 1 << (i % 7);
            let size = 1 + (i * 37) % 5000;
            let layout = Layout::from_size_align(size, align).unwrap_or_else(|e| panic!("{e}"));
            let ptr = unsafe {
                if i % 3 == 0 {
                    hybrid.alloc_zeroed(layout)
                } else {
                    hybrid.alloc(layout)
                }
            };
            assert!(!ptr.is_null());
            assert_eq!(ptr as usize % align, 0);
            assert_eq!(hybrid.switched(), i >= 64, "allocation {i}");
            let fill = (i % 251) as u8;
            unsafe { ptr.write_bytes(fill, size) };
            blocks.push((ptr, layout, fill));
        }
        // Grow every other block (system blocks after the switch too), then free in reverse.
        for (i, (ptr, layout, fill)) in blocks.iter_mut().enumerate() {
            if i % 2 == 0 {
                let new_size = layout.size() * 3 + 17;
                let grown = unsafe { hybrid.realloc(*ptr, *layout, new_size) };
                assert!(!grown.is_null());
                let kept = unsafe { std::slice::from_raw_parts(grown, layout.size()) };
                assert!(kept.iter().all(|b| b == fill), "block {i} kept its bytes");
                *ptr = grown;
                *layout = Layout::from_size_align(new_size, layout.align())
                    .unwrap_or_else(|e| panic!("{e}"));
                unsafe { ptr.write_bytes(*fill, new_size) };
            }
        }
        for (ptr, layout, fill) in blocks.into_iter().rev() {
            let bytes = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            assert!(bytes.iter().all(|&b| b == fill));
            unsafe { hybrid.dealloc(ptr, layout) };
        }
    }

    #[test]
    fn blocks_of_each_allocator_are_told_apart() {
        let hybrid = Hybrid::switching_after(1);
        let layout = Layout::from_size_align(100, 8).unwrap_or_else(|e| panic!("{e}"));
        let system = unsafe { hybrid.alloc(layout) };
        let mimalloc = unsafe { hybrid.alloc(layout) };
        assert!(hybrid.switched());
        assert!(!hybrid.is_mimallocs(system));
        assert!(hybrid.is_mimallocs(mimalloc));
        unsafe {
            hybrid.dealloc(system, layout);
            hybrid.dealloc(mimalloc, layout);
        }
    }
}
