import Foundation

/// Who is on the other end of a control connection, from the kernel (SO_PEERCRED): it cannot be
/// forged by the client.
struct PeerCredentials: Sendable, Equatable {
    // Same layout as Linux's `struct ucred`.
    var pid: Int32
    var uid: UInt32
    var gid: UInt32

    /// The peer's supplementary groups, from /proc (empty if the process is gone or hidden).
    func supplementaryGroups() -> [UInt32] {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return [] }
        for line in status.split(separator: "\n") where line.hasPrefix("Groups:") {
            return line.dropFirst("Groups:".count).split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { UInt32($0) }
        }
        return []
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
