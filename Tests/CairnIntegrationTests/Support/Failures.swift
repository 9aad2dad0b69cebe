import Foundation

/// Failures collected from several threads of one test (concurrent writers), reported after
/// they have all finished.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []

    func add(_ failure: String) { lock.withLock { list.append(failure) } }

    var all: [String] { lock.withLock { list } }
}
