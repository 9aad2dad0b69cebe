#!/usr/bin/env python3
"""perf-write-buckets.py SCRIPT WRITES CPU_MS — where the CPU of one local write goes, by stage of
the write path (ledger, services, writes as tasks), from a demangled `perf script` of cairnd.

    perf record -g -p "$(cat SITE/cairnd.pid)" -o w.data &   # during a cairn-load run of WRITES
    perf stat -e task-clock -p PID                           # the daemon's CPU in ms, same run
    perf script -i w.data | swift demangle --simplified > w.script
    scripts/perf-write-buckets.py w.script WRITES CPU_MS

Each sample goes to the first bucket (in this order) whose pattern matches any of its frames;
SQLite and libsodium have no frame pointers, so their samples go by their leaf (Docs/Performance.md,
"Local writes after issue 14")."""
import re, sys, collections
B = [
 ("commit: SQLite write transaction (inserts, WAL pwrite, fdatasync)", r"AuditedCommit|CairnDatabase\.commit|writeInTransaction|SerializedDatabase|DatabasePool\.write"),
 ("read-ahead: the group's rows, one read transaction", r"RecordReadAhead|prefetch"),
 ("audit anchor: sign + write the head, per group", r"AuditAnchor"),
 ("audit entry: detail, BLAKE2b chain", r"AuditChain|WriteContext\.audit|AuditDetail"),
 ("delta: protobuf + XChaCha20 seal + Ed25519 sign + BLAKE2b id", r"sealOwn|SealedDelta"),
 ("record state: encode + seal", r"RecordStateCodec|WriteContext\.stage"),
 ("record model: operations, apply, validate", r"updateOperations|RecordState|CairnModel"),
 ("ledger: other (prepareWrite, context copies, participants)", r"prepareWrite|Ledger\.|WriteContext"),
 ("request: JSON decode (with nesting pre-scan)", r"ControlAPI\.decode|nestingDepth|JSONDecoder|PutRecordRequest"),
 ("response: document mapping + JSON encode", r"DocumentMapping|ControlReply\.json|JSONEncoder|ControlReply\.written"),
 ("metrics", r"SiteMetrics"),
 ("logging", r"Logger\.|LogfmtHandler|logMetadata|logRef"),
 ("HTTP request decode", r"HTTPDecoder|ByteToMessageHandler|HTTPServerPipelineHandler|llhttp"),
 ("response write (HTTP encode, writev)", r"ControlHandler\.write|HTTPResponseEncoder|writeToSocket|flushNow|writev"),
 ("socket read", r"readFromSocket"),
 ("control handler / connection state", r"ControlHandler|ControlConnection"),
 ("hand-offs: task wake-ups, futex, scheduling", r"futex|__schedule|finish_task_switch|sem_post|sem_wait|dispatch_semaphore|_dispatch_root_queue_poke|swift_task|swift_job_run|Continuation|handleWaiting"),
 ("event loop: epoll, other", r"SelectableEventLoop|Selector|epoll"),
 # Frames below SQLite and libsodium are not unwound (no frame pointers there): by leaf.
 ("SQLite: WAL pwrite (commit, checkpoint)", r"__libc_pwrite"),
 ("SQLite: fdatasync", r"^fdatasync"),
 ("SQLite: pread, fcntl locks", r"__libc_pread|__fcntl64"),
 ("SQLite library, unattributed", r"libsqlite3"),
 ("libsodium (sign, seal, hash), unattributed", r"libsodium"),
 ("malloc/free, unattributed", r"malloc|cfree|_int_free|sysmalloc|madvise"),
 ("other", r"."),
]
C = [(n, re.compile(p)) for n, p in B]
path, writes, cpu = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
samples = []; cur = None
for line in open(path, errors="replace"):
    if not line.strip():
        if cur is not None: samples.append(cur); cur = None
        continue
    if not line[0].isspace(): cur = []
    elif cur is not None: p = line.strip().split(" ", 1); cur.append(p[1] if len(p) > 1 else "")
if cur: samples.append(cur)
N = len(samples); per = cpu / N / writes * 1000
cnt = collections.Counter()
for f in samples:
    for n, rx in C:
        if any(rx.search(x) for x in f): cnt[n] += 1; break
print(f"samples {N}, writes {writes}, daemon CPU {cpu:.0f} ms = {cpu/writes*1000:.0f} us/write")
for n, _ in B:
    if cnt[n]: print(f"  {n:66s} {100*cnt[n]/N:5.1f}% {cnt[n]*per:6.1f} us")
