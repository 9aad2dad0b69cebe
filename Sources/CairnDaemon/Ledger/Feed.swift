import CairnModel
import Synchronization

/// Subscribers to something the ledger publishes after each durable group, once the group's
/// callers have their results: record changes for `GET /v1/watch`, stored delta positions for
/// gossip, withdrawals for the sync service. A subscriber's callback must not block (it hands
/// the value to its connection's event loop).
final class Feed<Value: Sendable>: Sendable {
    typealias Subscriber = @Sendable (Value) -> Void

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

    func publish(_ value: Value) {
        let all = subscribers.withLock { Array($0.all.values) }
        for subscriber in all { subscriber(value) }
    }
}

/// The record writes of each committed group, in commit order, with the devices known then
/// (to name authors): what `cairn watch` shows.
typealias ChangeFeed = Feed<CommittedChanges>

/// One group's record writes, for the change feed.
struct CommittedChanges: Sendable {
    var changes: [RecordChange]
    var devices: KnownDevices
}

/// The positions of the deltas a group stored (local writes, grants and received deltas alike):
/// what gossip pushes to connected peers at once.
typealias DeltaFeed = Feed<[(stream: StreamID, sequence: UInt64)]>
