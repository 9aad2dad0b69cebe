import Foundation

/// Who is on the other end of a control connection, from the kernel (SO_PEERCRED): it cannot be
/// forged by the client.
struct PeerCredentials: Sendable, Equatable {
    // Same layout as Linux's `struct ucred`.
    var pid: Int32
    var uid: UInt32
    var gid: UInt32

    /// The groups the peer's user belongs to in the system's group database (what an admin
    /// configures with `usermod -aG`), looked up by uid. The database is used rather than
    /// /proc/PID/status because the sandboxed unit (ProtectProc=invisible) cannot see other
    /// users' processes. Empty when the uid has no account. Blocking (NSS): call it on the
    /// thread pool, through `PeerGroupCache`, never on an event loop.
    func supplementaryGroups() -> [UInt32] {
        var buffer = [CChar](repeating: 0, count: 16 * 1024)
        return buffer.withUnsafeMutableBufferPointer { storage -> [UInt32] in
            var record = passwd()
            var result: UnsafeMutablePointer<passwd>?
            guard let base = storage.baseAddress, getpwuid_r(uid, &record, base, storage.count, &result) == 0, result != nil,
                let name = record.pw_name
            else {
                return []
            }
            var count: Int32 = 64
            var groups = [gid_t](repeating: 0, count: Int(count))
            if getgrouplist(name, gid, &groups, &count) < 0 {
                groups = [gid_t](repeating: 0, count: Int(count))
                guard getgrouplist(name, gid, &groups, &count) >= 0 else { return [] }
            }
            return Array(groups.prefix(Int(count)))
        }
    }
}

/// Decides a caller's right from its credentials and the configuration: root and the daemon's
/// own user may write; configured uids and gids (primary or supplementary) may write or read;
/// everyone else gets nothing.
struct Authorizer: Sendable {
    var daemonUID: UInt32
    var writeUIDs: Set<UInt32>
    var writeGIDs: Set<UInt32>
    var readUIDs: Set<UInt32>
    var readGIDs: Set<UInt32>

    init(config: DaemonConfig, daemonUID: UInt32 = getuid()) {
        self.daemonUID = daemonUID
        writeUIDs = Set(config.writeUIDs)
        writeGIDs = Set(config.writeGIDs)
        readUIDs = Set(config.readUIDs)
        readGIDs = Set(config.readGIDs)
    }

    /// Whether `right(of:groups:)` would read the group database for this caller: only when
    /// groups are configured and the uid or primary gid alone does not already give write.
    func needsGroups(_ peer: PeerCredentials) -> Bool {
        if peer.uid == 0 || peer.uid == daemonUID || writeUIDs.contains(peer.uid) || writeGIDs.contains(peer.gid) { return false }
        return !(writeGIDs.isEmpty && readGIDs.isEmpty)
    }

    func right(of peer: PeerCredentials, groups: () -> [UInt32]) -> AccessRight {
        if peer.uid == 0 || peer.uid == daemonUID || writeUIDs.contains(peer.uid) || writeGIDs.contains(peer.gid) {
            return .write
        }
        let supplementary = (writeGIDs.isEmpty && readGIDs.isEmpty) ? [] : groups()
        if !writeGIDs.isDisjoint(with: supplementary) { return .write }
        if readUIDs.contains(peer.uid) || readGIDs.contains(peer.gid) || !readGIDs.isDisjoint(with: supplementary) {
            return .read
        }
        return .none
    }
}
