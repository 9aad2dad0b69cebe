import CairnProtocol

/// A delta envelope as it arrives from a peer, a bundle or the store: parsed, verified under
/// the author's key (the test device the header names, or alpha/hq), and opened with the fixed
/// epoch key. Also checks one invariant on every parsed RECORDS envelope: its redacted form
/// parses again with the same id (a site stores that form and serves it to peers).
enum EnvelopeFuzzer {
    static func run(_ data: [UInt8]) -> FuzzOutcome {
        var outcome = FuzzOutcome()
        let fixtures = FuzzFixtures.shared
        let delta: SealedDelta
        do {
            delta = try SealedDelta.parse(data)
        } catch {
            outcome.reject(error)
            return outcome
        }
        checkRedaction(of: delta)
        var complete = true
        do {
            try delta.verify(authorKey: fixtures.signingKey(of: delta.header.author) ?? fixtures.author.signing.publicKey)
        } catch {
            complete = false
            outcome.reject(error)
        }
        // Opened whatever `verify` said (the daemon would stop there): the AEAD refuses what
        // was not sealed under the key, and the body parser behind it is reached by the seeds.
        if delta.header.kind == .records && !delta.isRedacted {
            do {
                _ = try delta.open(key: fixtures.epochKey)
            } catch {
                complete = false
                outcome.reject(error)
            }
        }
        if complete { outcome.accept() }
        return outcome
    }

    private static func checkRedaction(of delta: SealedDelta) {
        guard delta.header.kind == .records else { return }
        let redacted: SealedDelta
        do {
            redacted = try delta.redacted()
        } catch {
            preconditionFailure("a parsed RECORDS delta cannot be redacted: \(error)")
        }
        do {
            let reparsed = try SealedDelta.parse(redacted.envelope)
            precondition(reparsed.id == delta.id, "the redacted envelope has another id")
        } catch {
            preconditionFailure("the redacted form of a parsed envelope does not parse: \(error)")
        }
    }
}

/// A GRANT delta: the envelope as above, then the grant it carries, then the sealed key opened
/// with the recipient's wrapping key.
enum GrantFuzzer {
    static func run(_ data: [UInt8]) -> FuzzOutcome {
        var outcome = FuzzOutcome()
        let fixtures = FuzzFixtures.shared
        let delta: SealedDelta
        do {
            delta = try SealedDelta.parse(data)
        } catch {
            outcome.reject(error)
            return outcome
        }
        // The daemon reads a grant only once its signature verified; a fuzzer cannot forge
        // signatures, so the grant decoder is driven whatever `verify` said, to reach it at all.
        var verified = true
        do {
            try delta.verify(authorKey: fixtures.signingKey(of: delta.header.author) ?? fixtures.author.signing.publicKey)
        } catch {
            verified = false
            outcome.reject(error)
        }
        do {
            let grant = try EpochGrant.read(from: delta)
            _ = try grant.openKey(with: fixtures.recipient.wrapping)
            if verified { outcome.accept() }
        } catch {
            outcome.reject(error)
        }
        return outcome
    }
}
