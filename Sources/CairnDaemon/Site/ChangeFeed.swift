import Synchronization

/// Subscribers to the change stream (`GET /v1/watch`). The commit leader publishes a line per
/// committed change; each subscriber's callback must not block (it hands the bytes to its
/// connection's event loop).
final class ChangeFeed: Sendable {
    typealias Subscriber = @Sendable ([UInt8]) -> Void

    private let subscribers = Mutex<(next: UInt64, all: [UInt64: Subscriber])>((0, [:]))

    var isEmpty: Bool { subscribers.withLock { $0.all.isEmpty } }

    func subscribe(_ subscriber: @escaping Subscriber) -> UInt64 {
        subscribers.withLock { state in
            state.next += 1
            state.all[state.next] = subscriber
            return state.next
        }
    }

    func unsubscribe(_ id: UInt64) {
        _ = subscribers.withLock { $0.all.removeValue(forKey: id) }
    }

    func publish(_ line: [UInt8]) {
        let all = subscribers.withLock { Array($0.all.values) }
        for subscriber in all { subscriber(line) }
    }
}
