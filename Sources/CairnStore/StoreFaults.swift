import Synchronization

/// Store operations that a test asks to fail, by the name the store gives them in its errors
/// ("read a record's deltas", "commit a batch", …): the way to show that a caller fails closed
/// when the store fails under it, on a real database rather than a mock. Nothing arms it
/// outside tests; unarmed, it costs one atomic load per operation.
public final class StoreFaults: Sendable {
    private let armed = Atomic<Bool>(false)
    private let failing = Mutex<Set<String>>([])

    init() {}

    /// Makes every later operation named in `operations` fail with `StoreError.database`.
    public func fail(_ operations: Set<String>) {
        failing.withLock { $0.formUnion(operations) }
        armed.store(true, ordering: .releasing)
    }

    /// Lets every operation run again.
    public func clear() {
        failing.withLock { $0.removeAll() }
        armed.store(false, ordering: .releasing)
    }

    /// Throws the injected failure if `operation` is named.
    func check(_ operation: String) throws {
        guard armed.load(ordering: .acquiring) else { return }
        if failing.withLock({ $0.contains(operation) }) {
            throw StoreError.database(operation: operation, detail: "failure injected by a test")
        }
    }
}
