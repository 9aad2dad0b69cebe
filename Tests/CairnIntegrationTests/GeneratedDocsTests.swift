import Foundation
import Testing

/// The committed shell completions and man pages match the CLI as built (`make completions`,
/// `make man` regenerate them).
@Suite struct GeneratedDocsTests {
    @Test(arguments: ["cairn", "cairnd"], ["bash", "zsh", "fish"])
    func completionsAreCurrent(tool: String, shell: String) throws {
        let binary = tool == "cairn" ? Binaries.cairn : Binaries.cairnd
        let generated = try ProcessRunner.run(binary, ["--generate-completion-script", shell])
        #expect(generated.status == 0)
        let committed = try String(contentsOfFile: Binaries.packageRoot + "/Docs/completions/\(tool).\(shell)", encoding: .utf8)
        #expect(generated.stdout == committed, "Docs/completions/\(tool).\(shell) is stale: run `make completions`")
    }

    @Test func manPagesDescribeEveryCommand() throws {
        let cairn = try String(contentsOfFile: Binaries.packageRoot + "/Docs/man/cairn.1", encoding: .utf8)
        for command in ["status", "record", "agency", "charter", "device", "lab", "audit", "metrics"] {
            #expect(cairn.contains(".It Em \(command)\n"), "cairn.1 lacks \(command): run `make man`")
        }
        let cairnd = try String(contentsOfFile: Binaries.packageRoot + "/Docs/man/cairnd.1", encoding: .utf8)
        #expect(cairnd.contains("init"))
        #expect(cairnd.contains("check-config"))
    }
}
