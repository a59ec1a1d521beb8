//! The global allocator: the system allocator for a run's first allocations, mimalloc once a
//! run proves big.
//!
//! Why two: a short run (`--version`, one manifest) touches a handful of heap pages with the
//! system allocator, where mimalloc gives every size class a page of its own — about 90 page
//! faults more, a quarter of what auditing one manifest costs. A bulk run (thousands of
//! manifests, a source tree) is about 20% faster with mimalloc's per-thread heaps. So a run
//! starts with the system allocator and switches for good after [`SWITCH_AFTER`] allocations.
//!
//! Every block is freed or resized by the allocator that made it, whenever the switch happened:
//! mimalloc knows the address ranges it manages (`mi_is_in_heap_region`, a lookup in its
//! segment map), and nothing else lies inside them.

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
        }
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
        // SAFETY: a lookup of the address in mimalloc's segment map; it reads no memory at
        // `ptr` and works before mimalloc has made any block.
        self.switched.load(Ordering::Relaxed)
            && unsafe { libmimalloc_sys::mi_is_in_heap_region(ptr.cast_const().cast()) }
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
                System.alloc(layout)
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
                System.alloc_zeroed(layout)
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
                System.realloc(ptr, layout, new_size)
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
