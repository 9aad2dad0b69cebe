import Testing

@testable import CairnDaemon

@Suite struct AuthorizerTests {
    static let daemonUID: UInt32 = 990

    private func authorizer(
        writeUIDs: [UInt32] = [], writeGIDs: [UInt32] = [], readUIDs: [UInt32] = [], readGIDs: [UInt32] = []
    ) -> Authorizer {
        var config = DaemonConfig(
            configPath: "/c.toml", deviceKeys: "/k", certificate: "/c", charter: "/ch", passphraseFile: nil,
            stateDirectory: "/s", socketPath: "/sock")
        config.writeUIDs = writeUIDs
        config.writeGIDs = writeGIDs
        config.readUIDs = readUIDs
        config.readGIDs = readGIDs
        return Authorizer(config: config, daemonUID: Self.daemonUID)
    }

    private func peer(uid: UInt32, gid: UInt32) -> PeerCredentials {
        PeerCredentials(pid: 1, uid: uid, gid: gid)
    }

    @Test func rootAndTheDaemonUserWrite() {
        let none = authorizer()
        #expect(none.right(of: peer(uid: 0, gid: 0), groups: { [] }) == .write)
        #expect(none.right(of: peer(uid: Self.daemonUID, gid: 5000), groups: { [] }) == .write)
        #expect(none.right(of: peer(uid: 1000, gid: 1000), groups: { [] }) == .none)
    }

    @Test func configuredWritersWrite() {
        let rules = authorizer(writeUIDs: [1000], writeGIDs: [200])
        #expect(rules.right(of: peer(uid: 1000, gid: 1000), groups: { [] }) == .write)
        #expect(rules.right(of: peer(uid: 1001, gid: 200), groups: { [] }) == .write)  // primary group
        #expect(rules.right(of: peer(uid: 1002, gid: 1002), groups: { [7, 200] }) == .write)  // supplementary
        #expect(rules.right(of: peer(uid: 1003, gid: 1003), groups: { [7, 8] }) == .none)
    }

    @Test func configuredReadersRead() {
        let rules = authorizer(readUIDs: [1000], readGIDs: [300])
        #expect(rules.right(of: peer(uid: 1000, gid: 1000), groups: { [] }) == .read)
        #expect(rules.right(of: peer(uid: 1001, gid: 300), groups: { [] }) == .read)  // primary group
        #expect(rules.right(of: peer(uid: 1002, gid: 1002), groups: { [300] }) == .read)  // supplementary
        #expect(rules.right(of: peer(uid: 1003, gid: 1003), groups: { [301] }) == .none)
    }

    @Test func writeWinsOverRead() {
        let rules = authorizer(writeGIDs: [200], readUIDs: [1000], readGIDs: [300])
        #expect(rules.right(of: peer(uid: 1000, gid: 300), groups: { [200] }) == .write)
        #expect(rules.right(of: peer(uid: 1000, gid: 300), groups: { [] }) == .read)
    }

    @Test func supplementaryGroupsAreLookedUpOnlyWhenGroupsAreConfigured() {
        var calls = 0
        let uidsOnly = authorizer(writeUIDs: [1000], readUIDs: [1001])
        #expect(uidsOnly.right(of: peer(uid: 1002, gid: 1002), groups: { calls += 1; return [0] }) == .none)
        #expect(uidsOnly.right(of: peer(uid: 1001, gid: 1001), groups: { calls += 1; return [0] }) == .read)
        #expect(calls == 0)

        // Writers decided by uid or primary gid need no lookup either.
        let withGroups = authorizer(writeGIDs: [200], readGIDs: [300])
        #expect(withGroups.right(of: peer(uid: 0, gid: 0), groups: { calls += 1; return [] }) == .write)
        #expect(withGroups.right(of: peer(uid: 5, gid: 200), groups: { calls += 1; return [] }) == .write)
        #expect(calls == 0)
        #expect(withGroups.right(of: peer(uid: 5, gid: 5), groups: { calls += 1; return [300] }) == .read)
        #expect(calls == 1)
    }

    @Test func configGroupsReachTheAuthorizer() throws {
        let text = minimalConfigText(control: ["write_uids = [1000]", "read_gids = [300]"])
        let (config, problems) = DaemonConfig.parse(text, path: "/x/cairnd.toml")
        #expect(problems == [])
        let rules = Authorizer(config: try #require(config), daemonUID: Self.daemonUID)
        #expect(rules.right(of: peer(uid: 1000, gid: 1), groups: { [] }) == .write)
        #expect(rules.right(of: peer(uid: 7, gid: 1), groups: { [300] }) == .read)
        #expect(rules.right(of: peer(uid: 7, gid: 1), groups: { [] }) == .none)
    }
}

/// Supplementary groups come from the group database by uid, not from /proc.
@Suite struct SupplementaryGroupTests {
    @Test func rootBelongsToItsGroupsAndAnUnknownUidToNone() {
        let root = PeerCredentials(pid: 0, uid: 0, gid: 0).supplementaryGroups()
        #expect(root.contains(0))
        #expect(PeerCredentials(pid: 0, uid: 3_999_999_999, gid: 3_999_999_999).supplementaryGroups().isEmpty)
    }
}
