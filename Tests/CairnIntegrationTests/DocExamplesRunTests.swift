import CairnTestSupport
import Foundation
import Testing

extension IntegrationSuite {
    /// Every `cairn` example of README.md, Docs/*.md and the commands' help runs, as the shell
    /// line it is, against real daemons (issue 17: "every example in the docs is run by a test").
    /// `scripts/doc-examples.sh` builds the world the examples assume (a lab as the docs draw it,
    /// a key ceremony, the files the examples read) and runs each in a directory of its own; this
    /// test finds the examples, hands them over and checks each result.
    @Suite struct DocExamplesRunTests {
        /// Examples that are right to fail where they run, and what they must say (none today:
        /// the script makes every state an example needs, a chain break included).
        static let expectedFailures: [String: String] = [:]

        /// The examples of every command's help, from the CLI's own description of itself.
        static func helpExamples() throws -> [(place: String, line: String)] {
            let dump = try ProcessRunner.run(Binaries.cairn, ["--experimental-dump-help"])
            guard dump.status == 0, let root = try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any],
                let command = root["command"] as? [String: Any]
            else { throw TestFailure("cairn --experimental-dump-help: \(dump.stderr)") }
            var found: [(String, String)] = []
            func visit(_ command: [String: Any], path: String) {
                for line in DocExamples.help(command["discussion"] as? String ?? "") { found.append(("help of \(path)", line)) }
                for sub in command["subcommands"] as? [[String: Any]] ?? [] {
                    visit(sub, path: path + " " + (sub["commandName"] as? String ?? "?"))
                }
            }
            visit(command, path: "cairn")
            return found
        }

        @Test(.timeLimit(.minutes(15))) func everyExampleRuns() throws {
            let examples = try DocExamples.markdown(root: Binaries.packageRoot) + Self.helpExamples()
            #expect(examples.count > 120, "only \(examples.count) examples found")
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-docex-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let list = examples.map { "\($0.place)\t\($0.line)\n" }.joined()
            try list.write(toFile: directory + "/examples", atomically: true, encoding: .utf8)
            let script = Binaries.packageRoot + "/scripts/doc-examples.sh"
            let run = try ProcessRunner.run(
                "/bin/bash", [script, Binaries.productsDirectory, directory + "/examples", directory + "/results"], timeout: 840)
            try #require(run.status == 0, "doc-examples.sh: \(run.stderr)")
            let results = try String(contentsOfFile: directory + "/results", encoding: .utf8).split(separator: "\n").map {
                $0.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            }
            try #require(results.count == examples.count, "\(results.count) results for \(examples.count) examples")
            var failures: [String] = []
            for (example, result) in zip(examples, results) {
                let status = result.count > 1 ? result[1] : "?"
                let output = result.count > 2 ? result[2] : ""
                if let expected = Self.expectedFailures[example.line] {
                    if status == "0" || !output.contains(expected) {
                        failures.append("\(example.place): `\(example.line)` should fail saying \(expected); exit \(status): \(output)")
                    }
                } else if status != "0" {
                    failures.append("\(example.place): `\(example.line)` exited \(status): \(output)")
                }
            }
            #expect(failures.isEmpty, "\(failures.count) of \(examples.count) examples failed:\n\(failures.joined(separator: "\n"))")
        }
    }
}
