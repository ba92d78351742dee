//! Memory figures: the process's resident set (current and peak, from `/proc/self/status`) and
//! an optional counting allocator that measures the peak heap use of one call.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The counting allocator of this process, once registered (see [`register`]).
static REGISTERED: OnceLock<&'static CountingAlloc> = OnceLock::new();
/// The heap peak recorded by the last [`mark`].
static MARK: AtomicUsize = AtomicUsize::new(0);

/// Makes `alloc` (the process's global allocator) the one [`mark`] reads.
pub fn register(alloc: &'static CountingAlloc) {
    let _ = REGISTERED.set(alloc);
}

/// Records the heap peak so far (the harness calls it when `send()` has returned, before it
/// formats the output or error, so a call's peak is the client's, not the harness's).
pub fn mark() {
    if let Some(a) = REGISTERED.get() {
        MARK.store(a.peak(), Ordering::Relaxed);
    }
}

/// The peak recorded by the last [`mark`], and clears it.
pub fn take_mark() -> Option<usize> {
    match MARK.swap(0, Ordering::Relaxed) {
        0 => None,
        n => Some(n),
    }
}

/// A field of `/proc/self/status` in KiB (`VmRSS`, `VmHWM`), if the system has it.
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line[field.len()..].trim_start_matches(':').trim().trim_end_matches("kB").trim().parse().ok()
}

/// The resident set size now, in KiB.
pub fn rss_kib() -> Option<u64> {
    status_kib("VmRSS")
}

/// The peak resident set size of the process so far ("high water mark"), in KiB.
pub fn max_rss_kib() -> Option<u64> {
    status_kib("VmHWM")
}

/// A global allocator over the system's that counts live bytes and their peak. Install it in
/// a binary or test with `#[global_allocator] static A: CountingAlloc = CountingAlloc::new();`.
pub struct CountingAlloc {
    live: AtomicUsize,
    peak: AtomicUsize,
    used: AtomicBool,
}

impl CountingAlloc {
    pub const fn new() -> Self {
        CountingAlloc { live: AtomicUsize::new(0), peak: AtomicUsize::new(0), used: AtomicBool::new(false) }
    }
    /// Whether this allocator is the global one (it has served an allocation).
    pub fn installed(&self) -> bool {
        self.used.load(Ordering::Relaxed)
    }
    /// Bytes allocated and not yet freed.
    pub fn live(&self) -> usize {
        self.live.load(Ordering::Relaxed)
    }
    /// Starts a new peak measurement from the current live bytes.
    pub fn reset_peak(&self) {
        self.peak.store(self.live(), Ordering::Relaxed);
    }
    /// The largest live byte count since the last [`reset_peak`](Self::reset_peak).
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::Relaxed)
    }
    fn grew(&self, bytes: usize) {
        let live = self.live.fetch_add(bytes, Ordering::Relaxed) + bytes;
        self.peak.fetch_max(live, Ordering::Relaxed);
    }
}

impl Default for CountingAlloc {
    fn default() -> Self {
        Self::new()
    }
}

// SAFETY: every call is forwarded unchanged to `System`; only counters are added.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.used.store(true, Ordering::Relaxed);
        let p = System.alloc(layout);
        if !p.is_null() {
            self.grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            self.grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        self.live.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            if new_size >= layout.size() {
                self.grew(new_size - layout.size());
            } else {
                self.live.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}
