import CairnControl
import Foundation

extension Federation {
    /// The `record list --class LEVEL` documents of one member, deleted records included, as
    /// canonical JSON (sorted keys): two replicas have converged when these bytes are equal.
    func listing(_ device: String, level: String) throws -> (ids: Set<String>, json: Data) {
        let documents = try client(device).listRecords(class: level, deleted: .include)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (Set(documents.map(\.id)), try encoder.encode(documents))
    }

    /// Waits until, for every level of `expected`, every running member cleared for it lists
    /// exactly the expected record ids and byte-identical documents.
    func waitForConvergence(_ expected: [String: Set<String>], timeout: TimeInterval = 30) throws {
        let running = members.filter { $0.daemon != nil }
        try FederationWait.until("convergence", timeout: timeout, interval: 0.2) {
            for (level, ids) in expected.sorted(by: { $0.key < $1.key }) {
                var reference: (device: String, json: Data)?
                for member in running where Self.isCleared(member.clearance, for: level) {
                    let listing = try listing(member.device, level: level)
                    if listing.ids != ids {
                        let missing = ids.subtracting(listing.ids).sorted().prefix(5)
                        let extra = listing.ids.subtracting(ids).sorted().prefix(5)
                        return "\(member.device) lists \(listing.ids.count)/\(ids.count) \(level) records "
                            + "(missing \(Array(missing)), unexpected \(Array(extra)))"
                    }
                    if let reference, reference.json != listing.json {
                        return "\(member.device) and \(reference.device) hold different \(level) documents"
                    }
                    if reference == nil { reference = (member.device, listing.json) }
                }
            }
            return nil
        }
    }
}
