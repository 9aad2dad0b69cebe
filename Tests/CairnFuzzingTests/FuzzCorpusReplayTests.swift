import CairnFuzzing
import Foundation
import Testing

/// Replays the committed fuzz inputs through the same entry points the fuzzers drive:
/// `Fuzz/Corpus/<target>/` (valid seeds, which must be accepted) and
/// `Fuzz/Regressions/<target>/` (inputs that once crashed a decoder, which must now be refused
/// or accepted without trapping). A trap takes the test process down: that is the failure.
@Suite struct FuzzCorpusReplayTests {
    @Test(arguments: FuzzTarget.allCases)
    func seedsAreAccepted(_ target: FuzzTarget) throws {
        let seeds = try FuzzCorpus.files(in: "Corpus", target: target)
        #expect(!seeds.isEmpty, "no seeds in Fuzz/Corpus/\(target.rawValue)")
        for (name, bytes) in seeds {
            let outcome = target.run(bytes)
            #expect(outcome.accepted > 0, "seed \(target.rawValue)/\(name) is no longer accepted: \(outcome)")
        }
    }

    @Test(arguments: FuzzTarget.allCases)
    func regressionsDoNotTrap(_ target: FuzzTarget) throws {
        for (_, bytes) in try FuzzCorpus.files(in: "Regressions", target: target) {
            target.run(bytes)
        }
    }

    /// Mutations of every seed (every single-byte flip position in the first 512 bytes, and
    /// every truncation), a small deterministic fuzzing pass that runs in `make test`.
    @Test(arguments: FuzzTarget.allCases)
    func mutatedSeedsDoNotTrap(_ target: FuzzTarget) throws {
        for (_, seed) in try FuzzCorpus.files(in: "Corpus", target: target) {
            let stride = max(1, seed.count / 64)
            for index in Swift.stride(from: 0, to: min(seed.count, 512), by: 1) where index % stride == 0 {
                var mutated = seed
                mutated[index] ^= 0xff
                target.run(mutated)
            }
            for length in Swift.stride(from: 0, to: seed.count, by: stride) {
                target.run(Array(seed[..<length]))
            }
        }
    }
}

/// The committed inputs under `Fuzz/` of this source tree.
enum FuzzCorpus {
    /// `<repository>/Fuzz`, found from this file's path.
    static var root: String {
        // #filePath is <root>/Tests/CairnFuzzingTests/FuzzCorpusReplayTests.swift.
        var components = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(3)
        return components.joined(separator: "/") + "/Fuzz"
    }

    /// The files of `Fuzz/<kind>/<target>/`, sorted by name; none when the directory is missing.
    static func files(in kind: String, target: FuzzTarget) throws -> [(String, [UInt8])] {
        let directory = root + "/" + kind + "/" + target.rawValue
        guard FileManager.default.fileExists(atPath: directory) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
            .filter { !$0.hasPrefix(".") }
            .map { ($0, Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + $0)))) }
    }
}
