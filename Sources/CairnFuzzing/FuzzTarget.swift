/// The decoders Cairn exposes to bytes it did not produce, one case per libFuzzer target.
///
/// The fuzz executables in `Fuzz/` and the replay test in `Tests/CairnFuzzingTests` both call
/// `run(_:)`, so what is fuzzed and what `make test` replays is the same code. `run` drives the
/// real decoders exactly as the daemon does on untrusted input: any decoding error is an
/// expected outcome; a trap (overflow, out-of-range index, force-unwrap, ASan report) is a bug.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// Length-prefixed frames (`FrameDecoder`) and the `SyncMessage` each one carries.
    case frame
    /// Delta envelopes: `SealedDelta.parse`, `verify` and `open`.
    case envelope
    /// Grant deltas: the envelope, then `EpochGrant.read` and `openKey`.
    case grant
    /// Bundle files and bundle vector files.
    case bundle
    /// Charters, binary or armored: `SignedObject.parse` then `Charter.verifyGenesis`/`accept`.
    case charter
    /// Certificates, certification requests and revocations, binary or armored.
    case certificate
    /// Control-API requests: NIOHTTP1's server decoder, the route table and the JSON bodies.
    case controlRequest
    /// The audit anchor file: its slots, their records and the heads' signatures.
    case auditAnchor
    /// Range-based reconciliation messages: `ReconcileMessage.decode` and the session checks.
    case reconcile
    /// Grant bodies of either form: `GrantCopies.decode`, then `openKey` of the copies for us.
    case grantCopies

    /// Feeds `data` to this target's decoders and reports how far it got. Never throws and must
    /// never trap, whatever the bytes.
    @discardableResult
    public func run(_ data: [UInt8]) -> FuzzOutcome {
        switch self {
        case .frame: return FrameFuzzer.run(data)
        case .envelope: return EnvelopeFuzzer.run(data)
        case .grant: return GrantFuzzer.run(data)
        case .bundle: return BundleFuzzer.run(data)
        case .charter: return TrustFuzzer.runCharter(data)
        case .certificate: return TrustFuzzer.runCertificate(data)
        case .controlRequest: return ControlRequestFuzzer.run(data)
        case .auditAnchor: return AuditAnchorFuzzer.run(data)
        case .reconcile: return ReconcileFuzzer.run(data)
        case .grantCopies: return GrantCopiesFuzzer.run(data)
        }
    }

    /// Loads the fixtures `run` uses (test keys, the test charter) once, so a fuzzer's first
    /// input is not charged for them and a broken checkout fails before fuzzing starts.
    public static func prepare() {
        _ = FuzzFixtures.shared
    }
}

/// How far one input got through a target's decoders: `accepted` counts objects that decoded
/// and verified completely, `rejected` the ones refused with an error. A valid seed must be
/// accepted, which is how the replay test notices a decoder that stopped accepting good input.
public struct FuzzOutcome: Hashable, Sendable, CustomStringConvertible {
    /// Objects fully decoded (and verified, where the target verifies).
    public var accepted = 0
    /// Objects refused with an error.
    public var rejected = 0
    /// The first refusal, for test failure messages.
    public var firstError: String?

    /// An empty outcome.
    public init() {}

    mutating func accept() { accepted += 1 }

    mutating func reject(_ error: any Error) {
        rejected += 1
        if firstError == nil { firstError = "\(error)" }
    }

    /// Runs `body`, counting it as accepted when it returns and rejected when it throws.
    @discardableResult
    mutating func attempt<T>(_ body: () throws -> T) -> T? {
        do {
            let value = try body()
            accept()
            return value
        } catch {
            reject(error)
            return nil
        }
    }

    public var description: String {
        "accepted \(accepted), rejected \(rejected)" + (firstError.map { " (first error: \($0))" } ?? "")
    }
}
