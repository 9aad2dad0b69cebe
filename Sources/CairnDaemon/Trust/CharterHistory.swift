import CairnStore
import CairnTrust

/// The charters this site has accepted, kept in the store as a chain (genesis first), so that a
/// restart re-verifies every step and a configured charter older than the newest one held is
/// refused (rollback protection).
struct CharterHistory {
    let database: CairnDatabase
    /// The genesis fingerprint the configuration pins, if any.
    var genesisFingerprint: [UInt8]? = nil

    /// Verifies the stored chain, then accepts `offered`: the same version (byte-identical), or
    /// the next one signed by a threshold of the current signers. Returns the newest charter.
    func accept(_ offered: SignedObject) throws -> Charter {
        let chain = try stored()
        let held: Charter?
        do {
            held = chain.isEmpty ? nil : try Charter.verifyChain(chain, expectedGenesisFingerprint: genesisFingerprint)
        } catch TrustError.fingerprintMismatch(let expected, let found) {
            throw DaemonError.startup(
                "this store belongs to the federation whose genesis charter has fingerprint \(found), not the configured \(expected); check device.charter_fingerprint or use a fresh state directory")
        } catch {
            throw DaemonError.startup("the charters held in the store no longer verify (\(error)); the store may be damaged")
        }
        // A configured charter older than the one held is fine when it is exactly that version of
        // the history held (an amendment arrived from a peer or `cairn charter apply` since the
        // configuration was written): the newest held charter stays in force. Only a charter
        // that is not in the history is a rollback.
        if let held, chain.contains(where: { $0.body == offered.body }), offered.body != held.signed.body {
            return held
        }
        let accepted: Charter
        do {
            accepted = try Charter.accept(offered: offered, held: held, expectedGenesisFingerprint: genesisFingerprint)
        } catch TrustError.rollback(let offeredVersion, let heldVersion) {
            throw DaemonError.startup(
                "the configured charter is version \(offeredVersion) but this site already holds version \(heldVersion); a charter is never rolled back: configure the newest charter")
        } catch {
            throw DaemonError.startup("the configured charter is not acceptable: \(error)")
        }
        if held?.version != accepted.version {
            try database.setMeta(MetaKey.charter, Self.encode(chain + [accepted.signed]))
        }
        return accepted
    }

    /// The stored chain, each version verified against the one before: genesis first, the
    /// newest last.
    func verifiedChain() throws -> [Charter] {
        var charters: [Charter] = []
        do {
            for signed in try stored() {
                charters.append(try charters.last.map { try $0.verifySuccessor(signed) } ?? Charter.verifyGenesis(signed))
            }
        } catch let error as SiteError {
            throw error
        } catch {
            throw DaemonError.startup("the charters held in the store no longer verify (\(error)); the store may be damaged")
        }
        return charters
    }

    private func stored() throws -> [SignedObject] {
        guard let bytes = try database.meta(MetaKey.charter) else { return [] }
        do {
            return try Self.decode(bytes)
        } catch {
            throw DaemonError.startup("the charters held in the store cannot be read (\(error)); the store may be damaged")
        }
    }

    /// Length-prefixed (u32 big-endian) serialized signed charters.
    static func encode(_ chain: [SignedObject]) -> [UInt8] {
        var out: [UInt8] = []
        for signed in chain {
            let bytes = signed.serialized()
            let n = UInt32(bytes.count)
            out += [UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)] + bytes
        }
        return out
    }

    static func decode(_ bytes: [UInt8]) throws -> [SignedObject] {
        var chain: [SignedObject] = []
        var offset = 0
        while offset < bytes.count {
            guard offset + 4 <= bytes.count else { throw DaemonError.startup("truncated charter chain") }
            let n = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            offset += 4
            guard n <= bytes.count - offset else { throw DaemonError.startup("truncated charter chain") }
            chain.append(try SignedObject.parse(bytes: Array(bytes[offset..<offset + n]), kind: .charter))
            offset += n
        }
        return chain
    }
}
