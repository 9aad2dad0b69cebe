import Foundation
import Testing

extension IntegrationSuite {
    /// Passphrases from everywhere an operator gives one (issue 17, point 3): a regular file,
    /// standard input (`-`, `/dev/stdin`), a process substitution, an open descriptor, and a
    /// prompt on a terminal with echo off. Each sealed key is then opened by another command
    /// with the same passphrase (and refused with another).
    @Suite struct PassphraseInputTests {
        let directory: String

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-pass-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }

        /// Runs a shell line in the test's directory, with `cairn` in `$C`.
        func shell(_ line: String, stdin: String = "") throws -> ProcessResult {
            try ProcessRunner.run("/bin/bash", ["-c", "cd '\(directory)' && \(line)"], environment: ["C": Binaries.cairn], stdin: stdin)
        }

        /// Whether `key` opens with `passphrase` (charter create reads a sealed key to learn its public key).
        func opens(_ key: String, with passphrase: String) throws -> Bool {
            let result = try shell(
                #"$C charter create --federation f --agency alpha:\#(key):SECRET --threshold 1 --out "c-$RANDOM" --passphrase-file /dev/stdin"#,
                stdin: passphrase)
            return result.status == 0
        }

        @Test func everySourceSealsAndOpensTheKey() throws {
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let made = [
                ("stdin", try shell("$C agency keygen --name alpha --out stdin.key --passphrase-file -", stdin: "pw-stdin\n"), "pw-stdin"),
                ("devstdin", try shell("$C agency keygen --name alpha --out devstdin.key --passphrase-file /dev/stdin", stdin: "pw-dev"), "pw-dev"),
                ("procsub", try shell("$C agency keygen --name alpha --out procsub.key --passphrase-file <(printf pw-sub)"), "pw-sub"),
                ("fd", try shell("$C agency keygen --name alpha --out fd.key --passphrase-fd 3 3< <(printf 'pw-fd\\n')"), "pw-fd"),
            ]
            for (name, result, passphrase) in made {
                #expect(result.status == 0, "\(name): \(result.stderr)")
                #expect(try opens("\(name).key", with: passphrase), "\(name): the key does not open with its passphrase")
                #expect(try !opens("\(name).key", with: passphrase + "x"), "\(name): the key opens with another passphrase")
            }
        }

        /// On a terminal (a pseudo-terminal made by script(1)), `-` prompts, asks twice for a new
        /// key, and refuses two different answers.
        @Test func aTerminalIsPromptedWithoutEcho() throws {
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let typed = try shell(#"script -qec "$C agency keygen --name alpha --out tty.key --passphrase-file -" /dev/null"#, stdin: "pw-tty\npw-tty\n")
            #expect(typed.status == 0, "\(typed.stdout) \(typed.stderr)")
            #expect(typed.stdout.contains("Passphrase: ") && typed.stdout.contains("Again: "), "\(typed.stdout)")
            #expect(try opens("tty.key", with: "pw-tty"))
            let mismatch = try shell(#"script -qec "$C agency keygen --name alpha --out no.key --passphrase-file -" /dev/null"#, stdin: "one\ntwo\n")
            #expect(mismatch.stdout.contains("do not match"), "\(mismatch.stdout)")
            #expect(!FileManager.default.fileExists(atPath: directory + "/no.key"))
        }

        /// `cairnd init` takes the device keys' passphrase the same ways.
        @Test func cairndInitReadsStandardInput() throws {
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let made = try ProcessRunner.run(
                Binaries.cairnd, ["init", "--agency", "alpha", "--device", "hq", "--out", directory + "/hq", "--passphrase-file", "-"],
                stdin: "pw-device\n")
            #expect(made.status == 0, "\(made.stderr)")
            let keys = try String(contentsOfFile: directory + "/hq/device.keys", encoding: .isoLatin1)
            #expect(!keys.isEmpty)
            let refused = try ProcessRunner.run(
                Binaries.cairnd, ["init", "--agency", "alpha", "--device", "lap", "--out", directory + "/lap", "--passphrase-file", directory])
            #expect(refused.status != 0 && refused.stderr.contains("errno"), "\(refused.stderr)")
        }

        /// A passphrase that cannot be read says why, with the errno.
        @Test func anUnreadablePassphraseSaysWhy() throws {
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let result = try shell("$C agency keygen --name alpha --out x.key --passphrase-file .")
            #expect(result.status != 0)
            #expect(result.stderr.contains("cannot read the passphrase file .") && result.stderr.contains("errno"), "\(result.stderr)")
            let empty = try shell("$C agency keygen --name alpha --out y.key --passphrase-file -", stdin: "\n")
            #expect(empty.status != 0 && empty.stderr.contains("empty"), "\(empty.stderr)")
        }
    }
}
