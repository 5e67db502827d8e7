// malloc_conf.cpp: jemalloc's options for the programs that run a block store (lingjid and the
// benchmarks that commit blocks). Linked into those executables only, as an object: jemalloc
// reads this global at its first allocation, and the MALLOC_CONF environment variable still
// overrides it.
//
// dirty_decay_ms:-1 keeps freed pages mapped for reuse instead of returning them to the kernel
// after ~10 s. RocksDB frees a memtable's arena (64 MB) at every flush and allocates the next
// one at once; with the default decay every page of the new arena was faulted in and zeroed by
// the kernel again, ~1 µs of CPU per committed transfer (docs/performance.md). The cost is that
// the process keeps its peak heap instead of shrinking after a burst.
extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's interface.
const char* malloc_conf = "dirty_decay_ms:-1";
}
