import CairnStore

/// The peers added at run time with `cairn peer add`, kept in the store (blocking: never on an
/// event loop). The one piece of the store only sync uses.
struct AddedPeers: SiteService {
    let kernel: SiteKernel

    func all() throws -> [(name: String, address: String)] {
        try storeAccess { try database.peers().map { (name: $0.name, address: $0.address) } }
    }

    func add(name: String, address: String, addedAt: Int64) throws {
        try storeAccess { try database.savePeer(PeerRow(name: name, address: address, addedAt: addedAt)) }
    }

    /// False when no added peer has that name.
    func remove(named name: String) throws -> Bool {
        try storeAccess { try database.removePeer(named: name) }
    }
}
