/// Runs `operation` until `deadline` and returns its result, or nil when the deadline came first
/// (the operation is then cancelled, and awaited: it must end promptly on cancellation). This is
/// how a wait gets its time limit without a thread sleeping on a semaphore's timeout.
func withDeadline<T: Sendable>(
    _ deadline: ContinuousClock.Instant, _ operation: @escaping @Sendable () async -> T
) async -> T? {
    await withTaskGroup(of: T?.self) { group in
        group.addTask { await operation() }
        group.addTask {
            // Throws only when cancelled: the operation finished first, or the caller was cancelled.
            try? await Task.sleep(until: deadline, clock: .continuous)
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first
    }
}
